// OpenClaw's own Control UI (2026.9.6, the built dist/control-ui of the real package) in Chromium
// against clawgate: served by clawgate itself (gateway.controlUi.root) in token mode, and behind
// nginx auth_request in trusted-proxy mode with the seed's config and OpenClaw-style agents (no
// `tools` key). In both: it connects, no RPC answer on load is an error, it lists sessions,
// sends a message and shows the streamed reply, and shows the subagent the manager spawned.
import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { connectWs, type GatewayClient } from '../src/client/ws.js';
import { bootGateway, SEED_GATEWAY, type TestGateway } from './fixtures/gateway.fixture.js';
import { launchBrowser, type TestBrowser } from './fixtures/browser.fixture.js';
import { requireOpenclaw } from './fixtures/openclaw.fixture.js';
import { startForwardAuth, SESSION_COOKIE, type ForwardAuth } from './fixtures/forward-auth.fixture.js';
import { freePort, startNginx, type RunningProxy } from './fixtures/proxies.fixture.js';
import { Stack } from './fixtures/stack.fixture.js';

const TOKEN = 'openclaw-ui-e2e-token-0123456789';
const TIMEOUT = 90_000;
/** As OpenClaw users write it: no `tools` key (OpenClaw's default tool set). */
const AGENTS = { list: [{ id: 'manager', default: true, subagents: { allowAgents: ['worker'] } }, { id: 'worker' }] };
const SPAWN = '/tool sessions_spawn {"agentId":"worker","task":"check availability","label":"availability"}';
/** A session made before the page loads, so the roster has something to list. */
const EARLIER = 'agent:manager:webchat:incident-42';

interface Frame { type: string; id?: string; method?: string; ok?: boolean; error?: { message?: string }; event?: string; payload?: Record<string, unknown> }

/** Every WebSocket frame the page sends and receives, parsed, with each response's method. */
function recordFrames(page: Page) {
  const sent = new Map<string, string>();
  const responses: { method: string; ok: boolean; error?: string; at: number }[] = [];
  const events: Frame[] = [];
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => {
      try { const m = JSON.parse(String(f.payload)) as Frame; if (m.type === 'req' && m.id && m.method) sent.set(m.id, m.method); } catch { /* not JSON */ }
    });
    ws.on('framereceived', (f) => {
      let m: Frame;
      try { m = JSON.parse(String(f.payload)) as Frame; } catch { return; }
      if (m.type === 'res' && m.id) responses.push({ method: sent.get(m.id) ?? '?', ok: m.ok === true, ...(m.ok ? {} : { error: m.error?.message ?? '' }), at: Date.now() });
      else if (m.type === 'event') events.push(m);
    });
  });
  return { responses, events, failures: (since = 0) => responses.filter((r) => !r.ok && r.at >= since).map((r) => `${r.method}: ${r.error}`) };
}

/** Opens the UI, waits for the chat to load, and checks that no answer on load was an error. */
async function loadUi(b: TestBrowser, url: string) {
  const page = await b.newPage();
  const rec = recordFrames(page);
  const bootstrap: number[] = [];
  page.on('response', (r) => { if (r.url().endsWith('/control-ui-config.json')) bootstrap.push(r.status()); });
  await page.goto(url);
  await page.getByPlaceholder(/Message manager/).waitFor({ timeout: 20_000 });
  // Polled and late calls (agent identity, questions, tasks…) arrive within a few seconds.
  await new Promise((r) => setTimeout(r, 3_000));
  const called = new Set(rec.responses.map((r) => r.method));
  for (const m of ['connect', 'sessions.subscribe', 'sessions.list', 'config.get', 'agents.list', 'chat.startup', 'models.list', 'sessions.messages.subscribe', 'agent.identity.get', 'sessions.describe', 'chat.metadata', 'tasks.list']) {
    assert.ok(called.has(m), `the UI called ${m} on load (called: ${[...called].join(', ')})`);
  }
  assert.deepEqual(rec.failures(), [], 'no RPC answer on load is an error');
  // A session row the UI cannot read (e.g. `owner` as a string, not OpenClaw's {actor}) throws while it renders the sidebar.
  assert.deepEqual(page.problems.filter((p) => p.startsWith('pageerror')), [], 'no script error on load');
  assert.ok(bootstrap.length > 0 && bootstrap.every((s) => s === 200), `control-ui-config.json was served to the UI (${bootstrap.join(', ')})`);
  return { page, rec };
}

