// Serverless dispatch and monitoring on the fake Lambda (Node 22 sandboxes) with s3rver storage.
// (a) acknowledge-only: invocations dispatched per second for 10,000 calls (chunksize 1) and client
//     CPU per invocation; client requests for 10,000 calls with the remote invoker.
// (b) running: 1,000 no-op calls, chunksize 1 and 10, warm sandboxes: time to all results with
//     storage monitoring and with RabbitMQ, and detection latency after the last call ended.
// (c) storage monitoring cost at 10,000 calls: list requests and client CPU per poll.
// Run: node bench/lambda.mjs   (RabbitMQ on 127.0.0.1:5672: bash scripts/services.sh)
import { fork } from 'node:child_process';

const pkg = (name) => new URL(`../packages/${name}/`, import.meta.url);
const { FunctionExecutor } = await import(new URL('dist/index.js', pkg('core')));
const { StorageMonitor } = await import(new URL('dist/monitor/storage-monitor.js', pkg('core')));
const { createStorageBackend } = await import(new URL('dist/index.js', pkg('core')));
const { loadConfig } = await import(new URL('dist/index.js', pkg('core')));
const { startS3rver } = await import(new URL('dist/index.js', pkg('testkit')));
// The backend packages must be loadable by name from here (the executor's loader resolves them).
process.chdir(new URL('.', pkg('aws-lambda')).pathname);

const { noop: noopFn } = await import(new URL('./lambda-jobs.mjs', import.meta.url).href);

const BUCKET = 'lithops-bench';
const s3 = await startS3rver({ buckets: [BUCKET] });
const child = fork(new URL('./lambda-fake.mjs', import.meta.url).pathname, [], { stdio: 'inherit' });
const endpoint = await new Promise((r) => child.once('message', (m) => r(m.endpoint)));
child.once('exit', (code, signal) => {
  console.error(`the fake Lambda process exited (${signal ?? code}): stopping`);
  process.exit(1);
});
// BENCH_PARTS=a,b,c picks parts (default: all).
const parts = (process.env.BENCH_PARTS ?? 'a,b,c').split(',');
let seq = 0;
const ask = (cmd, extra = {}) =>
  new Promise((resolve) => {
    const id = ++seq;
    const on = (m) => {
      if (m.id === id) {
        child.off('message', on);
        resolve(m);
      }
    };
    child.on('message', on);
    child.send({ cmd, id, ...extra });
  });

const config = (lithops = {}, lambda = {}, extra = {}) => ({
  lithops: {
    backend: 'aws_lambda',
    storage: 'aws_s3',
    execution_timeout: 60,
    log_level: process.env.BENCH_LOG ?? 'ERROR',
    ...lithops,
  },
  aws: { access_key_id: s3.accessKeyId, secret_access_key: s3.secretAccessKey, region: 'us-east-1' },
  aws_s3: { storage_bucket: BUCKET, endpoint: s3.endpoint },
  aws_lambda: {
    execution_role: 'arn:aws:iam::123456789012:role/bench',
    endpoint,
    runtime_timeout: 120,
    ...lambda,
  },
  ...extra,
});
const rabbit = { rabbitmq: { amqp_url: 'amqp://guest:guest@127.0.0.1:5672' } };
const range = (n) => Array.from({ length: n }, (_, i) => i);
const results = {};

