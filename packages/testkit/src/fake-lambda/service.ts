import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LambdaApiError, notFound } from './errors.js';
import { type InvokeOutcome, Sandbox } from './sandbox.js';
import { extractZip } from './unzip.js';

/** What a function was created with (the subset of CreateFunction we keep). */
export interface FunctionSpec {
  FunctionName: string;
  Role?: string;
  Runtime?: string;
  Handler?: string;
  MemorySize?: number;
  Timeout?: number;
  Description?: string;
  Environment?: { Variables?: Record<string, string> };
  Architectures?: string[];
  EphemeralStorage?: { Size: number };
  VpcConfig?: Record<string, unknown>;
  Tags?: Record<string, string>;
}

/** A function's code, as unpacked from its zip. */
interface FunctionCode {
  dir: string;
  sha: string;
  size: number;
}

/** What UpdateFunctionConfiguration may change (Architectures only go with UpdateFunctionCode). */
const CONFIG_FIELDS = [
  'Role',
  'Runtime',
  'Handler',
  'MemorySize',
  'Timeout',
  'Description',
  'Environment',
  'EphemeralStorage',
  'VpcConfig',
] as const satisfies readonly (keyof FunctionSpec)[];

export interface FakeFunction {
  /** The code and configuration invocations run with. */
  spec: FunctionSpec;
  arn: string;
  tags: Record<string, string>;
  codeDir: string;
  codeSha256: string;
  codeSize: number;
  lastModified: string;
  /** `Pending` from CreateFunction until its resources are "provisioned", then `Active`. */
  state: 'Pending' | 'Active';
  /** Set once Active; `InProgress` while an update is applied (invocations still run the old). */
  lastUpdateStatus?: 'InProgress' | 'Successful';
  /** The update being applied: reported by GetFunction at once, run once it is Successful. */
  update?: { spec: FunctionSpec; code?: FunctionCode; timer?: NodeJS.Timeout };
  /** Ends the Pending state. */
  pendingTimer?: NodeJS.Timeout;
  eventConfig?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
  reservedConcurrency?: number;
  sandboxes: Sandbox[];
}

/** One request the fake received, for assertions. */
export interface FakeLambdaCall {
  api: string;
  functionName?: string;
  invocationType?: string;
  /** Invoke payloads, as sent. */
  payload?: string;
  status: number;
  at: number;
}

/**
 * One invocation run in a sandbox. `started` and `ended` are positions in the fake's order of
 * events (not times), so which runs overlapped is exact.
 */
export interface FakeLambdaRun {
  payload: string;
  started: number;
  ended?: number;
}

/** Event invocations waiting for a free sandbox. */
interface QueuedEvent {
  fn: FakeFunction;
  requestId: string;
  payload: string;
  attempt: number;
  enqueuedAt: number;
}

export interface FakeLambdaOptions {
  region?: string;
  /** Account concurrency: sandboxes busy at once, over all functions. Default 1000. */
  concurrency?: number;
  /** `run` (default) runs handlers; `acknowledge` accepts invocations without running them. */
  mode?: 'run' | 'acknowledge';
  /** Node binary of the sandboxes (the platform's major). */
  node: string;
  hostScript: string;
  /** Env vars every sandbox gets besides the function's (the platform's, e.g. credentials). */
  platformEnv?: Record<string, string>;
  /** Delay before Lambda's own retry of a failed Event invocation, in ms. Default 200. */
  eventRetryDelayMs?: number;
  /** How long a created function stays Pending, and an update InProgress, in ms. Default 500. */
  stateDelayMs?: number;
}

const ACCOUNT = '123456789012';

function b64sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('base64');
}

/** The Lambda service behind the HTTP API: functions, sandboxes, the Event queue, faults. */
export class FakeLambdaService {
  readonly functions = new Map<string, FakeFunction>();
  readonly calls: FakeLambdaCall[] = [];
  /** Invocations run in a sandbox, in start order. */
  readonly runs: FakeLambdaRun[] = [];
  /** Lines printed by sandboxes, by function name (bounded per function). */
  readonly logs = new Map<string, string[]>();
  readonly stats = {
    invokes: 0,
    coldStarts: 0,
    warmStarts: 0,
    busy: 0,
    maxBusy: 0,
    throttled: 0,
    eventRetries: 0,
    completed: 0,
  };
  mode: 'run' | 'acknowledge';
  concurrency: number;
  /** How long a created function stays Pending, and an update InProgress, in ms. */
  stateDelayMs: number;
  private throttleLeft = 0;
  private events = 0;
  private holding = false;
  private readonly queue: QueuedEvent[] = [];
  private readonly dirs = new Set<string>();
  private readonly region: string;

