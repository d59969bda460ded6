// The real npm client openclaw-node (0.14.x) against a real clawgate: connect with a signed v2 device identity, health/status/sessions.list, chat(), sessions.send/history, and a refused token.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { OpenClawClient, type ChatChunk } from 'openclaw-node';
import { EMBEDDED_DEFAULTS } from '../src/config/defaults.js';
import { bootGateway, tempDir, type TestGateway } from './fixtures/gateway.fixture.js';

// Node 20 has no global WebSocket; openclaw-node's ESM build needs one (protocol doc §5 quirk 7).
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

const TOKEN = 'ocn-token-0123456789abcdef';
const home = tempDir('clawgate-ocn-home-');
const previousHome = process.env.HOME;
// openclaw-node writes ~/.openclaw/device-identity.json; keep it out of the real home.
process.env.HOME = home;
// It warns on every token over ws://; here that is loopback by design, so keep the output readable.
const emitWarning = process.emitWarning;
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
  if (type === 'InsecureTransportWarning') return;
  (emitWarning as (...a: unknown[]) => void).call(process, warning, ...rest);
}) as typeof process.emitWarning;

function client(gw: TestGateway, token: string | null = TOKEN): OpenClawClient {
  const c = new OpenClawClient({ url: gw.url, ...(token !== null ? { token } : {}), autoReconnect: false });
  c.on('error', () => {}); // an EventEmitter 'error' without a listener would throw
  return c;
}

/** Runs `fn` with a connected client and always disconnects. */
async function withClient<T>(gw: TestGateway, fn: (c: OpenClawClient) => Promise<T>): Promise<T> {
  const c = client(gw);
  await c.connect();
  try { return await fn(c); } finally { await c.disconnect(); }
}

type HistoryMessage = { role: string; content: { type: string; text?: string }[] };
const textOf = (m: HistoryMessage): string => m.content.filter((b) => b.type === 'text').map((b) => b.text ?? '').join('');

