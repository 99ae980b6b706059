import type { CallEvent, InvocationPayload } from '../plugin/compute-backend.js';

export interface PoolInit {
  type: 'init';
  workerId: string;
  bundleDir: string;
  storageConfig: { raw: Record<string, unknown>; dir: string; source: string };
}

/** Client → pool process. */
export type ToPoolProcess =
  | PoolInit
  | { type: 'invoke'; items: { seq: number; payload: InvocationPayload }[] }
  | { type: 'cancel'; jobKey: string };

/** Pool process → client. */
export type FromPoolProcess =
  | { type: 'ready' }
  | { type: 'init-failed'; message: string }
  | { type: 'event'; event: CallEvent }
  | { type: 'skipped'; seq: number };
