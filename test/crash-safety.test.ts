// Crash safety: kill -9 the gateway while a run is streaming; after a restart on the same
// state dir every acknowledged message is there, the run shows as interrupted, and the
// database passes an integrity check.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { connectWs } from '../src/client/ws.js';
import { tempDir } from './fixtures/gateway.fixture.js';
import { startFakeOpenAi, type FakeOpenAi } from './fixtures/fake-openai.fixture.js';
import { spawnGateway, type GatewayProcess } from './fixtures/process.fixture.js';

const TOKEN = 'crash-token-0123456789';

describe('crash safety', () => {
  let fake: FakeOpenAi;
  let gw: GatewayProcess | undefined;
  const stateDir = tempDir('clawgate-crash-');
  const configPath = join(stateDir, 'clawgate.json');
  const env = { CLAWGATE_STATE_DIR: stateDir, TEST_OPENAI_KEY: 'sk-test-fake-key' };

  before(async () => {
    fake = await startFakeOpenAi('sk-test-fake-key');
    writeFileSync(configPath, JSON.stringify({
      gateway: { port: 0, auth: { mode: 'token', token: TOKEN } },
      models: { providers: { local: { baseUrl: fake.baseUrl, apiKeyEnv: 'TEST_OPENAI_KEY' } } },
      agents: { list: [{ id: 'manager', default: true }, { id: 'slow', model: 'local/test' }] },
    }));
  });
  after(async () => { await gw?.kill('SIGKILL'); await fake.close(); });

  it('keeps acknowledged messages and marks the in-flight run interrupted after kill -9', async () => {
    gw = await spawnGateway(['--config', configPath], env);
    const { client } = await connectWs({ url: gw.url, token: TOKEN });
    const done = await client.request<{ status: string }>('agent', { agentId: 'manager', message: 'before the crash', idempotencyKey: 'done-1' }, { expectFinal: true });
    assert.equal(done.status, 'ok');
    // Start a run that streams one delta and then hangs; wait for the ack and the delta.
    const streaming = new Promise<void>((resolve) => client.on('agent', (p) => { const e = p as { runId: string; stream: string }; if (e.runId === 'hang-1' && e.stream === 'assistant') resolve(); }));
    const ack = await client.request<{ status: string }>('agent', { agentId: 'slow', message: 'hang', idempotencyKey: 'hang-1' }, { resolveOnAck: true });
    assert.equal(ack.status, 'accepted');
    await streaming;
    gw.child.kill('SIGKILL');
    await new Promise((r) => gw!.child.once('exit', r));
    client.close();

    gw = await spawnGateway(['--config', configPath], env);
    assert.match(gw.output(), /runs interrupted by the previous stop/);
    const { client: c2 } = await connectWs({ url: gw.url, token: TOKEN });
    const wait = await c2.request<{ status: string; stopReason?: string; error?: string }>('agent.wait', { runId: 'hang-1', timeoutMs: 100 });
    assert.equal(wait.status, 'error');
    assert.equal(wait.stopReason, 'interrupted');
    const hist = await c2.request<{ messages: { role: string; content: { text: string }[] }[] }>('chat.history', { sessionKey: 'agent:slow:main' });
    assert.deepEqual(hist.messages.map((m) => [m.role, m.content[0]!.text]), [['user', 'hang']]);
    const prior = await c2.request<{ messages: { role: string; content: { text: string }[] }[] }>('chat.history', { sessionKey: 'agent:manager:main' });
    assert.deepEqual(prior.messages.map((m) => [m.role, m.content[0]!.text]), [['user', 'before the crash'], ['assistant', 'echo: before the crash']]);
    const list = await c2.request<{ sessions: { key: string; status: string }[] }>('sessions.list', {});
    assert.equal(list.sessions.find((s) => s.key === 'agent:slow:main')!.status, 'interrupted');
    // The same session accepts new work after the restart.
    const again = await c2.request<{ status: string }>('agent', { agentId: 'slow', message: 'again', idempotencyKey: 'after-1' }, { expectFinal: true, timeoutMs: 10_000 });
    assert.equal(again.status, 'ok');
    c2.close();
    await gw.kill();
    const db = new Database(join(stateDir, 'clawgate.db'), { readonly: true });
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    db.close();
  });
});
