// Scope ceilings per principal: a connection gets the scopes it asks for, capped here.
// Holders of the gateway's own secret (token, password, local credential, or loopback with
// auth none) may ask for anything; people vouched for by a proxy get read+write unless
// gateway.auth.identityScopes says otherwise ("*" sets the default for unlisted users), plus
// whatever gateway.auth.groupScopes grants the groups the proxy names (docs/auth.md#teams).
import { SCOPES, type Scope } from '../protocol/scopes.js';
import type { FrozenConfig } from '../config/load.js';
import type { Principal } from './decision.js';
import { foldName } from './identity.js';

export const PROXY_USER_DEFAULT_SCOPES: readonly Scope[] = ['operator.read', 'operator.write'];

/** What of the edge attribution a ceiling looks at: whether the request was relayed (forwarded headers). */
export interface CeilingIngress { readonly forwarded: boolean }

export type ScopeCeiling = (p: Principal, ingress?: CeilingIngress) => readonly Scope[];

export function createScopeCeiling(auth: FrozenConfig['gateway']['auth']): ScopeCeiling {
  // A Map, not an object lookup: user names such as "__proto__" or "constructor" come from
  // the proxy and must never reach Object.prototype.
  // Keys and names meet after NFC and case folding, as allowUsers compares them.
  const table = new Map<string, readonly Scope[]>(auth.mode === 'trusted-proxy' ? (Object.entries(auth.identityScopes ?? {}) as [string, Scope[]][]).map(([k, v]) => [k === '*' ? k : foldName(k), v]) : []);
  const fallback = table.get('*') ?? PROXY_USER_DEFAULT_SCOPES;
  const groupTable = new Map<string, readonly Scope[]>(auth.mode === 'trusted-proxy' ? (Object.entries(auth.groupScopes ?? {}) as [string, Scope[]][]).map(([k, v]) => [foldName(k), v]) : []);
  const withGroups = (own: readonly Scope[], groups: readonly string[] | undefined): readonly Scope[] => {
    if (!groups?.length || groupTable.size === 0) return own;
    const union = new Set<Scope>(own);
    for (const g of groups) for (const s of groupTable.get(foldName(g)) ?? []) union.add(s);
    return SCOPES.filter((s) => union.has(s));
  };
  return (p, ingress) => {
    switch (p.kind) {
      case 'trusted-proxy': return withGroups(table.get(foldName(p.user)) ?? fallback, p.groups);
      case 'slack': return PROXY_USER_DEFAULT_SCOPES;
      // Auth mode none trusts this host's own clients. A relayed connection (forwarded headers:
      // a local proxy passing someone else's request) is not the operator, so it gets no admin.
      case 'anonymous': return ingress?.forwarded ? PROXY_USER_DEFAULT_SCOPES : SCOPES;
      default: return SCOPES;
    }
  };
}

/** Requested scopes that the ceiling allows, without duplicates or unknown names. */
export function grantScopes(requested: readonly string[], ceiling: readonly Scope[]): Scope[] {
  const allowed = new Set<string>(ceiling);
  return [...new Set(requested)].filter((s): s is Scope => (SCOPES as readonly string[]).includes(s) && allowed.has(s));
}
