// Authentication decisions as values, and the principal an allowed connection acts for.
import { foldName } from './identity.js';
import type { AuthReason } from '../protocol/auth-reasons.js';
import type { Ingress } from '../transport/ingress.js';

/** On whose behalf a connection or a run acts. */
export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'token' }
  | { kind: 'password' }
  /** `groups`: from a verified assertion's groups claim, when configured (bounded, deduplicated). */
  | { kind: 'trusted-proxy'; user: string; groups?: readonly string[] }
  | { kind: 'local' }
  | { kind: 'slack'; team: string; user: string };

export type AuthDecision =
  | { kind: 'allow'; principal: Principal }
  | { kind: 'deny'; reason: AuthReason; header?: string; retryAfterMs?: number };

export const allow = (principal: Principal): AuthDecision => ({ kind: 'allow', principal });
export const deny = (reason: AuthReason, extra: { header?: string; retryAfterMs?: number } = {}): AuthDecision => ({ kind: 'deny', reason, ...extra });

/** What a strategy sees: the edge attribution plus the connect frame's credentials. */
export interface AuthRequest {
  readonly ingress: Ingress;
  readonly credentials: { readonly token?: string; readonly password?: string };
}

export interface AuthStrategy {
  readonly mode: 'none' | 'token' | 'password' | 'trusted-proxy' | 'local';
  authenticate(req: AuthRequest): AuthDecision;
}

/** Stable text form of a principal, e.g. `trusted-proxy:me@example.com`, recorded as actingFor. */
export function principalId(p: Principal): string {
  switch (p.kind) {
    case 'anonymous': return 'none';
    case 'token': return 'token';
    case 'password': return 'password';
    case 'local': return 'local';
    case 'trusted-proxy': return `trusted-proxy:${p.user}`;
    case 'slack': return `slack:${p.team}/${p.user}`;
  }
}

/** Owner id of everything the gateway's own secret holders start, whichever secret or socket they used. */
export const OPERATOR = 'operator';

/**
 * Whose sessions and runs a principal's work creates (docs/auth.md, "Teams"): each person
 * behind the proxy and each Slack user owns their own; the holders of the gateway's own
 * secrets (token, password, the local listener, auth mode none) are one owner, the operator.
 * Proxy user names compare without regard to case or Unicode normalization, so the owner id
 * is their NFC, lower-cased form.
 */
export function ownerOf(p: Principal): string {
  switch (p.kind) {
    case 'trusted-proxy': return `trusted-proxy:${foldName(p.user)}`;
    case 'slack': return `slack:${p.team}/${p.user}`;
    default: return OPERATOR;
  }
}

/** Human wording for UIs: "me@example.com via trusted proxy". */
export function describePrincipal(p: Principal): string {
  switch (p.kind) {
    case 'anonymous': return 'anonymous (auth mode none)';
    case 'token': return 'token holder';
    case 'password': return 'password holder';
    case 'local': return 'local operator (same host)';
    case 'trusted-proxy': return `${p.user} via trusted proxy`;
    case 'slack': return `Slack user ${p.user} (team ${p.team})`;
  }
}
