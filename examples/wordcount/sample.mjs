/** Deterministic sample text of about `bytes` bytes, with its word and line counts. */
export function sampleText(bytes, seed) {
  const vocabulary = 'the quick brown fox jumps over a lazy dog while lithops counts every word'.split(' ');
  let x = seed;
  const rnd = (n) => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return (x >>> 16) % n;
  };
  const lines = [];
  let size = 0;
  let words = 0;
  while (size < bytes) {
    const n = rnd(16);
    const line = Array.from({ length: n }, () => vocabulary[rnd(vocabulary.length)]).join(' ');
    lines.push(line);
    words += n;
    size += line.length + 1;
  }
  return { text: `${lines.join('\n')}\n`, words, lines: lines.length };
}
