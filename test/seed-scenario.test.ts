// The seed's scenario (OpenClaw #43300) in every auth mode: a person authenticated the normal
// way asks the manager to spawn a worker and list sessions; both tools go through the
// gateway's in-process path, and the worker's session carries that person's identity.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectWs, ConnectError, type WsConnectOptions } from '../src/client/ws.js';
import { bootGateway, SEED_GATEWAY, type TestGateway } from './fixtures/gateway.fixture.js';

const AGENTS = {
  list: [
    { id: 'manager', default: true, tools: { allow: ['sessions_spawn', 'sessions_list', 'agents_list'] }, subagents: { allowAgents: ['worker'] } },
    { id: 'worker', tools: { allow: ['sessions_list'] } },
  ],
};

const MESSAGE = [
  'Please check the team is available.',
  '/tool sessions_spawn {"agentId":"worker","task":"check availability","label":"availability"}',
  '/tool sessions_list {}',
].join('\n');

interface Mode { name: string; gateway: Record<string, unknown>; env?: Record<string, string>; connect: Omit<WsConnectOptions, 'url'>; actingFor: string }

const MODES: Mode[] = [
  { name: 'none', gateway: { auth: { mode: 'none' } }, connect: {}, actingFor: 'none' },
  { name: 'token', gateway: { auth: { mode: 'token', token: 'seed-scenario-token-1' } }, connect: { token: 'seed-scenario-token-1' }, actingFor: 'token' },
  { name: 'password', gateway: { auth: { mode: 'password' } }, env: { CLAWGATE_GATEWAY_PASSWORD: 'seed scenario pw' }, connect: { password: 'seed scenario pw' }, actingFor: 'password' },
  { name: 'trusted-proxy', gateway: { ...SEED_GATEWAY, port: 0 }, connect: { headers: { 'x-authentik-email': 'me@example.com' } }, actingFor: 'trusted-proxy:me@example.com' },
];

