import { Session } from 'node:inspector';

/** Where a function's source starts: the script URL and a 0-based line and column. */
export interface FunctionLocation {
  url: string;
  line: number;
  column: number;
}

let session: Session | undefined;
const scriptUrls = new Map<string, string>();
const cache = new WeakMap<Function, FunctionLocation | null>();
const PROBE = '__lithopsLocateProbe';

// The main-thread inspector session answers synchronously; this keeps lookups sync and cheap.
function post<T>(method: string, params?: object): T {
  let out: T | undefined;
  let err: Error | null = null;
  session!.post(method, params ?? {}, (e, r) => {
    err = e;
    out = r as T;
  });
  if (err) throw err;
  return out as T;
}

function connect(): void {
  if (session) return;
  session = new Session();
  session.connect();
  session.on('Debugger.scriptParsed', (m) => {
    if (m.params.url) scriptUrls.set(m.params.scriptId, m.params.url);
  });
}

function urlOf(scriptId: string): string | undefined {
  if (!scriptUrls.has(scriptId)) {
    // Best-effort coverage names the scripts with live functions (a few ms), which includes
    // the function's own script...
    post('Profiler.enable');
    try {
      const { result } = post<{ result: { scriptId: string; url: string }[] }>(
        'Profiler.getBestEffortCoverage',
      );
      for (const s of result) if (s.url) scriptUrls.set(s.scriptId, s.url);
    } finally {
      post('Profiler.disable');
    }
  }
  if (!scriptUrls.has(scriptId)) {
    // ...else enabling the debugger replays scriptParsed for every loaded script (slower).
    post('Debugger.enable');
    post('Debugger.disable');
  }
  return scriptUrls.get(scriptId);
}

/** The script URL and position where `fn` was defined (cached per function). */
export function locateFunction(fn: Function): FunctionLocation | undefined {
  const hit = cache.get(fn);
  if (hit !== undefined) return hit ?? undefined;
  connect();
  const g = globalThis as Record<string, unknown>;
  g[PROBE] = fn;
  let loc: FunctionLocation | undefined;
  try {
    const { result } = post<{ result: { objectId?: string } }>('Runtime.evaluate', {
      expression: `globalThis.${PROBE}`,
      objectGroup: 'lithops',
    });
    const props = post<{
      internalProperties?: {
        name: string;
        value?: { value?: { scriptId: string; lineNumber: number; columnNumber: number } };
      }[];
    }>('Runtime.getProperties', { objectId: result.objectId, ownProperties: true });
    const raw = props.internalProperties?.find((p) => p.name === '[[FunctionLocation]]')?.value?.value;
    const url = raw ? urlOf(raw.scriptId) : undefined;
    if (raw && url) loc = { url, line: raw.lineNumber, column: raw.columnNumber };
  } finally {
    delete g[PROBE];
    post('Runtime.releaseObjectGroup', { objectGroup: 'lithops' });
  }
  cache.set(fn, loc ?? null);
  return loc;
}
