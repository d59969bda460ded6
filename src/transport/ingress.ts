// Ingress attribution, computed once per connection at the edge: who is the socket peer,
// is it a trusted proxy, what forwarded evidence came with the request, and which client
// IP the request is attributed to. Auth strategies only read this; they never re-derive it.
import type { IncomingMessage } from 'node:http';
import type { AssertionVerdict } from '../auth/assertion.js';
import { forwardedHops, xffHops, type Hop } from '../util/forwarded.js';
import { clientKey, isLoopbackIp, normalizeIp, type IpMatcher } from '../util/ip.js';

export type IngressKind =
  /** Loopback peer with no forwarded headers and no Origin. */
  | 'direct-local'
  /** Non-loopback peer that is not a trusted proxy. */
  | 'direct-remote'
  /** Peer is a configured trusted proxy. */
  | 'trusted-proxy'
  /** Loopback peer that is not a trusted proxy but carries forwarded headers or an Origin (an unlisted local proxy, or a browser). */
  | 'local-forwarded';

export interface Ingress {
  readonly peer: string;
  readonly peerIsLoopback: boolean;
  readonly peerTrusted: boolean;
  /**
   * The peer is a trusted proxy AND proved it (the proxy secret or assertion, when one is
   * configured; see ProxyProof). Only a proven proxy's forwarded addresses are believed.
   */
  readonly proxyProven: boolean;
  /** Forwarded, X-Forwarded-* or X-Real-IP present. */
  readonly forwarded: boolean;
  /** The address the request is attributed to (rate limits, logs). */
  readonly clientIp: string;
  /** What pre-auth caps and failure limits count under (clientKey: IPv6 by prefix, loopback as one). */
  readonly clientKey: string;
  /** A forwarded hop from a proven proxy that could not be parsed (attribution stopped before it). */
  readonly unparsedHop?: string;
  readonly kind: IngressKind;
  /** Origin header values as sent (a browser sends exactly one). */
  readonly origins: readonly string[];
  readonly host: string | undefined;
  /** Header pairs in arrival order, names lower-cased, duplicates kept. */
  readonly headers: readonly (readonly [string, string])[];
  readonly userAgent: string | undefined;
  /** The verdict on the proxy's signed identity assertion, when one is configured and the peer is trusted (verified once, at the edge). */
  readonly assertion?: AssertionVerdict;
}

/** Header pairs from Node's rawHeaders, names lower-cased, duplicates preserved. */
export function headerPairs(raw: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!.toLowerCase(), raw[i + 1]!]);
  return out;
}

const isForwardedHeader = (name: string): boolean =>
  name === 'forwarded' || name === 'x-real-ip' || name.startsWith('x-forwarded-');

/**
 * Decides whether a trusted-proxy peer proved itself (the proxy secret header). Called only for
 * peers in trustedProxies; absent means no proof is configured and the address suffices. A
 * signed assertion, when configured, must also be verified (IngressOptions.assertion).
 */
export type ProxyProof = (headers: readonly (readonly [string, string])[]) => boolean;

export interface IngressOptions {
  readonly proof?: ProxyProof | undefined;
  /** clientKey's IPv6 prefix (gateway.limits.ipv6Prefix). */
  readonly ipv6Prefix?: number;
  /** The verdict on the proxy's signed assertion (trusted peers, when one is configured): only a verified one proves the proxy. */
  readonly assertion?: AssertionVerdict | undefined;
}

/**
 * Walks the hops right to left, skipping trusted ones; the first untrusted hop is the client.
 * A hop that names no address (unknown, obfuscated) or does not parse stops the walk at the
 * last address a trusted hop vouched for.
 */
export function resolveHops(peer: string, hops: readonly Hop[], trusted: IpMatcher): { clientIp: string; unparsed?: string } {
  let last = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const h = hops[i]!;
    if (h.kind === 'hidden') return { clientIp: last };
    if (h.kind === 'invalid') return { clientIp: last, unparsed: h.text };
    if (!trusted.matches(h.ip)) return { clientIp: h.ip };
    last = h.ip;
  }
  return { clientIp: last };
}

/** X-Forwarded-For only (kept for callers and tests that have no Forwarded header). */
export function resolveClientIp(peer: string, peerTrusted: boolean, xff: readonly string[], trusted: IpMatcher): string {
  return peerTrusted && xff.length > 0 ? resolveHops(peer, xffHops(xff), trusted).clientIp : peer;
}

export function attributeIngress(req: Pick<IncomingMessage, 'rawHeaders' | 'socket'>, trusted: IpMatcher, opts: IngressOptions = {}): Ingress {
  const peer = normalizeIp(req.socket.remoteAddress)?.ip ?? 'unknown';
  const headers = headerPairs(req.rawHeaders);
  const peerIsLoopback = isLoopbackIp(peer);
  const peerTrusted = trusted.matches(peer);
  let forwarded = false;
  const xff: string[] = [];
  const fwd: string[] = [];
  const origins: string[] = [];
  let host: string | undefined;
  let userAgent: string | undefined;
  for (const [name, value] of headers) {
    if (isForwardedHeader(name)) forwarded = true;
    if (name === 'x-forwarded-for') xff.push(value);
    else if (name === 'forwarded') fwd.push(value);
    else if (name === 'origin') origins.push(value);
    else if (name === 'host') host ??= value;
    else if (name === 'user-agent') userAgent ??= value;
  }
  const { assertion } = opts;
  const proxyProven = peerTrusted && (opts.proof === undefined || opts.proof(headers)) && (assertion === undefined || assertion.kind === 'verified');
  // X-Forwarded-For wins when both are present (what nearly every proxy appends to); a proxy
  // that writes only Forwarded is read from Forwarded.
  const hops = !proxyProven ? [] : xff.length > 0 ? xffHops(xff) : forwardedHops(fwd);
  const { clientIp, unparsed } = resolveHops(peer, hops, trusted);
  // A loopback peer sending an Origin is a browser, not clean same-host traffic.
  const kind: IngressKind = peerTrusted ? 'trusted-proxy'
    : peerIsLoopback ? (forwarded || origins.length > 0 ? 'local-forwarded' : 'direct-local')
    : 'direct-remote';
  return {
    peer, peerIsLoopback, peerTrusted, proxyProven, forwarded,
    clientIp, clientKey: clientKey(clientIp, opts.ipv6Prefix),
    ...(unparsed !== undefined ? { unparsedHop: unparsed.slice(0, 100) } : {}),
    kind, origins, host, headers, userAgent,
    ...(assertion ? { assertion } : {}),
  };
}
