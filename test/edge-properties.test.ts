// Property tests of the edge's canonical forms (issue 12) against independent models in
// test/model/: browser origins (canonical text and `*.` wildcards), forwarded hops
// (X-Forwarded-For elements and RFC 7239 Forwarded for=), and identity header bytes (UTF-8
// decoding and name comparison after NFC and case folding). Seeds
// and scale as in test/auth-properties.test.ts (CLAWGATE_PROPERTY_SEED, CLAWGATE_PROPERTY_SCALE).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalOrigin, originParts, parseWildcardOrigin, wildcardMatches } from '../src/util/origin.js';
import { forwardedHops, xffHops, type Hop } from '../src/util/forwarded.js';
import { decodeHeaderText } from '../src/auth/identity.js';
import { compileAllowUsers } from '../src/auth/strategies/trusted-proxy.js';
import { modelDecodeIdentity, utf8AsHeader } from './model/identity-model.js';
import { userAllowed } from './model/auth-model.js';
import { modelCanonicalOrigin, modelWildcardMatches } from './model/origin-model.js';
import { modelForwardedHops, modelXffHops, type ModelHop } from './model/forwarded-model.js';
import { formatAddr, isV4, parseAddr, type Addr } from './model/ip-model.js';

const envSeed = process.env.CLAWGATE_PROPERTY_SEED;
const SEED = envSeed !== undefined && envSeed !== '' && envSeed !== 'random' ? Number(envSeed)
  : process.env.CI === 'true' && envSeed !== 'random' ? 20261130
  : (Date.now() ^ Math.floor(Math.random() * 2 ** 31)) | 0;
const SCALE = Math.max(0.01, Number(process.env.CLAWGATE_PROPERTY_SCALE ?? '1') || 1);
const run = <T>(numRuns: number): fc.Parameters<T> => ({ numRuns: Math.max(1, Math.round(numRuns * SCALE)), seed: SEED, includeErrorInReport: true });
const tally = { cases: 0, failed: 0, byProperty: new Map<string, number>() };
const counted = (name: string, f: () => void) => () => {
  const before = tally.cases;
  try { f(); } catch (err) { tally.failed++; throw err; } finally { tally.byProperty.set(name, tally.cases - before); }
};
after(() => {
  console.log(`edge properties: ${tally.cases} cases, ${tally.failed === 0 ? '0 mismatches' : `${tally.failed} FAILING PROPERTIES`}, seed ${SEED} (${[...tally.byProperty].map(([k, n]) => `${k}=${n}`).join(' ')})`);
});

// ── origins ────────────────────────────────────────────────────────────────────────────────

const casing = (s: string, mask: number) => Array.from(s, (c, i) => ((mask >>> (i % 31)) & 1 ? c.toUpperCase() : c.toLowerCase())).join('');
const LABELS = ['openclaw', 'gw', 'gpu-box', 'bücher', 'münchen', '例子', 'xn--bcher-kva', 'a_b', 'tail14a6bf', 'ts', 'net', 'example', 'com', 'localhost', 'evil', 'x', '-dash', 'straße'];
const domain = fc.array(fc.constantFrom(...LABELS), { minLength: 1, maxLength: 4 }).map((ls) => ls.join('.'));
const v4text = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
const v6text = fc.oneof(fc.constantFrom('::1', '2001:db8::1', '::ffff:1.2.3.4', '0:0:0:0:0:0:0:1', 'FE80::1', '2001:DB8:0:0:1:0:0:1', '::', 'fe80::1%25eth0'), fc.ipV6());
const hostText = fc.oneof(
  { arbitrary: domain, weight: 5 },
  { arbitrary: v4text, weight: 2 },
  { arbitrary: fc.constantFrom('127.0.0.1', 'localhost', '127.9.8.7'), weight: 2 },
  { arbitrary: v6text.map((v) => `[${v}]`), weight: 2 },
  { arbitrary: fc.constantFrom('', 'a b', 'user@host', 'host%41', 'ho\\st', '[::1', '*.example.com', 'a..b', 'a.b.'), weight: 1 },
);
const portText = fc.oneof(
  { arbitrary: fc.constant(''), weight: 4 },
  { arbitrary: fc.constantFrom(':80', ':443', ':8443', ':18789', ':0', ':0443', ':65535', ':65536', ':', ':x', ':-1'), weight: 3 },
);
const originText = fc.tuple(fc.constantFrom('http', 'https', 'HTTPS', 'Http', 'ftp', 'ws', 'file'), hostText, portText, fc.constantFrom('', '', '/', '//', '/path', '?q', '#f', ' '), fc.nat()).map(
  ([scheme, host, port, tail, mask]) => `${scheme}://${casing(host, mask)}${port}${tail}`,
);
const junk = fc.oneof(fc.constantFrom('null', '', 'https:example.com', 'https:/example.com', 'https://', '*', 'https://*'), fc.string({ maxLength: 30 }), fc.webUrl());

