// Auth mode "password": the connect frame's auth.password must equal the configured password.
import type { AuthStrategy } from '../decision.js';
import type { RateLimiter } from '../rate-limit.js';
import { checkSharedSecret, type SharedSecretSpec } from './shared-secret.js';

export function createPasswordStrategy(cfg: { password: string; exemptLoopback: boolean }, limiter: RateLimiter): AuthStrategy {
  const spec: SharedSecretSpec = {
    secret: cfg.password, principal: { kind: 'password' }, limiter, exemptLoopback: cfg.exemptLoopback,
    pick: (req) => req.credentials.password, missing: 'password_missing', mismatch: 'password_mismatch',
  };
  return { mode: 'password', authenticate: (req) => checkSharedSecret(spec, req) };
}
