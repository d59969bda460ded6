// The `connect` request: its params schema, client ids/modes and the hello-ok shape.
import { arr, any, num, obj, optional, record, str, type Infer } from './schema.js';

export const CLIENT_IDS = [
  'webchat-ui', 'openclaw-control-ui', 'webchat', 'cli', 'gateway-client', 'openclaw-macos', 'openclaw-ios',
  'openclaw-android', 'node-host', 'test', 'fingerprint', 'openclaw-probe', 'openclaw-tui', 'openclaw-browser-copilot',
  'openclaw-linux', 'openclaw-watchos', 'openclaw-worker',
] as const;
export const CLIENT_MODES = ['webchat', 'cli', 'ui', 'backend', 'node', 'probe', 'test', 'worker'] as const;
/** Client ids that are browsers: the Origin gate always applies to them. */
export const BROWSER_CLIENT_IDS: readonly string[] = ['webchat-ui', 'openclaw-control-ui', 'webchat'];

const short = str({ max: 256 });
/** Client ids and modes describe a client; any sane bounded token is accepted (OpenClaw adds new ones). */
const token = str({ min: 1, max: 64, pattern: /^[A-Za-z0-9][A-Za-z0-9._:-]*$/, patternHint: 'must be a token of letters, digits, ".", "_", ":" or "-"' });

export const connectParamsSchema = obj({
  minProtocol: num({ int: true, min: 0 }),
  maxProtocol: num({ int: true, min: 0 }),
  client: obj({
    id: token,
    displayName: optional(short),
    version: short,
    platform: short,
    deviceFamily: optional(short),
    modelIdentifier: optional(short),
    mode: token,
    instanceId: optional(short),
  }, { ignoreUnknown: true }),
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
}, { ignoreUnknown: true }); // unknown optional capabilities (computerUse, workerRuns, ...) are ignored; auth and device stay strict
export type ConnectParams = Infer<typeof connectParamsSchema>;

/** Whether a client id is one clawgate has seen from OpenClaw's clients (information only: any token connects). */
export function isKnownClientId(id: string): boolean {
  return (CLIENT_IDS as readonly string[]).includes(id) || /^(clawdbot|moltbot)-[a-z0-9-]+$/.test(id);
}

export interface HelloOk {
  type: 'hello-ok';
  protocol: number;
  server: { version: string; connId: string; host?: string };
  features: { methods: string[]; events: string[]; capabilities?: string[] };
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
