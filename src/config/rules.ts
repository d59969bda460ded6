// Cross-field startup rules, checked after the schema. Each returns a key path and a
// message that says what to change.
import { cidrCoversLoopback, parseCidr, type Cidr } from '../util/ip.js';
import { checkAllowedOrigins, checkHeaderNames, checkTrustedProxies, checkUserEntries } from './can-match.js';
import type { Issue } from '../protocol/schema.js';
import type { RawConfig } from './schema.js';

export interface RuleInput {
  raw: RawConfig;
  mode: 'none' | 'token' | 'password' | 'trusted-proxy';
  bindIsLoopback: boolean;
  token: string | undefined;
  password: string | undefined;
  tokenFromEnv: boolean;
}

export function parseTrustedProxies(entries: readonly string[], issues: Issue[]): Cidr[] {
  const out: Cidr[] = [];
  entries.forEach((e, i) => {
    const c = parseCidr(e);
    if (c) out.push(c);
    else issues.push({ path: `gateway.trustedProxies[${i}]`, message: `"${e}" is not an IP address or CIDR range` });
  });
  return out;
}

const ALLOW_USER = /^(?:\*@[^\s@*]+|[^\s*]+)$/;

export function checkStartupRules(input: RuleInput, proxies: readonly Cidr[], issues: Issue[]): void {
  const { raw, mode } = input;
  const g = raw.gateway;
  if (g.bind === 'custom' && !g.customBindHost) issues.push({ path: 'gateway.customBindHost', message: 'is required when bind is "custom"' });
  if (mode === 'trusted-proxy') {
    const tp = g.auth.trustedProxy;
    if (!tp || (!tp.userHeader && !tp.assertion)) issues.push({ path: 'gateway.auth.trustedProxy.userHeader', message: 'is required when auth.mode is "trusted-proxy" (the header your proxy sets, e.g. "x-authentik-email"), unless trustedProxy.assertion is set' });
    if (tp?.assertion) checkAssertion(tp, issues);
    if (g.trustedProxies.length === 0) issues.push({ path: 'gateway.trustedProxies', message: 'trusted-proxy auth needs at least one trusted proxy address (the proxy that sets the identity header)' });
    else if (input.bindIsLoopback && proxies.length > 0 && !proxies.some(cidrCoversLoopback)) {
      issues.push({ path: 'gateway.trustedProxies', message: 'bind is loopback, so only a proxy on this host can reach the gateway: add "127.0.0.1" (or "::1") to trustedProxies, or bind to "lan"' });
    }
    if (input.token !== undefined) {
      issues.push({ path: input.tokenFromEnv ? 'CLAWGATE_GATEWAY_TOKEN' : 'gateway.auth.token', message: 'a shared token cannot be combined with trusted-proxy auth (it would be a second way in that bypasses the proxy); remove it — local tools use the local credential instead' });
    }
    const ps = tp?.proxySecret;
    if (ps && (ps.value === undefined) === (ps.env === undefined)) {
      issues.push({ path: 'gateway.auth.trustedProxy.proxySecret', message: 'set exactly one of "value" or "env"' });
    }
    tp?.allowUsers.forEach((u, i) => {
      if (!ALLOW_USER.test(u)) issues.push({ path: `gateway.auth.trustedProxy.allowUsers[${i}]`, message: `"${u}" must be a user name, an email, or "*@domain"` });
    });
    if (tp) {
      checkUserEntries(tp.allowUsers, (i) => `gateway.auth.trustedProxy.allowUsers[${i}]`, issues);
      checkHeaderNames(tp, issues);
    }
    checkGroups(g.auth.groupScopes, tp, issues);
    const scopeKeys = Object.keys(g.auth.identityScopes);
    checkUserEntries(scopeKeys, (i) => `gateway.auth.identityScopes.${scopeKeys[i]}`, issues);
    if (tp?.userHeader && ps?.header && tp.userHeader.toLowerCase() === ps.header.toLowerCase()) {
      issues.push({ path: 'gateway.auth.trustedProxy.proxySecret.header', message: 'must differ from userHeader' });
    }
  }
  if (mode === 'password' && input.password === undefined) {
    issues.push({ path: 'gateway.auth.password', message: 'password auth needs a password (set gateway.auth.password or CLAWGATE_GATEWAY_PASSWORD)' });
  }
  if (mode === 'none' && !input.bindIsLoopback) {
    issues.push({ path: 'gateway.auth.mode', message: `bind "${g.bind}" exposes the gateway beyond this host, so it needs auth: choose token, password or trusted-proxy` });
  }
  if (g.controlUi.basePath !== '/' && g.controlUi.basePath.endsWith('/')) {
    issues.push({ path: 'gateway.controlUi.basePath', message: 'must not end with "/" (e.g. "/openclaw")' });
  }
  if (mode !== 'trusted-proxy' && Object.keys(g.auth.groupScopes).length > 0) {
    issues.push({ path: 'gateway.auth.groupScopes', message: 'groups come from a trusted proxy: groupScopes needs auth.mode "trusted-proxy"' });
  }
  checkAllowedOrigins(g.controlUi.allowedOrigins, issues);
  // trusted-proxy mode already reported a loopback bind without any loopback proxy, as a whole
  checkTrustedProxies(proxies, input.bindIsLoopback, issues, mode === 'trusted-proxy' && proxies.length > 0 && !proxies.some(cidrCoversLoopback));
  const ids = new Set<string>();
  raw.agents.list.forEach((a, i) => {
    if (ids.has(a.id)) issues.push({ path: `agents.list[${i}].id`, message: `duplicate agent id "${a.id}"` });
    ids.add(a.id);
  });
  const checkTargets = (list: readonly string[] | undefined, path: string) => list?.forEach((t, j) => {
    if (t !== '*' && !raw.agents.list.some((b) => b.id === t)) issues.push({ path: `${path}[${j}]`, message: `no agent with id "${t}"` });
  });
  checkTargets(raw.agents.defaults.subagents.allowAgents, 'agents.defaults.subagents.allowAgents');
  raw.agents.list.forEach((a, i) => checkTargets(a.subagents.allowAgents, `agents.list[${i}].subagents.allowAgents`));
  // OpenClaw refuses `allow` and `alsoAllow` in one scope: merge them, or use profile + alsoAllow.
  const checkScope = (t: { allow?: unknown; alsoAllow?: unknown } | undefined, path: string) => {
    if (t?.allow !== undefined && t.alsoAllow !== undefined) issues.push({ path: `${path}.alsoAllow`, message: 'set either "allow" or "alsoAllow", not both (merge alsoAllow into allow, or use profile + alsoAllow)' });
  };
  checkScope(raw.tools, 'tools');
  raw.agents.list.forEach((a, i) => checkScope(a.tools, `agents.list[${i}].tools`));
  for (const [name, p] of Object.entries(raw.models.providers)) {
    if (p.apiKey !== undefined && p.apiKeyEnv !== undefined) issues.push({ path: `models.providers.${name}`, message: 'set at most one of "apiKey" or "apiKeyEnv"' });
  }
}

