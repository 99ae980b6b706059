/**
 * Progress of a wait: a bar redrawn in place on a TTY, or a short line now and then elsewhere
 * (so CI logs stay readable).
 */
export class Progress {
  private last = 0;
  private drawn = false;
  private readonly tty: boolean;

  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly everyMs = stream.isTTY ? 100 : 10_000,
  ) {
    this.tty = !!stream.isTTY;
  }

  update(done: number, force = false): void {
    const now = Date.now();
    if (!force && now - this.last < this.everyMs) return;
    if (!this.drawn && !force && !this.tty && now - this.last < this.everyMs) return;
    this.last = now;
    if (this.tty) {
      const width = 30;
      const filled = this.total ? Math.round((done / this.total) * width) : width;
      const pct = this.total ? Math.floor((done / this.total) * 100) : 100;
      this.stream.write(
        `\r[lithops] [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${this.total} (${pct}%)`,
      );
    } else if (this.drawn || done < this.total) {
      this.stream.write(`[lithops] ${done}/${this.total} calls done\n`);
    }
    this.drawn = true;
  }

  /** Starts the clock: nothing is printed for waits shorter than one interval. */
  start(): void {
    this.last = Date.now();
  }

  finish(done: number): void {
    if (!this.drawn) return;
    this.update(done, true);
    if (this.tty) this.stream.write('\n');
  }
}
