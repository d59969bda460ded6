// Reference model of ingress attribution, the browser Origin gate and every auth mode, written
// from docs/auth.md and docs/reference/auth-reasons.md (the spec), never from src/. The property
// tests in test/auth-properties.test.ts compare production's decisions with this model's.
// Where the docs leave a detail open, the choice made here is marked "interpretation:".
import { modelForwardedHops, modelXffHops, type ModelHop } from './forwarded-model.js';
import { modelOriginGate } from './origin-model.js';
import { modelDecodeIdentity, modelFold } from './identity-model.js';
import { formatAddr, inAnyRange, isLoopback, isV4, parseAddr, parseRange, parseV6Bits, type Addr, type Range } from './ip-model.js';

export type Mode = 'none' | 'token' | 'password' | 'trusted-proxy';

export interface ModelConfig {
  readonly mode: Mode;
  /** gateway.trustedProxies, as written in the config file. */
  readonly trustedProxies: readonly string[];
  /** gateway.controlUi.allowedOrigins, as written. */
  readonly allowedOrigins: readonly string[];
  readonly token?: string;
  readonly password?: string;
  readonly trustedProxy?: {
    readonly userHeader: string;
    readonly requiredHeaders: readonly string[];
    readonly allowUsers: readonly string[];
    readonly proxySecret?: { readonly header: string; readonly value: string };
  };
}

/** What the server sees of one upgrade request plus the `connect` frame. */
export interface ModelRequest {
  /** The socket peer as the OS reports it. */
  readonly peer: string;
  /** Header lines in arrival order, names as sent (any case), values as received. */
  readonly headers: readonly (readonly [string, string])[];
  readonly clientId: string;
  readonly credentials: { readonly token?: string; readonly password?: string };
}

export type Kind = 'trusted-proxy' | 'direct-local' | 'local-forwarded' | 'direct-remote';

export interface ModelIngress {
  readonly peer: Addr | null;
  readonly peerIsLoopback: boolean;
  readonly peerTrusted: boolean;
  readonly proven: boolean;
  readonly forwarded: boolean;
  readonly clientIp: Addr | null;
  readonly kind: Kind;
  readonly origins: readonly string[];
  /** The first Host header, as sent. */
  readonly host: string | undefined;
}

export type ModelOutcome =
  | { readonly allow: true; readonly principal: string }
  | { readonly allow: false; readonly reason: string };

// ── characters ─────────────────────────────────────────────────────────────────────────────

/**
 * interpretation: "whitespace" is Unicode's White_Space property; "control characters" are
 * Unicode general category Cc (C0, DEL and the C1 block U+0080..U+009F).
 */
const WHITE_SPACE = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680,
  0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a,
  0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);
export const isWhiteSpace = (cp: number): boolean => WHITE_SPACE.has(cp);
export const isControl = (cp: number): boolean => cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f);

const codePoints = (s: string): number[] => Array.from(s, (c) => c.codePointAt(0)!);

/** Strips leading and trailing white space (docs: "The value is trimmed"). */
export function trimValue(s: string): string {
  const cps = codePoints(s);
  let a = 0, b = cps.length;
  while (a < b && isWhiteSpace(cps[a]!)) a++;
  while (b > a && isWhiteSpace(cps[b - 1]!)) b--;
  return String.fromCodePoint(...cps.slice(a, b));
}

/** Header names are case-insensitive. */
const lc = (s: string): string => s.toLowerCase();

// ── ingress attribution (docs/auth.md "Ingress attribution and X-Forwarded-For") ────────────

/** "Forwarded headers are Forwarded, X-Real-IP and any X-Forwarded-*." */
export function isForwardedHeaderName(name: string): boolean {
  const n = lc(name);
  return n === 'forwarded' || n === 'x-real-ip' || (n.startsWith('x-forwarded-') && n.length > 'x-forwarded-'.length);
}

export function trustedRanges(cfg: ModelConfig): Range[] {
  return cfg.trustedProxies.map((e) => {
    const r = parseRange(e);
    if (!r) throw new Error(`model: trusted proxy entry the config would refuse: ${e}`);
    return r;
  });
}

