// One WebSocket connection's lifecycle: challenge on open, a bounded pre-auth phase whose only
// acceptable frame is `connect`, then an authenticated RPC session. Frames are size-limited per
// phase, outbound bytes are bounded (send-budget.ts: slow consumers are dropped), authenticated
// connections are capped per client IP and principal, and every refusal is one log line
// without secrets.
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { errorShape } from '../protocol/error-codes.js';
import { eventFrame, parseInbound, resErr, type EventFrame, type ResFrame } from '../protocol/frames.js';
import type { CallerContext, Router } from '../rpc/registry.js';
import type { EventBus } from '../rpc/events.js';
import { createRpcSession, type RpcSession } from '../rpc/session.js';
import type { Logger } from '../util/log.js';
import { runHandshake, type Accepted, type HandshakeDeps } from './handshake.js';
import type { Ingress } from './ingress.js';
import type { ConnectionSlots } from './conn-slots.js';
import type { SendBudget } from './send-budget.js';
import { principalId } from '../auth/decision.js';

export interface ConnectionLimits {
  readonly maxPreAuthPayload: number;
  readonly maxPayload: number;
  readonly maxBufferedBytes: number;
  readonly handshakeTimeoutMs: number;
}

export interface ConnectionDeps {
  readonly handshake: HandshakeDeps;
  readonly router: Router;
  readonly bus: EventBus;
  readonly limits: ConnectionLimits;
  /** Outbound bytes, per connection and in total (shared by every listener). */
  readonly sendBudget: SendBudget;
  /** Authenticated connections per client IP and per principal (shared by every listener). */
  readonly slots: ConnectionSlots;
  readonly log: Logger;
  /** The serialised `res` frame (hello-ok) answering an accepted `connect` request. */
  readonly helloFrame: (requestId: string, accepted: Accepted, connId: string) => string;
  /** Called once authenticated; the returned function runs on close. */
  readonly onAuthenticated?: (info: { connId: string; accepted: Accepted; ingress: Ingress }) => () => void;
  readonly onClosed?: (connId: string, authenticated: boolean) => void;
  /** One call per handshake that reached an auth stage (origin, credentials, device): allow with the principal kind, deny with the wire reason. */
  readonly onAuthDecision?: (result: 'allow' | 'deny', reason: string, seconds: number) => void;
}

let counter = 0;
const BOOT = randomUUID().slice(0, 8);
/** Connection ids are unique per process (counter) and across restarts (boot prefix). */
export const newConnId = (): string => `c${BOOT}-${(++counter).toString(36)}`;

/** ws reads the limit from its receiver on every frame; raising it after auth is the only per-connection knob it offers. */
function setMaxPayload(ws: WebSocket, bytes: number): void {
  const receiver = (ws as unknown as { _receiver?: { _maxPayload?: number } })._receiver;
  if (receiver && typeof receiver._maxPayload === 'number') receiver._maxPayload = bytes;
}

