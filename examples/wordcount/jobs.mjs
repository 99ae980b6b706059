/** Runs in a worker, once per chunk: counts the words and lines of the chunk's lines. */
export async function countWords(chunk) {
  let words = 0;
  let lines = 0;
  for await (const line of chunk.lines()) {
    lines++;
    for (const w of line.split(' ')) if (w !== '') words++;
  }
  return { key: chunk.key, words, lines };
}

/** Runs in a worker, once per file (objReduceByKey): adds up the counts of the file's chunks. */
export function sumCounts(results) {
  return {
    key: results[0]?.key,
    chunks: results.length,
    words: results.reduce((a, r) => a + r.words, 0),
    lines: results.reduce((a, r) => a + r.lines, 0),
  };
}