/**
 * The hop walk (docs/auth.md "Forwarded addresses"): right to left, trusted hops skipped; the
 * first untrusted address is the client; a hop naming no address (unknown, obfuscated, an
 * element without for=) or not understood stops the walk at the last vouched address.
 */
export function walkHops(peer: Addr | null, hops: readonly ModelHop[], ranges: readonly Range[]): Addr | null {
  let vouched = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const h = hops[i]!;
    if (typeof h === 'string') return vouched;
    if (!inAnyRange(h.ip, ranges)) return h.ip;
    vouched = h.ip;
  }
  return vouched;
}

/** X-Forwarded-For when the request carries one, else Forwarded. */
export function resolveClient(peer: Addr | null, proven: boolean, xffValues: readonly string[], ranges: readonly Range[], fwdValues: readonly string[] = []): Addr | null {
  if (!proven) return peer;
  return walkHops(peer, xffValues.length > 0 ? modelXffHops(xffValues) : modelForwardedHops(fwdValues), ranges);
}

/** "proven": a trusted peer that sent the proxy secret header exactly once with the exact value (when one is configured). */
export function modelProven(cfg: ModelConfig, peerTrusted: boolean, headers: ModelRequest['headers']): boolean {
  const ps = cfg.mode === 'trusted-proxy' ? cfg.trustedProxy?.proxySecret : undefined;
  if (!peerTrusted || !ps) return peerTrusted;
  const sent = headers.filter(([n]) => lc(n) === lc(ps.header));
  return sent.length === 1 && sent[0]![1] === ps.value;
}

export function modelIngress(cfg: ModelConfig, req: Pick<ModelRequest, 'peer' | 'headers'>, ranges = trustedRanges(cfg)): ModelIngress {
  const peer = parseAddr(req.peer);
  const peerIsLoopback = peer !== null && isLoopback(peer);
  const peerTrusted = inAnyRange(peer, ranges);
  const forwarded = req.headers.some(([n]) => isForwardedHeaderName(n));
  const xff = req.headers.filter(([n]) => lc(n) === 'x-forwarded-for').map(([, v]) => v);
  const fwd = req.headers.filter(([n]) => lc(n) === 'forwarded').map(([, v]) => v);
  const origins = req.headers.filter(([n]) => lc(n) === 'origin').map(([, v]) => v);
  // direct-local: "loopback peer, not a trusted proxy, no forwarded headers, no Origin"
  const kind: Kind = peerTrusted ? 'trusted-proxy' : peerIsLoopback ? (forwarded || origins.length > 0 ? 'local-forwarded' : 'direct-local') : 'direct-remote';
  const host = req.headers.find(([n]) => lc(n) === 'host')?.[1];
  const proven = modelProven(cfg, peerTrusted, req.headers);
  return { peer, peerIsLoopback, peerTrusted, proven, forwarded, clientIp: resolveClient(peer, proven, xff, ranges, fwd), kind, origins, host };
}

export const formatClientIp = (a: Addr | null): string => (a ? formatAddr(a) : 'unknown');

/** "IPv6 clients are counted by their /64 (gateway.limits.ipv6Prefix); IPv4 and ::1 by address." */
export function limiterKey(a: Addr | null, prefix: number): string {
  if (!a || isV4(a) || a.value === 1n || prefix >= 128) return formatClientIp(a);
  const mask = ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - prefix)) - 1n);
  return `${formatAddr({ value: a.value & mask })}/${prefix}`;
}

// ── the Origin gate (docs/auth.md "Origin gate for browsers") ───────────────────────────────

export const BROWSER_CLIENT_IDS = ['webchat-ui', 'openclaw-control-ui', 'webchat'] as const;
export const isBrowserClientId = (id: string): boolean => (BROWSER_CLIENT_IDS as readonly string[]).includes(id);

/**
 * "listed in allowedOrigins (compared in canonical form, `*.` wildcards), or a loopback origin
 * that is exactly the request's own origin" — test/model/origin-model.ts.
 */
