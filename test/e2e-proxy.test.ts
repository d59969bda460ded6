// End to end behind real proxies (OpenClaw #43300's deployment shape): headless Chromium →
// nginx auth_request / Caddy forward_auth → an authentik-outpost stand-in → a real gateway in
// trusted-proxy mode with the seed's config. The proxy configs are the ones in docs/deploy/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connectWs } from '../src/client/ws.js';
import { bootGateway, SEED_GATEWAY, type TestGateway } from './fixtures/gateway.fixture.js';
import { refused } from './fixtures/refused.fixture.js';
import { Stack, whoAmI } from './fixtures/stack.fixture.js';
import { ANON_SESSION, loginCookie, SESSION_COOKIE, startForwardAuth, type ForwardAuth } from './fixtures/forward-auth.fixture.js';
import { freePort, startCaddy, startNginx, type RunningProxy } from './fixtures/proxies.fixture.js';
import { launchBrowser, type TestBrowser, spawnWorkerThroughUi } from './fixtures/browser.fixture.js';

const AGENTS = {
  list: [
    { id: 'manager', default: true, tools: { allow: ['sessions_spawn', 'sessions_list'] }, subagents: { allowAgents: ['worker'] } },
    { id: 'worker' },
  ],
};

/** What the person types in the control UI: the manager spawns a worker, then lists sessions. */
const MANAGER_MESSAGE = '/tool sessions_spawn {"agentId":"worker","task":"check availability"}\n/tool sessions_list {}';
const ME = 'trusted-proxy:me@example.com';
const SECRET_HEADER = 'x-clawgate-proxy-secret';
const TEST_TIMEOUT = 30_000;

// ── one Chromium for the whole file, launched on first use ──
let browserP: Promise<TestBrowser> | undefined;
const browser = (): Promise<TestBrowser> => (browserP ??= launchBrowser());
after(async () => {
  const b = await browserP?.catch(() => undefined);
  await b?.close();
});

/** 32 random characters. */
const randomSecret = (): string => randomBytes(24).toString('base64url');

function gatewayConfig(origins: string[], proxySecret?: string): Record<string, unknown> {
  const trustedProxy = { ...SEED_GATEWAY.auth.trustedProxy, ...(proxySecret ? { proxySecret: { header: SECRET_HEADER, value: proxySecret } } : {}) };
  return {
    ...SEED_GATEWAY,
    port: 0,
    controlUi: { ...SEED_GATEWAY.controlUi, allowedOrigins: [...SEED_GATEWAY.controlUi.allowedOrigins, ...origins] },
    auth: { ...SEED_GATEWAY.auth, trustedProxy },
  };
}




const wsUrl = (origin: string): string => `${origin.replace(/^http/, 'ws')}/`;

/** Runs a browser step; on failure, adds what the page, proxy and gateway said. */
async function diagnosed<T>(what: { page?: { problems: string[] }; proxy?: RunningProxy; gw?: TestGateway }, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const extra = [
      what.page?.problems.length ? `page: ${what.page.problems.join('\n')}` : '',
      what.proxy ? `${what.proxy.kind}: ${what.proxy.output().slice(-2_000)}` : '',
      what.gw ? `gateway log tail:\n${what.gw.logs.slice(-15).join('\n')}` : '',
    ].filter(Boolean).join('\n');
    if (err instanceof Error && extra) err.message += `\n--- diagnostics ---\n${extra}`;
    throw err;
  }
}

/**
 * The seed scenario in the control UI through a proxy: signed in as me, the person asks the
 * manager to spawn a worker and list sessions; the worker's session shows up nested under the
 * manager's, acting for the same person.
 */
