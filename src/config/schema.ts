// The configuration schema: OpenClaw's `gateway` keys plus clawgate's own sections.
// Unknown keys are errors; a few OpenClaw keys clawgate does not implement are accepted
// with a warning so an OpenClaw config still loads.
import { arr, bool, compile, LIMITS, literal, num, obj, oneOf, optional, record, str, validate, withDefault, type Infer, type Issue } from '../protocol/schema.js';
import { ValueErrorType } from '@sinclair/typebox/errors';
import { SCOPES } from '../protocol/scopes.js';

/** The longest `message` (or `task`) a run accepts, in UTF-16 code units; `gateway.limits.maxMessageChars` may lower it. */
export const MAX_MESSAGE_CHARS = 1_000_000;

export const AUTH_MODES = ['none', 'token', 'password', 'trusted-proxy'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];
/** JWS algorithms a signed identity assertion may use: asymmetric only (a key set never holds a shared secret; no HS*, no "none"). */
export const ASSERTION_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;
export const BIND_MODES = ['loopback', 'lan', 'auto', 'custom'] as const;

/** OpenClaw gateway keys that load but have no effect in clawgate. */
const IGNORED_GATEWAY_KEYS = ['remote', 'tailscale', 'reload', 'http', 'nodes', 'tls', 'channelHealthCheckMinutes', 'push'];
/** OpenClaw top-level sections that load but have no effect in clawgate. */
export const IGNORED_TOP_LEVEL_KEYS = [
  '$schema', 'meta', 'wizard', 'update', 'browser', 'ui', 'skills', 'plugins', 'hooks', 'messages', 'commands',
  'session', 'cron', 'env', 'diagnostics', 'auth', 'bindings', 'broadcast', 'audio', 'talk',
  'approvals', 'discovery', 'canvasHost', 'web', 'nodeHost', 'memory',
];

const headerName = str({ min: 1, max: 128, pattern: /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, patternHint: 'must be a valid HTTP header name' });
const positiveInt = (max = 2 ** 31) => num({ int: true, min: 1, max });
/** Outbound buffers and authenticated connection caps (docs/configuration.md#gateway). */
const LIMIT_DEFAULTS = {
  maxBufferedBytes: 4 * 1024 * 1024,
  maxTotalBufferedBytes: 64 * 1024 * 1024,
  maxConnectionsPerIp: 256,
  maxConnectionsPerPrincipal: 256,
};