export function modelOriginAllowed(cfg: ModelConfig, ingress: ModelIngress, clientId: string, headers: ModelRequest['headers'] = []): boolean {
  return modelOriginGate(cfg.allowedOrigins, { origins: ingress.origins, host: ingress.host, proven: ingress.proven, headers }, isBrowserClientId(clientId));
}

// ── trusted-proxy mode (docs/auth.md "trusted-proxy mode", steps 1-8) ───────────────────────

/** "A header whose name equals userHeader (or the proxy-secret header) once . and _ are read as -". */
const aliasKey = (name: string): string => lc(name).replace(/[._]/g, '-');

export const MAX_USER_CHARS = 320;

/** Step 7: longer than 320 characters, control characters, whitespace, a comma, or a {…} placeholder. */
export function userValueInvalid(v: string): boolean {
  const cps = codePoints(v);
  if (cps.length > MAX_USER_CHARS) return true;
  if (cps.some((c) => isControl(c) || isWhiteSpace(c))) return true;
  if (v.includes(',')) return true;
  const open = v.indexOf('{');
  return open >= 0 && v.indexOf('}', open + 1) > open;
}

/** allowUsers: exact entries match after NFC and case folding; `*@domain` needs a single @, a non-empty local part and exactly that domain. */
export function userAllowed(allowUsers: readonly string[], user: string): boolean {
  if (allowUsers.length === 0) return true;
  return allowUsers.some((entry) => {
    if (entry.startsWith('*@')) {
      const parts = user.split('@');
      return parts.length === 2 && parts[0] !== '' && modelFold(parts[1]!) === modelFold(entry.slice(2));
    }
    return modelFold(entry) === modelFold(user);
  });
}

export function modelTrustedProxy(cfg: ModelConfig, ingress: ModelIngress, headers: ModelRequest['headers']): ModelOutcome {
  const tp = cfg.trustedProxy!;
  const deny = (reason: string): ModelOutcome => ({ allow: false, reason });
  // 1. the socket peer must be a trusted proxy
  if (!ingress.peerTrusted) return deny('trusted_proxy_untrusted_source');
  const userHeader = lc(tp.userHeader);
  const secretHeader = tp.proxySecret ? lc(tp.proxySecret.header) : undefined;
  // 2. no alias spellings of the identity header or of the proxy-secret header
  for (const [name] of headers) {
    const n = lc(name);
    if (n !== userHeader && aliasKey(n) === aliasKey(userHeader)) return deny('trusted_proxy_header_alias');
    if (secretHeader !== undefined && n !== secretHeader && aliasKey(n) === aliasKey(secretHeader)) return deny('trusted_proxy_header_alias');
  }
  // 3. the proxy secret, exactly once, with the right value
  if (tp.proxySecret) {
    const sent = headers.filter(([n]) => lc(n) === secretHeader).map(([, v]) => v);
    if (sent.length === 0) return deny('trusted_proxy_secret_missing');
    if (sent.length > 1 || sent[0] !== tp.proxySecret.value) return deny('trusted_proxy_secret_mismatch');
  }
  // 4. required headers, in config order, present with a non-blank value
  //    (interpretation: one non-blank copy satisfies the requirement)
  for (const h of tp.requiredHeaders) {
    if (!headers.some(([n, v]) => lc(n) === lc(h) && trimValue(v) !== '')) return deny(`trusted_proxy_missing_header_${lc(h)}`);
  }
  // 5. exactly one identity header
  const users = headers.filter(([n]) => lc(n) === userHeader).map(([, v]) => v);
  if (users.length > 1) return deny('trusted_proxy_header_duplicate');
  // 6. the bytes as UTF-8 (refused when invalid), trimmed, NFC
  const decoded = modelDecodeIdentity(users[0] ?? '');
  if (decoded === null) return deny('trusted_proxy_user_encoding');
  const user = trimValue(decoded).normalize('NFC');
  if (user === '') return deny('trusted_proxy_user_missing');
  // 7. a sane value
  if (userValueInvalid(user)) return deny('trusted_proxy_user_invalid');
  // 8. allowUsers
  if (!userAllowed(tp.allowUsers, user)) return deny('trusted_proxy_user_not_allowed');
  return { allow: true, principal: `trusted-proxy:${user.includes('@') ? lc(user) : user}` };
}

