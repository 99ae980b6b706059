/**
 * A warm call thread hosted by a worker's main thread (CallThreads): calls arrive as messages,
 * run one at a time in order, and go back as replies.
 */
import { parentPort } from 'node:worker_threads';
import { abortCall, ownResult, runCall } from './call-exec.js';
import type { CallRequest } from './call-messages.js';

// Calls are posted ahead; they run strictly one after another, in order.
let chain: Promise<void> = Promise.resolve();

parentPort!.on('message', (msg: CallRequest | { type: 'abort'; seq: number }) => {
  if (msg.type === 'abort') abortCall(msg.seq);
  else chain = chain.then(() => handle(msg));
});

async function handle(msg: CallRequest): Promise<void> {
  const reply = await runCall(msg);
  ownResult(reply);
  parentPort!.postMessage(reply, reply.result ? [reply.result.buffer as ArrayBuffer] : []);
}
