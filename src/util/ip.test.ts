// Unit tests for IP normalisation, CIDR parsing, matching and the loopback helpers in ip.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cidrCoversLoopback, clientKey, createIpMatcher, isLoopbackIp, normalizeIp, parseCidr, type Cidr } from './ip.js';

const cidr = (text: string): Cidr => {
  const c = parseCidr(text);
  assert.ok(c, `expected ${text} to parse`);
  return c;
};
const matcher = (...texts: string[]) => createIpMatcher(texts.map(cidr));

describe('normalizeIp', () => {
  it('keeps plain IPv4 and trims surrounding whitespace', () => {
    assert.deepEqual(normalizeIp('10.0.0.1'), { ip: '10.0.0.1', family: 4 });
    assert.deepEqual(normalizeIp('  192.0.2.7 '), { ip: '192.0.2.7', family: 4 });
  });

  it('turns IPv4-mapped IPv6 in dotted form into IPv4, whatever the case or zero spelling', () => {
    assert.deepEqual(normalizeIp('::ffff:127.0.0.1'), { ip: '127.0.0.1', family: 4 });
    assert.deepEqual(normalizeIp('::FFFF:10.1.2.3'), { ip: '10.1.2.3', family: 4 });
    assert.deepEqual(normalizeIp('0:0:0:0:0:ffff:10.1.2.3'), { ip: '10.1.2.3', family: 4 });
  });

  it('turns IPv4-mapped IPv6 in hex form into IPv4', () => {
    assert.deepEqual(normalizeIp('::ffff:7f00:1'), { ip: '127.0.0.1', family: 4 });
    assert.deepEqual(normalizeIp('::ffff:a01:203'), { ip: '10.1.2.3', family: 4 });
    assert.deepEqual(normalizeIp('::ffff:c000:0280'), { ip: '192.0.2.128', family: 4 });
  });

  it('turns fully written-out hex IPv4-mapped IPv6 into IPv4, like the dotted spelling',

    () => {
      assert.deepEqual(normalizeIp('0:0:0:0:0:ffff:7f00:1'), { ip: '127.0.0.1', family: 4 });
    });

  it('drops brackets and zone ids, and lower-cases IPv6', () => {
    assert.deepEqual(normalizeIp('[::1]'), { ip: '::1', family: 6 });
    assert.deepEqual(normalizeIp('fe80::1%eth0'), { ip: 'fe80::1', family: 6 });
    assert.deepEqual(normalizeIp('[fe80::1%25eth0]'), { ip: 'fe80::1', family: 6 });
    assert.deepEqual(normalizeIp('2001:DB8::A'), { ip: '2001:db8::a', family: 6 });
    assert.deepEqual(normalizeIp('[::ffff:127.0.0.1]'), { ip: '127.0.0.1', family: 4 });
  });

  it('returns null for garbage, empty input and addresses with ports', () => {
    for (const bad of ['', '   ', 'abc', 'localhost', '1.2.3', '256.1.1.1', '10.0.0.01', '::ffff:999.1.1.1', '127.0.0.1:8080', '[::1]:443', 'unknown']) {
      assert.equal(normalizeIp(bad), null, JSON.stringify(bad));
    }
    assert.equal(normalizeIp(undefined), null);
    assert.equal(normalizeIp(null), null);
  });
});

