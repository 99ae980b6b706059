import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { LithopsError, type LithopsErrorCode } from '../errors.js';
import type { CallEvent, InvocationPayload } from '../plugin/compute-backend.js';
import { privateTempDir } from '../util/private-dir.js';
import type { RemoteErrorData } from '../worker/status.js';
import { FrameReader, FrameWriter, ownBytes } from './frames.js';
import type {
  FromPoolProcess,
  FromPoolThread,
  PoolInit,
  ToPoolProcess,
  ToPoolThread,
} from './pool-messages.js';

interface Invocation {
  seq: number;
  payload: InvocationPayload;
  /** Token of the first call (numbered per thread when sent). */
  firstToken: number;
  /** Calls that reported a final status. */
  reported: Set<string>;
  /**
   * The invocations of the job sent as this one (see joinInvocation), each by the count of calls up to its
   * end: each frees its room on the thread once its calls have reported.
   */
  ends: number[];
  /** How many of `ends` have freed their room. */
  freed: number;
}

/** A new invocation of the pool's own. */
function invocation(seq: number, payload: InvocationPayload): Invocation {
  return { seq, payload, firstToken: 0, reported: new Set(), ends: [payload.calls.length], freed: 0 };
}

/** A call thread of a process, connected to the client. */
interface Conn {
  proc: Proc;
  socket: Socket;
  writer: FrameWriter;
  memoryMb: number;
  gen: number;
  /** Invocations sent, in order: the thread runs them one after another. */
  inflight: Invocation[];
  /** Invocations as submitted in flight (not yet freed): what the pipelining depth counts. */
  units: number;
  nextToken: number;
  /** Set once the process reported that the thread ended. */
  verdict: boolean;
  closed: boolean;
  /** Whether the socket keeps the client alive (see updateRefs). */
  refd: boolean;
}

interface Proc {
  id: number;
  child: ChildProcess;
  /** The current call thread of each heap limit (MB, 0 = none). */
  conns: Map<number, Conn>;
  /** Every connected thread not yet settled, by `memoryMb/gen` (a replaced one may linger). */
  all: Map<string, Conn>;
  /** Heap limits asked of the process (it starts the thread for 0 by itself). */
  asked: Set<number>;
  exited: boolean;
  /** Whether the process keeps the client alive (see updateRefs). */
  refd: boolean;
}

/** Invocations waiting for a thread, in order, one queue per heap limit. */
class WaitQueue {
  private readonly lists = new Map<number, Invocation[]>();
  private count = 0;

  private list(inv: Invocation): Invocation[] {
    const mem = inv.payload.memoryMb ?? 0;
    let l = this.lists.get(mem);
    if (!l) {
      l = [];
      this.lists.set(mem, l);
    }
    return l;
  }

  get size(): number {
    return this.count;
  }

  push(inv: Invocation): void {
    this.list(inv).push(inv);
    this.count++;
  }

  /** Puts invocations back at the front (they were taken first). */
  unshift(invs: Invocation[]): void {
    for (let i = invs.length - 1; i >= 0; i--) this.list(invs[i]!).unshift(invs[i]!);
    this.count += invs.length;
  }

  remove(pred: (inv: Invocation) => boolean): void {
    this.count = 0;
    for (const [mem, l] of this.lists) {
      const kept = l.filter((i) => !pred(i));
      this.lists.set(mem, kept);
      this.count += kept.length;
    }
  }

  /** Empties the queue, returning what it held. */
  take(): Invocation[] {
    const all = [...this.lists.values()].flat();
    this.lists.clear();
    this.count = 0;
    return all;
  }

  waiting(memoryMb: number): boolean {
    return (this.lists.get(memoryMb)?.length ?? 0) > 0;
  }

  /** The first invocation waiting for this heap limit, taken off the queue. */
  shift(memoryMb: number): Invocation | undefined {
    const inv = this.lists.get(memoryMb)?.shift();
    if (inv) this.count--;
    return inv;
  }

