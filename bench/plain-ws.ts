// Benchmark helpers: the plain `ws` echo baseline server, raw one-shot WebSocket clients (echo round trip, full gateway handshake), and count+time-bounded rate measurement.
import { WebSocket, WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';

/** A bare `ws` server on 127.0.0.1:0 that echoes every text frame: the floor any gateway sits on. */
export async function startEchoServer(): Promise<{ url: string; close(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 64 * 1024 });
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    ws.on('error', () => {});
  });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      for (const c of wss.clients) c.terminate();
      wss.close(() => resolve());
    }),
  };
}

export interface ClientOpts { localAddress?: string; headers?: Record<string, string> }

const OP_TIMEOUT_MS = 5_000;

/** Opens a socket, runs `onMessage` until it calls `done()`, closes, and resolves on 'close'. */
function oneShot(url: string, opts: ClientOpts, onOpen: (ws: WebSocket) => void, onMessage: (ws: WebSocket, text: string, done: () => void, fail: (e: Error) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, ...(opts.localAddress ? { localAddress: opts.localAddress } : {}), ...(opts.headers ? { headers: opts.headers } : {}) });
    let failed: Error | undefined;
    const timer = setTimeout(() => { failed = new Error('operation timed out'); ws.terminate(); }, OP_TIMEOUT_MS);
    const fail = (e: Error) => { failed ??= e; ws.terminate(); };
    ws.on('open', () => onOpen(ws));
    ws.on('message', (d) => onMessage(ws, d.toString(), () => ws.close(1000), fail));
    ws.on('error', (e) => { failed ??= e; });
    ws.on('close', () => { clearTimeout(timer); if (failed) reject(failed); else resolve(); });
  });
}

/** Baseline: open, one echo round trip, close (resolves when the close completes). */
export function echoOnce(url: string, opts: ClientOpts = {}): Promise<void> {
  const msg = '{"type":"req","id":"e1","method":"health","params":{}}';
  return oneShot(url, opts, (ws) => ws.send(msg), (_ws, text, done, fail) => {
    if (text === msg) done(); else fail(new Error('bad echo'));
  });
}

/** Ours: open, connect.challenge, connect, hello-ok, close (resolves when the close completes). */
export function handshakeOnce(url: string, params: Record<string, unknown>, opts: ClientOpts = {}): Promise<void> {
  return oneShot(url, opts, () => {}, (ws, text, done, fail) => {
    const f = JSON.parse(text) as { type?: string; event?: string; id?: string; ok?: boolean; payload?: { type?: string }; error?: { message?: string } };
    if (f.type === 'event' && f.event === 'connect.challenge') ws.send(JSON.stringify({ type: 'req', id: 'c1', method: 'connect', params }));
    else if (f.type === 'res' && f.id === 'c1') {
      if (f.ok && f.payload?.type === 'hello-ok') done();
      else fail(new Error(`connect refused: ${f.error?.message ?? 'unknown'}`));
    }
  });
}

/** One open socket (authenticated first when `connectParams` is given) doing sequential round trips matched by frame id. */
export async function openPinger(url: string, opts: ClientOpts & { connectParams?: Record<string, unknown> } = {}): Promise<{ roundTrip(frame: string, id: string): Promise<void>; close(): void }> {
  const ws = new WebSocket(url, { perMessageDeflate: false, ...(opts.localAddress ? { localAddress: opts.localAddress } : {}), ...(opts.headers ? { headers: opts.headers } : {}) });
  let waiting: { id: string; resolve: () => void; reject: (e: Error) => void } | undefined;
  let ready: () => void = () => {};
  let readyFail: (e: Error) => void = () => {};
  const isReady = new Promise<void>((res, rej) => { ready = res; readyFail = rej; });
  ws.on('error', (e) => { readyFail(e); waiting?.reject(e); });
  ws.on('message', (d) => {
    const text = d.toString();
    const f = JSON.parse(text) as { type?: string; event?: string; id?: string; ok?: boolean; error?: { message?: string } };
    if (f.event === 'connect.challenge' && opts.connectParams) {
      ws.send(JSON.stringify({ type: 'req', id: 'c1', method: 'connect', params: opts.connectParams }));
      return;
    }
    if (f.id === 'c1' && opts.connectParams) { if (f.ok) ready(); else readyFail(new Error(f.error?.message ?? 'refused')); return; }
    if (waiting && f.id === waiting.id) { const w = waiting; waiting = undefined; if (f.ok === false) w.reject(new Error(f.error?.message ?? 'failed')); else w.resolve(); }
  });
  ws.on('open', () => { if (!opts.connectParams) ready(); });
  await isReady;
  return {
    roundTrip: (frame, id) => new Promise<void>((resolve, reject) => { waiting = { id, resolve, reject }; ws.send(frame); }),
    close: () => ws.close(1000),
  };
}

export interface Rate { perSec: number; count: number; errors: number; ms: number }

/**
 * Runs `op` with `concurrency` workers until `maxCount` operations completed or `maxMs`
 * elapsed (whichever first); in-flight operations finish and are counted.
 */
export async function measureRate(op: (i: number) => Promise<unknown>, bounds: { maxCount: number; maxMs: number; concurrency?: number }): Promise<Rate> {
  const concurrency = bounds.concurrency ?? 1;
  let started = 0;
  let count = 0;
  let errors = 0;
  const t0 = performance.now();
  const deadline = t0 + bounds.maxMs;
  const worker = async () => {
    while (started < bounds.maxCount && performance.now() < deadline) {
      const i = started++;
      try { await op(i); count++; } catch { errors++; }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const ms = performance.now() - t0;
  return { perSec: (count / ms) * 1000, count, errors, ms };
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
