// A subscriber that stops reading while a busy session pours `session.message` and
// `sessions.changed` into its socket is cut at its send budget (maxBufferedBytes), like any slow
// consumer; the person's runs, other subscribers and other clients keep being served.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { connectWs } from '../src/client/ws.js';
import { bootGateway, SEED_GATEWAY, type TestGateway } from './fixtures/gateway.fixture.js';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const KEY = 'agent:manager:project:busy';
const BUDGET = 512 * 1024;
const socketOf = (ws: WebSocket) => (ws as unknown as { _socket: Socket })._socket;

describe('session events to a subscriber that stops reading', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await bootGateway({
      gateway: {
        ...SEED_GATEWAY, port: 0,
        auth: { ...SEED_GATEWAY.auth, trustedProxy: { ...SEED_GATEWAY.auth.trustedProxy, allowUsers: [ALICE, BOB] } },
        limits: { maxBufferedBytes: BUDGET },
      },
      agents: { list: [{ id: 'manager', default: true }] },
    });
  });
  after(() => gw.stop());

  it('is cut at its budget while the runs, a reading subscriber and another person go on', async () => {
    const headers = { 'x-authentik-email': ALICE };
    const [writer, slow, reading, bob] = await Promise.all([connectWs({ url: gw.url, headers }), connectWs({ url: gw.url, headers }), connectWs({ url: gw.url, headers }), connectWs({ url: gw.url, headers: { 'x-authentik-email': BOB } })]);
    for (const c of [slow.client, reading.client]) {
      await c.request('sessions.subscribe', {});
      await c.request('sessions.messages.subscribe', { key: KEY });
    }
    let heard = 0;
    reading.client.on('session.message', () => { heard++; });
    const closed = new Promise<number>((resolve) => slow.ws.on('close', (code) => resolve(code)));
    socketOf(slow.ws).pause();
    // Loopback socket buffers absorb a few MB before the gateway's own buffer grows.
    const droppedLine = () => gw.logs.map((l) => JSON.parse(l) as Record<string, any>).find((l) => l.msg === 'slow consumer dropped');
    let runs = 0;
    for (let i = 0; i < 200 && !droppedLine(); i++, runs++) {
      // Each run stores two ~100 KB entries: two session.message events cut to 64 KiB, plus list changes.
      await writer.client.request('agent', { sessionKey: KEY, message: `${i} ${'x'.repeat(100_000)}`, idempotencyKey: `busy-${i}` }, { expectFinal: true, timeoutMs: 20_000 });
      assert.equal((await bob.client.request<{ ok: boolean }>('health')).ok, true, 'another person is served meanwhile');
    }
    const dropped = droppedLine();
    assert.ok(dropped, 'the subscriber that stopped reading was dropped');
    // The budget is what may wait behind the frame being written; that frame is one event (≤ 64 KiB and its row).
    assert.ok(dropped.bufferedBytes <= BUDGET + 72 * 1024, `cut at its budget (${dropped.bufferedBytes} bytes)`);
    socketOf(slow.ws).resume();
    assert.ok([1008, 1006].includes(await closed));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(heard, runs * 2, 'the reading subscriber got every entry');
    for (const c of [writer, reading, bob]) c.client.close();
  });

  it('a 6 MB assistant entry reaches a subscriber as one event cut to 64 KiB, and the session\'s list row stays small', async () => {
    const { client } = await connectWs({ url: gw.url, headers: { 'x-authentik-email': ALICE } });
    const key = 'agent:manager:project:huge-reply';
    await client.request('sessions.messages.subscribe', { key });
    await client.request('sessions.subscribe', {});
    const sizes: { event: string; bytes: number; truncated?: boolean }[] = [];
    for (const ev of ['session.message', 'sessions.changed']) client.on(ev, (p) => { sizes.push({ event: ev, bytes: Buffer.byteLength(JSON.stringify(p)), truncated: (p as { message?: { truncated?: boolean } }).message?.truncated }); });
    await client.request('agent', { sessionKey: key, message: '/words 1000000', idempotencyKey: 'huge-reply' }, { expectFinal: true, timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 300));
    const messages = sizes.filter((s) => s.event === 'session.message');
    assert.equal(messages.length, 2);
    assert.ok(messages[1]!.truncated, 'the reply says it was cut');
    for (const s of sizes) assert.ok(s.bytes < 64 * 1024 + 4096, `${s.event} is ${s.bytes} bytes`);
    client.close();
  });
});
