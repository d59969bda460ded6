// End to end behind Apache + mod_auth_openidc with a real OpenID Connect login: headless
// Chromium → Apache (the config block from docs/deploy/apache-mod-auth-openidc.md) → redirect to
// a real OpenID Provider (oidc-provider, dev login and consent pages) → back to Apache's
// /oauth2callback → the gateway in trusted-proxy mode with the seed's config, identity header
// and proxy secret set by Apache.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { get as httpGet } from 'node:http';
import type { Page } from 'playwright-core';
import { bootGateway, type TestGateway } from './fixtures/gateway.fixture.js';
import { refused } from './fixtures/refused.fixture.js';
import { Stack, whoAmI } from './fixtures/stack.fixture.js';
import { freePort } from './fixtures/proxies.fixture.js';
import { launchBrowser, type TestBrowser, spawnWorkerThroughUi } from './fixtures/browser.fixture.js';
import { startOidcIdp, type OidcIdp } from './fixtures/oidc-idp.fixture.js';
import { APACHE_DOC, APACHE_DOC_VALUES, startApache, type RunningApache } from './fixtures/apache.fixture.js';
import { documentedConfig, substitute } from './fixtures/proxies.fixture.js';
import { signAssertion, signingKey } from './fixtures/jwks.fixture.js';
import { parseConfigText } from '../src/config/load.js';

const AGENTS = {
  list: [
    { id: 'manager', default: true, tools: { allow: ['sessions_spawn', 'sessions_list'] }, subagents: { allowAgents: ['worker'] } },
    { id: 'worker' },
  ],
};
const MANAGER_MESSAGE = '/tool sessions_spawn {"agentId":"worker","task":"check availability"}\n/tool sessions_list {}';
const ME = 'trusted-proxy:me@example.com';
const SECRET_HEADER = 'x-clawgate-proxy-secret';
const TEST_TIMEOUT = 20_000;

const randomSecret = (): string => randomBytes(24).toString('base64url');
const wsUrl = (origin: string): string => `${origin.replace(/^http/, 'ws')}/`;

const ID_TOKEN_HEADER = 'x-clawgate-id-token';

/** The gateway block documented in the Apache guide, with the IdP's URLs and the public origin replaced. */
function gatewayConfig(origin: string, idp: OidcIdp): Record<string, unknown> {
  const doc = documentedConfig(APACHE_DOC, 'gateway');
  const text = substitute(doc, `docs/deploy/${APACHE_DOC}`, [
    ['https://authentik.example.com/application/o/clawgate/jwks/', idp.jwksUrl],
    ['https://authentik.example.com/application/o/clawgate/', idp.issuer],
    [APACHE_DOC_VALUES.publicOrigin, origin],
  ]);
  return parseConfigText(text, `docs/deploy/${APACHE_DOC}`) as Record<string, unknown>;
}




/** A GET with a browser navigation's Accept and Sec-Fetch headers (fetch() would send its own Sec-Fetch-Mode: cors). */
function pageLoad(url: string): Promise<{ status: number; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { headers: { accept: 'text/html,application/xhtml+xml', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' }, timeout: 5_000 }, (res) => {
      res.resume();
      res.once('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
    });
    req.once('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.once('error', reject);
  });
}