export const gatewaySchema = (onIgnored: (path: string) => void) => obj({
  port: withDefault(num({ int: true, min: 0, max: 65535 }), () => 18789),
  mode: withDefault(literal('local'), () => 'local' as const),
  bind: withDefault(literal(...BIND_MODES), () => 'loopback' as const),
  customBindHost: optional(str({ min: 1 })),
  controlUi: withDefault(obj({
    enabled: withDefault(bool(), () => true),
    basePath: withDefault(str({ pattern: /^\/[A-Za-z0-9._~\-/]*$/, patternHint: 'must be an absolute URL path like "/" or "/openclaw"' }), () => '/'),
    allowedOrigins: withDefault(arr(str({ min: 1 })), () => []),
    /** A built OpenClaw Control UI folder to serve instead of clawgate's own UI. */
    root: optional(str({ min: 1, max: 4096 })),
  }, { ignoredKeys: ['allowInsecureAuth', 'dangerouslyAllowHostHeaderOriginFallback', 'dangerouslyDisableDeviceAuth'], onIgnored }), () => ({ enabled: true, basePath: '/', allowedOrigins: [] })),
  auth: withDefault(obj({
    mode: optional(literal(...AUTH_MODES)),
    token: optional(str({ min: 1 })),
    password: optional(str({ min: 1 })),
    trustedProxy: optional(obj({
      /** Required unless `assertion` is set (rules.ts). */
      userHeader: optional(str({ min: 1 })),
      /** Header with the person's groups (e.g. authentik's "x-authentik-groups"), "|"- or ","-separated; docs/auth.md#teams. */
      groupsHeader: optional(headerName),
      requiredHeaders: withDefault(arr(headerName), () => []),
      allowUsers: withDefault(arr(str({ min: 1, max: 320 })), () => []),
      proxySecret: optional(obj({
        header: headerName,
        value: optional(str({ min: 16 })),
        env: optional(str({ min: 1, pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, patternHint: 'must be an environment variable name' })),
      })),
      /** A signed identity assertion (JWT) from the proxy; docs/auth.md#signed-identity-assertions. */
      assertion: optional(obj({
        header: headerName,
        jwksUrl: optional(str({ min: 1, max: 2048 })),
        jwksFile: optional(str({ min: 1, max: 4096 })),
        issuer: str({ min: 1, max: 2048 }),
        audience: oneOf(str({ min: 1, max: 2048 }), arr(str({ min: 1, max: 2048 }), { max: 64 })),
        userClaim: withDefault(str({ min: 1, max: 256 }), () => 'email'),
        groupsClaim: optional(str({ min: 1, max: 256 })),
        algorithms: optional(arr(literal(...ASSERTION_ALGORITHMS), { max: ASSERTION_ALGORITHMS.length })),
        clockToleranceSec: withDefault(num({ int: true, min: 0, max: 600 }), () => 30),
      })),
    }, { ignoredKeys: ['allowLoopback', 'deviceAutoApprove'], onIgnored })),
    rateLimit: withDefault(obj({
      maxAttempts: withDefault(positiveInt(), () => 10),
      windowMs: withDefault(positiveInt(), () => 60_000),
      lockoutMs: withDefault(num({ int: true, min: 0 }), () => 300_000),
      exemptLoopback: withDefault(bool(), () => false),
      /** Failures per windowMs across all clients before unknown clients are rationed (docs/auth.md "Rate limiting"). */
      globalMaxAttempts: withDefault(positiveInt(), () => 30),
    }), () => ({ maxAttempts: 10, windowMs: 60_000, lockoutMs: 300_000, exemptLoopback: false, globalMaxAttempts: 30 })),
    /** Scope ceilings for proxy-authenticated users (keys: user or email, case-insensitive; "*" = everyone else). */
    identityScopes: withDefault(record(arr(literal(...SCOPES))), () => ({})),
    /** Scopes granted to members of a proxy group (trustedProxy.groupsHeader or assertion.groupsClaim); unioned with identityScopes. */
    groupScopes: withDefault(record(arr(literal(...SCOPES))), () => ({})),
  }, { ignoredKeys: ['allowTailscale'], onIgnored }), () => ({ rateLimit: { maxAttempts: 10, windowMs: 60_000, lockoutMs: 300_000, exemptLoopback: false, globalMaxAttempts: 30 }, identityScopes: {}, groupScopes: {} })),
  trustedProxies: withDefault(arr(str({ min: 1 })), () => []),
  /** clawgate extension: transport limits. */
  limits: withDefault(obj({
    maxPreAuthPayload: withDefault(positiveInt(), () => 64 * 1024),
    maxPayload: withDefault(positiveInt(), () => 25 * 1024 * 1024),
    maxBufferedBytes: withDefault(positiveInt(), () => LIMIT_DEFAULTS.maxBufferedBytes),
    maxTotalBufferedBytes: withDefault(positiveInt(2 ** 40), () => LIMIT_DEFAULTS.maxTotalBufferedBytes),
    handshakeTimeoutMs: withDefault(positiveInt(), () => 10_000),
    tickIntervalMs: withDefault(positiveInt(), () => 30_000),
    maxPreAuthConnectionsPerIp: withDefault(positiveInt(), () => 64),
    /** IPv6 clients are counted by this prefix for pre-auth caps and failure limits. */
    ipv6Prefix: withDefault(num({ int: true, min: 16, max: 128 }), () => 64),
    defaultPageBytes: withDefault(num({ int: true, min: 1024 }), () => 4 * 1024 * 1024),
    maxMessageChars: withDefault(num({ int: true, min: 1, max: MAX_MESSAGE_CHARS }), () => MAX_MESSAGE_CHARS),
    maxConnectionsPerIp: withDefault(positiveInt(), () => LIMIT_DEFAULTS.maxConnectionsPerIp),
    maxConnectionsPerPrincipal: withDefault(positiveInt(), () => LIMIT_DEFAULTS.maxConnectionsPerPrincipal),
  }), () => ({
    maxPreAuthPayload: 64 * 1024, maxPayload: 25 * 1024 * 1024, handshakeTimeoutMs: 10_000, tickIntervalMs: 30_000, maxPreAuthConnectionsPerIp: 64, ipv6Prefix: 64,
    defaultPageBytes: 4 * 1024 * 1024, maxMessageChars: MAX_MESSAGE_CHARS, ...LIMIT_DEFAULTS,
  })),
  /** clawgate extension: GET /metrics (docs/metrics.md); behind the gateway's auth unless public. */
  metrics: withDefault(obj({
    enabled: withDefault(bool(), () => true),
    public: withDefault(bool(), () => false),
  }), () => ({ enabled: true, public: false })),
}, { ignoredKeys: IGNORED_GATEWAY_KEYS, onIgnored });

