// Responses are bounded and big data is paged: transcripts that once killed the gateway or
// produced frames past maxPayload are read page by page, by two clients at once, over a real
// socket, across a restart; a response that still would not fit is an error, not a dropped
// socket; message length limits hold on every way into a run.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectWs, type GatewayClient } from '../src/client/ws.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { bootGateway, tempDir, type TestGateway } from './fixtures/gateway.fixture.js';
import { spawnGateway, type GatewayProcess } from './fixtures/process.fixture.js';
import { startFakeOpenAi, type FakeOpenAi } from './fixtures/fake-openai.fixture.js';

const TOKEN = 'bounded-token-0123456789';
const MIB = 1024 * 1024;

interface Msg { role: string; content: { type: string; text: string }[]; truncated?: boolean; timestamp: number }
interface History { messages: Msg[]; hasMore: boolean; nextOffset?: number; offset: number; totalMessages: number; truncated?: boolean }

/** Writes a transcript straight into a state dir's database, as a previous gateway run would have left it. */
function seedTranscript(stateDir: string, sessionKey: string, texts: readonly string[]): void {
  const file = join(stateDir, 'clawgate.db');
  const st = openSqliteStore(file);
  const agentId = sessionKey.split(':')[1]!;
  st.ensureSession({ owner: 'operator', key: sessionKey, sessionId: randomUUID(), agentId, kind: 'main', label: null, spawnedBy: null, spawnedByRun: null, actingFor: 'token', depth: 0, model: null });
  texts.forEach((text, i) => st.appendMessage('operator', { sessionKey, runId: `seed-${i >> 1}`, role: i % 2 === 0 ? 'user' : 'assistant', actingFor: 'token', sender: i % 2 === 0 ? 'token' : `agent:${agentId}`, content: [{ type: 'text', text }] }));
  st.close();
  for (const suffix of ['', '-wal', '-shm']) { try { chmodSync(file + suffix, 0o600); } catch { /* not created */ } }
}

/** Pages backwards through a whole transcript; returns the messages oldest first and every page. */
async function readAll(client: GatewayClient, sessionKey: string, params: Record<string, unknown> = {}): Promise<{ messages: Msg[]; pages: History[] }> {
  const pages: History[] = [];
  let offset = 0;
  for (;;) {
    const page = await client.request<History>('chat.history', { sessionKey, ...params, ...(offset ? { offset } : {}) }, { timeoutMs: 60_000 });
    pages.push(page);
    assert.equal(page.offset, offset);
    if (!page.hasMore) break;
    assert.ok(page.nextOffset! > offset, 'every page makes progress');
    offset = page.nextOffset!;
    assert.ok(pages.length < 1000, 'paging ends');
  }
  return { messages: pages.slice().reverse().flatMap((p) => p.messages), pages };
}

/** Connects and records the size of every frame the server sends. */
async function connect(url: string, maxPayload?: number) {
  const c = await connectWs({ url, token: TOKEN, ...(maxPayload ? { maxPayload } : {}) });
  const sizes: number[] = [];
  let closed: number | undefined;
  c.ws.on('message', (data: Buffer) => sizes.push(data.length));
  c.ws.on('close', (code) => { closed = code; });
  return { ...c, sizes, closed: () => closed };
}

