// Unit tests for the trusted-proxy strategy: every deny reason, check order, allowUsers matching and the principal it yields.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Ingress } from '../../transport/ingress.js';
import type { AuthDecision } from '../decision.js';
import { compileAllowUsers, createTrustedProxyStrategy, invalidUserValue, MAX_GROUP_LENGTH, MAX_GROUPS, MAX_USER_LENGTH, parseGroups, type TrustedProxyConfig } from './trusted-proxy.js';

function ingress(headers: [string, string][], over: Partial<Ingress> = {}): Ingress {
  return {
    peer: '127.0.0.1', peerIsLoopback: true, peerTrusted: true, proxyProven: true, forwarded: false, clientIp: '127.0.0.1', clientKey: '127.0.0.1',
    kind: 'trusted-proxy', origins: [], host: 'gw.local', userAgent: undefined,
    headers: headers.map(([n, v]) => [n.toLowerCase(), v] as const),
    ...over,
  };
}

const SEED: TrustedProxyConfig = { userHeader: 'x-authentik-email', requiredHeaders: [], allowUsers: ['me@example.com', 'openclaw-internal@local'] };

function decide(cfg: Partial<TrustedProxyConfig>, headers: [string, string][], over: Partial<Ingress> = {}): AuthDecision {
  return createTrustedProxyStrategy({ ...SEED, ...cfg }).authenticate({ ingress: ingress(headers, over), credentials: {} });
}

const denied = (d: AuthDecision, reason: string, header?: string) =>
  assert.deepEqual(d, header === undefined ? { kind: 'deny', reason } : { kind: 'deny', reason, header });

describe('trusted-proxy strategy allows', () => {
  it('the identity header from a trusted proxy, as a trusted-proxy principal', () => {
    const s = createTrustedProxyStrategy(SEED);
    assert.equal(s.mode, 'trusted-proxy');
    assert.deepEqual(s.authenticate({ ingress: ingress([['X-Authentik-Email', 'me@example.com']]), credentials: {} }),
      { kind: 'allow', principal: { kind: 'trusted-proxy', user: 'me@example.com' } });
  });

  it('matches the configured header name case-insensitively and trims the value', () => {
    denied(decide({ userHeader: 'X-Authentik-Email' }, []), 'trusted_proxy_user_missing');
    assert.deepEqual(decide({ userHeader: 'X-Authentik-Email' }, [['x-authentik-email', '  me@example.com  ']]),
      { kind: 'allow', principal: { kind: 'trusted-proxy', user: 'me@example.com' } });
  });

  it('lower-cases email identities but keeps plain user names as sent', () => {
    assert.deepEqual(decide({}, [['x-authentik-email', 'Me@Example.COM']]), { kind: 'allow', principal: { kind: 'trusted-proxy', user: 'me@example.com' } });
    assert.deepEqual(decide({ allowUsers: [] }, [['x-authentik-email', 'Alice']]), { kind: 'allow', principal: { kind: 'trusted-proxy', user: 'Alice' } });
  });

  it('everyone when allowUsers is empty', () => {
    assert.equal(decide({ allowUsers: [] }, [['x-authentik-email', 'anyone@anywhere.test']]).kind, 'allow');
  });

  it('when the proxy secret and required headers are present and right', () => {
    const d = decide(
      { requiredHeaders: ['X-Authentik-Groups'], proxySecret: { header: 'X-Proxy-Secret', value: 'sixteen-chars-secret' } },
      [['x-proxy-secret', 'sixteen-chars-secret'], ['x-authentik-groups', 'admins'], ['x-authentik-email', 'me@example.com']],
    );
    assert.equal(d.kind, 'allow');
  });
});