/** Sends a message from the composer; returns when the reply text is shown. */
async function send(page: Page, rec: ReturnType<typeof recordFrames>, text: string, reply: string | RegExp) {
  const before = rec.events.length;
  const box = page.getByPlaceholder(/Message manager/);
  await box.fill(text);
  await box.press('Enter');
  await page.getByText(reply).first().waitFor({ timeout: 20_000 });
  const chat = rec.events.slice(before).filter((e) => e.event === 'chat').map((e) => e.payload?.state);
  assert.ok(chat.includes('delta') && chat.includes('final'), `the reply streamed (chat events: ${chat.join(', ')})`);
}

/** Opens the chat's Tasks panel and the finished subagent `title`; returns once its transcript shows `text`. */
async function openSubagentTask(page: Page, title: string, text: string) {
  await page.locator('.chat-tasks-toggle').first().click();
  const task = page.locator('.chat-tasks-rail__task-open', { hasText: title }).first();
  // Finished tasks sit in a section that may start collapsed.
  if (!(await task.isVisible().catch(() => false))) await page.locator('[data-tasks-section="finished"] .chat-tasks-rail__section-toggle').first().click();
  await task.click();
  await page.locator('.chat-task-detail', { hasText: text }).first().waitFor();
}

/** A second client of the same person, outside the browser. */
type Dial = () => Promise<GatewayClient>;

async function flow(t: TestContext, b: TestBrowser, url: string, gw: TestGateway, actingFor: string, shot: string, dial: Dial) {
  const { page, rec } = await loadUi(b, url);
  try {
    // Lists sessions: the earlier session is a row of the sidebar's session list.
    await page.locator('.sidebar-recent-session', { hasText: 'webchat:incident-42' }).first().waitFor();
    // Sends a message and shows the streamed reply.
    const loadedAt = Date.now();
    await send(page, rec, 'hello clawgate', 'echo: hello clawgate');
    // The manager spawns the worker (OpenClaw-style agents, no tools key): the UI shows the subagent.
    await send(page, rec, SPAWN, 'sessions_spawn ok');
    // The spawned subagent session, as the UI shows it under the manager's reply.
    await page.getByText('Sub-agent').first().waitFor();
    await page.getByText('check availability').first().waitFor();
    // The streamed reply is shown once, not once streamed and once from the stored transcript.
    assert.equal(await page.getByText('echo: hello clawgate').count(), 1);
    assert.equal(await page.getByText('×2').count(), 0, 'no collapsed duplicate');
    assert.deepEqual(rec.failures(loadedAt), [], 'no RPC answer while chatting is an error');
    // The sidebar's session list heard of the new sessions (sessions.changed after sessions.subscribe).
    assert.ok(rec.events.some((e) => e.event === 'sessions.changed' && String(e.payload?.sessionKey).startsWith('agent:worker:subagent:')), 'the UI heard the worker session being created');
    // The spawned worker is a task of this chat; opening it shows the worker's own transcript.
    await openSubagentTask(page, 'availability', 'echo: check availability');
    await b.screenshot(page, shot.replace('.png', '-worker.png'));
    // A message sent to this session from elsewhere appears without a reload, announced by session.message.
    const other = await dial();
    try {
      await other.request('agent', { sessionKey: 'agent:manager:main', message: 'from another tab', idempotencyKey: `other-${Date.now()}` }, { expectFinal: true, timeoutMs: 10_000 });
      await page.getByText('echo: from another tab').first().waitFor();
      assert.ok(rec.events.some((e) => e.event === 'session.message' && e.payload?.sessionKey === 'agent:manager:main'), 'the UI heard it as session.message');
      // A session started elsewhere joins the sidebar's list live (sessions.changed), without a reload.
      await other.request('agent', { sessionKey: 'agent:manager:webchat:live-1', message: 'started elsewhere', idempotencyKey: `live-${Date.now()}` }, { expectFinal: true, timeoutMs: 10_000 });
      await page.locator('.sidebar-recent-session', { hasText: 'webchat:live-1' }).first().waitFor();
      assert.ok(rec.events.some((e) => e.event === 'sessions.changed' && e.payload?.sessionKey === 'agent:manager:webchat:live-1'), 'the UI heard it as sessions.changed');
    } finally { other.close(); }
    // As in OpenClaw, the main session is the sidebar's Home (open here), and subagents are tasks, never rows.
    await page.locator('a.nav-item--home.nav-item--active').first().waitFor();
    assert.equal(await page.locator('.sidebar-recent-session', { hasText: /subagent|availability/ }).count(), 0);
    assert.deepEqual(rec.failures(loadedAt), [], 'no RPC answer after load is an error');
    assert.deepEqual(page.problems.filter((p) => p.startsWith('pageerror')), [], 'no script error');
    await b.screenshot(page, shot);
    const child = gw.store.listSessions({ agentId: 'worker' });
    assert.equal(child.length, 1);
    assert.equal(child[0]!.spawnedBy, 'agent:manager:main');
    assert.equal(child[0]!.actingFor, actingFor);
  } catch (err) {
    await b.screenshot(page, shot.replace('.png', '-failed.png')).catch(() => undefined);
    if (err instanceof Error) err.message += `\n--- responses ---\n${rec.responses.map((r) => `${r.ok ? 'ok ' : 'ERR'} ${r.method} ${r.error ?? ''}`).join('\n')}\n--- page ---\n${(page as Page & { problems?: string[] }).problems?.join('\n') ?? ''}`;
    t.diagnostic(String(err));
    throw err;
  } finally {
    await page.close();
  }
}

