// trustedProxy.assertion against a real gateway on port 0: the identity is the verified claim
// of the proxy's JWT (JWKS over HTTP on 127.0.0.1, or a JWKS file), every invalid kind is
// refused with its own wire reason, a user header must agree, groups reach the principal, an
// unreachable JWKS fails closed, and a local process that is not the proxy (user nobody) can no
// longer claim anyone by connecting to the gateway port itself.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { connectWs, type ConnectError, type WsConnectOptions } from '../src/client/ws.js';
import { bootGateway, tempDir, type TestGateway } from './fixtures/gateway.fixture.js';
import { refused } from './fixtures/refused.fixture.js';
import { connectParams } from './fixtures/raw-ws.fixture.js';
import { serveJwks, signAssertion, signingKey, type JwksServer, type SigningKey } from './fixtures/jwks.fixture.js';
import { authDetailCode, authFailureMessage } from '../src/protocol/auth-reasons.js';

const HEADER = 'x-clawgate-assertion';
const ISS = 'https://idp.example.com';
const AUD = 'clawgate';
const ME = { email: 'me@example.com', iss: ISS, aud: AUD };

function assertUnauthorized(err: ConnectError, authReason: string): void {
  assert.deepEqual(err.error, { code: 'INVALID_REQUEST', message: authFailureMessage(authReason, { id: 'cli', mode: 'cli' }), details: { code: authDetailCode(authReason), authReason } });
  assert.equal(err.closeCode, 1008);
}

interface You { principal: string; description: string; groups?: string[] }
async function you(opts: WsConnectOptions): Promise<You> {
  const { client } = await connectWs({ timeoutMs: 5_000, ...opts });
  try {
    const { principal, description, groups } = (await client.request<{ you: You }>('status')).you;
    return { principal, description, ...(groups ? { groups } : {}) };
  } finally { client.close(); }
}

function gatewayWith(assertion: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    bind: 'loopback', trustedProxies: ['127.0.0.1'],
    auth: { mode: 'trusted-proxy', trustedProxy: { allowUsers: ['*@example.com'], assertion: { header: HEADER, issuer: ISS, audience: AUD, ...assertion }, ...extra } },
  };
}