  /** Heap limits with invocations waiting. */
  *limits(): Generator<number> {
    for (const [mem, l] of this.lists) if (l.length > 0) yield mem;
  }
}

/** Invocations sent ahead to a thread, so it never waits on the client between two. */
const PIPELINE_DEPTH = 2;
/**
 * When calls are this short (ms, moving average), a thread is sent up to FAST_DEPTH invocations
 * at once: fewer messages per call, while long calls stay balanced across processes.
 */
const FAST_CALL_MS = 2;
const FAST_DEPTH = 32;
/**
 * Appends `next` to `inv` when it holds the next calls of the same job with their inline data
 * right after inv's (a map's invocations, sent to one thread in one frame): the thread then
 * decodes and sets up one invocation instead of many, and runs the same calls in the same order.
 */
function joinInvocation(inv: Invocation, next: Invocation): boolean {
  const a = inv.payload;
  const b = next.payload;
  if (a.jobKey !== b.jobKey || !a.inline || !b.inline || a.inline.extraArgs !== b.inline.extraArgs)
    return false;
  const x = a.inline.calls;
  const y = b.inline.calls;
  if (x.buffer !== y.buffer || x.byteOffset + x.byteLength !== y.byteOffset) return false;
  // The first join makes the payload the pool's own; later ones extend it in place.
  const own = inv.ends.length > 1 ? a : { ...a, calls: a.calls.slice() };
  for (const c of b.calls) own.calls.push(c);
  own.inline = {
    calls: new Uint8Array(x.buffer, x.byteOffset, x.byteLength + y.byteLength),
    extraArgs: a.inline.extraArgs,
  };
  inv.payload = own;
  inv.ends.push(own.calls.length);
  return true;
}

/** Processes that die before they are ready, in a row, before the pool gives up. */
const MAX_EARLY_DEATHS = 3;

export interface PoolOptions {
  size: number;
  init: Pick<PoolInit, 'bundleDir' | 'storageConfig'>;
  onEvent: (e: CallEvent) => void;
}

/** Socket folders of the pools not closed yet, removed at exit (one handler for all pools). */
const openDirs = new Set<string>();
let exitHook = false;

/** A private folder for the pool's socket (Unix), or a named pipe (Windows). */
function socketAddress(): { path: string; dir?: string } {
  if (process.platform === 'win32')
    return { path: `\\\\.\\pipe\\lithops-${process.pid}-${randomBytes(6).toString('hex')}` };
  const dir = mkdtempSync(join(privateTempDir('pools'), 'pool-'));
  openDirs.add(dir);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const d of openDirs) rmSync(d, { recursive: true, force: true });
    });
  }
  return { path: join(dir, 's'), dir };
}

/**
 * A warm pool of worker processes, whose call threads connect back to the client. Idle processes
 * and connections are unref'd, so a script that is done exits by itself; a thread or process
 * that dies fails the call it was running (TIMEOUT, OUT_OF_MEMORY, WORKER_DIED), re-queues the
 * calls it had not started, and is replaced.
 */
export class ProcessPool {
  private procs: Proc[] = [];
  private readonly queue = new WaitQueue();
  private pumpSoon = false;
  /** The function of the latest invocation: a thread that connects loads it ahead of its calls. */
  private lastFunc: { func: InvocationPayload['func']; bucket: string } | undefined;
  private spawnPending = false;
  private seq = 0;
  private nextId = 0;
  private earlyDeaths = 0;
  private closed = false;
  /** Moving average of call durations, for the pipelining depth. */
  private avgCallMs = Number.POSITIVE_INFINITY;
  private fatal: string | undefined;
  private readonly script = new URL('./pool-process.js', import.meta.url);
  private server: Server | undefined;
  private address: { path: string; dir?: string } | undefined;
  private readonly nonce = randomBytes(16).toString('hex');
  private removeDir(): void {
    const dir = this.address?.dir;
    if (!dir) return;
    rmSync(dir, { recursive: true, force: true });
    openDirs.delete(dir);
  }

