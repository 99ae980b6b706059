/** Options of `map` and `mapReduce` for data inputs (objects(), CloudObjects). */
export interface DataOptions {
  /** Split each object into chunks of this many bytes (at least 1 MiB). Default: one chunk per object. */
  objChunkSize?: number;
  /** Split each object into this many chunks; wins over `objChunkSize`. */
  objChunkNumber?: number;
  /** Line separator: no line is split between chunks. Default `'\n'`; null for exact byte ranges. */
  objNewline?: string | null;
}
