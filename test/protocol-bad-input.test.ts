// Bad input gets the documented error or close, and the gateway keeps serving other clients.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectWs } from '../src/client/ws.js';
import { bootGateway, type TestGateway } from './fixtures/gateway.fixture.js';
import { connectParams, openRaw } from './fixtures/raw-ws.fixture.js';

describe('protocol: handshake and bad input', () => {
  let gw: TestGateway;
  before(async () => { gw = await bootGateway({ gateway: { auth: { mode: 'token', token: 'bad-input-token-123' }, limits: { handshakeTimeoutMs: 400 } } }); });
  after(() => gw.stop());

  const healthy = async () => {
    const { client } = await connectWs({ url: gw.url, token: 'bad-input-token-123' });
    const h = await client.request<{ ok: boolean }>('health');
    client.close();
    assert.equal(h.ok, true);
  };

  it('sends connect.challenge with a nonce and ts as the first frame', async () => {
    const peer = await openRaw(gw.url);
    const f = await peer.next(() => true);
    assert.equal(f.type, 'event');
    assert.equal(f.event, 'connect.challenge');
    const p = f.payload as { nonce: string; ts: number };
    assert.match(p.nonce, /^[0-9a-f-]{36}$/);
    assert.ok(Math.abs(p.ts - Date.now()) < 5_000);
    assert.deepEqual(Object.keys(f).sort(), ['event', 'payload', 'type']);
    peer.ws.close();
  });

  it('answers hello-ok with protocol 4, features, snapshot, auth and policy and no extra top-level keys', async () => {
    const peer = await openRaw(gw.url);
    peer.send({ type: 'req', id: 'c1', method: 'connect', params: connectParams({ auth: { token: 'bad-input-token-123' } }) });
    const res = await peer.next((f) => f.id === 'c1');
    assert.deepEqual(Object.keys(res).sort(), ['id', 'ok', 'payload', 'type']);
    const hello = res.payload as Record<string, any>;
    assert.equal(hello.type, 'hello-ok');
    assert.equal(hello.protocol, 4);
    assert.ok(hello.features.methods.includes('health'));
    assert.ok(hello.features.events.includes('tick'));
    assert.deepEqual(hello.auth, { role: 'operator', scopes: ['operator.read', 'operator.write'] });
    assert.deepEqual(hello.policy, { maxPayload: 25 * 1024 * 1024, maxBufferedBytes: 4 * 1024 * 1024, tickIntervalMs: 30_000 });
    assert.equal(hello.snapshot.authMode, 'token');
    peer.ws.close();
  });

  it('closes 1008 when the first frame is not connect, answering the request first', async () => {
    const peer = await openRaw(gw.url);
    peer.send({ type: 'req', id: 'x1', method: 'health', params: {} });
    const res = await peer.next((f) => f.id === 'x1');
    assert.equal(res.ok, false);
    assert.equal((res.error as { code: string }).code, 'INVALID_REQUEST');
    assert.equal((res.error as { message: string }).message, 'invalid handshake: first request must be connect');
    assert.deepEqual(await peer.closed, { code: 1008, reason: 'invalid handshake' });
    await healthy();
  });

  it('closes 1008 on invalid JSON before connect', async () => {
    const peer = await openRaw(gw.url);
    peer.send('{not json');
    assert.deepEqual(await peer.closed, { code: 1008, reason: 'invalid handshake' });
    await healthy();
  });

  it('closes 1009 on an oversize pre-auth frame but accepts large frames after connect', async () => {
    const peer = await openRaw(gw.url);
    peer.send({ type: 'req', id: 'big', method: 'connect', params: { pad: 'x'.repeat(65 * 1024) } });
    assert.equal((await peer.closed).code, 1009);
    const ok = await openRaw(gw.url);
    ok.send({ type: 'req', id: 'c', method: 'connect', params: connectParams({ auth: { token: 'bad-input-token-123' } }) });
    await ok.next((f) => f.id === 'c');
    ok.send({ type: 'req', id: 'h', method: 'health', params: { probe: false, pad: 'y'.repeat(1024 * 1024) } });
    const res = await ok.next((f) => f.id === 'h');
    assert.equal(res.ok, true);
    ok.ws.close();
  });

  it('refuses protocol versions other than 4 with close 1002', async () => {
    const peer = await openRaw(gw.url);
    peer.send({ type: 'req', id: 'c', method: 'connect', params: connectParams({ minProtocol: 3, maxProtocol: 3, auth: { token: 'bad-input-token-123' } }) });
    const res = await peer.next((f) => f.id === 'c');
    assert.deepEqual(res.error, {
      code: 'INVALID_REQUEST', message: 'protocol mismatch: the gateway speaks protocol 4, the client offered 3',
      details: { code: 'PROTOCOL_MISMATCH', expectedProtocol: 4, clientMinProtocol: 3, clientMaxProtocol: 3 },
    });
    assert.deepEqual(await peer.closed, { code: 1002, reason: 'protocol mismatch' });
  });

  it('refuses invalid connect params with the key path', async () => {
    const peer = await openRaw(gw.url);
    peer.send({ type: 'req', id: 'c', method: 'connect', params: connectParams({ client: { id: 'test', version: 1, platform: 'linux', mode: 'test' } }) });
    const res = await peer.next((f) => f.id === 'c');
    assert.match((res.error as { message: string }).message, /^invalid connect params: client\.version: expected string/);
    assert.equal((await peer.closed).code, 1008);
  });

  it('closes a connection that never sends connect after the handshake timeout', async () => {
    const peer = await openRaw(gw.url);
    assert.deepEqual(await peer.closed, { code: 1008, reason: 'handshake timeout' });
  });

  it('answers unknown methods, wrong param types and bad frames without dropping the connection', async () => {
    const { client } = await connectWs({ url: gw.url, token: 'bad-input-token-123' });
    await assert.rejects(client.request('no.such.method'), (e: Error & { code?: string }) => e.code === 'INVALID_REQUEST' && e.message === 'unknown method: no.such.method');
    await assert.rejects(client.request('sessions.list', { limit: 'ten' }), (e: Error & { code?: string }) => e.code === 'INVALID_REQUEST' && /sessions\.list params: limit: expected number/.test(e.message));
    // Unknown optional params are ignored (newer clients send more); known ones stay typed.
    assert.ok(Array.isArray((await client.request<{ sessions: unknown[] }>('sessions.list', { bogus: 1 })).sessions));
    await assert.rejects(client.request('config.set'), (e: Error & { code?: string }) => e.code === 'INVALID_REQUEST');
    const h = await client.request<{ ok: boolean }>('health');
    assert.equal(h.ok, true);
    client.close();
  });

  it('refuses a method the granted scopes do not cover with FORBIDDEN and MISSING_SCOPE', async () => {
    const { client } = await connectWs({ url: gw.url, token: 'bad-input-token-123', scopes: ['operator.read'] });
    await assert.rejects(client.request('chat.send', { sessionKey: 'agent:manager:main', message: 'hi' }), (e: Error & { code?: string; details?: Record<string, unknown> }) =>
      e.code === 'FORBIDDEN' && e.message === 'missing scope: operator.write' && e.details?.code === 'MISSING_SCOPE' && e.details?.missingScope === 'operator.write');
    client.close();
  });

  it('serves /healthz without auth and /readyz when ready', async () => {
    const base = gw.url.replace('ws:', 'http:');
    const h = await fetch(`${base}/healthz`);
    assert.equal(h.status, 200);
    assert.deepEqual(await h.json(), { ok: true });
    const r = await fetch(`${base}/readyz`);
    assert.equal(r.status, 200);
  });
});
