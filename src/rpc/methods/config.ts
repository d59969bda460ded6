// config.get: the running configuration in OpenClaw's config-snapshot shape, with every secret
// redacted three ways — by key name (token, password, secret, apiKey, ...), by value (every
// configured secret, wherever it appears) and inside URLs (credentials, query values and
// fragments, e.g. a provider's `?api-key=`). Host paths (the config file, the state directory,
// a UI folder, a key-set file) and the team roster go to operator.admin only (docs/protocol.md#host-paths).
// clawgate never edits its config over RPC, so there is no raw file text and no config.set/patch/apply.
import { createHash } from 'node:crypto';
import { obj } from '../../protocol/schema.js';
import { hasScope } from '../../protocol/scopes.js';
import { configuredSecrets, type FrozenConfig } from '../../config/load.js';
import { defineMethod, type MethodDef } from '../registry.js';

/** OpenClaw's placeholder for a redacted value, so its clients recognise it. */
export const REDACTED = '__OPENCLAW_REDACTED__';
const SECRET_KEY = /token|password|secret|apikey|api_key|authorization|cookie|credential|private/i;

/**
 * An absolute URL with its user name, password, query values and fragment redacted (any of
 * them may carry a credential: `https://user:pass@host`, Azure's `?api-key=`, `#access_token=`);
 * scheme, host, port, path and query names stay readable. Other strings are returned as they are.
 */
export function redactUrl(s: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return s;
  let url: URL;
  try { url = new URL(s); } catch { return s; }
  if (!url.username && !url.password && !url.search && !url.hash) return s;
  const userinfo = url.username || url.password ? `${REDACTED}@` : '';
  const names = [...new Set([...url.searchParams.keys()])];
  const query = url.search ? `?${names.map((n) => `${encodeURIComponent(n)}=${REDACTED}`).join('&')}` : '';
  return `${url.protocol}//${userinfo}${url.host}${url.pathname}${query}${url.hash ? `#${REDACTED}` : ''}`;
}

export function redactConfig(value: unknown, secrets: readonly string[]): unknown {
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') {
      let s = redactUrl(v);
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

type AuthView = { assertion?: { keys?: Record<string, unknown> } & Record<string, unknown> } & Record<string, unknown>;

/**
 * The config a non-admin reader sees: without host paths (the config file's folder, the state
 * directory, a UI folder, a key-set file) and without the team roster (`auth.allowUsers`,
 * `auth.identityScopes`, `auth.groupScopes`, `channels.slack.allowUsers`: who may sign in and
 * who is an admin).
 */
function forReadersView(c: Record<string, unknown>): Record<string, unknown> {
  const { configPath: _c, stateDir: _s, ...rest } = c;
  const g = rest.gateway as { controlUi?: Record<string, unknown>; auth?: AuthView } & Record<string, unknown>;
  const { root: _r, ...controlUi } = g.controlUi ?? {};
  let auth = g.auth;
  if (auth) {
    const { allowUsers: _u, identityScopes: _i, groupScopes: _g, ...others } = auth;
    const assertion = auth.assertion;
    const { file: _f, ...keys } = assertion?.keys ?? {};
    auth = { ...others, ...(assertion ? { assertion: { ...assertion, ...(assertion.keys ? { keys } : {}) } } : {}) };
  }
  const channels = rest.channels as { slack?: Record<string, unknown> } & Record<string, unknown> | undefined;
  const { allowUsers: _su, ...slack } = channels?.slack ?? {};
  return {
    ...rest,
    gateway: { ...g, ...(g.controlUi ? { controlUi } : {}), ...(auth ? { auth } : {}) },
    ...(channels ? { channels: { ...channels, ...(channels.slack ? { slack } : {}) } } : {}),
  };
}

export function configMethods(config: FrozenConfig): MethodDef[] {
  const { warnings: _w, generatedToken: _g, ...shown } = config;
  const redacted = redactConfig(shown, configuredSecrets(config)) as Record<string, unknown>;
  const forReaders = forReadersView(redacted);
  // Each view has its own hash: one over the paths would let a reader confirm a guessed path.
  const hashOf = (c: unknown) => createHash('sha256').update(JSON.stringify(c)).digest('hex');
  const hashes = { admin: hashOf(redacted), reader: hashOf(forReaders) };
  return [
    defineMethod({
      name: 'config.get',
      params: obj({}, { passthrough: true }),
      handle: (ctx) => {
        const admin = hasScope(ctx.scopes, 'operator.admin');
        const c = admin ? redacted : forReaders;
        return {
          ...(admin ? { path: config.configPath ?? '(embedded defaults)' } : {}),
          exists: config.configPath !== null,
          raw: null,
          parsed: c,
          sourceConfig: c,
          resolved: c,
          runtimeConfig: c,
          config: c,
          valid: true,
          hash: admin ? hashes.admin : hashes.reader,
          issues: [],
          warnings: config.warnings.map((message) => ({ path: '', message: redactConfig(message, configuredSecrets(config)) })),
          legacyIssues: [],
        };
      },
    }),
  ];
}
