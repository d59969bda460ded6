// Benchmark helpers for a long streamed reply: the client side (run on the load worker) that
// sends `chat.send` for a `/words N` reply and reads every event until the run's `final`, a
// `/healthz` prober that records the worst delay meanwhile, and the plain-`ws` baseline that
// sends the same text as one frame from a server with its own `/healthz`.
import { createServer, request, Agent, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { PROTOCOL_VERSION } from '../src/protocol/frames.js';

export interface StreamResult {
  /** Request sent → last byte of the reply received. */
  wallMs: number;
  /** Bytes the client's socket read meanwhile (frames and their headers). */
  wireBytes: number;
  /** Characters of reply text received. */
  textChars: number;
  /** The slowest `/healthz` answer meanwhile, and how many were made. */
  worstHealthzMs: number;
  healthzProbes: number;
}

const TIMEOUT_MS = 120_000;

/** Sequential `GET /healthz` on one keep-alive connection until `stop()`; resolves the worst latency. */
function probeHealthz(origin: string): { stop(): Promise<{ worstMs: number; count: number }> } {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let running = true;
  let worstMs = 0;
  let count = 0;
  const once = () => new Promise<void>((resolve, reject) => {
    const t0 = performance.now();
    const req = request(`${origin}/healthz`, { agent }, (res) => {
      res.resume();
      res.on('end', () => { worstMs = Math.max(worstMs, performance.now() - t0); count++; resolve(); });
    });
    req.on('error', reject);
    req.end();
  });
  const loop = (async () => { while (running) await once(); })();
  return {
    async stop() { running = false; await loop; agent.destroy(); return { worstMs, count }; },
  };
}

const bytesRead = (ws: WebSocket): number => (ws as unknown as { _socket: Socket })._socket.bytesRead;

/** Opens an authenticated connection to a gateway (token auth, read + write). */
function openGateway(url: string, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
    const timer = setTimeout(() => { ws.terminate(); reject(new Error('connect timed out')); }, 10_000);
    ws.on('error', reject);
    ws.on('message', function onMessage(data: Buffer) {
      const f = JSON.parse(data.toString()) as { event?: string; id?: string; ok?: boolean; error?: { message?: string } };
      if (f.event === 'connect.challenge') {
        ws.send(JSON.stringify({ type: 'req', id: 'c', method: 'connect', params: {
          minProtocol: PROTOCOL_VERSION, maxProtocol: PROTOCOL_VERSION, role: 'operator', scopes: ['operator.read', 'operator.write'],
          client: { id: 'cli', version: '0.1.0', platform: process.platform, mode: 'cli' }, auth: { token },
        } }));
      } else if (f.id === 'c') {
        clearTimeout(timer);
        ws.off('message', onMessage);
        if (f.ok) resolve(ws); else reject(new Error(`connect refused: ${f.error?.message ?? '?'}`));
      }
    });
  });
}

/** `chat.send` of `/words N` to the gateway, reading every frame until that run's chat `final`. */
export async function streamFromGateway(url: string, token: string, words: number, runId: string): Promise<StreamResult> {
  const ws = await openGateway(url, token);
  const probe = probeHealthz(url.replace(/^ws/, 'http'));
  try {
    let textChars = 0;
    const t0 = performance.now();
    const before = bytesRead(ws);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no final event in time')), TIMEOUT_MS);
      ws.on('message', (data: Buffer) => {
        const f = JSON.parse(data.toString()) as { type: string; event?: string; id?: string; ok?: boolean; error?: { message?: string }; payload?: { runId?: string; state?: string; delta?: string; errorMessage?: string } };
        if (f.type === 'res' && f.id === runId && !f.ok) { clearTimeout(timer); reject(new Error(f.error?.message ?? 'chat.send failed')); return; }
        if (f.event !== 'chat' || f.payload?.runId !== runId) return;
        if (f.payload.state === 'delta') textChars += f.payload.delta?.length ?? 0;
        else if (f.payload.state === 'final') { clearTimeout(timer); resolve(); }
        else { clearTimeout(timer); reject(new Error(`run ended ${f.payload.state}: ${f.payload.errorMessage ?? ''}`)); }
      });
      ws.send(JSON.stringify({ type: 'req', id: runId, method: 'chat.send', params: { sessionKey: 'agent:manager:main', message: `/words ${words}`, idempotencyKey: runId } }));
    });
    const wallMs = performance.now() - t0;
    const wireBytes = bytesRead(ws) - before;
    const { worstMs, count } = await probe.stop();
    return { wallMs, wireBytes, textChars, worstHealthzMs: worstMs, healthzProbes: count };
  } finally {
    await probe.stop();
    ws.close();
  }
}

/** The baseline's client: ask the plain server for the text and time its one frame. */
export async function streamFromPlain(url: string): Promise<StreamResult> {
  const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  const probe = probeHealthz(url.replace(/^ws/, 'http'));
  try {
    const t0 = performance.now();
    const before = bytesRead(ws);
    const text = await new Promise<string>((resolve) => { ws.once('message', (d: Buffer) => resolve(d.toString())); ws.send('go'); });
    const wallMs = performance.now() - t0;
    const wireBytes = bytesRead(ws) - before;
    const { worstMs, count } = await probe.stop();
    return { wallMs, wireBytes, textChars: text.length, worstHealthzMs: worstMs, healthzProbes: count };
  } finally {
    await probe.stop();
    ws.close();
  }
}

/** A bare HTTP server with `/healthz` and a `ws` endpoint that answers any message with `text` as one frame. */
export async function startPlainTextServer(text: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const body = '{"ok":true}';
    res.writeHead(req.url === '/healthz' ? 200 : 404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  const wss = new WebSocketServer({ server, perMessageDeflate: false, maxPayload: 64 * 1024 });
  wss.on('connection', (ws) => {
    ws.on('message', () => ws.send(text));
    ws.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
