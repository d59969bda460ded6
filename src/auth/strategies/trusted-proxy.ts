// Auth mode "trusted-proxy": identity comes from a header set by a configured proxy. The
// header counts only when the socket peer is a trusted proxy (never X-Forwarded-For), by its
// exact name, exactly once, with a sane value, and — when proxySecret is configured — only
// alongside the proxy's shared secret. With an assertion configured, the identity is the
// verified claim of the proxy's signed JWT (verified once at the edge, see auth/assertion.ts)
// and a user header, if sent, must name the same person. Every check is fail-closed; there
// is no fallback.
import { secretEquals } from '../../util/secret.js';
import type { AssertionVerdict } from '../assertion.js';
import { decodeHeaderText, foldName } from '../identity.js';
import { allow, deny, type AuthDecision, type AuthRequest, type AuthStrategy } from '../decision.js';

export interface TrustedProxyConfig {
  /** Optional only with an assertion (config rules require one of the two). */
  userHeader?: string | undefined;
  /** Header listing the person's groups ("a|b" as authentik sends them, or "a,b"); same rules as userHeader. */
  groupsHeader?: string | undefined;
  requiredHeaders: readonly string[];
  allowUsers: readonly string[];
  proxySecret?: { header: string; value: string } | undefined;
  /** When set, identity comes from the verified assertion in this header (ingress.assertion). */
  assertion?: { header: string } | undefined;
}

export const MAX_USER_LENGTH = 320;
/** Unicode control characters: C0, DEL and C1 (an 8-bit terminal escape is one). */
const CONTROL = /\p{Cc}/u;
const PLACEHOLDER = /\{[^}]*\}/;

/** Header names that differ from `name` only by "." or "_" in place of "-" (after lower-casing). */
const canonical = (name: string): string => name.replace(/[._]/g, '-');

/** Why a user header value is unusable, or null when it is fine. */
export function invalidUserValue(v: string): boolean {
  return [...v].length > MAX_USER_LENGTH || CONTROL.test(v) || PLACEHOLDER.test(v) || v.includes(',') || /\s/.test(v);
}

/** Whether two identity values name the same person (case-insensitive, as allowUsers compares). */
const sameUser = (a: string, b: string): boolean => foldName(a) === foldName(b);

/** Compiles allowUsers into a predicate: exact names, or `*@domain`, compared after NFC and case folding. */
export function compileAllowUsers(list: readonly string[]): (user: string) => boolean {
  if (list.length === 0) return () => true;
  const exact = new Set<string>();
  const domains: string[] = [];
  for (const u of list) {
    const l = foldName(u);
    if (l.startsWith('*@')) domains.push(l.slice(1));
    else exact.add(l);
  }
  return (user) => {
    const l = foldName(user);
    return exact.has(l) || (l.lastIndexOf('@') > 0 && domains.some((d) => l.endsWith(d) && l.indexOf('@') === l.length - d.length));
  };
}

/** Most groups kept from one request, and the longest group name (longer ones are refused). */
export const MAX_GROUPS = 256;
export const MAX_GROUP_LENGTH = 256;

/**
 * The groups in a groups header value (already decoded as UTF-8): split on "|" (authentik) or
 * ",", trimmed, empty entries dropped, duplicates removed. Null when the value is unusable
 * (a control character, a name over 256 characters, more than 256 groups): refused, never cut.
 */
export function parseGroups(value: string): string[] | null {
  if (CONTROL.test(value)) return null;
  const out = new Set<string>();
  for (const raw of value.split(/[|,]/)) {
    const g = raw.trim().normalize('NFC');
    if (g === '') continue;
    if ([...g].length > MAX_GROUP_LENGTH) return null;
    out.add(g);
    if (out.size > MAX_GROUPS) return null;
  }
  return [...out];
}

