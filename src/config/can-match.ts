// "Every entry can match something": startup checks that refuse list entries which load
// cleanly but could never match a real request (an origin with a path, a wildcard that is not
// a label, an address no peer can have, an allowUsers entry no accepted identity can equal,
// a header name the gateway never sees as sent). Each message says what to write instead.
import type { Issue } from '../protocol/schema.js';
import { canonicalOrigin, parseWildcardOrigin } from '../util/origin.js';
import { cidrCoversLoopback, type Cidr } from '../util/ip.js';

/** controlUi.allowedOrigins: canonical http(s) origins or `*.` wildcards; never a bare "*". */
export function checkAllowedOrigins(entries: readonly string[], issues: Issue[]): void {
  entries.forEach((o, i) => {
    const path = `gateway.controlUi.allowedOrigins[${i}]`;
    if (o.trim() === '*') {
      issues.push({ path, message: '"*" would let any website act with the credentials or identity the browser holds; list the origins instead, e.g. "https://openclaw.example.com", or a subdomain wildcard such as "https://*.example.com"' });
      return;
    }
    if (o.includes('*')) {
      const w = parseWildcardOrigin(o);
      if (typeof w === 'string') issues.push({ path, message: `"${o}" ${w}` });
      return;
    }
    if (canonicalOrigin(o) === null) {
      issues.push({ path, message: `"${o}" can never match a browser's Origin: write scheme, host and optional port only, e.g. "https://openclaw.example.com" or "http://localhost:5173" (no path, query, user or spaces)` });
    }
  });
}

const NEVER_A_PEER = ['0.0.0.0', '::', '255.255.255.255'];
const isMulticast = (c: Cidr) => (c.family === 4 ? /^2(2[4-9]|3\d)\./.test(c.ip) : /^ff/i.test(c.ip));

/** trustedProxies: single addresses no TCP peer can have, and, on a loopback bind, entries no local peer falls in. */
export function checkTrustedProxies(proxies: readonly Cidr[], bindIsLoopback: boolean, issues: Issue[], loopbackReported = false): void {
  proxies.forEach((c, i) => {
    const path = `gateway.trustedProxies[${i}]`;
    const single = c.prefix === (c.family === 4 ? 32 : 128);
    if (single && (NEVER_A_PEER.includes(c.ip) || isMulticast(c))) {
      issues.push({ path, message: `"${c.text}" is never the address of a connecting proxy (unspecified, broadcast or multicast); list the proxy's own address` });
    } else if (bindIsLoopback && !loopbackReported && !cidrCoversLoopback(c)) {
      issues.push({ path, message: `"${c.text}" can never match: bind is loopback, so only a proxy on this host can connect; remove it, or bind to "lan"` });
    }
  });
}

/** Header names that proxies and node consume or rewrite, so a configured one never arrives as the proxy set it. */
const RESERVED_HEADERS = new Set(['host', 'connection', 'upgrade', 'content-length', 'transfer-encoding', 'te', 'trailer', 'keep-alive',
  'proxy-connection', 'origin', 'cookie', 'authorization', 'forwarded', 'x-forwarded-for', 'x-real-ip']);
const aliasKey = (h: string) => h.toLowerCase().replace(/[._]/g, '-');

/** userHeader, requiredHeaders and the proxy-secret header: real names that can co-exist. */
export function checkHeaderNames(tp: { userHeader?: string | undefined; requiredHeaders: readonly string[]; proxySecret?: { header: string } | undefined }, issues: Issue[]): void {
  const base = 'gateway.auth.trustedProxy';
  const named: [string, string][] = [...(tp.userHeader ? [[`${base}.userHeader`, tp.userHeader] as [string, string]] : []), ...tp.requiredHeaders.map((h, i): [string, string] => [`${base}.requiredHeaders[${i}]`, h])];
  if (tp.proxySecret) named.push([`${base}.proxySecret.header`, tp.proxySecret.header]);
  for (const [path, h] of named) {
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(h)) issues.push({ path, message: `"${h}" is not an HTTP header name (letters, digits and -, no spaces or colons)` });
    else if (RESERVED_HEADERS.has(h.toLowerCase()) || h.toLowerCase().startsWith('sec-websocket-')) issues.push({ path, message: `"${h}" is set by browsers, proxies or node themselves; use a header of your own, e.g. "x-authentik-email"` });
  }
  // A required header that is only an alias spelling of the identity or secret header makes every request an alias refusal.
  const guarded = [...(tp.userHeader ? [tp.userHeader] : []), ...(tp.proxySecret ? [tp.proxySecret.header] : [])].map((h) => h.toLowerCase());
  tp.requiredHeaders.forEach((h, i) => {
    const l = h.toLowerCase();
    if (guarded.some((g) => g !== l && aliasKey(g) === aliasKey(l))) {
      issues.push({ path: `${base}.requiredHeaders[${i}]`, message: `"${h}" differs from the identity or secret header only by "." or "_", which the gateway refuses as a look-alike; name the header exactly` });
    }
  });
}

/** What an accepted identity can never contain (docs/auth.md step 7): so neither can an entry naming one. */
const NEVER_IN_IDENTITY = /[\s\p{Cc},]|\{[^}]*\}/u;

/** allowUsers and identityScopes keys: each must be able to equal an identity the gateway accepts. */
export function checkUserEntries(entries: readonly string[], pathOf: (i: number) => string, issues: Issue[]): void {
  entries.forEach((u, i) => {
    if (u === '*' && pathOf(i).includes('identityScopes')) return;
    if (NEVER_IN_IDENTITY.test(u) || [...u].length > 320) {
      issues.push({ path: pathOf(i), message: `"${u}" can never match: accepted identities have no whitespace, commas, control characters or {placeholders}, and at most 320 characters` });
    }
  });
}
