// Scope ceilings per principal: a connection gets the scopes it asks for, capped here.
// Holders of the gateway's own secret (token, password, local credential, or loopback with
// auth none) may ask for anything; people vouched for by a proxy get read+write unless
// gateway.auth.identityScopes says otherwise ("*" sets the default for unlisted users).
import { SCOPES, type Scope } from '../protocol/scopes.js';
import type { FrozenConfig } from '../config/load.js';
import type { Principal } from './decision.js';
import { foldName } from './identity.js';

export const PROXY_USER_DEFAULT_SCOPES: readonly Scope[] = ['operator.read', 'operator.write'];

export type ScopeCeiling = (p: Principal) => readonly Scope[];

export function createScopeCeiling(auth: FrozenConfig['gateway']['auth']): ScopeCeiling {
  // A Map, not an object lookup: user names such as "__proto__" or "constructor" come from
  // the proxy and must never reach Object.prototype.
  // Keys and names meet after NFC and case folding, as allowUsers compares them.
  const table = new Map<string, readonly Scope[]>(auth.mode === 'trusted-proxy' ? (Object.entries(auth.identityScopes ?? {}) as [string, Scope[]][]).map(([k, v]) => [k === '*' ? k : foldName(k), v]) : []);
  const fallback = table.get('*') ?? PROXY_USER_DEFAULT_SCOPES;
  return (p) => {
    switch (p.kind) {
      case 'trusted-proxy': return table.get(foldName(p.user)) ?? fallback;
      case 'slack': return PROXY_USER_DEFAULT_SCOPES;
      default: return SCOPES;
    }
  };
}

/** Requested scopes that the ceiling allows, without duplicates or unknown names. */
export function grantScopes(requested: readonly string[], ceiling: readonly Scope[]): Scope[] {
  const allowed = new Set<string>(ceiling);
  return [...new Set(requested)].filter((s): s is Scope => (SCOPES as readonly string[]).includes(s) && allowed.has(s));
}