  constructor(private readonly o: FakeLambdaOptions) {
    this.mode = o.mode ?? 'run';
    this.concurrency = o.concurrency ?? 1000;
    this.region = o.region ?? 'us-east-1';
    this.stateDelayMs = o.stateDelayMs ?? 500;
  }

  /** The next `n` Invoke requests get 429 TooManyRequestsException. */
  throttleNext(n: number): void {
    this.throttleLeft += n;
  }

  /** Forgets the call records, the runs and throttling not used yet. */
  resetRecords(): void {
    this.calls.length = 0;
    this.runs.length = 0;
    this.throttleLeft = 0;
  }

  /** Kills the sandboxes that are running an invocation now (a crash mid-call). */
  killBusy(): number {
    let n = 0;
    for (const f of this.functions.values()) {
      for (const s of f.sandboxes) {
        if (s.busy) {
          s.kill();
          n++;
        }
      }
    }
    return n;
  }

  /** Events accepted and not yet started. */
  get queued(): number {
    return this.queue.length;
  }

  record(c: Omit<FakeLambdaCall, 'at'>): void {
    this.calls.push({ ...c, at: Date.now() });
  }

  get(name: string): FakeFunction {
    // FunctionName may be a name or an ARN.
    const f = this.functions.get(
      name.includes(':function:') ? name.split(':function:')[1]!.split(':')[0]! : name,
    );
    if (!f) throw notFound(name);
    return f;
  }

  byArn(arn: string): FakeFunction {
    for (const f of this.functions.values()) if (f.arn === arn) return f;
    throw new LambdaApiError(404, 'ResourceNotFoundException', `Resource not found: ${arn}`);
  }

  private unpack(zipB64: string | undefined, name: string): FunctionCode {
    if (!zipB64) throw new LambdaApiError(400, 'InvalidParameterValueException', 'Code.ZipFile is required');
    const zip = Buffer.from(zipB64, 'base64');
    const dir = mkdtempSync(join(tmpdir(), `fake-lambda-${name}-`));
    this.dirs.add(dir);
    try {
      extractZip(zip, dir);
    } catch (e) {
      throw new LambdaApiError(
        400,
        'InvalidParameterValueException',
        `Could not unzip: ${(e as Error).message}`,
      );
    }
    return { dir, sha: b64sha256(zip), size: zip.length };
  }

  create(spec: FunctionSpec & { Code?: { ZipFile?: string } }): FakeFunction {
    if (!spec.FunctionName)
      throw new LambdaApiError(400, 'InvalidParameterValueException', 'FunctionName is required');
    if (this.functions.has(spec.FunctionName)) {
      throw new LambdaApiError(
        409,
        'ResourceConflictException',
        `Function already exist: ${spec.FunctionName}`,
      );
    }
    if (!spec.Role) throw new LambdaApiError(400, 'InvalidParameterValueException', 'Role is required');
    const code = this.unpack(spec.Code?.ZipFile, spec.FunctionName);
    const { Code: _code, ...rest } = spec;
    const f: FakeFunction = {
      spec: { MemorySize: 128, Timeout: 3, Handler: 'index.handler', ...rest },
      arn: `arn:aws:lambda:${this.region}:${ACCOUNT}:function:${spec.FunctionName}`,
      tags: { ...(spec.Tags ?? {}) },
      codeDir: code.dir,
      codeSha256: code.sha,
      codeSize: code.size,
      lastModified: new Date().toISOString(),
      state: 'Pending',
      sandboxes: [],
    };
    f.pendingTimer = setTimeout(() => {
      f.pendingTimer = undefined;
      f.state = 'Active';
      f.lastUpdateStatus = 'Successful';
    }, this.stateDelayMs);
    f.pendingTimer.unref();
    this.functions.set(spec.FunctionName, f);
    return f;
  }

  /** Lambda refuses an operation on a function still Pending with 409, as here. */
  assertActive(f: FakeFunction): void {
    if (f.state !== 'Active') {
      throw new LambdaApiError(
        409,
        'ResourceConflictException',
        `The operation cannot be performed at this time. The function is currently in the following state: ${f.state}`,
      );
    }
  }

  /** Code and configuration updates cannot overlap: a second one while InProgress gets 409. */
  private assertUpdatable(f: FakeFunction): void {
    this.assertActive(f);
    if (f.lastUpdateStatus === 'InProgress') {
      throw new LambdaApiError(
        409,
        'ResourceConflictException',
        `The operation cannot be performed at this time. An update is in progress for resource: ${f.arn}`,
      );
    }
  }

  /** Updates stay InProgress until `holdUpdates(false)` (to make an overlap certain in a test). */
  holdUpdates(on: boolean): void {
    this.holding = on;
    if (on) return;
    for (const f of this.functions.values()) {
      if (f.update && !f.update.timer) f.update.timer = this.finishLater(f);
    }
  }