describe('OpenClaw Control UI 2026.9.6 served by clawgate (controlUi.root, token mode)', () => {
  let gw: TestGateway;
  let b: TestBrowser;
  let root: string | undefined;
  before(async () => {
    const oc = requireOpenclaw();
    if (!oc) return;
    root = join(oc.openclawPkgDir, 'dist', 'control-ui');
    gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN }, controlUi: { root } }, agents: AGENTS });
    const { client } = await connectWs({ url: gw.url, token: TOKEN });
    await client.request('agent', { sessionKey: EARLIER, message: 'earlier work', idempotencyKey: 'earlier-1' }, { expectFinal: true, timeoutMs: 10_000 });
    client.close();
    b = await launchBrowser();
  });
  after(async () => { await b?.close(); await gw?.stop(); });

  it('connects, lists sessions, sends a message and shows the streamed reply and the spawned subagent', { timeout: TIMEOUT }, async (t) => {
    if (!root) { t.skip('OpenClaw is not installed'); return; }
    const base = gw.url.replace('ws:', 'http:').replace(/\/$/, '');
    await flow(t, b, `${base}/#token=${TOKEN}`, gw, 'token', 'e2e-openclaw-ui-token.png', async () => (await connectWs({ url: gw.url, token: TOKEN })).client);
  });
});

describe('OpenClaw Control UI 2026.9.6 behind nginx in trusted-proxy mode (the seed config)', () => {
  const stack = new Stack();
  let gw: TestGateway;
  let nginx: RunningProxy;
  let auth: ForwardAuth;
  let b: TestBrowser;
  let root: string | undefined;
  before(async () => {
    const oc = requireOpenclaw();
    if (!oc) return;
    root = join(oc.openclawPkgDir, 'dist', 'control-ui');
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    auth = await stack.add(startForwardAuth(), (a) => a.close());
    gw = await stack.add(bootGateway({
      gateway: { ...SEED_GATEWAY, port: 0, controlUi: { ...SEED_GATEWAY.controlUi, root, allowedOrigins: [...SEED_GATEWAY.controlUi.allowedOrigins, origin] } },
      agents: AGENTS,
    }), (g) => g.stop());
    nginx = await stack.add(startNginx({ port, gatewayPort: gw.port, authPort: auth.port, proxySecret: randomBytes(24).toString('base64url') }), (p) => p.stop());
    const { client } = await connectWs({ url: gw.url, headers: { 'x-authentik-email': 'me@example.com' } });
    await client.request('agent', { sessionKey: EARLIER, message: 'earlier work', idempotencyKey: 'earlier-1' }, { expectFinal: true, timeoutMs: 10_000 });
    client.close();
    b = await launchBrowser();
  });
  after(async () => { await b?.close(); await stack.stopAll(); });

  it('signed in as me: connects, lists sessions, chats, and the manager spawns a worker acting for me', { timeout: TIMEOUT }, async (t) => {
    if (!root) { t.skip('OpenClaw is not installed'); return; }
    await b.login(nginx.origin, SESSION_COOKIE, 'me');
    await flow(t, b, `${nginx.origin}/`, gw, 'trusted-proxy:me@example.com', 'e2e-openclaw-ui-nginx.png', async () => (await connectWs({ url: gw.url, headers: { 'x-authentik-email': 'me@example.com' } })).client);
  });
});
