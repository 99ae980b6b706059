import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FunctionLocation } from './locate.js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function vlq(n: number): string {
  let v = n < 0 ? (-n << 1) | 1 : n << 1;
  let out = '';
  do {
    let digit = v & 31;
    v >>>= 5;
    if (v > 0) digit |= 32;
    out += B64[digit];
  } while (v > 0);
  return out;
}

/**
 * Where `source` (a function's own text, as `fn.toString()` gives it) starts in its file: the
 * located position when the text is there, else its first line found on the located line.
 * Undefined when the file is not plain JavaScript on disk or does not hold the text (a
 * transpiled TypeScript file, an edited file).
 */
function startIn(
  loc: FunctionLocation,
  source: string,
): { file: string; line: number; column: number } | undefined {
  if (!loc.url.startsWith('file:') || !/\.[cm]?js$/.test(loc.url.split('?')[0]!)) return undefined;
  const file = fileURLToPath(loc.url.split('?')[0]!);
  let lines: string[];
  try {
    lines = readFileSync(file, 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const srcLines = source.split('\n');
  const at = lines[loc.line];
  if (at === undefined) return undefined;
  const column = at.startsWith(srcLines[0]!, loc.column) ? loc.column : at.indexOf(srcLines[0]!);
  if (column < 0) return undefined;
  // Whole lines in between; the last one may go on after the function's end.
  const last = srcLines.length - 1;
  for (let i = 1; i <= last; i++) {
    const fileLine = lines[loc.line + i];
    if (
      fileLine === undefined ||
      !(i === last ? fileLine.startsWith(srcLines[i]!) : fileLine === srcLines[i])
    )
      return undefined;
  }
  return { file: loc.url.split('?')[0]!, line: loc.line, column };
}

/**
 * An inline source map for a module made of `prefix + source + suffix`, mapping the function's
 * text back to its own file and lines, so a remote stack through a function shipped by source
 * names the user's file (as bundles of exported functions do). Empty when that is not known.
 */
export function sourceMapComment(prefix: string, source: string, loc: FunctionLocation | undefined): string {
  const start = loc && startIn(loc, source);
  if (!start) return '';
  const mappings: string[] = [];
  let prevLine = 0;
  let prevCol = 0;
  const srcLines = source.split('\n');
  for (let g = 0; g < srcLines.length; g++) {
    const shift = g === 0 ? prefix.length : 0;
    const origBase = g === 0 ? start.column : 0;
    const segs: string[] = [];
    let prevGen = 0;
    // A segment at each word start: a stack frame's column maps to its own token.
    for (const m of srcLines[g]!.matchAll(/\b\w|[^\w\s]/g)) {
      const gen = shift + m.index!;
      const line = start.line + g;
      const col = origBase + m.index!;
      segs.push(vlq(gen - prevGen) + vlq(0) + vlq(line - prevLine) + vlq(col - prevCol));
      prevGen = gen;
      prevLine = line;
      prevCol = col;
    }
    mappings.push(segs.join(','));
  }
  const map = { version: 3, sources: [start.file], names: [], mappings: mappings.join(';') };
  return `//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
}