  /** Starts an update: reported at once, run after `stateDelayMs` (old code/config until then). */
  private startUpdate(f: FakeFunction, spec: FunctionSpec, code?: FunctionCode): FakeFunction {
    f.lastUpdateStatus = 'InProgress';
    f.lastModified = new Date().toISOString();
    f.update = { spec, ...(code ? { code } : {}) };
    if (!this.holding) f.update.timer = this.finishLater(f);
    return f;
  }

  private finishLater(f: FakeFunction): NodeJS.Timeout {
    const timer = setTimeout(() => {
      const u = f.update!;
      f.update = undefined;
      this.retire(f);
      f.spec = u.spec;
      if (u.code) {
        f.codeDir = u.code.dir;
        f.codeSha256 = u.code.sha;
        f.codeSize = u.code.size;
      }
      f.lastUpdateStatus = 'Successful';
    }, this.stateDelayMs);
    timer.unref();
    return timer;
  }

  /** UpdateFunctionCode: the zip, and `Architectures` (which only this call can change). */
  updateCode(name: string, input: { ZipFile?: string; Architectures?: string[] }): FakeFunction {
    const f = this.get(name);
    this.assertUpdatable(f);
    const code = this.unpack(input.ZipFile, f.spec.FunctionName);
    return this.startUpdate(
      f,
      { ...f.spec, ...(input.Architectures ? { Architectures: input.Architectures } : {}) },
      code,
    );
  }

  /** UpdateFunctionConfiguration: the fields it takes (others, e.g. Architectures, are ignored). */
  updateConfiguration(name: string, input: Partial<FunctionSpec>): FakeFunction {
    const f = this.get(name);
    this.assertUpdatable(f);
    const spec: FunctionSpec = { ...f.spec };
    for (const k of CONFIG_FIELDS) if (input[k] !== undefined) Object.assign(spec, { [k]: input[k] });
    return this.startUpdate(f, spec);
  }

