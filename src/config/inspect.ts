// Finds and reads the config without validating or applying it: the one lookup loadConfig and
// `clawgate doctor` share (--config, else CLAWGATE_CONFIG, else <state dir>/clawgate.json,
// else the embedded defaults), JSON5 parsing, and the environment facts loading consults.
// Like load.ts, this folder is the only reader of env and files.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import JSON5 from 'json5';
import { EMBEDDED_DEFAULTS } from './defaults.js';
import { ConfigError } from './errors.js';

export type Env = Readonly<Record<string, string | undefined>>;

export function resolveStateDir(env: Env = process.env): string {
  return resolve(env.CLAWGATE_STATE_DIR || join(homedir(), '.clawgate'));
}

/** Parses JSON5; also accepts a bare `"gateway": {...}` fragment as pasted from an OpenClaw config. */
export function parseConfigText(text: string, source: string): unknown {
  try {
    return JSON5.parse(text);
  } catch (err) {
    if (/^\s*(?:\/\/[^\n]*\n\s*)*["A-Za-z_$][^:]*:/.test(text)) {
      try { return JSON5.parse(`{${text}\n}`); } catch { /* report the original error */ }
    }
    const msg = err instanceof Error ? err.message.replace(/^JSON5: /, '') : String(err);
    throw new ConfigError(source, [{ path: '(file)', message: `not valid JSON5: ${msg}` }]);
  }
}

export interface InspectedConfig {
  /** The file read, or "embedded defaults". */
  readonly source: string;
  /** The file read, or null for the embedded defaults. */
  readonly path: string | null;
  /** Parsed but unvalidated. */
  readonly input: unknown;
  readonly env: Env;
  /** Whether bind "auto" would resolve to 0.0.0.0 (running in a container). */
  readonly inContainer: boolean;
}

/** Throws ConfigError when the file is missing (explicit path), unreadable or not JSON5. */
export function inspectConfig(opts: { configPath?: string | undefined; env?: Env } = {}): InspectedConfig {
  const env = opts.env ?? process.env;
  const explicit = opts.configPath ?? env.CLAWGATE_CONFIG;
  const path = explicit ? resolve(explicit) : join(resolveStateDir(env), 'clawgate.json');
  const inContainer = env.CLAWGATE_IN_CONTAINER === '1' || existsSync('/.dockerenv');
  if (!existsSync(path)) {
    if (explicit) throw new ConfigError(path, [{ path: '(file)', message: 'file not found' }]);
    return { source: 'embedded defaults', path: null, input: structuredClone(EMBEDDED_DEFAULTS), env, inContainer };
  }
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (err) {
    throw new ConfigError(path, [{ path: '(file)', message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` }]);
  }
  return { source: path, path, input: parseConfigText(text, path), env, inContainer };
}
