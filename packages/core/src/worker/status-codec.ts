import type { CallStatus } from './status.js';

/** `status.json` as stored: the inline result travels as base64. */
export function statusToJson(s: CallStatus): string {
  const { result, ...rest } = s;
  return JSON.stringify(
    result
      ? {
          ...rest,
          result: Buffer.from(result.buffer, result.byteOffset, result.byteLength).toString('base64'),
        }
      : rest,
  );
}

export function statusFromJson(text: string): CallStatus {
  const raw = JSON.parse(text) as Omit<CallStatus, 'result'> & { result?: string };
  const { result, ...rest } = raw;
  return result === undefined ? rest : { ...rest, result: Buffer.from(result, 'base64') };
}
