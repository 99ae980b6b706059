// Word count over a prefix of text files: one call per 1 MiB chunk (no line is cut in two),
// one reducer per file. Runs on whatever the config says: localhost by default, S3 with
// LITHOPS_CONFIG_FILE (see README.md). Plain JS on Node 20: try/finally + close().
import { FunctionExecutor, objects, Storage } from '@lithops/core';
import { countWords, sumCounts } from './jobs.mjs';
import { sampleText } from './sample.mjs';

const FILES = Number(process.env.WORDCOUNT_FILES ?? 4);
const PREFIX = 'wordcount-demo/';

// Sample input: a few MiB of text per file, counted here too so the result can be checked.
// The demo owns its prefix: what an earlier run left there (other files, another
// WORDCOUNT_FILES) is removed first, so the count covers exactly the files written now.
const storage = await Storage.fromConfig();
const expected = new Map();
try {
  const stale = [];
  for await (const key of storage.listKeys(storage.bucket, { prefix: PREFIX })) stale.push(key);
  if (stale.length > 0) await storage.deleteObjects(storage.bucket, stale);
  for (let i = 0; i < FILES; i++) {
    const { text, words, lines } = sampleText((2 + i) * 2 ** 20, i + 1);
    const key = `${PREFIX}book-${i}.txt`;
    await storage.putObject(storage.bucket, key, text);
    expected.set(key, { words, lines });
  }
} finally {
  await storage.close();
}

const fexec = new FunctionExecutor();
try {
  const location = `${storage.backendName}://${storage.bucket}/${PREFIX}`;
  const futures = await fexec.mapReduce(countWords, objects(location), sumCounts, {
    objChunkSize: 2 ** 20,
    objReduceByKey: true,
  });
  const perFile = await fexec.getResult(futures);
  let total = 0;
  let ok = true;
  for (const r of perFile) {
    const want = expected.get(r.key);
    ok &&= want.words === r.words && want.lines === r.lines;
    total += r.words;
    console.log(`${r.key}: ${r.words} words, ${r.lines} lines (${r.chunks} chunks)`);
  }
  console.log(`total: ${total} words in ${perFile.length} files from ${location}`);
  console.log(`matches the in-process count: ${ok ? 'yes' : 'NO'}`);
  if (!ok) process.exitCode = 1;
} finally {
  await fexec.close();
}