async function chatThroughProxy(proxy: RunningProxy, gw: TestGateway, screenshot: string): Promise<void> {
  const b = await browser();
  await b.logout();
  await b.login(proxy.origin, SESSION_COOKIE, 'me');
  const page = await b.newPage();
  try {
    await diagnosed({ page, proxy, gw }, async () => {
      const resp = await page.goto(`${proxy.origin}/`);
      assert.equal(resp?.status(), 200);
      await spawnWorkerThroughUi(page, MANAGER_MESSAGE);
      await page.locator('#transcript .msg.assistant', { hasText: 'sessions_spawn ok' }).waitFor();

      // The session tree: the worker's subagent session nested under the manager's.
      const nested = page.locator('#sessions li[data-key="agent:manager:main"] li[data-depth="1"]');
      await nested.first().waitFor();
      assert.equal(await page.locator('#sessions li li').count(), 1);
      const key = await nested.getAttribute('data-key');
      assert.match(key ?? '', /^agent:worker:subagent:[0-9a-f-]{36}$/);
      const text = await nested.textContent();
      assert.ok(text?.includes(`for ${ME}`), `nested entry says: ${text}`);
      assert.ok(text?.includes('worker (subagent)'), `nested entry says: ${text}`);
      // The worker finishes its task; the tree shows it.
      await nested.locator('.status.st-done').waitFor();
      await b.screenshot(page, screenshot);

      // The gateway agrees: the worker's session was spawned by the manager's and acts for me.
      const rows = gw.store.listSessions({ agentId: 'worker' });
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.key, key);
      assert.equal(rows[0]!.kind, 'subagent');
      assert.equal(rows[0]!.spawnedBy, 'agent:manager:main');
      assert.equal(rows[0]!.actingFor, ME);
      assert.equal(gw.store.getSession(ME, 'agent:manager:main')?.actingFor, ME);
    });
  } finally {
    await page.close();
  }
}

describe('nginx + auth_request (authentik) in front of the seed gateway', () => {
  const stack = new Stack();
  let gw: TestGateway;
  let auth: ForwardAuth;
  let nginx: RunningProxy;

  before(async () => {
    const port = await freePort();
    auth = await stack.add(startForwardAuth(), (a) => a.close());
    gw = await stack.add(bootGateway({ gateway: gatewayConfig([`http://127.0.0.1:${port}`]), agents: AGENTS }), (g) => g.stop());
    nginx = await stack.add(startNginx({ port, gatewayPort: gw.port, authPort: auth.port, proxySecret: randomSecret() }), (p) => p.stop());
  });
  after(() => stack.stopAll());

  it('without a login, nginx answers 401 for the page and for the WebSocket upgrade', { timeout: TEST_TIMEOUT }, async () => {
    const res = await fetch(`${nginx.origin}/`, { redirect: 'manual' });
    assert.equal(res.status, 401);
    await res.arrayBuffer();
    // Even a forged identity header does not get past nginx without a login.
    const e = await refused({ url: wsUrl(nginx.origin), headers: { 'X-Authentik-Email': 'me@example.com' } });
    assert.equal(e.httpStatus, 401);
    // nginx asked the outpost with authentik's subrequest shape.
    const last = auth.requests.at(-1)!;
    assert.equal(last.url, '/outpost.goauthentik.io/auth/nginx');
    assert.equal(last.status, 401);
    assert.equal(last.headers['x-original-url'], `${nginx.origin}/`);
    assert.equal(last.headers.upgrade, undefined, 'the auth subrequest must not be an upgrade');
  });

  it('signed in as me, the control UI works through nginx: the manager spawns a worker acting for me', { timeout: TEST_TIMEOUT }, async () => {
    await chatThroughProxy(nginx, gw, 'e2e-nginx.png');
    // And a protocol client through nginx with the same login sees the same thing.
    const { client } = await connectWs({ url: wsUrl(nginx.origin), headers: { cookie: loginCookie('me') } });
    try {
      const list = await client.request<{ sessions: { key: string; actingFor: string; spawnedBy?: string }[] }>('sessions.list', { spawnedBy: 'agent:manager:main' });
      assert.equal(list.sessions.length, 1);
      assert.equal(list.sessions[0]!.actingFor, ME);
    } finally {
      client.close();
    }
  });

  it('an identity header sent by the client is overwritten by nginx, and look-alike headers are dropped', { timeout: TEST_TIMEOUT }, async () => {
    // alice is signed in and claims to be me: the gateway sees alice, who is not allowed.
    const e = await refused({ url: wsUrl(nginx.origin), headers: { cookie: loginCookie('alice'), 'X-Authentik-Email': 'me@example.com' } });
    assert.equal(e.authReason, 'trusted_proxy_user_not_allowed');
    assert.equal(e.closeCode, 1008);

    // me claims to be another allowed user: still me.
    assert.deepEqual(await whoAmI({ url: wsUrl(nginx.origin), headers: { cookie: loginCookie('me'), 'X-Authentik-Email': 'openclaw-internal@local' } }),
      { principal: ME, description: 'me@example.com via trusted proxy' });

    // Look-alike spellings never reach the gateway through nginx, so the connect succeeds as me…
    const aliases = { 'X.Authentik.Email': 'openclaw-internal@local', X_Authentik_Email: 'openclaw-internal@local' };
    assert.equal((await whoAmI({ url: wsUrl(nginx.origin), headers: { cookie: loginCookie('me'), ...aliases } })).principal, ME);
    // …whereas the gateway itself would refuse them (sent directly, as a proxy that passed them would).
    const direct = await refused({ url: gw.url, headers: { 'x-authentik-email': 'me@example.com', X_Authentik_Email: 'openclaw-internal@local' } });
    assert.equal(direct.authReason, 'trusted_proxy_header_alias');
  });

  it('going around nginx to the gateway port is refused with trusted_proxy_user_missing, and the UI says why', { timeout: TEST_TIMEOUT }, async () => {
    const e = await refused({ url: gw.url });
    assert.equal(e.authReason, 'trusted_proxy_user_missing');

    const b = await browser();
    await b.logout();
    const page = await b.newPage();
    try {
      await diagnosed({ page, gw }, async () => {
        const resp = await page.goto(`http://127.0.0.1:${gw.port}/`);
        assert.equal(resp?.status(), 200);
        const refusal = page.locator('#refusal');
        await refusal.waitFor();
        assert.equal(await page.locator('#conn').textContent(), 'refused');
        assert.equal(await refusal.locator('code').textContent(), 'trusted_proxy_user_missing');
        const text = (await refusal.textContent()) ?? '';
        assert.match(text, /login proxy/);
        assert.match(text, /not the gateway port directly/);
        assert.equal(await page.locator('#identity').count(), 0);
        await b.screenshot(page, 'e2e-direct-refused.png');
      });
    } finally {
      await page.close();
    }
    assert.ok(gw.logs.some((l) => l.includes('trusted_proxy_user_missing') && l.includes('openclaw-control-ui')), 'the refusal of the UI is logged');
  });

  it('the identity header from an address that is not a trusted proxy is refused', { timeout: TEST_TIMEOUT }, async () => {
    const e = await refused({ url: gw.url, localAddress: '127.0.0.2', headers: { 'x-authentik-email': 'me@example.com' } });
    assert.equal(e.authReason, 'trusted_proxy_untrusted_source');
    assert.equal(e.closeCode, 1008);
    assert.ok(gw.logs.some((l) => l.includes('trusted_proxy_untrusted_source') && l.includes('127.0.0.2')), 'the refusal names the source address');
  });
});

