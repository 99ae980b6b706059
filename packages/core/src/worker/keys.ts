/** Storage key layout (DESIGN §4); the one place that spells these keys. */
export const keys = {
  funcBundle: (prefix: string, executorId: string, sha256: string) =>
    `${prefix}/${executorId}/${sha256}.func.mjs`,
  /** Rewritten by an open executor that stored data, so `lithops clean` sees it as active. */
  alive: (prefix: string, executorId: string) => `${prefix}/${executorId}/alive`,
  jobFolder: (prefix: string, jobKey: string) => `${prefix}/${jobKey}/`,
  callData: (prefix: string, jobKey: string) => `${prefix}/${jobKey}/aggdata.bin`,
  status: (prefix: string, jobKey: string, callId: string) => `${prefix}/${jobKey}/${callId}/status.json`,
  output: (prefix: string, jobKey: string, callId: string) => `${prefix}/${jobKey}/${callId}/output.bin`,
  init: (prefix: string, jobKey: string, callId: string) => `${prefix}/${jobKey}/${callId}/init`,
  runtimeMeta: (backend: string, runtimeKey: string) => `lithops.runtimes/${backend}/${runtimeKey}.json`,
};

/** Call ids are zero-padded indexes, so listings sort in call order. */
export function callIdOf(index: number): string {
  return String(index).padStart(5, '0');
}
