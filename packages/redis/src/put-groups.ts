import { Command, type Redis } from 'ioredis';

/** Most objects one index call takes (Lua's `unpack` is limited to a few thousand values). */
const INDEX_BATCH = 500;

/** Indexes objects whose SETs were sent: one script call for one bucket's objects. */
export type IndexObjects = (bucket: string, objects: string[], names: string[]) => Promise<unknown>;

/**
 * `SET key body` written as its header, the body itself and the trailing CRLF: ioredis would first
 * copy header and body into one new buffer, a third of the client's CPU time for a 64 KiB put
 * (measured). The socket is corked while a group fills, so the three pieces still leave together;
 * the body is not copied, so it must stay unchanged until the put settles (as a body must anyway).
 */
class SetCommand extends Command {
  constructor(
    private readonly key: string,
    private readonly body: Buffer,
  ) {
    super('set', [key, body]);
  }

  override toWritable(socket: object): string | Buffer {
    const s = socket as { write?(chunk: string | Buffer): boolean };
    if (typeof s.write !== 'function') return super.toWritable(socket);
    s.write(`*3\r\n$3\r\nSET\r\n$${Buffer.byteLength(this.key)}\r\n${this.key}\r\n$${this.body.length}\r\n`);
    s.write(this.body);
    return '\r\n';
  }
}

/** The objects of one bucket in a group, indexed by one call. */
interface Batch {
  bucket: string;
  objects: string[];
  names: string[];
  indexed: Promise<unknown>;
  settle(result: Promise<unknown>): void;
}

function batch(bucket: string): Batch {
  let settle!: (result: Promise<unknown>) => void;
  const indexed = new Promise<unknown>((resolve) => {
    settle = resolve;
  });
  return { bucket, objects: [], names: [], indexed, settle };
}

interface Group {
  /** The connection, corked while the group fills. */
  stream: Redis['stream'] | undefined;
  /** The batch being filled, per bucket. */
  open: Map<string, Batch>;
  /** Batches already full, in order. */
  full: Batch[];
  size: number;
}

/**
 * Sends the SETs of puts of bytes in groups, each followed by the index calls of its objects, on
 * the one connection: an index call costs Redis several times a ZADD, so it is paid once per group
 * instead of once per put, and the connection is corked while a group fills, so a group leaves in
 * one `writev` (no copy). A group is sent once it holds half of the puts in flight (so while Redis
 * works through one group, the replies of the one before come back and its callers go on), or at
 * the end of the tick. Measured with 16 puts of 64 KiB in flight: one group per tick lost the
 * overlap of client and server (wall time +35%), one script per put cost 25% of throughput.
 */
export class PutGroups {
  private group: Group | undefined;
  /** Puts whose SET is sent and whose index call has not answered. */
  private inFlight = 0;

  constructor(
    private readonly client: Redis,
    private readonly index: IndexObjects,
  ) {}

  /**
   * SETs `obj` and indexes it with the other objects of its group. Settles once both have
   * answered, with the first error: the index call's (a missing bucket, a lost connection) is
   * shared by the puts of its batch.
   */
  put(bucket: string, obj: string, name: string, bytes: Buffer): Promise<unknown[]> {
    const group = this.group ?? this.open();
    const set = new SetCommand(obj, bytes);
    this.client.sendCommand(set);
    let b = group.open.get(bucket);
    if (!b || b.objects.length >= INDEX_BATCH) {
      if (b) group.full.push(b);
      b = batch(bucket);
      group.open.set(bucket, b);
    }
    b.objects.push(obj);
    b.names.push(name);
    group.size++;
    this.inFlight++;
    if (group.size >= Math.ceil(this.inFlight / 2)) this.send(group);
    return Promise.allSettled([set.promise, b.indexed]).then(settledOrThrow);
  }

  private open(): Group {
    // Only a connection that writes now is corked; before that, ioredis queues the commands.
    const stream = this.client.status === 'ready' ? this.client.stream : undefined;
    stream?.cork();
    const group: Group = { stream, open: new Map(), full: [], size: 0 };
    this.group = group;
    process.nextTick(() => this.send(group));
    return group;
  }

  private send(group: Group): void {
    if (this.group !== group) return;
    this.group = undefined;
    for (const b of [...group.full, ...group.open.values()]) {
      const n = b.objects.length;
      b.settle(
        this.index(b.bucket, b.objects, b.names).finally(() => {
          this.inFlight -= n;
        }),
      );
    }
    group.stream?.uncork();
  }
}

/** The values of commands sent together, throwing the first failure (after all have settled). */
function settledOrThrow(results: PromiseSettledResult<unknown>[]): unknown[] {
  for (const r of results) if (r.status === 'rejected') throw r.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value);
}
