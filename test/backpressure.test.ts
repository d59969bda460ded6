// Outbound memory is bounded: a connection that stops reading is cut at its cap (default
// 4 MiB) while reading clients keep being served, the total across connections is capped by
// evicting the worst offender, and authenticated connections are capped per client IP and per
// principal with the documented refusal (UNAVAILABLE / TOO_MANY_CONNECTIONS, close 1013).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { connectWs, ConnectError } from '../src/client/ws.js';
import type { GatewayClient } from '../src/client/client.js';
import { bootGateway, type TestGateway } from './fixtures/gateway.fixture.js';

const TOKEN = 'backpressure-token-0123456789';
const socketOf = (ws: WebSocket) => (ws as unknown as { _socket: Socket })._socket;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Stops reading and sends `n` cheap requests whose answers (~900 bytes each) pile up on the gateway. */
function stopReadingAndFlood(client: GatewayClient, ws: WebSocket, n: number): void {
  socketOf(ws).pause();
  for (let i = 0; i < n; i++) void client.request('status', {}, { timeoutMs: 60_000 }).catch(() => undefined);
}

async function waitForLog(gw: TestGateway, pred: (l: Record<string, any>) => boolean, ms: number): Promise<Record<string, any> | undefined> {
  const deadline = Date.now() + ms;
  for (;;) {
    for (const l of gw.logs) { const o = JSON.parse(l) as Record<string, any>; if (pred(o)) return o; }
    if (Date.now() > deadline) return undefined;
    await sleep(50);
  }
}

describe('send buffers with the default limits', () => {
  let gw: TestGateway;
  before(async () => { gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN } } }); });
  after(() => gw.stop());

  it('cuts a connection that stops reading at 4 MiB, and keeps serving a reading client', async () => {
    const reader = await connectWs({ url: gw.url, token: TOKEN });
    const { client, ws, hello } = await connectWs({ url: gw.url, token: TOKEN });
    assert.equal(hello.policy.maxBufferedBytes, 4 * 1024 * 1024, 'hello-ok announces the per-connection cap');
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    stopReadingAndFlood(client, ws, 20_000);
    let served = 0;
    const dropped = waitForLog(gw, (l) => l.msg === 'slow consumer dropped', 30_000);
    while (!(await Promise.race([dropped.then(() => true), sleep(0).then(() => false)]))) {
      assert.equal((await reader.client.request<{ ok: boolean }>('health')).ok, true);
      served++;
    }
    const line = await dropped;
    assert.ok(line, 'the gateway dropped the connection that stopped reading');
    assert.ok(line.bufferedBytes <= 4 * 1024 * 1024 + 64 * 1024, `cut at the cap, not later (${line.bufferedBytes} bytes buffered)`);
    assert.ok(served > 0, 'the reading client was served meanwhile');
    socketOf(ws).resume();
    assert.ok([1008, 1006].includes(await closed));
    assert.equal((await reader.client.request<{ ok: boolean }>('health')).ok, true);
    reader.client.close();
  });
});

describe('the total send buffer limit', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN }, limits: { maxBufferedBytes: 8 * 1024 * 1024, maxTotalBufferedBytes: 1536 * 1024 } } });
  });
  after(() => gw.stop());

  it('evicts the worst non-reading connection before the total passes the limit, below the per-connection cap', async () => {
    const reader = await connectWs({ url: gw.url, token: TOKEN });
    const stuck = await Promise.all([1, 2].map(() => connectWs({ url: gw.url, token: TOKEN })));
    for (const s of stuck) stopReadingAndFlood(s.client, s.ws, 10_000);
    const evicted = await waitForLog(gw, (l) => l.msg === 'slow consumer dropped' && l.reason === 'total send buffer limit', 30_000);
    assert.ok(evicted, 'one was evicted for the total');
    assert.ok(!gw.logs.some((l) => l.includes('"limit":8388608')), 'no connection reached its own cap');
    assert.ok(evicted.totalBytes <= 1536 * 1024 + 64 * 1024, `the total stayed in bounds (${evicted.totalBytes})`);
    assert.equal((await reader.client.request<{ ok: boolean }>('health')).ok, true);
    for (const s of stuck) { socketOf(s.ws).resume(); s.ws.terminate(); }
    reader.client.close();
  });
});

describe('connection caps', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN }, limits: { maxConnectionsPerIp: 2, maxConnectionsPerPrincipal: 3 } } });
  });
  after(() => gw.stop());

  const refusal = async (p: Promise<unknown>): Promise<ConnectError> => {
    const err = await p.then(() => assert.fail('connect should be refused'), (e: unknown) => e);
    assert.ok(err instanceof ConnectError, String(err));
    return err;
  };

  it('refuses a third connection from one client IP with TOO_MANY_CONNECTIONS and close 1013, and frees the slot on close', async () => {
    const a = await connectWs({ url: gw.url, token: TOKEN, localAddress: '127.0.0.2' });
    const b = await connectWs({ url: gw.url, token: TOKEN, localAddress: '127.0.0.2' });
    const err = await refusal(connectWs({ url: gw.url, token: TOKEN, localAddress: '127.0.0.2' }));
    assert.equal(err.error?.code, 'UNAVAILABLE');
    assert.deepEqual(err.error?.details, { code: 'TOO_MANY_CONNECTIONS', limit: 'maxConnectionsPerIp', max: 2 });
    assert.equal(err.error?.retryable, true);
    assert.equal(err.closeCode, 1013);
    assert.equal(err.closeReason, 'too many connections');
    const closed = new Promise((r) => a.ws.once('close', r));
    a.client.close();
    await closed;
    await sleep(50);
    const c = await connectWs({ url: gw.url, token: TOKEN, localAddress: '127.0.0.2' });
    b.client.close(); c.client.close();
  });

  it('refuses a fourth connection of one principal from any address', async () => {
    const held = [
      await connectWs({ url: gw.url, token: TOKEN, localAddress: '127.0.0.3' }),
      await connectWs({ url: gw.url, token: TOKEN, localAddress: '127.0.0.4' }),
      await connectWs({ url: gw.url, token: TOKEN, localAddress: '127.0.0.5' }),
    ];
    const err = await refusal(connectWs({ url: gw.url, token: TOKEN, localAddress: '127.0.0.6' }));
    assert.deepEqual(err.error?.details, { code: 'TOO_MANY_CONNECTIONS', limit: 'maxConnectionsPerPrincipal', max: 3 });
    assert.equal(err.closeCode, 1013);
    assert.ok(gw.logs.some((l) => l.includes('too_many_connections')), 'the refusal is logged');
    for (const h of held) h.client.close();
  });
});