  constructor(private readonly opts: PoolOptions) {}

  /**
   * Starts the first process ahead of the first call (processes stay unref'd while idle); the
   * others follow once it has run a call, or at once when there is work for more than one: on a
   * small machine a lone first call then gets its process's start without the others competing.
   */
  start(): void {
    this.listen();
    if (!this.closed && this.procs.length === 0) this.spawn();
    this.updateRefs();
  }

  private spawnAll(): void {
    while (!this.closed && this.procs.length < this.opts.size) this.spawn();
  }

  /** spawnAll at the next turn of the event loop, if the script goes on (it keeps nothing alive). */
  private spawnLater(): void {
    if (this.spawnPending) return;
    this.spawnPending = true;
    setImmediate(() => {
      this.spawnPending = false;
      this.spawnAll();
      this.updateRefs();
    }).unref();
  }

  submit(payload: InvocationPayload): void {
    if (this.closed) throw new LithopsError('ABORTED', 'The executor is closed.', { backend: 'localhost' });
    this.queue.push(invocation(++this.seq, payload));
    if (this.lastFunc?.func.sha256 !== payload.func.sha256)
      this.lastFunc = { func: payload.func, bucket: payload.storage.bucket };
    if (this.fatal) {
      this.failQueued(this.fatal);
      return;
    }
    this.listen();
    if (this.procs.length === 0 || this.queue.size > 1 || this.connected()) this.spawnAll();
    // The first invocation of a tick leaves at once; the rest of a map's loop follows in a few
    // frames once the loop is done, not one frame each.
    if (!this.pumpSoon) {
      this.pumpSoon = true;
      this.pump();
      process.nextTick(() => {
        this.pumpSoon = false;
        this.pump();
      });
    }
  }

  /** Whether some process has a call thread up. */
  private connected(): boolean {
    return this.procs.some((p) => p.conns.size > 0);
  }

  /** Drops queued invocations of a job and tells the threads to skip theirs. */
  cancel(jobKey: string): void {
    this.queue.remove((i) => i.payload.jobKey === jobKey);
    for (const c of this.conns()) this.write(c, { t: 'cancel', jobKey });
  }

  get busy(): boolean {
    if (this.queue.size > 0) return true;
    for (const c of this.conns()) if (c.inflight.length > 0) return true;
    return false;
  }

  private *conns(): Generator<Conn> {
    for (const p of this.procs) yield* p.all.values();
  }

  private listen(): void {
    if (this.server) return;
    this.address = socketAddress();
    this.server = createServer((socket) => this.onConnection(socket));
    this.server.on('error', (e) => {
      this.fatal = `The localhost pool could not listen on ${this.address?.path}: ${e.message}`;
      this.failQueued(this.fatal);
    });
    this.server.listen(this.address.path);
    this.server.unref();
  }