try {
  // Deploy once (and build the runtime) outside every measurement.
  {
    const fexec = new FunctionExecutor({ config: config({ monitoring_interval: 0.2 }) });
    await fexec.getResult(await fexec.map(noopFn, [1], { timeout: 30 }), { showProgressbar: false });
    await fexec.close();
  }

  // (a) acknowledge-only dispatch
  await ask('mode', { mode: 'acknowledge' });
  for (const remote of parts.includes('a') ? [false, true] : []) {
    const fexec = new FunctionExecutor({
      config: config(
        { monitoring_interval: 3600, data_cleaner: true },
        { max_workers: 10_000, remote_invoker: remote },
      ),
    });
    await fexec.map(noopFn, [0], { timeout: 30 }); // warm: bundle shipped, runtime known
    await ask('reset');
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await fexec.map(noopFn, range(10_000), { timeout: 30, chunksize: 1 });
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const s = await ask('stats');
    const key = remote ? 'ack_remote_invoker_10k' : 'ack_dispatch_10k';
    results[key] = {
      client_requests: s.invokes,
      map_wall_ms: Math.round(wall),
      dispatch_window_ms: s.lastInvokeAt - s.firstInvokeAt,
      invocations_per_s: remote
        ? undefined
        : Math.round(10_000 / ((s.lastInvokeAt - s.firstInvokeAt) / 1000)),
      map_invocations_per_s: remote ? undefined : Math.round(10_000 / (wall / 1000)),
      client_cpu_us_per_invocation: Math.round((cpu.user + cpu.system) / 10_000),
    };
    console.log(key, results[key]);
    await fexec.close().catch(() => {});
  }
  await ask('mode', { mode: 'run' });

  // (b) running mode: 1,000 no-op calls on warm sandboxes
  for (const monitoring of parts.includes('b') ? ['storage', 'rabbitmq'] : []) {
    for (const chunksize of [1, 10]) {
      const fexec = new FunctionExecutor({
        config: config(
          { monitoring, monitoring_interval: 0.2 },
          { max_workers: 1000 },
          monitoring === 'rabbitmq' ? rabbit : {},
        ),
      });
      // Warm-up: starts the sandboxes (the fake's concurrency) and ships the function.
      await fexec.getResult(await fexec.map(noopFn, range(64), { timeout: 30 }), { showProgressbar: false });
      const t0 = Date.now();
      const fs = await fexec.map(noopFn, range(1000), { timeout: 10, chunksize });
      const out = await fexec.getResult(fs, { showProgressbar: false, timeout: 600 });
      const t1 = Date.now();
      if (out.length !== 1000 || out[999] !== 999) throw new Error('wrong results');
      const lastEnd = Math.max(...fs.map((f) => f.stats.worker_end_tstamp * 1000));
      const key = `run_1000_${monitoring}_chunk${chunksize}`;
      const b = await fexec.backendsP;
      results[key] = {
        time_to_all_results_ms: t1 - t0,
        detection_after_last_call_ms: t1 - lastEnd,
        storage_polls: b.monitor?.stats?.polls,
        storage_list_requests: b.monitor?.stats?.lists,
      };
      console.log(key, results[key]);
      await fexec.close();
    }
  }

  // (c) storage monitoring cost per poll at 10,000 calls: every call running (10,000 init marks).
  if (parts.includes('c')) {
    const cfg = loadConfig({ config: config() });
    const storage = await createStorageBackend(cfg);
    const jobKey = 'benchmonitor-M000';
    const ids = range(10_000).map((i) => String(i).padStart(5, '0'));
    let next = 0;
    await Promise.all(
      range(32).map(async () => {
        while (next < ids.length) {
          const id = ids[next++];
          await storage.putObject(BUCKET, `lithops.jobs/${jobKey}/${id}/init`, Buffer.from('1'));
        }
      }),
    );
    // One ListObjectsV2 request per 1,000 keys: 10 per poll here.
    const monitor = new StorageMonitor({
      storage,
      prefix: 'lithops.jobs',
      intervalSec: 3600,
      onEvent: () => {},
      log: { debug() {}, info() {}, warn() {}, error() {} },
    });
    monitor.watch(jobKey, ids, 3600);
    const polls = [];
    for (let i = 0; i < 3; i++) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await monitor.poll();
      const cpu = process.cpuUsage(cpu0);
      polls.push({
        wall_ms: Math.round(performance.now() - t0),
        cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
      });
    }
    monitor.close();
    await storage[Symbol.asyncDispose]();
    results.storage_poll_10k_running = {
      objects_listed_per_poll: 10_000,
      list_requests_per_poll: Math.ceil(10_000 / 1000),
      monitor_lists_counted: monitor.stats.lists / polls.length,
      polls,
    };
    console.log('storage_poll_10k_running', JSON.stringify(results.storage_poll_10k_running));
  }
  console.log(JSON.stringify(results, null, 2));
} finally {
  child.removeAllListeners('exit');
  // The fake stops its sandboxes and exits; a fake that does not is killed (and still stops them).
  const exited = new Promise((r) => child.once('exit', r));
  child.send({ cmd: 'stop', id: 0 });
  const timer = setTimeout(() => child.kill(), 10_000);
  await exited;
  clearTimeout(timer);
  await s3.stop();
}
process.exit(0);
