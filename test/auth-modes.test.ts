// Every auth mode's accept and refuse paths against a real gateway on port 0, with the exact
// wire error, close code and reason code.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectWs, ConnectError, type WsConnectOptions } from '../src/client/ws.js';
import { refused } from './fixtures/refused.fixture.js';
import { bootGateway, SEED_GATEWAY, type TestGateway } from './fixtures/gateway.fixture.js';
import { authDetailCode, authFailureMessage } from '../src/protocol/auth-reasons.js';


function assertUnauthorized(err: ConnectError, authReason: string): void {
  assert.deepEqual(err.error, { code: 'INVALID_REQUEST', message: authFailureMessage(authReason, { id: 'cli', mode: 'cli' }), details: { code: authDetailCode(authReason), authReason } });
  assert.equal(err.closeCode, 1008);
  assert.equal(err.closeReason, 'unauthorized');
}

async function accepted(opts: WsConnectOptions): Promise<Record<string, unknown>> {
  const { client } = await connectWs({ timeoutMs: 5_000, ...opts });
  try {
    return await client.request<Record<string, unknown>>('status');
  } finally {
    client.close();
  }
}

describe('auth mode none', () => {
  let gw: TestGateway;
  before(async () => { gw = await bootGateway({ gateway: { auth: { mode: 'none' } } }); });
  after(() => gw.stop());
  it('accepts a loopback client without credentials as the anonymous principal', async () => {
    const status = await accepted({ url: gw.url });
    assert.equal((status.you as { principal: string }).principal, 'none');
  });
});

describe('auth mode token', () => {
  let gw: TestGateway;
  before(async () => { gw = await bootGateway({ gateway: { auth: { mode: 'token', token: 'tok-0123456789abcdef', rateLimit: { maxAttempts: 3, windowMs: 60_000, lockoutMs: 60_000 } }, trustedProxies: ['127.0.0.1'] } }); });
  after(() => gw.stop());

  it('accepts the configured token', async () => {
    const status = await accepted({ url: gw.url, token: 'tok-0123456789abcdef' });
    assert.equal((status.you as { principal: string }).principal, 'token');
  });
  it('refuses a connect without a token with token_missing', async () => {
    assertUnauthorized(await refused({ url: gw.url }), 'token_missing');
  });
  it('refuses a wrong token with token_mismatch and never logs the attempt', async () => {
    assertUnauthorized(await refused({ url: gw.url, token: 'wrong-guess-1', headers: { 'x-forwarded-for': '203.0.113.50' } }), 'token_mismatch');
    assert.ok(!gw.logs.join('').includes('wrong-guess-1'));
    assert.ok(!gw.logs.join('').includes('tok-0123456789abcdef'));
    assert.ok(gw.logs.some((l) => l.includes('"reason":"token_mismatch"')));
  });
  it('locks out a client IP after repeated failures, keyed by the forwarded client behind a trusted proxy', async () => {
    const attacker = { 'x-forwarded-for': '198.51.100.7' };
    for (let i = 0; i < 3; i++) assertUnauthorized(await refused({ url: gw.url, token: `bad-${i}`, headers: attacker }), 'token_mismatch');
    const locked = await refused({ url: gw.url, token: 'tok-0123456789abcdef', headers: attacker });
    assert.equal(locked.error?.details?.authReason, 'rate_limited');
    assert.equal(locked.error?.retryable, true);
    assert.ok((locked.error?.retryAfterMs ?? 0) > 0);
    // Another client behind the same proxy is not locked out.
    const other = await accepted({ url: gw.url, token: 'tok-0123456789abcdef', headers: { 'x-forwarded-for': '198.51.100.8' } });
    assert.equal((other.you as { principal: string }).principal, 'token');
  });
});

describe('auth mode password', () => {
  let gw: TestGateway;
  before(async () => { gw = await bootGateway({ gateway: { auth: { mode: 'password' } } }, { env: { CLAWGATE_GATEWAY_PASSWORD: 'correct horse battery' } }); });
  after(() => gw.stop());
  it('accepts the password from CLAWGATE_GATEWAY_PASSWORD', async () => {
    const status = await accepted({ url: gw.url, password: 'correct horse battery' });
    assert.equal((status.you as { principal: string }).principal, 'password');
  });
  it('refuses a missing password and a wrong one', async () => {
    assertUnauthorized(await refused({ url: gw.url }), 'password_missing');
    assertUnauthorized(await refused({ url: gw.url, password: 'Correct horse battery' }), 'password_mismatch');
  });
  it('does not accept the password in the token field', async () => {
    assertUnauthorized(await refused({ url: gw.url, token: 'correct horse battery' }), 'password_missing');
  });
});

