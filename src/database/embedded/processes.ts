import { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';

const POLL_MS = 100;
/** After SIGQUIT (immediate shutdown) a server that still runs is killed. */
const IMMEDIATE_SHUTDOWN_TIMEOUT_MS = 5000;

/** Whether a process with this pid exists (one of another user's counts: signalling it is merely not allowed). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Where /proc tells (Linux), a recycled pid is told apart from the program expected; elsewhere a running pid is
 * taken for it.
 */
function runsProgram(pid: number, matches: (commandLine: string) => boolean): boolean {
  if (!isRunning(pid)) return false;
  try {
    return matches(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return !fs.existsSync('/proc/self');
  }
}

export function isPostgresProcess(pid: number): boolean {
  return runsProgram(pid, (commandLine) => /(^|\/)postgres\0/.test(commandLine));
}

export function isNodeProcess(pid: number): boolean {
  return runsProgram(pid, (commandLine) => /(^|\/)node(js)?(\d+)?\0/.test(commandLine));
}

export function waitForExit(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/**
 * Stops a PostgreSQL server: SIGINT (fast shutdown) and up to `timeoutMs` for it, then SIGQUIT (immediate
 * shutdown, crash recovery at the next start), then SIGKILL. `exited` resolves on the exit of a child of ours;
 * for another process its pid is polled.
 */
export async function stopProcess(pid: number, exited: Promise<void> | undefined, timeoutMs: number): Promise<void> {
  const gone = exited ?? pollUntilGone(pid);
  for (const [signal, wait] of [
    ['SIGINT', timeoutMs],
    ['SIGQUIT', IMMEDIATE_SHUTDOWN_TIMEOUT_MS],
    ['SIGKILL', IMMEDIATE_SHUTDOWN_TIMEOUT_MS],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), wait)));
    const timedOut = await Promise.race([gone.then(() => false), timeout]);
    clearTimeout(timer);
    if (!timedOut) return;
  }
}

async function pollUntilGone(pid: number): Promise<void> {
  while (isRunning(pid)) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
}
