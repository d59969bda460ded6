// Every page of OpenClaw's own Control UI (2026.9.6, the real built dist/control-ui) other than
// chat, in Chromium against clawgate (controlUi.root, token mode). Each page is opened by its
// deep link; for each: no RPC answer on load is an error, no uncaught page error, and the page
// shows a real piece of content — clawgate's data where it has the feature (agents, sessions,
// logs, presence, config, channels) and OpenClaw's own empty state where it has not (cron,
// skills, usage, plugins, …). The gateway's token and every configured secret never reach a
// page, a frame or a WebSocket message the page receives. A person without operator.admin sees
// only their own sessions on every page that lists sessions.
import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { connectWs } from '../src/client/ws.js';
import { bootGateway, SEED_GATEWAY, type TestGateway } from './fixtures/gateway.fixture.js';
import { freePort } from './fixtures/proxies.fixture.js';
import { launchBrowser, type TestBrowser } from './fixtures/browser.fixture.js';
import { requireOpenclaw } from './fixtures/openclaw.fixture.js';

const TOKEN = 'openclaw-ui-pages-token-0123456789';
const API_KEY = 'sk-pages-provider-key-0123456789';
const SLACK_APP = 'xapp-pages-app-token-0123456789';
const SLACK_BOT = 'xoxb-pages-bot-token-0123456789';
const SECRETS = [TOKEN, API_KEY, SLACK_APP, SLACK_BOT];
const EARLIER = 'agent:manager:webchat:incident-42';

/**
 * The pages, by their canonical path (docs/web/urls.md of the OpenClaw package), each with text
 * it shows once loaded. `data`: clawgate's own data; `empty`: OpenClaw's empty state for a
 * feature clawgate does not have; `static`: the page needs nothing from the gateway;
 * `unsupported`: OpenClaw's own notice that the gateway does not offer the feature (terminal,
 * system agent, portals, plugin tabs, a secrets store).
 */
const PAGES: { path: string; kind: 'data' | 'empty' | 'static' | 'unsupported'; shows: (string | RegExp)[]; has?: string[] }[] = [
  { path: '/sessions', kind: 'data', shows: ['manager (webchat)', 'direct'] },
  { path: '/activity', kind: 'data', shows: ['webchat:incident-42'] },
  { path: '/dashboards', kind: 'data', shows: ['webchat:incident-42'] },
  { path: '/settings/agents', kind: 'data', shows: ['Workspaces, tools, identities.', 'Primary Model'], has: ['manager', 'worker'] },
  { path: '/settings/channels', kind: 'data', shows: ['Slack', 'Configured'] },
  { path: '/settings/devices', kind: 'data', shows: ['Connected without pairing', 'No paired devices.'] },
  { path: '/settings/connection', kind: 'data', shows: [/Connected to 127\.0\.0\.1:\d+/] },
  { path: '/settings/model-providers', kind: 'data', shows: ['scripted (built-in, deterministic)'] },
  { path: '/settings/advanced', kind: 'data', shows: ['Every remaining config section, plus the raw file editor.'] },
  { path: '/settings/about', kind: 'data', shows: ['Connected Gateway version', '0.1.0'] },
  { path: '/logs', kind: 'data', shows: ['run accepted'] },
  { path: '/debug', kind: 'data', shows: ['Manual RPC', /"runtimeVersion"/] },
  { path: '/new', kind: 'data', shows: ['What should this session work on?'] },
  { path: '/usage', kind: 'empty', shows: ['No usage in this date range'] },
  { path: '/tasks', kind: 'empty', shows: ['No background tasks yet.'] },
  { path: '/automations', kind: 'empty', shows: ['Scheduler disabled', 'No automations yet'] },
  { path: '/skills', kind: 'empty', shows: ['No skills found.'] },
  { path: '/skills/workshop', kind: 'empty', shows: ['No skills installed yet'] },
  { path: '/plugins', kind: 'empty', shows: ['No plugins found'] },
  { path: '/worktrees', kind: 'empty', shows: ['No managed worktrees.'] },
  { path: '/settings/approvals', kind: 'empty', shows: ['No standing grants.', 'No resolved approvals in the rolling 30-day window.'] },
  { path: '/settings/memory', kind: 'empty', shows: ['Host memory search is unavailable'] },
  { path: '/settings/search', kind: 'empty', shows: ['Search disabled'] },
  { path: '/settings/cloud-workers', kind: 'empty', shows: ['No cloud worker profiles are configured.'] },
  { path: '/settings/mcp', kind: 'static', shows: ['Connect and manage MCP servers that provide tools to OpenClaw.'] },
  { path: '/settings/updates', kind: 'data', shows: ['Gateway version', '0.1.0'] },
  { path: '/memory-import', kind: 'empty', shows: ['Import assistant memory'] },
  { path: '/settings/appearance', kind: 'static', shows: ['Manuscript'] },
  { path: '/settings/profile', kind: 'static', shows: ['This connection has no personal profile'] },
  { path: '/settings/security', kind: 'static', shows: ['Gateway auth'] },
  { path: '/settings/infrastructure', kind: 'static', shows: ['Gateway, browser, node host, discovery, and ACP settings.'] },
  { path: '/apps', kind: 'static', shows: ['Take OpenClaw everywhere'] },
  { path: '/settings/notifications', kind: 'static', shows: ['Browser push notifications from your gateway.'] },
  { path: '/settings/communications', kind: 'static', shows: ['Messages, text-to-speech, and meeting capture settings.'] },
  { path: '/settings/automation', kind: 'static', shows: ['Commands, hooks, automations, and plugins.'] },
  { path: '/settings/ai-agents', kind: 'static', shows: ['Global agent defaults: skills, tools, and session.'] },
  { path: '/settings/labs', kind: 'static', shows: ['Experimental features'] },
  { path: '/settings/talk', kind: 'static', shows: ['Configure realtime voice providers, models, and speaker voices.'] },
  { path: '/settings/plugins', kind: 'empty', shows: ['No plugins are installed.'] },
  { path: '/terminal', kind: 'unsupported', shows: ['The terminal is not available on this gateway.'] },
  { path: '/custodian', kind: 'unsupported', shows: ['Update the Gateway to continue setup with OpenClaw.'] },
  { path: '/portals', kind: 'unsupported', shows: ['This gateway does not support portals.'] },
  { path: '/workboard', kind: 'unsupported', shows: ['Plugin panel unavailable'] },
  { path: '/settings/secrets', kind: 'unsupported', shows: ['Choose protected, write-only secrets'] },
];

