// Property test over EVERY method the gateway serves (read from hello-ok, so new methods are
// covered without editing this file): huge, deep, wrong-typed and control-character params.
// Each call must get one well-formed response of bounded size, the connection must survive, and
// `health` must still answer afterwards. Bounded to about 10 s of calls.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ERROR_CODES, MAX_ERROR_MESSAGE } from '../src/protocol/error-codes.js';
import { bootGateway, type TestGateway } from './fixtures/gateway.fixture.js';
import { connectParams, openRaw, type RawPeer } from './fixtures/raw-ws.fixture.js';

const TOKEN = 'fuzz-token-0123456789abc';
const BUDGET_MS = 10_000;
/** An error reply carries at most 20 issues of bounded path and message: far below this. */
const MAX_ERROR_FRAME = 24 * 1024;
const COMMON_KEYS = ['key', 'sessionKey', 'sessionId', 'message', 'limit', 'kinds', 'agentId', 'label', 'runId', 'idempotencyKey',
  'timeout', 'timeoutMs', 'spawnedBy', 'search', 'probe', 'maxBytes', 'cursor', 'offset', 'view', 'visible', 'includeApprovals', 'attachments', 'thinking', 'model', 'task'];

const controlString = fc.constantFrom(1, 100, 10_000, 100_000).chain((n) => fc.constantFrom('\u0000', '\u0001', '\n', '\u001b[2J', '\u2028', '\ud800', 'é').map((c) => c.repeat(n)));
const deep = fc.integer({ min: 100, max: 3_000 }).chain((depth) => fc.constantFrom('array', 'object').map((kind) => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = kind === 'array' ? [v] : { a: v };
  return v;
}));
const wide = fc.constantFrom(1_000, 50_000).chain((n) => fc.constantFrom<unknown>(0, 'x', null, true, {}).map((x) => Array.from({ length: n }, () => x)));
const manyKeys = fc.constantFrom(100, 5_000).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}\u0001`, i])));
const oddNumber = fc.constantFrom(-1, 0, 1.5, -0.5, 1e308, -1e308, 2 ** 53, 2 ** 31, 0.1 + 0.2);
const evil = fc.oneof(controlString, deep, wide, manyKeys, oddNumber, fc.jsonValue({ maxDepth: 4 }), fc.string({ maxLength: 50 }));

function paramsFor(keys: readonly string[]) {
  const key = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...keys) }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) }, { weight: 1, arbitrary: controlString });
  return fc.oneof(
    { weight: 6, arbitrary: fc.dictionary(key, evil, { minKeys: 1, maxKeys: 4 }) },
    { weight: 1, arbitrary: fc.oneof(evil, fc.constant(null), fc.constant([])) },
  );
}

describe('fuzz: every method\'s params', () => {
  let gw: TestGateway;
  let peer: RawPeer;
  let methods: string[] = [];
  let n = 0;
  before(async () => {
    gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN } } });
    peer = await openRaw(gw.url, { maxPayload: 64 * 1024 * 1024 });
    peer.send({ type: 'req', id: 'c', method: 'connect', params: connectParams({ auth: { token: TOKEN }, scopes: ['operator.admin', 'operator.read', 'operator.write'] }) });
    const hello = await peer.next((f) => f.id === 'c');
    methods = ((hello.payload as { features: { methods: string[] } }).features.methods).filter((m) => m !== 'connect');
  });
  after(() => gw.stop());

  const sizes = new Map<string, number>();
  const call = async (method: string, params: unknown): Promise<{ frame: Record<string, any>; size: number }> => {
    const id = `f${++n}`;
    const text = JSON.stringify({ type: 'req', id, method, params });
    const sized = new Promise<number>((resolve) => {
      const on = (d: Buffer) => { const s = d.toString(); if (s.startsWith(`{"type":"res","id":"${id}"`)) { peer.ws.off('message', on); resolve(s.length); } };
      peer.ws.on('message', on);
    });
    peer.ws.send(text);
    const frame = await peer.next((f) => f.id === id, 30_000);
    const size = await sized;
    sizes.set(method, Math.max(sizes.get(method) ?? 0, size));
    return { frame, size };
  };

  it('every reply is one well-formed, bounded response and health still answers', async () => {
    assert.ok(methods.length >= 10, `methods: ${methods.join(', ')}`);
    // About BUDGET_MS in all: the runs per method shrink as methods are added (at least 4 each).
    const started = Date.now();
    let runs = 0;
    for (const method of methods) {
      // Learn the required keys from the gateway's own answer to empty params.
      const probe = await call(method, {});
      const required = probe.frame.ok ? [] : ((probe.frame.error?.details?.issues ?? []) as { path: string; message: string }[]).filter((i) => i.message === 'is required').map((i) => i.path);
      const keys = [...new Set([...required, ...COMMON_KEYS])];
      await fc.assert(fc.asyncProperty(paramsFor(keys), async (params) => {
        runs++;
        const { frame, size } = await call(method, params);
        assert.equal(frame.type, 'res');
        assert.equal(typeof frame.ok, 'boolean');
        if (!frame.ok) {
          assert.ok((ERROR_CODES as readonly string[]).includes(frame.error.code), `${method}: code ${frame.error.code}`);
          assert.equal(typeof frame.error.message, 'string');
          assert.ok(frame.error.message.length <= MAX_ERROR_MESSAGE + 1, `${method}: message of ${frame.error.message.length}`);
          assert.ok(size <= MAX_ERROR_FRAME, `${method}: error reply of ${size} bytes`);
        } else {
          assert.ok(size <= gw.config.gateway.limits.maxPayload, `${method}: reply of ${size} bytes`);
        }
      }), { numRuns: Math.max(4, Math.floor(BUDGET_MS / 25 / methods.length)), seed: Number(process.env.FUZZ_SEED ?? Date.now() % 100_000), endOnFailure: true });
    }
    assert.equal(peer.ws.readyState, peer.ws.OPEN, 'the fuzzing connection was closed');
    const h = await call('health', {});
    assert.equal(h.frame.ok, true);
    assert.equal((await fetch(gw.url.replace('ws:', 'http:') + '/healthz')).status, 200);
    assert.ok(runs >= methods.length * 4, `only ${runs} calls`);
    console.log(`# fuzzed ${methods.length} methods with ${runs} calls in ${Date.now() - started} ms`);
  });
});