describe('bounded responses: a transcript of 46 × 1,000,000 U+0001 (6 MB each once escaped)', () => {
  const stateDir = tempDir('clawgate-bounded-');
  const configPath = join(stateDir, 'clawgate.json');
  const env = { CLAWGATE_STATE_DIR: stateDir };
  const key = 'agent:main:main';
  let gw: GatewayProcess | undefined;

  before(() => {
    writeFileSync(configPath, JSON.stringify({ gateway: { port: 0, auth: { mode: 'token', token: TOKEN } }, agents: { list: [{ id: 'main', default: true }] } }));
    seedTranscript(stateDir, key, Array.from({ length: 46 }, () => '\u0001'.repeat(1_000_000)));
  });
  after(async () => { await gw?.kill('SIGKILL'); });

  it('serves chat.history page by page to two clients at once, under 5 MiB a frame, and keeps serving', async () => {
    gw = await spawnGateway(['--config', configPath], env, 20_000);
    // 5 MiB is the smallest frame limit among OpenClaw's clients (openclaw-node); a bigger frame would close these sockets.
    const [a, b] = await Promise.all([connect(gw.url, 5 * MIB), connect(gw.url, 5 * MIB)]);
    const [ra, rb] = await Promise.all([readAll(a.client, key), readAll(b.client, key)]);
    for (const [r, c] of [[ra, a], [rb, b]] as const) {
      assert.equal(r.messages.length, 46);
      assert.equal(r.pages[0]!.totalMessages, 46);
      for (const m of r.messages) {
        assert.equal(m.truncated, true, 'an oversized message is cut, never dropped');
        assert.match(m.content[0]!.text, /^\u0001+\n\[… truncated by the gateway: \d+ of 1000000 characters shown\]$/);
        assert.ok(m.content[0]!.text.length > 500_000, 'a cut message keeps most of a page');
      }
      assert.ok(r.pages.every((p) => p.truncated === true));
      assert.ok(Math.max(...c.sizes) <= 5 * MIB, `largest frame ${Math.max(...c.sizes)}`);
      assert.equal(c.closed(), undefined, 'the socket stays open');
    }
    assert.equal((await a.client.request<{ ok: boolean }>('health', {})).ok, true);
    a.client.close(); b.client.close();
  });

  it('still serves it after a restart on the same state dir', async () => {
    await gw!.kill();
    gw = await spawnGateway(['--config', configPath], env, 20_000);
    const c = await connect(gw.url);
    const first = await c.client.request<History>('chat.history', { sessionKey: key, limit: 200 }, { timeoutMs: 60_000 });
    assert.equal(first.hasMore, true);
    assert.equal(first.nextOffset, first.messages.length);
    // A small maxBytes still returns one (cut) message: a page never hides a message.
    const small = await c.client.request<History>('chat.history', { sessionKey: key, maxBytes: 1024, offset: 45 }, { timeoutMs: 60_000 });
    assert.equal(small.messages.length, 1);
    assert.equal(small.hasMore, false);
    // The Control UI opens a chat with chat.startup (its maxBytes 262144): the same bounded page, the newest message cut, not dropped.
    const startup = await c.client.request<History>('chat.startup', { sessionKey: key, limit: 80, maxBytes: 262_144 }, { timeoutMs: 60_000 });
    assert.equal(startup.messages.length, 1);
    assert.equal(startup.messages[0]!.truncated, true);
    assert.deepEqual([startup.hasMore, startup.nextOffset, startup.totalMessages], [true, 1, 46]);
    assert.equal((await c.client.request<{ ok: boolean }>('health', {})).ok, true);
    c.client.close();
  });
});