const agentId = str({ min: 1, max: 64, pattern: /^[a-z0-9][a-z0-9_-]*$/, patternHint: 'must be lowercase letters, digits, "-" or "_"' });

export const subagentLimitsSchema = obj({
  /** OpenClaw's default `allowAgents` for agents that set none (default: only themselves). */
  allowAgents: optional(arr(str({ min: 1 }))),
  maxDepth: withDefault(num({ int: true, min: 0, max: 16 }), () => 2),
  maxChildrenPerRun: withDefault(num({ int: true, min: 0, max: 100 }), () => 5),
  maxConcurrent: withDefault(num({ int: true, min: 1, max: 1000 }), () => 8),
});

/** OpenClaw's tool profiles (`tools.profile`). */
export const TOOL_PROFILES = ['minimal', 'coding', 'messaging', 'full'] as const;

// ── tool policy (OpenClaw's `tools` and `agents.list[].tools`; semantics in agents/tool-policy.ts) ──
const toolEntries = arr(str({ min: 1, max: 200 }));
/** OpenClaw tool-policy keys that load but have no effect (clawgate has none of those tools). */
const IGNORED_TOOL_POLICY_KEYS = ['byProvider', 'toolsBySender', 'elevated', 'sandbox', 'codeMode', 'exec', 'web', 'media', 'loopDetection', 'updatePlan', 'github', 'sessions_spawn'];
export const toolPolicySchema = (onIgnored: (path: string) => void) => obj({
  profile: optional(literal(...TOOL_PROFILES)),
  allow: optional(toolEntries),
  alsoAllow: optional(toolEntries),
  deny: optional(toolEntries),
}, { ignoredKeys: IGNORED_TOOL_POLICY_KEYS, onIgnored });

export const toolsSchema = (onIgnored: (path: string) => void) => obj({
  profile: optional(literal(...TOOL_PROFILES)),
  allow: optional(toolEntries),
  alsoAllow: optional(toolEntries),
  deny: optional(toolEntries),
  agentToAgent: optional(obj({ enabled: optional(bool()), allow: optional(arr(str({ max: 64 }))) })),
  subagents: optional(obj({ tools: optional(obj({ allow: optional(toolEntries), deny: optional(toolEntries) })) }, { ignoredKeys: ['model'], onIgnored })),
}, { ignoredKeys: [...IGNORED_TOOL_POLICY_KEYS, 'sessions'], onIgnored });

export const agentsSchema = (onIgnored: (path: string) => void) => obj({
  defaults: withDefault(obj({
    model: withDefault(str({ min: 1 }), () => 'scripted'),
    timeoutMs: withDefault(positiveInt(), () => 600_000),
    subagents: withDefault(subagentLimitsSchema, () => ({ maxDepth: 2, maxChildrenPerRun: 5, maxConcurrent: 8 })),
  }), () => ({ model: 'scripted', timeoutMs: 600_000, subagents: { maxDepth: 2, maxChildrenPerRun: 5, maxConcurrent: 8 } })),
  list: withDefault(arr(obj({
    id: agentId,
    name: optional(str({ min: 1, max: 200 })),
    default: optional(bool()),
    model: optional(str({ min: 1 })),
    systemPrompt: optional(str({ max: 100_000 })),
    tools: optional(toolPolicySchema(onIgnored)),
    subagents: withDefault(obj({ allowAgents: optional(arr(str({ min: 1 }))) }), () => ({})),
  })), () => []),
});

