import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startS3rver } from '@lithops/testkit';
import { expect, it } from 'vitest';

const cwd = fileURLToPath(new URL('..', import.meta.url));

/** Runs the example with the given config file (YAML as JSON), as the README does. */
async function run(config, files = 3) {
  const file = join(mkdtempSync(join(tmpdir(), 'lithops-wordcount-')), 'lithops_config.yaml');
  writeFileSync(file, JSON.stringify(config));
  const { stdout } = await promisify(execFile)(process.execPath, ['index.mjs'], {
    cwd,
    env: { ...process.env, LITHOPS_CONFIG_FILE: file, WORDCOUNT_FILES: String(files) },
  });
  return stdout;
}

it('counts words per file and in total on localhost, again over the files of a previous run', async () => {
  const config = {
    lithops: { backend: 'localhost', storage: 'localhost' },
    localhost: { worker_processes: 2, storage_dir: mkdtempSync(join(tmpdir(), 'lithops-wordcount-st-')) },
  };
  const out = await run(config);
  expect(out).toMatch(/wordcount-demo\/book-0\.txt: \d+ words, \d+ lines \(3 chunks\)/);
  expect(out).toMatch(/wordcount-demo\/book-2\.txt: \d+ words, \d+ lines \(5 chunks\)/);
  expect(out).toContain('in 3 files from localhost://storage/wordcount-demo/');
  expect(out).toContain('matches the in-process count: yes');
  // A second run with fewer files: the first run's third file is still in the bucket.
  const again = await run(config, 2);
  expect(again).toContain('in 2 files from localhost://storage/wordcount-demo/');
  expect(again).not.toContain('book-2.txt');
  expect(again).toContain('matches the in-process count: yes');
}, 180_000);

it('counts the same on S3 (s3rver)', async () => {
  const s3 = await startS3rver({ buckets: ['books'] });
  try {
    const config = {
      lithops: { backend: 'localhost', storage: 'aws_s3' },
      aws: { access_key_id: s3.accessKeyId, secret_access_key: s3.secretAccessKey, region: s3.region },
      aws_s3: { storage_bucket: 'books', endpoint: s3.endpoint },
      localhost: { worker_processes: 2 },
    };
    expect(await run(config)).toContain('in 3 files from aws_s3://books/wordcount-demo/');
    // A second run with fewer files over the first one's.
    const again = await run(config, 2);
    expect(again).toContain('in 2 files from aws_s3://books/wordcount-demo/');
    expect(again).toContain('matches the in-process count: yes');
  } finally {
    await s3.stop();
  }
}, 120_000);
