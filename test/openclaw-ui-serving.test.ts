// gateway.controlUi.root: a built OpenClaw Control UI folder is checked at startup and served
// with clawgate's security headers (a CSP that names the page's inline scripts by hash), only
// files inside the folder, client-side routes falling back to the app, and the bootstrap file
// (control-ui-config.json) behind the gateway's auth and Origin gate. Uses a small stand-in
// folder; the real UI runs in test/e2e-openclaw-ui.test.ts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { ConfigError } from '../src/config/errors.js';
import { bootGateway, tempDir, type TestGateway } from './fixtures/gateway.fixture.js';

const TOKEN = 'openclaw-ui-token-0123456789';
const INLINE = 'globalThis.__boot = 1;';

function fakeUi(root = tempDir('clawgate-fake-control-ui-')): string {
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), `<!doctype html><html lang="en"><head><script>${INLINE}</script><script type="module" src="./assets/app.js"></script></head><body><openclaw-app></openclaw-app></body></html>`);
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log("app")');
  writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(root, '.secret'), 'hidden');
  return root;
}

describe('gateway.controlUi.root: startup check', () => {
  const dir = tempDir();
  const load = (controlUi: Record<string, unknown>) => {
    const configPath = join(dir, `c-${Math.random()}.json`);
    writeFileSync(configPath, JSON.stringify({ gateway: { auth: { mode: 'token', token: TOKEN }, controlUi } }));
    return loadConfig({ configPath, env: { CLAWGATE_STATE_DIR: dir } });
  };
  it('refuses a missing folder and a folder without index.html, naming the key and the fix', () => {
    assert.throws(() => load({ root: join(dir, 'nope') }), (e: unknown) => e instanceof ConfigError && /gateway\.controlUi\.root: ".*nope" does not exist; point it at a built OpenClaw Control UI/.test(e.message));
    const empty = tempDir();
    assert.throws(() => load({ root: empty }), (e: unknown) => e instanceof ConfigError && /has no index\.html/.test(e.message));
  });
  it('resolves a relative root against the config file\'s folder, and no longer warns about it', () => {
    const root = fakeUi(join(dir, 'ui'));
    const cfg = load({ root: 'ui' });
    assert.equal(cfg.gateway.controlUi.root, root);
    assert.ok(!cfg.warnings.some((w) => w.includes('controlUi.root')), cfg.warnings.join('\n'));
  });
});

describe('gateway.controlUi.root: serving', () => {
  let gw: TestGateway;
  let base: string;
  before(async () => {
    gw = await bootGateway({
      gateway: { auth: { mode: 'token', token: TOKEN }, controlUi: { root: fakeUi(), allowedOrigins: ['https://ok.example'] } },
      agents: { list: [{ id: 'manager', name: 'Manager', default: true }, { id: 'worker' }] },
    });
    base = gw.url.replace('ws:', 'http:').replace(/\/$/, '');
  });
  after(() => gw?.stop());

  it('serves index.html with clawgate\'s security headers and a CSP naming its inline script by hash', async () => {
    const r = await fetch(`${base}/`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(r.headers.get('x-frame-options'), 'DENY');
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
    const csp = r.headers.get('content-security-policy') ?? '';
    const hash = createHash('sha256').update(INLINE).digest('base64');
    assert.match(csp, new RegExp(`script-src 'self' 'wasm-unsafe-eval' 'sha256-${hash.replace(/[+/]/g, (c) => `\\${c}`)}'`));
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /'unsafe-eval'|script-src[^;]*'unsafe-inline'|https:/);
    assert.match(await r.text(), /<html data-openclaw-control-ui-base-path=""/);
  });

  it('serves files inside the folder only; client-side routes get the app, missing assets 404', async () => {
    const js = await fetch(`${base}/assets/app.js`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    assert.match(js.headers.get('cache-control') ?? '', /immutable/);
    assert.ok(js.headers.get('content-security-policy'));
    assert.equal((await fetch(`${base}/favicon.svg`)).headers.get('content-type'), 'image/svg+xml');
    assert.equal((await fetch(`${base}/assets/missing.js`)).status, 404);
    assert.equal((await fetch(`${base}/.secret`)).status, 404, 'dotfiles are not served');
    const route = await fetch(`${base}/chat/agent:manager:main`);
    assert.equal(route.status, 200);
    const page = await route.text();
    assert.match(page, /<openclaw-app>/);
    // A deep link loads the same bundle: its relative asset URLs are anchored at the base path.
    assert.match(page, /src="\/assets\/app\.js"/);
    const deep = await fetch(`${base}/settings/agents`);
    assert.match(await deep.text(), /src="\/assets\/app\.js"/);
    const chunk = await fetch(`${base}/settings/assets/app.js`);
    assert.equal(chunk.status, 200);
    assert.match(chunk.headers.get('content-type') ?? '', /javascript/);
    assert.equal((await fetch(`${base}/settings/assets/missing.js`)).status, 404);
    for (const p of ['/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2findex.html', '/%E0%A4%A', '/assets/%00.js']) {
      const r = await fetch(`${base}${p}`);
      assert.ok(r.status === 404 || (r.status === 200 && (await r.text()).includes('<openclaw-app>')), `${p} → ${r.status}`);
    }
    // /healthz and /metrics keep their own handlers.
    assert.deepEqual(await (await fetch(`${base}/healthz`)).json(), { ok: true });
  });

  it('serves control-ui-config.json only to an authenticated caller from an allowed origin', async () => {
    const anon = await fetch(`${base}/control-ui-config.json`);
    assert.equal(anon.status, 401);
    const wrong = await fetch(`${base}/control-ui-config.json`, { headers: { authorization: 'Bearer wrong-token-000000000' } });
    assert.equal(wrong.status, 401);
    const foreign = await fetch(`${base}/control-ui-config.json`, { headers: { authorization: `Bearer ${TOKEN}`, origin: 'https://evil.example' } });
    assert.equal(foreign.status, 401);
    const ok = await fetch(`${base}/control-ui-config.json`, { headers: { authorization: `Bearer ${TOKEN}`, origin: 'https://ok.example' } });
    assert.equal(ok.status, 200);
    const body = await ok.json() as Record<string, unknown>;
    assert.equal(body.basePath, '');
    assert.equal(body.assistantName, 'Manager');
    assert.equal(body.assistantAgentId, 'manager');
    assert.equal(body.terminalEnabled, false);
    assert.deepEqual(body.pluginFrameGrants, []);
    assert.ok(!JSON.stringify(body).includes(TOKEN));
  });
});