describe('trusted-proxy strategy denies', () => {
  it('a peer that is not a trusted proxy, even with a valid identity header (the #43300 self-connection case)', () => {
    denied(decide({}, [['x-authentik-email', 'me@example.com']], { peerTrusted: false, kind: 'direct-local' }), 'trusted_proxy_untrusted_source');
    denied(decide({}, [['x-authentik-email', 'me@example.com']], { peer: '203.0.113.9', peerTrusted: false, peerIsLoopback: false, kind: 'direct-remote' }), 'trusted_proxy_untrusted_source');
  });

  it('a trusted proxy request without the identity header, or with a blank one', () => {
    denied(decide({}, []), 'trusted_proxy_user_missing');
    denied(decide({}, [['x-authentik-email', '   ']]), 'trusted_proxy_user_missing');
  });

  it('a user not in allowUsers', () => {
    denied(decide({}, [['x-authentik-email', 'mallory@example.com']]), 'trusted_proxy_user_not_allowed');
  });

  it('the identity header sent twice, naming the header', () => {
    denied(decide({}, [['x-authentik-email', 'me@example.com'], ['X-Authentik-Email', 'me@example.com']]), 'trusted_proxy_header_duplicate', 'x-authentik-email');
  });

  for (const alias of ['x_authentik_email', 'x.authentik.email', 'X_Authentik-Email']) {
    it(`a look-alike header "${alias}" that some proxies would normalise onto the identity header`, () => {
      denied(decide({}, [[alias, 'admin@example.com'], ['x-authentik-email', 'me@example.com']]), 'trusted_proxy_header_alias', alias.toLowerCase());
    });
  }

  it('a look-alike of the proxy secret header', () => {
    const cfg = { proxySecret: { header: 'x-proxy-secret', value: 'sixteen-chars-secret' } };
    denied(decide(cfg, [['x_proxy_secret', 'sixteen-chars-secret'], ['x-authentik-email', 'me@example.com']]), 'trusted_proxy_header_alias', 'x_proxy_secret');
  });

  for (const [label, value] of [
    ['a comma (joined duplicates)', 'me@example.com,admin@example.com'],
    ['inner whitespace', 'me @example.com'],
    ['a control character', 'me@example.com\u0000'],
    ['an unexpanded template placeholder', '{http.auth.user.email}'],
    ['more than the maximum length', `${'a'.repeat(MAX_USER_LENGTH)}@x`],
  ] as const) {
    it(`an identity value with ${label}`, () => {
      denied(decide({ allowUsers: [] }, [['x-authentik-email', value]]), 'trusted_proxy_user_invalid');
    });
  }

  it('a missing or blank required header, naming it in lower case', () => {
    const cfg = { requiredHeaders: ['X-Authentik-Groups'] };
    denied(decide(cfg, [['x-authentik-email', 'me@example.com']]), 'trusted_proxy_missing_header', 'x-authentik-groups');
    denied(decide(cfg, [['x-authentik-groups', ' '], ['x-authentik-email', 'me@example.com']]), 'trusted_proxy_missing_header', 'x-authentik-groups');
  });

  it('a missing proxy secret, and a wrong or repeated one', () => {
    const cfg = { proxySecret: { header: 'x-proxy-secret', value: 'sixteen-chars-secret' } };
    const user: [string, string] = ['x-authentik-email', 'me@example.com'];
    denied(decide(cfg, [user]), 'trusted_proxy_secret_missing');
    denied(decide(cfg, [['x-proxy-secret', 'sixteen-chars-secreT'], user]), 'trusted_proxy_secret_mismatch');
    denied(decide(cfg, [['x-proxy-secret', 'sixteen-chars-secret'], ['x-proxy-secret', 'sixteen-chars-secret'], user]), 'trusted_proxy_secret_mismatch');
  });

  it('checks in a fixed order: source, aliases, secret, required headers, then the user', () => {
    const cfg = { requiredHeaders: ['x-groups'], proxySecret: { header: 'x-proxy-secret', value: 'sixteen-chars-secret' } };
    const everythingWrong: [string, string][] = [['x_authentik_email', 'a'], ['x-authentik-email', 'x'], ['x-authentik-email', 'y']];
    denied(decide(cfg, everythingWrong, { peerTrusted: false }), 'trusted_proxy_untrusted_source');
    denied(decide(cfg, everythingWrong), 'trusted_proxy_header_alias', 'x_authentik_email');
    denied(decide(cfg, everythingWrong.slice(1)), 'trusted_proxy_secret_missing');
    denied(decide(cfg, [['x-proxy-secret', 'sixteen-chars-secret'], ...everythingWrong.slice(1)]), 'trusted_proxy_missing_header', 'x-groups');
    denied(decide(cfg, [['x-proxy-secret', 'sixteen-chars-secret'], ['x-groups', 'g'], ...everythingWrong.slice(1)]), 'trusted_proxy_header_duplicate', 'x-authentik-email');
  });

  it('ignores the connect frame credentials entirely (no token or password fallback)', () => {
    const s = createTrustedProxyStrategy(SEED);
    const d = s.authenticate({ ingress: ingress([]), credentials: { token: 'anything', password: 'anything' } });
    denied(d, 'trusted_proxy_user_missing');
  });
});