export function createTrustedProxyStrategy(cfg: TrustedProxyConfig): AuthStrategy {
  const userHeader = cfg.userHeader?.toLowerCase();
  const userCanon = userHeader ? canonical(userHeader) : undefined;
  const secretHeader = cfg.proxySecret?.header.toLowerCase();
  const secretCanon = secretHeader ? canonical(secretHeader) : undefined;
  const assertionHeader = cfg.assertion?.header.toLowerCase();
  const assertionCanon = assertionHeader ? canonical(assertionHeader) : undefined;
  const groupsHeader = cfg.groupsHeader?.toLowerCase();
  const groupsCanon = groupsHeader ? canonical(groupsHeader) : undefined;
  const required = cfg.requiredHeaders.map((h) => h.toLowerCase());
  const allowed = compileAllowUsers(cfg.allowUsers);

  /** The identity from a verified assertion; a user header sent alongside must agree with it. */
  const fromAssertion = (verdict: AssertionVerdict | undefined, headerUser: string): AuthDecision => {
    if (!verdict) return deny('trusted_proxy_assertion_missing');
    if (verdict.kind === 'refused') return deny(verdict.reason, verdict.header ? { header: verdict.header } : {});
    const { user } = verdict;
    if (invalidUserValue(user)) return deny('trusted_proxy_user_invalid');
    if (headerUser !== '' && !sameUser(headerUser, user)) return deny('trusted_proxy_assertion_user_mismatch');
    if (!allowed(user)) return deny('trusted_proxy_user_not_allowed');
    return allow({ kind: 'trusted-proxy', user: user.includes('@') ? user.toLowerCase() : user, ...(verdict.groups ? { groups: verdict.groups } : {}) });
  };

  return {
    mode: 'trusted-proxy',
    authenticate(req: AuthRequest): AuthDecision {
      const { ingress } = req;
      if (!ingress.peerTrusted) return deny('trusted_proxy_untrusted_source');

      const users: string[] = [];
      const secrets: string[] = [];
      const groupValues: string[] = [];
      for (const [name, value] of ingress.headers) {
        if (name === userHeader) { users.push(value); continue; }
        if (name === groupsHeader) { groupValues.push(value); continue; }
        if (name === secretHeader) { secrets.push(value); continue; }
        if (name === assertionHeader) continue;
        const c = canonical(name);
        if (c === userCanon) return deny('trusted_proxy_header_alias', { header: name });
        if (c === secretCanon) return deny('trusted_proxy_header_alias', { header: name });
        if (c === assertionCanon) return deny('trusted_proxy_header_alias', { header: name });
        if (c === groupsCanon) return deny('trusted_proxy_header_alias', { header: name });
      }

      if (cfg.proxySecret) {
        if (secrets.length === 0) return deny('trusted_proxy_secret_missing');
        if (secrets.length > 1 || !secretEquals(secrets[0], cfg.proxySecret.value)) return deny('trusted_proxy_secret_mismatch');
      }

      for (const h of required) {
        const present = ingress.headers.some(([n, v]) => n === h && v.trim() !== '');
        if (!present) return deny('trusted_proxy_missing_header', { header: h });
      }

      if (users.length > 1) return deny('trusted_proxy_header_duplicate', { header: userHeader });
      if (groupValues.length > 1) return deny('trusted_proxy_header_duplicate', { header: groupsHeader });
      let groups: string[] | undefined;
      if (groupValues.length === 1) {
        const g = decodeHeaderText(groupValues[0]!);
        groups = g === null ? undefined : parseGroups(g) ?? undefined;
        if (!groups) return deny('trusted_proxy_groups_invalid', { header: groupsHeader });
      }
      // UTF-8 bytes as the IdP sent them; NFC so one name has one spelling.
      const text = decodeHeaderText(users[0] ?? '');
      if (text === null) return deny('trusted_proxy_user_encoding');
      if (cfg.assertion) return fromAssertion(ingress.assertion, text.trim());
      const user = text.trim().normalize('NFC');
      if (user === '') return deny('trusted_proxy_user_missing');
      if (invalidUserValue(user)) return deny('trusted_proxy_user_invalid');
      if (!allowed(user)) return deny('trusted_proxy_user_not_allowed');
      return allow({ kind: 'trusted-proxy', user: user.includes('@') ? user.toLowerCase() : user, ...(groups && groups.length > 0 ? { groups } : {}) });
    },
  };
}
