// Auth mode "token": the connect frame's auth.token must equal the configured token.
import type { AuthStrategy } from '../decision.js';
import type { RateLimiter } from '../rate-limit.js';
import { checkSharedSecret, type SharedSecretSpec } from './shared-secret.js';

export function createTokenStrategy(cfg: { token: string; exemptLoopback: boolean }, limiter: RateLimiter): AuthStrategy {
  const spec: SharedSecretSpec = {
    secret: cfg.token, principal: { kind: 'token' }, limiter, exemptLoopback: cfg.exemptLoopback,
    pick: (req) => req.credentials.token, missing: 'token_missing', mismatch: 'token_mismatch',
  };
  return { mode: 'token', authenticate: (req) => checkSharedSecret(spec, req) };
}
