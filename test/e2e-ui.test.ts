// The control UI used directly with a token (no proxy): the `#token=` fragment is taken and
// removed from the address bar and history; the UI works on a phone-sized screen with the
// keyboard alone; and a wrong token is explained in plain words.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bootGateway, type TestGateway } from './fixtures/gateway.fixture.js';
import { launchBrowser, type TestBrowser } from './fixtures/browser.fixture.js';
import { connectWs } from '../src/client/ws.js';

const TOKEN = 'ui-direct-token-0123456789';

describe('control UI with a token, directly on the gateway port', () => {
  let gw: TestGateway;
  let browser: TestBrowser;
  let base: string;
  before(async () => {
    gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN } } });
    base = gw.url.replace('ws:', 'http:');
    browser = await launchBrowser();
  });
  after(async () => { await browser?.close(); await gw?.stop(); });

  it('takes #token= from the fragment, then keeps it out of the address bar and history', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/#token=${TOKEN}`);
    await page.waitForSelector('#identity', { timeout: 10_000 });
    assert.match(await page.textContent('#identity') ?? '', /token holder/);
    assert.equal(page.url(), `${base}/`);
    // about:blank + this page: the fragment URL was replaced in place, not pushed as a new entry.
    assert.equal(await page.evaluate('history.length'), 2);
    assert.equal(await page.evaluate('location.hash'), '');
    // A reload in the same tab still connects (the token is kept for this tab only).
    await page.reload();
    await page.waitForSelector('#identity', { timeout: 10_000 });
    assert.ok(!gw.logs.join('').includes(TOKEN), 'the token never reaches the gateway log');
    await page.close();
  });

  it('works on a phone-sized screen with the keyboard alone', async () => {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/#token=${TOKEN}`);
    await page.waitForSelector('#identity', { timeout: 10_000 });
    // No horizontal scrolling on a phone.
    assert.ok(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1'));
    // The first Tab reaches the skip link, which jumps to the message box.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement && document.activeElement.textContent'), 'Skip to message box');
    await page.keyboard.press('Enter');
    await page.waitForFunction('document.activeElement && document.activeElement.id === "chat-input"');
    await page.keyboard.type('/reply hello from the keyboard');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.msg.assistant >> text=hello from the keyboard', { timeout: 10_000 });
    await page.waitForSelector('#sessions li[data-key="agent:manager:main"]', { timeout: 10_000 });
    await browser.screenshot(page, 'e2e-ui-phone.png');
    await page.close();
  });

  it('explains a wrong token in plain words and offers to enter another', async () => {
    const fresh = await launchBrowser();
    try {
      const page = await fresh.newPage();
      await page.goto(`${base}/#token=not-the-token-at-all`);
      await page.waitForSelector('#refusal', { timeout: 10_000 });
      const text = await page.textContent('#refusal') ?? '';
      assert.match(text, /The token was wrong/);
      assert.match(text, /token_mismatch/);
      await page.fill('#secret', TOKEN);
      await page.keyboard.press('Enter');
      await page.waitForSelector('#identity', { timeout: 10_000 });
      await page.close();
    } finally {
      await fresh.close();
    }
  });
});

describe('control UI pages through a long transcript', () => {
  let gw: TestGateway;
  let browser: TestBrowser;
  before(async () => {
    // A tiny page budget turns 16 short messages into several pages.
    gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN }, limits: { defaultPageBytes: 1024 } } });
    const { client } = await connectWs({ url: gw.url, token: TOKEN });
    for (let i = 0; i < 8; i++) await client.request('agent', { message: `/reply line ${i}`, idempotencyKey: `page-${i}` }, { expectFinal: true });
    client.close();
    browser = await launchBrowser();
  });
  after(async () => { await browser?.close(); await gw?.stop(); });

  it('shows the newest page first and loads older pages on request, in order', async () => {
    const page = await browser.newPage();
    await page.goto(`${gw.url.replace('ws:', 'http:')}/#token=${TOKEN}`);
    await page.click('#sessions li[data-key="agent:manager:main"] button', { timeout: 10_000 });
    await page.waitForSelector('.msg.assistant >> text=line 7', { timeout: 10_000 });
    assert.ok(await page.$('.msg >> text=/reply line 0') === null, 'the first page is only the newest messages');
    for (let clicks = 0; await page.$('#load-older'); clicks++) {
      assert.ok(clicks < 20);
      const before = await page.$$eval('.msg', (els) => els.length);
      await page.click('#load-older');
      for (let t = 0; (await page.$$eval('.msg', (els) => els.length)) <= before; t++) { assert.ok(t < 200, 'an older page arrived'); await new Promise((r) => setTimeout(r, 50)); }
    }
    const texts = await page.$$eval('.msg .body', (els) => els.map((e) => e.textContent));
    assert.deepEqual(texts, Array.from({ length: 8 }, (_, i) => [`/reply line ${i}`, `line ${i}`]).flat());
    // Each bubble says who wrote it: the token holder's own messages are "You", the agent's its id.
    const senders = await page.$$eval('.msg .sender', (els) => els.map((e) => e.textContent));
    assert.deepEqual(senders, Array.from({ length: 8 }, () => ['You', 'manageragent']).flat());
    await page.close();
  });
});