interface Frame { type: string; id?: string; method?: string; ok?: boolean; error?: { message?: string } }

/** Every RPC answer the page receives (with its method), and whether any received frame names a secret. */
function recordFrames(page: Page) {
  const sent = new Map<string, string>();
  const answers: { method: string; ok: boolean; error?: string; at: number }[] = [];
  const leaks: string[] = [];
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => {
      try { const m = JSON.parse(String(f.payload)) as Frame; if (m.type === 'req' && m.id && m.method) sent.set(m.id, m.method); } catch { /* not JSON */ }
    });
    ws.on('framereceived', (f) => {
      const text = String(f.payload);
      for (const s of SECRETS) if (text.includes(s)) leaks.push(`${s.slice(0, 8)}… in ${text.slice(0, 120)}`);
      let m: Frame;
      try { m = JSON.parse(text) as Frame; } catch { return; }
      if (m.type === 'res' && m.id) answers.push({ method: sent.get(m.id) ?? '?', ok: m.ok === true, ...(m.ok ? {} : { error: m.error?.message ?? '' }), at: Date.now() });
    });
  });
  return { answers, leaks, since: (t: number) => answers.filter((a) => a.at >= t) };
}

/** Run in each frame: its HTML with every open shadow root, and every field's current value. */
const PAGE_TEXT = `(() => {
  const html = [document.documentElement.outerHTML];
  const values = [];
  const walk = (n) => {
    for (const c of Array.from(n.children)) {
      if (c.shadowRoot) { html.push(c.shadowRoot.innerHTML); walk(c.shadowRoot); }
      if ((c.tagName === 'INPUT' || c.tagName === 'TEXTAREA') && c.value) values.push({ type: c.type || 'text', value: c.value });
      walk(c);
    }
  };
  walk(document.documentElement);
  return { html: html.join('\\n'), values };
})()`;

/** The page's and its frames' HTML (shadow roots included) and form field values. */
async function pageContent(page: Page): Promise<{ html: string; values: { type: string; value: string }[] }> {
  const out = { html: '', values: [] as { type: string; value: string }[] };
  for (const frame of page.frames()) {
    const r = await frame.evaluate(PAGE_TEXT).catch(() => null) as { html: string; values: { type: string; value: string }[] } | null;
    if (r) { out.html += `${r.html}\n`; out.values.push(...r.values); }
  }
  return out;
}

