// Storage throughput: our backends against the raw SDK client doing the same work, same run.
// Workloads: 1,000 × 64 KiB and 10 × 20 MiB objects, put then get, 16 calls in flight; each
// side reads what it wrote, and (S3) a shared read set as a second line.
// Servers: s3rver (aws_s3, ibm_cos) and Redis, on loopback. Run: node bench/storage.mjs
import { build, compare, fromPkg, report, runs } from './storage-harness.mjs';

const { ensureRedis, startS3rver, testBackendContext } = await build('testkit');
const awsS3 = (await build('aws-s3')).default;
const redis = (await build('redis')).default;
const { S3Client, PutObjectCommand, GetObjectCommand } = await fromPkg('aws-s3', '@aws-sdk/client-s3');
const { Redis } = await fromPkg('redis', 'ioredis');

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
        // Both put each body with one PutObject (ours up to 64 MiB).
        {
          put: (k, b) => s3Raw.send(new PutObjectCommand({ Bucket: 'bench', Key: k, Body: b })),
          get: async (k) =>
            (await s3Raw.send(new GetObjectCommand({ Bucket: 'bench', Key: k }))).Body.transformToByteArray(),
        },
        { sharedReads: true },
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
        // Ours puts bodies up to 64 MiB with one SET each (grouped into pipelines, with its index
        // entries in the same script), as the raw client does here; each side gets what it put.
        {
          put: (k, b) => rRaw.set(`${prefix}-raw:${k}`, b),
          get: (k) => rRaw.getBuffer(`${prefix}-raw:${k}`),
        },
      )),
    );
    await rBackend.deleteBucket('bench');
    // The raw side's keys, warm-up passes included.
    for (let cursor = '0'; ; ) {
      const [next, keys] = await rRaw.scan(cursor, 'MATCH', `${prefix}-raw:*`, 'COUNT', 1000);
      if (keys.length > 0) await rRaw.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
    rRaw.disconnect();
    await rBackend[Symbol.asyncDispose]();
  }
} finally {
  await s3.stop();
  await server.stop();
}
report(rows);
