// The real OpenClaw 2026.9.6 CLI (Node 24, from scripts/install-openclaw.js) against a real
// clawgate on Node 20: every everyday command exits 0 with the right content.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OPERATOR as OWNER } from '../src/auth/decision.js';
import { OPENCLAW_VERSION } from './fixtures/openclaw.fixture.js';
import { useOpenclawCli } from './fixtures/openclaw-cli-suite.fixture.js';

const TOKEN = 'occli-token-0123456789abcdef';
const WRONG = 'occli-wrong-token-9876543210';

describe(`OpenClaw ${OPENCLAW_VERSION} CLI against clawgate`, () => {
  const suite = useOpenclawCli(TOKEN);
  const { cli, json } = suite;

  it('is the pinned release, running on Node 24', async (t) => {
    if (!suite.oc) { t.skip('OpenClaw not installed'); return; }
    const r = await cli(['--version']);
    assert.equal(r.code, 0, r.why);
    assert.match(r.stdout, new RegExp(`OpenClaw ${OPENCLAW_VERSION.replace(/\./g, '\\.')}`));
  });

  it('health: agents, default agent and session store', async (t) => {
    if (!suite.oc) { t.skip('OpenClaw not installed'); return; }
    const r = await cli(['health']);
    assert.equal(r.code, 0, r.why);
    assert.match(r.stdout, /Agents: manager \(default\), worker/, r.why);
    assert.match(r.stdout, /Session store \(manager\): .*\(\d+ entries\)/, r.why);
    const raw = json<{ ok: boolean; defaultAgentId: string; agents: { agentId: string; sessions: { count: number } }[] }>(await cli(['gateway', 'call', 'health', '--json']));
    assert.equal(raw.ok, true);
    assert.deepEqual(raw.agents.map((a) => a.agentId), ['manager', 'worker']);
  });

  it('status --json reads the sessions by agent; status --all renders', async (t) => {
    if (!suite.oc) { t.skip('OpenClaw not installed'); return; }
    const r = await cli(['status', '--json']);
    assert.equal(r.code, 0, r.why);
    const s = json<{ agents: { defaultId: string; agents: { id: string; name?: string }[] }; gateway?: { reachable?: boolean } }>(r);
    assert.equal(s.agents.defaultId, 'manager', r.why);
    assert.deepEqual(s.agents.agents.map((a) => [a.id, a.name]), [['manager', 'Manager'], ['worker', 'Worker']]);
    const all = await cli(['status', '--all'], 60_000);
    assert.equal(all.code, 0, all.why);
    assert.doesNotMatch(all.stdout + all.stderr, /Cannot read properties|TypeError/, all.why);
    assert.match(all.stdout, /Gateway target: ws:\/\/127\.0\.0\.1:\d+/, all.why);
  });

  it('logs: the gateway\'s own recent lines, redacted', async (t) => {
    if (!suite.oc) { t.skip('OpenClaw not installed'); return; }
    const refused = await cli(['gateway', 'call', 'health', '--token', WRONG]);
    assert.notEqual(refused.code, 0, refused.why);
    const r = await cli(['logs', '--limit', '50', '--json']);
    assert.equal(r.code, 0, r.why);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; level?: string; message?: string; raw?: string });
    assert.equal(lines[0]!.type, 'meta');
    const refusal = lines.find((l) => l.type === 'log' && l.message === 'connect refused');
    assert.ok(refusal, r.why);
    assert.equal(refusal.level, 'warn');
    assert.doesNotMatch(r.stdout, new RegExp(`${WRONG}|${TOKEN}`));
    const text = await cli(['logs', '--limit', '20']);
    assert.equal(text.code, 0, text.why);
    assert.match(text.stdout, /connect refused/);
  });

  it('channels status: reachable, with the Slack account state', async (t) => {
    if (!suite.oc) { t.skip('OpenClaw not installed'); return; }
    const r = await cli(['channels', 'status']);
    assert.equal(r.code, 0, r.why);
    assert.match(r.stdout, /Gateway reachable\./, r.why);
    assert.match(r.stdout, /Slack default: disabled/, r.why);
    assert.doesNotMatch(r.stdout + r.stderr, /not reachable/, r.why);
  });

  it('models list: the published catalog (hello-ok capability published-model-catalog)', async (t) => {
    if (!suite.oc) { t.skip('OpenClaw not installed'); return; }
    const r = await cli(['models', 'list']);
    assert.equal(r.code, 0, r.why);
    assert.match(r.stdout, /clawgate\/scripted\s+text/, r.why);
  });

  it('gateway probe: connect and read probe ok (health, status, system-presence, config.get)', async (t) => {
    if (!suite.oc) { t.skip('OpenClaw not installed'); return; }
    const r = await cli(['gateway', 'probe'], 60_000);
    assert.equal(r.code, 0, r.why);
    assert.match(r.stdout, new RegExp(`Remote \\(configured\\) ${suite.gw.url.replace(/[.]/g, '\\.')}\\s+Connect: ok \\(\\d+ms\\) · Capability: read-only · Read probe: ok`), r.why);
  });

  it('config.get: every secret redacted', async (t) => {
    if (!suite.oc) { t.skip('OpenClaw not installed'); return; }
    const r = await cli(['gateway', 'call', 'config.get', '--json']);
    assert.equal(r.code, 0, r.why);
    assert.ok(!r.stdout.includes(TOKEN), 'the gateway token leaked through config.get');
    const snap = json<{ valid: boolean; config: { gateway: { auth: { mode: string; token: string } } } }>(r);
    assert.equal(snap.valid, true);
    assert.equal(snap.config.gateway.auth.mode, 'token');
    assert.equal(snap.config.gateway.auth.token, '__OPENCLAW_REDACTED__');
  });

  it('agent --session-key agent:manager:incident-42 (a 3-part key) and --session-id of that session', async (t) => {
    if (!suite.oc) { t.skip('OpenClaw not installed'); return; }
    const r = await cli(['agent', '--session-key', 'agent:manager:incident-42', '--message', 'status of incident 42']);
    assert.equal(r.code, 0, r.why);
    assert.match(r.stdout, /echo: status of incident 42/, r.why);
    const row = suite.gw.store.getSession(OWNER, 'agent:manager:incident-42');
    assert.ok(row, 'session recorded under the 3-part key');
    const again = await cli(['agent', '--session-id', row.sessionId, '--message', 'and now?']);
    assert.equal(again.code, 0, again.why);
    assert.match(again.stdout, /echo: and now\?/, again.why);
    assert.equal(suite.gw.store.countMessages(OWNER, 'agent:manager:incident-42'), 4, 'both runs went to the same session');
    const bad = await cli(['gateway', 'call', 'agent', '--params', JSON.stringify({ sessionKey: 'agent:manager:has space', message: 'x', idempotencyKey: 'bad-key-1' })]);
    assert.notEqual(bad.code, 0, bad.why);
    assert.match(bad.stderr + bad.stdout, /agent:<id>:main, agent:<id>:<name>/, bad.why);
  });

  it('sessions compact / reset / archive / delete through the gateway', async (t) => {
    if (!suite.oc) { t.skip('OpenClaw not installed'); return; }
    const key = 'agent:manager:cleanup-7';
    assert.equal((await cli(['agent', '--session-key', key, '--message', 'first'])).code, 0);
    assert.equal((await cli(['agent', '--session-key', key, '--message', 'second'])).code, 0);
    assert.equal(suite.gw.store.countMessages(OWNER, key), 4);

    const compact = await cli(['sessions', 'compact', key, '--max-lines', '1']);
    assert.equal(compact.code, 0, compact.why);
    assert.match(compact.stdout, new RegExp(`Compacted session ${key} \\(kept 1 lines\\)`), compact.why);
    assert.equal(suite.gw.store.countMessages(OWNER, key), 1);

    const before = suite.gw.store.getSession(OWNER, key)!.sessionId;
    const reset = json<{ ok: boolean; entry: { sessionId: string } }>(await cli(['gateway', 'call', 'sessions.reset', '--json', '--params', JSON.stringify({ key })]));
    assert.equal(reset.ok, true);
    assert.notEqual(reset.entry.sessionId, before);
    assert.equal(suite.gw.store.countMessages(OWNER, key), 0);

    const archive = await cli(['sessions', 'archive', key]);
    assert.equal(archive.code, 0, archive.why);
    assert.match(archive.stdout, new RegExp(`Archived session ${key}\\.`), archive.why);
    assert.notEqual(suite.gw.store.getSession(OWNER, key)!.archivedAt, null);
    const listed = json<{ sessions: { key: string }[] }>(await cli(['gateway', 'call', 'sessions.list', '--json', '--params', '{}']));
    assert.equal(listed.sessions.some((x) => x.key === key), false, 'archived sessions are not listed by default');

    const del = await cli(['sessions', 'delete', key, '--yes']);
    assert.equal(del.code, 0, del.why);
    assert.match(del.stdout, new RegExp(`Deleted session ${key}\\.`), del.why);
    assert.equal(suite.gw.store.getSession(OWNER, key), undefined);
  });

  it('devices list, nodes list, cron list, approvals pending: the truthful empty state', async (t) => {
    if (!suite.oc) { t.skip('OpenClaw not installed'); return; }
    const expected: [string[], RegExp][] = [
      [['devices', 'list'], /No device pairing entries\./],
      [['nodes', 'list'], /Pending: 0 · Paired: 0/],
      [['cron', 'list'], /No automations\./],
      [['approvals', 'pending'], /No pending approvals\./],
    ];
    for (const [args, out] of expected) {
      const r = await cli(args);
      assert.equal(r.code, 0, r.why);
      assert.match(r.stdout, out, r.why);
    }
  });
});
