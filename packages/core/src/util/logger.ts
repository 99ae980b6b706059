/** Log levels, as in Lithops' `log_level`. */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'NONE';

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

const ORDER: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, NONE: 100 };

/** A logger writing `[lithops] LEVEL message` lines to stderr at or above `level`. */
export function createLogger(
  level: LogLevel = 'WARNING',
  write = (line: string) => process.stderr.write(line),
): Logger {
  const min = ORDER[level];
  const at = (lvl: LogLevel) => (msg: string) => {
    if (ORDER[lvl] >= min) write(`[lithops] ${lvl} ${msg}\n`);
  };
  return { debug: at('DEBUG'), info: at('INFO'), warn: at('WARNING'), error: at('ERROR') };
}
