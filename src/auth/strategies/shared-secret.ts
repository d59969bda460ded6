// Shared-secret checking common to the token, password and local strategies: constant-time
// compare, and a per-client-IP failure limiter consulted before the compare.
import type { AuthReason } from '../../protocol/auth-reasons.js';
import { secretEquals } from '../../util/secret.js';
import { allow, deny, type AuthDecision, type AuthRequest, type Principal } from '../decision.js';
import type { RateLimiter } from '../rate-limit.js';

export interface SharedSecretSpec {
  secret: string;
  principal: Principal;
  pick: (req: AuthRequest) => string | undefined;
  missing: AuthReason;
  mismatch: AuthReason;
  limiter: RateLimiter;
  /** Skip the limiter for clean same-host connections (config `rateLimit.exemptLoopback`). */
  exemptLoopback?: boolean;
  /**
   * Compare before consulting the limiter, so the right secret always gets in and only wrong
   * ones are held back. Only for the local listener: whoever reaches its socket can read the
   * secret anyway, so a compare there is no guessing oracle.
   */
  rightSecretFirst?: boolean;
}

export function checkSharedSecret(spec: SharedSecretSpec, req: AuthRequest): AuthDecision {
  const key = req.ingress.clientKey;
  const limited = !(spec.exemptLoopback && req.ingress.kind === 'direct-local');
  if (spec.rightSecretFirst) {
    const given = spec.pick(req);
    if (given !== undefined && given !== '' && secretEquals(given, spec.secret)) { spec.limiter.recordSuccess(key); return allow(spec.principal); }
    const wait = spec.limiter.blockedFor(key);
    if (wait > 0) return deny('rate_limited', { retryAfterMs: wait });
    if (given === undefined || given === '') return deny(spec.missing);
    spec.limiter.recordFailure(key);
    return deny(spec.mismatch);
  }
  if (limited) {
    const wait = spec.limiter.blockedFor(key);
    if (wait > 0) return deny('rate_limited', { retryAfterMs: wait });
  }
  const given = spec.pick(req);
  if (given === undefined || given === '') return deny(spec.missing);
  if (!secretEquals(given, spec.secret)) {
    if (limited) spec.limiter.recordFailure(key);
    return deny(spec.mismatch);
  }
  if (limited) spec.limiter.recordSuccess(key);
  return allow(spec.principal);
}
