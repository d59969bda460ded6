// Signed identity assertions (`trustedProxy.assertion`): the proxy sends a JWT, and the
// identity is a claim of that JWT once `jose` has verified its signature against the
// configured key set, its issuer, audience and validity window. The verdict is a value the
// trusted-proxy strategy reads; every failure has its own reason and nothing falls back.
// Key sets come from config (a URL, or the parsed contents of a file config/ read); a URL is
// fetched with a timeout, cached, refetched for an unknown `kid` at most once per cooldown,
// and after a failed fetch not retried for a backoff period (fail closed meanwhile).
import { createLocalJWKSet, createRemoteJWKSet, customFetch, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import type { AssertionSettings } from '../config/load.js';
import { ASSERTION_ALGORITHMS } from '../config/schema.js';
import type { DeepReadonly } from '../util/freeze.js';
import type { AuthReason } from '../protocol/auth-reasons.js';

export { ASSERTION_ALGORITHMS };
export type AssertionAlgorithm = (typeof ASSERTION_ALGORITHMS)[number];

/** Bounds on what a token may carry. Node's own header limit is 16 KiB in all. */
export const MAX_ASSERTION_BYTES = 16 * 1024;
export const MAX_GROUPS = 256;
export const MAX_GROUP_LENGTH = 256;
/** A JWKS response larger than this is refused (a real one is a few KiB). */
export const MAX_JWKS_BYTES = 256 * 1024;

/** `gateway.auth.trustedProxy.assertion` as config resolved it (header lower-cased, a key set URL or parsed file). */
export type AssertionConfig = DeepReadonly<AssertionSettings>;

export type AssertionVerdict =
  | { readonly kind: 'verified'; readonly user: string; readonly groups?: readonly string[] }
  | { readonly kind: 'refused'; readonly reason: AuthReason; readonly header?: string };

export interface AssertionVerifier {
  readonly header: string;
  /** Verifies the assertion among `headers` (lower-cased names, duplicates kept). Never throws. */
  verify(headers: readonly (readonly [string, string])[]): Promise<AssertionVerdict>;
}

export interface VerifierOptions {
  /** Clock for exp/nbf (ms since the epoch). */
  readonly now?: () => number;
  /** JWKS request timeout (default 5 s). */
  readonly timeoutMs?: number;
  /** Least time between two fetches triggered by an unknown `kid` (default 30 s). */
  readonly cooldownMs?: number;
  /** How long fetched keys are used before they are fetched again (default 10 min). */
  readonly cacheMaxAgeMs?: number;
  /** After a failed fetch, refuse at once without fetching for this long (default 5 s). */
  readonly failureBackoffMs?: number;
  readonly fetch?: typeof fetch;
  /** Told why a key set fetch failed (once per failed fetch, not for refusals during the backoff). */
  readonly onFetchError?: (reason: string) => void;
}

const refused = (reason: AuthReason, header?: string): AssertionVerdict => ({ kind: 'refused', reason, ...(header ? { header } : {}) });
/** Compact JWS: three base64url parts. Checked before jose so garbage never reaches a parser. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const CONTROL = /\p{Cc}/u;

class JwksUnavailable extends Error {}

/** A fetch that fails fast during the backoff after a failure, and bounds the body it reads. */
function guardedFetch(base: typeof fetch, backoffMs: number, now: () => number, onError: (reason: string) => void): typeof fetch {
  let failedAt = -Infinity;
  return (async (url: string | URL | Request, init?: RequestInit) => {
    if (now() - failedAt < backoffMs) throw new JwksUnavailable('JWKS fetch failed recently; not retrying yet');
    try {
      const res = await base(url, init);
      if (res.status !== 200) throw new JwksUnavailable(`JWKS answered HTTP ${res.status}`);
      const declared = Number(res.headers.get('content-length') ?? '0');
      if (declared > MAX_JWKS_BYTES) throw new JwksUnavailable('JWKS response too large');
      const reader = res.body?.getReader();
      const chunks: Uint8Array[] = [];
      let size = 0;
      for (;;) {
        const part = reader ? await reader.read() : { done: true as const, value: undefined };
        if (part.done) break;
        size += part.value.byteLength;
        if (size > MAX_JWKS_BYTES) { await reader!.cancel(); throw new JwksUnavailable('JWKS response too large'); }
        chunks.push(part.value);
      }
      let parsed: unknown;
      try { parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { throw new JwksUnavailable('JWKS response is not JSON'); }
      if (!Array.isArray((parsed as { keys?: unknown } | null)?.keys)) throw new JwksUnavailable('JWKS response has no "keys" list');
      return new Response(JSON.stringify(parsed), { status: 200, headers: { 'content-type': 'application/json' } });
    } catch (err) {
      failedAt = now();
      const e = err as Error & { cause?: { code?: string } };
      onError(e.name === 'TimeoutError' || e.name === 'AbortError' ? 'timed out' : `${e.message}${e.cause?.code ? ` (${e.cause.code})` : ''}`.slice(0, 200));
      throw err;
    }
  }) as typeof fetch;
}

/** Maps a jose (or fetch) failure to its reason. Unknown failures are refusals too. */
export function reasonFor(err: unknown): AuthReason {
  if (err instanceof JwksUnavailable || err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || err instanceof errors.JWKInvalid) return 'trusted_proxy_assertion_jwks_unavailable';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'trusted_proxy_assertion_algorithm';
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) return 'trusted_proxy_assertion_key_unknown';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'trusted_proxy_assertion_signature';
  if (err instanceof errors.JWTExpired) return 'trusted_proxy_assertion_expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return 'trusted_proxy_assertion_issuer';
    if (err.claim === 'aud') return 'trusted_proxy_assertion_audience';
    if (err.claim === 'nbf' && err.reason === 'check_failed') return 'trusted_proxy_assertion_not_yet_valid';
    return 'trusted_proxy_assertion_claims_invalid';
  }
  if (err instanceof errors.JOSEError) return 'trusted_proxy_assertion_malformed';
  // fetch itself failed (connection refused, DNS, TLS) or aborted.
  return 'trusted_proxy_assertion_jwks_unavailable';
}

