// Loads configuration: read the file (inspect.ts), overlay flags and env secrets, validate
// everything (collecting every problem), apply startup rules, then freeze. This directory is
// the only place that reads process.env or config/state files.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Issue } from '../protocol/schema.js';
import { deepFreeze, type DeepReadonly } from '../util/freeze.js';
import type { Cidr } from '../util/ip.js';
import { EMBEDDED_DEFAULTS } from './defaults.js';
import { inspectConfig, resolveStateDir } from './inspect.js';
import { authModeOf, bindHostOf, isLoopbackHost } from './derive.js';
import { ConfigError } from './errors.js';
import { readJwksFile } from './jwks-file.js';
import { checkSlackChannel, checkStartupRules, parseTrustedProxies, type ResolvedSecret } from './rules.js';
import type { JSONWebKeySet } from 'jose';
import { ASSERTION_ALGORITHMS, checkConfig, type AgentsSection, type AuthMode, type ModelsSection, type RawConfig, type ToolsSection } from './schema.js';
import { ensureGatewayToken, readStateToken } from './state-files.js';

export interface LoadOptions {
  /** --config; beats CLAWGATE_CONFIG. */
  configPath?: string;
  port?: number;
  bind?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** Create the token file when token mode has no token (gateway run does; validate does not). */
  generateToken?: boolean;
}

export type RateLimitConfig = { maxAttempts: number; windowMs: number; lockoutMs: number; exemptLoopback: boolean; globalMaxAttempts?: number };

/** `trustedProxy.assertion` resolved: header lower-cased, audience a list, keys a URL or the file's parsed key set. */
export interface AssertionSettings {
  header: string;
  keys: { url: string } | { jwks: JSONWebKeySet; file?: string };
  issuer: string;
  audience: string[];
  userClaim: string;
  groupsClaim?: string;
  algorithms: (typeof ASSERTION_ALGORITHMS)[number][];
  clockToleranceSec: number;
}

export type AuthConfig =
  | { mode: 'none' }
  | { mode: 'token'; token: string; tokenSource: 'config' | 'env' | 'generated'; rateLimit: RateLimitConfig }
  | { mode: 'password'; password: string; rateLimit: RateLimitConfig }
  | {
      mode: 'trusted-proxy';
      /** Lower-cased header names. userHeader is optional only with an assertion. */
      userHeader?: string;
      /** Lower-cased name of the header listing the person's groups. */
      groupsHeader?: string;
      requiredHeaders: string[];
      allowUsers: string[];
      proxySecret?: { header: string; value: string };
      /** A signed identity assertion the proxy sends; the identity is its verified claim. */
      assertion?: AssertionSettings;
      /** Lower-cased user → scope ceiling; "*" for everyone not listed. */
      identityScopes?: Record<string, string[]>;
      /** Group → scopes granted to its members (unioned with identityScopes). */
      groupScopes?: Record<string, string[]>;
    };

/** `channels.slack` after env resolution; only an enabled channel carries tokens. */
export type SlackConfig =
  | { enabled: false }
  | {
      enabled: true;
      appToken: string;
      botToken: string;
      /** The agent that answers; the default agent when not configured. */
      agentId: string;
      allowUsers: string[];
      allowChannels: string[];
      replyInThread: boolean;
      apiUrl?: string;
    };

export interface GatewayConfig {
  configPath: string | null;
  stateDir: string;
  gateway: {
    port: number;
    bind: 'loopback' | 'lan' | 'auto' | 'custom';
    bindHost: string;
    bindIsLoopback: boolean;
    /** `root`: absolute path of a checked OpenClaw Control UI folder (has index.html). */
    controlUi: { enabled: boolean; basePath: string; allowedOrigins: string[]; root?: string };
    auth: AuthConfig;
    trustedProxies: Cidr[];
    limits: RawConfig['gateway']['limits'];
    /** GET /metrics (docs/metrics.md). */
    metrics: RawConfig['gateway']['metrics'];
  };
  agents: AgentsSection;
  /** OpenClaw's tool policy (docs/agents.md#tool-policy). */
  tools: ToolsSection;
  models: { providers: Record<string, ModelsSection['providers'][string] & { apiKeyValue?: string }> };
  channels: { slack?: SlackConfig };
  logging: RawConfig['logging'];
  /** Keys that loaded but have no effect, and similar notices. */
  warnings: string[];
  /** Set when a token was generated on this load (printed once by the caller). */
  generatedToken?: { path: string };
}