describe('OpenClaw Control UI 2026.9.6 pages other than chat, served by clawgate (token mode)', () => {
  let gw: TestGateway;
  let b: TestBrowser;
  let root: string | undefined;
  before(async () => {
    const oc = requireOpenclaw();
    if (!oc) return;
    root = join(oc.openclawPkgDir, 'dist', 'control-ui');
    gw = await bootGateway({
      gateway: { auth: { mode: 'token', token: TOKEN }, controlUi: { root } },
      agents: { list: [{ id: 'manager', default: true, subagents: { allowAgents: ['worker'] } }, { id: 'worker' }] },
      // Secrets the Config page must never show: a provider key and a (disabled) Slack app.
      models: { providers: { acme: { baseUrl: 'https://llm.example/v1', apiKey: API_KEY } } },
      channels: { slack: { enabled: false, appToken: SLACK_APP, botToken: SLACK_BOT } },
    });
    const { client } = await connectWs({ url: gw.url, token: TOKEN });
    await client.request('agent', { sessionKey: EARLIER, message: 'earlier work', idempotencyKey: 'earlier-1' }, { expectFinal: true, timeoutMs: 10_000 });
    client.close();
    b = await launchBrowser();
  });
  after(async () => { await b?.close(); await gw?.stop(); });

  it('every page loads without an RPC error or a page error, shows its content, and never a secret', { timeout: 240_000 }, async (t: TestContext) => {
    if (!root) { t.skip('OpenClaw is not installed'); return; }
    const base = gw.url.replace('ws:', 'http:').replace(/\/$/, '');
    const page = await b.newPage();
    const rec = recordFrames(page);
    const failures: string[] = [];
    try {
      // Sign in once (the token stays in the tab), then open each page by its link.
      await page.goto(`${base}/#token=${TOKEN}`);
      await page.getByPlaceholder(/Message manager/).waitFor({ timeout: 20_000 });
      for (const p of PAGES) {
        const at = Date.now();
        page.problems.length = 0;
        await page.goto(`${base}${p.path}`);
        try {
          for (const text of p.shows) await page.getByText(text).filter({ visible: true }).first().waitFor({ timeout: 15_000 });
          // Present though not on screen (e.g. a picker's entries).
          for (const text of p.has ?? []) if (await page.getByText(text, { exact: true }).count() === 0) failures.push(`${p.path}: no "${text}" anywhere`);
        } catch (err) {
          failures.push(`${p.path}: does not show ${p.shows.join(' / ')} (${(err as Error).message.split('\n')[0]})`);
          await b.screenshot(page, `e2e-openclaw-ui-pages${p.path.replace(/\//g, '_')}-failed.png`).catch(() => undefined);
        }
        // Polled and late calls (identity, questions, heartbeats…) arrive within a second or two.
        await new Promise((r) => setTimeout(r, 1_500));
        for (const a of rec.since(at).filter((x) => !x.ok)) failures.push(`${p.path}: ${a.method} answered ${a.error}`);
        for (const problem of page.problems.filter((x) => x.startsWith('pageerror'))) failures.push(`${p.path}: ${problem}`);
        const { html, values } = await pageContent(page);
        for (const s of SECRETS) if (html.includes(s)) failures.push(`${p.path}: the page's HTML holds the secret ${s.slice(0, 8)}…`);
        // The one secret a field may hold is the token the person signed in with, in the Connection
        // page's masked "Gateway secret" field (the browser's own copy, never sent by the gateway).
        for (const v of values) {
          for (const s of SECRETS) if (v.value.includes(s) && !(s === TOKEN && p.path === '/settings/connection' && v.type === 'password')) failures.push(`${p.path}: a ${v.type} field holds the secret ${s.slice(0, 8)}…`);
        }
      }
      assert.deepEqual(failures, []);
      assert.deepEqual(rec.leaks, [], 'no WebSocket message the page received names a secret');
      // The pages between them asked clawgate for each feature's data.
      const called = new Set(rec.answers.map((a) => a.method));
      for (const m of ['logs.tail', 'system-presence', 'channels.status', 'config.get', 'sessions.usage', 'usage.status', 'cron.runs', 'skills.status', 'plugins.catalog.browse', 'worktrees.list', 'diagnostics.lanes', 'approval.history', 'themes.list']) {
        assert.ok(called.has(m), `a page called ${m} (called: ${[...called].sort().join(', ')})`);
      }
    } catch (err) {
      if (err instanceof Error) err.message += `\n--- page ---\n${page.problems.join('\n')}`;
      throw err;
    } finally {
      await page.close();
    }
  });

  it('the Config page shows the running config with every secret redacted, read-only', { timeout: 60_000 }, async (t: TestContext) => {
    if (!root) { t.skip('OpenClaw is not installed'); return; }
    const base = gw.url.replace('ws:', 'http:').replace(/\/$/, '');
    const page = await b.newPage();
    try {
      await page.goto(`${base}/settings/advanced#token=${TOKEN}`);
      await page.getByText('Every remaining config section, plus the raw file editor.').waitFor({ timeout: 20_000 });
      await page.getByText('Raw', { exact: true }).filter({ visible: true }).first().click();
      // OpenClaw's page counts the values the gateway redacted: the token, the provider key and both Slack tokens.
      const pill = page.getByText(/\d+\s+secrets?\s+redacted/).filter({ visible: true }).first();
      await pill.waitFor();
      // The token and the provider key (as written and as resolved); a disabled Slack app keeps no tokens.
      assert.ok(Number.parseInt(await pill.textContent() ?? '0', 10) >= 2, `${await pill.textContent()}`);
      // "Reveal sensitive values" shows the config as the gateway sent it: placeholders, never values.
      await pill.locator('xpath=following-sibling::*[1]').click();
      const raw = page.locator('textarea').filter({ visible: true }).first();
      await raw.waitFor();
      const text = await raw.inputValue();
      assert.match(text, /__OPENCLAW_REDACTED__/);
      assert.match(text, /"worker"/);
      assert.match(text, /llm\.example/);
      // clawgate never rewrites its config (config.set/patch/apply are not offered): the page
      // sees they are not advertised and keeps the editor read-only, with Save disabled.
      assert.ok(await raw.isDisabled(), 'the raw editor is read-only');
      assert.ok(await page.getByRole('button', { name: 'Save' }).filter({ visible: true }).first().isDisabled(), 'Save is disabled');
      const { html, values } = await pageContent(page);
      for (const s of SECRETS) {
        assert.ok(!html.includes(s), `the Config page's HTML never holds ${s.slice(0, 8)}…`);
        assert.ok(!values.some((v) => v.value.includes(s)), `no field of the Config page holds ${s.slice(0, 8)}…`);
      }
    } catch (err) {
      await b.screenshot(page, 'e2e-openclaw-ui-pages-config-failed.png').catch(() => undefined);
      throw err;
    } finally {
      await page.close();
    }
  });
});

