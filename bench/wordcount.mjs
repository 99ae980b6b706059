// Word count over 256 MiB of generated text on localhost (2 workers): Lithops (objects() +
// objChunkSize, read through localhost storage) against a floor of 2 forked processes that read
// the same line-aligned byte ranges of the same files directly. Prints MB/s and the ratio.
import { fork } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FunctionExecutor, objects } from '@lithops/core';
import { countChunkWords, countWordBytes } from './wordcount-jobs.mjs';

const TOTAL_MIB = Number(process.env.BENCH_MIB ?? 256);
const FILES = 8;
const CHUNK = Number(process.env.BENCH_CHUNK_MIB ?? 16) * 2 ** 20;
const WORKERS = 2;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

// Generate the input straight into the localhost storage folder (bucket "storage").
const storageDir = mkdtempSync(join(tmpdir(), 'lithops-bench-wc-'));
const bucketDir = join(storageDir, 'storage', 'wc');
mkdirSync(bucketDir, { recursive: true });
const vocabulary = 'the quick brown fox jumps over a lazy dog while lithops counts every word again'.split(
  ' ',
);
let x = 1;
const rnd = (n) => {
  x = (x * 1103515245 + 12345) & 0x7fffffff;
  return (x >>> 16) % n;
};
const paths = [];
let expected = 0;
for (let f = 0; f < FILES; f++) {
  const lines = [];
  let size = 0;
  while (size < (TOTAL_MIB / FILES) * 2 ** 20) {
    const n = 1 + rnd(14);
    const line = Array.from({ length: n }, () => vocabulary[rnd(vocabulary.length)]).join(' ');
    lines.push(line);
    size += line.length + 1;
  }
  const buf = Buffer.from(`${lines.join('\n')}\n`);
  expected += countWordBytes(buf);
  const path = join(bucketDir, `part-${f}.txt`);
  writeFileSync(path, buf);
  paths.push({ path, size: buf.length });
}
const totalBytes = paths.reduce((a, p) => a + p.size, 0);

// The floor's tasks: the same line-aligned ranges a chunk owns (first line start at or after
// each nominal boundary), computed up front so the floor pays nothing for alignment.
function lineStartAtOrAfter(fd, pos, size) {
  if (pos === 0) return 0;
  const buf = Buffer.alloc(64 * 1024);
  for (let at = pos - 1; at < size; at += buf.length) {
    const n = readSync(fd, buf, 0, buf.length, at);
    const i = buf.subarray(0, n).indexOf(10);
    if (i >= 0) return at + i + 1;
  }
  return size;
}
const tasks = [];
for (const { path, size } of paths) {
  const fd = openSync(path, 'r');
  const starts = [];
  for (let b = 0; b < size; b += CHUNK) starts.push(lineStartAtOrAfter(fd, b, size));
  closeSync(fd);
  starts.forEach((s, i) => {
    const e = i + 1 < starts.length ? starts[i + 1] : size;
    if (e > s) tasks.push([path, s, e]);
  });
}

const floor = Array.from({ length: WORKERS }, () =>
  fork(new URL('./wordcount-floor-worker.mjs', import.meta.url), [], { serialization: 'advanced' }),
);
// One run at a time; each process's listener is registered once and feeds it the next range.
let job;
const feed = (p) => {
  if (job.next < tasks.length) p.send({ id: job.next, arg: tasks[job.next++] });
};
for (const p of floor) {
  p.on('message', (m) => {
    job.words += m.result;
    if (++job.done === tasks.length) job.resolve(job.words);
    else feed(p);
  });
}
function runFloor() {
  return new Promise((resolve) => {
    job = { next: 0, done: 0, words: 0, resolve };
    for (const p of floor) feed(p);
  });
}

const fexec = new FunctionExecutor({
  config: {
    lithops: { backend: 'localhost', storage: 'localhost' },
    localhost: { worker_processes: WORKERS, storage_dir: storageDir },
  },
});
const quiet = { showProgressbar: false };
async function runLithops() {
  const fs = await fexec.map(countChunkWords, objects('localhost://storage/wc/'), { objChunkSize: CHUNK });
  return (await fexec.getResult(fs, quiet)).reduce((a, b) => a + b, 0);
}

try {
  console.log(
    `[bench] word count: ${(totalBytes / 2 ** 20).toFixed(0)} MiB in ${FILES} files, ${tasks.length} chunks of ${CHUNK / 2 ** 20} MiB, ${WORKERS} workers; loadavg ${loadavg()}`,
  );
  // Warm up both (page cache, worker threads, function bundle).
  await runLithops();
  await runFloor();
  const ours = [];
  const theirs = [];
  // Rounds alternate which side runs first (page cache and CPU drift hit both alike).
  const sides = { lithops: { run: runLithops, rates: ours }, floor: { run: runFloor, rates: theirs } };
  for (let r = 0; r < ROUNDS; r++) {
    const words = {};
    for (const name of r % 2 ? ['floor', 'lithops'] : ['lithops', 'floor']) {
      const t = performance.now();
      words[name] = await sides[name].run();
      sides[name].rates.push(totalBytes / 1e6 / ((performance.now() - t) / 1000));
    }
    if (words.lithops !== expected || words.floor !== expected)
      throw new Error(
        `word counts differ: lithops ${words.lithops}, floor ${words.floor}, expected ${expected}`,
      );
  }
  const ratio = median(ours) / median(theirs);
  console.log(
    `[bench] lithops: median ${median(ours).toFixed(1)} MB/s (rounds: ${ours.map((v) => v.toFixed(1)).join(', ')})`,
  );
  console.log(
    `[bench] floor:   median ${median(theirs).toFixed(1)} MB/s (rounds: ${theirs.map((v) => v.toFixed(1)).join(', ')})`,
  );
  console.log(
    `[bench] ratio ${(ratio * 100).toFixed(0)}% of the floor (target >= 80%); ${expected} words, counts equal`,
  );
} finally {
  for (const p of floor) p.kill();
  await fexec.close();
}
