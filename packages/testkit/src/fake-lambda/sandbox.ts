import { type ChildProcess, spawn } from 'node:child_process';

/** Lambda's error payload: `{ errorType, errorMessage, stackTrace }`. */
export interface LambdaErrorBody {
  errorType: string;
  errorMessage: string;
  stackTrace?: string[];
}

export type InvokeOutcome = { ok: true; body: string } | { ok: false; error: LambdaErrorBody };

export interface SandboxOptions {
  node: string;
  hostScript: string;
  codeDir: string;
  handler: string;
  memoryMb: number;
  env: Record<string, string>;
  /** Each line the sandbox prints (its "CloudWatch log"). */
  onLog: (line: string) => void;
}

let seq = 0;

/**
 * One execution environment: a child process on the platform's Node with the function's
 * memory (`--max-old-space-size`), reused warm across invocations, one at a time.
 */
export class Sandbox {
  readonly id = `sbx-${++seq}`;
  readonly child: ChildProcess;
  busy = false;
  invocations = 0;
  dead = false;
  private readonly ready: Promise<LambdaErrorBody | undefined>;
  private pending: { id: string; resolve: (o: InvokeOutcome) => void } | undefined;

  constructor(private readonly o: SandboxOptions) {
    this.child = spawn(o.node, [`--max-old-space-size=${o.memoryMb}`, o.hostScript, o.codeDir, o.handler], {
      cwd: o.codeDir,
      env: o.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      let rest = '';
      stream?.on('data', (d: Buffer) => {
        const lines = (rest + d.toString()).split('\n');
        rest = lines.pop() ?? '';
        for (const l of lines) o.onLog(l);
      });
    }
    this.ready = new Promise((resolve) => {
      this.child.on('message', (m: { type: string; initError?: LambdaErrorBody } & InvokeOutcomeMessage) => {
        if (m.type === 'ready') resolve(m.initError);
        else if (m.type === 'result' && this.pending && this.pending.id === m.id) {
          const p = this.pending;
          this.pending = undefined;
          p.resolve(m.ok ? { ok: true, body: m.body! } : { ok: false, error: m.error! });
        }
      });
      this.child.once('exit', () => resolve(undefined));
    });
    this.child.once('exit', (code, signal) => {
      this.dead = true;
      const p = this.pending;
      this.pending = undefined;
      if (!p) return;
      p.resolve({
        ok: false,
        error: {
          errorType: 'Runtime.ExitError',
          errorMessage: `RequestId: ${p.id} Error: Runtime exited with error: ${signal ? `signal: ${signal === 'SIGKILL' ? 'killed' : signal}` : `exit status ${code}`}`,
        },
      });
    });
    this.child.once('error', () => {
      this.dead = true;
    });
  }

  /** Runs one invocation; a timeout kills the sandbox, as Lambda does. */
  async invoke(id: string, event: string, functionName: string, timeoutSec: number): Promise<InvokeOutcome> {
    const initError = await this.ready;
    if (this.dead) {
      return {
        ok: false,
        error: { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${id} Error: Runtime exited` },
      };
    }
    if (initError) return { ok: false, error: initError };
    this.invocations++;
    const started = Date.now();
    const outcome = new Promise<InvokeOutcome>((resolve) => {
      this.pending = { id, resolve };
    });
    this.child.send({
      type: 'invoke',
      id,
      event,
      deadline: started + timeoutSec * 1000,
      functionName,
      memoryMb: this.o.memoryMb,
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<InvokeOutcome>((resolve) => {
      timer = setTimeout(() => {
        this.kill();
        const secs = ((Date.now() - started) / 1000).toFixed(2);
        this.o.onLog(`${new Date().toISOString()} ${id} Task timed out after ${secs} seconds`);
        resolve({
          ok: false,
          error: {
            errorType: 'Sandbox.Timedout',
            errorMessage: `${id} Task timed out after ${secs} seconds`,
          },
        });
      }, timeoutSec * 1000);
    });
    try {
      return await Promise.race([outcome, timedOut]);
    } finally {
      clearTimeout(timer);
      this.pending = undefined;
    }
  }

  kill(): void {
    this.dead = true;
    this.child.kill('SIGKILL');
  }
}

interface InvokeOutcomeMessage {
  id?: string;
  ok?: boolean;
  body?: string;
  error?: LambdaErrorBody;
}