describe('bounded responses: 30 accepted agent messages of 950,000 characters', () => {
  let gw: TestGateway;
  const big = (i: number) => `${i}:${'x'.repeat(950_000 - String(i).length - 1)}`;

  before(async () => {
    gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN } }, agents: { list: [{ id: 'main', default: true }] } });
    const { client } = await connectWs({ url: gw.url, token: TOKEN });
    for (let i = 0; i < 30; i++) {
      const r = await client.request<{ status: string }>('agent', { message: big(i), idempotencyKey: `big-${i}` }, { expectFinal: true, timeoutMs: 60_000 });
      assert.equal(r.status, 'ok');
    }
    client.close();
  });
  after(async () => { await gw.stop(); });

  it('chat.history {limit: 200} is a page under maxPayload, the socket stays open, and paging reaches every message intact', async () => {
    const [a, b] = await Promise.all([connect(gw.url), connect(gw.url)]);
    const first = await a.client.request<History>('chat.history', { sessionKey: 'agent:main:main', limit: 200 }, { timeoutMs: 60_000 });
    assert.equal(first.totalMessages, 60);
    assert.equal(first.hasMore, true);
    assert.ok(first.messages.length >= 2 && first.messages.length < 60);
    const [ra, rb] = await Promise.all([readAll(a.client, 'agent:main:main', { limit: 200 }), readAll(b.client, 'agent:main:main', { limit: 200 })]);
    for (const [r, c] of [[ra, a], [rb, b]] as const) {
      assert.deepEqual(r.messages.map((m) => m.content[0]!.text), Array.from({ length: 30 }, (_, i) => [big(i), `echo: ${big(i)}`]).flat());
      assert.ok(r.messages.every((m) => m.truncated === undefined));
      assert.ok(Math.max(...c.sizes) <= 25 * MIB);
      // The default page (4 MiB) keeps frames under openclaw-node's 5 MiB limit.
      assert.ok(Math.max(...c.sizes) <= 5 * MIB, `largest frame ${Math.max(...c.sizes)}`);
      assert.equal(c.closed(), undefined);
    }
    // maxBytes is a target: pages shrink with it.
    const tight = await a.client.request<History>('chat.history', { sessionKey: 'agent:main:main', maxBytes: 2 * MIB }, { timeoutMs: 60_000 });
    assert.equal(tight.messages.length, 2);
    // A huge maxBytes is capped by the gateway below maxPayload.
    const capped = await a.client.request<History>('chat.history', { sessionKey: 'agent:main:main', maxBytes: 1_000_000_000 }, { timeoutMs: 60_000 });
    assert.ok(capped.messages.length < 60 && capped.hasMore);
    assert.ok(Math.max(...a.sizes) <= 25 * MIB);
    a.client.close(); b.client.close();
  });
});

describe('bounded responses: the frame guard', () => {
  let gw: TestGateway;
  const MAX_PAYLOAD = 256 * 1024;

  before(async () => {
    gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN }, limits: { maxPayload: MAX_PAYLOAD } }, agents: { list: [{ id: 'main', default: true }] } });
  });
  after(async () => { await gw.stop(); });

  it('a response that would exceed maxPayload is a RESPONSE_TOO_LARGE error and the socket stays open', async () => {
    const tooLarge = (err: { code?: string; details?: { code?: string; maxPayload?: number; bytes?: number } }) => {
      assert.equal(err.code, 'INVALID_REQUEST');
      assert.equal(err.details?.code, 'RESPONSE_TOO_LARGE');
      assert.equal(err.details?.maxPayload, MAX_PAYLOAD);
      assert.ok(err.details!.bytes! > MAX_PAYLOAD);
      return true;
    };
    // The echo reply plus its envelope is larger than the request that fitted. (This client
    // accepts big frames: the run's streamed events are not what this test is about.)
    const a = await connect(gw.url);
    // As long as the request frame allows (request ids are under 30 characters).
    const envelope = JSON.stringify({ type: 'req', id: 'i'.repeat(30), method: 'agent', params: { message: '', idempotencyKey: 'too-big-1' } }).length;
    const message = 'y'.repeat(MAX_PAYLOAD - envelope);
    await assert.rejects(a.client.request('agent', { message, idempotencyKey: 'too-big-1' }, { expectFinal: true, timeoutMs: 30_000 }), tooLarge);
    assert.equal(a.closed(), undefined);
    assert.ok(gw.logs.some((l) => l.includes('"msg":"response refused"')));
    a.client.close();
    // A client that holds the gateway to its advertised limit asks for the finished run's reply.
    const b = await connect(gw.url, MAX_PAYLOAD);
    await assert.rejects(b.client.request('agent.wait', { runId: 'too-big-1', timeoutMs: 10_000 }), tooLarge);
    assert.equal((await b.client.request<{ ok: boolean }>('health', {})).ok, true);
    // The transcript itself pages within the small limit.
    const h = await b.client.request<History>('chat.history', { sessionKey: 'agent:main:main' });
    assert.equal(h.totalMessages, 2);
    assert.ok(h.messages.length >= 1);
    assert.ok(Math.max(...b.sizes) <= MAX_PAYLOAD);
    assert.equal(b.closed(), undefined);
    b.client.close();
  });

});