describe('edge properties: origins in canonical form', () => {
  it('canonicalOrigin agrees with the model on every spelling (20,000 cases)', counted('origins', () => {
    fc.assert(fc.property(fc.oneof({ arbitrary: originText, weight: 5 }, { arbitrary: junk, weight: 1 }), (text) => {
      const m = modelCanonicalOrigin(text);
      // interpretation (origin-model.ts): numeric hosts other than dotted quads are outside the model
      if (m && /^[0-9.]+$/.test(m.host) && parseAddr(m.host) === null) return;
      assert.equal(canonicalOrigin(text), m?.text ?? null, text);
      tally.cases++;
    }), run(20_000));
  }));

  it('an origin and its canonical text are the same origin (idempotent, case-insensitive, default port) (5,000 cases)', counted('origin-idempotence', () => {
    fc.assert(fc.property(originText, fc.nat(), (text, mask) => {
      const c = canonicalOrigin(text);
      if (c === null) return;
      assert.equal(canonicalOrigin(c), c);
      assert.equal(canonicalOrigin(casing(c, mask)), c, 'case does not matter');
      const p = originParts(c)!;
      if (p.port === '') assert.equal(canonicalOrigin(`${c}:${p.scheme === 'https' ? 443 : 80}`), c, 'the default port is the same origin');
      tally.cases++;
    }), run(5_000));
  }));

  it('subdomain wildcards match exactly what the model matches (10,000 cases)', counted('wildcards', () => {
    const entry = fc.tuple(fc.constantFrom('https', 'http'), fc.constantFrom('tail14a6bf.ts.net', 'example.com', 'Bücher.example', 'lan.example'), fc.constantFrom('', ':443', ':8080', ':80')).map(([s, d, p]) => `${s}://*.${d}${p}`);
    const candidate = fc.tuple(fc.constantFrom('https', 'http'), fc.array(fc.constantFrom('gpu-box', 'a', 'B', 'münchen', 'tail14a6bf', 'example'), { maxLength: 3 }),
      fc.constantFrom('tail14a6bf.ts.net', 'example.com', 'xn--bcher-kva.example', 'lan.example', 'ts.net', 'evil.test', 'Example.COM'), fc.constantFrom('', ':443', ':8080', ':80', ':8443'))
      .map(([s, labels, d, p]) => `${s}://${[...labels, d].join('.')}${p}`);
    fc.assert(fc.property(entry, candidate, (e, o) => {
      const w = parseWildcardOrigin(e);
      assert.ok(typeof w !== 'string', `${e}: ${String(w)}`);
      const p = originParts(o);
      const m = modelCanonicalOrigin(o);
      assert.equal(p !== null, m !== null, o);
      if (!p || !m) return;
      assert.equal(wildcardMatches(w, p), modelWildcardMatches(e, m), `${e} vs ${o}`);
      tally.cases++;
    }), run(10_000));
  }));
});

// ── forwarded hops ─────────────────────────────────────────────────────────────────────────

const toModel = (h: Hop): ModelHop => (h.kind === 'ip' ? { ip: parseAddr(h.ip)! } : h.kind);
const sameHops = (prod: readonly Hop[], model: readonly ModelHop[]) => {
  assert.equal(prod.length, model.length, 'hop count');
  prod.forEach((h, i) => {
    const m = model[i]!;
    if (typeof m === 'string') assert.equal(h.kind, m, `hop ${i}`);
    else { assert.equal(h.kind, 'ip', `hop ${i}`); assert.equal((toModel(h) as { ip: Addr }).ip.value, m.ip.value, `hop ${i}`); }
  });
};

const anyAddr = fc.oneof(
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => parseAddr(o.join('.'))!),
  fc.ipV6().map((t) => parseAddr(t)).filter((a): a is Addr => a !== null),
  fc.constantFrom('::1', '2001:db8::1', '::ffff:10.0.0.1').map((t) => parseAddr(t)!),
);
const port = fc.constantFrom('80', '443', '43462', '65535', '65536', '0', '', '_p', '_', 'x');
const node = fc.oneof(
  { arbitrary: fc.tuple(anyAddr, fc.boolean()).map(([a, up]) => (up ? formatAddr(a).toUpperCase() : formatAddr(a))), weight: 4 },
  { arbitrary: fc.tuple(anyAddr, port).map(([a, p]) => (isV4(a) ? `${formatAddr(a)}:${p}` : `[${formatAddr(a)}]${p === '' ? '' : `:${p}`}`)), weight: 4 },
  { arbitrary: fc.tuple(anyAddr, port).map(([a, p]) => `[${formatAddr(a)}]:${p}`), weight: 1 },
  { arbitrary: fc.constantFrom('unknown', 'UNKNOWN', '_hidden', '_a.b-c', '_', 'garbage', 'host.example:443', '1.2.3', '01.2.3.4', '[1.2.3.4]', '[::1', '::1]', 'fe80::1%eth0', ' 1.2.3.4', '1.2.3.4 ', ''), weight: 2 },
);
const owsPad = fc.constantFrom('', ' ', '\t', '  ');

