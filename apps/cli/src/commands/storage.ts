import { basename } from 'node:path';
import { type ConfigOptions, Storage } from '@lithops/core';
import { type CommandLine, expectArgs } from '../args.js';
import { UsageError } from '../usage-error.js';

const USAGES = {
  list: 'storage list [BUCKET] [--prefix P] [--delimiter D]',
  get: 'storage get BUCKET KEY [--out FILE]',
  put: 'storage put FILE BUCKET [--key KEY]',
  delete: 'storage delete BUCKET [KEY...] [--prefix P]',
} as const;

type Action = keyof typeof USAGES;

function isAction(word: string | undefined): word is Action {
  return word !== undefined && Object.hasOwn(USAGES, word);
}

/** `lithops storage <list|get|put|delete>`: objects in the configured storage backend. */
export async function storageCommand(config: ConfigOptions, cl: CommandLine): Promise<void> {
  const [action, ...words] = cl.positionals.slice(1);
  if (!isAction(action)) {
    throw new UsageError(
      action === undefined
        ? 'Missing storage action: list, get, put or delete.'
        : `Unknown storage action "${action}": use list, get, put or delete.`,
    );
  }
  const storage = await Storage.fromConfig(config);
  try {
    await ACTIONS[action](storage, words, cl);
  } finally {
    await storage.close();
  }
}

const ACTIONS: Record<Action, (s: Storage, words: string[], cl: CommandLine) => Promise<void>> = {
  async list(storage, words, cl) {
    expectArgs(words, 0, 1, USAGES.list);
    const bucket = words[0] ?? storage.bucket;
    const opts = {
      ...(cl.prefix && { prefix: cl.prefix }),
      ...(cl.delimiter && { delimiter: cl.delimiter }),
    };
    let count = 0;
    for await (const e of storage.listObjects(bucket, opts)) {
      count++;
      if (e.type === 'prefix') console.log(`${'PRE'.padStart(12)}  ${''.padEnd(24)}  ${e.prefix}`);
      else {
        const when = e.lastModified ? e.lastModified.toISOString() : '';
        console.log(`${String(e.size).padStart(12)}  ${when.padEnd(24)}  ${e.key}`);
      }
    }
    console.error(`${count} entries in ${storage.backendName}://${bucket}/${cl.prefix ?? ''}`);
  },

  async get(storage, words, cl) {
    expectArgs(words, 2, 2, USAGES.get);
    const [bucket, key] = words as [string, string];
    if (cl.out && cl.out !== '-') {
      await storage.downloadFile(bucket, key, cl.out);
      console.error(`Downloaded ${storage.backendName}://${bucket}/${key} to ${cl.out}`);
      return;
    }
    // To stdout as a stream, so a large object is not held in memory.
    const body = await storage.getObject(bucket, key, { stream: true });
    for await (const chunk of body) {
      if (!process.stdout.write(chunk as Uint8Array)) {
        await new Promise((done) => process.stdout.once('drain', done));
      }
    }
  },

  async put(storage, words, cl) {
    expectArgs(words, 2, 2, USAGES.put);
    const [file, bucket] = words as [string, string];
    const key = cl.key ?? basename(file);
    await storage.uploadFile(file, bucket, key);
    console.error(`Uploaded ${file} to ${storage.backendName}://${bucket}/${key}`);
  },

  async delete(storage, words, cl) {
    expectArgs(words, 1, Number.POSITIVE_INFINITY, USAGES.delete);
    const [bucket, ...keys] = words as [string, ...string[]];
    if (keys.length === 0 && cl.prefix === undefined) {
      throw new UsageError(`Give the keys to delete, or --prefix. Usage: lithops ${USAGES.delete}`);
    }
    if (cl.prefix !== undefined) {
      for await (const k of storage.listKeys(bucket, { prefix: cl.prefix })) keys.push(k);
    }
    await storage.deleteObjects(bucket, keys);
    console.error(`Deleted ${keys.length} objects from ${storage.backendName}://${bucket}`);
  },
};
