// Reads a config for inspection (`clawgate doctor`) without validating or applying it: finds
// the file the way loadConfig does, parses JSON5, and captures the environment facts that
// loading would consult. Like load.ts, this folder is the only reader of env and files.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EMBEDDED_DEFAULTS } from './defaults.js';
import { ConfigError } from './errors.js';
import { parseConfigText, resolveStateDir } from './load.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface InspectedConfig {
  /** The file read, or "embedded defaults". */
  readonly source: string;
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
    return { source: 'embedded defaults', input: structuredClone(EMBEDDED_DEFAULTS), env, inContainer };
  }
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (err) {
    throw new ConfigError(path, [{ path: '(file)', message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` }]);
  }
  return { source: path, input: parseConfigText(text, path), env, inContainer };
}
