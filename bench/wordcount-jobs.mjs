/** Words in a buffer of whole lines: runs of bytes other than space, tab, CR and LF. */
export function countWordBytes(buf) {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    const space = c === 32 || c === 10 || c === 13 || c === 9;
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}

/** The Lithops side: one call per chunk (whole lines), read through the job's storage. */
export async function countChunkWords(chunk) {
  return countWordBytes(await chunk.bytes());
}
