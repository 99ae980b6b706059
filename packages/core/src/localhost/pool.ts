import { type ChildProcess, fork } from 'node:child_process';
import { LithopsError } from '../errors.js';
import type { CallEvent, InvocationPayload } from '../plugin/compute-backend.js';
import type { FromPoolProcess, PoolInit } from './pool-messages.js';

interface Invocation {
  seq: number;
  payload: InvocationPayload;
  /** Calls that reported a final status. */
  reported: Set<string>;
}

interface Proc {
  id: number;
  child: ChildProcess;
  ready: boolean;
  inflight: Invocation[];
}

/** Invocations sent ahead to a process, so it never waits on the client between two. */
const PIPELINE_DEPTH = 2;
/**
 * When calls are this short (ms, moving average), a process is sent up to FAST_DEPTH invocations
 * in one message: fewer messages per call, while long calls stay balanced across processes.
 */
const FAST_CALL_MS = 2;
const FAST_DEPTH = 32;
/** Processes that die before they are ready, in a row, before the pool gives up. */
const MAX_EARLY_DEATHS = 3;

export interface PoolOptions {
  size: number;
  init: Omit<PoolInit, 'type' | 'workerId'>;
  onEvent: (e: CallEvent) => void;
}

/**
 * A warm pool of worker processes. Idle processes are unref'd, so a script that is done exits by
 * itself; a process that dies fails the call it was running (WORKER_DIED), re-queues the calls
 * it had not started, and is replaced.
 */
export class ProcessPool {
  private procs: Proc[] = [];
  private queue: Invocation[] = [];
  private seq = 0;
  private nextId = 0;
  private earlyDeaths = 0;
  private closed = false;
  /** Moving average of call durations, for the pipelining depth. */
  private avgCallMs = Number.POSITIVE_INFINITY;
  private fatal: string | undefined;
  private readonly script = new URL('./pool-process.js', import.meta.url);

  constructor(private readonly opts: PoolOptions) {}

  /** Starts the processes ahead of the first call (they stay unref'd while idle). */
  start(): void {
    while (!this.closed && this.procs.length < this.opts.size) this.spawn();
    this.updateRefs();
  }

  submit(payload: InvocationPayload): void {
    if (this.closed) throw new LithopsError('ABORTED', 'The executor is closed.', { backend: 'localhost' });
    this.queue.push({ seq: ++this.seq, payload, reported: new Set() });
    if (this.fatal) {
      this.failQueued(this.fatal);
      return;
    }
    while (this.procs.length < this.opts.size) this.spawn();
    this.pump();
  }

  /** Drops queued invocations of a job and tells the processes to skip theirs. */
  cancel(jobKey: string): void {
    this.queue = this.queue.filter((i) => i.payload.jobKey !== jobKey);
    for (const p of this.procs) if (p.ready) p.child.send({ type: 'cancel', jobKey });
  }

  get busy(): boolean {
    return this.queue.length > 0 || this.procs.some((p) => p.inflight.length > 0);
  }

