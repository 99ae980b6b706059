import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { LithopsError } from '../errors.js';
import { type LithopsSection, lithopsSectionSchema } from './lithops-section.js';
import { parseConfig } from './zod-error.js';

// yaml is loaded only when a config file exists (it is slow to import).
const require = createRequire(import.meta.url);

export type RawConfig = Record<string, unknown>;

/** Options that pick and override configuration (as the reference executor's parameters). */
export interface ConfigOptions {
  /** The whole config as an object: used instead of any file. */
  config?: RawConfig;
  /** Path to a YAML config file. */
  configFile?: string;
  mode?: 'localhost' | 'serverless' | 'standalone';
  backend?: string;
  storage?: string;
  monitoring?: string;
  logLevel?: LithopsSection['log_level'];
}

export interface LoadedConfig {
  raw: RawConfig;
  lithops: LithopsSection;
  /** Where the config came from: a file path, `options.config` or `defaults`. */
  source: string;
  /** Folder for resolving relative paths and module specifiers. */
  dir: string;
}

/** Config file search order when no file is named (option or LITHOPS_CONFIG_FILE; DESIGN §6). */
function configSearchPaths(): string[] {
  return [resolve('.lithops_config'), resolve(homedir(), '.lithops', 'config'), '/etc/lithops/config'];
}

function readYaml(path: string): RawConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new LithopsError(
      'CONFIG_INVALID',
      missing ? `The config file ${path} does not exist.` : `Cannot read the config file ${path}.`,
      {
        backend: 'config',
        hint: 'Check the path given as configFile or LITHOPS_CONFIG_FILE (unset it to use the search order).',
        cause: e,
      },
    );
  }
  const { parse: parseYaml, YAMLParseError } = require('yaml') as typeof import('yaml');
  try {
    const doc = parseYaml(text) as unknown;
    if (doc === null || doc === undefined) return {};
    if (typeof doc !== 'object' || Array.isArray(doc))
      throw new Error('the top level must be a mapping of sections');
    return doc as RawConfig;
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? `:${e.linePos[0].line}:${e.linePos[0].col}` : '';
    throw new LithopsError('CONFIG_INVALID', `${path}${where} is not valid YAML: ${(e as Error).message}`, {
      backend: 'config',
      hint: 'Fix the YAML syntax.',
      cause: e,
    });
  }
}

/**
 * Loads the config: `options.config`, else `options.configFile`, else the first file found in
 * the search order, else defaults (localhost compute and storage). Explicit options win.
 */
export function loadConfig(options: ConfigOptions = {}, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  let raw: RawConfig;
  let source: string;
  let dir = process.cwd();
  if (options.config) {
    raw = structuredClone(options.config);
    source = 'the config option';
  } else {
    // A file named explicitly (option or LITHOPS_CONFIG_FILE) must exist: falling back to another
    // config would run the job somewhere the user did not ask for.
    const named = options.configFile ?? env.LITHOPS_CONFIG_FILE;
    const file = named ? resolve(named) : configSearchPaths().find((p) => existsSync(p));
    if (file) {
      raw = readYaml(file);
      source = file;
      dir = dirname(file);
    } else {
      raw = {};
      source = 'the defaults';
    }
  }
  const section = { ...((raw.lithops as RawConfig | undefined) ?? {}) };
  if (typeof raw.lithops !== 'undefined' && (typeof raw.lithops !== 'object' || raw.lithops === null)) {
    throw new LithopsError(
      'CONFIG_INVALID',
      `Invalid configuration in ${source}: "lithops" must be a mapping.`,
      {
        backend: 'config',
      },
    );
  }
  if (options.mode) section.mode = options.mode;
  if (options.backend) section.backend = options.backend;
  if (options.storage) section.storage = options.storage;
  if (options.monitoring) section.monitoring = options.monitoring;
  // LITHOPS_LOG_LEVEL overrides the file (a one-off `LITHOPS_LOG_LEVEL=DEBUG node job.js`);
  // the logLevel option overrides both.
  const envLevel = env.LITHOPS_LOG_LEVEL?.trim().toUpperCase();
  if (envLevel) section.log_level = envLevel;
  if (options.logLevel) section.log_level = options.logLevel;
  const lithops = parseConfig(lithopsSectionSchema, section, { source, section: 'lithops' });
  raw.lithops = lithops;
  return { raw, lithops, source, dir };
}