describe('OpenClaw Control UI 2026.9.6 pages for a person without operator.admin (trusted-proxy)', () => {
  const ALICE = 'alice@example.com';
  const BOB = 'bob@example.com';
  let gw: TestGateway;
  let b: TestBrowser;
  let origin = '';
  let root: string | undefined;
  before(async () => {
    const oc = requireOpenclaw();
    if (!oc) return;
    root = join(oc.openclawPkgDir, 'dist', 'control-ui');
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    gw = await bootGateway({
      gateway: {
        ...SEED_GATEWAY, port,
        controlUi: { ...SEED_GATEWAY.controlUi, root, allowedOrigins: [origin] },
        auth: { ...SEED_GATEWAY.auth, trustedProxy: { ...SEED_GATEWAY.auth.trustedProxy, allowUsers: [ALICE, BOB] } },
      },
      agents: { list: [{ id: 'manager', default: true }, { id: 'worker' }] },
    });
    for (const [who, key] of [[ALICE, 'agent:manager:webchat:alice-plan'], [BOB, 'agent:manager:webchat:bob-secret-plan']] as const) {
      const { client } = await connectWs({ url: gw.url, headers: { 'x-authentik-email': who } });
      await client.request('agent', { sessionKey: key, message: `work of ${who}`, idempotencyKey: `k-${who}` }, { expectFinal: true, timeoutMs: 10_000 });
      client.close();
    }
    b = await launchBrowser();
    // As the identity-aware proxy in front of the gateway would: every request names the person.
    await b.context.setExtraHTTPHeaders({ 'x-authentik-email': ALICE });
  });
  after(async () => { await b?.close(); await gw?.stop(); });

  it('Sessions, Activity, Dashboards and Usage show her own sessions and never another person\'s', { timeout: 120_000 }, async (t: TestContext) => {
    if (!root) { t.skip('OpenClaw is not installed'); return; }
    const page = await b.newPage();
    const rec = recordFrames(page);
    try {
      await page.goto(`${origin}/`);
      await page.getByPlaceholder(/Message manager/).waitFor({ timeout: 20_000 });
      for (const path of ['/sessions', '/activity', '/dashboards', '/usage']) {
        await page.goto(`${origin}${path}`);
        if (path !== '/usage') await page.getByText('alice-plan').filter({ visible: true }).first().waitFor({ timeout: 15_000 });
        else await page.getByText('No usage in this date range').filter({ visible: true }).first().waitFor({ timeout: 15_000 });
        await new Promise((r) => setTimeout(r, 1_000));
        const { html } = await pageContent(page);
        assert.ok(!html.includes('bob-secret-plan') && !html.includes(BOB), `${path} shows nothing of Bob's`);
      }
      assert.deepEqual(rec.answers.filter((a) => !a.ok).map((a) => `${a.method}: ${a.error}`), [], 'no RPC answer is an error');
      assert.ok(page.problems.every((x) => !x.startsWith('pageerror')), page.problems.join('\n'));
    } catch (err) {
      await b.screenshot(page, 'e2e-openclaw-ui-pages-alice-failed.png').catch(() => undefined);
      throw err;
    } finally {
      await page.close();
    }
  });
});
