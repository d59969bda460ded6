// Auth mode "none": every connection acts as the anonymous principal (loopback binds only;
// config refuses it on any other bind).
import { allow, type AuthStrategy } from '../decision.js';

export function createNoneStrategy(): AuthStrategy {
  const decision = allow({ kind: 'anonymous' });
  return { mode: 'none', authenticate: () => decision };
}
