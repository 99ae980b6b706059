import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';

/** A child process we started, with its recent output (for error messages) and a clean stop. */
export interface ManagedChild {
  child: ChildProcess;
  /** Last few KiB of stdout + stderr. */
  output(): string;
  /** Why it exited early, or undefined while it runs. */
  exitReason(): string | undefined;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Spawns a server process that is killed when this process exits, even if a test forgets `stop()`. */
export function spawnManaged(
  command: string,
  args: readonly string[],
  opts: SpawnOptions = {},
): ManagedChild {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of running) c.kill('SIGKILL');
    });
  }
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  running.add(child);
  let out = '';
  let reason: string | undefined;
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-8192);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.once('error', (e) => {
    reason = `${command} could not start: ${e.message}`;
    running.delete(child);
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      reason ??= `${command} exited (${signal ?? `code ${code}`}): ${out.trim().slice(-2000)}`;
      running.delete(child);
      resolve();
    });
    child.once('error', () => resolve());
  });
  return {
    child,
    output: () => out,
    exitReason: () => reason,
    async stop() {
      if (!running.has(child)) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