export type FrozenConfig = DeepReadonly<GatewayConfig>;

export { parseConfigText, resolveStateDir } from './inspect.js';

export function loadConfig(opts: LoadOptions = {}): FrozenConfig {
  const env = opts.env ?? process.env;
  const stateDir = resolveStateDir(env);
  const read = inspectConfig({ configPath: opts.configPath, env });
  const { input, source, inContainer } = read;
  const configPath = read.path;

  // A file without an `agents` section gets the embedded manager/worker pair, so an
  // OpenClaw gateway section on its own is a working gateway.
  if (configPath !== null && typeof input === 'object' && input !== null && !Array.isArray(input) && !('agents' in input)) {
    (input as Record<string, unknown>).agents = structuredClone(EMBEDDED_DEFAULTS.agents);
  }

  // Flags override the file before validation so their values are checked the same way.
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    const o = input as Record<string, Record<string, unknown> | undefined>;
    if (opts.port !== undefined || opts.bind !== undefined) {
      const g = { ...(o.gateway ?? {}) };
      if (opts.port !== undefined) g.port = opts.port;
      if (opts.bind !== undefined) g.bind = opts.bind;
      o.gateway = g;
    }
  }

  const warnings: string[] = [];
  const checked = checkConfig(input, (p) => warnings.push(`${p} is an OpenClaw setting clawgate does not use; it is ignored`));
  const { raw } = checked;
  const issues: Issue[] = checked.issues;
  // Keep going after schema problems so every problem is reported at once; rule findings
  // about a key the schema already rejected are dropped (they would judge a fallback value).
  const schemaIssueCount = issues.length;

  const g = raw.gateway;
  const envToken = env.CLAWGATE_GATEWAY_TOKEN || undefined;
  const envPassword = env.CLAWGATE_GATEWAY_PASSWORD || undefined;
  const token = g.auth.token ?? envToken;
  const password = g.auth.password ?? envPassword;
  const mode: AuthMode = authModeOf(g.auth.mode, token, password);
  const bindHost = bindHostOf(g, inContainer);
  const bindIsLoopback = isLoopbackHost(bindHost);
  const trustedProxies = parseTrustedProxies(g.trustedProxies, issues);
  try {
    checkStartupRules({ raw, mode, bindIsLoopback, token: mode === 'trusted-proxy' ? token : undefined, password, tokenFromEnv: g.auth.token === undefined }, trustedProxies, issues);
  } catch (err) {
    // Rules may trip over values the schema already rejected; those issues are reported instead.
    if (schemaIssueCount === 0) throw err;
  }

  let auth: AuthConfig;
  let generatedToken: GatewayConfig['generatedToken'];
  const tp = g.auth.trustedProxy;
  let proxySecret: { header: string; value: string } | undefined;
  if (mode === 'trusted-proxy' && tp?.proxySecret) {
    const ps = tp.proxySecret;
    const value = ps.value ?? (ps.env ? env[ps.env] : undefined);
    if (ps.env && !value) issues.push({ path: 'gateway.auth.trustedProxy.proxySecret.env', message: `environment variable ${ps.env} is not set` });
    else if (value !== undefined && value.length < 16) issues.push({ path: 'gateway.auth.trustedProxy.proxySecret', message: 'the secret must be at least 16 characters' });
    if (value) proxySecret = { header: ps.header.toLowerCase(), value };
  }
  const assertion = mode === 'trusted-proxy' && tp?.assertion ? resolveAssertion(tp.assertion, configPath, issues) : undefined;
  const models: GatewayConfig['models'] = { providers: {} };
  for (const [name, p] of Object.entries(raw.models.providers)) {
    const apiKeyValue = p.apiKey ?? (p.apiKeyEnv ? env[p.apiKeyEnv] : undefined);
    models.providers[name] = apiKeyValue === undefined ? { ...p } : { ...p, apiKeyValue };
  }
  const slack = resolveSlack(raw, env, issues);
  const uiRoot = g.controlUi.root === undefined ? undefined : resolveControlUiRoot(g.controlUi.root, configPath, env, issues);
  if (issues.length > 0) {
    const bad = issues.slice(0, schemaIssueCount).map((i) => i.path);
    const overlaps = (p: string) => bad.some((b) => b === p || b.startsWith(`${p}.`) || p.startsWith(`${b}.`) || p.startsWith(`${b}[`));
    throw new ConfigError(source, [...issues.slice(0, schemaIssueCount), ...issues.slice(schemaIssueCount).filter((i) => !overlaps(i.path))]);
  }

  switch (mode) {
    case 'none': auth = { mode }; break;
    case 'password': auth = { mode, password: password!, rateLimit: g.auth.rateLimit }; break;
    case 'trusted-proxy':
      if (password !== undefined) warnings.push('gateway.auth.password is ignored in trusted-proxy mode; local tools use the local credential');
      auth = {
        mode,
        ...(tp!.userHeader ? { userHeader: tp!.userHeader.toLowerCase() } : {}),
        ...(tp!.groupsHeader ? { groupsHeader: tp!.groupsHeader.toLowerCase() } : {}),
        requiredHeaders: tp!.requiredHeaders.map((h) => h.toLowerCase()),
        allowUsers: [...tp!.allowUsers],
        ...(proxySecret ? { proxySecret } : {}),
        ...(assertion ? { assertion } : {}),
        identityScopes: Object.fromEntries(Object.entries(g.auth.identityScopes).map(([k, v]) => [k.toLowerCase(), [...v]])),
        ...(Object.keys(g.auth.groupScopes).length > 0 ? { groupScopes: Object.fromEntries(Object.entries(g.auth.groupScopes).map(([k, v]) => [k, [...v]])) } : {}),
      };
      break;
    case 'token': {
      if (token !== undefined) {
        auth = { mode, token, tokenSource: g.auth.token !== undefined ? 'config' : 'env', rateLimit: g.auth.rateLimit };
      } else {
        const stored = opts.generateToken ? ensureGatewayToken(stateDir) : { token: readStateToken(stateDir), path: join(stateDir, 'gateway-token'), created: false };
        if (stored.created) generatedToken = { path: stored.path };
        auth = { mode, token: stored.token ?? '', tokenSource: 'generated', rateLimit: g.auth.rateLimit };
      }
      break;
    }
  }

  const cfg: GatewayConfig = {
    configPath,
    stateDir,
    gateway: {
      port: g.port, bind: g.bind, bindHost, bindIsLoopback,
      controlUi: { enabled: g.controlUi.enabled, basePath: g.controlUi.basePath, allowedOrigins: [...g.controlUi.allowedOrigins], ...(uiRoot ? { root: uiRoot } : {}) },
      auth, trustedProxies, limits: g.limits,
      metrics: g.metrics,
    },
    agents: raw.agents,
    tools: raw.tools,
    models,
    channels: slack ? { slack } : {},
    logging: raw.logging,
    warnings,
    ...(generatedToken ? { generatedToken } : {}),
  };
  return deepFreeze(cfg);
}

