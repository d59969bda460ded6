// The OpenAI-compatible provider, through the real `openai` SDK against a local server that
// speaks the chat-completions API: streamed text, tool calling, and key handling.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectWs } from '../src/client/ws.js';
import type { GatewayClient } from '../src/client/client.js';
import { bootGateway, type TestGateway } from './fixtures/gateway.fixture.js';
import { startFakeOpenAi, type FakeOpenAi } from './fixtures/fake-openai.fixture.js';

describe('openai-compatible model provider', () => {
  let fake: FakeOpenAi;
  let gw: TestGateway;
  let client: GatewayClient;
  before(async () => {
    fake = await startFakeOpenAi('sk-test-fake-key');
    gw = await bootGateway({
      gateway: { auth: { mode: 'none' } },
      models: { providers: { local: { baseUrl: fake.baseUrl, apiKeyEnv: 'TEST_OPENAI_KEY' } } },
      agents: { list: [{ id: 'assistant', model: 'local/llama-test', systemPrompt: 'Be brief.', tools: { allow: ['sessions_list'] } }] },
    }, { env: { TEST_OPENAI_KEY: 'sk-test-fake-key' } });
    ({ client } = await connectWs({ url: gw.url }));
  });
  after(async () => { client.close(); await gw.stop(); await fake.close(); });

  it('streams assistant text as agent and chat events and returns the reply', async () => {
    const deltas: string[] = [];
    client.on('agent', (p) => { const e = p as { runId: string; stream: string; data: { delta?: string } }; if (e.runId === 'oa-1' && e.stream === 'assistant') deltas.push(e.data.delta!); });
    const res = await client.request<{ result: { payloads: { text: string }[] } }>('agent', { agentId: 'assistant', message: 'hello there', idempotencyKey: 'oa-1' }, { expectFinal: true, timeoutMs: 10_000 });
    assert.equal(res.result.payloads[0]!.text, 'model says: hello there');
    assert.ok(deltas.length > 1, 'text arrived in several deltas');
    assert.equal(deltas.join(''), 'model says: hello there');
    const req = fake.requests.at(-1)!;
    assert.equal(req.model, 'llama-test');
    assert.equal(req.stream, true);
    assert.deepEqual(req.messages[0], { role: 'system', content: 'Be brief.' });
    assert.equal(req.tools[0].function.name, 'sessions_list');
  });

  it('runs a streamed tool call through the gateway and feeds the result back', async () => {
    const res = await client.request<{ result: { payloads: { text: string }[] } }>('agent', { agentId: 'assistant', message: 'list sessions', idempotencyKey: 'oa-2' }, { expectFinal: true, timeoutMs: 10_000 });
    assert.equal(res.result.payloads[0]!.text, 'found 1 sessions');
    const second = fake.requests.at(-1)!;
    const toolMsg = second.messages.at(-1);
    assert.equal(toolMsg.role, 'tool');
    assert.equal(toolMsg.tool_call_id, 'call_abc');
    assert.equal(JSON.parse(toolMsg.content).count, 1);
    assert.equal(second.messages.at(-2).tool_calls[0].function.arguments, '{"limit":10}');
  });

  it('never logs the API key', () => {
    assert.ok(!gw.logs.join('').includes('sk-test-fake-key'));
  });
});
