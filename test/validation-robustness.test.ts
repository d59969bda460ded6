// Nothing a caller sends can take the gateway down or make it build an unbounded reply:
// the 6-million-element `kinds` frame, bad run timeouts, lenient-but-strict connect, and the
// unknown-method metric. The property test over every method lives in fuzz-methods.test.ts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { connectWs } from '../src/client/ws.js';
import { bootGateway, type TestGateway } from './fixtures/gateway.fixture.js';
import { connectParams, openRaw, type RawPeer } from './fixtures/raw-ws.fixture.js';

const TOKEN = 'robust-token-0123456789';

/** Sends one raw text frame and returns the reply's text and parsed frame. */
async function rawCall(peer: RawPeer, id: string, text: string): Promise<{ size: number; frame: Record<string, any> }> {
  let size = 0;
  const sized = new Promise<void>((resolve) => {
    const onMessage = (d: Buffer) => { const s = d.toString(); if (s.includes(`"id":"${id}"`)) { size = s.length; peer.ws.off('message', onMessage); resolve(); } };
    peer.ws.on('message', onMessage);
  });
  peer.ws.send(text);
  const frame = await peer.next((f) => f.id === id, 60_000);
  await sized;
  return { size, frame };
}

async function authed(gw: TestGateway, extra: Record<string, unknown> = {}): Promise<RawPeer> {
  const peer = await openRaw(gw.url, { maxPayload: 64 * 1024 * 1024 });
  peer.send({ type: 'req', id: 'c', method: 'connect', params: connectParams({ auth: { token: TOKEN }, ...extra }) });
  const res = await peer.next((f) => f.id === 'c');
  assert.equal(res.ok, true, JSON.stringify(res.error));
  return peer;
}

