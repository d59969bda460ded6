// Crash loop: kill -9 the gateway (a child process on one state dir) five times while runs
// stream and tool calls wait, restarting it each time. After every restart each acknowledged
// message is still there, every run that was in flight reads as interrupted, and a fresh
// client connects and gets `health`; after the last stop the database passes integrity_check.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { connectWs } from '../src/client/ws.js';
import type { GatewayClient } from '../src/client/client.js';
import { tempDir } from './fixtures/gateway.fixture.js';
import { startFakeOpenAi, type FakeOpenAi } from './fixtures/fake-openai.fixture.js';
import { spawnGateway, type GatewayProcess } from './fixtures/process.fixture.js';

const TOKEN = 'crash-loop-token-0123456789';
const ITERATIONS = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Acked { runId: string; sessionKey: string; message: string }
type History = { messages: { role: string; runId?: string; content: { type?: string; text?: string }[] }[] };

async function until(pred: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await pred()) return;
    await sleep(20);
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** A fresh client, retried for a bounded time: a restarted gateway must take connections cleanly. */
async function reconnect(url: string): Promise<GatewayClient> {
  let last: unknown;
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      const { client } = await connectWs({ url, token: TOKEN, timeoutMs: 2_000 });
      assert.equal((await client.request<{ ok: boolean }>('health', {}, { timeoutMs: 2_000 })).ok, true);
      return client;
    } catch (err) { last = err; await sleep(100); }
  }
  throw new Error(`no clean reconnect within 20 attempts: ${String(last)}`);
}

