import type { StorageBackend } from '../plugin/storage-backend.js';
import { keys } from './keys.js';
import { statusToJson } from './status-codec.js';
import type { StatusSink } from './status-sink.js';

/** Reports calls through storage: an `init` mark when a call starts, `status.json` when it ends. */
export function storageSink(storage: StorageBackend, prefix: string): StatusSink {
  const bucket = storage.bucket;
  return {
    init: (jobKey, callId, at) =>
      storage.putObject(bucket, keys.init(prefix, jobKey, callId), Buffer.from(String(at))),
    status: (jobKey, status) =>
      storage.putObject(
        bucket,
        keys.status(prefix, jobKey, status.callId),
        Buffer.from(statusToJson(status)),
      ),
  };
}

/** Sends each report to every sink (storage plus an event channel, for example). */
export function fanOutSink(...sinks: StatusSink[]): StatusSink {
  return {
    init: async (jobKey, callId, at) => {
      await Promise.all(sinks.map((s) => s.init(jobKey, callId, at)));
    },
    status: async (jobKey, status) => {
      await Promise.all(sinks.map((s) => s.status(jobKey, status)));
    },
  };
}