describe('bounded responses: the frame guard for in-process callers (agent tools)', () => {
  let gw: TestGateway;
  const MAX_PAYLOAD = 8 * 1024;
  // One session row of about 12 KB once escaped (its label is 2,000 × U+0001), one small one.
  const BIG = 'agent:main:big';
  const SMALL = 'agent:main:small';
  const inProcess = () => gw.dial({ connId: 'test:in-process', principal: { kind: 'local' }, role: 'operator', scopes: ['operator.read'], client: { id: 'gateway-client', mode: 'backend', version: 'test' } });

  before(async () => {
    gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN }, limits: { maxPayload: MAX_PAYLOAD } }, agents: { list: [{ id: 'main', default: true }] } });
    for (const [key, label] of [[SMALL, 'small'], [BIG, '\u0001'.repeat(2_000)]] as const) {
      gw.store.ensureSession({ owner: 'operator', key, sessionId: randomUUID(), agentId: 'main', kind: 'main', label, spawnedBy: null, spawnedByRun: null, actingFor: 'local', depth: 0, model: null });
    }
  });
  after(async () => { await gw.stop(); });

  const tooLarge = (err: { code?: string; details?: { code?: string; maxPayload?: number; bytes?: number } }) => {
    assert.equal(err.code, 'INVALID_REQUEST');
    assert.equal(err.details?.code, 'RESPONSE_TOO_LARGE');
    assert.equal(err.details?.maxPayload, MAX_PAYLOAD);
    assert.ok(err.details!.bytes! > MAX_PAYLOAD, `${err.details!.bytes} bytes`);
    return true;
  };

  it('sessions.list (size known from paging) and sessions.describe (measured) over maxPayload are RESPONSE_TOO_LARGE in-process, as on a socket', async () => {
    const c = inProcess();
    try {
      // A page always holds its first row, so a row bigger than the frame makes the page too big.
      await assert.rejects(c.request('sessions.list', { search: 'big' }), tooLarge);
      await assert.rejects(c.request('sessions.describe', { key: BIG }), tooLarge);
      // The small row still fits, and the caller keeps working.
      const small = await c.request<{ sessions: { key: string }[] }>('sessions.list', { search: 'small' });
      assert.deepEqual(small.sessions.map((x) => x.key), [SMALL]);
    } finally { c.close(); }
    const ws = await connect(gw.url, MAX_PAYLOAD);
    await assert.rejects(ws.client.request('sessions.list', { search: 'big' }), tooLarge);
    assert.ok(Math.max(...ws.sizes) <= MAX_PAYLOAD);
    assert.equal(ws.closed(), undefined);
    ws.client.close();
  });

  it('an in-process page that fits equals the socket page', async () => {
    const c = inProcess();
    try {
      const a = await c.request<{ sessions: { key: string; label?: string }[]; hasMore: boolean }>('sessions.list', { search: 'small' });
      const ws = await connect(gw.url, MAX_PAYLOAD);
      const b = await ws.client.request<{ sessions: { key: string; label?: string }[]; hasMore: boolean }>('sessions.list', { search: 'small' });
      ws.client.close();
      assert.deepEqual(JSON.parse(JSON.stringify(a.sessions)), b.sessions); // in-process objects keep undefined fields
      assert.equal(a.hasMore, b.hasMore);
    } finally { c.close(); }
  });
});

