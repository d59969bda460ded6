// Ingress attribution, computed once per connection at the edge: who is the socket peer,
// is it a trusted proxy, what forwarded evidence came with the request, and which client
// IP the request is attributed to. Auth strategies only read this; they never re-derive it.
import type { IncomingMessage } from 'node:http';
import type { AssertionVerdict } from '../auth/assertion.js';
import { isLoopbackIp, normalizeIp, type IpMatcher } from '../util/ip.js';

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
  /** Forwarded, X-Forwarded-* or X-Real-IP present. */
  readonly forwarded: boolean;
  /** The address the request is attributed to (rate limits, logs). */
  readonly clientIp: string;
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

/** Walks X-Forwarded-For right to left, skipping trusted hops; the first untrusted hop is the client. */
export function resolveClientIp(peer: string, peerTrusted: boolean, xff: readonly string[], trusted: IpMatcher): string {
  if (!peerTrusted || xff.length === 0) return peer;
  const hops = xff.flatMap((v) => v.split(',')).map((s) => s.trim()).filter((s) => s.length > 0);
  let last = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const n = normalizeIp(hops[i]!);
    if (!n) return last; // an unparseable hop: stop at the last address a trusted hop vouched for
    if (!trusted.matches(n.ip)) return n.ip;
    last = n.ip;
  }
  return last;
}

export function attributeIngress(req: Pick<IncomingMessage, 'rawHeaders' | 'socket'>, trusted: IpMatcher, assertion?: AssertionVerdict): Ingress {
  const peer = normalizeIp(req.socket.remoteAddress)?.ip ?? 'unknown';
  const headers = headerPairs(req.rawHeaders);
  const peerIsLoopback = isLoopbackIp(peer);
  const peerTrusted = trusted.matches(peer);
  let forwarded = false;
  const xff: string[] = [];
  const origins: string[] = [];
  let host: string | undefined;
  let userAgent: string | undefined;
  for (const [name, value] of headers) {
    if (isForwardedHeader(name)) forwarded = true;
    if (name === 'x-forwarded-for') xff.push(value);
    else if (name === 'origin') origins.push(value);
    else if (name === 'host') host ??= value;
    else if (name === 'user-agent') userAgent ??= value;
  }
  // A loopback peer sending an Origin is a browser, not clean same-host traffic.
  const kind: IngressKind = peerTrusted ? 'trusted-proxy'
    : peerIsLoopback ? (forwarded || origins.length > 0 ? 'local-forwarded' : 'direct-local')
    : 'direct-remote';
  return {
    peer, peerIsLoopback, peerTrusted, forwarded,
    clientIp: resolveClientIp(peer, peerTrusted, xff, trusted),
    kind, origins, host, headers, userAgent,
    ...(assertion ? { assertion } : {}),
  };
}
