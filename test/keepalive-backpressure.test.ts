// Keepalive and backpressure: authenticated clients get `tick` events with a per-connection
// seq, and a client that stops reading is dropped once its buffer passes maxBufferedBytes —
// while everyone else keeps being served.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { connectWs } from '../src/client/ws.js';
import { bootGateway, type TestGateway } from './fixtures/gateway.fixture.js';

const TOKEN = 'keepalive-token-0123456789';

describe('keepalive and slow consumers', () => {
  let gw: TestGateway;
  before(async () => { gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN }, limits: { tickIntervalMs: 150, maxBufferedBytes: 64 * 1024 } } }); });
  after(() => gw.stop());

  it('sends tick events with {ts} and an increasing seq, as hello-ok policy announces', async () => {
    const { client, hello } = await connectWs({ url: gw.url, token: TOKEN });
    assert.equal(hello.policy.tickIntervalMs, 150);
    const ticks: { ts: number; seq: number }[] = [];
    await new Promise<void>((resolve) => client.on('tick', (p, f) => { ticks.push({ ts: (p as { ts: number }).ts, seq: f.seq! }); if (ticks.length === 2) resolve(); }));
    client.close();
    assert.ok(ticks[1]!.seq > ticks[0]!.seq);
    assert.ok(Math.abs(ticks[0]!.ts - Date.now()) < 5_000);
  });

  it('broadcasts one coalesced presence event when several clients connect', async () => {
    const { client: watcher } = await connectWs({ url: gw.url, token: TOKEN, clientId: 'test', clientMode: 'test' });
    await new Promise((r) => setTimeout(r, 400)); // let the watcher's own presence broadcast pass
    const events: { presence: { mode: string }[] }[] = [];
    watcher.on('presence', (p) => events.push(p as { presence: { mode: string }[] }));
    const others = await Promise.all([1, 2, 3].map(() => connectWs({ url: gw.url, token: TOKEN })));
    await new Promise((r) => setTimeout(r, 600));
    // Three connects in a burst make one broadcast (two if the burst straddles a 250 ms window).
    assert.ok(events.length >= 1 && events.length <= 2, `got ${events.length} presence events`);
    assert.equal(events.at(-1)!.presence.filter((e) => e.mode === 'cli').length, 3);
    for (const o of others) o.client.close();
    watcher.close();
  });

  it('drops a client that stops reading, and keeps serving the others', async () => {
    const { client, ws } = await connectWs({ url: gw.url, token: TOKEN });
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    (ws as unknown as { _socket: Socket })._socket.pause(); // stop reading: responses pile up on the server
    for (let i = 0; i < 20_000; i++) void client.request('health').catch(() => undefined);
    const deadline = Date.now() + 15_000;
    while (!gw.logs.some((l) => l.includes('slow consumer dropped')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(gw.logs.some((l) => l.includes('slow consumer dropped')), 'the gateway dropped the slow consumer');
    (ws as unknown as { _socket: Socket })._socket.resume();
    assert.ok([1008, 1006].includes(await closed));
    const other = await connectWs({ url: gw.url, token: TOKEN });
    assert.equal((await other.client.request<{ ok: boolean }>('health')).ok, true);
    other.client.close();
  });
});