type RawAssertion = NonNullable<NonNullable<RawConfig['gateway']['auth']['trustedProxy']>['assertion']>;

function resolveAssertion(a: RawAssertion, configPath: string | null, issues: Issue[]): AssertionSettings | undefined {
  let keys: AssertionSettings['keys'] | undefined;
  if (a.jwksUrl !== undefined) keys = { url: a.jwksUrl };
  else if (a.jwksFile !== undefined) {
    const jwks = readJwksFile(a.jwksFile, configPath, 'gateway.auth.trustedProxy.assertion.jwksFile', issues);
    if (jwks) keys = { jwks, file: a.jwksFile };
  }
  if (!keys) return undefined;
  return {
    header: a.header.toLowerCase(), keys, issuer: a.issuer,
    audience: typeof a.audience === 'string' ? [a.audience] : [...a.audience],
    userClaim: a.userClaim,
    ...(a.groupsClaim !== undefined ? { groupsClaim: a.groupsClaim } : {}),
    algorithms: a.algorithms && a.algorithms.length > 0 ? [...new Set(a.algorithms)] : [...ASSERTION_ALGORITHMS],
    clockToleranceSec: a.clockToleranceSec,
  };
}

// ── channels.slack ──
function resolveSlack(raw: RawConfig, env: NonNullable<LoadOptions['env']>, issues: Issue[]): SlackConfig | undefined {
  const s = raw.channels.slack;
  if (!s) return undefined;
  const secret = (key: 'appToken' | 'botToken', envName: string): ResolvedSecret =>
    s[key] !== undefined ? { value: s[key], source: `channels.slack.${key}` } : { value: env[envName] || undefined, source: envName };
  const appToken = secret('appToken', s.appTokenEnv ?? 'CLAWGATE_SLACK_APP_TOKEN');
  const botToken = secret('botToken', s.botTokenEnv ?? 'CLAWGATE_SLACK_BOT_TOKEN');
  checkSlackChannel(raw, { appToken, botToken }, issues);
  if (!s.enabled || appToken.value === undefined || botToken.value === undefined) return { enabled: false };
  const agentId = s.agentId ?? (raw.agents.list.find((a) => a.default) ?? raw.agents.list[0])?.id ?? '';
  return {
    enabled: true, appToken: appToken.value, botToken: botToken.value, agentId,
    allowUsers: [...s.allowUsers], allowChannels: [...s.allowChannels], replyInThread: s.replyInThread,
    ...(s.apiUrl ? { apiUrl: s.apiUrl } : {}),
  };
}
// ── end channels.slack ──