describe('trusted-proxy with a signed assertion (JWKS over HTTP)', () => {
  let key: SigningKey;
  let forger: SigningKey;
  let jwks: JwksServer;
  let gw: TestGateway;
  const asProxy = (token: string | undefined, headers: Record<string, string | string[]> = {}): WsConnectOptions =>
    ({ url: gw.url, headers: { ...(token === undefined ? {} : { [HEADER]: token }), ...headers } });

  before(async () => {
    key = await signingKey('k1', 'ES256');
    forger = await signingKey('k1', 'ES256');
    jwks = await serveJwks([key.jwk]);
    const g = gatewayWith({ jwksUrl: jwks.url, groupsClaim: 'groups' }, { userHeader: 'x-authentik-email' }) as { auth: Record<string, unknown> };
    // Members of the signed "ops" group get admin (groupScopes), which /metrics needs.
    gw = await bootGateway({ gateway: { ...g, auth: { ...g.auth, groupScopes: { ops: ['operator.admin'] } } } });
  });
  after(async () => { await gw.stop(); await jwks.close(); });

  it('admits the person the verified token names', async () => {
    assert.deepEqual(await you(asProxy(await signAssertion(key, { ...ME, groups: ['dev'] }))), { principal: 'trusted-proxy:me@example.com', description: 'me@example.com via trusted proxy', groups: ['dev'] });
  });

  it('refuses every invalid kind with its own reason', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, string | undefined, string][] = [
      ['missing', undefined, 'trusted_proxy_assertion_missing'],
      ['malformed', 'eyJhbGciOi.garbage', 'trusted_proxy_assertion_malformed'],
      ['huge', 'a'.repeat(12_000), 'trusted_proxy_assertion_malformed'],
      ['forged signature', await signAssertion(forger, ME), 'trusted_proxy_assertion_signature'],
      ['unknown key', await signAssertion(forger, ME, { kid: 'nope' }), 'trusted_proxy_assertion_key_unknown'],
      ['expired', await signAssertion(key, { ...ME, iat: now - 7200, exp: now - 3600 }), 'trusted_proxy_assertion_expired'],
      ['not yet valid', await signAssertion(key, { ...ME, nbf: now + 3600 }), 'trusted_proxy_assertion_not_yet_valid'],
      ['wrong issuer', await signAssertion(key, { ...ME, iss: 'https://evil.example.com' }), 'trusted_proxy_assertion_issuer'],
      ['wrong audience', await signAssertion(key, { ...ME, aud: 'grafana' }), 'trusted_proxy_assertion_audience'],
      ['no email', await signAssertion(key, { iss: ISS, aud: AUD }), 'trusted_proxy_assertion_claims_invalid'],
    ];
    for (const [what, token, reason] of cases) assertUnauthorized(await refused(asProxy(token)), reason);
    assert.ok(gw.logs.some((l) => l.includes('"reason":"trusted_proxy_assertion_signature"')), 'refusals are logged with their reason');
    for (const [, token] of cases) if (token) assert.ok(!gw.logs.join('').includes(token), 'tokens are never logged');
  });

  it('a user header sent alongside must name the same person', async () => {
    const token = await signAssertion(key, ME);
    assert.equal((await you(asProxy(token, { 'x-authentik-email': 'ME@example.com' }))).principal, 'trusted-proxy:me@example.com');
    assertUnauthorized(await refused(asProxy(token, { 'x-authentik-email': 'boss@example.com' })), 'trusted_proxy_assertion_user_mismatch');
    assertUnauthorized(await refused(asProxy(undefined, { 'x-authentik-email': 'me@example.com' })), 'trusted_proxy_assertion_missing');
    assertUnauthorized(await refused(asProxy(token, { 'x_clawgate_assertion': token })), 'trusted_proxy_header_alias');
  });

  it('HTTP routes behind auth (/metrics) take the same verified assertion', async () => {
    const get = async (headers: Record<string, string>) => {
      const res = await fetch(`http://127.0.0.1:${gw.port}/metrics`, { headers });
      return { status: res.status, body: await res.text() };
    };
    const ok = await get({ [HEADER]: await signAssertion(key, { ...ME, groups: ['ops'] }) });
    assert.equal(ok.status, 200);
    assert.equal((await get({ [HEADER]: await signAssertion(key, ME) })).status, 403, 'verified, but not in an admin group');
    assert.match(ok.body, /^# HELP /m);
    assert.deepEqual(await get({ 'x-authentik-email': 'me@example.com' }), { status: 401, body: JSON.stringify({ error: 'unauthorized', authReason: 'trusted_proxy_assertion_missing' }) });
    assert.deepEqual(await get({ [HEADER]: await signAssertion(forger, ME) }), { status: 401, body: JSON.stringify({ error: 'unauthorized', authReason: 'trusted_proxy_assertion_signature' }) });
  });

  it('an assertion proves the proxy: forwarded addresses count only alongside a verified one', async () => {
    const line = (reason: string, xff: string) => gw.logs.find((l) => l.includes(reason) && l.includes('"peer":"127.0.0.1"') && (l.includes(xff) || l.includes('"remote":"127.0.0.1"')));
    await refused(asProxy(await signAssertion(forger, ME), { 'x-forwarded-for': '203.0.113.9' }));
    const forged = line('trusted_proxy_assertion_signature', '203.0.113.9');
    assert.ok(forged?.includes('"remote":"127.0.0.1"'), `a forged token's forwarded address is not believed: ${forged}`);
    await you(asProxy(await signAssertion(key, ME), { 'x-forwarded-for': '203.0.113.10' }));
    assert.ok(gw.logs.some((l) => l.includes('"msg":"connected"') && l.includes('"remote":"203.0.113.10"')), 'a verified token\'s forwarded address is the client');
  });

  it('allowUsers still applies to the verified identity', async () => {
    assertUnauthorized(await refused(asProxy(await signAssertion(key, { ...ME, email: 'mallory@evil.test' }))), 'trusted_proxy_user_not_allowed');
  });

  it('two people at once each get their own identity', async () => {
    const people = Array.from({ length: 12 }, (_, i) => `person${i}@example.com`);
    const tokens = await Promise.all(people.map((email) => signAssertion(key, { ...ME, email, groups: [`team-${email}`] })));
    const got = await Promise.all(tokens.map((t) => you(asProxy(t))));
    assert.deepEqual(got.map((g) => [g.principal, g.groups]), people.map((p) => [`trusted-proxy:${p}`, [`team-${p}`]]));
  });

  it('a local process that is not the proxy (user nobody) cannot claim anyone on the gateway port', async (t) => {
    const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
    if (process.getuid?.() !== 0 || !setpriv) { t.skip('needs root and setpriv to act as another user'); return; }
    const wsModule = createRequire(import.meta.url).resolve('ws');
    const selfSigned = await signAssertion(await signingKey('k1', 'ES256'), ME);
    // From 127.0.0.1 (a trusted proxy address): the identity header alone, then with a self-made token.
    const script = `
      const WebSocket = require(${JSON.stringify(wsModule)});
      const attempt = (headers) => new Promise((resolve) => {
        const ws = new WebSocket(${JSON.stringify(gw.url)}, { headers });
        ws.on('message', (d) => {
          const f = JSON.parse(String(d));
          if (f.event === 'connect.challenge') ws.send(JSON.stringify({ type: 'req', id: 'c', method: 'connect', params: ${JSON.stringify(connectParams())} }));
          else if (f.id === 'c') { resolve(f.ok ? 'accepted' : f.error.details.authReason); ws.close(); }
        });
        ws.on('error', (e) => resolve('error ' + e.message));
      });
      (async () => {
        const out = [];
        out.push(await attempt({ 'x-authentik-email': 'me@example.com' }));
        out.push(await attempt({ 'x-authentik-email': 'me@example.com', ${JSON.stringify(HEADER)}: ${JSON.stringify(selfSigned)} }));
        console.log(JSON.stringify({ uid: process.getuid(), out }));
      })();`;
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(setpriv, ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', script], { timeout: 15_000, env: { PATH: process.env.PATH ?? '' } },
        (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }));
    });
    if (r.code !== 0 && /EACCES|Cannot find module/.test(r.stderr)) { t.skip('node_modules is not readable by user nobody here'); return; }
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { uid: 65534, out: ['trusted_proxy_assertion_missing', 'trusted_proxy_assertion_signature'] });
  });
});

