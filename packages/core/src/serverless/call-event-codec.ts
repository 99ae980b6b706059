import type { CallEvent } from '../plugin/compute-backend.js';
import { statusFromJson, statusToJson } from '../worker/status-codec.js';

/** A call event as one JSON message (for event channels such as RabbitMQ). */
export function callEventToJson(e: CallEvent): string {
  return e.type === 'init'
    ? JSON.stringify(e)
    : `{"type":"status","jobKey":${JSON.stringify(e.jobKey)},"status":${statusToJson(e.status)}}`;
}

export function callEventFromJson(text: string): CallEvent {
  const raw = JSON.parse(text) as { type: string; jobKey: string; status?: unknown };
  if (raw.type === 'status') {
    return { type: 'status', jobKey: raw.jobKey, status: statusFromJson(JSON.stringify(raw.status)) };
  }
  return raw as CallEvent;
}

/** The executor id in a job key (`<executorId>-<jobId>`), which names its event queue. */
export function executorIdOf(jobKey: string): string {
  const dash = jobKey.lastIndexOf('-');
  return dash < 0 ? jobKey : jobKey.slice(0, dash);
}
