// The session, chat-startup and identity methods OpenClaw's Control UI calls on load, with
// real data: after a run, sessions.subscribe returns the roster, sessions.describe the row,
// chat.startup the transcript tail within maxBytes, and identity/metadata name the agent.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectWs } from '../src/client/ws.js';
import type { GatewayClient } from '../src/client/client.js';
import { bootGateway, type TestGateway } from './fixtures/gateway.fixture.js';

const TOKEN = 'ui-methods-token-0123456789';

describe('OpenClaw Control UI methods', () => {
  let gw: TestGateway;
  let client: GatewayClient;
  before(async () => {
    gw = await bootGateway({
      gateway: { auth: { mode: 'token', token: TOKEN } },
      agents: { list: [{ id: 'manager', name: 'Manager', default: true, subagents: { allowAgents: ['worker'] } }, { id: 'worker' }] },
    });
    ({ client } = await connectWs({ url: gw.url, token: TOKEN }));
    await client.request('agent', { agentId: 'manager', message: 'hello there', idempotencyKey: 'ui-methods-1' }, { expectFinal: true, timeoutMs: 10_000 });
  });
  after(async () => { client?.close(); await gw?.stop(); });

  it('sessions.subscribe acknowledges, and with list params returns the sessions.list result', async () => {
    assert.deepEqual(await client.request('sessions.subscribe', {}), { subscribed: true });
    const r = await client.request<{ subscribed: boolean; list: { sessions: { key: string }[] } }>('sessions.subscribe', { limit: 10 });
    assert.equal(r.subscribed, true);
    assert.deepEqual(r.list.sessions.map((s) => s.key), ['agent:manager:main']);
    await assert.rejects(client.request('sessions.subscribe', { limit: 'many' }), /invalid sessions\.subscribe params: limit/);
  });

  it('sessions.describe gives the row or null; messages.subscribe replays no approvals', async () => {
    const d = await client.request<{ session: { key: string; agentId: string; status: string } }>('sessions.describe', { key: 'agent:manager:main' });
    assert.equal(d.session.agentId, 'manager');
    assert.equal(d.session.status, 'done');
    assert.deepEqual(await client.request('sessions.describe', { key: 'agent:manager:none' }), { session: null });
    assert.deepEqual(await client.request('sessions.messages.subscribe', { key: 'agent:manager:main', includeApprovals: true }), { subscribed: true, key: 'agent:manager:main', approvalReplay: { approvals: [], truncated: false } });
    await assert.rejects(client.request('sessions.describe', {}), /invalid sessions\.describe params: key/);
  });

  it('chat.startup returns the transcript tail, the session row and model defaults; maxBytes keeps the newest', async () => {
    const r = await client.request<{ messages: { role: string }[]; sessionInfo: { key: string; hasActiveRun: boolean }; defaults: { model: string; modelProvider: string }; pendingInputs: unknown }>('chat.startup', { sessionKey: 'agent:manager:main', limit: 80, maxBytes: 262144 });
    assert.deepEqual(r.messages.map((m) => m.role), ['user', 'assistant']);
    assert.equal(r.sessionInfo.key, 'agent:manager:main');
    assert.equal(r.sessionInfo.hasActiveRun, false);
    assert.deepEqual(r.defaults, { modelProvider: 'clawgate', model: 'scripted', contextTokens: null });
    assert.deepEqual(r.pendingInputs, { items: [], total: 0 });
    const small = await client.request<{ messages: { role: string }[] }>('chat.startup', { sessionKey: 'agent:manager:main', maxBytes: 1024 });
    assert.ok(small.messages.length <= 2 && JSON.stringify(small.messages).length <= 1024);
    const none = await client.request<{ messages: unknown[]; sessionId: null }>('chat.startup', { sessionKey: 'agent:worker:main' });
    assert.deepEqual([none.messages, none.sessionId], [[], null]);
  });

  it('agent.identity.get, chat.metadata and models.authStatus describe the configured agent', async () => {
    assert.deepEqual(await client.request('agent.identity.get', { agentId: 'manager' }), { agentId: 'manager', name: 'Manager', avatar: 'M' });
    assert.deepEqual(await client.request('agent.identity.get', { sessionKey: 'agent:worker:main' }), { agentId: 'worker', name: 'worker', avatar: 'W' });
    await assert.rejects(client.request('agent.identity.get', { agentId: 'ghost' }), /unknown agent "ghost"/);
    const meta = await client.request<{ agentId: string; model: string }>('chat.metadata', { agentId: 'manager', sessionKey: 'agent:worker:main' });
    assert.deepEqual([meta.agentId, meta.model], ['worker', 'scripted']);
    const auth = await client.request<{ providers: unknown[] }>('models.authStatus', { agentId: 'manager' });
    assert.deepEqual(auth.providers, []);
  });

  it('tools.effective lists the tools the tool policy gives the session\'s agent; agents.list names each model', async () => {
    type Inv = { agentId: string; profile: string; groups: { id: string; tools: { id: string; source: string }[] }[] };
    const m = await client.request<Inv>('tools.effective', { sessionKey: 'agent:manager:main' });
    assert.equal(m.agentId, 'manager');
    assert.equal(m.profile, 'full');
    assert.deepEqual(m.groups.map((g) => g.id), ['core']);
    assert.deepEqual(m.groups[0]!.tools.map((t) => t.id).sort(), ['agents_list', 'sessions_history', 'sessions_list', 'sessions_send', 'sessions_spawn']);
    await assert.rejects(client.request('tools.effective', { sessionKey: 'agent:ghost:main' }), /unknown agent "ghost"/);
    const agents = await client.request<{ agents: { id: string; model: { primary: string } }[] }>('agents.list', {});
    assert.deepEqual(agents.agents.map((a) => a.model.primary), ['clawgate/scripted', 'clawgate/scripted']);
  });

  it('the read methods need operator.read; the approval lists need operator.approvals', async () => {
    const { client: reader } = await connectWs({ url: gw.url, token: TOKEN, scopes: ['operator.read'] });
    try {
      await reader.request('chat.startup', { sessionKey: 'agent:manager:main' });
      await assert.rejects(reader.request('exec.approval.list', {}), /missing scope: operator\.approvals/);
      await assert.rejects(reader.request('update.status', {}), /missing scope: operator\.admin/);
    } finally { reader.close(); }
  });
});
