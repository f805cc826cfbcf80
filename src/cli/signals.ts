// Ctrl-C and SIGTERM for long commands (`seqlab train`): the FIRST signal is handed to the command, which stops
// after its current step and saves what it has; a SECOND one exits at once (the user means it). Exit codes are
// the shell's 128 + signal number (SIGINT 2 → 130, SIGTERM 15 → 143), so scripts see why the command ended.
// Handlers only run when the event loop turns, which is why the training loop yields every ~50 ms.

// A closed stdout or stderr (`seqlab train --json … | head -3`, a consumer that crashed) is the third way a long
// command is interrupted: Node ignores SIGPIPE and reports EPIPE instead, which io.ts hands here as 'SIGPIPE'
// while a command listens, so training saves as on Ctrl-C and exits 128 + 13 = 141 instead of dying unsaved.

export type InterruptSignal = 'SIGINT' | 'SIGTERM' | 'SIGPIPE';

export const SIGNAL_EXIT_CODE: Readonly<Record<InterruptSignal, number>> = { SIGINT: 130, SIGTERM: 143, SIGPIPE: 141 };

const closedPipeListeners = new Set<() => void>();

/** Tells the listening command that a reader closed our output; false when no command listens (then just exit). */
export function interruptOnClosedPipe(): boolean {
  for (const f of closedPipeListeners) f();
  return closedPipeListeners.size > 0;
}

/** Subscribes `handler` to SIGINT, SIGTERM and a closed output pipe of this process; returns the unsubscribe. */
export function onProcessInterrupt(handler: (signal: InterruptSignal) => void): () => void {
  let received = false;
  const on = (signal: InterruptSignal): void => {
    // A second signal means "now"; a second closed-pipe error is only the pipe reporting again.
    if (received && signal === 'SIGPIPE') return;
    if (received) process.exit(SIGNAL_EXIT_CODE[signal]);
    received = true;
    handler(signal);
  };
  const onInt = (): void => on('SIGINT');
  const onTerm = (): void => on('SIGTERM');
  const onPipe = (): void => on('SIGPIPE');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  closedPipeListeners.add(onPipe);
  return () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    closedPipeListeners.delete(onPipe);
  };
}

/** Lets pending I/O and signal handlers run (setImmediate runs after the poll phase that delivers signals). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
