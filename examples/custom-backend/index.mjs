// Runs a map on localhost compute with the flat_folder storage of this package (lithops.yaml).
import { FunctionExecutor, objects } from '@lithops/core';
import { countLines, writeNote } from './jobs.mjs';

const fexec = new FunctionExecutor({ configFile: new URL('./lithops.yaml', import.meta.url).pathname });
try {
  const storage = await fexec.getStorage();
  const lines = Array.from({ length: 500 }, (_, i) => `line ${i}`).join('\n');
  await storage.putObject(storage.bucket, 'books/a.txt', `${lines}\n`);
  await storage.putObject(storage.bucket, 'books/b.txt', 'one\ntwo\nthree\n');
  const counts = await fexec.getResult(
    await fexec.map(countLines, objects(`flat_folder://${storage.bucket}/books/`), { objChunkNumber: 4 }),
  );
  const total = counts.reduce((sum, c) => sum + c.lines, 0);
  console.log(`${counts.length} chunks, ${total} lines`);
  const keys = await fexec.getResult(await fexec.map(writeNote, ['ada', 'grace']));
  for (const key of keys)
    console.log(key, Buffer.from(await storage.getObject(storage.bucket, key)).toString());
  await storage.deleteObjects(storage.bucket, ['books/a.txt', 'books/b.txt', ...keys]);
} finally {
  await fexec.close();
}