describe('Caddy forward_auth (Traefik forwardAuth semantics) in front of the seed gateway', () => {
  const stack = new Stack();
  let gw: TestGateway;
  let auth: ForwardAuth;
  let caddy: RunningProxy;

  before(async () => {
    const port = await freePort();
    auth = await stack.add(startForwardAuth(), (a) => a.close());
    gw = await stack.add(bootGateway({ gateway: gatewayConfig([`http://127.0.0.1:${port}`]), agents: AGENTS }), (g) => g.stop());
    caddy = await stack.add(startCaddy({ port, gatewayPort: gw.port, authPort: auth.port, proxySecret: randomSecret() }), (p) => p.stop());
  });
  after(() => stack.stopAll());

  it('without a login, Caddy answers 401; the auth server got Traefik\'s forwardAuth headers', { timeout: TEST_TIMEOUT }, async () => {
    const res = await fetch(`${caddy.origin}/some/page?x=1`, { redirect: 'manual' });
    assert.equal(res.status, 401);
    await res.arrayBuffer();
    const e = await refused({ url: wsUrl(caddy.origin), headers: { 'X-Authentik-Email': 'me@example.com' } });
    assert.equal(e.httpStatus, 401);
    // Caddy keeps the original query string on the auth request.
    const first = auth.requests.find((r) => r.url === '/outpost.goauthentik.io/auth/caddy?x=1');
    assert.ok(first, `the auth server saw: ${auth.requests.map((r) => r.url).join(', ')}`);
    assert.equal(first.method, 'GET');
    assert.equal(first.status, 401);
    assert.equal(first.headers['x-forwarded-method'], 'GET');
    assert.equal(first.headers['x-forwarded-proto'], 'http');
    assert.equal(first.headers['x-forwarded-host'], `127.0.0.1:${caddy.port}`);
    assert.equal(first.headers['x-forwarded-uri'], '/some/page?x=1');
    assert.equal(first.headers['x-forwarded-for'], '127.0.0.1');
  });

  it('signed in as me, the control UI works through Caddy: the manager spawns a worker acting for me', { timeout: TEST_TIMEOUT }, async () => {
    await chatThroughProxy(caddy, gw, 'e2e-caddy.png');
  });

  it('a client-sent identity header is replaced by the one from the login', { timeout: TEST_TIMEOUT }, async () => {
    const e = await refused({ url: wsUrl(caddy.origin), headers: { cookie: loginCookie('alice'), 'X-Authentik-Email': 'me@example.com' } });
    assert.equal(e.authReason, 'trusted_proxy_user_not_allowed');
    assert.equal((await whoAmI({ url: wsUrl(caddy.origin), headers: { cookie: loginCookie('me'), 'X-Authentik-Email': 'openclaw-internal@local' } })).principal, ME);
  });

  it('an auth answer without identity reaches the gateway as Caddy 2.6\'s literal placeholder, which is refused', { timeout: TEST_TIMEOUT }, async () => {
    const e = await refused({ url: wsUrl(caddy.origin), headers: { cookie: loginCookie(ANON_SESSION) } });
    assert.equal(e.authReason, 'trusted_proxy_user_invalid');
    // Also when the client sends its own identity: it is removed before forward_auth runs.
    const forged = await refused({ url: wsUrl(caddy.origin), headers: { cookie: loginCookie(ANON_SESSION), 'X-Authentik-Email': 'me@example.com' } });
    assert.equal(forged.authReason, 'trusted_proxy_user_invalid');
    assert.equal(auth.requests.at(-1)!.status, 200);
  });

  it('look-alike identity headers pass through Caddy and the gateway refuses them', { timeout: TEST_TIMEOUT }, async () => {
    for (const alias of ['X_Authentik_Email', 'X.Authentik.Email']) {
      const e = await refused({ url: wsUrl(caddy.origin), headers: { cookie: loginCookie('me'), [alias]: 'openclaw-internal@local' } });
      assert.equal(e.authReason, 'trusted_proxy_header_alias', alias);
    }
  });
});

