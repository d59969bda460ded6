// The config audits behind `clawgate doctor` (docs/doctor.md). Pure: given a parsed config
// and the environment facts loading would use, returns findings as data. It works on configs
// that fail startup validation: schema and startup-rule problems become `config-invalid`
// findings, and the audits still run whenever the gateway section itself parsed.
import type { ConfigError } from '../config/errors.js';
import { authModeOf, bindHostOf, isLoopbackHost as isLoopbackBindHost } from '../config/derive.js';
import type { Env } from '../config/inspect.js';
import { checkStartupRules, parseTrustedProxies } from '../config/rules.js';
import { checkConfig, type AuthMode, type RawConfig } from '../config/schema.js';
import type { Issue } from '../protocol/schema.js';
import { cidrCoversLoopback, isLoopbackIp, type Cidr } from '../util/ip.js';

export const SEVERITIES = ['critical', 'warn', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Every finding id. Stable: tools match on them, and retired ids are never reused. */
export const FINDING_IDS = [
  'config-unreadable', 'config-invalid', 'config-ignored-key', 'audit-incomplete',
  'no-auth-exposed', 'auth-none-loopback', 'token-with-trusted-proxy', 'weak-token', 'weak-password',
  'trusted-proxies-too-wide', 'trusted-proxy-unreachable', 'trusted-proxy-local-only',
  'loopback-proxy-without-secret', 'proxy-secret-unavailable', 'allow-users-empty',
  'allowed-origins-missing', 'allowed-origins-wildcard', 'insecure-origin', 'metrics-public-exposed',
  'no-agents', 'state-dir-permissions',
] as const;
export type FindingId = (typeof FINDING_IDS)[number];

export interface Finding {
  readonly id: FindingId;
  readonly severity: Severity;
  /** One line: what is wrong. */
  readonly title: string;
  /** Why it matters, for this config. */
  readonly detail: string;
  /** What to change; always names `key`. */
  readonly fix: string;
  /** The config key (or environment variable) the fix changes. */
  readonly key: string;
}

export interface DoctorInput {
  readonly input: unknown;
  readonly env: Env;
  readonly inContainer: boolean;
}

interface Secret { readonly value: string; readonly key: string }

interface Facts {
  readonly g: RawConfig['gateway'];
  readonly mode: AuthMode;
  readonly bindHost: string;
  readonly bindIsLoopback: boolean;
  readonly token: Secret | undefined;
  readonly password: Secret | undefined;
  readonly proxies: readonly Cidr[];
  readonly env: Env;
}

type Audit = (f: Facts) => Finding | readonly Finding[] | undefined;

export const MIN_TOKEN_LENGTH = 16;
export const MIN_PASSWORD_LENGTH = 12;

/** Wider than a /8 (IPv4) or a /32 (IPv6): a range no single proxy needs. */
const tooWide = (c: Cidr): boolean => c.prefix < (c.family === 4 ? 8 : 32);
const onlyLoopback = (c: Cidr): boolean => isLoopbackIp(c.ip) && (c.family === 4 ? c.prefix >= 8 : c.prefix === 128);
const list = (cs: readonly Cidr[]): string => cs.map((c) => `"${c.text}"`).join(', ');
const bindText = (f: Facts): string => `bind "${f.g.bind}" (${f.bindHost})`;
const userHeaderOf = (f: Facts): string => f.g.auth.trustedProxy?.userHeader ?? 'the identity header';

function isLoopbackHost(origin: string): boolean {
  try {
    const host = new URL(origin).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || isLoopbackIp(host);
  } catch {
    return false;
  }
}

// ---- audits: each looks at one concern and returns its findings ----

const authNone: Audit = (f) => {
  if (f.mode !== 'none') return undefined;
  if (f.bindIsLoopback) {
    return { id: 'auth-none-loopback', severity: 'info', key: 'gateway.auth.mode', title: 'No authentication (loopback only)',
      detail: 'auth.mode is "none": every process and user on this host can connect as an operator. Fine on a single-user machine.',
      fix: 'Set gateway.auth.mode to "token" (a token is generated on first start) if other users or containers share this host.' };
  }
  return { id: 'no-auth-exposed', severity: 'critical', key: 'gateway.auth.mode', title: 'No authentication on a network-reachable bind (startup refuses this)',
    detail: `auth.mode is "none" and ${bindText(f)} accepts connections from other hosts: anyone who reaches the port would be an operator.`,
    fix: 'Set gateway.auth.mode to "token", "password" or "trusted-proxy", or set gateway.bind to "loopback".' };
};

const tokenWithTrustedProxy: Audit = (f) => {
  if (f.mode !== 'trusted-proxy' || !f.token) return undefined;
  const where = f.token.key.startsWith('gateway.') ? f.token.key : `the ${f.token.key} environment variable`;
  return { id: 'token-with-trusted-proxy', severity: 'critical', key: f.token.key, title: 'A shared token is combined with trusted-proxy auth (startup refuses this)',
    detail: 'A token would be a second way in that bypasses the proxy and its identity checks. Nothing needs it: local tools use the local listener\'s per-boot credential and agents call the gateway in-process.',
    fix: `Remove ${where}.` };
};

const weakSecrets: Audit = (f) => {
  if (f.mode === 'token' && f.token && f.token.value.length < MIN_TOKEN_LENGTH) {
    return { id: 'weak-token', severity: 'warn', key: f.token.key, title: 'The gateway token is short',
      detail: `The token (${f.token.key}) is ${f.token.value.length} characters; short tokens can be guessed, and the lockout is per client IP.`,
      fix: `Put at least ${MIN_TOKEN_LENGTH} random characters in ${f.token.key} (e.g. the output of "openssl rand -hex 32"), or remove it to have one generated.` };
  }
  if (f.mode === 'password' && f.password && f.password.value.length < MIN_PASSWORD_LENGTH) {
    return { id: 'weak-password', severity: 'warn', key: f.password.key, title: 'The gateway password is short',
      detail: `The password (${f.password.key}) is ${f.password.value.length} characters; short passwords fall to guessing, and the lockout is per client IP.`,
      fix: `Use at least ${MIN_PASSWORD_LENGTH} characters (a passphrase of several words) in ${f.password.key}.` };
  }
  return undefined;
};

const wideProxies: Audit = (f) => {
  const wide = f.proxies.filter(tooWide);
  if (wide.length === 0) return undefined;
  const tp = f.mode === 'trusted-proxy';
  return { id: 'trusted-proxies-too-wide', severity: tp ? 'critical' : 'warn', key: 'gateway.trustedProxies',
    title: tp ? 'trustedProxies covers a huge range: everyone in it is a proxy' : 'trustedProxies covers a huge range',
    detail: tp
      ? `${list(wide)} in gateway.trustedProxies makes every client in that range a trusted proxy, so any of them can set ${userHeaderOf(f)} and sign in as any user.`
      : `${list(wide)} in gateway.trustedProxies lets every client in that range pick the address it is logged and rate-limited as (X-Forwarded-For), sidestepping the failed-credential lockout.`,
    fix: 'Narrow gateway.trustedProxies to your proxy\'s own address or a small range (e.g. "10.0.3.7" or "10.0.3.0/29").' };
};

const proxyReach: Audit = (f) => {
  if (f.mode !== 'trusted-proxy' || f.proxies.length === 0) return undefined;
  if (f.bindIsLoopback && !f.proxies.some(cidrCoversLoopback)) {
    return { id: 'trusted-proxy-unreachable', severity: 'critical', key: 'gateway.trustedProxies', title: 'No trusted proxy can reach this loopback-bound gateway (startup refuses this)',
      detail: `${bindText(f)} only accepts connections from this host, but gateway.trustedProxies (${list(f.proxies)}) has no loopback address: every proxied request would be refused with trusted_proxy_untrusted_source.`,
      fix: 'Add "127.0.0.1" (or "::1") to gateway.trustedProxies if the proxy runs on this host, or set gateway.bind to "lan" for a proxy on another host.' };
  }
  if (!f.bindIsLoopback && f.proxies.every(onlyLoopback)) {
    return { id: 'trusted-proxy-local-only', severity: 'warn', key: 'gateway.trustedProxies', title: 'The gateway listens on the network but trusts only a proxy on this host',
      detail: `${bindText(f)} accepts remote connections, yet gateway.trustedProxies lists only loopback addresses (${list(f.proxies)}): a proxy on another host is refused with trusted_proxy_untrusted_source, and a proxy on this host does not need the network bind.`,
      fix: 'Add the remote proxy\'s address to gateway.trustedProxies, or set gateway.bind to "loopback" if the proxy runs on this host.' };
  }
  return undefined;
};

/**
 * Severity decision: warn on a loopback bind — the seed's shape, where a same-host proxy is the
 * only way in and the exposure is this host's own processes. Critical on any other bind: the
 * proxy normally arrives over the network, and "loopback" there often means every container
 * in the pod or network namespace, plus anything tunnelled in (ssh -L, port-forwards).
 */
const loopbackProxyWithoutSecret: Audit = (f) => {
  // A signed assertion proves the proxy (and the person) as well as a shared secret does.
  if (f.mode !== 'trusted-proxy' || f.g.auth.trustedProxy?.proxySecret || f.g.auth.trustedProxy?.assertion) return undefined;
  const loop = f.proxies.filter((c) => cidrCoversLoopback(c) && !tooWide(c));
  if (loop.length === 0) return undefined;
  const extra = f.bindIsLoopback ? '' : ` The gateway also listens on ${f.bindHost}, where "loopback" typically includes every container sharing its network namespace and anything tunnelled in.`;
  return { id: 'loopback-proxy-without-secret', severity: f.bindIsLoopback ? 'warn' : 'critical', key: 'gateway.auth.trustedProxy.proxySecret',
    title: 'A loopback address is a trusted proxy and neither a signed assertion nor a proxy secret is required',
    detail: `gateway.trustedProxies trusts ${list(loop)}, so any local process can connect from loopback, set ${userHeaderOf(f)} to an allowed user, and act as that person.${extra}`,
    fix: 'Verify the proxy\'s signed identity token with gateway.auth.trustedProxy.assertion (Pomerium, Cloudflare Access, authentik, Apache mod_auth_openidc: see docs/deploy/signed-assertions.md), or set gateway.auth.trustedProxy.proxySecret ({ header, env }) and have the proxy send that header; or remove the loopback entry from gateway.trustedProxies if the proxy is on another host.' };
};

const proxySecretUnavailable: Audit = (f) => {
  const ps = f.g.auth.trustedProxy?.proxySecret;
  if (f.mode !== 'trusted-proxy' || !ps?.env || ps.value !== undefined) return undefined;
  const value = f.env[ps.env];
  if (value && value.length >= 16) return undefined;
  return { id: 'proxy-secret-unavailable', severity: 'critical', key: 'gateway.auth.trustedProxy.proxySecret.env',
    title: value ? 'The proxy secret is shorter than 16 characters (startup refuses this)' : `The proxy secret variable ${ps.env} is not set (startup refuses this)`,
    detail: `gateway.auth.trustedProxy.proxySecret.env names ${ps.env}, which ${value ? `holds only ${value.length} characters` : 'is empty or unset'} in this environment.`,
    fix: `Export ${ps.env} with at least 16 random characters in the gateway's environment, or change gateway.auth.trustedProxy.proxySecret.env.` };
};

const allowUsersEmpty: Audit = (f) => {
  const tp = f.g.auth.trustedProxy;
  if (f.mode !== 'trusted-proxy' || !tp || tp.allowUsers.length > 0) return undefined;
  return { id: 'allow-users-empty', severity: 'warn', key: 'gateway.auth.trustedProxy.allowUsers', title: 'Every user the proxy vouches for is an operator',
    detail: 'gateway.auth.trustedProxy.allowUsers is empty, so anyone your identity provider lets through the proxy can operate this gateway and its agents.',
    fix: 'List who may operate the gateway in gateway.auth.trustedProxy.allowUsers (user names, emails, or "*@your-domain").' };
};

const origins: Audit = (f) => {
  const ui = f.g.controlUi;
  const out: Finding[] = [];
  if (!f.bindIsLoopback && ui.enabled && ui.allowedOrigins.length === 0) {
    out.push({ id: 'allowed-origins-missing', severity: 'warn', key: 'gateway.controlUi.allowedOrigins', title: 'Reachable from the network, but no Control UI origin is allowed',
      detail: `${bindText(f)} accepts remote connections and gateway.controlUi.allowedOrigins is empty: a browser opening the Control UI from another host is refused with origin_not_allowed.`,
      fix: 'Add the URL the UI is served from to gateway.controlUi.allowedOrigins, e.g. ["https://gateway.example.com"].' });
  }
  if (ui.allowedOrigins.includes('*')) {
    const none = f.mode === 'none';
    out.push({ id: 'allowed-origins-wildcard', severity: none ? 'critical' : 'warn', key: 'gateway.controlUi.allowedOrigins', title: 'Every web origin may open a WebSocket to the gateway',
      detail: none
        ? 'allowedOrigins contains "*" and auth.mode is "none": any web page a user of this host visits can connect and operate the gateway.'
        : 'allowedOrigins contains "*": any web page may connect from a user\'s browser; behind a proxy that adds identity from cookies, that is cross-site WebSocket hijacking.',
      fix: 'Replace "*" in gateway.controlUi.allowedOrigins with the exact origins that serve the UI, e.g. "https://gateway.example.com".' });
  }
  ui.allowedOrigins.forEach((o, i) => {
    if (!/^http:\/\//i.test(o) || isLoopbackHost(o)) return;
    out.push({ id: 'insecure-origin', severity: 'info', key: `gateway.controlUi.allowedOrigins[${i}]`, title: `Control UI origin "${o}" uses plain http`,
      detail: 'Pages from this origin travel unencrypted, so the credential typed into the UI and the session can be read or altered on the network.',
      fix: `Serve the UI over https and change gateway.controlUi.allowedOrigins[${i}] to "${o.replace(/^http:/i, 'https:')}".` });
  });
  return out;
};

const metricsPublic: Audit = (f) => {
  if (!f.g.metrics.enabled || !f.g.metrics.public || f.bindIsLoopback) return undefined;
  return { id: 'metrics-public-exposed', severity: 'warn', key: 'gateway.metrics.public', title: '/metrics is served without auth on a network-reachable bind',
    detail: `gateway.metrics.public is true and ${bindText(f)} accepts remote connections: anyone who reaches the port can read connection counts, auth failure reasons and tool usage.`,
    fix: 'Set gateway.metrics.public to false and scrape with "Authorization: Bearer <credential>", or firewall the port to the scraper.' };
};

/** Run in this order; findings are then sorted by severity, stably. */
const AUDITS: readonly Audit[] = [
  authNone, tokenWithTrustedProxy, weakSecrets, wideProxies, proxyReach, loopbackProxyWithoutSecret,
  proxySecretUnavailable, allowUsersEmpty, origins, metricsPublic,
];

/** Findings that restate a startup rule; the rule's generic `config-invalid` issue at the same key is dropped. */
const MIRRORS_STARTUP_RULE: ReadonlySet<FindingId> = new Set(['no-auth-exposed', 'token-with-trusted-proxy', 'trusted-proxy-unreachable']);

const invalid = (i: Issue): Finding => {
  const key = i.path || '(root)';
  return { id: 'config-invalid', severity: 'critical', key, title: `${key} is invalid (startup refuses this)`, detail: i.message, fix: `Change ${key}: ${i.message}.` };
};


const rank = (s: Severity): number => SEVERITIES.indexOf(s);
export const bySeverity = (fs: Finding[]): Finding[] => fs.map((f, i) => [f, i] as const).sort((a, b) => rank(a[0].severity) - rank(b[0].severity) || a[1] - b[1]).map(([f]) => f);

/** Audits a parsed config. Mirrors loadConfig's derivation (auth mode, secrets from env, bind host). */
export function diagnose(d: DoctorInput): Finding[] {
  const ignored: string[] = [];
  const { raw, issues: schemaIssues } = checkConfig(d.input, (p) => ignored.push(p));
  const findings: Finding[] = schemaIssues.map(invalid);
  for (const p of ignored) {
    findings.push({ id: 'config-ignored-key', severity: 'info', key: p, title: `${p} has no effect in clawgate`,
      detail: 'It is an OpenClaw setting clawgate accepts so the file still loads, and then ignores.', fix: `Remove ${p} to keep the config honest.` });
  }
  if (schemaIssues.some((i) => i.path === '' || i.path === 'gateway' || i.path.startsWith('gateway.'))) {
    findings.push({ id: 'audit-incomplete', severity: 'info', key: 'gateway', title: 'The security audits did not run',
      detail: 'The gateway section has invalid values, so what the gateway would do cannot be worked out yet.',
      fix: 'Fix the config-invalid findings under gateway and run clawgate doctor again.' });
    return bySeverity(findings);
  }

  const g = raw.gateway;
  const secret = (value: string | undefined, configKey: string, envName: string, fromConfig: boolean): Secret | undefined =>
    value === undefined ? undefined : { value, key: fromConfig ? configKey : envName };
  const token = secret(g.auth.token ?? (d.env.CLAWGATE_GATEWAY_TOKEN || undefined), 'gateway.auth.token', 'CLAWGATE_GATEWAY_TOKEN', g.auth.token !== undefined);
  const password = secret(g.auth.password ?? (d.env.CLAWGATE_GATEWAY_PASSWORD || undefined), 'gateway.auth.password', 'CLAWGATE_GATEWAY_PASSWORD', g.auth.password !== undefined);
  const mode: AuthMode = authModeOf(g.auth.mode, token?.value, password?.value);
  const bindHost = bindHostOf(g, d.inContainer);
  const bindIsLoopback = isLoopbackBindHost(bindHost);
  const ruleIssues: Issue[] = [];
  const proxies = parseTrustedProxies(g.trustedProxies, ruleIssues);
  checkStartupRules({ raw, mode, bindIsLoopback, token: mode === 'trusted-proxy' ? token?.value : undefined, password: password?.value, tokenFromEnv: g.auth.token === undefined }, proxies, ruleIssues);

  const facts: Facts = { g, mode, bindHost, bindIsLoopback, token, password, proxies, env: d.env };
  const audited = AUDITS.flatMap((audit) => { const r = audit(facts); return r === undefined ? [] : Array.isArray(r) ? r : [r as Finding]; });
  const mirrored = new Set(audited.filter((f) => MIRRORS_STARTUP_RULE.has(f.id)).map((f) => f.key));
  findings.push(...ruleIssues.filter((i) => !mirrored.has(i.path)).map(invalid), ...audited);
  return bySeverity(findings);
}

/** Findings for a config that could not be read or parsed at all. */
export function diagnoseReadFailure(err: ConfigError): Finding[] {
  return err.issues.map((i) => ({
    id: 'config-unreadable' as const, severity: 'critical' as const, key: '--config',
    title: `The config file cannot be used: ${i.message}`, detail: `Source: ${err.source}.`,
    fix: /JSON5/.test(i.message) ? `Fix the syntax in ${err.source}, the file --config points at (JSON5: comments and trailing commas are fine).` : 'Point --config (or CLAWGATE_CONFIG) at a readable JSON5 config file.',
  }));
}

/** The doctor's exit code: 2 if any finding is critical, 1 if any is a warning, else 0 (info only or none). */
export function exitCodeFor(findings: readonly Finding[]): 0 | 1 | 2 {
  if (findings.some((f) => f.severity === 'critical')) return 2;
  if (findings.some((f) => f.severity === 'warn')) return 1;
  return 0;
}
