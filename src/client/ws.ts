// Connecting the client over a WebSocket: wait for the challenge, send `connect`, and hand
// back a ready client with the hello-ok. Used by the CLI, tests and benchmarks.
import { WebSocket, type ClientOptions } from 'ws';
import type { ErrorShape } from '../protocol/error-codes.js';
import type { EventFrame, ResFrame } from '../protocol/frames.js';
import { PROTOCOL_VERSION } from '../protocol/frames.js';
import type { HelloOk } from '../protocol/connect.js';
import { GatewayClient, GatewayClosedError, GatewayRequestError, type FrameChannel } from './client.js';

export interface WsConnectOptions {
  url: string;
  token?: string;
  password?: string;
  clientId?: string;
  clientMode?: string;
  scopes?: string[];
  /** Extra upgrade headers (tests use them to act as a proxy). */
  headers?: Record<string, string | string[]>;
  origin?: string;
  localAddress?: string;
  /** Connect over a Unix socket instead of TCP (the local listener). */
  socketPath?: string;
  /** Decorate the connect params before sending (device identity, tests). */
  decorate?: (params: Record<string, unknown>, nonce: string) => Record<string, unknown>;
  timeoutMs?: number;
  maxPayload?: number;
}

export const DEFAULT_SCOPES = ['operator.admin', 'operator.read', 'operator.write', 'operator.approvals', 'operator.pairing'];

/** A refused or failed connect, with the server's error shape when it sent one. */
export class ConnectError extends Error {
  readonly error: ErrorShape | undefined;
  readonly closeCode: number | undefined;
  readonly closeReason: string | undefined;
  readonly httpStatus: number | undefined;
  constructor(message: string, info: { error?: ErrorShape; closeCode?: number; closeReason?: string; httpStatus?: number }) {
    super(message);
    this.name = 'ConnectError';
    this.error = info.error;
    this.closeCode = info.closeCode;
    this.closeReason = info.closeReason;
    this.httpStatus = info.httpStatus;
  }
  get authReason(): string | undefined { return this.error?.details?.authReason as string | undefined; }
}

function wsChannel(ws: WebSocket): FrameChannel {
  let onFrame: (f: ResFrame | EventFrame) => void = () => {};
  let onClose: (code: number, reason: string) => void = () => {};
  ws.on('message', (data) => {
    let f: unknown;
    try { f = JSON.parse(data.toString()); } catch { return; }
    if (f && typeof f === 'object') onFrame(f as ResFrame | EventFrame);
  });
  ws.on('close', (code, reason) => onClose(code, reason.toString()));
  return {
    send: (frame) => ws.send(JSON.stringify(frame)),
    setReceiver: (f, c) => { onFrame = f; onClose = c; },
    close: () => ws.close(1000, 'bye'),
  };
}

export async function connectWs(opts: WsConnectOptions): Promise<{ client: GatewayClient; hello: HelloOk; ws: WebSocket }> {
  const wsOpts: ClientOptions = { perMessageDeflate: false, maxPayload: opts.maxPayload ?? 25 * 1024 * 1024, handshakeTimeout: opts.timeoutMs ?? 10_000 };
  const headers: Record<string, string | string[]> = { ...opts.headers };
  if (opts.origin) headers.origin = opts.origin;
  wsOpts.headers = headers as Record<string, string>;
  if (opts.localAddress) wsOpts.localAddress = opts.localAddress;
  // ws takes Unix sockets as `ws+unix:<socket path>:<request path>` (it ignores a socketPath option).
  const url = opts.socketPath ? `ws+unix:${opts.socketPath}:/` : opts.url;
  const ws = new WebSocket(url, wsOpts);
  return new Promise((resolve, reject) => {
    let settled = false;
    let refusal: ErrorShape | undefined;
    const fail = (e: Error) => { if (!settled) { settled = true; clearTimeout(timer); ws.terminate(); reject(e); } };
    const timer = setTimeout(() => fail(new ConnectError('connect timed out', {})), opts.timeoutMs ?? 10_000);
    ws.on('unexpected-response', (_req, res) => fail(new ConnectError(`upgrade refused: HTTP ${res.statusCode}`, { httpStatus: res.statusCode ?? 0 })));
    ws.on('error', (err) => fail(new ConnectError(err.message, {})));
    ws.on('close', (code, reason) => fail(new ConnectError(refusal ? refusal.message : `closed during handshake (${code}): ${reason.toString()}`, {
      closeCode: code, closeReason: reason.toString(), ...(refusal ? { error: refusal } : {}),
    })));
    const connectId = `connect-${Math.random().toString(36).slice(2)}`;
    const onMessage = (data: Buffer) => {
      let f: { type?: string; event?: string; id?: string; ok?: boolean; payload?: { nonce?: string }; error?: ErrorShape };
      try { f = JSON.parse(data.toString()); } catch { return; }
      if (f.type === 'event' && f.event === 'connect.challenge') {
        const nonce = String(f.payload?.nonce ?? '');
        let params: Record<string, unknown> = {
          minProtocol: PROTOCOL_VERSION, maxProtocol: PROTOCOL_VERSION,
          client: { id: opts.clientId ?? 'cli', version: '0.1.0', platform: process.platform, mode: opts.clientMode ?? 'cli' },
          role: 'operator',
          scopes: opts.scopes ?? DEFAULT_SCOPES,
          caps: [],
          auth: { ...(opts.token !== undefined ? { token: opts.token } : {}), ...(opts.password !== undefined ? { password: opts.password } : {}) },
        };
        if (opts.decorate) params = opts.decorate(params, nonce);
        ws.send(JSON.stringify({ type: 'req', id: connectId, method: 'connect', params }));
        return;
      }
      if (f.type === 'res' && f.id === connectId) {
        if (!f.ok) { refusal = f.error; return; } // the close that follows rejects with it
        ws.off('message', onMessage);
        settled = true;
        clearTimeout(timer);
        ws.removeAllListeners('close');
        ws.removeAllListeners('error');
        ws.on('error', () => {});
        const client = new GatewayClient(wsChannel(ws), f.payload);
        resolve({ client, hello: f.payload as unknown as HelloOk, ws });
      }
    };
    ws.on('message', onMessage);
  });
}

export { GatewayClient, GatewayRequestError, GatewayClosedError };