describe('Apache + mod_auth_openidc (real OIDC login) in front of the seed gateway', () => {
  const stack = new Stack();
  let gw: TestGateway;
  let idp: OidcIdp;
  let apache: RunningApache;
  let browser: TestBrowser;
  let secret: string;

  before(async () => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const proxySecret = randomSecret();
    idp = await stack.add(startOidcIdp({ redirectUri: `${origin}/oauth2callback` }), (i) => i.close());
    const doc = gatewayConfig(origin, idp);
    gw = await stack.add(bootGateway({ ...doc, agents: AGENTS }, { env: { CLAWGATE_PROXY_SECRET: proxySecret } }), (g) => g.stop());
    secret = proxySecret;
    apache = await stack.add(startApache({
      port, gatewayPort: gw.port, metadataUrl: idp.metadataUrl, clientSecret: idp.clientSecret, proxySecret, passphrase: randomSecret(),
    }), (a) => a.stop());
    browser = await stack.add(launchBrowser(), (b) => b.close());
    // The IdP's dev pages @import a web font; there is no internet here, so fail it at once.
    await browser.context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (r) => r.abort());
  });
  after(() => stack.stopAll());

  /** Runs a browser step; on failure, adds what the page, Apache and the gateway said. */
  async function diagnosed<T>(page: Page & { problems: string[] }, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const extra = [
        `page url: ${page.url()}`,
        page.problems.length ? `page: ${page.problems.join('\n')}` : '',
        `apache: ${apache.output().slice(-2_000)}`,
        `gateway log tail:\n${gw.logs.slice(-15).join('\n')}`,
      ].filter(Boolean).join('\n');
      if (err instanceof Error) err.message += `\n--- diagnostics ---\n${extra}`;
      throw err;
    }
  }

  /**
   * A fresh browser session: opens Apache, which redirects to the IdP; signs in there as
   * `login` on the dev login page, consents, and is sent back through /oauth2callback to the UI.
   */
  async function signIn(login: string, extraHeaders?: Record<string, string>): Promise<Page & { problems: string[] }> {
    await browser.logout();
    const page = await browser.newPage();
    if (extraHeaders) await page.setExtraHTTPHeaders(extraHeaders);
    await diagnosed(page, async () => {
      await page.goto(`${apache.origin}/`);
      assert.ok(page.url().startsWith(`${idp.issuer}/interaction/`), `redirected to the IdP's login, not ${page.url()}`);
      await page.fill('input[name=login]', login);
      await page.fill('input[name=password]', 'any-password');
      await page.click('button[type=submit]');
      // The consent page (the client asks for the email and profile scopes).
      await page.locator('input[name=prompt][value=consent]').waitFor({ state: 'attached' });
      await Promise.all([
        page.waitForURL(`${apache.origin}/`),
        page.click('button[type=submit]'),
      ]);
    });
    return page;
  }

  it('signed in at the IdP as me, the control UI works through Apache: the manager spawns a worker acting for me', { timeout: TEST_TIMEOUT }, async () => {
    const page = await signIn('me');
    try {
      await diagnosed(page, async () => {
        await spawnWorkerThroughUi(page, MANAGER_MESSAGE);

        const nested = page.locator('#sessions li[data-key="agent:manager:main"] li[data-depth="1"]');
        await nested.first().waitFor();
        assert.equal(await page.locator('#sessions li li').count(), 1);
        const text = await nested.textContent();
        assert.ok(text?.includes(`for ${ME}`), `nested entry says: ${text}`);
        assert.ok(text?.includes('worker (subagent)'), `nested entry says: ${text}`);
        await nested.locator('.status.st-done').waitFor();
        await browser.screenshot(page, 'e2e-apache.png');

        const rows = gw.store.listSessions({ agentId: 'worker' });
        assert.equal(rows.length, 1);
        assert.equal(rows[0]!.spawnedBy, 'agent:manager:main');
        assert.equal(rows[0]!.actingFor, ME);
        // The login really went through the IdP's token endpoint.
        assert.ok(idp.logins.includes('me'), `IdP grants: ${idp.logins.join(', ')}`);
      });
    } finally {
      await page.close();
    }
  });

  it('without a login, Apache redirects the page to the IdP and refuses the WebSocket upgrade', { timeout: TEST_TIMEOUT }, async () => {
    // A page load (what a browser's navigation looks like to mod_auth_openidc) is sent to the IdP…
    const page = await pageLoad(`${apache.origin}/`);
    assert.equal(page.status, 302);
    assert.ok(page.location?.startsWith(`${idp.issuer}/auth?`), `location: ${page.location}`);
    assert.match(page.location ?? '', /[?&]code_challenge_method=S256(&|$)/);

    const before = gw.logs.length;
    // Even with a forged identity header (and a guessed secret), the upgrade never reaches the gateway.
    const e = await refused({ url: wsUrl(apache.origin), headers: { 'X-Authentik-Email': 'me@example.com', [SECRET_HEADER]: 'guess' } });
    assert.equal(e.httpStatus, 401, e.message);
    assert.equal(e.authReason, undefined);
    assert.equal(gw.logs.length, before, `the gateway saw nothing of it, but logged: ${gw.logs.slice(before).join('\n')}`);
  });

  it('an X-Authentik-Email sent by the browser is replaced by Apache with the login\'s email', { timeout: TEST_TIMEOUT }, async () => {
    const forged = { 'X-Authentik-Email': 'admin@example.com', 'X-Clawgate-Proxy-Secret': 'a-wrong-secret-from-the-client' };
    const page = await signIn('me', forged);
    try {
      await diagnosed(page, async () => {
        await page.locator('#identity', { hasText: 'me@example.com via trusted proxy' }).waitFor();
        assert.equal(await page.locator('#conn').textContent(), 'connected');
        assert.equal(await page.locator('#refusal').count(), 0);
      });
      // The same session cookie from a protocol client, forging both headers on the upgrade itself.
      const cookie = (await browser.context.cookies(apache.origin)).map((c) => `${c.name}=${c.value}`).join('; ');
      assert.match(cookie, /mod_auth_openidc_session=/);
      assert.deepEqual(await whoAmI({ url: wsUrl(apache.origin), headers: { cookie, ...forged } }),
        { principal: ME, description: 'me@example.com via trusted proxy' });
    } finally {
      await page.close();
    }
    assert.ok(!gw.logs.some((l) => l.includes('admin@example.com')), 'the forged identity never reached the gateway');
  });

  it('a user who signs in at the IdP but is not in allowUsers sees the refusal trusted_proxy_user_not_allowed', { timeout: TEST_TIMEOUT }, async () => {
    const page = await signIn('mallory');
    try {
      await diagnosed(page, async () => {
        const refusal = page.locator('#refusal');
        await refusal.waitFor();
        assert.equal(await page.locator('#conn').textContent(), 'refused');
        assert.equal(await refusal.locator('code').textContent(), 'trusted_proxy_user_not_allowed');
        assert.equal(await page.locator('#identity').count(), 0);
        await browser.screenshot(page, 'e2e-apache-mallory.png');
      });
    } finally {
      await page.close();
    }
    assert.ok(gw.logs.some((l) => l.includes('trusted_proxy_user_not_allowed') && l.includes('openclaw-control-ui')), 'the refusal of the UI is logged');
  });
  it('the identity is the IdP\'s verified ID token: a local process with the proxy secret but no IdP-signed token is refused', { timeout: TEST_TIMEOUT }, async () => {
    assert.ok(idp.jwksFetches() >= 1, 'the gateway fetched the IdP\'s JWKS to verify the ID token');
    const local = { url: gw.url, headers: { 'x-authentik-email': 'me@example.com', [SECRET_HEADER]: secret } };
    assert.equal((await refused(local)).authReason, 'trusted_proxy_assertion_missing');
    // A token made like the IdP's (its kid, its alg, its claims), signed with another key.
    const { keys } = await (await fetch(idp.jwksUrl)).json() as { keys: { kid: string; alg?: string }[] };
    const selfMade = await signAssertion(await signingKey(keys[0]!.kid, keys[0]!.alg ?? 'RS256'), { iss: idp.issuer, aud: 'clawgate', email: 'me@example.com' });
    assert.equal((await refused({ ...local, headers: { ...local.headers, [ID_TOKEN_HEADER]: selfMade } })).authReason, 'trusted_proxy_assertion_signature');
  });
});
