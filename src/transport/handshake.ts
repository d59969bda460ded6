// The `connect` handshake as a fixed pipeline of stages: params → protocol → role → origin →
// credentials → device → scopes. Each stage either passes or produces the exact wire error
// and close code; the first failure wins. Pure apart from the strategy's limiter.
import { PROTOCOL_VERSION } from '../protocol/frames.js';
import { errorShape, type ErrorShape } from '../protocol/error-codes.js';
import { authDetailCode, authFailureMessage, wireAuthReason } from '../protocol/auth-reasons.js';
import { BROWSER_CLIENT_IDS, connectParamsSchema, type ConnectParams } from '../protocol/connect.js';
import { formatIssues, validate } from '../protocol/schema.js';
import { SCOPES, type Scope } from '../protocol/scopes.js';
import type { AuthStrategy, Principal } from '../auth/decision.js';
import { verifyDevice } from '../auth/device.js';
import { grantScopes, type ScopeCeiling } from '../auth/scopes.js';
import type { Ingress } from './ingress.js';

export interface HandshakeDeps {
  readonly strategy: AuthStrategy;
  readonly originAllowed: (ingress: Ingress, isBrowserClient: boolean) => boolean;
  readonly now: () => number;
  readonly deviceSkewMs: number;
  /** The most a principal may be granted; requested scopes are capped by it (main.ts always sets it). */
  readonly scopeCeiling?: ScopeCeiling;
}

export interface Refusal {
  readonly error: ErrorShape;
  readonly close: { readonly code: number; readonly reason: string };
  /** The reason written to the log line (auth reason, or the stage that failed). */
  readonly logReason: string;
}

export interface Accepted {
  readonly params: ConnectParams;
  readonly principal: Principal;
  readonly role: 'operator';
  readonly scopes: Scope[];
  readonly deviceId?: string;
  /** Unknown descriptive keys that were ignored (bounded list of paths; logged at debug). */
  readonly ignored?: readonly string[];
}

export type HandshakeResult = { ok: true; value: Accepted } | { ok: false; refusal: Refusal };

const refuse = (error: ErrorShape, code: number, reason: string, logReason: string): HandshakeResult =>
  ({ ok: false, refusal: { error, close: { code, reason }, logReason } });

export const ORIGIN_MESSAGE = 'origin not allowed (open the Control UI from the gateway host or allow it in gateway.controlUi.allowedOrigins)';

export function runHandshake(rawParams: unknown, ingress: Ingress, nonce: string, deps: HandshakeDeps): HandshakeResult {
  const parsed = validate(connectParamsSchema, rawParams ?? {});
  if (!parsed.ok) {
    const msg = `invalid connect params: ${formatIssues(parsed.issues, parsed.omitted)}`;
    return refuse(errorShape('INVALID_REQUEST', msg, { details: { code: 'INVALID_PARAMS', issues: parsed.issues, ...(parsed.omitted > 0 ? { omittedIssues: parsed.omitted } : {}) } }), 1008, 'invalid connect params', 'invalid_connect_params');
  }
  const p = parsed.value;
  if (p.maxProtocol < PROTOCOL_VERSION || p.minProtocol > PROTOCOL_VERSION) {
    const offered = p.minProtocol === p.maxProtocol ? `${p.minProtocol}` : `${p.minProtocol}-${p.maxProtocol}`;
    return refuse(errorShape('INVALID_REQUEST', `protocol mismatch: the gateway speaks protocol ${PROTOCOL_VERSION}, the client offered ${offered}`, {
      details: { code: 'PROTOCOL_MISMATCH', expectedProtocol: PROTOCOL_VERSION, clientMinProtocol: p.minProtocol, clientMaxProtocol: p.maxProtocol },
    }), 1002, 'protocol mismatch', 'protocol_mismatch');
  }
  const role = p.role ?? 'operator';
  if (role !== 'operator') {
    return refuse(errorShape('INVALID_REQUEST', `role not supported: ${role}`, { details: { code: 'ROLE_NOT_SUPPORTED' } }), 1008, 'invalid role', 'role_not_supported');
  }
  // Before credentials: a foreign page must learn nothing about tokens or login state, and
  // its guesses must not be charged to its visitor's address.
  if (!deps.originAllowed(ingress, BROWSER_CLIENT_IDS.includes(p.client.id))) {
    return refuse(errorShape('INVALID_REQUEST', ORIGIN_MESSAGE, { details: { code: 'ORIGIN_NOT_ALLOWED', authReason: 'origin_not_allowed' } }), 1008, 'origin not allowed', 'origin_not_allowed');
  }
  const credentials = { ...(p.auth?.token !== undefined ? { token: p.auth.token } : {}), ...(p.auth?.password !== undefined ? { password: p.auth.password } : {}) };
  const decision = deps.strategy.authenticate({ ingress, credentials });
  if (decision.kind === 'deny') {
    const authReason = wireAuthReason(decision.reason, decision.header);
    const opts = decision.retryAfterMs !== undefined ? { retryable: true, retryAfterMs: decision.retryAfterMs } : {};
    return refuse(errorShape('INVALID_REQUEST', authFailureMessage(authReason, p.client), { details: { code: authDetailCode(authReason), authReason }, ...opts }), 1008, 'unauthorized', authReason);
  }
  let deviceId: string | undefined;
  if (p.device) {
    const v = verifyDevice(p.device as Parameters<typeof verifyDevice>[0], {
      challengeNonce: nonce, clientId: p.client.id, clientMode: p.client.mode, role, scopes: p.scopes ?? [],
      token: p.auth?.token ?? '', platform: p.client.platform, deviceFamily: p.client.deviceFamily, instanceId: p.client.instanceId,
      nowMs: deps.now(), skewMs: deps.deviceSkewMs,
    });
    if (!v.ok) return refuse(errorShape('INVALID_REQUEST', v.message, { details: { code: v.code } }), 1008, v.message, v.code.toLowerCase());
    deviceId = v.deviceId;
  }
  const scopes = grantScopes(p.scopes ?? [], deps.scopeCeiling ? deps.scopeCeiling(decision.principal, ingress) : SCOPES);
  return { ok: true, value: { params: p, principal: decision.principal, role: 'operator', scopes, ...(deviceId ? { deviceId } : {}), ...(parsed.ignored.length ? { ignored: parsed.ignored } : {}) } };
}
