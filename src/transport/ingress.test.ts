// Unit tests for ingress attribution: connection kind, forwarded evidence and X-Forwarded-For client IP resolution.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createIpMatcher, parseCidr, type IpMatcher } from '../util/ip.js';
import { attributeIngress, headerPairs, resolveClientIp } from './ingress.js';

const trusted = (...texts: string[]): IpMatcher => createIpMatcher(texts.map((t) => parseCidr(t)!));
const req = (remoteAddress: string | undefined, ...rawHeaders: string[]) =>
  ({ rawHeaders, socket: { remoteAddress } }) as unknown as Parameters<typeof attributeIngress>[0];

const NO_PROXIES = trusted();
const LOCAL_PROXY = trusted('127.0.0.1');
const PROXIES = trusted('127.0.0.1', '10.0.0.0/8');

describe('attributeIngress kinds', () => {
  it('calls a loopback peer with no forwarded headers direct-local', () => {
    const i = attributeIngress(req('127.0.0.1', 'Host', 'localhost:18789'), NO_PROXIES);
    assert.equal(i.kind, 'direct-local');
    assert.equal(i.peer, '127.0.0.1');
    assert.equal(i.peerIsLoopback, true);
    assert.equal(i.peerTrusted, false);
    assert.equal(i.forwarded, false);
    assert.equal(i.clientIp, '127.0.0.1');
  });

  it('normalises an IPv4-mapped loopback peer and an IPv6 loopback peer', () => {
    assert.equal(attributeIngress(req('::ffff:127.0.0.1'), NO_PROXIES).peer, '127.0.0.1');
    assert.equal(attributeIngress(req('::ffff:127.0.0.1'), NO_PROXIES).kind, 'direct-local');
    assert.equal(attributeIngress(req('::1'), NO_PROXIES).kind, 'direct-local');
  });

  it('calls a non-loopback peer that is not a trusted proxy direct-remote', () => {
    const i = attributeIngress(req('203.0.113.5'), LOCAL_PROXY);
    assert.equal(i.kind, 'direct-remote');
    assert.equal(i.peerIsLoopback, false);
    assert.equal(i.peerTrusted, false);
  });

  it('calls a non-loopback peer with forwarded headers direct-remote, with the evidence recorded', () => {
    const i = attributeIngress(req('203.0.113.5', 'X-Forwarded-For', '198.51.100.1'), LOCAL_PROXY);
    assert.equal(i.kind, 'direct-remote');
    assert.equal(i.forwarded, true);
    assert.equal(i.clientIp, '203.0.113.5');
  });

  it('calls a configured proxy peer trusted-proxy, loopback or not, with or without forwarded headers', () => {
    assert.equal(attributeIngress(req('127.0.0.1'), LOCAL_PROXY).kind, 'trusted-proxy');
    assert.equal(attributeIngress(req('::ffff:127.0.0.1', 'X-Forwarded-For', '198.51.100.1'), LOCAL_PROXY).kind, 'trusted-proxy');
    const remote = attributeIngress(req('10.1.2.3', 'X-Forwarded-Proto', 'https'), PROXIES);
    assert.equal(remote.kind, 'trusted-proxy');
    assert.equal(remote.peerTrusted, true);
    assert.equal(remote.peerIsLoopback, false);
  });

  it('calls a loopback peer that is not trusted but carries forwarded headers local-forwarded', () => {
    const i = attributeIngress(req('127.0.0.1', 'X-Forwarded-For', '198.51.100.1'), trusted('10.0.0.1'));
    assert.equal(i.kind, 'local-forwarded');
    assert.equal(i.forwarded, true);
    assert.equal(i.clientIp, '127.0.0.1', 'an untrusted peer never gets its forwarded client IP believed');
  });

  it('does not call a loopback peer that sends an Origin direct-local (browser traffic is not clean local traffic)',

    () => {
      const i = attributeIngress(req('127.0.0.1', 'Origin', 'http://localhost:5173'), NO_PROXIES);
      assert.notEqual(i.kind, 'direct-local');
    });

  it('attributes an unknown peer address to "unknown" and treats it as remote', () => {
    const i = attributeIngress(req(undefined), LOCAL_PROXY);
    assert.equal(i.peer, 'unknown');
    assert.equal(i.kind, 'direct-remote');
    assert.equal(i.peerTrusted, false);
  });
});

