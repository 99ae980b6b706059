import type { CallEvent } from '../plugin/compute-backend.js';

/**
 * Fails, with WORKER_LOST, every call in `pending` that started (its value is the time its `init`
 * was seen) and has been silent longer than `lostAfterSec`: a lost worker never leaves a call
 * pending forever. Shared by storage polling and event monitors.
 */
export function failLostCalls(
  jobKey: string,
  pending: Map<string, number>,
  lostAfterSec: number,
  onEvent: (e: CallEvent) => void,
  now = Date.now(),
): void {
  for (const [callId, seen] of pending) {
    if (seen === 0 || now - seen <= lostAfterSec * 1000) continue;
    pending.delete(callId);
    onEvent({
      type: 'status',
      jobKey,
      status: {
        callId,
        workerId: 'unknown',
        ok: false,
        errorCode: 'WORKER_LOST',
        error: {
          name: 'WorkerLost',
          message: `Nothing was heard from the worker ${Math.round((now - seen) / 1000)} s after the call started.`,
        },
        timings: { start: seen, fnStart: seen, fnEnd: now, end: now },
      },
    });
  }
}