  delete(name: string): void {
    const f = this.get(name);
    clearTimeout(f.pendingTimer);
    clearTimeout(f.update?.timer);
    this.retire(f);
    this.functions.delete(f.spec.FunctionName);
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]!.fn === f) this.queue.splice(i, 1);
  }

  /** New code or config: idle sandboxes go now, busy ones after their invocation. */
  private retire(f: FakeFunction): void {
    for (const s of f.sandboxes) if (!s.busy) s.kill();
    f.sandboxes = f.sandboxes.filter((s) => s.busy);
    for (const s of f.sandboxes) s.dead = true;
  }

  /** The configuration as GetFunction reports it: an update in progress shows its new values. */
  config(f: FakeFunction): Record<string, unknown> {
    const spec = f.update?.spec ?? f.spec;
    const code = f.update?.code ?? { sha: f.codeSha256, size: f.codeSize };
    const vpc = spec.VpcConfig as { SubnetIds?: string[]; SecurityGroupIds?: string[] } | undefined;
    return {
      FunctionName: spec.FunctionName,
      FunctionArn: f.arn,
      Runtime: spec.Runtime,
      Role: spec.Role,
      Handler: spec.Handler,
      CodeSize: code.size,
      CodeSha256: code.sha,
      Description: spec.Description ?? '',
      Timeout: spec.Timeout,
      MemorySize: spec.MemorySize,
      LastModified: f.lastModified,
      Version: '$LATEST',
      Environment: { Variables: spec.Environment?.Variables ?? {} },
      Architectures: spec.Architectures ?? ['x86_64'],
      EphemeralStorage: spec.EphemeralStorage ?? { Size: 512 },
      ...(vpc
        ? {
            VpcConfig: {
              SubnetIds: vpc.SubnetIds ?? [],
              SecurityGroupIds: vpc.SecurityGroupIds ?? [],
              VpcId: vpc.SubnetIds?.length ? 'vpc-0fake' : '',
            },
          }
        : {}),
      PackageType: 'Zip',
      State: f.state,
      ...(f.state === 'Pending'
        ? { StateReason: 'The function is being created.', StateReasonCode: 'Creating' }
        : {}),
      ...(f.lastUpdateStatus ? { LastUpdateStatus: f.lastUpdateStatus } : {}),
    };
  }

  private limitFor(f: FakeFunction): number {
    return Math.min(this.concurrency, f.reservedConcurrency ?? Number.POSITIVE_INFINITY);
  }

  private busyOf(f: FakeFunction): number {
    let n = 0;
    for (const s of f.sandboxes) if (s.busy) n++;
    return n;
  }

  private canRun(f: FakeFunction): boolean {
    return this.stats.busy < this.concurrency && this.busyOf(f) < this.limitFor(f);
  }

  /** Counts an Invoke request against the injected throttling. */
  takeThrottle(): boolean {
    if (this.throttleLeft > 0) {
      this.throttleLeft--;
      this.stats.throttled++;
      return true;
    }
    return false;
  }

  /** RequestResponse: runs now, or 429 when the concurrency is used up. */
  async invokeSync(f: FakeFunction, payload: string): Promise<InvokeOutcome> {
    this.stats.invokes++;
    if (this.mode === 'acknowledge') return { ok: true, body: 'null' };
    if (!this.canRun(f)) {
      this.stats.throttled++;
      throw new LambdaApiError(429, 'TooManyRequestsException', 'Rate Exceeded.', {
        Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
        Type: 'User',
      });
    }
    return this.run(f, randomUUID(), payload);
  }

  /** Event: queued (202) and drained at the configured concurrency. */
  invokeAsync(f: FakeFunction, payload: string): string {
    this.stats.invokes++;
    const requestId = randomUUID();
    if (this.mode === 'acknowledge') return requestId;
    this.queue.push({ fn: f, requestId, payload, attempt: 0, enqueuedAt: Date.now() });
    // As Lambda, the 202 goes out first: starting sandboxes waits until the answer is written.
    setImmediate(() => this.drain());
    return requestId;
  }

  private drain(): void {
    for (let i = 0; i < this.queue.length && this.stats.busy < this.concurrency; ) {
      const q = this.queue[i]!;
      if (!this.functions.has(q.fn.spec.FunctionName) || !this.canRun(q.fn)) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      void this.run(q.fn, q.requestId, q.payload).then((outcome) => {
        if (outcome.ok) return;
        // Lambda retries failed Event invocations itself unless MaximumRetryAttempts says not to.
        const retries = q.fn.eventConfig?.MaximumRetryAttempts ?? 2;
        const maxAge = (q.fn.eventConfig?.MaximumEventAgeInSeconds ?? 21_600) * 1000;
        if (q.attempt < retries && Date.now() - q.enqueuedAt < maxAge) {
          this.stats.eventRetries++;
          setTimeout(() => {
            this.queue.push({ ...q, attempt: q.attempt + 1 });
            this.drain();
          }, this.o.eventRetryDelayMs ?? 200).unref();
        }
      });
    }
  }

  private sandboxFor(f: FakeFunction): Sandbox {
    const warm = f.sandboxes.find((s) => !s.busy && !s.dead);
    if (warm) {
      this.stats.warmStarts++;
      return warm;
    }
    this.stats.coldStarts++;
    const name = f.spec.FunctionName;
    let log = this.logs.get(name);
    if (!log) {
      log = [];
      this.logs.set(name, log);
    }
    const lines = log;
    const s = new Sandbox({
      node: this.o.node,
      hostScript: this.o.hostScript,
      codeDir: f.codeDir,
      handler: f.spec.Handler ?? 'index.handler',
      memoryMb: f.spec.MemorySize ?? 128,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        TMPDIR: tmpdir(),
        LANG: 'en_US.UTF-8',
        TZ: ':UTC',
        AWS_REGION: this.region,
        AWS_DEFAULT_REGION: this.region,
        AWS_LAMBDA_FUNCTION_NAME: name,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(f.spec.MemorySize ?? 128),
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_EXECUTION_ENV: `AWS_Lambda_${f.spec.Runtime ?? 'nodejs22.x'}`,
        LAMBDA_TASK_ROOT: f.codeDir,
        ...(this.o.platformEnv ?? {}),
        ...(f.spec.Environment?.Variables ?? {}),
      },
      onLog: (line) => {
        if (lines.length < 100_000) lines.push(line);
      },
    });
    f.sandboxes.push(s);
    s.child.once('exit', () => {
      f.sandboxes = f.sandboxes.filter((x) => x !== s);
    });
    return s;
  }

  private async run(f: FakeFunction, requestId: string, payload: string): Promise<InvokeOutcome> {
    const s = this.sandboxFor(f);
    const record: FakeLambdaRun = { payload, started: ++this.events };
    this.runs.push(record);
    s.busy = true;
    this.stats.busy++;
    this.stats.maxBusy = Math.max(this.stats.maxBusy, this.stats.busy);
    try {
      return await s.invoke(requestId, payload, f.spec.FunctionName, f.spec.Timeout ?? 3);
    } finally {
      record.ended = ++this.events;
      s.busy = false;
      this.stats.busy--;
      this.stats.completed++;
      if (s.dead) s.kill();
      this.drain();
    }
  }

  async close(): Promise<void> {
    this.queue.length = 0;
    for (const f of this.functions.values()) {
      clearTimeout(f.pendingTimer);
      clearTimeout(f.update?.timer);
      for (const s of f.sandboxes) s.kill();
    }
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
    this.dirs.clear();
  }
}