describe('parseCidr', () => {
  it('parses a bare address as a host route', () => {
    assert.deepEqual(parseCidr('127.0.0.1'), { ip: '127.0.0.1', family: 4, prefix: 32, text: '127.0.0.1' });
    assert.deepEqual(parseCidr('::1'), { ip: '::1', family: 6, prefix: 128, text: '::1' });
  });

  it('parses IPv4 and IPv6 prefixes, including the /0 and maximum edges', () => {
    assert.deepEqual(parseCidr(' 10.0.0.0/8 '), { ip: '10.0.0.0', family: 4, prefix: 8, text: '10.0.0.0/8' });
    assert.equal(parseCidr('0.0.0.0/0')?.prefix, 0);
    assert.equal(parseCidr('10.0.0.1/32')?.prefix, 32);
    assert.deepEqual(parseCidr('2001:db8::/32'), { ip: '2001:db8::', family: 6, prefix: 32, text: '2001:db8::/32' });
    assert.equal(parseCidr('::/0')?.prefix, 0);
    assert.equal(parseCidr('[::1]/128')?.ip, '::1');
  });

  it('maps an IPv4-mapped IPv6 prefix onto the IPv4 space', () => {
    assert.deepEqual(parseCidr('::ffff:10.0.0.0/104'), { ip: '10.0.0.0', family: 4, prefix: 8, text: '::ffff:10.0.0.0/104' });
    assert.equal(parseCidr('::ffff:10.0.0.1/128')?.prefix, 32);
    assert.equal(parseCidr('::ffff:0.0.0.0/96')?.prefix, 0);
    assert.equal(parseCidr('::ffff:10.0.0.0/95'), null, 'a mapped prefix shorter than /96 leaves the IPv4 space');
  });

  it('rejects prefixes that are out of range, empty, signed or not decimal', () => {
    for (const bad of ['10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/', '10.0.0.0/+8', '10.0.0.0/ 8', '10.0.0.0/1e1', '10.0.0.0/8.0', '10.0.0.0/1000', '::1/129', '::ffff:10.0.0.0/129']) {
      assert.equal(parseCidr(bad), null, bad);
    }
  });

  it('rejects a missing or invalid address and extra slashes', () => {
    for (const bad of ['', '/8', 'x/8', '10.0.0/8', '10.0.0.0/8/1', 'localhost/32', '::gg/64']) {
      assert.equal(parseCidr(bad), null, bad);
    }
  });
});

describe('createIpMatcher', () => {
  it('matches both ends of an IPv4 range and nothing just outside it', () => {
    const m = matcher('10.0.0.0/8', '192.168.1.0/24');
    for (const inside of ['10.0.0.0', '10.255.255.255', '192.168.1.0', '192.168.1.255']) assert.equal(m.matches(inside), true, inside);
    for (const outside of ['9.255.255.255', '11.0.0.0', '192.168.0.255', '192.168.2.0']) assert.equal(m.matches(outside), false, outside);
  });

  it('matches a single host exactly', () => {
    const m = matcher('203.0.113.9');
    assert.equal(m.matches('203.0.113.9'), true);
    assert.equal(m.matches('203.0.113.8'), false);
    assert.equal(m.matches('203.0.113.10'), false);
  });

  it('matches IPv6 ranges regardless of spelling', () => {
    const m = matcher('2001:db8::/32');
    assert.equal(m.matches('2001:db8::1'), true);
    assert.equal(m.matches('2001:0DB8:ffff:ffff:ffff:ffff:ffff:ffff'), true);
    assert.equal(m.matches('[2001:db8::5]'), true);
    assert.equal(m.matches('2001:db9::'), false);
    assert.equal(m.matches('2001:db7:ffff::'), false);
  });

  it('matches an IPv4-mapped peer against an IPv4 rule, in dotted and hex form', () => {
    const m = matcher('10.0.0.0/8');
    assert.equal(m.matches('::ffff:10.1.1.1'), true);
    assert.equal(m.matches('::ffff:a01:101'), true);
    assert.equal(m.matches('::ffff:11.0.0.1'), false);
  });

  it('matches a plain IPv4 peer against an IPv4-mapped rule', () => {
    const m = matcher('::ffff:172.16.0.0/108');
    assert.equal(m.matches('172.16.5.5'), true);
    assert.equal(m.matches('172.31.255.255'), true);
    assert.equal(m.matches('172.32.0.0'), false);
  });

  it('does not match an IPv4 peer against an IPv6 rule that is not mapped', () => {
    assert.equal(matcher('2001:db8::/32').matches('10.0.0.1'), false);
    assert.equal(matcher('::1').matches('127.0.0.1'), false);
  });

  it('never matches garbage or missing input, and an empty matcher matches nothing', () => {
    const m = matcher('0.0.0.0/0', '::/0');
    assert.equal(m.matches('1.2.3.4'), true);
    assert.equal(m.matches('garbage'), false);
    assert.equal(m.matches(undefined), false);
    assert.equal(m.matches(''), false);
    const none = createIpMatcher([]);
    assert.equal(none.size, 0);
    assert.equal(none.matches('127.0.0.1'), false);
    assert.equal(m.size, 2);
  });
});

