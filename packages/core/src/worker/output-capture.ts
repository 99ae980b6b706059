import { MAX_CAPTURED_OUTPUT } from './call-messages.js';

/**
 * Captures what a call prints (stdout and stderr, interleaved) in the call thread, bounded to
 * MAX_CAPTURED_OUTPUT characters; the rest is counted and reported as cut.
 */
export class OutputCapture {
  private parts: string[] = [];
  private size = 0;
  private dropped = 0;

  constructor() {
    for (const stream of [process.stdout, process.stderr]) {
      stream.write = ((chunk: string | Uint8Array, encOrCb?: unknown, cb?: unknown) => {
        this.add(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        const done = typeof encOrCb === 'function' ? encOrCb : cb;
        if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
        return true;
      }) as typeof stream.write;
    }
  }

  add(text: string): void {
    const room = MAX_CAPTURED_OUTPUT - this.size;
    if (room <= 0) {
      this.dropped += text.length;
      return;
    }
    const part = text.length > room ? text.slice(0, room) : text;
    this.dropped += text.length - part.length;
    this.parts.push(part);
    this.size += part.length;
  }

  /** Returns what was captured since the last take, and starts over. */
  take(): string {
    let out = this.parts.join('');
    if (this.dropped > 0) out += `\n[lithops] ... ${this.dropped} more characters of output were cut\n`;
    this.parts = [];
    this.size = 0;
    this.dropped = 0;
    return out;
  }
}