const ASSERTION = 'gateway.auth.trustedProxy.assertion';

/** trustedProxy.assertion: one key source, a JWKS URL only over https (or http on loopback), distinct header names. */
function checkAssertion(tp: NonNullable<RawConfig['gateway']['auth']['trustedProxy']>, issues: Issue[]): void {
  const a = tp.assertion!;
  if ((a.jwksUrl === undefined) === (a.jwksFile === undefined)) issues.push({ path: ASSERTION, message: 'set exactly one of "jwksUrl" or "jwksFile" (where the proxy\'s public signing keys are)' });
  if (a.jwksUrl !== undefined) {
    let url: URL | undefined;
    try { url = new URL(a.jwksUrl); } catch { /* reported below */ }
    const loopback = url !== undefined && /^(?:127\.\d+\.\d+\.\d+|\[::1\]|localhost)$/.test(url.hostname);
    if (!url || !(url.protocol === 'https:' || (url.protocol === 'http:' && loopback))) {
      issues.push({ path: `${ASSERTION}.jwksUrl`, message: 'must be an https:// URL (plain http only to this host, e.g. http://127.0.0.1:…): keys fetched over a network without TLS could be swapped; or use jwksFile' });
    } else if (url.username || url.password) {
      issues.push({ path: `${ASSERTION}.jwksUrl`, message: 'must not contain credentials' });
    }
  }
  if (a.algorithms !== undefined && a.algorithms.length === 0) issues.push({ path: `${ASSERTION}.algorithms`, message: 'must list at least one algorithm, or be left out for all asymmetric ones' });
  const others = [tp.userHeader, tp.proxySecret?.header].filter((h): h is string => h !== undefined).map((h) => h.toLowerCase());
  if (others.includes(a.header.toLowerCase())) issues.push({ path: `${ASSERTION}.header`, message: 'must differ from userHeader and proxySecret.header' });
}