  private spawn(): void {
    const id = ++this.nextId;
    const child = fork(this.script, [], {
      serialization: 'advanced',
      // Call threads turn source maps on themselves; the pool's own modules need not pay for it.
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const proc: Proc = {
      id,
      child,
      conns: new Map(),
      all: new Map(),
      asked: new Set([0]),
      exited: false,
      refd: true,
    };
    this.procs.push(proc);
    child.on('message', (m: FromPoolProcess) => this.onMessage(proc, m));
    child.on('exit', (code, signal) => this.onExit(proc, code, signal));
    child.on('error', () => {});
    const init: PoolInit = {
      type: 'init',
      procId: id,
      workerId: `localhost-${process.pid}-${id}`,
      socketPath: this.address!.path,
      nonce: this.nonce,
      ...this.opts.init,
    };
    child.send(init);
  }

  private onConnection(socket: Socket): void {
    let conn: Conn | undefined;
    const reader = new FrameReader((m) => {
      const msg = m as FromPoolThread;
      if (conn) this.onFrame(conn, msg);
      else if (msg.t === 'hello' && msg.nonce === this.nonce) conn = this.attach(socket, msg);
      else socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      if (!conn) return;
      conn.closed = true;
      this.settle(conn);
    });
    socket.unref();
  }

  private attach(socket: Socket, hello: Extract<FromPoolThread, { t: 'hello' }>): Conn | undefined {
    const proc = this.procs.find((p) => p.id === hello.procId);
    if (!proc) {
      socket.destroy();
      return undefined;
    }
    const conn: Conn = {
      proc,
      socket,
      writer: new FrameWriter(),
      memoryMb: hello.memoryMb,
      gen: hello.gen,
      inflight: [],
      units: 0,
      nextToken: 1,
      verdict: false,
      closed: false,
      refd: false,
    };
    proc.conns.set(hello.memoryMb, conn);
    proc.all.set(`${hello.memoryMb}/${hello.gen}`, conn);
    this.earlyDeaths = 0;
    if (this.lastFunc) this.write(conn, { t: 'warm', ...this.lastFunc });
    this.pump();
    if (this.queue.size > 0) this.spawnAll();
    return conn;
  }

  private onFrame(conn: Conn, m: FromPoolThread): void {
    if (m.t === 'status') {
      const { status } = m;
      if (status.result) status.result = ownBytes(status.result);
      this.opts.onEvent({ type: 'status', jobKey: m.jobKey, status });
      // The function's own time: a thread's first call also loads the bundle, which says
      // nothing of how long the next calls run.
      const ms = status.timings.fnEnd - status.timings.fnStart;
      if (this.procs.length < this.opts.size) this.spawnLater();
      this.avgCallMs = Number.isFinite(this.avgCallMs) ? this.avgCallMs * 0.9 + ms * 0.1 : ms;
      const inv = this.invocationOf(conn, m.jobKey, status.callId);
      if (inv) {
        inv.reported.add(status.callId);
        // Calls end in order: the invocations joined in this one free their room as they end.
        let freed = 0;
        while (inv.freed < inv.ends.length && inv.reported.size >= inv.ends[inv.freed]!) {
          inv.freed++;
          freed++;
        }
        conn.units -= freed;
        if (inv.reported.size === inv.payload.calls.length)
          conn.inflight.splice(conn.inflight.indexOf(inv), 1);
        // Only this thread's room changed: nothing to send unless it can take more.
        if (freed > 0) {
          if (this.queue.size > 0 ? this.room(conn, this.depth()) > 0 : conn.inflight.length === 0)
            this.pump();
        }
      }
    } else if (m.t === 'skipped') {
      const i = conn.inflight.findIndex((x) => x.seq === m.seq);
      if (i >= 0) {
        const [inv] = conn.inflight.splice(i, 1);
        conn.units -= inv!.ends.length - inv!.freed;
      }
      this.pump();
    }
  }

  /** The invocation a call belongs to: nearly always the first one (they run in order). */
  private invocationOf(conn: Conn, jobKey: string, callId: string): Invocation | undefined {
    for (const inv of conn.inflight) {
      if (inv.payload.jobKey !== jobKey) continue;
      // Calls end in order: the next unreported one, without a scan of a large invocation.
      const { calls } = inv.payload;
      if (calls[inv.reported.size]?.callId === callId || calls.some((c) => c.callId === callId)) return inv;
    }
    return undefined;
  }

  /** The invocation and call of a token (as numbered when sent to this thread). */
  private callOf(conn: Conn, token: number): { inv: Invocation; callId: string } | undefined {
    for (const inv of conn.inflight) {
      const i = token - inv.firstToken;
      const call = inv.payload.calls[i];
      if (i >= 0 && call) return { inv, callId: call.callId };
    }
    return undefined;
  }

  private onMessage(proc: Proc, m: FromPoolProcess): void {
    switch (m.type) {
      case 'init-failed':
        this.fatal = `A localhost worker process could not start: ${m.message}`;
        this.failQueued(this.fatal);
        proc.child.kill();
        return;
      case 'init': {
        const conn = proc.all.get(`${m.memoryMb}/${m.gen}`);
        const hit = conn ? this.callOf(conn, m.token) : undefined;
        if (hit) {
          this.opts.onEvent({
            type: 'init',
            jobKey: hit.inv.payload.jobKey,
            callId: hit.callId,
            workerId: `localhost-${process.pid}-${proc.id}`,
            at: m.at,
          });
        }
        return;
      }
      case 'thread-ended': {
        const conn = proc.all.get(`${m.memoryMb}/${m.gen}`);
        if (!conn) return;
        const hit = this.callOf(conn, m.token);
        if (hit && !hit.inv.reported.has(hit.callId)) {
          hit.inv.reported.add(hit.callId);
          this.failCall(hit.inv.payload.jobKey, hit.callId, m.code, m.error);
        }
        conn.verdict = true;
        this.settle(conn);
        return;
      }
    }
  }

  /**
   * Once a thread is known to have ended and its socket has delivered everything it sent, the
   * calls it had not reported go back to the queue (it runs them in order: none had started).
   */
  private settle(conn: Conn): void {
    if (!conn.verdict || !conn.closed) return;
    const { proc } = conn;
    if (proc.conns.get(conn.memoryMb) === conn) proc.conns.delete(conn.memoryMb);
    proc.all.delete(`${conn.memoryMb}/${conn.gen}`);
    this.requeue(conn.inflight);
    conn.inflight = [];
    this.pump();
  }

  private requeue(invs: Invocation[], except?: string): void {
    const again: Invocation[] = [];
    for (const inv of invs) {
      const { calls, inline } = inv.payload;
      const left = calls.filter((c) => !inv.reported.has(c.callId) && c.callId !== except);
      if (left.length === 0) continue;
      // Inline call data starts at the first call's bytes: the calls left start later.
      const skip = left[0]!.start - calls[0]!.start;
      again.push(
        invocation(++this.seq, {
          ...inv.payload,
          calls: left,
          inline: inline && { calls: inline.calls.subarray(skip), extraArgs: inline.extraArgs },
        }),
      );
    }
    this.queue.unshift(again);
  }

  private onExit(proc: Proc, code: number | null, signal: NodeJS.Signals | null): void {
    proc.exited = true;
    this.procs = this.procs.filter((p) => p !== proc);
    if (proc.all.size === 0) this.earlyDeaths++;
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    for (const conn of proc.all.values()) {
      // A thread runs its invocations in order and their calls back to back: the first
      // unreported call of the first invocation is the one it was running.
      const inv = conn.inflight[0];
      const running = inv?.payload.calls.find((c) => !inv.reported.has(c.callId))?.callId;
      if (inv && running) {
        inv.reported.add(running);
        this.failCall(inv.payload.jobKey, running, 'WORKER_DIED', {
          name: 'WorkerDied',
          message: `The worker process (pid ${proc.child.pid}) ${how} while running this call.`,
        });
      }
      this.requeue(conn.inflight);
      conn.inflight = [];
      conn.socket.destroy();
    }
    proc.conns.clear();
    proc.all.clear();
    if (this.closed) return;
    if (this.earlyDeaths >= MAX_EARLY_DEATHS) {
      this.fatal = `Localhost worker processes keep dying at start (last one ${how}).`;
      this.failQueued(this.fatal);
      return;
    }
    if (this.busy) this.spawn();
    this.pump();
  }

  private failCall(jobKey: string, callId: string, code: LithopsErrorCode, error: RemoteErrorData): void {
    const now = Date.now();
    this.opts.onEvent({
      type: 'status',
      jobKey,
      status: {
        callId,
        workerId: 'localhost',
        ok: false,
        errorCode: code,
        error,
        timings: { start: now, fnStart: now, fnEnd: now, end: now },
      },
    });
  }

  private failQueued(message: string): void {
    for (const inv of this.queue.take())
      for (const c of inv.payload.calls)
        this.failCall(inv.payload.jobKey, c.callId, 'WORKER_DIED', { name: 'WorkerDied', message });
  }

  private write(conn: Conn, m: ToPoolThread): void {
    if (!conn.closed) conn.socket.write(conn.writer.encode(m));
  }

  /** Invocations a thread can take now (refilled in halves: a few large messages, not many small). */
  private room(conn: Conn, depth: number): number {
    return depth === FAST_DEPTH && conn.units > FAST_DEPTH / 2 ? 0 : depth - conn.units;
  }

  /** Invocations sent ahead to a thread: many when calls are short. */
  private depth(): number {
    return this.avgCallMs < FAST_CALL_MS ? FAST_DEPTH : PIPELINE_DEPTH;
  }

  /** A connected thread for this heap limit with room for more, asking processes to start one. */
  private pick(memoryMb: number, room: Map<Conn, number>, depth: number): Conn | undefined {
    let best: Conn | undefined;
    let bestRoom = 0;
    for (const p of this.procs) {
      const conn = p.conns.get(memoryMb);
      if (!conn) {
        if (!p.asked.has(memoryMb) && !p.exited) {
          p.asked.add(memoryMb);
          p.child.send({ type: 'slot', memoryMb } satisfies ToPoolProcess);
        }
        continue;
      }
      if (conn.closed || conn.verdict) continue;
      let r = room.get(conn);
      if (r === undefined) {
        r = this.room(conn, depth);
        room.set(conn, r);
      }
      if (r > bestRoom) {
        best = conn;
        bestRoom = r;
      }
    }
    return best;
  }

  private pump(): void {
    if (this.queue.size === 0) {
      this.updateRefs();
      return;
    }
    const depth = this.depth();
    const room = new Map<Conn, number>();
    const batches = new Map<Conn, Invocation[]>();
    for (const memoryMb of this.queue.limits()) {
      while (this.queue.waiting(memoryMb)) {
        const conn = this.pick(memoryMb, room, depth);
        if (!conn) break;
        const inv = this.queue.shift(memoryMb)!;
        room.set(conn, room.get(conn)! - 1);
        conn.units++;
        const batch = batches.get(conn);
        const last = batch?.[batch.length - 1];
        if (last && joinInvocation(last, inv)) {
          conn.nextToken += inv.payload.calls.length;
          continue;
        }
        inv.firstToken = conn.nextToken;
        conn.nextToken += inv.payload.calls.length;
        conn.inflight.push(inv);
        if (batch) batch.push(inv);
        else batches.set(conn, [inv]);
      }
    }
    for (const [conn, items] of batches) {
      this.write(conn, {
        t: 'invoke',
        items: items.map((i) => ({ seq: i.seq, firstToken: i.firstToken, payload: i.payload })),
      });
    }
    this.updateRefs();
  }

  /** Busy processes and threads keep the client alive; idle ones do not (changes only). */
  private updateRefs(): void {
    const waiting = this.queue.size > 0;
    for (const p of this.procs) {
      let busy = waiting && p.conns.size === 0;
      for (const c of p.all.values()) {
        const refd = c.inflight.length > 0;
        busy ||= refd;
        if (refd === c.refd) continue;
        c.refd = refd;
        if (refd) c.socket.ref();
        else c.socket.unref();
      }
      const refd = busy || waiting;
      if (refd === p.refd) continue;
      p.refd = refd;
      const channel = p.child.channel as { ref?(): void; unref?(): void } | undefined;
      if (refd) {
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
    this.queue.take();
    const deadline = Date.now() + graceMs;
    while (this.busy && Date.now() < deadline) {
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
    this.server?.close();
    this.server = undefined;
    this.removeDir();
  }
}
