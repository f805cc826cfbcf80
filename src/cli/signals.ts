// Ctrl-C and SIGTERM for long commands (`seqlab train`): the FIRST signal is handed to the command, which stops
// after its current step and saves what it has; a SECOND one exits at once (the user means it). Exit codes are
// the shell's 128 + signal number (SIGINT 2 → 130, SIGTERM 15 → 143), so scripts see why the command ended.
// Handlers only run when the event loop turns, which is why the training loop yields every ~50 ms.

export type InterruptSignal = 'SIGINT' | 'SIGTERM';

export const SIGNAL_EXIT_CODE: Readonly<Record<InterruptSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

/** Subscribes `handler` to SIGINT and SIGTERM of this process; returns the unsubscribe. */
export function onProcessInterrupt(handler: (signal: InterruptSignal) => void): () => void {
  let received = false;
  const on = (signal: InterruptSignal): void => {
    if (received) process.exit(SIGNAL_EXIT_CODE[signal]);
    received = true;
    handler(signal);
  };
  const onInt = (): void => on('SIGINT');
  const onTerm = (): void => on('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  };
}

/** Lets pending I/O and signal handlers run (setImmediate runs after the poll phase that delivers signals). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