describe('bounded responses: message limits', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN }, limits: { maxMessageChars: 250_000 } }, agents: { list: [{ id: 'main', default: true }] } });
  });
  after(async () => { await gw.stop(); });

  it('refuses messages over gateway.limits.maxMessageChars on agent, chat.send, sessions.send and sessions.create', async () => {
    const { client } = await connectWs({ url: gw.url, token: TOKEN });
    const long = '\u0001'.repeat(10) + 'z'.repeat(250_000 - 9);
    const calls: [string, Record<string, unknown>][] = [
      ['agent', { message: long, idempotencyKey: 'long-1' }],
      ['chat.send', { sessionKey: 'agent:main:main', message: long }],
      ['sessions.send', { key: 'agent:main:main', message: long }],
      ['sessions.create', { key: 'agent:main:main', message: long }],
      ['sessions.create', { key: 'agent:main:main', task: long }],
    ];
    for (const [method, params] of calls) {
      await assert.rejects(client.request(method, params, { expectFinal: true }), (err: { code?: string; details?: { code?: string; issues?: { path: string; message: string }[] } }) => {
        assert.equal(err.code, 'INVALID_REQUEST', method);
        assert.equal(err.details?.code, 'INVALID_PARAMS', method);
        assert.deepEqual(err.details?.issues, [{ path: 'task' in params ? 'task' : 'message', message: 'must be at most 250000 characters' }], method);
        return true;
      });
    }
    // Exactly at the limit is accepted.
    const ok = await client.request<{ status: string }>('chat.send', { sessionKey: 'agent:main:main', message: long.slice(1) });
    assert.equal(ok.status, 'started');
    client.close();
  });
});

describe('bounded responses: default message limit', () => {
  let gw: TestGateway;
  before(async () => { gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN } }, agents: { list: [{ id: 'main', default: true }] } }); });
  after(async () => { await gw.stop(); });

  it('sessions.create refuses a first message or task over 1,000,000 characters', async () => {
    const { client } = await connectWs({ url: gw.url, token: TOKEN });
    for (const field of ['message', 'task']) {
      await assert.rejects(client.request('sessions.create', { key: 'agent:main:main', [field]: 'q'.repeat(1_000_001) }), (err: { details?: { code?: string } }) => err.details?.code === 'INVALID_PARAMS');
    }
    const list = await client.request<{ sessions: unknown[] }>('sessions.list', {});
    assert.equal(list.sessions.length, 0, 'nothing was started');
    client.close();
  });
});

describe('bounded responses: a model turn replays a bounded transcript', () => {
  const stateDir = tempDir('clawgate-bounded-model-');
  const configPath = join(stateDir, 'clawgate.json');
  let fake: FakeOpenAi;
  let gw: GatewayProcess | undefined;

  before(async () => {
    fake = await startFakeOpenAi('sk-test-fake-key');
    writeFileSync(configPath, JSON.stringify({
      gateway: { port: 0, auth: { mode: 'token', token: TOKEN } },
      models: { providers: { local: { baseUrl: fake.baseUrl, apiKeyEnv: 'TEST_OPENAI_KEY' } } },
      agents: { list: [{ id: 'llm', default: true, model: 'local/test' }] },
    }));
    // 12 stored messages of 1,000,000 U+0001: 72 MB of JSON if a turn replayed them all.
    seedTranscript(stateDir, 'agent:llm:main', Array.from({ length: 12 }, () => '\u0001'.repeat(1_000_000)));
  });
  after(async () => { await gw?.kill('SIGKILL'); await fake.close(); });

  it('sends the model the newest messages within 8 MiB, and the run succeeds', async () => {
    gw = await spawnGateway(['--config', configPath], { CLAWGATE_STATE_DIR: stateDir, TEST_OPENAI_KEY: 'sk-test-fake-key' }, 20_000);
    const { client } = await connectWs({ url: gw.url, token: TOKEN });
    const r = await client.request<{ status: string; result: { payloads: { text: string }[] } }>('agent', { message: 'hello', idempotencyKey: 'model-1' }, { expectFinal: true, timeoutMs: 60_000 });
    assert.equal(r.status, 'ok');
    assert.equal(r.result.payloads[0]!.text, 'model says: hello');
    const sent = fake.requests.at(-1)!.messages as { role: string; content: string }[];
    assert.equal(sent.at(-1)!.content, 'hello');
    assert.ok(sent.length < 13, `${sent.length} messages replayed`);
    assert.ok(Buffer.byteLength(JSON.stringify(sent)) <= 8 * MIB + 64 * 1024, `${Buffer.byteLength(JSON.stringify(sent))} bytes sent to the model`);
    client.close();
  });
});
