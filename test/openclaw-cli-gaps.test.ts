// The real OpenClaw 2026.9.6 CLI against a real clawgate, for what issue 10 left open:
// `status --all` diagnostics (diagnostics.stability, last-heartbeat), the TUI's commands.list,
// a wrong token explained by `gateway call`, and `sessions compact` without --max-lines.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OPERATOR as OWNER } from '../src/auth/decision.js';
import { connectWs } from '../src/client/ws.js';
import { OPENCLAW_VERSION } from './fixtures/openclaw.fixture.js';
import { useOpenclawCli } from './fixtures/openclaw-cli-suite.fixture.js';

const TOKEN = 'ocgaps-token-0123456789abcdef';
const WRONG = 'ocgaps-wrong-token-9876543210';

interface Stability {
  capacity: number; count: number; dropped: number;
  events: { seq: number; type: string; outcome?: string; reason?: string; durationMs?: number; memory?: { rssBytes: number } }[];
  summary: { byType: Record<string, number>; memory?: { latest: { rssBytes: number; heapUsedBytes: number } } };
}

describe(`OpenClaw ${OPENCLAW_VERSION} CLI: the gaps issue 10 left`, () => {
  const suite = useOpenclawCli(TOKEN);
  const { cli, json } = suite;

  it('status --all: gateway diagnostics available, no warning caused by the gateway', async (t) => {
    if (!suite.oc) { t.skip('OpenClaw not installed'); return; }
    const r = await cli(['status', '--all'], 60_000);
    assert.equal(r.code, 0, r.why);
    assert.match(r.stdout, /✓ Inbound delivery telemetry: received 0 · dispatch 0\/0 · turns 0 · processed 0/, r.why);
    assert.doesNotMatch(r.stdout + r.stderr, /unavailable|unknown method|diagnostics failed|Cannot read properties/, r.why);
    const unknown = suite.gw.logs.filter((l) => l.includes('"unknown method"'));
    assert.deepEqual(unknown, [], 'status --all called a method the gateway does not serve');
  });

  it('gateway stability: real memory samples, run outcomes and refused connects', async (t) => {
    if (!suite.oc) { t.skip('OpenClaw not installed'); return; }
    const refused = await cli(['gateway', 'call', 'health', '--token', WRONG]);
    assert.notEqual(refused.code, 0, refused.why);
    const run = await cli(['agent', '--session-key', 'agent:manager:stability-1', '--message', 'ping']);
    assert.equal(run.code, 0, run.why);
    const s = json<Stability>(await cli(['gateway', 'stability', '--json', '--limit', '1000']));
    assert.equal(s.capacity, 1000);
    assert.ok(s.summary.memory!.latest.rssBytes > 10_000_000, JSON.stringify(s.summary));
    assert.ok(s.events.some((e) => e.type === 'security.event' && e.reason === 'token_mismatch'), JSON.stringify(s.events));
    const done = s.events.find((e) => e.type === 'run.completed');
    assert.ok(done && done.outcome === 'completed' && typeof done.durationMs === 'number', JSON.stringify(s.events));
    assert.equal(s.summary.byType['run.started'], 1);
    const beat = s.events.find((e) => e.type === 'diagnostic.heartbeat') as { connections?: number; uptimeMs?: number; eventLoopUtilization?: number } | undefined;
    assert.ok(beat && typeof beat.connections === 'number' && typeof beat.uptimeMs === 'number' && typeof beat.eventLoopUtilization === 'number', JSON.stringify(beat));
    assert.doesNotMatch(JSON.stringify(s), new RegExp(`stability-1|ping|${WRONG}|${TOKEN}`), 'stability records carry no keys, text or secrets');
    const text = await cli(['gateway', 'stability', '--type', 'security.event']);
    assert.equal(text.code, 0, text.why);
    assert.match(text.stdout, /security\.event .*outcome=denied reason=token_mismatch/, text.why);
  });

  it('system heartbeat last: null (clawgate runs no heartbeat turns)', async (t) => {
    if (!suite.oc) { t.skip('OpenClaw not installed'); return; }
    const r = await cli(['system', 'heartbeat', 'last', '--json']);
    assert.equal(r.code, 0, r.why);
    assert.equal(r.stdout.trim(), 'null', r.why);
  });

  it('commands.list: the scripted model\'s directives, as the TUI asks for them; unknown agent refused', async (t) => {
    if (!suite.oc) { t.skip('OpenClaw not installed'); return; }
    const r = await cli(['gateway', 'call', 'commands.list', '--json', '--params', JSON.stringify({ agentId: 'worker', scope: 'text', includeArgs: false })]);
    assert.equal(r.code, 0, r.why);
    const { commands } = json<{ commands: { name: string; textAliases: string[]; scope: string; args?: unknown }[] }>(r);
    assert.deepEqual(commands.map((c) => [c.name, c.textAliases, c.scope, c.args]), [['tool', ['/tool'], 'text', undefined], ['reply', ['/reply'], 'text', undefined], ['words', ['/words'], 'text', undefined]]);
    const bad = await cli(['gateway', 'call', 'commands.list', '--params', JSON.stringify({ agentId: 'nobody' })]);
    assert.notEqual(bad.code, 0, bad.why);
    assert.match(bad.stderr + bad.stdout, /unknown agent "nobody"/, bad.why);
  });

  it('gateway call --token wrong: OpenClaw\'s message form says which setting to fix, with AUTH_TOKEN_MISMATCH', async (t) => {
    if (!suite.oc) { t.skip('OpenClaw not installed'); return; }
    const r = await cli(['gateway', 'call', 'health', '--token', WRONG]);
    assert.notEqual(r.code, 0, r.why);
    assert.match(r.stderr + r.stdout, /Gateway call failed: unauthorized: gateway token mismatch \(set gateway\.remote\.token to match the gateway's gateway\.auth\.token\)/, r.why);
    assert.doesNotMatch(r.stderr + r.stdout, new RegExp(TOKEN), 'the real token is never echoed');
    const j = await cli(['gateway', 'call', 'health', '--token', WRONG, '--json']);
    assert.notEqual(j.code, 0, j.why);
    const out = json<{ ok: boolean; error: { code: string; details: { code: string; authReason: string } } }>(j);
    assert.deepEqual([out.ok, out.error.code, out.error.details], [false, 'INVALID_REQUEST', { code: 'AUTH_TOKEN_MISMATCH', authReason: 'token_mismatch' }], j.why);
  });

  it('sessions compact without --max-lines: keeps the recent ~20k tokens, replaces older turns by one entry, idempotent', async (t) => {
    if (!suite.oc) { t.skip('OpenClaw not installed'); return; }
    const key = 'agent:manager:long-9';
    for (let i = 0; i < 4; i++) {
      const r = await cli(['agent', '--session-key', key, '--message', '/words 5000']); // a ~31 KB (~8k-token) reply each
      assert.equal(r.code, 0, r.why);
    }
    assert.equal(suite.gw.store.countMessages(OWNER, key), 8);
    const r = await cli(['sessions', 'compact', key]);
    assert.equal(r.code, 0, r.why);
    const m = /Compacted session agent:manager:long-9 \((\d+) → (\d+) tokens\)\./.exec(r.stdout);
    assert.ok(m, r.why);
    assert.ok(Number(m[1]) > 30_000 && Number(m[2]) < 20_000, r.why);
    // The two newest turns stay; the two oldest became one entry, first in the transcript.
    const h = json<{ messages: { role: string; sender?: string; content: { text: string }[] }[] }>(await cli(['gateway', 'call', 'chat.history', '--json', '--params', JSON.stringify({ sessionKey: key })]));
    assert.deepEqual(h.messages.map((x) => [x.role, x.sender]), [['user', 'gateway'], ['user', 'token'], ['assistant', 'agent:manager'], ['user', 'token'], ['assistant', 'agent:manager']]);
    assert.match(h.messages[0]!.content[0]!.text, /^\[Conversation compacted by the gateway at .*: 4 earlier messages, about \d+ tokens, were removed/);
    const again = await cli(['sessions', 'compact', key]);
    assert.equal(again.code, 0, again.why);
    assert.match(again.stdout, /No compaction needed for session agent:manager:long-9 \(the transcript is within the 20000-token recent tail/, again.why);
    assert.equal(suite.gw.store.countMessages(OWNER, key), 5);
    // The session still works: the next run sees the compacted transcript and answers.
    const next = await cli(['agent', '--session-key', key, '--message', 'still there?']);
    assert.equal(next.code, 0, next.why);
    assert.match(next.stdout, /echo: still there\?/, next.why);
  });

  it('sessions.compact refuses a session with a run in progress (SESSION_BUSY), and works once it ended', async () => {
    const { client } = await connectWs({ url: suite.gw.url, token: TOKEN, scopes: ['operator.read', 'operator.write'] });
    try {
      const key = 'agent:manager:busy-1';
      const final = client.request('agent', { message: '/words 1000000', sessionKey: key, idempotencyKey: 'busy-run-1' }, { expectFinal: true, timeoutMs: 60_000 }).catch((e: Error) => e);
      await client.request('agent.wait', { runId: 'busy-run-1', timeoutMs: 1 }).catch(() => undefined); // the run is accepted by now
      await assert.rejects(client.request('sessions.compact', { key }), (e: Error & { details?: { code?: string }; retryable?: boolean }) => {
        assert.equal(e.details?.code, 'SESSION_BUSY');
        assert.match(e.message, /has a run in progress/);
        return true;
      });
      assert.equal(suite.gw.store.countMessages(OWNER, key), 1, 'nothing was cut under the run');
      await client.request('chat.abort', { sessionKey: key });
      await final;
      const r = await client.request<{ ok: boolean; compacted: boolean }>('sessions.compact', { key });
      assert.deepEqual([r.ok, r.compacted], [true, false]);
    } finally { client.close(); }
  });

  it('what clawgate deliberately lacks fails at once with a clear "unknown method" (no crash, no hang)', async (t) => {
    if (!suite.oc) { t.skip('OpenClaw not installed'); return; }
    const cases: [string[], RegExp][] = [
      [['gateway', 'call', 'config.set', '--params', '{}'], /Gateway call failed: unknown method: config\.set/],
      [['devices', 'reject', 'req-1'], /unknown method: device\.pair\.reject/],
      [['system', 'heartbeat', 'enable'], /unknown method: set-heartbeats/],
      [['cron', 'add', '--name', 'nightly', '--every', '1h', '--message', 'hi'], /unknown method: cron\.add/],
    ];
    for (const [args, why] of cases) {
      const r = await cli(args, 30_000);
      assert.equal(r.timedOut, false, r.why);
      assert.equal(r.code, 1, r.why);
      assert.match(r.stdout + r.stderr, why, r.why);
    }
    const health = await cli(['gateway', 'call', 'health', '--json']);
    assert.equal(health.code, 0, 'the gateway still answers afterwards');
  });
});