// ── token / password (docs/auth.md "The four modes", auth-reasons.md) ───────────────────────

/** Without a limiter; see ModelLimiter for rate_limited. */
export function modelSharedSecret(kind: 'token' | 'password' | 'local', expected: string, given: string | undefined): ModelOutcome {
  const reasons = kind === 'local' ? ['local_secret_missing', 'local_secret_mismatch'] : [`${kind}_missing`, `${kind}_mismatch`];
  if (given === undefined || given === '') return { allow: false, reason: reasons[0]! };
  if (given !== expected) return { allow: false, reason: reasons[1]! };
  return { allow: true, principal: kind };
}

function modelCredentials(cfg: ModelConfig, req: ModelRequest, ingress: ModelIngress): ModelOutcome {
  switch (cfg.mode) {
    case 'none': return { allow: true, principal: 'none' };
    case 'token': return modelSharedSecret('token', cfg.token!, req.credentials.token);
    case 'password': return modelSharedSecret('password', cfg.password!, req.credentials.password);
    case 'trusted-proxy': return modelTrustedProxy(cfg, ingress, req.headers);
  }
}

/**
 * The whole `connect` decision after params/protocol/client id/role: "the Origin gate, then the
 * mode's credential check ... The first failure wins" (docs/auth.md, docs/protocol.md).
 */
export function modelDecide(cfg: ModelConfig, req: ModelRequest, ranges = trustedRanges(cfg)): { ingress: ModelIngress; outcome: ModelOutcome } {
  const ingress = modelIngress(cfg, req, ranges);
  if (!modelOriginAllowed(cfg, ingress, req.clientId, req.headers)) return { ingress, outcome: { allow: false, reason: 'origin_not_allowed' } };
  return { ingress, outcome: modelCredentials(cfg, req, ingress) };
}

/**
 * The local listener's strategy ("local_forwarded: the upgrade carried forwarded headers or an
 * Origin ... Refused before the secret is checked"), then the per-boot secret in auth.token.
 */
export function modelLocal(secret: string, req: Pick<ModelRequest, 'headers' | 'credentials'>): ModelOutcome {
  if (req.headers.some(([n]) => isForwardedHeaderName(n) || lc(n) === 'origin')) return { allow: false, reason: 'local_forwarded' };
  return modelSharedSecret('local', secret, req.credentials.token);
}

// ── the failed-credential limiter (docs/auth.md "Rate limiting") ────────────────────────────

export interface LimiterSpec { maxAttempts: number; windowMs: number; lockoutMs: number; exemptLoopback: boolean }

/**
 * Failures are counted per client IP (an address, so keyed by its value). interpretation: a
 * failure at time f is "within windowMs" at time t when t - f < windowMs; an IP locked at time t
 * is refused while now < t + lockoutMs, and the lock starts a fresh count.
 */
export class ModelLimiter {
  private readonly entries = new Map<string, { failures: number[]; lockedUntil: number }>();
  constructor(private readonly spec: LimiterSpec) {}

  decide(kind: 'token' | 'password', expected: string, given: string | undefined, ingress: ModelIngress, now: number): ModelOutcome & { retryAfterMs?: number } {
    const limited = !(this.spec.exemptLoopback && ingress.kind === 'direct-local');
    const key = limiterKey(ingress.clientIp, 64);
    const e = this.entries.get(key);
    if (limited && e && now < e.lockedUntil) return { allow: false, reason: 'rate_limited', retryAfterMs: e.lockedUntil - now };
    const out = modelSharedSecret(kind, expected, given);
    if (!limited || (!out.allow && out.reason.endsWith('_missing'))) return out;
    if (out.allow) { this.entries.delete(key); return out; }
    const entry = e ?? { failures: [], lockedUntil: 0 };
    entry.failures = entry.failures.filter((f) => now - f < this.spec.windowMs);
    entry.failures.push(now);
    if (entry.failures.length >= this.spec.maxAttempts) { entry.lockedUntil = now + this.spec.lockoutMs; entry.failures = []; }
    this.entries.set(key, entry);
    return out;
  }
}
