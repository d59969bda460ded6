// The local listener's strategy (every auth mode): a same-host process proves it can read the
// state dir by presenting the per-boot local secret. Forwarded headers or an Origin on this
// path mean something is relaying it, so they are refused before the secret is looked at.
// The right secret always gets in: a local process retrying a stale secret trips the limiter
// for wrong secrets only, never for the operator's own `clawgate call`.
import type { AuthStrategy } from '../decision.js';
import { deny } from '../decision.js';
import type { RateLimiter } from '../rate-limit.js';
import { checkSharedSecret, type SharedSecretSpec } from './shared-secret.js';

export function createLocalStrategy(secret: string, limiter: RateLimiter): AuthStrategy {
  const spec: SharedSecretSpec = {
    secret, principal: { kind: 'local' }, limiter, rightSecretFirst: true,
    pick: (req) => req.credentials.token, missing: 'local_secret_missing', mismatch: 'local_secret_mismatch',
  };
  return {
    mode: 'local',
    authenticate(req) {
      if (req.ingress.forwarded || req.ingress.origins.length > 0) return deny('local_forwarded');
      return checkSharedSecret(spec, req);
    },
  };
}