describe('auth mode trusted-proxy (the seed config)', () => {
  let gw: TestGateway;
  const me = { 'x-authentik-email': 'me@example.com' };
  before(async () => { gw = await bootGateway({ gateway: { ...SEED_GATEWAY, port: 0 } }); });
  after(() => gw.stop());

  it('accepts the identity header from a trusted proxy peer', async () => {
    const status = await accepted({ url: gw.url, headers: me });
    assert.equal((status.you as { principal: string }).principal, 'trusted-proxy:me@example.com');
    assert.equal((status.you as { description: string }).description, 'me@example.com via trusted proxy');
  });
  it('compares allowed emails case-insensitively', async () => {
    const status = await accepted({ url: gw.url, headers: { 'X-Authentik-Email': 'Me@Example.COM' } });
    assert.equal((status.you as { principal: string }).principal, 'trusted-proxy:me@example.com');
  });
  it('refuses the header from a peer that is not a trusted proxy', async () => {
    assertUnauthorized(await refused({ url: gw.url, headers: me, localAddress: '127.0.0.2' }), 'trusted_proxy_untrusted_source');
  });
  it('refuses a trusted peer without the header (the seed bug: internal self-connections)', async () => {
    assertUnauthorized(await refused({ url: gw.url, clientId: 'gateway-client', clientMode: 'backend' }), 'trusted_proxy_user_missing');
  });
  it('refuses alias spellings of the identity header', async () => {
    assertUnauthorized(await refused({ url: gw.url, headers: { ...me, 'x.authentik.email': 'me@example.com' } }), 'trusted_proxy_header_alias');
    assertUnauthorized(await refused({ url: gw.url, headers: { 'x_authentik_email': 'me@example.com' } }), 'trusted_proxy_header_alias');
  });
  it('refuses a second value of the identity header', async () => {
    assertUnauthorized(await refused({ url: gw.url, headers: { 'x-authentik-email': ['me@example.com', 'openclaw-internal@local'] } }), 'trusted_proxy_header_duplicate');
  });
  it('refuses malformed identity values', async () => {
    for (const bad of ['{http.reverse_proxy.header.X-Authentik-Email}', 'me@example.com, evil@example.com', `${'a'.repeat(320)}@example.com`]) {
      assertUnauthorized(await refused({ url: gw.url, headers: { 'x-authentik-email': bad } }), 'trusted_proxy_user_invalid');
    }
    assertUnauthorized(await refused({ url: gw.url, headers: { 'x-authentik-email': '   ' } }), 'trusted_proxy_user_missing');
  });
  it('refuses a user not in allowUsers', async () => {
    assertUnauthorized(await refused({ url: gw.url, headers: { 'x-authentik-email': 'mallory@example.com' } }), 'trusted_proxy_user_not_allowed');
  });
});

describe('trusted-proxy with requiredHeaders, *@domain users and proxySecret', () => {
  let gw: TestGateway;
  const base = { 'x-authentik-email': 'alice@corp.example', 'x-forwarded-proto': 'https', 'x-proxy-secret': 'proxy-secret-0123456789' };
  before(async () => {
    gw = await bootGateway({ gateway: { bind: 'loopback', trustedProxies: ['127.0.0.0/30'], auth: { mode: 'trusted-proxy', trustedProxy: {
      userHeader: 'X-Authentik-Email', requiredHeaders: ['x-forwarded-proto'], allowUsers: ['*@corp.example'],
      proxySecret: { header: 'x-proxy-secret', env: 'TEST_PROXY_SECRET' },
    } } } }, { env: { TEST_PROXY_SECRET: 'proxy-secret-0123456789' } });
  });
  after(() => gw.stop());

  it('accepts a domain-pattern user with the required header and the proxy secret', async () => {
    const status = await accepted({ url: gw.url, headers: base, localAddress: '127.0.0.2' });
    assert.equal((status.you as { principal: string }).principal, 'trusted-proxy:alice@corp.example');
  });
  it('refuses a missing proxy secret and a wrong one', async () => {
    const { 'x-proxy-secret': _s, ...noSecret } = base;
    assertUnauthorized(await refused({ url: gw.url, headers: noSecret }), 'trusted_proxy_secret_missing');
    assertUnauthorized(await refused({ url: gw.url, headers: { ...base, 'x-proxy-secret': 'proxy-secret-0123456780' } }), 'trusted_proxy_secret_mismatch');
    assertUnauthorized(await refused({ url: gw.url, headers: { ...base, 'x-proxy-secret': ['proxy-secret-0123456789', 'proxy-secret-0123456789'] } }), 'trusted_proxy_secret_mismatch');
  });
  it('names the missing required header', async () => {
    const { 'x-forwarded-proto': _p, ...noProto } = base;
    assertUnauthorized(await refused({ url: gw.url, headers: noProto }), 'trusted_proxy_missing_header_x-forwarded-proto');
  });
  it('refuses users outside the allowed domain, including look-alike domains', async () => {
    for (const u of ['bob@other.example', 'bob@evilcorp.example', 'bob@corp.example.evil']) {
      assertUnauthorized(await refused({ url: gw.url, headers: { ...base, 'x-authentik-email': u } }), 'trusted_proxy_user_not_allowed');
    }
  });
  it('refuses peers outside the trusted CIDR', async () => {
    assertUnauthorized(await refused({ url: gw.url, headers: base, localAddress: '127.0.0.5' }), 'trusted_proxy_untrusted_source');
  });
});

