// The `connect` request: its params schema, client ids/modes and the hello-ok shape.
import { arr, any, literal, num, obj, optional, record, str, type Infer } from './schema.js';

export const CLIENT_IDS = [
  'webchat-ui', 'openclaw-control-ui', 'webchat', 'cli', 'gateway-client', 'openclaw-macos', 'openclaw-ios',
  'openclaw-android', 'node-host', 'test', 'fingerprint', 'openclaw-probe',
] as const;
export const CLIENT_MODES = ['webchat', 'cli', 'ui', 'backend', 'node', 'probe', 'test'] as const;
/** Client ids that are browsers: the Origin gate always applies to them. */
export const BROWSER_CLIENT_IDS: readonly string[] = ['webchat-ui', 'openclaw-control-ui', 'webchat'];

const short = str({ max: 256 });
const clientId = str({ min: 1, max: 64, pattern: /^(?:[a-z0-9-]+)$/, patternHint: 'must be a known client id' });

export const connectParamsSchema = obj({
  minProtocol: num({ int: true, min: 0 }),
  maxProtocol: num({ int: true, min: 0 }),
  client: obj({
    id: clientId,
    displayName: optional(short),
    version: short,
    platform: short,
    deviceFamily: optional(short),
    modelIdentifier: optional(short),
    mode: literal(...CLIENT_MODES),
    instanceId: optional(short),
  }),
  caps: optional(arr(short, { max: 64 })),
  commands: optional(arr(short, { max: 256 })),
  permissions: optional(record(any())),
  pathEnv: optional(str({ max: 8192 })),
  role: optional(str({ max: 32 })),
  scopes: optional(arr(short, { max: 32 })),
  device: optional(obj({ id: any(), publicKey: any(), signature: any(), signedAt: any(), nonce: optional(any()) })),
  auth: optional(obj({
    token: optional(str({ max: 4096 })),
    bootstrapToken: optional(str({ max: 4096 })),
    deviceToken: optional(str({ max: 4096 })),
    password: optional(str({ max: 4096 })),
    approvalRuntimeToken: optional(str({ max: 4096 })),
    agentRuntimeIdentityToken: optional(str({ max: 4096 })),
  })),
  locale: optional(short),
  userAgent: optional(str({ max: 1024 })),
});
export type ConnectParams = Infer<typeof connectParamsSchema>;

/** Whether a client id is one OpenClaw's schema accepts (including legacy prefixes). */
export function isKnownClientId(id: string): boolean {
  return (CLIENT_IDS as readonly string[]).includes(id) || /^(clawdbot|moltbot)-[a-z0-9-]+$/.test(id);
}

export interface HelloOk {
  type: 'hello-ok';
  protocol: number;
  server: { version: string; connId: string; host?: string };
  features: { methods: string[]; events: string[] };
  snapshot: {
    presence: unknown[];
    health: unknown;
    stateVersion: { presence: number; health: number };
    uptimeMs: number;
    configPath?: string;
    stateDir?: string;
    sessionDefaults?: { defaultAgentId: string; mainKey: string; mainSessionKey: string; scope?: string };
    authMode?: 'none' | 'token' | 'password' | 'trusted-proxy';
  };
  auth: { role: string; scopes: string[] };
  policy: { maxPayload: number; maxBufferedBytes: number; tickIntervalMs: number };
}
