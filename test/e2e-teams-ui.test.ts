// Two people in the control UI through nginx (auth_request to an authentik-outpost stand-in),
// each in their own Chromium profile: each sees only their own sessions and replies, every
// bubble names its sender, the chat header says whose session it is, a new user is told what
// the scripted model understands, and with a 200-message transcript the header and the
// composer stay on screen at desktop size and at phone width (docs/auth.md, "Teams").
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { bootGateway, SEED_GATEWAY, type TestGateway } from './fixtures/gateway.fixture.js';
import { Stack } from './fixtures/stack.fixture.js';
import { SESSION_COOKIE, startForwardAuth } from './fixtures/forward-auth.fixture.js';
import { freePort, startNginx, type RunningProxy } from './fixtures/proxies.fixture.js';
import { launchBrowser, type TestBrowser } from './fixtures/browser.fixture.js';

const ME = 'trusted-proxy:me@example.com';
const ALICE = 'trusted-proxy:alice@example.com';
/** An admin (identityScopes): sees every owner's sessions, and opens another's read-only. */
const CAROL = 'carol@example.com';
const MAIN = 'agent:manager:main';
const AGENTS = { list: [{ id: 'manager', default: true }, { id: 'worker' }] };
const TEST_TIMEOUT = 60_000;

type UiPage = Page & { problems: string[] };

/** Preloads `pairs` question/answer pairs into `owner`'s main session, as if they had chatted before. */
function preload(gw: TestGateway, owner: string, pairs: number): void {
  gw.store.ensureSession({ owner, key: MAIN, sessionId: randomUUID(), agentId: 'manager', kind: 'main', label: null, spawnedBy: null, spawnedByRun: null, actingFor: owner, depth: 0, model: null });
  for (let i = 0; i < pairs; i++) {
    gw.store.appendMessage(owner, { sessionKey: MAIN, runId: null, role: 'user', actingFor: owner, sender: owner, content: [{ type: 'text', text: `old question ${i}` }] });
    gw.store.appendMessage(owner, { sessionKey: MAIN, runId: null, role: 'assistant', actingFor: owner, sender: 'agent:manager', content: [{ type: 'text', text: `old answer ${i}` }] });
  }
}

/** Fails with what the page said when a step fails. */
async function step<T>(page: UiPage, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof Error && page.problems.length) err.message += `\n--- page ---\n${page.problems.join('\n')}`;
    throw err;
  }
}

/** The header, the chat title and the composer are inside the viewport; the page itself does not scroll. */
async function assertChromeOnScreen(page: UiPage, what: string): Promise<void> {
  const vp = page.viewportSize()!;
  for (const sel of ['.layout > header', '#chat-title', '#chat-owner', '#chat-input', '#chat-form button[type=submit]']) {
    const box = await page.locator(sel).boundingBox();
    assert.ok(box, `${what}: ${sel} is rendered`);
    assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= vp.width + 1 && box.y + box.height <= vp.height + 1,
      `${what}: ${sel} at ${JSON.stringify(box)} is inside the ${vp.width}×${vp.height} viewport`);
  }
  const [pageHeight = 0, pageWidth = 0] = await page.evaluate<number[]>('[document.documentElement.scrollHeight, document.documentElement.scrollWidth]');
  assert.ok(pageHeight <= vp.height + 1, `${what}: the page does not scroll (${pageHeight} > ${vp.height})`);
  assert.ok(pageWidth <= vp.width + 1, `${what}: no horizontal scrolling (${pageWidth} > ${vp.width})`);
}