describe('attributeIngress forwarded evidence', () => {
  for (const [name, value] of [
    ['Forwarded', 'for=198.51.100.1;proto=https'],
    ['X-Forwarded-For', '198.51.100.1'],
    ['X-Forwarded-Proto', 'https'],
    ['X-Forwarded-Host', 'openclaw.example.com'],
    ['X-Forwarded-Port', '443'],
    ['x-forwarded-prefix', '/openclaw'],
    ['X-Real-IP', '198.51.100.1'],
  ] as const) {
    it(`counts ${name} as forwarded evidence`, () => {
      const i = attributeIngress(req('127.0.0.1', name, value), NO_PROXIES);
      assert.equal(i.forwarded, true);
      assert.equal(i.kind, 'local-forwarded');
    });
  }

  it('does not count look-alike or unrelated headers as forwarded evidence', () => {
    const i = attributeIngress(req('127.0.0.1', 'X-Forwarded', 'yes', 'X-Original-Forwarded-For', '1.2.3.4', 'Via', '1.1 proxy', 'X-Authentik-Email', 'me@example.com'), NO_PROXIES);
    assert.equal(i.forwarded, false);
    assert.equal(i.kind, 'direct-local');
  });

  it('keeps every header pair lower-cased and in order, and collects Origin, Host and User-Agent', () => {
    const i = attributeIngress(req('127.0.0.1',
      'Host', 'gw.local', 'HOST', 'other', 'Origin', 'https://a.example', 'origin', 'https://b.example', 'User-Agent', 'ua/1', 'X-Authentik-Email', 'me@example.com', 'x-authentik-email', 'you@example.com'), NO_PROXIES);
    assert.deepEqual(i.origins, ['https://a.example', 'https://b.example']);
    assert.equal(i.host, 'gw.local');
    assert.equal(i.userAgent, 'ua/1');
    assert.deepEqual(i.headers.filter(([n]) => n === 'x-authentik-email'), [['x-authentik-email', 'me@example.com'], ['x-authentik-email', 'you@example.com']]);
    assert.equal(i.headers.length, 7);
  });

  it('headerPairs ignores a dangling name without a value', () => {
    assert.deepEqual(headerPairs(['A', '1', 'B']), [['a', '1']]);
  });
});

describe('resolveClientIp', () => {
  it('takes the right-most untrusted X-Forwarded-For hop behind a trusted proxy', () => {
    const i = attributeIngress(req('127.0.0.1', 'X-Forwarded-For', '198.51.100.7'), LOCAL_PROXY);
    assert.equal(i.clientIp, '198.51.100.7');
  });

  it('skips trusted hops walking right to left', () => {
    assert.equal(resolveClientIp('127.0.0.1', true, ['198.51.100.7, 10.0.0.2, 10.0.0.1'], PROXIES), '198.51.100.7');
  });

  it('ignores spoofed left-most entries: the first untrusted hop from the right wins', () => {
    const i = attributeIngress(req('127.0.0.1', 'X-Forwarded-For', '1.1.1.1, 127.0.0.1, 203.0.113.9'), LOCAL_PROXY);
    assert.equal(i.clientIp, '203.0.113.9');
  });

  it('reads several X-Forwarded-For headers as one list in arrival order', () => {
    const i = attributeIngress(req('10.0.0.1', 'X-Forwarded-For', '6.6.6.6, 198.51.100.1', 'X-Forwarded-For', '198.51.100.2, 10.0.0.9'), PROXIES);
    assert.equal(i.clientIp, '198.51.100.2');
  });

  it('normalises mapped and bracketed hops', () => {
    assert.equal(resolveClientIp('127.0.0.1', true, ['::ffff:198.51.100.4'], LOCAL_PROXY), '198.51.100.4');
    assert.equal(resolveClientIp('127.0.0.1', true, ['[2001:db8::4]'], LOCAL_PROXY), '2001:db8::4');
  });

  it('stops at the last trusted address when a hop cannot be parsed', () => {
    assert.equal(resolveClientIp('127.0.0.1', true, ['198.51.100.1, not-an-ip'], PROXIES), '127.0.0.1');
    assert.equal(resolveClientIp('127.0.0.1', true, ['198.51.100.1, garbage, 10.0.0.3'], PROXIES), '10.0.0.3');
    assert.equal(resolveClientIp('127.0.0.1', true, ['198.51.100.1, 10.0.0.1:x'], PROXIES), '127.0.0.1', 'a malformed port is not an address');
  });

  it('returns the left-most hop when every hop is trusted', () => {
    assert.equal(resolveClientIp('127.0.0.1', true, ['10.0.0.5, 10.0.0.6'], PROXIES), '10.0.0.5');
  });

  it('skips empty list entries', () => {
    assert.equal(resolveClientIp('127.0.0.1', true, ['198.51.100.1, , ', ''], PROXIES), '198.51.100.1');
  });

  it('ignores X-Forwarded-For from an untrusted peer', () => {
    assert.equal(resolveClientIp('203.0.113.5', false, ['198.51.100.1'], PROXIES), '203.0.113.5');
    const i = attributeIngress(req('203.0.113.5', 'X-Forwarded-For', '127.0.0.1'), LOCAL_PROXY);
    assert.equal(i.clientIp, '203.0.113.5');
    assert.equal(i.peerIsLoopback, false);
  });

  it('uses the peer when a trusted proxy sends no X-Forwarded-For', () => {
    assert.equal(attributeIngress(req('127.0.0.1', 'X-Real-IP', '198.51.100.1'), LOCAL_PROXY).clientIp, '127.0.0.1');
  });
});

