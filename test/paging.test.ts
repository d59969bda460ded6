// Paging on the wire and in-process: sessions.list pages by offset and maxBytes (sizes counted
// on escaped JSON, so control-character labels cannot overflow a page), two clients page at
// once, and the agent tools sessions_history / sessions_list get the same bounds, smaller.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectWs, type GatewayClient } from '../src/client/ws.js';
import { bootGateway, type TestGateway } from './fixtures/gateway.fixture.js';

const TOKEN = 'paging-token-0123456789';

interface ListPage { count: number; sessions: { key: string; label?: string }[]; offset: number; hasMore: boolean; nextOffset?: number }

async function listAll(client: GatewayClient, params: Record<string, unknown>): Promise<ListPage[]> {
  const pages: ListPage[] = [];
  let offset = 0;
  for (;;) {
    const p = await client.request<ListPage>('sessions.list', { ...params, offset });
    pages.push(p);
    assert.equal(p.count, p.sessions.length);
    if (!p.hasMore) return pages;
    assert.equal(p.nextOffset, offset + p.sessions.length);
    offset = p.nextOffset!;
    assert.ok(pages.length < 200);
  }
}

describe('paging: sessions.list', () => {
  let gw: TestGateway;
  let client: GatewayClient;
  const label = (i: number) => `${'\u0001'.repeat(190)}${i}`;

  before(async () => {
    gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN } }, agents: { list: [{ id: 'main', default: true }] } });
    ({ client } = await connectWs({ url: gw.url, token: TOKEN }));
    for (let i = 0; i < 30; i++) await client.request('sessions.create', { key: `agent:main:paging:s${i}`, label: label(i) });
  });
  after(async () => { client.close(); await gw.stop(); });

  it('pages by offset and limit, and says where to continue', async () => {
    const first = await client.request<ListPage>('sessions.list', { limit: 7 });
    assert.deepEqual([first.count, first.offset, first.hasMore, first.nextOffset], [7, 0, true, 7]);
    const last = await client.request<ListPage>('sessions.list', { limit: 7, offset: 28 });
    assert.deepEqual([last.count, last.hasMore, last.nextOffset], [2, false, undefined]);
    const beyond = await client.request<ListPage>('sessions.list', { offset: 1000 });
    assert.deepEqual([beyond.count, beyond.hasMore], [0, false]);
  });

  it('fills a page up to maxBytes counted on the escaped JSON, and two clients page through everything at once', async () => {
    const { client: other } = await connectWs({ url: gw.url, token: TOKEN });
    const [a, b] = await Promise.all([listAll(client, { maxBytes: 4096 }), listAll(other, { maxBytes: 4096 })]);
    for (const pages of [a, b]) {
      const keys = pages.flatMap((p) => p.sessions.map((s) => s.key));
      assert.equal(keys.length, 30);
      assert.equal(new Set(keys).size, 30);
      assert.ok(pages.length >= 10, `${pages.length} pages`); // each label is about 1.2 KB once escaped
      for (const p of pages) {
        const bytes = Buffer.byteLength(JSON.stringify(p.sessions));
        assert.ok(p.sessions.length === 1 || bytes <= 4096, `page of ${p.sessions.length} is ${bytes} bytes`);
      }
      assert.deepEqual(new Set(pages.flatMap((p) => p.sessions.map((s) => s.label))), new Set(Array.from({ length: 30 }, (_, i) => label(i))));
    }
    other.close();
  });

  it('refuses a maxBytes below 1024, as OpenClaw does', async () => {
    await assert.rejects(client.request('sessions.list', { maxBytes: 10 }), (e: { details?: { code?: string } }) => e.details?.code === 'INVALID_PARAMS');
    await assert.rejects(client.request('chat.history', { sessionKey: 'agent:main:main', maxBytes: 10 }), (e: { details?: { code?: string } }) => e.details?.code === 'INVALID_PARAMS');
    await assert.rejects(client.request('chat.history', { sessionKey: 'agent:main:main', offset: -1 }), (e: { details?: { code?: string } }) => e.details?.code === 'INVALID_PARAMS');
  });
});

describe('paging: the in-process tools get the same bounds', () => {
  let gw: TestGateway;
  let client: GatewayClient;
  const WORKER = 'agent:worker:main';

  before(async () => {
    gw = await bootGateway({
      gateway: { auth: { mode: 'token', token: TOKEN } },
      agents: { list: [{ id: 'main', default: true, tools: { allow: ['sessions_history', 'sessions_list'] } }, { id: 'worker' }] },
    });
    ({ client } = await connectWs({ url: gw.url, token: TOKEN }));
    // 30 messages of 100,000+ characters in the worker's transcript.
    for (let i = 0; i < 15; i++) {
      await client.request('agent', { agentId: 'worker', message: `${i}${'\u0001'.repeat(100_000)}`, idempotencyKey: `w-${i}` }, { expectFinal: true, timeoutMs: 30_000 });
    }
  });
  after(async () => { client.close(); await gw.stop(); });

  /** Runs one tool call through the main agent and returns its parsed result. */
  async function tool(name: string, args: Record<string, unknown>, id: string): Promise<{ text: string; result: Record<string, unknown> }> {
    const final = await client.request<{ result: { payloads: { text: string }[] } }>('agent', { message: `/tool ${name} ${JSON.stringify(args)}`, idempotencyKey: id }, { expectFinal: true, timeoutMs: 30_000 });
    assert.equal(final.result.payloads[0]!.text, `${name} ok`);
    const h = await client.request<{ messages: { role: string; runId: string; content: { text: string }[] }[] }>('chat.history', { sessionKey: 'agent:main:main', limit: 5 });
    const text = h.messages.find((m) => m.role === 'toolResult' && m.runId === id)!.content[0]!.text;
    return { text, result: JSON.parse(text) as Record<string, unknown> };
  }

  it('sessions_history returns a bounded page with cut messages and a way to the older ones', async () => {
    const first = await tool('sessions_history', { sessionKey: WORKER }, 'hist-1');
    assert.ok(Buffer.byteLength(first.text) <= 300 * 1024, `${Buffer.byteLength(first.text)} bytes`);
    const r = first.result as { messages: { truncated?: boolean; content: { text: string }[] }[]; hasMore: boolean; nextOffset: number; totalMessages: number; truncated?: boolean };
    assert.equal(r.totalMessages, 30);
    assert.equal(r.hasMore, true);
    assert.equal(r.nextOffset, r.messages.length);
    assert.equal(r.truncated, true);
    assert.ok(r.messages.every((m) => m.truncated === true && /truncated by the gateway: 20000 of 10000\d characters shown\]$/.test(m.content[0]!.text)));
    const next = await tool('sessions_history', { sessionKey: WORKER, offset: r.nextOffset }, 'hist-2');
    const n = next.result as { messages: unknown[]; offset: number };
    assert.equal(n.offset, r.nextOffset);
    assert.ok(n.messages.length > 0);
  });

  it('sessions_list pages too', async () => {
    const { result } = await tool('sessions_list', { limit: 1 }, 'list-1');
    assert.deepEqual([result.count, result.hasMore, result.nextOffset], [1, true, 1]);
    const { result: rest } = await tool('sessions_list', { offset: 1 }, 'list-2');
    assert.equal(rest.hasMore, undefined);
    assert.equal(rest.count, 1);
  });
});
