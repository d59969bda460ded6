// Issue 12, origins and config lists: allowedOrigins compared in canonical form, subdomain
// wildcards with exact semantics, a bare "*" refused, loopback origins only as the request's
// own origin, and every config list entry able to match something. Each test is one example
// from the issue against a running gateway or loadConfig; each failed on main before the fix.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectWs, ConnectError, type WsConnectOptions } from '../src/client/ws.js';
import { ConfigError } from '../src/config/errors.js';
import { loadConfig } from '../src/config/load.js';
import { bootGateway, type TestGateway } from './fixtures/gateway.fixture.js';
import { refused } from './fixtures/refused.fixture.js';

const TOKEN = 'edge-origin-token-0123456789';
const BROWSER = { clientId: 'openclaw-control-ui', clientMode: 'webchat' } as const;

async function principal(opts: WsConnectOptions): Promise<string> {
  const { client } = await connectWs({ timeoutMs: 5_000, ...opts });
  try { return (await client.request<{ you: { principal: string } }>('status')).you.principal; } finally { client.close(); }
}
const reasonOf = (e: ConnectError): unknown => e.error?.details?.authReason;

/** The issues loadConfig reports for a gateway section ([] when it loads). */
function issuesFor(gateway: Record<string, unknown>): { path: string; message: string }[] {
  const dir = mkdtempSync(join(tmpdir(), 'clawgate-edge-'));
  try {
    writeFileSync(join(dir, 'clawgate.json'), JSON.stringify({ gateway }));
    loadConfig({ configPath: join(dir, 'clawgate.json'), env: { CLAWGATE_STATE_DIR: dir } });
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.issues.map((i) => ({ path: i.path, message: i.message }));
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

describe('allowedOrigins in canonical form', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN }, controlUi: { allowedOrigins: ['https://openclaw.example.com:443', 'https://*.tail14a6bf.ts.net', 'https://Bücher.example'] } } });
  });
  after(() => gw.stop());

  it('accepts the browser\'s Origin https://openclaw.example.com for the entry https://openclaw.example.com:443', async () => {
    assert.equal(await principal({ url: gw.url, token: TOKEN, origin: 'https://openclaw.example.com', ...BROWSER }), 'token');
    assert.equal(reasonOf(await refused({ url: gw.url, token: TOKEN, origin: 'https://openclaw.example.com:8443', ...BROWSER })), 'origin_not_allowed');
  });

  it('accepts an IDN entry for the punycode Origin a browser sends', async () => {
    assert.equal(await principal({ url: gw.url, token: TOKEN, origin: 'https://xn--bcher-kva.example', ...BROWSER }), 'token');
  });

  it('matches https://*.tail14a6bf.ts.net (Tailscale Serve) on one label, same scheme and port', async () => {
    assert.equal(await principal({ url: gw.url, token: TOKEN, origin: 'https://gpu-box.tail14a6bf.ts.net', ...BROWSER }), 'token');
    for (const origin of ['http://gpu-box.tail14a6bf.ts.net', 'https://gpu-box.tail14a6bf.ts.net:8443', 'https://tail14a6bf.ts.net', 'https://a.gpu-box.tail14a6bf.ts.net', 'https://gpu-box.tail14a6bf.ts.net.evil.example']) {
      assert.equal(reasonOf(await refused({ url: gw.url, token: TOKEN, origin, ...BROWSER })), 'origin_not_allowed', origin);
    }
  });
});