describe('compileAllowUsers', () => {
  it('matches exact names case-insensitively', () => {
    const ok = compileAllowUsers(['Me@Example.com', 'alice']);
    assert.equal(ok('me@example.com'), true);
    assert.equal(ok('ALICE'), true);
    assert.equal(ok('bob'), false);
    assert.equal(ok('me@example.com.evil'), false);
  });

  it('matches *@domain only for that exact domain with a single @', () => {
    const ok = compileAllowUsers(['*@example.com']);
    assert.equal(ok('anyone@example.com'), true);
    assert.equal(ok('Anyone@EXAMPLE.com'), true);
    assert.equal(ok('x@sub.example.com'), false);
    assert.equal(ok('x@evilexample.com'), false);
    assert.equal(ok('a@b@example.com'), false);
    assert.equal(ok('@example.com'), false);
    assert.equal(ok('example.com'), false);
  });

  it('allows everyone when the list is empty', () => {
    assert.equal(compileAllowUsers([])('whoever'), true);
  });
});

describe('invalidUserValue', () => {
  it('accepts ordinary names and emails up to the limit', () => {
    assert.equal(invalidUserValue('me@example.com'), false);
    assert.equal(invalidUserValue('a'.repeat(MAX_USER_LENGTH)), false);
    assert.equal(invalidUserValue('a'.repeat(MAX_USER_LENGTH + 1)), true);
    assert.equal(invalidUserValue('tab\there'), true);
    assert.equal(invalidUserValue('del\u007f'), true);
  });
});

describe('groups header', () => {
  const GROUPS = { groupsHeader: 'x-authentik-groups' };
  const me: [string, string] = ['x-authentik-email', 'me@example.com'];
  it('parses authentik\'s "|" list and "," lists: trimmed, NFC, empty entries and duplicates dropped', () => {
    assert.deepEqual(parseGroups(' admins | staff||staff '), ['admins', 'staff']);
    assert.deepEqual(parseGroups('a,b, c'), ['a', 'b', 'c']);
    assert.deepEqual(parseGroups('Cafe\u0301'), ['Café']);
    assert.deepEqual(parseGroups(''), []);
  });
  it('refuses rather than cuts: a control character, a name over the limit, too many groups', () => {
    assert.equal(parseGroups('a\u0000b'), null);
    assert.equal(parseGroups('x'.repeat(MAX_GROUP_LENGTH + 1)), null);
    assert.equal(parseGroups(Array.from({ length: MAX_GROUPS + 1 }, (_, i) => `g${i}`).join('|')), null);
    assert.equal(parseGroups(Array.from({ length: MAX_GROUPS }, (_, i) => `g${i}`).join('|'))!.length, MAX_GROUPS);
  });
  it('puts the groups on the principal, decoding UTF-8 bytes as Node hands them over (Latin-1)', () => {
    const utf8AsLatin1 = Buffer.from('Entwickler|Büro', 'utf8').toString('latin1');
    assert.deepEqual(decide(GROUPS, [me, ['x-authentik-groups', utf8AsLatin1]]),
      { kind: 'allow', principal: { kind: 'trusted-proxy', user: 'me@example.com', groups: ['Entwickler', 'Büro'] } });
    assert.deepEqual(decide(GROUPS, [me]), { kind: 'allow', principal: { kind: 'trusted-proxy', user: 'me@example.com' } }, 'no header: no groups');
  });
  it('denies invalid UTF-8, duplicates and aliases of the groups header', () => {
    denied(decide(GROUPS, [me, ['x-authentik-groups', 'B\xfcro']]), 'trusted_proxy_groups_invalid', 'x-authentik-groups');
    denied(decide(GROUPS, [me, ['x-authentik-groups', 'a'], ['X-Authentik-Groups', 'b']]), 'trusted_proxy_header_duplicate', 'x-authentik-groups');
    denied(decide(GROUPS, [me, ['x_authentik_groups', 'admins']]), 'trusted_proxy_header_alias', 'x_authentik_groups');
    assert.equal(decide({}, [me, ['x-authentik-groups', 'a\u0000']]).kind, 'allow', 'without groupsHeader configured the header is just another header');
  });
});
