// The real OpenClaw 2026.9.6 TUI (`openclaw tui`) in a pseudo-terminal (`script`), against a
// real clawgate: it connects as openclaw-tui, subscribes, sends the message and shows the
// streamed reply; with a wrong token it shows OpenClaw's own hint for AUTH_TOKEN_MISMATCH.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { EMBEDDED_DEFAULTS } from '../src/config/defaults.js';
import { OPERATOR as OWNER } from '../src/auth/decision.js';
import { bootGateway, type TestGateway } from './fixtures/gateway.fixture.js';
import { explain, openclawEnv, openclawHome, plainText, requireOpenclaw, runCommand, type OpenclawPaths } from './fixtures/openclaw.fixture.js';

const TOKEN = 'octui-token-0123456789abcdef';

describe('OpenClaw TUI against clawgate (pseudo-terminal)', () => {
  let gw: TestGateway;
  let oc: OpenclawPaths | null;
  let home: string;
  before(async () => {
    oc = requireOpenclaw();
    gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN } }, agents: structuredClone(EMBEDDED_DEFAULTS.agents) });
    home = openclawHome(null, null);
  });
  after(async () => {
    await gw?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  /** `openclaw tui --url … --token … --message …` under script(1) until `until` shows. */
  const tui = async (token: string, message: string, until: RegExp, timeoutMs: number) => {
    const cmd = [oc!.nodeBin, oc!.openclawMjs, 'tui', '--url', gw.url, '--token', token, '--message', `'${message}'`].join(' ');
    const r = await runCommand('script', ['-qfec', cmd, '/dev/null'], { ...openclawEnv(oc!, home), TERM: 'xterm-256color', COLUMNS: '120', LINES: '40' }, timeoutMs, undefined, until);
    return { ...r, text: plainText(r.stdout), why: explain(['tui', '--message', message], { ...r, stdout: plainText(r.stdout) }) };
  };

  it('sends the message and shows the streamed reply', async (t) => {
    if (!oc) { t.skip('OpenClaw not installed'); return; }
    const r = await tui(TOKEN, 'hello from the tui', /echo: hello from the tui/, 120_000);
    assert.equal(r.timedOut, false, r.why);
    assert.match(r.text, /echo: hello from the tui/, r.why);
    assert.match(r.text, /connected/, r.why);
    // The reply is the run the TUI started, recorded under the main session of the default agent.
    const row = gw.store.getSession(OWNER, 'agent:manager:main');
    assert.ok(row, 'the TUI wrote to agent:manager:main');
    assert.equal(gw.store.listMessages(OWNER, 'agent:manager:main', 10).some((m) => JSON.stringify(m.content).includes('hello from the tui')), true);
    // Every method the TUI called is served (it asks commands.list for slash-command completion).
    assert.deepEqual(gw.logs.filter((l) => l.includes('"unknown method"')), [], 'the TUI called a method the gateway does not serve');
  });

  it('explains a wrong token with OpenClaw\'s own hint (details.code AUTH_TOKEN_MISMATCH)', async (t) => {
    if (!oc) { t.skip('OpenClaw not installed'); return; }
    const r = await tui('octui-wrong-token-987654321', 'never sent', /Verify `gateway\.remote\.token` matches `gateway\.auth\.token`/, 180_000);
    assert.equal(r.timedOut, false, r.why);
    assert.match(r.text, /unauthorized/, r.why);
  });
});
