// Ownership of sessions and runs as seen by a caller (docs/auth.md, "Teams"): whose data a
// call reads and writes, and who may look at every owner's sessions.
import { ownerOf } from '../auth/decision.js';
import { RpcError } from '../protocol/error-codes.js';
import { hasScope } from '../protocol/scopes.js';
import type { CallerContext } from './registry.js';

/** The owner a call acts as: the person who started the run for tools, else the caller's principal. */
export function callerOwner(c: CallerContext): string {
  return c.delegation?.owner ?? ownerOf(c.principal);
}

/** operator.admin on a direct connection sees every owner's sessions (tools never do). */
export function seesEveryOwner(c: CallerContext): boolean {
  return c.delegation === undefined && hasScope(c.scopes, 'operator.admin');
}

/**
 * The owner whose data a read addresses: the caller's own, or for operator.admin the one it
 * names. Throws FORBIDDEN / NOT_OWNER when anyone else names another owner.
 */
export function readOwner(c: CallerContext, requested: string | undefined): string {
  const own = callerOwner(c);
  if (requested === undefined || requested === own) return own;
  if (!seesEveryOwner(c)) throw new RpcError('FORBIDDEN', 'sessions of another owner can only be read with operator.admin', { details: { code: 'NOT_OWNER' } });
  return requested;
}
