// Exhaustiveness guard for `switch` statements over discriminated unions: if a new message type is
// added to a union and a switch forgets it, `value` is no longer `never` and the build fails.
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