describe('edge properties: forwarded hops', () => {
  it('X-Forwarded-For elements parse as the model parses them (20,000 cases)', counted('xff', () => {
    const values = fc.array(fc.tuple(fc.array(fc.tuple(owsPad, node, owsPad), { maxLength: 5 }), fc.constantFrom(',', ', ', ' ,')), { minLength: 1, maxLength: 3 })
      .map((vs) => vs.map(([els, sep]) => els.map(([a, n, b]) => a + n + b).join(sep)));
    fc.assert(fc.property(values, (vs) => { sameHops(xffHops(vs), modelXffHops(vs)); tally.cases++; }), run(20_000));
  }));

  it('RFC 7239 Forwarded for= parses as the model parses it (20,000 cases)', counted('forwarded', () => {
    const quote = (s: string) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
    const value = fc.tuple(node, fc.constantFrom('quoted', 'bare', 'bare', 'escaped')).map(([n, how]) => (how === 'quoted' ? quote(n) : how === 'escaped' ? `"${n.replace(/(.)/, '\\$1')}"` : n));
    const pair = fc.oneof(
      { arbitrary: fc.tuple(fc.constantFrom('for', 'For', 'FOR'), owsPad, value).map(([k, p, v]) => `${k}${p}=${p}${v}`), weight: 4 },
      { arbitrary: fc.constantFrom('proto=https', 'by=10.0.0.1', 'host="a,b;c"', 'host=gw.example', 'proto', '=x', 'x y=1', 'by="unterminated', 'a=b"c'), weight: 2 },
    );
    const element = fc.array(pair, { maxLength: 3 }).map((ps) => ps.join(';'));
    const values = fc.array(fc.array(element, { minLength: 1, maxLength: 4 }).map((els) => els.join(', ')), { minLength: 1, maxLength: 2 });
    fc.assert(fc.property(values, (vs) => { sameHops(forwardedHops(vs), modelForwardedHops(vs)); tally.cases++; }), run(20_000));
  }));
});

// ── identity bytes ─────────────────────────────────────────────────────────────────────────

describe('edge properties: identity header bytes', () => {
  const asHeader = (bytes: readonly number[]) => String.fromCharCode(...bytes);
  const tricky = fc.constantFrom(
    [0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xed, 0x9f, 0xbf], [0xef, 0xbf, 0xbd], [0xf0, 0x8f, 0xbf, 0xbf],
    [0xf4, 0x8f, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], [0xff], [0x80], [0xc3], [0xe2, 0x82], [0xc3, 0xbc], [0xfc],
  );
  const bytes = fc.oneof(
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => [...Buffer.from(s, 'utf8')]), weight: 4 },
    { arbitrary: fc.array(fc.nat(255), { maxLength: 12 }), weight: 3 },
    { arbitrary: fc.array(fc.oneof(tricky, fc.nat(127).map((b) => [b])), { maxLength: 6 }).map((xs) => xs.flat()), weight: 3 },
  );

  it('decodes exactly the valid UTF-8 byte strings, to the same text (20,000 cases)', counted('identity-bytes', () => {
    fc.assert(fc.property(bytes, (bs) => {
      const v = asHeader(bs);
      assert.equal(decodeHeaderText(v), modelDecodeIdentity(v), JSON.stringify(bs));
      tally.cases++;
    }), run(20_000));
  }));

  it('allowUsers matches a UTF-8 name in any normalization form and case exactly as the model (10,000 cases)', counted('identity-names', () => {
    const NAMES = ['jürgen@example.com', 'JÜRGEN@Example.com', 'ju\u0308rgen@example.com', 'straße', 'STRASSE', 'Straẞe', 'ﬁona', 'FIONA', 'ΣΊΣΥΦΟΣ', 'σίσυφος', 'Ñoño', 'ñoño', 'İstanbul', 'istanbul', 'Ǆemal', 'ǆemal', 'me@example.com', '*@EXAMPLE.com', '*@exámple.com'];
    const spell = fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom('NFC', 'NFD', 'NFKC'), fc.constantFrom(0, 1, 2)).map(([n, f, c]) => {
      const s = n.normalize(f as 'NFC');
      return c === 1 ? s.toUpperCase() : c === 2 ? s.toLowerCase() : s;
    });
    fc.assert(fc.property(fc.array(spell, { minLength: 1, maxLength: 3 }), spell, (entries, name) => {
      const user = name.replace(/^\*/, 'x');
      const decoded = decodeHeaderText(utf8AsHeader(user))!;
      assert.equal(decoded, user);
      const nfc = decoded.normalize('NFC');
      assert.equal(compileAllowUsers(entries)(nfc), userAllowed(entries, nfc), `${JSON.stringify(entries)} vs ${JSON.stringify(nfc)}`);
      tally.cases++;
    }), run(10_000));
  }));
});