describe('trusted-proxy on a dual-stack socket', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await bootGateway({ gateway: { bind: 'custom', customBindHost: '::', trustedProxies: ['127.0.0.1'], controlUi: { allowedOrigins: ['https://gw.example.com'] },
      auth: { mode: 'trusted-proxy', trustedProxy: { userHeader: 'x-authentik-email' } } } });
  });
  after(() => gw.stop());
  it('normalises an IPv4-mapped peer (::ffff:127.0.0.1) before matching trustedProxies', async () => {
    const status = await accepted({ url: `ws://127.0.0.1:${gw.port}`, headers: { 'x-authentik-email': 'me@example.com' } });
    assert.equal((status.you as { principal: string }).principal, 'trusted-proxy:me@example.com');
  });
  it('does not trust ::1 when only 127.0.0.1 is listed', async () => {
    assertUnauthorized(await refused({ url: `ws://[::1]:${gw.port}`, headers: { 'x-authentik-email': 'me@example.com' } }), 'trusted_proxy_untrusted_source');
  });
});

describe('scope ceilings for proxy users (gateway.auth.identityScopes)', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await bootGateway({ gateway: { ...SEED_GATEWAY, port: 0, auth: { mode: 'trusted-proxy',
      trustedProxy: { userHeader: 'x-authentik-email', allowUsers: ['me@example.com', 'ops@example.com', 'viewer@example.com'] },
      identityScopes: { 'OPS@example.com': ['operator.admin', 'operator.read', 'operator.write'], '*': ['operator.read'] } } } });
  });
  after(() => gw.stop());
  const grant = async (user: string) => {
    const { client, hello } = await connectWs({ url: gw.url, headers: { 'x-authentik-email': user } });
    client.close();
    return hello.auth.scopes;
  };
  it('grants a listed user (matched case-insensitively) what the table allows', async () => {
    assert.deepEqual(await grant('ops@example.com'), ['operator.admin', 'operator.read', 'operator.write']);
  });
  it('caps everyone else at the "*" entry, whatever they ask for', async () => {
    assert.deepEqual(await grant('viewer@example.com'), ['operator.read']);
  });
  it('holders of the gateway token may ask for admin', async () => {
    const tok = await bootGateway({ gateway: { auth: { mode: 'token', token: 'ceiling-token-123456' } } });
    try {
      const { client, hello } = await connectWs({ url: tok.url, token: 'ceiling-token-123456' });
      client.close();
      assert.ok(hello.auth.scopes.includes('operator.admin'));
    } finally { await tok.stop(); }
  });
});

describe('default scope ceiling for proxy users', () => {
  let gw: TestGateway;
  before(async () => { gw = await bootGateway({ gateway: { ...SEED_GATEWAY, port: 0 } }); });
  after(() => gw.stop());
  it('gives a proxy user read and write but not admin by default', async () => {
    const { client, hello } = await connectWs({ url: gw.url, headers: { 'x-authentik-email': 'me@example.com' } });
    client.close();
    assert.deepEqual(hello.auth.scopes, ['operator.read', 'operator.write']);
  });
});

describe('identities that name Object.prototype members', () => {
  let gw: TestGateway;
  before(async () => { gw = await bootGateway({ gateway: { ...SEED_GATEWAY, port: 0, auth: { mode: 'trusted-proxy', trustedProxy: { userHeader: 'x-forwarded-user' } } } }); });
  after(() => gw.stop());
  it('treats users such as __proto__ and constructor as ordinary names', async () => {
    for (const user of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const { client, hello } = await connectWs({ url: gw.url, headers: { 'x-forwarded-user': user }, timeoutMs: 5_000 });
      const status = await client.request<{ you: { principal: string } }>('status');
      client.close();
      assert.equal(status.you.principal, `trusted-proxy:${user}`);
      assert.deepEqual(hello.auth.scopes, ['operator.read', 'operator.write']);
    }
  });
});