/** The transcript scrolls by itself: it overflows, shows the newest message, and scrolling it keeps the chrome in place. */
async function assertTranscriptScrolls(page: UiPage, newest: string, what: string): Promise<void> {
  const t = page.locator('#transcript');
  const [scrollHeight, clientHeight] = await t.evaluate((el) => [el.scrollHeight, el.clientHeight]);
  assert.ok(scrollHeight > clientHeight * 2, `${what}: the transcript overflows (${scrollHeight} vs ${clientHeight})`);
  const last = page.locator('#transcript .msg', { hasText: newest }).last();
  const inView = () => last.evaluate((el) => {
    const r = el.getBoundingClientRect(); const box = el.parentElement!.getBoundingClientRect();
    return { ok: r.bottom <= box.bottom + 1 && r.top >= box.top - 1, r: [r.top, r.bottom], box: [box.top, box.bottom], scroll: [el.parentElement!.scrollTop, el.parentElement!.scrollHeight] };
  });
  for (let t = 0; !(await inView()).ok; t++) {
    if (t > 50) { await page.screenshot({ path: 'test-output/e2e-teams-failed.png' }); assert.fail(`${what}: the newest message is not in view: ${JSON.stringify(await inView())}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  await assertChromeOnScreen(page, `${what}, at the newest message`);
  await t.evaluate((el) => { el.scrollTop = 0; });
  await assertChromeOnScreen(page, `${what}, scrolled to the oldest message`);
  await t.evaluate((el) => { el.scrollTop = el.scrollHeight; });
}

describe('two people in the control UI through nginx', () => {
  const stack = new Stack();
  let gw: TestGateway;
  let nginx: RunningProxy;
  let mine: TestBrowser;
  let hers: TestBrowser;
  let admins: TestBrowser;

  before(async () => {
    const port = await freePort();
    const auth = await stack.add(startForwardAuth(), (a) => a.close());
    gw = await stack.add(bootGateway({
      gateway: {
        ...SEED_GATEWAY,
        port: 0,
        controlUi: { ...SEED_GATEWAY.controlUi, allowedOrigins: [`http://127.0.0.1:${port}`] },
        auth: {
          ...SEED_GATEWAY.auth,
          trustedProxy: { ...SEED_GATEWAY.auth.trustedProxy, allowUsers: ['me@example.com', 'alice@example.com', CAROL] },
          identityScopes: { [CAROL]: ['operator.read', 'operator.write', 'operator.admin'] },
        },
      },
      agents: AGENTS,
    }), (g) => g.stop());
    nginx = await stack.add(startNginx({ port, gatewayPort: gw.port, authPort: auth.port, proxySecret: randomBytes(24).toString('base64url') }), (p) => p.stop());
    // Two browser profiles: two people, each with their own login cookie.
    mine = await stack.add(launchBrowser(), (b) => b.close());
    hers = await stack.add(launchBrowser(), (b) => b.close());
    await mine.login(nginx.origin, SESSION_COOKIE, 'me');
    await hers.login(nginx.origin, SESSION_COOKIE, 'alice');
    admins = await stack.add(launchBrowser(), (b) => b.close());
    await admins.login(nginx.origin, SESSION_COOKIE, 'carol');
    preload(gw, ME, 100);
  });
  after(() => stack.stopAll());

  it('each sees only their own session and reply; bubbles name senders; header and composer stay on screen with 200 messages', { timeout: TEST_TIMEOUT }, async () => {
    const [me, alice] = [await mine.newPage(), await hers.newPage()];
    try {
      await Promise.all([me.goto(`${nginx.origin}/`), alice.goto(`${nginx.origin}/`)]);
      await step(me, () => me.locator('#identity', { hasText: 'me@example.com via trusted proxy' }).waitFor());
      await step(alice, () => alice.locator('#identity', { hasText: 'alice@example.com via trusted proxy' }).waitFor());
      // My long history is there (the newest page of it); Alice's main session is empty, and hers.
      await step(me, () => me.locator('#transcript .msg', { hasText: 'old answer 99' }).waitFor());
      await step(alice, () => alice.locator('#chat-owner', { hasText: 'Your session' }).waitFor());
      assert.equal(await me.locator('#chat-owner').textContent(), 'Your session');
      assert.equal(await alice.locator('#transcript .msg').count(), 0);

      // Both send at once; each gets only their own reply.
      const send = async (page: UiPage, text: string) => {
        await page.fill('#chat-input', text);
        await page.click('#chat-form button[type=submit]');
      };
      await Promise.all([send(me, 'hello from me'), send(alice, 'hello from alice')]);
      await step(me, () => me.locator('#transcript .msg.assistant', { hasText: 'echo: hello from me' }).waitFor());
      await step(alice, () => alice.locator('#transcript .msg.assistant', { hasText: 'echo: hello from alice' }).waitFor());
      await step(alice, () => alice.locator('#sessions li').first().waitFor());
      const aliceText = await alice.locator('body').textContent() ?? '';
      for (const theirs of ['from me', 'old question', 'old answer', 'me@example.com']) assert.ok(!aliceText.includes(theirs), `Alice's page shows "${theirs}"`);
      assert.ok(!(await me.locator('body').textContent() ?? '').includes('alice'), 'my page shows nothing of Alice');
      assert.deepEqual(await alice.locator('#transcript .msg .body').allTextContents(), ['hello from alice', 'echo: hello from alice']);

      // Bubbles name their senders: my own messages are "You", the agent's carry its id and a badge.
      assert.deepEqual(await alice.locator('#transcript .msg .sender').allTextContents(), ['You', 'manageragent']);
      const mineBubble = me.locator('#transcript .msg.user', { hasText: 'hello from me' }).last();
      assert.equal(await mineBubble.locator('.sender').textContent(), 'You');
      assert.equal(await mineBubble.getAttribute('data-sender'), ME);
      assert.ok(await mineBubble.evaluate((el) => el.classList.contains('mine')));
      const reply = me.locator('#transcript .msg.assistant', { hasText: 'echo: hello from me' }).last();
      assert.equal(await reply.getAttribute('data-sender'), 'agent:manager');
      assert.equal(await reply.locator('.sender').textContent(), 'manageragent');
      assert.equal(await me.locator('#transcript .msg.user:not(.mine)').count(), 0, 'every user bubble in my session is mine');

      // Each session list holds exactly the person's own main session.
      await step(me, () => me.locator('#sessions li').first().waitFor());
      for (const [page, owner] of [[me, ME], [alice, ALICE]] as const) {
        const rows = page.locator('#sessions li');
        assert.equal(await rows.count(), 1);
        assert.equal(await rows.getAttribute('data-key'), MAIN);
        assert.equal(await rows.getAttribute('data-owner'), owner);
        assert.equal(await rows.locator('.owner').count(), 0, 'no "owner:" line for one\'s own session');
      }

      // A new user is told what the scripted model understands, once.
      const hint = alice.locator('#scripted-hint[role=note]');
      assert.match(await hint.textContent() ?? '', /scripted model.*echo:.*\/reply TEXT.*\/tool NAME JSON/s);
      await alice.click('#scripted-hint-dismiss');
      await hint.waitFor({ state: 'detached' });
      await alice.reload();
      await step(alice, () => alice.locator('#transcript .msg.assistant', { hasText: 'echo: hello from alice' }).waitFor());
      assert.equal(await hint.count(), 0, 'a dismissed hint stays dismissed');
      await hers.screenshot(alice, 'e2e-teams-alice.png');

      // 200 messages (the newest page of 202): the transcript scrolls, not the page.
      assert.equal(await me.locator('#transcript .msg').count(), 200);
      assert.equal(await me.locator('#load-older').count(), 1);
      await step(me, () => assertTranscriptScrolls(me, 'echo: hello from me', 'desktop 1100×700'));
      await mine.screenshot(me, 'e2e-teams-me-desktop.png');
      await me.setViewportSize({ width: 390, height: 844 });
      await step(me, () => assertTranscriptScrolls(me, 'echo: hello from me', 'phone 390×844'));
      await mine.screenshot(me, 'e2e-teams-me-phone.png');

      // The gateway agrees: two owners, one main session each, nobody's message in the other's.
      assert.deepEqual(gw.store.listSessions({ owner: ALICE }).map((s) => s.key), [MAIN]);
      assert.deepEqual(gw.store.listSessions({ owner: ME }).map((s) => s.key), [MAIN]);
      assert.deepEqual(me.problems, []);
      assert.deepEqual(alice.problems, []);
    } finally {
      await Promise.all([me.close(), alice.close()]);
    }
  });

  it('an admin sees every owner\'s sessions marked with their owner, and reads Alice\'s read-only with her name on her bubbles', { timeout: TEST_TIMEOUT }, async () => {
    const carol = await admins.newPage();
    try {
      await carol.goto(`${nginx.origin}/`);
      await step(carol, () => carol.locator('#identity', { hasText: `${CAROL} via trusted proxy` }).waitFor());
      const theirs = carol.locator(`#sessions li[data-owner="${ALICE}"]`);
      await step(carol, () => theirs.waitFor());
      assert.equal(await carol.locator(`#sessions li[data-owner="${ME}"]`).count(), 1);
      assert.equal(await theirs.locator('.owner').textContent(), 'owner: alice@example.com');
      await theirs.locator('button').click();
      await step(carol, () => carol.locator('#chat-owner', { hasText: 'Session of alice@example.com' }).waitFor());
      await step(carol, () => carol.locator('#transcript .msg.assistant', { hasText: 'echo: hello from alice' }).waitFor());
      assert.deepEqual(await carol.locator('#transcript .msg .sender').allTextContents(), ['alice@example.com', 'manageragent']);
      assert.equal(await carol.locator('#transcript .msg.mine').count(), 0);
      assert.ok(await carol.locator('#chat-input').isDisabled(), 'another owner\'s session is read-only');
      assert.match(await carol.locator('#chat-input').getAttribute('placeholder') ?? '', /Read-only: alice@example.com's session/);
      await admins.screenshot(carol, 'e2e-teams-admin.png');
      // Back to her own: writable, and hers.
      await carol.locator('#agents button', { hasText: 'manager' }).click();
      await step(carol, () => carol.locator('#chat-owner', { hasText: 'Your session' }).waitFor());
      assert.ok(!(await carol.locator('#chat-input').isDisabled()));
      assert.deepEqual(carol.problems, []);
    } finally {
      await carol.close();
    }
  });
});
