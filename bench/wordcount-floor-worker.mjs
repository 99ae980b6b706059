// Floor worker: reads a byte range of a local file directly and counts its words.
import { open } from 'node:fs/promises';
import { countWordBytes } from './wordcount-jobs.mjs';

process.on('message', async ({ id, arg: [path, start, end] }) => {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(end - start);
    let n = 0;
    while (n < buf.length) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, start + n);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    process.send({ id, result: countWordBytes(buf.subarray(0, n)) });
  } finally {
    await fh.close();
  }
});