describe('forwarded hops as proxies send them (issue 12)', () => {
  it('reads Caddy\'s `header_up X-Forwarded-For {remote}` (ip:port) as the client, not the proxy', () => {
    const i = attributeIngress(req('127.0.0.1', 'X-Forwarded-For', '203.0.113.9:43462'), LOCAL_PROXY);
    assert.equal(i.clientIp, '203.0.113.9');
    assert.equal(i.clientKey, '203.0.113.9');
    assert.equal(i.unparsedHop, undefined);
    assert.equal(attributeIngress(req('127.0.0.1', 'X-Forwarded-For', '[2001:db8::9]:443'), LOCAL_PROXY).clientIp, '2001:db8::9');
  });

  it('reads RFC 7239 Forwarded for= when no X-Forwarded-For is sent', () => {
    assert.equal(attributeIngress(req('127.0.0.1', 'Forwarded', 'for="[2001:db8:cafe::17]:4711";proto=https'), LOCAL_PROXY).clientIp, '2001:db8:cafe::17');
    assert.equal(attributeIngress(req('10.0.0.1', 'Forwarded', 'for=198.51.100.3, for=10.0.0.2'), PROXIES).clientIp, '198.51.100.3');
    assert.equal(attributeIngress(req('127.0.0.1', 'Forwarded', 'for=_hidden'), LOCAL_PROXY).clientIp, '127.0.0.1');
    assert.equal(attributeIngress(req('127.0.0.1', 'Forwarded', 'for=unknown'), LOCAL_PROXY).unparsedHop, undefined);
  });

  it('prefers X-Forwarded-For over Forwarded when a proxy sends both', () => {
    const i = attributeIngress(req('127.0.0.1', 'Forwarded', 'for=198.51.100.1', 'X-Forwarded-For', '198.51.100.2'), LOCAL_PROXY);
    assert.equal(i.clientIp, '198.51.100.2');
  });

  it('reports a hop it cannot parse, and attributes the request to the proxy', () => {
    const i = attributeIngress(req('127.0.0.1', 'X-Forwarded-For', 'client.example:443'), LOCAL_PROXY);
    assert.equal(i.clientIp, '127.0.0.1');
    assert.equal(i.unparsedHop, 'client.example:443');
  });

  it('counts IPv6 clients by their /64 (configurable)', () => {
    assert.equal(attributeIngress(req('127.0.0.1', 'X-Forwarded-For', '2001:db8:1:2::77'), LOCAL_PROXY).clientKey, '2001:db8:1:2::/64');
    assert.equal(attributeIngress(req('127.0.0.1', 'X-Forwarded-For', '2001:db8:1:2::77'), LOCAL_PROXY, { ipv6Prefix: 128 }).clientKey, '2001:db8:1:2::77');
    assert.equal(attributeIngress(req('127.0.0.7'), NO_PROXIES).clientKey, '127.0.0.7');
  });
});

describe('proven proxies (issue 12)', () => {
  const proof = (headers: readonly (readonly [string, string])[]) => headers.some(([n, v]) => n === 'x-proxy-secret' && v === 's3cret');
  it('believes forwarded addresses only when the trusted peer gives the proof', () => {
    const proven = attributeIngress(req('127.0.0.1', 'X-Proxy-Secret', 's3cret', 'X-Forwarded-For', '198.51.100.7'), LOCAL_PROXY, { proof });
    assert.equal(proven.proxyProven, true);
    assert.equal(proven.clientIp, '198.51.100.7');
    const unproven = attributeIngress(req('127.0.0.1', 'X-Forwarded-For', '198.51.100.7'), LOCAL_PROXY, { proof });
    assert.equal(unproven.proxyProven, false);
    assert.equal(unproven.peerTrusted, true, 'still the proxy\'s address: the strategy names the missing secret');
    assert.equal(unproven.clientIp, '127.0.0.1');
    assert.equal(unproven.clientKey, '127.0.0.1');
  });
  it('never proves an untrusted peer, and needs no proof when none is configured', () => {
    assert.equal(attributeIngress(req('203.0.113.5', 'X-Proxy-Secret', 's3cret'), LOCAL_PROXY, { proof }).proxyProven, false);
    assert.equal(attributeIngress(req('127.0.0.1'), LOCAL_PROXY).proxyProven, true);
  });
});
