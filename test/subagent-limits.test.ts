// Delegation limits and tool policy: depth, children per run, allowAgents, tool allow lists,
// unknown agents and malformed tool JSON each give a clear tool error and persist nothing
// half-way.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectWs } from '../src/client/ws.js';
import type { GatewayClient } from '../src/client/client.js';
import { bootGateway, type TestGateway } from './fixtures/gateway.fixture.js';

const TOKEN = 'limits-token-0123456789';

describe('subagent limits and tool policy', () => {
  let gw: TestGateway;
  let client: GatewayClient;
  before(async () => {
    gw = await bootGateway({
      gateway: { auth: { mode: 'token', token: TOKEN } },
      agents: {
        defaults: { subagents: { maxDepth: 2, maxChildrenPerRun: 2, maxConcurrent: 8 } },
        list: [
          { id: 'manager', default: true, tools: { allow: ['sessions_spawn', 'sessions_list', 'sessions_history'] }, subagents: { allowAgents: ['worker', 'recursive'] } },
          { id: 'worker', tools: { allow: ['sessions_list'] } },
          { id: 'recursive', tools: { allow: ['sessions_spawn'] }, subagents: { allowAgents: ['recursive'] } },
          { id: 'rogue', tools: { allow: ['sessions_spawn'] } },
        ],
      },
    });
    ({ client } = await connectWs({ url: gw.url, token: TOKEN }));
  });
  after(async () => { client.close(); await gw.stop(); });

  const run = async (agentId: string, message: string, key: string) =>
    (await client.request<{ result: { payloads: { text: string }[] } }>('agent', { agentId, message, idempotencyKey: key }, { expectFinal: true, timeoutMs: 10_000 })).result.payloads[0]!.text;
  const count = async () => (await client.request<{ count: number }>('sessions.list', {})).count;
  const spawn = (agentId: string, task: string) => `/tool sessions_spawn ${JSON.stringify({ agentId, task })}`;

  it('refuses a third child of one run (maxChildrenPerRun 2) and creates only two sessions', async () => {
    const before = await count();
    const reply = await run('manager', [spawn('worker', 'a'), spawn('worker', 'b'), spawn('worker', 'c')].join('\n'), 'children-1');
    assert.equal(reply, 'sessions_spawn ok\nsessions_spawn ok\nsessions_spawn error: this run already started 2 subagents (maxChildrenPerRun)');
    assert.equal(await count(), before + 2 + (before === 0 ? 1 : 0));
  });

  it('stops recursion at maxDepth: a depth-3 spawn fails inside the depth-2 run', async () => {
    // manager (0) → recursive (1) → recursive (2) → recursive (3: refused)
    const innermost = spawn('recursive', 'leaf');
    const middle = spawn('recursive', innermost);
    const reply = await run('manager', spawn('recursive', middle), 'depth-1');
    assert.equal(reply, 'sessions_spawn ok');
    // Find the depth-2 session and read its transcript once it finished.
    let depth2: { key: string; lastRunId?: string } | undefined;
    for (let i = 0; i < 50 && !depth2; i++) {
      const l = await client.request<{ sessions: { key: string; depth: number; agentId: string; lastRunId?: string }[] }>('sessions.list', { agentId: 'recursive' });
      depth2 = l.sessions.find((s) => s.depth === 2);
      if (!depth2) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(depth2, 'depth-2 session exists');
    const waited = await client.request<{ status: string; reply: string }>('agent.wait', { runId: depth2.lastRunId, timeoutMs: 5_000 });
    assert.equal(waited.status, 'ok');
    assert.equal(waited.reply, 'sessions_spawn error: subagent depth limit reached (maxDepth 2)');
    const all = await client.request<{ sessions: { depth: number; actingFor: string }[] }>('sessions.list', { agentId: 'recursive' });
    assert.equal(all.sessions.filter((s) => s.depth === 3).length, 0);
    // The person who started the work is carried down to the deepest subagent.
    assert.deepEqual([...new Set(all.sessions.map((s) => s.actingFor))], ['token']);
    const deepest = await client.request<{ messages: { actingFor?: string }[] }>('chat.history', { sessionKey: depth2.key });
    assert.ok(deepest.messages.length > 0 && deepest.messages.every((m) => m.actingFor === 'token'));
  });

  it('refuses a tool the agent is not allowed to use', async () => {
    const reply = await run('worker', `${spawn('worker', 'x')}\n/tool sessions_list {}`, 'policy-1');
    assert.equal(reply, 'sessions_spawn error: tool "sessions_spawn" is not allowed for agent "worker"\nsessions_list ok');
  });

  it('refuses a spawn of an agent outside subagents.allowAgents, persisting nothing', async () => {
    const before = await count();
    const reply = await run('rogue', spawn('manager', 'take over'), 'allow-1');
    assert.equal(reply, 'sessions_spawn error: agent "rogue" may not start agent "manager" (allowed: none)');
    assert.equal(await count(), before + 1); // only rogue's own main session
    const l = await client.request<{ sessions: unknown[] }>('sessions.list', { spawnedBy: 'agent:rogue:main' });
    assert.equal(l.sessions.length, 0);
  });

  it('reports an unknown agent and an unknown tool clearly', async () => {
    const reply = await run('manager', `${spawn('ghost', 'boo')}\n/tool no_such_tool {}`, 'unknown-1');
    assert.equal(reply, 'sessions_spawn error: unknown agent "ghost"\nno_such_tool error: unknown tool "no_such_tool"');
  });

  it('reports malformed tool JSON and wrong argument types without running the tool', async () => {
    const before = await count();
    const reply = await run('manager', '/tool sessions_spawn {"agentId":"worker",\n/tool sessions_spawn {"agentId":"worker","task":42}', 'json-1');
    const [first, second] = reply.split('\n');
    assert.match(first!, /^sessions_spawn error: invalid arguments: not valid JSON/);
    assert.equal(second, 'sessions_spawn error: invalid arguments: task: expected string, got number');
    assert.equal(await count(), before); // manager:main already existed
  });

  it('an external client cannot forge spawnedBy', async () => {
    await assert.rejects(
      client.request('agent', { agentId: 'worker', sessionKey: 'agent:worker:subagent:11111111-1111-1111-1111-111111111111', spawnedBy: 'agent:manager:main', message: 'hi', idempotencyKey: 'forge-1' }, { expectFinal: true }),
      (e: Error & { code?: string }) => e.code === 'INVALID_REQUEST' && /spawnedBy is set by the gateway/.test(e.message),
    );
  });

  it('answers agent.wait for an unknown run with AGENT_RESULT_NOT_FOUND', async () => {
    await assert.rejects(client.request('agent.wait', { runId: 'nope', timeoutMs: 10 }), (e: Error & { code?: string }) => e.code === 'AGENT_RESULT_NOT_FOUND');
  });
});