describe('isLoopbackIp', () => {
  it('covers the whole 127.0.0.0/8 range and nothing beside it', () => {
    for (const ip of ['127.0.0.0', '127.0.0.1', '127.1.2.3', '127.255.255.255', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:7fff:ffff']) assert.equal(isLoopbackIp(ip), true, ip);
    for (const ip of ['126.255.255.255', '128.0.0.0', '0.0.0.0', '10.0.0.1']) assert.equal(isLoopbackIp(ip), false, ip);
  });

  it('accepts ::1 in any spelling and rejects its neighbours', () => {
    for (const ip of ['::1', '[::1]', '0:0:0:0:0:0:0:1', '0::1']) assert.equal(isLoopbackIp(ip), true, ip);
    for (const ip of ['::', '::2', 'fe80::1', '::ffff:128.0.0.1']) assert.equal(isLoopbackIp(ip), false, ip);
  });

  it('rejects host names and missing input', () => {
    assert.equal(isLoopbackIp('localhost'), false);
    assert.equal(isLoopbackIp(undefined), false);
    assert.equal(isLoopbackIp(null), false);
  });
});

describe('cidrCoversLoopback', () => {
  it('is true for loopback hosts and ranges that contain 127.0.0.1', () => {
    for (const t of ['127.0.0.1', '127.9.9.9', '127.0.0.0/8', '127.5.0.0/16', '124.0.0.0/6', '0.0.0.0/0', '::ffff:127.0.0.1', '::ffff:127.0.0.0/104', '::1', '::/0']) {
      assert.equal(cidrCoversLoopback(cidr(t)), true, t);
    }
  });

  it('is false for ranges that do not reach loopback', () => {
    for (const t of ['10.0.0.1', '10.0.0.0/8', '100.0.0.0/6', '128.0.0.0/1', '2001:db8::/32', 'fe80::/10']) {
      assert.equal(cidrCoversLoopback(cidr(t)), false, t);
    }
  });

  it('recognises ::1 however it is spelled and IPv6 ranges that contain it',

    () => {
      for (const t of ['0::1', '0:0:0:0:0:0:0:1', '::/1', '::/127']) assert.equal(cidrCoversLoopback(cidr(t)), true, t);
    });
});

describe('clientKey', () => {
  it('keeps IPv4 and ::1, and counts other IPv6 by its prefix', () => {
    assert.equal(clientKey('203.0.113.9'), '203.0.113.9');
    assert.equal(clientKey('::ffff:203.0.113.9'), '203.0.113.9');
    assert.equal(clientKey('::ffff:127.0.0.9'), '127.0.0.9');
    assert.equal(clientKey('::1'), '::1');
    assert.equal(clientKey('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
    assert.equal(clientKey('2001:db8:1:2:ffff::1'), '2001:db8:1:2::/64');
    assert.equal(clientKey('2001:db8:1:2:3:4:5:6', 48), '2001:db8:1::/48');
    assert.equal(clientKey('2001:db8:1:2:3:4:5:6', 56), '2001:db8:1::/56');
    assert.equal(clientKey('2001:db8:1:2ff:3:4:5:6', 56), '2001:db8:1:200::/56');
    assert.equal(clientKey('2001:db8:1:2:3:4:5:6', 128), '2001:db8:1:2:3:4:5:6');
    assert.equal(clientKey('unknown'), 'unknown');
  });
});