describe('config refuses list entries that can never match', () => {
  it('refuses a bare "*", in every mode, naming the fix', () => {
    for (const auth of [{ mode: 'token', token: TOKEN }, { mode: 'none' }, { mode: 'trusted-proxy', trustedProxy: { userHeader: 'x-authentik-email' } }]) {
      const issues = issuesFor({ auth, trustedProxies: ['127.0.0.1'], controlUi: { allowedOrigins: ['*'] } });
      assert.deepEqual(issues.map((i) => i.path), ['gateway.controlUi.allowedOrigins[0]'], JSON.stringify(auth));
      assert.match(issues[0]!.message, /list the origins instead.*https:\/\/\*\.example\.com/);
    }
  });

  it('refuses origins with a path or user, and wildcards that are not one whole left-most label', () => {
    const bad = ['https://openclaw.example.com/ui', 'https://me@openclaw.example.com', 'https://*.com', 'https://a.*.example.com', 'https://*example.com', 'https://*.*.example.com', 'https://*.10.0.0.1', 'chrome-extension://abcdef'];
    const issues = issuesFor({ auth: { mode: 'token', token: TOKEN }, controlUi: { allowedOrigins: bad } });
    assert.deepEqual(issues.map((i) => i.path), bad.map((_, i) => `gateway.controlUi.allowedOrigins[${i}]`));
    assert.match(issues[0]!.message, /can never match a browser's Origin: write scheme, host and optional port only/);
    assert.match(issues[2]!.message, /at least two labels/);
  });

  it('refuses trustedProxies no peer can have, or that a loopback bind can never see', () => {
    const issues = issuesFor({ auth: { mode: 'token', token: TOKEN }, bind: 'loopback', trustedProxies: ['127.0.0.1', '0.0.0.0', '10.0.0.0/8', '224.0.0.1'] });
    assert.deepEqual(issues.map((i) => i.path), ['gateway.trustedProxies[1]', 'gateway.trustedProxies[2]', 'gateway.trustedProxies[3]']);
    assert.match(issues[1]!.message, /bind is loopback/);
    assert.deepEqual(issuesFor({ auth: { mode: 'token', token: TOKEN }, bind: 'lan', trustedProxies: ['10.0.0.0/8', '0.0.0.0/0'] }), []);
  });

  it('refuses allowUsers and identityScopes entries no accepted identity can equal, and header names the proxy cannot set as such', () => {
    const issues = issuesFor({
      trustedProxies: ['127.0.0.1'],
      auth: {
        mode: 'trusted-proxy',
        trustedProxy: { userHeader: 'Host', requiredHeaders: ['x_authentik_groups', 'X-Authentik-Groups'], allowUsers: ['me@example.com', '{user}@example.com', 'a,b'], proxySecret: { header: 'x-authentik-groups', value: 'sixteen-chars-secret' } },
        identityScopes: { 'ops@example.com': ['operator.read'], 'x\u0007y': ['operator.read'] },
      },
    });
    const paths = issues.map((i) => i.path);
    for (const p of ['gateway.auth.trustedProxy.userHeader', 'gateway.auth.trustedProxy.allowUsers[1]', 'gateway.auth.trustedProxy.allowUsers[2]', 'gateway.auth.identityScopes.x\u0007y', 'gateway.auth.trustedProxy.requiredHeaders[0]']) {
      assert.ok(paths.includes(p), `${p} in ${JSON.stringify(issues)}`);
    }
    assert.ok(!paths.includes('gateway.auth.trustedProxy.requiredHeaders[1]'), 'the secret header itself may be required');
  });
});

describe('localhost origins count only as the request\'s own origin', () => {
  let none: TestGateway;
  let tok: TestGateway;
  before(async () => {
    none = await bootGateway({ gateway: { auth: { mode: 'none' } } });
    tok = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN, rateLimit: { maxAttempts: 10, windowMs: 60_000, lockoutMs: 300_000 } } } });
  });
  after(async () => { await none.stop(); await tok.stop(); });

  it('mode none: a page on another local port gets no admin session and deletes nothing', async () => {
    const { client } = await connectWs({ url: none.url, scopes: ['operator.admin', 'operator.write', 'operator.read'] });
    await client.request('sessions.create', { key: 'agent:manager:main' });
    client.close();
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:3000', `https://127.0.0.1:${none.port}`, `http://localhost:${none.port}`]) {
      assert.equal(reasonOf(await refused({ url: none.url, origin, scopes: ['operator.admin'], ...BROWSER })), 'origin_not_allowed', origin);
    }
    assert.equal(none.store.getSession('operator', 'agent:manager:main')?.key, 'agent:manager:main');
    // The gateway's own page (its own origin) still works.
    assert.equal(await principal({ url: none.url, origin: `http://127.0.0.1:${none.port}`, ...BROWSER }), 'none');
  });

  it('token mode: ten guesses from a page on another local port lock nobody out', async () => {
    for (let i = 0; i < 12; i++) assert.equal(reasonOf(await refused({ url: tok.url, token: `guess-${i}`, origin: 'http://localhost:5173', ...BROWSER })), 'origin_not_allowed');
    assert.equal(await principal({ url: tok.url, token: TOKEN, origin: `http://127.0.0.1:${tok.port}`, ...BROWSER }), 'token');
    assert.equal(await principal({ url: tok.url, token: TOKEN }), 'token');
  });
});