describe('trusted-proxy with a signed assertion: key set from a file, groups, unreachable JWKS', () => {
  it('a JWKS file (relative to the config file) verifies tokens, and groups reach the principal', async () => {
    const key = await signingKey('file-key', 'RS256');
    const dir = tempDir('clawgate-jwks-');
    writeFileSync(join(dir, 'proxy-jwks.json'), JSON.stringify({ keys: [key.jwk] }));
    const gw = await bootGateway({ gateway: gatewayWith({ jwksFile: join(dir, 'proxy-jwks.json'), groupsClaim: 'groups' }) });
    try {
      const token = await signAssertion(key, { ...ME, groups: ['admins', 'dev'] });
      assert.deepEqual(await you({ url: gw.url, headers: { [HEADER]: token } }), { principal: 'trusted-proxy:me@example.com', description: 'me@example.com via trusted proxy', groups: ['admins', 'dev'] });
      const a = gw.config.gateway.auth;
      assert.ok(a.mode === 'trusted-proxy' && a.assertion && 'jwks' in a.assertion.keys, 'config resolved the file into a key set');
    } finally { await gw.stop(); }
  });

  it('an unreachable JWKS fails closed with trusted_proxy_assertion_jwks_unavailable', async () => {
    const jwks = await serveJwks([]);
    await jwks.close();
    const key = await signingKey('k1');
    const gw = await bootGateway({ gateway: gatewayWith({ jwksUrl: jwks.url }) });
    try {
      assertUnauthorized(await refused({ url: gw.url, headers: { [HEADER]: await signAssertion(key, ME) } }), 'trusted_proxy_assertion_jwks_unavailable');
      assert.ok(gw.logs.some((l) => l.includes('assertion key set unavailable') && l.includes(jwks.url) && l.includes('ECONNREFUSED')), 'the log says which key set and why');
      // A direct connection from an untrusted peer never makes the gateway fetch anything.
      assertUnauthorized(await refused({ url: gw.url, localAddress: '127.0.0.2', headers: { [HEADER]: await signAssertion(key, ME) } }), 'trusted_proxy_untrusted_source');
    } finally { await gw.stop(); }
  });
});