describe('proxySecret: only the proxy can vouch for a user, not any local process', () => {
  const stack = new Stack();
  const secret = randomSecret();
  let gw: TestGateway;
  let nginx: RunningProxy;
  let caddy: RunningProxy;

  before(async () => {
    const [nginxPort, caddyPort] = [await freePort(), await freePort()];
    const auth = await stack.add(startForwardAuth(), (a) => a.close());
    gw = await stack.add(bootGateway({ gateway: gatewayConfig([`http://127.0.0.1:${nginxPort}`], secret), agents: AGENTS }), (g) => g.stop());
    nginx = await stack.add(startNginx({ port: nginxPort, gatewayPort: gw.port, authPort: auth.port, proxySecret: secret }), (p) => p.stop());
    caddy = await stack.add(startCaddy({ port: caddyPort, gatewayPort: gw.port, authPort: auth.port, proxySecret: secret }), (p) => p.stop());
  });
  after(() => stack.stopAll());

  it('the control UI through nginx (which sends the secret) shows who is signed in', { timeout: TEST_TIMEOUT }, async () => {
    assert.equal(secret.length, 32);
    const b = await browser();
    await b.logout();
    await b.login(nginx.origin, SESSION_COOKIE, 'me');
    const page = await b.newPage();
    try {
      await diagnosed({ page, proxy: nginx, gw }, async () => {
        assert.equal((await page.goto(`${nginx.origin}/`))?.status(), 200);
        await page.locator('#identity', { hasText: 'me@example.com via trusted proxy' }).waitFor();
        assert.equal(await page.locator('#conn').textContent(), 'connected');
      });
    } finally {
      await page.close();
    }
  });

  it('a local process with the identity header but without the secret is refused with trusted_proxy_secret_missing', { timeout: TEST_TIMEOUT }, async () => {
    // 127.0.0.1 IS a trusted proxy address: without proxySecret this connect would be admitted as me.
    const e = await refused({ url: gw.url, headers: { 'x-authentik-email': 'me@example.com' } });
    assert.equal(e.authReason, 'trusted_proxy_secret_missing');
    assert.equal(e.closeCode, 1008);
    const wrong = await refused({ url: gw.url, headers: { 'x-authentik-email': 'me@example.com', [SECRET_HEADER]: randomSecret() } });
    assert.equal(wrong.authReason, 'trusted_proxy_secret_mismatch');
    assert.ok(!gw.logs.some((l) => l.includes(secret)), 'the secret never appears in the log');
  });

  it('a client cannot supply its own secret header through the proxies: nginx and Caddy replace it', { timeout: TEST_TIMEOUT }, async () => {
    for (const proxy of [nginx, caddy]) {
      const you = await whoAmI({ url: wsUrl(proxy.origin), headers: { cookie: loginCookie('me'), 'X-Clawgate-Proxy-Secret': 'a-wrong-secret-from-the-client' } });
      assert.equal(you.principal, ME, proxy.kind);
    }
  });
});