export function handleConnection(ws: WebSocket, ingress: Ingress, deps: ConnectionDeps, releasePreAuth: () => void = () => {}): string {
  const connId = newConnId();
  const nonce = randomUUID();
  const { limits, log } = deps;
  let session: RpcSession | undefined;
  let onClose: (() => void) | undefined;
  let releaseSlot: (() => void) | undefined;
  let closing = false;
  const outbound = deps.sendBudget.open(() => ws.bufferedAmount, () => {
    log.warn('slow consumer dropped', { connId, remote: ingress.clientIp, reason: 'total send buffer limit', totalBytes: deps.sendBudget.totalBytes });
    close(1008, 'slow consumer', { now: true });
  });

  setMaxPayload(ws, limits.maxPreAuthPayload);

  const close = (code: number, reason: string, opts: { now?: boolean } = {}) => {
    if (closing) return;
    closing = true;
    clearTimeout(timer);
    outbound.release(); // its unwritten bytes are dropped with the socket
    session?.close(); // no more work for a connection being dropped: no replies, no events
    ws.close(code, reason);
    // A slow consumer's close frame waits behind megabytes it is not reading: cut the socket
    // now so that memory is freed at once. Any other peer gets 2 s to answer the close.
    if (opts.now) ws.terminate();
    else setTimeout(() => ws.terminate(), 2_000).unref();
  };

  const written = () => outbound.written();
  const sendText = (text: string) => {
    if (closing || ws.readyState !== ws.OPEN) return;
    if (!outbound.admit(Buffer.byteLength(text))) {
      log.warn('slow consumer dropped', { connId, remote: ingress.clientIp, bufferedBytes: outbound.pendingBytes, limit: limits.maxBufferedBytes });
      close(1008, 'slow consumer', { now: true });
      return;
    }
    ws.send(text, written);
    outbound.sent(); // may evict the worst offender (this one, or another) to keep the total in bounds
  };
  const send = (frame: ResFrame | EventFrame) => sendText(JSON.stringify(frame));

  const timer = setTimeout(() => {
    log.info('handshake timeout', { connId, remote: ingress.clientIp });
    close(1008, 'handshake timeout');
  }, limits.handshakeTimeoutMs);
  timer.unref();

  send(eventFrame('connect.challenge', { nonce, ts: Date.now() }));

  const onPreAuth = (text: string) => {
    const parsed = parseInbound(text);
    if (!parsed.ok || parsed.frame.type !== 'req' || parsed.frame.method !== 'connect') {
      const id = parsed.ok ? parsed.frame.id : parsed.id;
      if (id) send(resErr(id, errorShape('INVALID_REQUEST', 'invalid handshake: first request must be connect', { details: { code: 'HANDSHAKE_REQUIRED' } })));
      log.info('connect refused', { connId, remote: ingress.clientIp, peer: ingress.peer, reason: 'handshake_required' });
      close(1008, 'invalid handshake');
      return;
    }
    const frame = parsed.frame;
    const t0 = performance.now();
    const result = runHandshake(frame.params, ingress, nonce, deps.handshake);
    const seconds = (performance.now() - t0) / 1000;
    if (!result.ok) {
      const { refusal } = result;
      const client = (frame.params as { client?: { id?: unknown; mode?: unknown; version?: unknown } } | undefined)?.client;
      log.warn('connect refused', {
        connId, remote: ingress.clientIp, peer: ingress.peer,
        client: client ? `${String(client.id)} ${String(client.mode)} v${String(client.version)}`.slice(0, 120) : undefined,
        reason: refusal.logReason,
      });
      const d = refusal.error.details; // auth-stage refusals only (not protocol errors)
      const authReason = typeof d?.authReason === 'string' ? d.authReason : String(d?.code).startsWith('DEVICE_AUTH_') ? refusal.logReason : undefined;
      if (authReason !== undefined) deps.onAuthDecision?.('deny', authReason, seconds);
      send(resErr(frame.id, refusal.error));
      close(refusal.close.code, refusal.close.reason);
      return;
    }
    clearTimeout(timer);
    releasePreAuth();
    const accepted = result.value;
    deps.onAuthDecision?.('allow', accepted.principal.kind, seconds);
    const slot = deps.slots.take(ingress.clientKey, principalId(accepted.principal));
    if (!slot.ok) {
      log.warn('connect refused', { connId, remote: ingress.clientIp, peer: ingress.peer, reason: 'too_many_connections', limit: slot.limit, max: slot.max });
      send(resErr(frame.id, errorShape('UNAVAILABLE', `too many connections: gateway.limits.${slot.limit} (${slot.max}) reached; close another connection or retry later`,
        { details: { code: 'TOO_MANY_CONNECTIONS', limit: slot.limit, max: slot.max }, retryable: true, retryAfterMs: 5_000 })));
      close(1013, 'too many connections');
      return;
    }
    releaseSlot = slot.release;
    if (accepted.ignored) log.debug('connect: ignored unknown params', { connId, params: accepted.ignored });
    setMaxPayload(ws, limits.maxPayload);
    const caller: CallerContext = {
      connId, principal: accepted.principal, role: accepted.role, scopes: accepted.scopes,
      client: { id: accepted.params.client.id, mode: accepted.params.client.mode, version: accepted.params.client.version },
    };
    sendText(deps.helloFrame(frame.id, accepted, connId));
    session = createRpcSession(caller, deps.router, deps.bus, {
      send,
      sendText,
      fail: (err, fatal) => {
        log.error('frame could not be sent', { connId, remote: ingress.clientIp, err: err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 300) : 'unknown' });
        if (fatal) close(1011, 'internal error');
      },
      // Same frame as eventFrame() + JSON.stringify, with the shared payload text spliced in.
      sendSerializedEvent: (event, payload, seq) => sendText(`{"type":"event","event":${JSON.stringify(event)},"payload":${payload}${seq === undefined ? '' : `,"seq":${seq}`}}`),
    }, {
      maxResponseBytes: limits.maxPayload,
      onRefused: ({ id, refused }) => log.warn('response refused', { connId, id, reason: refused.reason, bytes: refused.bytes, maxPayload: limits.maxPayload }),
    });
    onClose = deps.onAuthenticated?.({ connId, accepted, ingress });
  };

  const onAuthed = (text: string) => {
    const parsed = parseInbound(text);
    if (!parsed.ok) {
      if (parsed.id) { send(resErr(parsed.id, errorShape('INVALID_REQUEST', parsed.message, { details: { code: 'INVALID_FRAME' } }))); return; }
      log.info('invalid frame', { connId, remote: ingress.clientIp, reason: parsed.message });
      close(1008, 'invalid frame');
      return;
    }
    const f = parsed.frame;
    if (f.type === 'cancel') { session!.cancel(f.id); return; }
    if (f.method === 'connect') { send(resErr(f.id, errorShape('INVALID_REQUEST', 'already connected', { details: { code: 'INVALID_FRAME' } }))); return; }
    session!.handle(f);
  };

  ws.on('message', (data, isBinary) => {
    if (closing) return;
    if (isBinary) { log.info('binary frame refused', { connId, remote: ingress.clientIp }); close(1003, 'text frames only'); return; }
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
    try {
      if (session) onAuthed(text); else onPreAuth(text);
    } catch (err) {
      // A bug must cost one connection, never the gateway, and never leave a socket hanging.
      log.error('connection handler failed', { connId, remote: ingress.clientIp, err });
      close(1011, 'internal error');
    }
  });
  ws.on('error', (err) => {
    log.debug('socket error', { connId, remote: ingress.clientIp, err: err.message });
  });
  ws.on('close', () => {
    closing = true;
    clearTimeout(timer);
    outbound.release();
    releaseSlot?.();
    session?.close();
    onClose?.();
    deps.onClosed?.(connId, session !== undefined);
  });
  return connId;
}