// ── channels.slack ──
/** A Slack token after env resolution, with the key or variable it came from (named in messages). */
export interface ResolvedSecret { value: string | undefined; source: string }

const SLACK_TOKEN_KINDS = [
  { key: 'appToken', prefix: 'xapp-', what: 'an app-level token (Basic Information → App-Level Tokens, scope connections:write)' },
  { key: 'botToken', prefix: 'xoxb-', what: 'a bot token (OAuth & Permissions → Bot User OAuth Token)' },
] as const;

export function checkSlackChannel(raw: RawConfig, tokens: { appToken: ResolvedSecret; botToken: ResolvedSecret }, issues: Issue[]): void {
  const s = raw.channels.slack;
  if (!s) return;
  for (const { key } of SLACK_TOKEN_KINDS) {
    if (s[key] !== undefined && s[`${key}Env`] !== undefined) issues.push({ path: `channels.slack.${key}`, message: `set at most one of "${key}" or "${key}Env"` });
  }
  if (!s.enabled) return;
  for (const { key, prefix, what } of SLACK_TOKEN_KINDS) {
    const t = tokens[key];
    if (t.value === undefined) issues.push({ path: `channels.slack.${key}`, message: `is required when channels.slack.enabled is true: set ${what} here or in the environment variable ${t.source}` });
    else if (!t.value.startsWith(prefix)) issues.push({ path: t.source, message: `must be ${what}, which starts with "${prefix}"` });
  }
  if (s.agentId !== undefined && !raw.agents.list.some((a) => a.id === s.agentId)) issues.push({ path: 'channels.slack.agentId', message: `no agent with id "${s.agentId}"` });
  if (s.agentId === undefined && raw.agents.list.length === 0) issues.push({ path: 'channels.slack.agentId', message: 'no agents are configured to answer in Slack' });
}
// ── end channels.slack ──

const GROUP_NAME = /^[^\p{Cc}|,]{1,256}$/u;

/** groupsHeader and groupScopes: one source of groups, and grants that can match a group the gateway accepts. */
function checkGroups(groupScopes: Readonly<Record<string, readonly string[]>>, tp: RawConfig['gateway']['auth']['trustedProxy'], issues: Issue[]): void {
  const base = 'gateway.auth.trustedProxy';
  if (tp?.groupsHeader) {
    if (tp.assertion) issues.push({ path: `${base}.groupsHeader`, message: 'with an assertion, groups come from its signed claim: set assertion.groupsClaim instead' });
    const h = tp.groupsHeader.toLowerCase();
    for (const [k, other] of [['userHeader', tp.userHeader], ['proxySecret.header', tp.proxySecret?.header]] as const) {
      if (other && other.toLowerCase().replace(/[._]/g, '-') === h.replace(/[._]/g, '-')) issues.push({ path: `${base}.groupsHeader`, message: `must differ from ${k}` });
    }
  }
  const keys = Object.keys(groupScopes);
  if (keys.length > 0 && !tp?.groupsHeader && !tp?.assertion?.groupsClaim) {
    issues.push({ path: 'gateway.auth.groupScopes', message: 'no group can ever match: set trustedProxy.groupsHeader (e.g. "x-authentik-groups") or assertion.groupsClaim' });
  }
  for (const k of keys) {
    if (!GROUP_NAME.test(k.trim()) || k.trim() !== k) issues.push({ path: `gateway.auth.groupScopes.${k}`, message: 'a group name is 1–256 characters without "|", ",", control characters or surrounding spaces (it could never match)' });
  }
}