describe('validation robustness', () => {
  let gw: TestGateway;
  before(async () => { gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN }, metrics: { public: true } } }); });
  after(() => gw.stop());

  it('a read-only caller sending sessions.list with 6 million kinds (12 MB) gets one bounded error, and health still answers', async () => {
    const peer = await authed(gw, { scopes: ['operator.read'] });
    const text = `{"type":"req","id":"k1","method":"sessions.list","params":{"kinds":[${'0,'.repeat(6_000_000 - 1)}0]}}`;
    assert.ok(text.length > 12_000_000);
    const { size, frame } = await rawCall(peer, 'k1', text);
    assert.equal(frame.ok, false);
    assert.equal(frame.error.code, 'INVALID_REQUEST');
    assert.equal(frame.error.details.code, 'INVALID_PARAMS');
    assert.ok(size < 8_192, `error reply is ${size} bytes`);
    assert.ok(frame.error.details.issues.length <= 20);
    assert.match(frame.error.message, /^invalid sessions\.list params: kinds: must have at most 32 items; kinds\[0\]: expected string, got number; .* and \d+\+? more$/);
    peer.send({ type: 'req', id: 'h1', method: 'health', params: {} });
    assert.equal(((await peer.next((f) => f.id === 'h1')).payload as { ok: boolean }).ok, true);
    const res = await fetch(gw.url.replace('ws:', 'http:') + '/healthz');
    assert.equal(res.status, 200);
    peer.ws.close();
  });

  it('a string of a million control characters in a param is echoed nowhere unbounded', async () => {
    const peer = await authed(gw);
    const huge = '\u0001'.repeat(1_000_000);
    const { size, frame } = await rawCall(peer, 'u1', JSON.stringify({ type: 'req', id: 'u1', method: 'sessions.resolve', params: { key: huge } }));
    assert.equal(frame.ok, false);
    assert.ok(size < 8_192, `error reply is ${size} bytes`);
    const { size: size2, frame: f2 } = await rawCall(peer, 'u2', JSON.stringify({ type: 'req', id: 'u2', method: 'sessions.create', params: { agentId: huge } }));
    assert.equal(f2.ok, false);
    assert.ok(size2 < 8_192, `error reply is ${size2} bytes`);
    peer.ws.close();
  });

  it('fractional, huge and negative run timeouts are refused with INVALID_PARAMS', async () => {
    const { client } = await connectWs({ url: gw.url, token: TOKEN });
    const refused = (re: RegExp) => (e: Error & { code?: string; details?: { code?: string } }) => e.code === 'INVALID_REQUEST' && e.details?.code === 'INVALID_PARAMS' && re.test(e.message);
    for (const timeout of [1.5, 1e12, -1, Number.MAX_SAFE_INTEGER]) {
      await assert.rejects(client.request('agent', { message: 'hi', idempotencyKey: randomUUID(), sessionKey: 'agent:manager:main', timeout }), refused(/timeout: must be/));
    }
    for (const timeoutMs of [0.5, 1e15, -5]) {
      await assert.rejects(client.request('chat.send', { sessionKey: 'agent:manager:main', message: 'hi', timeoutMs }), refused(/timeoutMs: must be/));
      await assert.rejects(client.request('sessions.send', { key: 'agent:manager:main', message: 'hi', timeoutMs }), refused(/timeoutMs: must be/));
    }
    client.close();
  });

  it('a run that cannot start (a timeout AbortSignal refuses) ends with an error outcome, not stuck accepted', async () => {
    const caller = { connId: 'test', principal: { kind: 'local' } as never, role: 'operator' as const, scopes: ['operator.admin' as const], client: { id: 'test', mode: 'test', version: '1' } };
    const runId = randomUUID();
    const h = gw.runs.start(caller, { runId, message: 'hi', sessionKey: 'agent:manager:main', timeoutMs: 1.5 });
    const outcome = await h.done;
    assert.equal(outcome.status, 'error');
    assert.equal(gw.store.getRun('operator', runId)?.status, 'error');
  });

  it('connect accepts OpenClaw 2026.9.6 descriptions (unknown client keys, capabilities, ids, modes) and logs them at debug', async () => {
    for (const [id, mode] of [['openclaw-tui', 'ui'], ['openclaw-browser-copilot', 'webchat'], ['openclaw-linux', 'node'], ['openclaw-watchos', 'ui'], ['openclaw-worker', 'worker']] as const) {
      const peer = await openRaw(gw.url);
      peer.send({ type: 'req', id: 'c', method: 'connect', params: connectParams({
        auth: { token: TOKEN }, client: { id, mode, version: '2026.9.6', platform: 'linux', buildId: 'abc123', timeZone: 'Europe/Berlin' },
        computerUse: { enabled: false }, workerRuns: true, modelCatalog: { version: 2 },
      }) });
      const res = await peer.next((f) => f.id === 'c');
      assert.equal(res.ok, true, `${id}: ${JSON.stringify(res.error)}`);
      peer.ws.close();
    }
    assert.ok(gw.logs.some((l) => l.includes('connect: ignored unknown params') && l.includes('client.buildId') && l.includes('computerUse')));
  });

  it('connect stays strict on auth, device, role and scopes, and on insane client ids', async () => {
    const bad: [string, Record<string, unknown>, RegExp][] = [
      ['scopes as a string', { scopes: 'operator.admin' }, /scopes: expected array/],
      ['a scope that is not a string', { scopes: [{}] }, /scopes\[0\]: expected string/],
      ['role as a number', { role: 7 }, /role: expected string/],
      ['an unknown auth key', { auth: { token: TOKEN, tokne: 'x' } }, /auth\.tokne: unknown key/],
      ['an unknown device key', { device: { id: 'd', publicKey: 'k', signature: 's', signedAt: 1, extra: 1 } }, /device\.extra: unknown key/],
      ['a client id with spaces', { client: { id: 'bad id', version: '1', platform: 'linux', mode: 'ui' } }, /client\.id: must be a token/],
      ['a 65-character client mode', { client: { id: 'x', version: '1', platform: 'linux', mode: 'm'.repeat(65) } }, /client\.mode: must be at most 64 characters/],
    ];
    for (const [what, extra, re] of bad) {
      const peer = await openRaw(gw.url);
      peer.send({ type: 'req', id: 'c', method: 'connect', params: connectParams({ auth: { token: TOKEN }, ...extra }) });
      const res = await peer.next((f) => f.id === 'c');
      assert.equal(res.ok, false, what);
      assert.match((res.error as { message: string }).message, re, what);
      peer.ws.close();
    }
    const peer = await openRaw(gw.url);
    peer.send({ type: 'req', id: 'c', method: 'connect', params: connectParams({ auth: { token: TOKEN }, role: 'node' }) });
    const res = await peer.next((f) => f.id === 'c');
    assert.equal((res.error as { details: { code: string } }).details.code, 'ROLE_NOT_SUPPORTED');
  });

  it('unknown optional params of known methods are ignored and logged at debug; wrong types of known ones are refused', async () => {
    const { client } = await connectWs({ url: gw.url, token: TOKEN });
    const r = await client.request<{ sessions: unknown[] }>('sessions.list', { limit: 5, includeArchived: true, newerThing: { a: 1 } });
    assert.ok(Array.isArray(r.sessions));
    assert.ok(gw.logs.some((l) => l.includes('ignored unknown params') && l.includes('newerThing')));
    await assert.rejects(client.request('sessions.list', { limit: 'five', newerThing: 1 }), /limit: expected number, got string/);
    client.close();
  });

  it('unknown methods are logged at debug and counted in /metrics by name, with bounded cardinality', async () => {
    const { client } = await connectWs({ url: gw.url, token: TOKEN });
    for (let i = 0; i < 2; i++) await assert.rejects(client.request('nosuch.method'), /unknown method: nosuch\.method/);
    await assert.rejects(client.request('evil\nname'), /unknown method: evil\\u000aname/);
    for (let i = 0; i < 60; i++) await assert.rejects(client.request(`made.up.${i}`));
    client.close();
    const text = await (await fetch(gw.url.replace('ws:', 'http:') + '/metrics')).text();
    assert.match(text, /clawgate_unknown_method_calls_total\{method="nosuch\.method"\} 2\b/);
    assert.match(text, /clawgate_unknown_method_calls_total\{method="other"\} \d+/);
    const names = text.split('\n').filter((l) => l.startsWith('clawgate_unknown_method_calls_total{'));
    assert.ok(names.length <= 51, `${names.length} series`);
    assert.ok(!text.includes('evil'));
    assert.ok(gw.logs.some((l) => l.includes('"unknown method"') && l.includes('nosuch.method')));
  });
});
