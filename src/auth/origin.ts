// The browser Origin gate, applied in every auth mode before credentials are looked at (so a
// foreign page learns nothing about credentials or login state, and its guesses cost nobody):
// browser client ids and any upgrade carrying an Origin must present an allowed origin, a
// loopback origin from a loopback client, or a loopback origin that is the very host the
// request was sent to. This stops cross-site WebSocket hijacking, including through a proxy
// that would otherwise attach the victim's identity.
import type { Ingress } from '../transport/ingress.js';

const LOOPBACK_HOSTS = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

export function isLoopbackOrigin(origin: string): boolean {
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && LOOPBACK_HOSTS.test(u.hostname);
  } catch {
    return false;
  }
}

/** The `host[:port]` of an origin exactly as written (no default-port folding), lower-cased. */
const originHostPort = (origin: string): string | undefined =>
  /^https?:\/\/([^/?#]+)\/*$/i.exec(origin.trim())?.[1]?.toLowerCase();

const normalize = (o: string): string => o.trim().replace(/\/+$/, '').toLowerCase();

export function createOriginGate(allowedOrigins: readonly string[]) {
  const any = allowedOrigins.includes('*');
  const allowed = new Set(allowedOrigins.map(normalize));
  /** True when this connection may proceed as far as the origin is concerned. */
  return (ingress: Ingress, isBrowserClient: boolean): boolean => {
    if (ingress.origins.length === 0) return !isBrowserClient;
    if (ingress.origins.length > 1) return false;
    const origin = ingress.origins[0]!;
    if (origin === 'null' || origin.trim() === '') return false;
    if (any || allowed.has(normalize(origin))) return true;
    // Same origin on a loopback literal: the page came from whatever listens on that host:port
    // (the gateway itself, or its local proxy). DNS rebinding cannot forge a loopback literal.
    if (isLoopbackOrigin(origin) && ingress.host !== undefined && originHostPort(origin) === ingress.host.trim().toLowerCase()) return true;
    // A loopback origin counts only when the browser itself is the peer: not through a proxy
    // (even one on this host), where "localhost" would be the browser's machine, not ours.
    return ingress.peerIsLoopback && !ingress.peerTrusted && !ingress.forwarded ? isLoopbackOrigin(origin) : false;
  };
}
