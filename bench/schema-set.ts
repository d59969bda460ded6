// The schemas the validation bench builds, written once against the builder API that both the
// TypeBox-backed src/protocol/schema.ts and the 0.1.0 hand-written baseline expose: the connect
// params, the common method params, and a config of the same shape as src/config/schema.ts.
/* eslint-disable @typescript-eslint/no-explicit-any */
type B = any;

export function defineSet(b: B): Record<string, unknown> {
  const { arr, any, bool, literal, num, obj, optional, record, str, withDefault } = b;
  const short = str({ max: 256 });
  const idem = str({ min: 1, max: 200, pattern: /^[\w.:@-]+$/, patternHint: 'must be letters, digits, "_", "-", ".", ":" or "@"' });
  const positiveInt = () => num({ int: true, min: 1, max: 2 ** 31 });
  const connect = obj({
    minProtocol: num({ int: true, min: 0 }), maxProtocol: num({ int: true, min: 0 }),
    client: obj({
      id: str({ min: 1, max: 64, pattern: /^[A-Za-z0-9][A-Za-z0-9._:-]*$/ }), displayName: optional(short), version: short, platform: short,
      deviceFamily: optional(short), modelIdentifier: optional(short), mode: str({ min: 1, max: 64, pattern: /^[A-Za-z0-9][A-Za-z0-9._:-]*$/ }), instanceId: optional(short),
    }),
    caps: optional(arr(short, { max: 64 })), commands: optional(arr(short, { max: 256 })), permissions: optional(record(any())),
    pathEnv: optional(str({ max: 8192 })), role: optional(str({ max: 32 })), scopes: optional(arr(short, { max: 32 })),
    device: optional(obj({ id: any(), publicKey: any(), signature: any(), signedAt: any(), nonce: optional(any()) })),
    auth: optional(obj({ token: optional(str({ max: 4096 })), password: optional(str({ max: 4096 })), deviceToken: optional(str({ max: 4096 })) })),
    locale: optional(short), userAgent: optional(str({ max: 1024 })),
  });
  const sessionsList = obj({
    limit: optional(num({ int: true, min: 1, max: 10_000 })), activeMinutes: optional(num({ min: 0 })), includeGlobal: optional(bool()),
    includeUnknown: optional(bool()), includeDerivedTitles: optional(bool()), includeLastMessage: optional(bool()), label: optional(str({ max: 200 })),
    spawnedBy: optional(str({ max: 500 })), agentId: optional(str({ max: 64 })), search: optional(str({ max: 200 })),
    kinds: optional(arr(str({ max: 64 }), { max: 32 })), messageLimit: optional(num({ int: true, min: 0, max: 100 })),
    offset: optional(num({ int: true, min: 0 })), maxBytes: optional(num({ int: true, min: 1024 })),
  });
  const agent = obj({
    message: str({ max: 1_000_000 }), idempotencyKey: idem, agentId: optional(str({ min: 1, max: 64 })), sessionKey: optional(str({ min: 1, max: 500 })),
    label: optional(str({ min: 1, max: 200 })), extraSystemPrompt: optional(str({ max: 100_000 })), timeout: optional(num({ int: true, min: 0, max: 86_400 })),
    thinking: optional(any()), deliver: optional(bool()), attachments: optional(any()), model: optional(str()),
  });
  const chatSend = obj({ sessionKey: str({ min: 1, max: 500 }), message: str({ max: 1_000_000 }), idempotencyKey: optional(idem), timeoutMs: optional(num({ int: true, min: 0, max: 86_400_000 })) });
  const chatHistory = obj({ sessionKey: str({ min: 1, max: 500 }), limit: optional(num({ int: true, min: 1, max: 1000 })), offset: optional(num({ int: true, min: 0 })) });
  const config = obj({
    gateway: withDefault(obj({
      port: withDefault(num({ int: true, min: 0, max: 65535 }), () => 18789),
      bind: withDefault(literal('loopback', 'lan', 'auto', 'custom'), () => 'loopback'),
      controlUi: withDefault(obj({ enabled: withDefault(bool(), () => true), basePath: withDefault(str({ pattern: /^\/[A-Za-z0-9._~\-/]*$/ }), () => '/'), allowedOrigins: withDefault(arr(str({ min: 1 })), () => []) }), () => ({})),
      auth: withDefault(obj({
        mode: optional(literal('none', 'token', 'password', 'trusted-proxy')), token: optional(str({ min: 1 })), password: optional(str({ min: 1 })),
        trustedProxy: optional(obj({ userHeader: str({ min: 1 }), requiredHeaders: withDefault(arr(str({ min: 1, max: 128 })), () => []), allowUsers: withDefault(arr(str({ min: 1, max: 320 })), () => []) })),
        rateLimit: withDefault(obj({ maxAttempts: withDefault(positiveInt(), () => 10), windowMs: withDefault(positiveInt(), () => 60_000), lockoutMs: withDefault(num({ int: true, min: 0 }), () => 300_000), exemptLoopback: withDefault(bool(), () => false) }), () => ({})),
        identityScopes: withDefault(record(arr(literal('operator.read', 'operator.write', 'operator.admin'))), () => ({})),
      }), () => ({})),
      trustedProxies: withDefault(arr(str({ min: 1 })), () => []),
      limits: withDefault(obj({ maxPayload: withDefault(positiveInt(), () => 25 * 1024 * 1024), maxBufferedBytes: withDefault(positiveInt(), () => 8 * 1024 * 1024), handshakeTimeoutMs: withDefault(positiveInt(), () => 10_000), tickIntervalMs: withDefault(positiveInt(), () => 30_000) }), () => ({})),
      metrics: withDefault(obj({ enabled: withDefault(bool(), () => true), public: withDefault(bool(), () => false) }), () => ({})),
    }), () => ({})),
    agents: withDefault(obj({
      defaults: withDefault(obj({ model: withDefault(str({ min: 1 }), () => 'scripted'), timeoutMs: withDefault(positiveInt(), () => 600_000) }), () => ({})),
      list: withDefault(arr(obj({
        id: str({ min: 1, max: 64, pattern: /^[a-z0-9][a-z0-9_-]*$/ }), name: optional(str({ min: 1, max: 200 })), default: optional(bool()), model: optional(str({ min: 1 })),
        systemPrompt: optional(str({ max: 100_000 })), subagents: optional(obj({ allowAgents: withDefault(arr(str({ min: 1 })), () => []) })),
      })), () => []),
    }), () => ({})),
    models: withDefault(obj({ providers: withDefault(record(obj({ baseUrl: str({ min: 1, pattern: /^https?:\/\// }), apiKeyEnv: optional(str()), timeoutMs: withDefault(positiveInt(), () => 120_000) })), () => ({})) }), () => ({})),
    logging: withDefault(obj({ level: withDefault(literal('debug', 'info', 'warn', 'error'), () => 'info'), format: withDefault(literal('auto', 'json', 'pretty'), () => 'auto') }), () => ({})),
  });
  return { connect, sessionsList, agent, chatSend, chatHistory, config };
}

/** A typical connect frame's params (the Control UI's), and typical params for each schema. */
export const SAMPLES: Record<string, unknown> = {
  connect: {
    minProtocol: 4, maxProtocol: 4,
    client: { id: 'openclaw-control-ui', version: '2026.9.6', platform: 'Linux x86_64', mode: 'webchat', instanceId: 'a1b2c3d4' },
    role: 'operator', scopes: ['operator.read', 'operator.write'], caps: ['tool-events'], auth: { token: 'bench-token-0123456789abcdef' },
    locale: 'en-US', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36',
  },
  sessionsList: { limit: 50, includeGlobal: true, includeUnknown: false, includeDerivedTitles: true, includeLastMessage: true, agentId: 'manager', kinds: ['direct', 'group'] },
  agent: { message: 'Summarise the incident and spawn a worker for the timeline.', idempotencyKey: 'run-0123456789', sessionKey: 'agent:manager:main', timeout: 600 },
  chatSend: { sessionKey: 'agent:manager:main', message: 'hello', idempotencyKey: 'c-0123456789' },
  chatHistory: { sessionKey: 'agent:manager:main', limit: 200 },
  config: {
    gateway: { port: 18789, bind: 'loopback', auth: { mode: 'trusted-proxy', trustedProxy: { userHeader: 'x-authentik-email', allowUsers: ['me@example.com'] } }, trustedProxies: ['127.0.0.1'], controlUi: { allowedOrigins: ['https://openclaw.example.com'] } },
    agents: { list: [{ id: 'manager', default: true, subagents: { allowAgents: ['worker'] } }, { id: 'worker' }] },
  },
};
