// JSON sizes agree with JSON.stringify + UTF-8 for every kind of character (control characters,
// quotes, multi-byte, surrogate pairs and lone surrogates), and truncation stays within budget.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { boundJsonValue, jsonStringBytes, jsonValueBytes, prefixWithinJsonBytes, prefixWithinUnits, truncateToUnits } from './json-size.js';

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));
const ALPHABET = ['a', '\u0001', '\n', '\t', '"', '\\', 'é', '€', '😀', '\ud800', '\udc00', '\u001f', '\u007f', '\u2028', ' '];

function randomString(rand: () => number, max: number): string {
  let s = '';
  const n = Math.floor(rand() * max);
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(rand() * ALPHABET.length)];
  return s;
}

function seeded(seed: number): () => number {
  let x = seed;
  return () => { x = (x * 1103515245 + 12345) % 2147483648; return x / 2147483648; };
}

describe('json sizes', () => {
  it('jsonStringBytes equals the UTF-8 length of JSON.stringify for random strings', () => {
    const rand = seeded(7);
    for (let i = 0; i < 2000; i++) {
      const s = randomString(rand, 40);
      assert.equal(jsonStringBytes(s), bytes(s), JSON.stringify(s));
    }
  });

  it('jsonStringBytes agrees on long strings too (measured natively when plain) and on short plain ones', () => {
    const rand = seeded(13);
    for (let i = 0; i < 500; i++) {
      const s = rand() < 0.5 ? randomString(rand, 300) : 'p'.repeat(Math.floor(rand() * 120)) + (rand() < 0.3 ? randomString(rand, 3) : '');
      assert.equal(jsonStringBytes(s), bytes(s), JSON.stringify(s));
    }
    for (let c = 0; c < 0x100; c++) { const s = `ab${String.fromCharCode(c)}`; assert.equal(jsonStringBytes(s), bytes(s), `U+${c.toString(16)}`); }
  });

  it('a control character costs six bytes: a million U+0001 is 6 MB of JSON', () => {
    assert.equal(jsonStringBytes('\u0001'.repeat(1_000_000)), 6_000_002);
  });

  it('jsonValueBytes equals JSON.stringify for nested plain data', () => {
    const rand = seeded(11);
    const make = (d: number): unknown => {
      const r = rand();
      if (d > 3 || r < 0.3) return randomString(rand, 10);
      if (r < 0.4) return Math.floor(rand() * 1e6) / 7;
      if (r < 0.45) return rand() < 0.5;
      if (r < 0.5) return null;
      if (r < 0.75) return Array.from({ length: Math.floor(rand() * 4) }, () => make(d + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(rand() * 4) }, () => [randomString(rand, 5), make(d + 1)]));
    };
    for (let i = 0; i < 500; i++) { const v = make(0); assert.equal(jsonValueBytes(v), bytes(v)); }
    assert.equal(jsonValueBytes({ a: undefined, b: 1 }), bytes({ a: undefined, b: 1 }));
    assert.equal(jsonValueBytes([undefined, NaN, -0, 1e21]), bytes([undefined, NaN, -0, 1e21]));
    assert.equal(jsonValueBytes([() => 1, Symbol('s'), {}, []]), bytes([() => 1, Symbol('s'), {}, []]));
    assert.equal(jsonValueBytes({ f: () => 1, s: Symbol('s'), u: undefined }), bytes({ f: () => 1, s: Symbol('s'), u: undefined }));
    // Own enumerable names only, whatever the prototype (JSON.parse's __proto__ is an own name).
    const inherits = Object.assign(Object.create({ inherited: 'x'.repeat(100) }) as object, { own: 1 });
    Object.defineProperty(inherits, 'hidden', { enumerable: false, value: 'y'.repeat(100) });
    for (const v of [inherits, Object.assign(Object.create(null) as object, { a: [1], b: 'é' }), JSON.parse('{"__proto__":{"a":1},"b":2}'), { [Symbol('k')]: 1, n: 2 }]) {
      assert.equal(jsonValueBytes(v), bytes(v), JSON.stringify(v));
    }
  });

  it('jsonValueBytes agrees on many objects with many names (past the name cache) and long names', () => {
    const rand = seeded(17);
    for (let i = 0; i < 300; i++) {
      const v = Object.fromEntries(Array.from({ length: 1 + Math.floor(rand() * 40) }, (_, j) => [`${randomString(rand, 90)}${i}-${j}`, rand() < 0.5 ? randomString(rand, 20) : j]));
      assert.equal(jsonValueBytes(v), bytes(v));
    }
  });

  it('reports Infinity for values nested deeper than it measures', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100; i++) deep = [deep];
    assert.equal(jsonValueBytes(deep), Infinity);
  });

  it('prefixWithinJsonBytes keeps the longest prefix that fits and never splits a pair', () => {
    const rand = seeded(3);
    for (let i = 0; i < 1000; i++) {
      const s = randomString(rand, 30);
      const max = 2 + Math.floor(rand() * 60);
      const p = prefixWithinJsonBytes(s, max);
      assert.ok(s.startsWith(p));
      assert.ok(jsonStringBytes(p) <= max);
      if (p.length < s.length) {
        const step = /[\ud800-\udbff]/.test(s[p.length]!) && /[\udc00-\udfff]/.test(s[p.length + 1] ?? '') ? 2 : 1;
        assert.ok(jsonStringBytes(s.slice(0, p.length + step)) > max, `${JSON.stringify(s)} ${max}`);
      }
    }
    assert.equal(prefixWithinJsonBytes('😀', 5), '');
    assert.equal(prefixWithinUnits('a😀', 2), 'a');
  });

  it('truncateToUnits adds a marker that says how much is shown', () => {
    assert.equal(truncateToUnits('abc', 3), 'abc');
    assert.match(truncateToUnits('abcdef', 2), /^ab\n\[… truncated by the gateway: 2 of 6 characters shown\]$/);
  });

  it('boundJsonValue cuts the longest strings until the value fits, with a marker', () => {
    const v = { role: 'user', content: [{ type: 'text', text: '\u0001'.repeat(100_000) }, { type: 'text', text: 'short' }] };
    const b = boundJsonValue(v, 10_000);
    assert.equal(b.truncated, true);
    assert.equal(b.tooLarge, false);
    assert.ok(bytes(b.value) <= 10_000, String(bytes(b.value)));
    assert.ok(bytes(b.value) > 9_000);
    assert.equal(b.value.content[1]!.text, 'short');
    assert.match(b.value.content[0]!.text, /truncated by the gateway: \d+ of 100000 characters shown\]$/);
    assert.equal(v.content[0]!.text.length, 100_000, 'the input is not modified');
    assert.equal(boundJsonValue(v, 1_000_000).value, v);
    assert.equal(boundJsonValue('x'.repeat(100), 50).value.length < 100, true);
  });

  it('boundJsonValue says tooLarge when cutting strings cannot make the value fit', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => i);
    assert.equal(boundJsonValue(many, 1000).tooLarge, true);
  });
});
