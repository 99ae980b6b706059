import { LithopsError } from '../errors.js';
import type { JobState } from '../job/job-state.js';
import { callIdOf } from '../worker/keys.js';
import { rebuildError } from '../worker/remote-error.js';

/**
 * The error a failed call gives to the user: the function's own error rebuilt (name, message,
 * remote stack, code, cause), or a LithopsError for runtime failures; with what the call printed.
 */
export function callError(job: JobState, i: number, backend: string): Error {
  const f = job.failures.get(i)!;
  const where = `call ${callIdOf(i)} of job ${job.jobKey} (${job.functionName})`;
  const output = job.outputs.get(i);
  let err: Error;
  if (f.code === 'FUNCTION_ERROR') {
    err = rebuildError(f.error);
  } else {
    const hints: Partial<Record<string, string>> = {
      TIMEOUT: 'Raise the timeout option (seconds) or make the call faster.',
      OUT_OF_MEMORY: 'Raise runtimeMemory (MB) or use less memory per call.',
      WORKER_DIED: 'The process running the call crashed or was killed; check what the call printed.',
      WORKER_LOST: 'Nothing was heard from the worker; check the backend logs.',
      UNSERIALIZABLE: 'Return structured-cloneable data (no functions, sockets, class behaviour).',
      ABORTED: undefined,
    };
    err = new LithopsError(f.code, `${where} failed: ${f.error.message}`, {
      backend,
      hint: hints[f.code],
      cause: f.error.stack ? rebuildError(f.error) : undefined,
    });
  }
  Object.defineProperties(err, {
    callId: { value: callIdOf(i), enumerable: false },
    jobKey: { value: job.jobKey, enumerable: false },
    output: { value: output, enumerable: false },
  });
  if (output) err.stack = `${err.stack}\n--- output of ${where} ---\n${output.trimEnd()}`;
  return err;
}
