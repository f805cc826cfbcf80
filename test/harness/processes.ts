// Stopping exactly the processes we started: a detached child leads its own process group, so
// kill(-pgid) reaches its whole tree (code-server's file watcher, agent host and copilot runtime
// survive a SIGTERM to the top process alone). Stragglers are then SIGKILLed by PID, each checked
// against its start time from /proc so that a recycled PID is never hit. Linux only.
import * as fs from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { sleep } from './log';

/** Start time (clock ticks since boot) of a live, non-zombie pid, else null. */
export function startTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? null : (fields[19] ?? null);
  } catch {
    return null;
  }
}

/** PIDs of all live descendants of pid, read from /proc. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(d));
      children.set(ppid, list);
    } catch {
      // the process ended while we read /proc
    }
  }
  const out: number[] = [];
  const stack = [pid];
  while (stack.length > 0) {
    for (const c of children.get(stack.pop() as number) ?? []) {
      out.push(c);
      stack.push(c);
    }
  }
  return out;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** SIGTERM the group led by `proc`, wait up to `graceMs`, then SIGKILL whatever of its tree is left. */
export async function stopProcessTree(proc: ChildProcess, graceMs = 5000): Promise<number> {
  const pid = proc.pid;
  if (pid === undefined) return 0;
  const tree = [pid, ...descendants(pid)].map((p) => ({ pid: p, start: startTime(p) }));
  const isAlive = (t: { pid: number; start: string | null }): boolean => t.start !== null && startTime(t.pid) === t.start;
  signal(-pid, 'SIGTERM');
  const until = Date.now() + graceMs;
  while (Date.now() < until && tree.some(isAlive)) await sleep(100);
  for (const t of tree) if (isAlive(t)) signal(t.pid, 'SIGKILL');
  signal(-pid, 'SIGKILL');
  return tree.length;
}

/** Runs `cleanup` once on SIGINT/SIGTERM/SIGHUP, then exits (130 for Ctrl-C, 2 otherwise). */
export function cleanupOnSignals(cleanup: () => Promise<void>): void {
  let running = false;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    // `on`, not `once`: a repeated signal (the group's and a parent's forwarded copy) must not
    // fall through to the default action and kill us mid-cleanup.
    process.on(sig, () => {
      if (running) return;
      running = true;
      console.log(`[harness] got ${sig}, cleaning up`);
      void cleanup().finally(() => process.exit(sig === 'SIGINT' ? 130 : 2));
    });
  }
}