  private spawn(): void {
    const id = ++this.nextId;
    const child = fork(this.script, [], {
      serialization: 'advanced',
      // Call threads turn source maps on themselves; the pool's own modules need not pay for it.
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const proc: Proc = { id, child, ready: false, inflight: [] };
    this.procs.push(proc);
    child.on('message', (m: FromPoolProcess) => this.onMessage(proc, m));
    child.on('exit', (code, signal) => this.onExit(proc, code, signal));
    child.on('error', () => {});
    child.send({ type: 'init', workerId: `localhost-${process.pid}-${id}`, ...this.opts.init });
  }

  private onMessage(proc: Proc, m: FromPoolProcess): void {
    switch (m.type) {
      case 'ready':
        proc.ready = true;
        this.earlyDeaths = 0;
        this.pump();
        return;
      case 'init-failed':
        this.fatal = `A localhost worker process could not start: ${m.message}`;
        this.failQueued(this.fatal);
        proc.child.kill();
        return;
      case 'event': {
        const inv = proc.inflight.find(
          (i) =>
            i.payload.jobKey === m.event.jobKey &&
            i.payload.calls.some(
              (c) => c.callId === (m.event.type === 'init' ? m.event.callId : m.event.status.callId),
            ),
        );
        this.opts.onEvent(m.event);
        if (m.event.type === 'status') {
          const ms = m.event.status.timings.end - m.event.status.timings.start;
          this.avgCallMs = Number.isFinite(this.avgCallMs) ? this.avgCallMs * 0.9 + ms * 0.1 : ms;
        }
        if (inv && m.event.type === 'status') {
          inv.reported.add(m.event.status.callId);
          if (inv.reported.size === inv.payload.calls.length) {
            proc.inflight.splice(proc.inflight.indexOf(inv), 1);
            this.pump();
          }
        }
        return;
      }
      case 'skipped': {
        const i = proc.inflight.findIndex((x) => x.seq === m.seq);
        if (i >= 0) proc.inflight.splice(i, 1);
        this.pump();
        return;
      }
    }
  }

  private onExit(proc: Proc, code: number | null, signal: NodeJS.Signals | null): void {
    this.procs = this.procs.filter((p) => p !== proc);
    if (!proc.ready) this.earlyDeaths++;
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const requeue: Invocation[] = [];
    for (const [n, inv] of proc.inflight.entries()) {
      // A process runs its invocations in order and their calls back to back: the first
      // unreported call of the first invocation is the one it was running.
      const running =
        n === 0 ? inv.payload.calls.find((c) => !inv.reported.has(c.callId))?.callId : undefined;
      const left = inv.payload.calls.filter((c) => !inv.reported.has(c.callId) && c.callId !== running);
      if (running) {
        this.died(
          inv.payload.jobKey,
          running,
          `The worker process (pid ${proc.child.pid}) ${how} while running this call.`,
        );
      }
      if (left.length > 0)
        requeue.push({ seq: ++this.seq, payload: { ...inv.payload, calls: left }, reported: new Set() });
    }
    this.queue.unshift(...requeue);
    if (this.closed) return;
    if (this.earlyDeaths >= MAX_EARLY_DEATHS) {
      this.fatal = `Localhost worker processes keep dying at start (last one ${how}).`;
      this.failQueued(this.fatal);
      return;
    }
    if (this.busy) this.spawn();
    this.pump();
  }

  private died(jobKey: string, callId: string, message: string): void {
    const now = Date.now();
    this.opts.onEvent({
      type: 'status',
      jobKey,
      status: {
        callId,
        workerId: 'localhost',
        ok: false,
        errorCode: 'WORKER_DIED',
        error: { name: 'WorkerDied', message },
        timings: { start: now, fnStart: now, fnEnd: now, end: now },
      },
    });
  }

  private failQueued(message: string): void {
    const q = this.queue;
    this.queue = [];
    for (const inv of q) for (const c of inv.payload.calls) this.died(inv.payload.jobKey, c.callId, message);
  }

  private pump(): void {
    const depth = this.avgCallMs < FAST_CALL_MS ? FAST_DEPTH : PIPELINE_DEPTH;
    for (const p of this.procs) {
      if (!p.ready || this.queue.length === 0) continue;
      // Refill in halves, so a busy process gets a few large messages rather than many small ones.
      if (depth === FAST_DEPTH && p.inflight.length > FAST_DEPTH / 2) continue;
      const n = Math.min(depth - p.inflight.length, this.queue.length);
      if (n <= 0) continue;
      const batch = this.queue.splice(0, n);
      p.inflight.push(...batch);
      p.child.send({ type: 'invoke', items: batch.map((inv) => ({ seq: inv.seq, payload: inv.payload })) });
    }
    this.updateRefs();
  }

  /** Busy processes keep the client alive; idle ones do not. */
  private updateRefs(): void {
    for (const p of this.procs) {
      const channel = p.child.channel as { ref?(): void; unref?(): void } | undefined;
      if (p.inflight.length > 0 || (!p.ready && this.queue.length > 0)) {
        p.child.ref();
        channel?.ref?.();
      } else {
        p.child.unref();
        channel?.unref?.();
      }
    }
  }

  /** Waits up to `graceMs` for running invocations, then stops every process. */
  async close(graceMs = 0): Promise<void> {
    this.closed = true;
    this.queue = [];
    const deadline = Date.now() + graceMs;
    while (this.procs.some((p) => p.inflight.length > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const exits = this.procs.map(
      (p) =>
        new Promise<void>((r) =>
          p.child.exitCode !== null || p.child.signalCode ? r() : p.child.once('exit', () => r()),
        ),
    );
    // Keep the loop alive until every exit is seen (unref'd handles would let it end first),
    // and escalate to SIGKILL for a process that ignores SIGTERM.
    const keepAlive = setInterval(() => {}, 1000);
    const escalate = setTimeout(() => {
      for (const p of this.procs) p.child.kill('SIGKILL');
    }, 3000);
    for (const p of this.procs) p.child.kill();
    await Promise.all(exits);
    clearInterval(keepAlive);
    clearTimeout(escalate);
    this.procs = [];
  }
}
