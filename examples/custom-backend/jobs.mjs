/** Runs in a worker: counts the lines of one chunk of an object read through flat_folder. */
export async function countLines(chunk) {
  let n = 0;
  for await (const _line of chunk.lines()) n++;
  return { key: chunk.key, part: chunk.partIndex, lines: n };
}

/** Runs in a worker: writes an object through the job's storage (flat_folder), returns its key. */
export async function writeNote(text, ctx) {
  const key = `notes/${ctx.id}.txt`;
  await ctx.storage.putObject(ctx.storage.bucket, key, text.toUpperCase());
  return key;
}
