// OpenClaw-style agents sections load and behave as in OpenClaw: with no `tools` key the manager
// has OpenClaw's default tool set and spawns the worker (the seed scenario); top-level
// `tools.profile/allow/alsoAllow/deny` and `tools.agentToAgent` apply; deny wins; clawgate's
// own per-agent allow lists still restrict.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectWs } from '../src/client/ws.js';
import type { GatewayClient } from '../src/client/client.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { ConfigError } from '../src/config/errors.js';
import { validateAgentsConfig } from '../src/main.js';
import { bootGateway, SEED_GATEWAY, tempDir, type TestGateway } from './fixtures/gateway.fixture.js';

/** As OpenClaw users write it: no `tools` key anywhere. */
const OPENCLAW_AGENTS = {
  list: [
    { id: 'manager', default: true, subagents: { allowAgents: ['worker'] } },
    { id: 'worker' },
  ],
};
const spawn = (agentId: string, task: string) => `/tool sessions_spawn ${JSON.stringify({ agentId, task })}`;

async function withGateway(config: Record<string, unknown>, connect: { token?: string; headers?: Record<string, string> }, fn: (c: GatewayClient) => Promise<void>) {
  const gw: TestGateway = await bootGateway(config);
  const { client } = await connectWs({ url: gw.url, ...connect });
  try { await fn(client); } finally { client.close(); await gw.stop(); }
}
const run = async (c: GatewayClient, agentId: string, message: string, key: string) =>
  (await c.request<{ result: { payloads: { text: string }[] } }>('agent', { agentId, message, idempotencyKey: key }, { expectFinal: true, timeoutMs: 10_000 })).result.payloads[0]!.text;

describe('OpenClaw-style agents and tool policy', () => {
  it('seed config + agents without a tools key: the manager spawns the worker, acting for the proxy user', async () => {
    await withGateway({ gateway: { ...SEED_GATEWAY, port: 0 }, agents: OPENCLAW_AGENTS }, { headers: { 'x-authentik-email': 'me@example.com' } }, async (c) => {
      assert.equal(await run(c, 'manager', `${spawn('worker', 'check availability')}\n/tool sessions_list {}`, 'oc-1'), 'sessions_spawn ok\nsessions_list ok');
      const list = await c.request<{ sessions: { key: string; actingFor: string }[] }>('sessions.list', { spawnedBy: 'agent:manager:main' });
      assert.equal(list.sessions.length, 1);
      assert.match(list.sessions[0]!.key, /^agent:worker:subagent:/);
      assert.equal(list.sessions[0]!.actingFor, 'trusted-proxy:me@example.com');
      // OpenClaw's default allowAgents is "only itself": the worker may not start the manager.
      assert.equal(await run(c, 'worker', spawn('manager', 'x'), 'oc-2'), 'sessions_spawn error: agent "worker" may not start agent "manager" (allowed: none)');
    });
  });

  it('top-level tools: profile + deny narrow every agent; deny wins over a per-agent allow', async () => {
    const token = 'tool-policy-token-1234';
    await withGateway({
      gateway: { auth: { mode: 'token', token } },
      tools: { profile: 'messaging', deny: ['sessions_send'] },
      agents: { list: [
        { id: 'manager', default: true, subagents: { allowAgents: ['worker'] }, tools: { allow: ['sessions_send', 'sessions_spawn', 'agents_list'] } },
        { id: 'worker', tools: { profile: 'minimal', alsoAllow: ['agents_list'] } },
      ] },
    }, { token }, async (c) => {
      const reply = await run(c, 'manager', `${spawn('worker', 'x')}\n/tool sessions_send {"sessionKey":"agent:worker:main","message":"hi"}\n/tool agents_list {}`, 'tp-1');
      assert.equal(reply, 'sessions_spawn ok\nsessions_send error: tool "sessions_send" is not allowed for agent "manager"\nagents_list error: tool "agents_list" is not allowed for agent "manager"');
      assert.equal(await run(c, 'worker', '/tool agents_list {}\n/tool sessions_list {}', 'tp-2'), 'agents_list ok\nsessions_list error: tool "sessions_list" is not allowed for agent "worker"');
    });
  });

  it('tools.agentToAgent.enabled: false stops sessions_send into another agent\'s session, not a spawn', async () => {
    const token = 'tool-policy-token-5678';
    await withGateway({
      gateway: { auth: { mode: 'token', token } },
      tools: { agentToAgent: { enabled: false } },
      agents: OPENCLAW_AGENTS,
    }, { token }, async (c) => {
      await run(c, 'worker', 'hello', 'a2a-0'); // creates agent:worker:main
      const reply = await run(c, 'manager', `${spawn('worker', 'x')}\n/tool sessions_send {"sessionKey":"agent:worker:main","message":"hi","timeoutSeconds":0}`, 'a2a-1');
      assert.equal(reply, 'sessions_spawn ok\nsessions_send error: agent "manager" may not reach agent "worker" (tools.agentToAgent)');
    });
  });

  it('loads OpenClaw tool names and groups, refuses typos and allow+alsoAllow in one scope', () => {
    const dir = tempDir();
    const env = { CLAWGATE_STATE_DIR: dir, CLAWGATE_GATEWAY_TOKEN: 'tool-policy-token-0000' };
    let n = 0;
    const load = (config: unknown) => {
      const configPath = join(dir, `c${n++}.json`);
      writeFileSync(configPath, JSON.stringify(config));
      return loadConfig({ env, configPath });
    };
    const ok = load({ tools: { profile: 'coding', alsoAllow: ['browser', 'group:agents'], byProvider: {} }, agents: { list: [{ id: 'a', tools: { deny: ['exec', 'web_*'] } }] } });
    assert.deepEqual(validateAgentsConfig(ok), []);
    assert.ok(ok.warnings.some((w) => w.includes('tools.byProvider')), ok.warnings.join('\n'));
    const typo = load({ agents: { list: [{ id: 'a', tools: { allow: ['sesions_spawn'] } }] } });
    assert.match(validateAgentsConfig(typo).map((i) => `${i.path}: ${i.message}`).join('\n'), /agents\.list\[0\]\.tools\.allow\[0\]: unknown tool "sesions_spawn"/);
    assert.throws(() => load({ tools: { allow: ['a'], alsoAllow: ['b'] } }), (e: unknown) => e instanceof ConfigError && /tools\.alsoAllow: set either "allow" or "alsoAllow"/.test(e.message));
    assert.throws(() => load({ tools: { profile: 'everything' } }), ConfigError);
  });
});