describe('openclaw-node 0.14 against clawgate', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN } }, agents: structuredClone(EMBEDDED_DEFAULTS.agents) });
  });
  after(async () => {
    await gw.stop();
    if (previousHome === undefined) delete process.env.HOME; else process.env.HOME = previousHome;
    process.emitWarning = emitWarning;
    rmSync(home, { recursive: true, force: true });
  });

  it('connects with a token and a signed v2 device identity and sees the advertised methods', async () => {
    const c = client(gw);
    const hello = await c.connect();
    try {
      assert.equal(c.isConnected, true);
      assert.equal(hello.type, 'hello-ok');
      assert.equal(hello.protocol, 4);
      for (const m of ['health', 'status', 'sessions.list', 'agent', 'chat.send', 'chat.history']) assert.ok(c.hasMethod(m), `hello-ok lacks ${m}`);
      // The device identity went to $HOME, and no device token was issued (quirk 3: it would replace the shared token).
      const idPath = join(home, '.openclaw', 'device-identity.json');
      assert.ok(existsSync(idPath));
      const stored = JSON.parse(readFileSync(idPath, 'utf8')) as { deviceId: string; deviceToken?: string };
      assert.match(stored.deviceId, /^[0-9a-f]{64}$/);
      assert.equal(stored.deviceToken, undefined);
      assert.ok(gw.logs.some((l) => l.includes('"msg":"connected"') && l.includes('gateway-client backend')));
    } finally {
      await c.disconnect();
    }
  });

  it('calls health, status and sessions.list and gets real fields', async () => {
    await withClient(gw, async (c) => {
      const health = await c.health() as { ok: boolean; authMode: string; defaultAgentId: string; agents: { agentId: string }[] };
      assert.equal(health.ok, true);
      assert.equal(health.authMode, 'token');
      assert.equal(health.defaultAgentId, 'manager');
      assert.deepEqual(health.agents.map((a) => a.agentId), ['manager', 'worker']);

      const status = (await c.request('status')).payload as { authMode: string; you: { principal: string; role: string; scopes: string[]; client: { id: string; mode: string } } };
      assert.equal(status.authMode, 'token');
      assert.equal(status.you.principal, 'token');
      assert.equal(status.you.role, 'operator');
      assert.deepEqual(status.you.scopes, ['operator.read', 'operator.write']);
      assert.deepEqual({ id: status.you.client.id, mode: status.you.client.mode }, { id: 'gateway-client', mode: 'backend' });

      const list = await c.sessions.list({ limit: 5 }) as unknown as { count: number; path?: string; sessions: unknown[]; defaults: { model: string } };
      assert.equal(typeof list.count, 'number');
      assert.equal(list.count, list.sessions.length);
      // openclaw-node asks for read+write, not admin: no host path (docs/protocol.md#host-paths), and the client copes.
      assert.equal(list.path, undefined);
      assert.equal(list.defaults.model, 'scripted');
    });
  });

  it('chat() to the default manager agent streams the scripted echo reply and ends with done', async () => {
    await withClient(gw, async (c) => {
      const chunks: ChatChunk[] = [];
      for await (const chunk of c.chat('hello from openclaw-node')) chunks.push(chunk);
      const types = chunks.map((ch) => ch.type);
      assert.equal(types[0], 'agent_start');
      assert.ok(types.includes('agent_end'));
      assert.equal(types.at(-1), 'done');
      assert.ok(!types.includes('error'), `unexpected error chunk: ${JSON.stringify(chunks)}`);
      const text = chunks.filter((ch) => ch.type === 'text').map((ch) => ch.text).join('');
      assert.equal(text, 'echo: hello from openclaw-node');
      assert.ok(chunks.filter((ch) => ch.type === 'text').length > 1, 'the reply should arrive as several deltas');
      // runId = idempotencyKey = the request id, on every chunk.
      const runIds = new Set(chunks.map((ch) => ch.runId));
      assert.equal(runIds.size, 1);

      const list = await c.sessions.list() as unknown as { sessions: { key: string; agentId: string; status: string; lastRunId: string }[] };
      const main = list.sessions.find((s) => s.key === 'agent:manager:main');
      assert.ok(main, 'chat() should have created the manager main session');
      assert.equal(main.status, 'done');
      assert.equal(main.lastRunId, [...runIds][0]);
    });
  });

  it('chatSync() returns the whole scripted /reply text', async () => {
    await withClient(gw, async (c) => {
      assert.equal(await c.chatSync('/reply all good here', { agentId: 'worker' }), 'all good here');
    });
  });

  it('sessions.send() starts a run without an idempotencyKey and sessions.history() shows the user message and the reply', async () => {
    await withClient(gw, async (c) => {
      const key = 'agent:worker:main';
      const sent = await c.sessions.send(key, 'ping via sessions.send') as { runId: string; status: string; sessionKey: string };
      assert.equal(sent.status, 'started');
      assert.equal(sent.sessionKey, key);
      assert.match(sent.runId, /^[0-9a-f-]{36}$/); // generated by the gateway (quirk 6)
      const waited = await c.agentWait(sent.runId, { timeoutMs: 5_000 });
      assert.equal(waited.status, 'ok');

      const history = await c.sessions.history(key) as unknown as { sessionKey: string; messages: HistoryMessage[] };
      assert.equal(history.sessionKey, key);
      const msgs = history.messages.slice(-2);
      assert.deepEqual(msgs.map((m) => m.role), ['user', 'assistant']);
      assert.equal(textOf(msgs[0]!), 'ping via sessions.send');
      assert.equal(textOf(msgs[1]!), 'echo: ping via sessions.send');
    });
  });

  it('sessions.describe/compact/reset/delete, config.get (redacted), channels.status and agents.list: the wrapped methods clawgate has', async () => {
    await withClient(gw, async (c) => {
      const key = 'agent:worker:ocn-lifecycle';
      const sent = await c.sessions.send(key, 'first') as { runId: string };
      assert.equal((await c.agentWait(sent.runId, { timeoutMs: 5_000 })).status, 'ok');

      const described = await c.sessions.describe(key) as unknown as { session: { key: string; sessionId: string } | null };
      assert.equal(described.session?.key, key);
      const compacted = await c.sessions.compact(key, { maxLines: 1 }) as { ok: boolean; compacted: boolean; kept: number };
      assert.deepEqual([compacted.ok, compacted.compacted, compacted.kept], [true, true, 1]);
      const reset = await c.sessions.reset(key, { reason: 'reset' }) as { ok: boolean; entry: { sessionId: string } };
      assert.equal(reset.ok, true);
      assert.notEqual(reset.entry.sessionId, described.session?.sessionId);
      assert.equal(((await c.sessions.history(key)) as unknown as { messages: unknown[] }).messages.length, 0);
      const deleted = await c.sessions.delete(key, { deleteTranscript: true }) as { ok: boolean; deleted: boolean };
      assert.deepEqual([deleted.ok, deleted.deleted], [true, true]);

      const cfg = await c.config.get() as { config: { gateway: { auth: { mode: string; token: string } } }; hash: string };
      assert.equal(cfg.config.gateway.auth.mode, 'token');
      assert.equal(cfg.config.gateway.auth.token, '__OPENCLAW_REDACTED__');
      assert.match(cfg.hash, /^[0-9a-f]{64}$/);
      assert.ok(!JSON.stringify(cfg).includes(TOKEN));

      const channels = await c.channels.status() as { channelOrder: string[]; channelAccounts: Record<string, unknown> };
      assert.deepEqual(channels.channelOrder, []);
      const agents = await c.agents.list();
      assert.deepEqual(agents.agents.map((a) => a.id), ['manager', 'worker']);
    });
  });

  it('rejects connect() with a wrong token, never reaching hello-ok', async () => {
    const c = client(gw, 'not-the-token');
    await assert.rejects(c.connect(), /closed before handshake completed/);
    assert.equal(c.isConnected, false);
    await c.disconnect();
    assert.ok(gw.logs.some((l) => l.includes('"msg":"connect refused"') && l.includes('"reason":"token_mismatch"')));
    assert.ok(!gw.logs.join('\n').includes('not-the-token'));
  });

  it('verifies the device signature: an identity file whose deviceId does not match its key is refused', async () => {
    const good = JSON.parse(readFileSync(join(home, '.openclaw', 'device-identity.json'), 'utf8')) as { deviceId: string };
    const forged = join(home, 'forged-identity.json');
    writeFileSync(forged, JSON.stringify({ ...good, deviceId: good.deviceId.replace(/^./, (ch) => (ch === 'a' ? 'b' : 'a')) }));
    const c = new OpenClawClient({ url: gw.url, token: TOKEN, deviceIdentityPath: forged, autoReconnect: false });
    c.on('error', () => {});
    await assert.rejects(c.connect(), /closed before handshake completed/);
    await c.disconnect();
    assert.ok(gw.logs.some((l) => l.includes('"reason":"device_auth_id_mismatch"')));
  });

  it('rejects connect() with no token at all', async () => {
    const c = client(gw, null);
    await assert.rejects(c.connect(), /closed before handshake completed/);
    await c.disconnect();
    assert.ok(gw.logs.some((l) => l.includes('"reason":"token_missing"')));
  });
});