export const modelsSchema = obj({
  providers: withDefault(record(obj({
    api: withDefault(literal('openai-completions'), () => 'openai-completions' as const),
    baseUrl: str({ min: 1, pattern: /^https?:\/\//, patternHint: 'must be an http(s) URL' }),
    apiKeyEnv: optional(str({ pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, patternHint: 'must be an environment variable name' })),
    apiKey: optional(str({ min: 1 })),
    timeoutMs: withDefault(positiveInt(), () => 120_000),
  })), () => ({})),
});

// ── channels (Slack socket mode) ──
const envVarName = str({ min: 1, pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, patternHint: 'must be an environment variable name' });
const slackId = str({ min: 1, max: 64, pattern: /^[A-Z0-9]+$/, patternHint: 'must be a Slack id such as "U0123ABCD" or "C0123ABCD" (upper-case letters and digits)' });

/** `channels.slack`: tokens come from the config or from env (names below); agentId defaults to the default agent. */
export const slackChannelSchema = obj({
  enabled: withDefault(bool(), () => false),
  appToken: optional(str({ min: 1 })),
  appTokenEnv: optional(envVarName),
  botToken: optional(str({ min: 1 })),
  botTokenEnv: optional(envVarName),
  agentId: optional(agentId),
  allowUsers: withDefault(arr(slackId), () => []),
  allowChannels: withDefault(arr(slackId), () => []),
  replyInThread: withDefault(bool(), () => true),
  apiUrl: optional(str({ min: 1, pattern: /^https?:\/\//, patternHint: 'must be an http(s) URL such as "https://slack.com/api/"' })),
});

export const channelsSchema = obj({ slack: optional(slackChannelSchema) });
// ── end channels ──

export const loggingSchema = obj({
  level: withDefault(literal('debug', 'info', 'warn', 'error'), () => 'info' as const),
  format: withDefault(literal('auto', 'json', 'pretty'), () => 'auto' as const),
});

export const configSchema = (onIgnored: (path: string) => void) => obj({
  gateway: withDefault(gatewaySchema(onIgnored), () => ({}) as never),
  agents: withDefault(agentsSchema(onIgnored), () => ({}) as never),
  tools: withDefault(toolsSchema(onIgnored), () => ({})),
  models: withDefault(modelsSchema, () => ({ providers: {} })),
  channels: withDefault(channelsSchema, () => ({})),
  logging: withDefault(loggingSchema, () => ({ level: 'info' as const, format: 'auto' as const })),
}, { ignoredKeys: IGNORED_TOP_LEVEL_KEYS, onIgnored });

export type RawConfig = Infer<ReturnType<typeof configSchema>>;
export type GatewaySection = RawConfig['gateway'];
export type AgentsSection = RawConfig['agents'];
export type AgentConfig = AgentsSection['list'][number];
export type ModelsSection = RawConfig['models'];
export type ToolsSection = RawConfig['tools'];

/** Most config problems reported at once (then "and N more"). */
export const MAX_CONFIG_ISSUES = 100;

/**
 * Validates a config and returns every problem by key path (bounded), plus a usable value even
 * when there are problems: invalid parts are replaced by their defaults, so later rules can
 * still run and report what they find.
 */
export function checkConfig(input: unknown, onIgnored: (path: string) => void): { raw: RawConfig; issues: Issue[] } {
  const schema = configSchema(onIgnored);
  const r = validate(schema, input, { maxIssues: MAX_CONFIG_ISSUES });
  if (r.ok) return { raw: r.value, issues: [] };
  const issues = [...r.issues];
  if (r.omitted > 0) issues.push({ path: '', message: `and ${r.omitted}${issues.length + r.omitted >= LIMITS.counted ? '+' : ''} more problems` });
  return { raw: repair(schema, r.value), issues };
}

const DROP = Symbol('drop');

/** Drops every invalid value (or the object missing a required key) and fills defaults again. */
function repair(schema: ReturnType<typeof configSchema>, value: unknown): RawConfig {
  const { check } = compile(schema);
  let v: unknown = structuredClone(value);
  for (let round = 0; round < 4; round++) {
    let n = 0;
    for (const e of check.Errors(v)) {
      if (++n > LIMITS.counted) break;
      const keys = e.path.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
      if (e.type === ValueErrorType.ObjectRequiredProperty) keys.pop();
      if (keys.length === 0) { v = {}; break; }
      let parent: unknown = v;
      for (const k of keys.slice(0, -1)) parent = (parent as Record<string, unknown> | undefined)?.[k];
      if (typeof parent === 'object' && parent !== null) (parent as Record<string, unknown>)[keys[keys.length - 1]!] = DROP;
    }
    const again = validate(schema, sweep(v));
    if (again.ok) return again.value;
    v = again.value;
  }
  return v as RawConfig;
}

function sweep(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== DROP).map(sweep);
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) { if (o[k] === DROP) delete o[k]; else o[k] = sweep(o[k]); }
  }
  return v;
}
