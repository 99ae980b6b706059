// Runs in a sandbox process (the platform's Node): loads the function's handler once, as
// Lambda's runtime does at init, then runs one invocation at a time as the parent sends them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface Invoke {
  type: 'invoke';
  id: string;
  event: string;
  deadline: number;
  functionName: string;
  memoryMb: number;
}

type Handler = (event: unknown, context: Record<string, unknown>) => unknown;

const [codeDir = '.', handlerSpec = 'index.handler'] = process.argv.slice(2);
const dot = handlerSpec.lastIndexOf('.');
const file = handlerSpec.slice(0, dot);
const exportName = handlerSpec.slice(dot + 1);

function errorOf(e: unknown, type?: string) {
  const err = e instanceof Error ? e : new Error(String(e));
  return {
    errorType: type ?? err.name,
    errorMessage: err.message,
    stackTrace: (err.stack ?? '')
      .split('\n')
      .slice(1)
      .map((l) => l.trim()),
  };
}

async function load(): Promise<Handler> {
  const path = ['.mjs', '.js', '.cjs'].map((ext) => join(codeDir, file + ext)).find((p) => existsSync(p));
  if (!path)
    throw Object.assign(new Error(`Cannot find module '${file}'`), { name: 'Runtime.ImportModuleError' });
  const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const fn = mod[exportName];
  if (typeof fn !== 'function') {
    throw Object.assign(new Error(`${handlerSpec} is undefined or not exported`), {
      name: 'Runtime.HandlerNotFound',
    });
  }
  return fn as Handler;
}

const handler = load();
handler.then(
  () => process.send?.({ type: 'ready' }),
  (e: unknown) => process.send?.({ type: 'ready', initError: errorOf(e) }),
);

process.on('message', async (m: Invoke) => {
  if (m.type !== 'invoke') return;
  try {
    const fn = await handler;
    const context = {
      awsRequestId: m.id,
      functionName: m.functionName,
      memoryLimitInMB: String(m.memoryMb),
      getRemainingTimeInMillis: () => m.deadline - Date.now(),
    };
    const value = await fn(JSON.parse(m.event), context);
    process.send?.({ type: 'result', id: m.id, ok: true, body: JSON.stringify(value ?? null) });
  } catch (e) {
    process.send?.({ type: 'result', id: m.id, ok: false, error: errorOf(e) });
  }
});