/** Every configured secret value, for log redaction and leak checks. */
export function configuredSecrets(cfg: FrozenConfig): string[] {
  const out: string[] = [];
  const a = cfg.gateway.auth;
  if (a.mode === 'token' && a.token) out.push(a.token);
  if (a.mode === 'password') out.push(a.password);
  if (a.mode === 'trusted-proxy' && a.proxySecret) out.push(a.proxySecret.value);
  for (const p of Object.values(cfg.models.providers)) if (p.apiKeyValue) out.push(p.apiKeyValue);
  const slack = cfg.channels.slack;
  if (slack?.enabled) out.push(slack.appToken, slack.botToken);
  return out;
}

/**
 * `gateway.controlUi.root`: "~/" is the home folder, a relative path is relative to the config
 * file's folder (else the working directory). It must be a folder holding index.html.
 */
function resolveControlUiRoot(root: string, configPath: string | null, env: Readonly<Record<string, string | undefined>>, issues: Issue[]): string | undefined {
  const home = env.HOME ?? homedir();
  const expanded = root === '~' ? home : root.startsWith('~/') ? join(home, root.slice(2)) : root;
  const abs = isAbsolute(expanded) ? resolve(expanded) : resolve(configPath ? dirname(configPath) : process.cwd(), expanded);
  const hint = 'point it at a built OpenClaw Control UI, e.g. <openclaw package>/dist/control-ui';
  let dir: string;
  try { dir = realpathSync(abs); } catch { issues.push({ path: 'gateway.controlUi.root', message: `"${abs}" does not exist; ${hint}` }); return undefined; }
  if (!statSync(dir).isDirectory()) { issues.push({ path: 'gateway.controlUi.root', message: `"${abs}" is not a folder; ${hint}` }); return undefined; }
  const index = join(dir, 'index.html');
  if (!existsSync(index) || !statSync(index).isFile()) { issues.push({ path: 'gateway.controlUi.root', message: `"${abs}" has no index.html; ${hint}` }); return undefined; }
  return dir;
}
