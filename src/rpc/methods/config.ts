// config.get: the running configuration in OpenClaw's config-snapshot shape, with every secret
// redacted twice — by key name (token, password, secret, apiKey, ...) and by value (every
// configured secret, wherever it appears, e.g. inside a URL). clawgate never edits its config
// over RPC, so there is no raw file text and no config.set/patch/apply.
import { createHash } from 'node:crypto';
import { obj } from '../../protocol/schema.js';
import { configuredSecrets, type FrozenConfig } from '../../config/load.js';
import { defineMethod, type MethodDef } from '../registry.js';

/** OpenClaw's placeholder for a redacted value, so its clients recognise it. */
export const REDACTED = '__OPENCLAW_REDACTED__';
const SECRET_KEY = /token|password|secret|apikey|api_key|authorization|cookie|credential|private/i;

export function redactConfig(value: unknown, secrets: readonly string[]): unknown {
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') {
      let s = v;
      for (const secret of secrets) if (secret.length >= 4 && s.includes(secret)) s = s.split(secret).join(REDACTED);
      return s;
    }
    if (depth > 32) return REDACTED;
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        // Key names say secret; env-var *names* (…Env) are not secrets and stay readable.
        out[k] = SECRET_KEY.test(k) && !/Env$/.test(k) && typeof x !== 'boolean' && x !== null && x !== undefined && typeof x !== 'object' ? REDACTED : walk(x, depth + 1);
      }
      return out;
    }
    return v;
  };
  return walk(value, 0);
}

export function configMethods(config: FrozenConfig): MethodDef[] {
  const { warnings: _w, generatedToken: _g, ...shown } = config;
  const redacted = redactConfig(shown, configuredSecrets(config)) as Record<string, unknown>;
  const hash = createHash('sha256').update(JSON.stringify(redacted)).digest('hex');
  return [
    defineMethod({
      name: 'config.get',
      params: obj({}, { passthrough: true }),
      handle: () => ({
        path: config.configPath ?? '(embedded defaults)',
        exists: config.configPath !== null,
        raw: null,
        parsed: redacted,
        sourceConfig: redacted,
        resolved: redacted,
        runtimeConfig: redacted,
        config: redacted,
        valid: true,
        hash,
        issues: [],
        warnings: config.warnings.map((message) => ({ path: '', message })),
        legacyIssues: [],
      }),
    }),
  ];
}