for (const mode of MODES) {
  describe(`seed scenario in auth mode ${mode.name}`, () => {
    let gw: TestGateway;
    before(async () => { gw = await bootGateway({ gateway: mode.gateway, agents: AGENTS }, mode.env ? { env: mode.env } : {}); });
    after(() => gw.stop());

    it('manager spawns a worker and lists sessions through the gateway; the worker acts for the same person', async () => {
      const { client } = await connectWs({ url: gw.url, ...mode.connect });
      const events: Record<string, unknown>[] = [];
      client.on('agent', (p) => events.push(p as Record<string, unknown>));
      let acked: unknown;
      const final = await client.request<{ runId: string; status: string; result: { payloads: { text: string }[] } }>(
        'agent', { agentId: 'manager', message: MESSAGE, idempotencyKey: `seed-${mode.name}` },
        { expectFinal: true, onAck: (p) => { acked = p; }, timeoutMs: 10_000 },
      );
      assert.equal((acked as { status: string }).status, 'accepted');
      assert.equal(final.status, 'ok');
      assert.equal(final.runId, `seed-${mode.name}`);
      assert.equal(final.result.payloads[0]!.text, 'sessions_spawn ok\nsessions_list ok');

      // The child session exists, spawned by the manager's session, acting for the person.
      const list = await client.request<{ sessions: { key: string; spawnedBy?: string; actingFor: string; label?: string; agentId: string; depth: number }[] }>('sessions.list', { spawnedBy: 'agent:manager:main' });
      assert.equal(list.sessions.length, 1);
      const child = list.sessions[0]!;
      assert.match(child.key, /^agent:worker:subagent:[0-9a-f-]{36}$/);
      assert.equal(child.spawnedBy, 'agent:manager:main');
      assert.equal(child.actingFor, mode.actingFor);
      assert.equal(child.label, 'availability');
      assert.equal(child.depth, 1);

      // The spawn tool result names the child run; agent.wait on it returns ok.
      const history = await client.request<{ messages: { role: string; toolName?: string; isError?: boolean; content: { text: string }[]; actingFor?: string }[] }>('chat.history', { sessionKey: 'agent:manager:main' });
      const spawnResult = history.messages.find((m) => m.role === 'toolResult' && m.toolName === 'sessions_spawn')!;
      assert.equal(spawnResult.isError, false);
      const spawned = JSON.parse(spawnResult.content[0]!.text) as { status: string; runId: string; childSessionKey: string };
      assert.equal(spawned.status, 'accepted');
      assert.equal(spawned.childSessionKey, child.key);
      const waited = await client.request<{ status: string; reply?: string }>('agent.wait', { runId: spawned.runId, timeoutMs: 5_000 });
      assert.equal(waited.status, 'ok');
      assert.equal(waited.reply, 'echo: check availability');
      assert.ok(history.messages.every((m) => m.actingFor === mode.actingFor));

      // sessions_list saw the child (it ran after the spawn, through the same gateway).
      const listResult = history.messages.find((m) => m.role === 'toolResult' && m.toolName === 'sessions_list')!;
      const listed = JSON.parse(listResult.content[0]!.text) as { sessions: { key: string; actingFor: string }[] };
      assert.ok(listed.sessions.some((s) => s.key === child.key && s.actingFor === mode.actingFor));

      // Streamed events: lifecycle start/end and both tool results, each carrying actingFor.
      const mine = events.filter((e) => e.runId === `seed-${mode.name}`);
      assert.ok(mine.some((e) => e.stream === 'lifecycle' && (e.data as { phase: string }).phase === 'start'));
      assert.ok(mine.some((e) => e.stream === 'lifecycle' && (e.data as { phase: string }).phase === 'end'));
      assert.deepEqual(mine.filter((e) => e.stream === 'tool' && (e.data as { phase: string }).phase === 'result').map((e) => (e.data as { name: string }).name), ['sessions_spawn', 'sessions_list']);
      assert.ok(mine.every((e) => e.actingFor === mode.actingFor));

      // Tool calls are logged with the person they act for.
      assert.ok(gw.logs.some((l) => l.includes('"msg":"tool call"') && l.includes('"tool":"sessions_spawn"') && l.includes(`"actingFor":"${mode.actingFor}"`)));
      client.close();
    });

    it('a resend with the same idempotencyKey attaches to the same run', async () => {
      const { client } = await connectWs({ url: gw.url, ...mode.connect });
      const a = await client.request<{ runId: string; result: { payloads: { text: string }[] } }>('agent', { agentId: 'worker', message: 'hello', idempotencyKey: `idem-${mode.name}` }, { expectFinal: true });
      const b = await client.request<{ runId: string; result: { payloads: { text: string }[] } }>('agent', { agentId: 'worker', message: 'hello', idempotencyKey: `idem-${mode.name}` }, { expectFinal: true });
      assert.equal(a.runId, b.runId);
      assert.equal(b.result.payloads[0]!.text, 'echo: hello');
      const h = await client.request<{ messages: { role: string }[] }>('chat.history', { sessionKey: 'agent:worker:main' });
      assert.equal(h.messages.filter((m) => m.role === 'user').length, 1);
      client.close();
    });
  });
}

describe('the old way still fails, as it should', () => {
  let gw: TestGateway;
  before(async () => { gw = await bootGateway({ gateway: { ...SEED_GATEWAY, port: 0 }, agents: AGENTS }); });
  after(() => gw.stop());

  it('a loopback self-connection without the identity header is refused with trusted_proxy_user_missing', async () => {
    try {
      const { client } = await connectWs({ url: gw.url, clientId: 'gateway-client', clientMode: 'backend', scopes: ['operator.read'] });
      client.close();
      assert.fail('accepted');
    } catch (err) {
      assert.ok(err instanceof ConnectError);
      assert.equal(err.authReason, 'trusted_proxy_user_missing');
      assert.equal(err.closeCode, 1008);
      assert.equal(err.closeReason, 'unauthorized');
    }
    assert.ok(gw.logs.some((l) => l.includes('"reason":"trusted_proxy_user_missing"') && l.includes('gateway-client backend')));
  });
});