describe('crash loop', () => {
  let fake: FakeOpenAi;
  let gw: GatewayProcess | undefined;
  const stateDir = tempDir('clawgate-crash-loop-');
  const configPath = join(stateDir, 'clawgate.json');
  const env = { CLAWGATE_STATE_DIR: stateDir, CRASH_LOOP_OPENAI_KEY: 'sk-test-fake-key' };

  before(async () => {
    fake = await startFakeOpenAi('sk-test-fake-key');
    writeFileSync(configPath, JSON.stringify({
      gateway: { port: 0, auth: { mode: 'token', token: TOKEN } },
      logging: { level: 'info', format: 'json' },
      models: { providers: { local: { baseUrl: fake.baseUrl, apiKeyEnv: 'CRASH_LOOP_OPENAI_KEY' } } },
      agents: { list: [
        { id: 'manager', default: true, tools: { allow: ['sessions_spawn', 'sessions_send'] }, subagents: { allowAgents: ['slow', 'relay'] } },
        { id: 'slow', model: 'local/test' },
        { id: 'relay', model: 'local/test' },
      ] },
    }));
  });
  after(async () => {
    await gw?.kill('SIGKILL');
    await fake.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('loses no acknowledged message, interrupts in-flight runs and keeps the database intact across 5 kill -9 restarts', { timeout: 60_000 }, async () => {
    const t0 = Date.now();
    const acked: Acked[] = [];
    let inFlight: string[] = [];

    /** Checks, on a freshly restarted gateway, everything the previous life acknowledged. */
    const verify = async (c: GatewayClient, iteration: number) => {
      assert.match(gw!.output(), /runs interrupted by the previous stop/, `restart ${iteration} reported the interrupted runs`);
      const histories = new Map<string, History>();
      for (const a of acked) {
        if (!histories.has(a.sessionKey)) histories.set(a.sessionKey, await c.request<History>('chat.history', { sessionKey: a.sessionKey, limit: 1_000 }));
        const user = histories.get(a.sessionKey)!.messages.filter((m) => m.role === 'user' && m.runId === a.runId);
        assert.equal(user.length, 1, `acknowledged run ${a.runId} has exactly one user message after restart ${iteration}`);
        assert.equal(user[0]!.content[0]!.text, a.message);
      }
      for (const runId of inFlight) {
        const w = await c.request<{ status: string; stopReason?: string }>('agent.wait', { runId, timeoutMs: 100 });
        assert.deepEqual([w.status, w.stopReason], ['error', 'interrupted'], `run ${runId} after restart ${iteration}`);
      }
      // Runs started by tools (the spawned child, the sessions_send target) were in flight too.
      const sessions = (await c.request<{ sessions: { key: string; status: string; lastRunId?: string }[] }>('sessions.list', { limit: 1_000 })).sessions;
      assert.deepEqual(sessions.filter((s) => s.status === 'running').map((s) => s.key), [], 'no session still claims to be running');
      for (const s of sessions.filter((x) => x.lastRunId)) {
        const w = await c.request<{ status: string }>('agent.wait', { runId: s.lastRunId, timeoutMs: 100 });
        assert.notEqual(w.status, 'pending', `${s.key} last run ${s.lastRunId} has a final status`);
      }
    };

    for (let i = 0; i <= ITERATIONS; i++) {
      gw = await spawnGateway(['--config', configPath], env);
      const client = await reconnect(gw.url);
      if (i > 0) await verify(client, i);
      if (i === ITERATIONS) { client.close(); break; }

      const toolStarted = new Set<string>();
      client.on('agent', (p) => {
        const e = p as { runId: string; stream: string; data: { phase?: string; name?: string } };
        if (e.stream === 'tool' && e.data.phase === 'start') toolStarted.add(`${e.runId}:${e.data.name}`);
      });
      const ack = async (params: Record<string, unknown>) => {
        const a = await client.request<{ runId: string; status: string; sessionKey: string }>('agent', params, { resolveOnAck: true, timeoutMs: 5_000 });
        assert.equal(a.status, 'accepted');
        acked.push({ runId: a.runId, sessionKey: a.sessionKey, message: String(params.message) });
        return a.runId;
      };
      // A run that finishes before the crash.
      const done = await client.request<{ status: string; sessionKey: string; runId: string }>('agent', { agentId: 'manager', message: `finished before crash ${i}`, idempotencyKey: `ok-${i}` }, { expectFinal: true, timeoutMs: 5_000 });
      assert.equal(done.status, 'ok');
      acked.push({ runId: `ok-${i}`, sessionKey: 'agent:manager:main', message: `finished before crash ${i}` });
      // A streaming model run that hangs, and a run queued behind it in the same session.
      inFlight = [await ack({ agentId: 'slow', message: 'hang', idempotencyKey: `hang-${i}` })];
      inFlight.push(await ack({ agentId: 'slow', message: `queued behind the hang ${i}`, idempotencyKey: `queued-${i}` }));
      // A scripted run with tool calls in flight: it spawns a hanging child, then waits in sessions_send.
      const tools = [
        '/tool sessions_spawn {"agentId":"slow","task":"hang"}',
        '/tool sessions_send {"sessionKey":"agent:relay:main","message":"hang","timeoutSeconds":600}',
      ].join('\n');
      inFlight.push(await ack({ agentId: 'manager', message: tools, idempotencyKey: `tools-${i}` }));

      await until(() => fake.hanging === 3 && toolStarted.has(`tools-${i}:sessions_send`), 'three streams hanging and sessions_send in flight');
      const exited = new Promise((r) => gw!.child.once('exit', r));
      gw.child.kill('SIGKILL');
      await exited;
      client.close();
      await until(() => fake.hanging === 0, 'the dead gateway\'s model streams to close');
    }

    await gw!.kill('SIGTERM');
    assert.equal(gw!.child.exitCode, 0, 'the last life stopped cleanly');
    const db = new Database(join(stateDir, 'clawgate.db'), { readonly: true });
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      assert.deepEqual(db.pragma('foreign_key_check'), []);
      const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
      assert.equal(n("SELECT COUNT(*) AS n FROM runs WHERE status IN ('accepted', 'running')"), 0);
      assert.equal(n("SELECT COUNT(*) AS n FROM messages WHERE role = 'user'"), n('SELECT COUNT(*) AS n FROM runs'), 'one user message per run');
      assert.equal(n("SELECT COUNT(*) AS n FROM runs WHERE status = 'interrupted'"), ITERATIONS * 5, 'hang, queued, tools, its spawned child and its sessions_send target, per crash');
    } finally { db.close(); }
    assert.ok(Date.now() - t0 < 40_000, `took ${Date.now() - t0} ms`);
  });
});
