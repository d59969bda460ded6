// The response guard with declared sizes: a page measured while it was filled carries its exact
// size, an in-process response is bounded by it without being serialised, and a response over
// the limit is RESPONSE_TOO_LARGE whichever way it is checked.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { declareJsonBytes, guardResponse } from './response-guard.js';
import { declarePageBytes, fillPage } from './paging.js';
import { createRpcSession } from './session.js';
import { createEventBus } from './events.js';
import type { CallerContext } from './registry.js';
import type { EventFrame, ResFrame } from '../protocol/frames.js';

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));
const caller: CallerContext = { connId: 'c1', principal: { kind: 'local' }, role: 'operator', scopes: ['operator.read'], client: { id: 'test', mode: 'test', version: '1' } };
const tick = () => new Promise((r) => setImmediate(r));

function seeded(seed: number): () => number {
  let x = seed;
  return () => { x = (x * 1103515245 + 12345) % 2147483648; return x / 2147483648; };
}
const ALPHABET = ['a', 'Z', '0', ' ', '\u0001', '\n', '"', '\\', 'é', '€', '😀', '\ud800', '\u2028'];
const randomString = (rand: () => number, max: number) => Array.from({ length: Math.floor(rand() * max) }, () => ALPHABET[Math.floor(rand() * ALPHABET.length)]).join('');

/** A payload whose JSON must never be built: its toJSON throws. */
function unserialisable<T extends object>(v: T): T {
  Object.defineProperty(v, 'toJSON', { enumerable: false, value: () => { throw new Error('serialised'); } });
  return v;
}

describe('response guard: declared sizes', () => {
  it('declarePageBytes declares exactly what JSON.stringify produces, for random rows and envelopes', () => {
    const rand = seeded(5);
    for (let i = 0; i < 300; i++) {
      const rows = Array.from({ length: Math.floor(rand() * 12) }, (_, j) => ({
        key: `agent:main:${randomString(rand, 60)}`, label: rand() < 0.3 ? undefined : randomString(rand, 120), n: j * 1.5, ok: rand() < 0.5, ids: rand() < 0.5 ? [] : [randomString(rand, 8)],
      }));
      const page = fillPage(rows, 200 + Math.floor(rand() * 3000));
      const payload = declarePageBytes({ ts: Date.now(), count: page.items.length, sessions: page.items, note: randomString(rand, 30), hasMore: page.full }, 'sessions', page);
      const frame: ResFrame = { type: 'res', id: `r-${randomString(rand, 10)}`, ok: true, payload };
      const exact = bytes(frame);
      // At the limit it passes unserialised; one byte over, it is refused with the exact size.
      const at = guardResponse(frame, exact, { text: false });
      assert.deepEqual([at.refused, at.text, at.frame], [undefined, undefined, frame]);
      declarePageBytes(payload, 'sessions', page);
      const over = guardResponse(frame, exact - 1, { text: false });
      assert.equal(over.refused?.reason, 'too_large');
      assert.equal(over.refused?.bytes, exact);
    }
  });

  it('an in-process response within its declared size is delivered as is, never serialised', () => {
    const payload = unserialisable(declareJsonBytes({ a: 1 }, 7));
    const g = guardResponse({ type: 'res', id: '1', ok: true, payload }, 1000, { text: false });
    assert.equal(g.refused, undefined);
    assert.equal(g.text, undefined);
    assert.equal(g.frame.payload, payload);
  });

  it('a declared response over the limit is RESPONSE_TOO_LARGE on the text path too, without building its text', () => {
    const payload = unserialisable(declareJsonBytes({ a: 1 }, 5_000));
    const g = guardResponse({ type: 'res', id: '2', ok: true, payload }, 1000);
    assert.equal(g.frame.ok, false);
    assert.deepEqual(g.frame.error?.details, { code: 'RESPONSE_TOO_LARGE', maxPayload: 1000, bytes: 5_000 + bytes({ type: 'res', id: '2', ok: true, payload: null }) - 4 });
    assert.ok(g.text !== undefined && Buffer.byteLength(g.text) < 1000);
  });

  it('a declaration is used once: the same object answered again is serialised and measured', () => {
    const payload = declareJsonBytes({ text: 'x'.repeat(100) }, 2);
    assert.equal(guardResponse({ type: 'res', id: '3', ok: true, payload }, 50, { text: false }).refused, undefined);
    const again = guardResponse({ type: 'res', id: '3', ok: true, payload }, 50, { text: false });
    assert.equal(again.refused?.reason, 'too_large');
    assert.equal(again.refused?.bytes, bytes({ type: 'res', id: '3', ok: true, payload }));
  });

  it('a response without a declaration is serialised to be measured, in-process too', () => {
    const big = { type: 'res' as const, id: '4', ok: true, payload: { text: '\u0001'.repeat(200) } };
    const g = guardResponse(big, 1000, { text: false });
    assert.equal(g.refused?.reason, 'too_large');
    assert.equal(g.refused?.bytes, bytes(big));
    const small = guardResponse({ type: 'res', id: '5', ok: true, payload: { a: 1 } }, 1000, { text: false });
    assert.equal(small.refused, undefined);
  });

  it('a page that is not the declared payload\'s array declares nothing', () => {
    const page = fillPage([{ a: 1 }], 1000);
    const payload = declarePageBytes({ sessions: [{ a: 1 }, { b: 'x'.repeat(5000) }] }, 'sessions', page);
    assert.equal(guardResponse({ type: 'res', id: '6', ok: true, payload }, 1000, { text: false }).refused?.reason, 'too_large');
  });
});

describe('rpc session: an in-process sink (objects, no text)', () => {
  function setup(payload: () => unknown, maxResponseBytes: number) {
    const sent: (ResFrame | EventFrame)[] = [];
    const session = createRpcSession(caller, { methods: ['m'], dispatch: async () => ({ ok: true, payload: payload() }) }, createEventBus(), { send: (f) => { sent.push(f); } }, { events: false, maxResponseBytes });
    return { sent, session };
  }

  it('gets a declared page within maxPayload as the very object, unserialised', async () => {
    const payload = unserialisable(declareJsonBytes({ a: 1 }, 7));
    const { sent, session } = setup(() => payload, 1000);
    session.handle({ type: 'req', id: 'r1', method: 'm' });
    await tick();
    assert.equal((sent[0] as ResFrame).payload, payload);
  });

  it('gets RESPONSE_TOO_LARGE for a declared page over maxPayload, and for an undeclared one', async () => {
    for (const payload of [() => declareJsonBytes({ a: 1 }, 2_000), () => ({ text: 'y'.repeat(2_000) })]) {
      const { sent, session } = setup(payload, 1000);
      session.handle({ type: 'req', id: 'r2', method: 'm' });
      await tick();
      const f = sent[0] as ResFrame;
      assert.equal(f.ok, false);
      assert.equal(f.error?.details?.code, 'RESPONSE_TOO_LARGE');
      assert.ok((f.error?.details?.bytes as number) > 1000);
    }
  });
});
