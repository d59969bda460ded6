// Unit tests for forwarded-hop parsing: X-Forwarded-For elements with ports and brackets, and
// RFC 7239 Forwarded for= nodes (quoted, ported, obfuscated, unknown, malformed).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { forwardedHops, parseNode, xffHops, type Hop } from './forwarded.js';

const ip = (a: string): Hop => ({ kind: 'ip', ip: a });
const hidden: Hop = { kind: 'hidden' };
const invalid = (text: string): Hop => ({ kind: 'invalid', text });

describe('X-Forwarded-For hops', () => {
  it('reads Caddy\'s {remote} form ip:port, and [v6]:port, as the address alone', () => {
    assert.deepEqual(xffHops(['203.0.113.9:43462']), [ip('203.0.113.9')]);
    assert.deepEqual(xffHops(['[2001:DB8::1]:443, 198.51.100.7']), [ip('2001:db8::1'), ip('198.51.100.7')]);
    assert.deepEqual(xffHops(['[::ffff:203.0.113.9]:80']), [ip('203.0.113.9')]);
    assert.deepEqual(xffHops(['[2001:db8::1]']), [ip('2001:db8::1')]);
  });
  it('reads a bare IPv6 address (colons are not a port) and drops empty elements', () => {
    assert.deepEqual(xffHops(['2001:db8::1:443', ' ,, 10.0.0.1 ']), [ip('2001:db8::1:443'), ip('10.0.0.1')]);
  });
  it('calls unknown a hidden hop and everything else invalid', () => {
    assert.deepEqual(xffHops(['unknown']), [hidden]);
    for (const bad of ['203.0.113.9:', '203.0.113.9:99999', '203.0.113.9:_p', '_hidden', '[203.0.113.9]:80', '[2001:db8::1', '[2001:db8::1]x', 'fe80::1%eth0', 'example.com', '1.2.3.4.5', '010.0.0.1']) {
      assert.deepEqual(xffHops([bad]), [invalid(bad)], bad);
    }
  });
  it('keeps only the right-most 64 hops', () => {
    const hops = xffHops([Array.from({ length: 100 }, (_, i) => `10.0.${i >> 8}.${i & 255}`).join(',')]);
    assert.equal(hops.length, 64);
    assert.deepEqual(hops.at(-1), ip('10.0.0.99'));
  });
});

describe('Forwarded for= hops (RFC 7239)', () => {
  it('reads the RFC\'s examples', () => {
    assert.deepEqual(forwardedHops(['for="_gazonk"']), [hidden]);
    assert.deepEqual(forwardedHops(['For="[2001:db8:cafe::17]:4711"']), [ip('2001:db8:cafe::17')]);
    assert.deepEqual(forwardedHops(['for=192.0.2.60;proto=http;by=203.0.113.43']), [ip('192.0.2.60')]);
    assert.deepEqual(forwardedHops(['for=192.0.2.43, for=198.51.100.17']), [ip('192.0.2.43'), ip('198.51.100.17')]);
    assert.deepEqual(forwardedHops(['for=unknown', 'for="192.0.2.43:_port"']), [hidden, ip('192.0.2.43')]);
  });
  it('accepts unquoted ports and IPv6 as senders write them, and quoted escapes', () => {
    assert.deepEqual(forwardedHops(['for=203.0.113.9:43462']), [ip('203.0.113.9')]);
    assert.deepEqual(forwardedHops(['for=2001:db8::5']), [ip('2001:db8::5')]);
    assert.deepEqual(forwardedHops(['for="\\203.0.113.9"']), [ip('203.0.113.9')]);
  });
  it('treats an element without for= as hidden, and quoted commas and semicolons as text', () => {
    assert.deepEqual(forwardedHops(['proto=https;by=10.0.0.1, for=10.0.0.2']), [hidden, ip('10.0.0.2')]);
    assert.deepEqual(forwardedHops(['for=10.0.0.2;host="a,b;c"']), [ip('10.0.0.2')]);
  });
  it('calls malformed elements invalid', () => {
    assert.deepEqual(forwardedHops(['for="10.0.0.1']), [invalid('for="10.0.0.1')]);
    assert.deepEqual(forwardedHops(['for=10.0.0.1;for=10.0.0.2']), [invalid('for=10.0.0.1;for=10.0.0.2')]);
    assert.deepEqual(forwardedHops(['10.0.0.1']), [invalid('10.0.0.1')]);
    assert.deepEqual(forwardedHops(['for=']), [invalid('for=')]);
    assert.deepEqual(forwardedHops(['for=host.example']), [invalid('host.example')]);
  });
});

describe('parseNode', () => {
  it('allows obfuscated ports only where obfuscation is allowed', () => {
    assert.deepEqual(parseNode('[2001:db8::1]:_x', true), ip('2001:db8::1'));
    assert.deepEqual(parseNode('[2001:db8::1]:_x', false), invalid('[2001:db8::1]:_x'));
  });
});
