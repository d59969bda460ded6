// Property test over `connect` params, the one request an unauthenticated peer can send: huge,
// deep, wrong-typed and control-character values anywhere in the frame. Each gets one bounded,
// well-formed refusal (or hello-ok), and the gateway keeps serving.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { connectWs } from '../src/client/ws.js';
import { ERROR_CODES, MAX_ERROR_MESSAGE } from '../src/protocol/error-codes.js';
import { bootGateway, type TestGateway } from './fixtures/gateway.fixture.js';
import { connectParams, openRaw } from './fixtures/raw-ws.fixture.js';

const TOKEN = 'fuzz-connect-token-0123456789';
const control = fc.constantFrom(1, 300, 5_000).chain((n) => fc.constantFrom('\u0000', '\n', '\u001b', '\u2028', '\ud800').map((c) => c.repeat(n)));
const wide = fc.constantFrom(100, 5_000).map((n) => Array.from({ length: n }, (_, i) => i));
const deep = fc.integer({ min: 50, max: 1_000 }).map((d) => { let v: unknown = 'x'; for (let i = 0; i < d; i++) v = { a: v }; return v; });
const evil = fc.oneof(control, wide, deep, fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(-1, 1.5, 1e308, null, true, '', 'operator', 'operator.admin'));
const clientKey = fc.constantFrom('id', 'mode', 'version', 'platform', 'displayName', 'instanceId', 'buildId', 'timeZone');
const topKey = fc.constantFrom('minProtocol', 'maxProtocol', 'role', 'scopes', 'caps', 'commands', 'permissions', 'device', 'auth', 'locale', 'userAgent', 'computerUse');

describe('fuzz: connect params', () => {
  let gw: TestGateway;
  before(async () => { gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN } } }); });
  after(() => gw.stop());

  it('every connect gets one bounded, well-formed answer and the gateway keeps serving', async () => {
    const mutation = fc.record({ top: fc.dictionary(topKey, evil, { maxKeys: 3 }), client: fc.dictionary(clientKey, evil, { maxKeys: 3 }) });
    await fc.assert(fc.asyncProperty(mutation, async ({ top, client }) => {
      const base = connectParams({ auth: { token: TOKEN } });
      const params = { ...base, ...top, client: { ...(base.client as object), ...client } };
      const peer = await openRaw(gw.url);
      let size = 0;
      peer.ws.on('message', (d: Buffer) => { const s = d.toString(); if (s.includes('"id":"c"')) size = s.length; });
      const text = JSON.stringify({ type: 'req', id: 'c', method: 'connect', params });
      peer.send(text);
      if (Buffer.byteLength(text) > gw.config.gateway.limits.maxPreAuthPayload) {
        assert.equal((await peer.closed).code, 1009, 'an oversized pre-auth frame closes 1009');
        return;
      }
      const res = await peer.next((f) => f.id === 'c', 10_000);
      assert.equal(res.type, 'res');
      if (!res.ok) {
        const e = res.error as { code: string; message: string };
        assert.ok((ERROR_CODES as readonly string[]).includes(e.code));
        assert.ok(e.message.length <= MAX_ERROR_MESSAGE + 1);
        assert.ok(size <= 24 * 1024, `refusal of ${size} bytes`);
        await peer.closed;
      } else {
        peer.ws.close();
      }
    }), { numRuns: 120, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 100_000), endOnFailure: true });
    const { client } = await connectWs({ url: gw.url, token: TOKEN });
    assert.equal((await client.request<{ ok: boolean }>('health')).ok, true);
    client.close();
  });
});
