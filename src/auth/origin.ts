// The browser Origin gate, applied in every auth mode before credentials are looked at (so a
// foreign page learns nothing about credentials or login state, and its guesses cost nobody):
// browser client ids and any upgrade carrying an Origin must present an allowed origin —
// listed in controlUi.allowedOrigins (compared in canonical form, `*.` wildcards allowed) or
// a loopback origin that is exactly the request's own origin (scheme, host and port), as
// Jupyter does. This stops cross-site WebSocket hijacking, including through a proxy that
// would otherwise attach the victim's identity, and pages on other local ports.
import type { Ingress } from '../transport/ingress.js';
import { canonicalOrigin, isLoopbackOriginHost, originParts, parseWildcardOrigin, wildcardMatches, type OriginParts, type WildcardOrigin } from '../util/origin.js';

export function isLoopbackOrigin(origin: string): boolean {
  const p = originParts(origin);
  return p !== null && isLoopbackOriginHost(p);
}

/**
 * The origin a page served by this request's own host would have: `http://<Host>`, or the
 * scheme a proven proxy states in a single X-Forwarded-Proto (it terminates TLS for us).
 */
export function ownOrigin(ingress: Ingress): string | null {
  if (ingress.host === undefined) return null;
  let scheme = 'http';
  if (ingress.proxyProven) {
    const protos = ingress.headers.filter(([n]) => n === 'x-forwarded-proto').map(([, v]) => v.trim().toLowerCase());
    if (protos.length === 1 && (protos[0] === 'http' || protos[0] === 'https')) scheme = protos[0];
  }
  return canonicalOrigin(`${scheme}://${ingress.host.trim()}`);
}

/** allowedOrigins as exact canonical origins and wildcards (entries config refused are skipped). */
export function compileAllowedOrigins(allowedOrigins: readonly string[]): (p: OriginParts, canonical: string) => boolean {
  const exact = new Set<string>();
  const wildcards: WildcardOrigin[] = [];
  for (const entry of allowedOrigins) {
    if (entry.includes('*')) {
      const w = parseWildcardOrigin(entry.trim());
      if (typeof w !== 'string') wildcards.push(w);
    } else {
      const c = canonicalOrigin(entry.trim());
      if (c) exact.add(c);
    }
  }
  return (p, canonical) => exact.has(canonical) || wildcards.some((w) => wildcardMatches(w, p));
}

export function createOriginGate(allowedOrigins: readonly string[]) {
  const allowed = compileAllowedOrigins(allowedOrigins);
  /** True when this connection may proceed as far as the origin is concerned. */
  return (ingress: Ingress, isBrowserClient: boolean): boolean => {
    if (ingress.origins.length === 0) return !isBrowserClient;
    if (ingress.origins.length > 1) return false;
    const p = originParts(ingress.origins[0]!);
    if (!p) return false; // null, empty, opaque or malformed
    const canonical = canonicalOrigin(ingress.origins[0]!)!;
    if (allowed(p, canonical)) return true;
    // A loopback page counts only when it is this very origin: the gateway's own UI, or its
    // local proxy's. A page on another local port is another origin. DNS rebinding cannot
    // produce a loopback literal.
    return isLoopbackOriginHost(p) && canonical === ownOrigin(ingress);
  };
}
