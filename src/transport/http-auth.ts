// HTTP routes behind the gateway's auth: the same Origin gate and the same strategy object —
// so the same failed-credential limiter — as the WebSocket handshake. Token and password
// modes read `Authorization: Bearer <secret>`; trusted-proxy reads the proxy's identity
// headers from the request's ingress; none allows. A refusal is a 401 with the wire reason.
import { deny, type AuthDecision, type AuthStrategy, type Principal } from '../auth/decision.js';
import { wireAuthReason } from '../protocol/auth-reasons.js';
import type { Logger } from '../util/log.js';
import type { HttpHandler } from './http.js';
import type { Ingress } from './ingress.js';

export interface HttpAuthDeps {
  readonly strategy: AuthStrategy;
  /** When set, an allowed caller must also pass this (e.g. /metrics needs operator.admin); else 403. */
  readonly authorize?: { readonly scope: string; readonly allowed: (principal: Principal, ingress: Ingress) => boolean };
  readonly originAllowed: (ingress: Ingress, isBrowserClient: boolean) => boolean;
  readonly log: Logger;
}

/**
 * The secret from a single `Authorization: Bearer <secret>` header, else undefined (none,
 * another scheme, or repeated). Everything after the scheme counts, so a password with
 * spaces works too (more lenient than RFC 6750's token68).
 */
export function bearerCredential(ingress: Ingress): string | undefined {
  const values = ingress.headers.filter(([name]) => name === 'authorization').map(([, v]) => v);
  if (values.length !== 1) return undefined;
  return /^Bearer[ \t]+(\S(?:.*\S)?)[ \t]*$/i.exec(values[0]!)?.[1];
}

export function authenticateHttp(ingress: Ingress, deps: HttpAuthDeps): AuthDecision {
  if (!deps.originAllowed(ingress, false)) return deny('origin_not_allowed');
  const secret = bearerCredential(ingress);
  return deps.strategy.authenticate({ ingress, credentials: secret === undefined ? {} : { token: secret, password: secret } });
}

/** Wraps a handler so it runs only for requests the gateway's auth allows. */
export function withHttpAuth(handler: HttpHandler, deps: HttpAuthDeps): HttpHandler {
  return (req, res, ingress) => {
    const decision = authenticateHttp(ingress, deps);
    if (decision.kind === 'allow' && (!deps.authorize || deps.authorize.allowed(decision.principal, ingress))) return handler(req, res, ingress);
    if (decision.kind === 'allow') {
      deps.log.warn('http request refused', { path: (req.url ?? '/').split('?')[0], remote: ingress.clientIp, peer: ingress.peer, missingScope: deps.authorize!.scope });
      const body = JSON.stringify({ error: 'forbidden', missingScope: deps.authorize!.scope });
      res.writeHead(403, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    const authReason = wireAuthReason(decision.reason, decision.header);
    deps.log.warn('http request refused', { path: (req.url ?? '/').split('?')[0], remote: ingress.clientIp, peer: ingress.peer, reason: authReason });
    const body = JSON.stringify({ error: 'unauthorized', authReason });
    res.writeHead(401, {
      'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body),
      'www-authenticate': 'Bearer realm="clawgate"',
      ...(decision.retryAfterMs !== undefined ? { 'retry-after': String(Math.ceil(decision.retryAfterMs / 1000)) } : {}),
    });
    res.end(body);
  };
}
