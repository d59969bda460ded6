// The logger (pino underneath): one call is one line in both formats whatever the values hold
// (control characters, line separators, bidi overrides, terminal escapes, in messages, keys and
// nested values), secrets are redacted by key and by value (children included), and values are
// bounded.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_LOGGED_STRING, createLogger } from './log.js';

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const capture = (format: 'json' | 'pretty', secrets: string[] = []) => {
  const out: string[] = [];
  return { out, log: createLogger({ format, level: 'debug', secrets, write: (s) => { out.push(s); } }) };
};

describe('logger', () => {
  it('cannot be made to forge a line, in either format (the pretty-format client.version attack)', () => {
    for (const format of ['json', 'pretty'] as const) {
      const { out, log } = capture(format);
      log.warn('connect refused', { client: 'cli cli v1\n12:00:00.000 INFO  connected principal=admin', reason: 'a\rb\u2028c\u001b[2Jd\u202ee' });
      assert.equal(out.length, 1);
      assert.equal(out[0]!.split('\n').length, 2, out[0]);
      assert.ok(!UNSAFE.test(out[0]!), JSON.stringify(out[0]));
      if (format === 'pretty') assert.match(out[0]!, /client="cli cli v1\\n12:00:00\.000 INFO {2}connected principal=admin"/);
      else assert.equal((JSON.parse(out[0]!) as { client: string }).client, 'cli cli v1\\n12:00:00.000 INFO  connected principal=admin');
    }
  });

  it('property: any message, keys and nested values give exactly one safe line', () => {
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, fc.string({ unit: 'binary' }), fc.integer(), fc.boolean(), fc.constant(null),
        fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.string({ unit: 'binary' }), tie('v'), { maxKeys: 4 })),
    })).v;
    for (const format of ['json', 'pretty'] as const) {
      fc.assert(fc.property(fc.string({ unit: 'binary' }), fc.dictionary(fc.string({ unit: 'binary' }), value, { maxKeys: 5 }), (msg, fields) => {
        const { out, log } = capture(format);
        log.child({ [msg]: msg }).error(msg, fields);
        assert.equal(out.length, 1);
        assert.ok(out[0]!.endsWith('\n') && out[0]!.indexOf('\n') === out[0]!.length - 1, JSON.stringify(out[0]));
        assert.ok(!UNSAFE.test(out[0]!), JSON.stringify(out[0]));
        if (format === 'json') JSON.parse(out[0]!);
      }), { numRuns: 300 });
    }
  });

  it('redacts secrets by key name and by value, in children too and after addSecret', () => {
    const { out, log } = capture('json', ['configured-secret-1']);
    const child = log.child({ channel: 'slack', authorization: 'Bearer zzz' });
    log.addSecret('per-boot-secret-2');
    child.info('saw configured-secret-1 and per-boot-secret-2', { token: 'abc', nested: { apiKey: 'k', note: 'x per-boot-secret-2 y' }, ok: true, password: false });
    const line = out.join('');
    for (const s of ['configured-secret-1', 'per-boot-secret-2', 'zzz', '"abc"', '"k"']) assert.ok(!line.includes(s), `${s} in ${line}`);
    const rec = JSON.parse(line) as Record<string, unknown>;
    assert.equal(rec.authorization, '[redacted]');
    assert.equal(rec.token, '[redacted]');
    assert.equal(rec.password, false, 'a boolean flag is not a secret');
    assert.equal(rec.msg, 'saw [redacted] and [redacted]');
    assert.equal(rec.level, 'info');
    assert.match(String(rec.ts), /^\d{4}-\d\d-\d\dT/);
  });

  it('bounds long strings, deep objects and wide objects; errors are name and message only', () => {
    const { out, log } = capture('json');
    let deep: Record<string, unknown> = { end: 1 };
    for (let i = 0; i < 20; i++) deep = { d: deep };
    const wide = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]));
    log.info('x'.repeat(10_000), { deep, wide, err: new Error('boom'), list: Array.from({ length: 1000 }, (_, i) => i) });
    const rec = JSON.parse(out[0]!) as { msg: string; wide: Record<string, unknown>; err: unknown; list: unknown[] };
    assert.equal(rec.msg.length < MAX_LOGGED_STRING + 40, true);
    assert.match(rec.msg, /…\(\+8000 chars\)$/);
    assert.ok(Object.keys(rec.wide).length <= 51);
    assert.ok(rec.list.length <= 50);
    assert.deepEqual(rec.err, { name: 'Error', message: 'boom' });
    assert.ok(out[0]!.includes('[…]'));
  });

  it('honours the level', () => {
    const out: string[] = [];
    const log = createLogger({ level: 'warn', format: 'json', write: (s) => { out.push(s); } });
    log.debug('a'); log.info('b'); log.warn('c'); log.error('d');
    assert.deepEqual(out.map((l) => (JSON.parse(l) as { msg: string }).msg), ['c', 'd']);
  });
});
