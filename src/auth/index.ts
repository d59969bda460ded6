// Picks the auth strategy once, at startup, from the frozen config. Nothing downstream
// branches on the mode.
import type { FrozenConfig } from '../config/load.js';
import type { AuthStrategy } from './decision.js';
import { createRateLimiter } from './rate-limit.js';
import { createNoneStrategy } from './strategies/none.js';
import { createPasswordStrategy } from './strategies/password.js';
import { createTokenStrategy } from './strategies/token.js';
import { createTrustedProxyStrategy } from './strategies/trusted-proxy.js';

export function createAuthStrategy(auth: FrozenConfig['gateway']['auth'], now?: () => number): AuthStrategy {
  switch (auth.mode) {
    case 'none': return createNoneStrategy();
    case 'token': return createTokenStrategy({ token: auth.token, exemptLoopback: auth.rateLimit.exemptLoopback }, createRateLimiter({ ...auth.rateLimit, ...(now ? { now } : {}) }));
    case 'password': return createPasswordStrategy({ password: auth.password, exemptLoopback: auth.rateLimit.exemptLoopback }, createRateLimiter({ ...auth.rateLimit, ...(now ? { now } : {}) }));
    case 'trusted-proxy': return createTrustedProxyStrategy(auth);
  }
}

export { allow, deny, principalId, describePrincipal } from './decision.js';
export type { AuthDecision, AuthRequest, AuthStrategy, Principal } from './decision.js';
