// Storage throughput: our backends against the raw SDK client doing the same work, same run.
// Workloads: 1,000 × 64 KiB and 10 × 20 MiB objects, put then get, 16 requests in flight.
// Servers: s3rver (aws_s3, ibm_cos) and Redis, on loopback. Run: node bench/storage.mjs
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

// bench/ depends on core only; the backends, testkit and the raw SDKs come from their packages.
const pkg = (name) => new URL(`../packages/${name}/`, import.meta.url);
const { ensureRedis, startS3rver, testBackendContext } = await import(
  new URL('dist/index.js', pkg('testkit'))
);
const awsS3 = (await import(new URL('dist/index.js', pkg('aws-s3')))).default;
const redis = (await import(new URL('dist/index.js', pkg('redis')))).default;
const fromPkg = (p, dep) =>
  import(pathToFileURL(createRequire(new URL('package.json', pkg(p))).resolve(dep)).href);
const { S3Client, PutObjectCommand, GetObjectCommand } = await fromPkg('aws-s3', '@aws-sdk/client-s3');
const { Redis } = await fromPkg('redis', 'ioredis');

const IN_FLIGHT = 16;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
// BENCH_BACKENDS=redis runs only those (comma-separated: aws_s3, redis).
const only = process.env.BENCH_BACKENDS?.split(',');
const runs = (name) => !only || only.includes(name);
const MiB = 2 ** 20;
const workloads = [
  { name: '1000 x 64 KiB', count: 1000, size: 64 * 1024 },
  { name: '10 x 20 MiB', count: 10, size: 20 * MiB },
];

async function pool(n, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

/** MB/s of put and get over one workload; the bodies are made before the clock starts. */
async function measure(client, w, tag) {
  const bodies = Array.from({ length: Math.min(w.count, 16) }, () => randomBytes(w.size));
  const key = (i) => `bench/${tag}/${w.size}/${i}`;
  let t = performance.now();
  await pool(w.count, (i) => client.put(key(i), bodies[i % bodies.length]));
  const put = (w.count * w.size) / MiB / ((performance.now() - t) / 1000);
  t = performance.now();
  let bytes = 0;
  await pool(w.count, async (i) => {
    const body = await client.get(key(i));
    bytes += body.length;
  });
  const get = bytes / MiB / ((performance.now() - t) / 1000);
  if (bytes !== w.count * w.size)
    throw new Error(`${tag}: read ${bytes} bytes, expected ${w.count * w.size}`);
  return { put, get };
}

async function compare(label, ours, raw) {
  const rows = [];
  for (const w of workloads) {
    const best = { ours: { put: 0, get: 0 }, raw: { put: 0, get: 0 } };
    // Interleaved rounds, best of each, so drift on a busy machine hits both sides alike.
    for (let r = 0; r < ROUNDS; r++) {
      for (const [side, client] of r % 2
        ? [
            ['raw', raw],
            ['ours', ours],
          ]
        : [
            ['ours', ours],
            ['raw', raw],
          ]) {
        const m = await measure(client, w, side);
        best[side].put = Math.max(best[side].put, m.put);
        best[side].get = Math.max(best[side].get, m.get);
      }
    }
    for (const op of ['put', 'get']) {
      rows.push({
        backend: label,
        workload: w.name,
        op,
        'ours MB/s': best.ours[op].toFixed(1),
        'raw MB/s': best.raw[op].toFixed(1),
        ratio: `${((100 * best.ours[op]) / best.raw[op]).toFixed(0)}%`,
      });
    }
  }
  return rows;
}

const s3 = await startS3rver({ buckets: ['bench'] });
const server = await ensureRedis();
const rows = [];
try {
  if (runs('aws_s3')) {
    const s3Backend = await awsS3.create(
      awsS3.configSchema.parse({ storage_bucket: 'bench', endpoint: s3.endpoint }),
      testBackendContext({
        aws: { access_key_id: s3.accessKeyId, secret_access_key: s3.secretAccessKey, region: s3.region },
      }),
    );
    const s3Raw = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    rows.push(
      ...(await compare(
        'aws_s3 (s3rver)',
        { put: (k, b) => s3Backend.putObject('bench', k, b), get: (k) => s3Backend.getObject('bench', k) },
        {
          put: (k, b) => s3Raw.send(new PutObjectCommand({ Bucket: 'bench', Key: k, Body: b })),
          get: async (k) =>
            (await s3Raw.send(new GetObjectCommand({ Bucket: 'bench', Key: k }))).Body.transformToByteArray(),
        },
      )),
    );
    s3Raw.destroy();
    await s3Backend[Symbol.asyncDispose]();
  }
  if (runs('redis')) {
    const prefix = `lithops-bench-${process.pid}`;
    const rBackend = await redis.create(
      redis.configSchema.parse({
        host: server.host,
        port: server.port,
        key_prefix: prefix,
        storage_bucket: 'bench',
      }),
      testBackendContext(),
    );
    const rRaw = new Redis({ host: server.host, port: server.port });
    rows.push(
      ...(await compare(
        'redis',
        { put: (k, b) => rBackend.putObject('bench', k, b), get: (k) => rBackend.getObject('bench', k) },
        {
          put: (k, b) => rRaw.set(`${prefix}-raw:${k}`, b),
          get: (k) => rRaw.getBuffer(`${prefix}-raw:${k}`),
        },
      )),
    );
    await rBackend.deleteBucket('bench');
    for (const w of workloads) {
      await rRaw.del(...Array.from({ length: w.count }, (_, i) => `${prefix}-raw:bench/raw/${w.size}/${i}`));
    }
    rRaw.disconnect();
    await rBackend[Symbol.asyncDispose]();
  }
} finally {
  await s3.stop();
  await server.stop();
}
console.table(rows);
const below = rows.filter((r) => Number.parseInt(r.ratio, 10) < 90);
console.log(
  below.length
    ? `${below.length} of ${rows.length} figures below 90% of raw`
    : 'all figures at or above 90% of raw',
);