/** The groups claim as a bounded list of strings, or null when it is unusable. */
export function groupsOf(value: unknown): string[] | null {
  if (value === undefined) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length > MAX_GROUPS) return null;
  const out: string[] = [];
  for (const g of list) {
    if (typeof g !== 'string' || g.length === 0 || g.length > MAX_GROUP_LENGTH || CONTROL.test(g)) return null;
    if (!out.includes(g)) out.push(g);
  }
  return out;
}

export function createAssertionVerifier(cfg: AssertionConfig, opts: VerifierOptions = {}): AssertionVerifier {
  const now = opts.now ?? Date.now;
  const header = cfg.header.toLowerCase();
  const keys = 'url' in cfg.keys
    ? createRemoteJWKSet(new URL(cfg.keys.url), {
      timeoutDuration: opts.timeoutMs ?? 5_000,
      cooldownDuration: opts.cooldownMs ?? 30_000,
      cacheMaxAge: opts.cacheMaxAgeMs ?? 600_000,
      [customFetch]: guardedFetch(opts.fetch ?? fetch, opts.failureBackoffMs ?? 5_000, Date.now, opts.onFetchError ?? (() => {})),
    })
    : createLocalJWKSet(cfg.keys.jwks as JSONWebKeySet);
  const verifyOptions = {
    issuer: cfg.issuer,
    audience: [...cfg.audience],
    algorithms: [...cfg.algorithms],
    clockTolerance: cfg.clockToleranceSec,
    requiredClaims: ['exp'],
  };

  return {
    header,
    async verify(headers) {
      const values = headers.filter(([n]) => n === header).map(([, v]) => v);
      if (values.length > 1) return refused('trusted_proxy_header_duplicate', header);
      const raw = (values[0] ?? '').trim();
      if (raw === '') return refused('trusted_proxy_assertion_missing');
      if (raw.length > MAX_ASSERTION_BYTES) return refused('trusted_proxy_assertion_malformed');
      const token = raw.replace(/^Bearer[ \t]+/i, '');
      if (!COMPACT_JWS.test(token)) return refused('trusted_proxy_assertion_malformed');
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keys, { ...verifyOptions, currentDate: new Date(now()) }));
      } catch (err) {
        return refused(reasonFor(err));
      }
      const user = payload[cfg.userClaim];
      if (typeof user !== 'string' || user.trim() === '') return refused('trusted_proxy_assertion_claims_invalid');
      if (cfg.groupsClaim === undefined) return { kind: 'verified', user: user.trim() };
      const groups = groupsOf(payload[cfg.groupsClaim]);
      if (groups === null) return refused('trusted_proxy_assertion_claims_invalid');
      return { kind: 'verified', user: user.trim(), groups };
    },
  };
}
