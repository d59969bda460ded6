// The attack catalogue (docs/security/attacks.md) as black-box tests against running gateways:
// one test per catalogue entry, named exactly as the catalogue names it, plus a check that
// every test the catalogue cites exists (and that every test here is cited).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectWs, ConnectError, GatewayClosedError, type WsConnectOptions } from '../src/client/ws.js';
import type { GatewayClient } from '../src/client/client.js';
import type { FrozenConfig } from '../src/config/load.js';
import { createRunManager } from '../src/agents/runs.js';
import { createModelResolver } from '../src/agents/models/index.js';
import { defineTool, type ToolDef } from '../src/agents/tools/types.js';
import { createEventBus } from '../src/rpc/events.js';
import type { CallerContext } from '../src/rpc/registry.js';
import { obj } from '../src/protocol/schema.js';
import type { Scope } from '../src/protocol/scopes.js';
import { ORIGIN_MESSAGE } from '../src/transport/handshake.js';
import { refused } from './fixtures/refused.fixture.js';
import { bootGateway, SEED_GATEWAY, type TestGateway } from './fixtures/gateway.fixture.js';
import { startFakeOpenAi, type FakeOpenAi } from './fixtures/fake-openai.fixture.js';
import { connectParams, openRaw } from './fixtures/raw-ws.fixture.js';
import { serveJwks, signAssertion, signingKey } from './fixtures/jwks.fixture.js';
import { clientTextFrame, httpStatus, openTcp, rawConnect, serverFrames, until, upgradeRequest, type RawTcp } from './fixtures/raw-tcp.fixture.js';
import { authDetailCode, authFailureMessage } from '../src/protocol/auth-reasons.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TOKEN = 'attack-token-0123456789abcdef';
const ME = { 'x-authentik-email': 'me@example.com' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


function assertUnauthorized(err: ConnectError, authReason: string): void {
  const { retryable, retryAfterMs, ...shape } = err.error ?? {};
  assert.deepEqual(shape, { code: 'INVALID_REQUEST', message: authFailureMessage(authReason, { id: 'cli', mode: 'cli' }), details: { code: authDetailCode(authReason), authReason } });
  if (authReason === 'rate_limited') assert.ok(retryable === true && (retryAfterMs ?? 0) > 0, 'a lockout says when to retry');
  else assert.equal(retryable, undefined);
  assert.equal(err.closeCode, 1008);
  assert.equal(err.closeReason, 'unauthorized');
}

function assertOriginRefused(err: ConnectError): void {
  assert.deepEqual(err.error, { code: 'INVALID_REQUEST', message: ORIGIN_MESSAGE, details: { code: 'ORIGIN_NOT_ALLOWED', authReason: 'origin_not_allowed' } });
  assert.equal(err.closeCode, 1008);
  assert.equal(err.closeReason, 'origin not allowed');
}

interface You { principal: string; authMethod: string; scopes: string[]; actingFor?: string }
async function you(opts: WsConnectOptions): Promise<You> {
  const { client } = await connectWs({ timeoutMs: 5_000, ...opts });
  try { return (await client.request<{ you: You }>('status')).you; } finally { client.close(); }
}

/** A raw connect with exact header lines; returns the connect response's authReason and the close code. */
async function rawRefusal(port: number, headerLines: string[], params = connectParams()): Promise<{ authReason: unknown; closeCode: number | undefined }> {
  const { frames, close, peer } = await rawConnect(port, headerLines, params);
  peer.socket.destroy();
  const res = frames.find((f) => f.id === 'raw-connect') as { ok: boolean; error?: { details?: { authReason?: string } } };
  assert.equal(res.ok, false, JSON.stringify(res));
  return { authReason: res.error?.details?.authReason, closeCode: close?.closeCode };
}

const localSecret = (gw: TestGateway): string => readFileSync(join(gw.stateDir, 'run', 'local-secret'), 'utf8').trim();
const refusedLines = (gw: TestGateway, reason: string) => gw.logs.filter((l) => l.includes('"msg":"connect refused"') && l.includes(`"reason":"${reason}"`)).map((l) => JSON.parse(l) as Record<string, string>);

// ── Slowloris: started at load, because node checks headersTimeout only every 30 s ──────────
interface Slowloris { gw: TestGateway; silent: RawTcp; trickle: RawTcp; idle: RawTcp; stopTrickle(): void; sent: () => number }
async function startSlowloris(): Promise<Slowloris> {
  const gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN } } });
  const silent = await openTcp(gw.port); // a request line and one header, then nothing
  silent.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
  const idle = await openTcp(gw.port); // not a byte
  const trickle = await openTcp(gw.port); // an upgrade request, one byte every 200 ms
  const req = upgradeRequest([`X-Pad: ${'a'.repeat(4_000)}`]);
  let i = 0;
  const timer = setInterval(() => { if (i < req.length - 4) trickle.write(req[i++]!); }, 200);
  return { gw, silent, trickle, idle, stopTrickle: () => clearInterval(timer), sent: () => i };
}
const slowloris = startSlowloris();
slowloris.catch(() => undefined);
after(async () => {
  const s = await slowloris.catch(() => undefined);
  if (!s) return;
  s.stopTrickle();
  for (const p of [s.silent, s.trickle, s.idle]) p.socket.destroy();
  await s.gw.stop();
});

// ── Shared gateways ─────────────────────────────────────────────────────────────────────────
let tp: TestGateway; // the seed config: trusted-proxy, proxy on 127.0.0.1
let tok: TestGateway; // token mode behind a proxy on 127.0.0.1, 3 attempts
before(async () => {
  tp = await bootGateway({ gateway: { ...SEED_GATEWAY, port: 0 } });
  tok = await bootGateway({ gateway: {
    auth: { mode: 'token', token: TOKEN, rateLimit: { maxAttempts: 3, windowMs: 60_000, lockoutMs: 60_000 } },
    trustedProxies: ['127.0.0.1'], controlUi: { allowedOrigins: ['https://gw.example.com'] },
  } });
});
after(async () => { await tp.stop(); await tok.stop(); });

describe('attack: header spoofing from untrusted peers', () => {
  it('header spoofing: an identity header from an untrusted peer is refused even when it claims to be the proxy', async () => {
    const err = await refused({ url: tp.url, localAddress: '127.0.0.2', headers: { ...ME, 'x-forwarded-for': '127.0.0.1', 'x-real-ip': '127.0.0.1', forwarded: 'for=127.0.0.1' } });
    assertUnauthorized(err, 'trusted_proxy_untrusted_source');
    const line = refusedLines(tp, 'trusted_proxy_untrusted_source').at(-1)!;
    assert.equal(line.peer, '127.0.0.2');
    assert.equal(line.remote, '127.0.0.2', 'X-Forwarded-For from an untrusted peer is not believed');
  });

  it('header spoofing: in token mode an identity header neither replaces nor upgrades the token', async () => {
    assertUnauthorized(await refused({ url: tok.url, headers: ME }), 'token_missing');
    const me = await you({ url: tok.url, token: TOKEN, headers: ME });
    assert.equal(me.principal, 'token');
    assert.equal(me.authMethod, 'token');
  });
});

describe('attack: alias and duplicate identity headers', () => {
  it('alias and duplicate identity headers: mixed-case duplicates, a late alias, an empty second copy and a comma-joined pair are refused', async () => {
    const cases: [string[], string][] = [
      [['X-Authentik-Email: me@example.com', 'x-authentik-email: mallory@example.com'], 'trusted_proxy_header_duplicate'],
      [['x-authentik-email: me@example.com', 'X-AUTHENTIK-EMAIL:'], 'trusted_proxy_header_duplicate'],
      [['x-authentik-email: me@example.com', 'X_Authentik_Email: mallory@example.com'], 'trusted_proxy_header_alias'],
      [['x-authentik-email: me@example.com', 'x.authentik.email: me@example.com'], 'trusted_proxy_header_alias'],
      [['x-authentik-email: me@example.com, mallory@example.com'], 'trusted_proxy_user_invalid'],
    ];
    for (const [lines, reason] of cases) {
      assert.deepEqual(await rawRefusal(tp.port, lines), { authReason: reason, closeCode: 1008 }, lines.join(' | '));
    }
    // The control: the same raw client with one clean header is accepted.
    const { frames, peer } = await rawConnect(tp.port, ['x-authentik-email: me@example.com'], connectParams());
    peer.socket.destroy();
    assert.equal(frames.find((f) => f.id === 'raw-connect')?.ok, true);
  });
});

describe('attack: X-Forwarded-For injection', () => {
  it('X-Forwarded-For injection: spoofed left-most entries change neither the client IP that is charged, logged and shown in presence', async () => {
    for (const spoof of ['10.0.0.1', '127.0.0.1']) {
      assertUnauthorized(await refused({ url: tok.url, token: `guess-${spoof}`, headers: { 'x-forwarded-for': `${spoof}, 198.51.100.20` } }), 'token_mismatch');
    }
    const lines = refusedLines(tok, 'token_mismatch').filter((l) => l.remote === '198.51.100.20');
    assert.equal(lines.length, 2);
    assert.ok(lines.every((l) => l.peer === '127.0.0.1'));
    assert.ok(!refusedLines(tok, 'token_mismatch').some((l) => l.remote === '10.0.0.1'));
    const { client } = await connectWs({ url: tok.url, token: TOKEN, headers: { 'x-forwarded-for': '10.9.9.9, 198.51.100.22' } });
    const presence = await client.request<{ ip: string }[]>('system-presence');
    client.close();
    assert.ok(presence.some((p) => p.ip === '198.51.100.22'));
    assert.ok(!presence.some((p) => p.ip === '10.9.9.9'));
  });

  it('X-Forwarded-For injection: forwarded headers from an untrusted loopback peer are ignored for the client IP and cost it the loopback exemption and loopback origins', async () => {
    const gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN, rateLimit: { maxAttempts: 2, windowMs: 60_000, lockoutMs: 60_000, exemptLoopback: true } } } });
    try {
      // A clean same-host client is exempt (the configured exemption) ...
      for (let i = 0; i < 3; i++) assertUnauthorized(await refused({ url: gw.url, token: `bad-${i}`, localAddress: '127.0.0.3' }), 'token_mismatch');
      assert.equal((await you({ url: gw.url, token: TOKEN, localAddress: '127.0.0.3' })).principal, 'token');
      // ... but adding X-Forwarded-For neither moves the key off the peer nor keeps the exemption.
      for (const xff of ['198.51.100.60', '198.51.100.61']) {
        assertUnauthorized(await refused({ url: gw.url, token: 'bad', localAddress: '127.0.0.4', headers: { 'x-forwarded-for': xff } }), 'token_mismatch');
      }
      const locked = await refused({ url: gw.url, token: TOKEN, localAddress: '127.0.0.4', headers: { 'x-forwarded-for': '198.51.100.62' } });
      assertUnauthorized(locked, 'rate_limited');
      assert.ok(refusedLines(gw, 'token_mismatch').filter((l) => l.peer === '127.0.0.4').every((l) => l.remote === '127.0.0.4'));
      // A loopback Origin counts only as the request's own origin; a page on another local port is refused.
      assert.equal((await you({ url: gw.url, token: TOKEN, localAddress: '127.0.0.5', origin: `http://127.0.0.1:${gw.port}` })).principal, 'token');
      assertOriginRefused(await refused({ url: gw.url, token: TOKEN, localAddress: '127.0.0.5', origin: 'http://localhost:5173' }));
      assertOriginRefused(await refused({ url: gw.url, token: TOKEN, localAddress: '127.0.0.5', origin: 'http://localhost:5173', headers: { 'x-forwarded-for': '127.0.0.1' } }));
    } finally { await gw.stop(); }
  });
});

describe('attack: IPv4-mapped peers', () => {
  it('IPv4-mapped peers: a mapped trusted-proxy entry matches, and mapped and plain forms are one client for limits and logs', async () => {
    const gw = await bootGateway({ gateway: {
      bind: 'custom', customBindHost: '::ffff:127.0.0.1', trustedProxies: ['::ffff:127.0.0.1'],
      auth: { mode: 'token', token: TOKEN, rateLimit: { maxAttempts: 2, windowMs: 60_000, lockoutMs: 60_000 } },
    } });
    try {
      const url = `ws://127.0.0.1:${gw.port}`;
      assertUnauthorized(await refused({ url, token: 'bad-1', headers: { 'x-forwarded-for': '::ffff:198.51.100.31' } }), 'token_mismatch');
      assertUnauthorized(await refused({ url, token: 'bad-2', headers: { 'x-forwarded-for': '198.51.100.31' } }), 'token_mismatch');
      assertUnauthorized(await refused({ url, token: TOKEN, headers: { 'x-forwarded-for': '[::ffff:198.51.100.31]' } }), 'rate_limited');
      assertUnauthorized(await refused({ url, token: 'bad-3', localAddress: '127.0.0.2', headers: { 'x-forwarded-for': '198.51.100.99' } }), 'token_mismatch');
      const lines = refusedLines(gw, 'token_mismatch');
      assert.deepEqual(lines.map((l) => [l.peer, l.remote]), [['127.0.0.1', '198.51.100.31'], ['127.0.0.1', '198.51.100.31'], ['127.0.0.2', '127.0.0.2']]);
      assert.ok(!gw.logs.some((l) => l.includes('::ffff:')), 'logs carry the canonical IPv4 form only');
    } finally { await gw.stop(); }
  });

  it('IPv4-mapped peers: an identity header from an untrusted mapped peer is refused in trusted-proxy mode', async () => {
    const gw = await bootGateway({ gateway: { bind: 'custom', customBindHost: '::ffff:127.0.0.1', trustedProxies: ['127.0.0.1'], auth: { mode: 'trusted-proxy', trustedProxy: { userHeader: 'x-authentik-email' } } } });
    try {
      const url = `ws://127.0.0.1:${gw.port}`;
      assert.equal((await you({ url, headers: ME })).principal, 'trusted-proxy:me@example.com');
      assertUnauthorized(await refused({ url, headers: ME, localAddress: '127.0.0.2' }), 'trusted_proxy_untrusted_source');
      assert.equal(refusedLines(gw, 'trusted_proxy_untrusted_source').at(-1)!.peer, '127.0.0.2');
    } finally { await gw.stop(); }
  });
});

describe('attack: the local credential away from the Unix socket', () => {
  it('local credential over TCP: the local secret is only a wrong token or password, and never yields the local principal', async () => {
    const pw = await bootGateway({ gateway: { auth: { mode: 'password' } } }, { env: { CLAWGATE_GATEWAY_PASSWORD: 'attack password 42' } });
    const none = await bootGateway({ gateway: { auth: { mode: 'none' } } });
    try {
      assertUnauthorized(await refused({ url: tok.url, token: localSecret(tok), localAddress: '127.0.0.7' }), 'token_mismatch');
      assertUnauthorized(await refused({ url: pw.url, password: localSecret(pw), localAddress: '127.0.0.7' }), 'password_mismatch');
      assertUnauthorized(await refused({ url: pw.url, token: localSecret(pw), localAddress: '127.0.0.7' }), 'password_missing');
      assertUnauthorized(await refused({ url: tp.url, token: localSecret(tp) }), 'trusted_proxy_user_missing');
      const proxied = await you({ url: tp.url, token: localSecret(tp), headers: ME });
      assert.deepEqual([proxied.principal, proxied.authMethod], ['trusted-proxy:me@example.com', 'trusted-proxy']);
      const anon = await you({ url: none.url, token: localSecret(none) });
      assert.deepEqual([anon.principal, anon.authMethod], ['none', 'anonymous']);
    } finally { await pw.stop(); await none.stop(); }
  });

  it('local credential on the Unix socket: forwarded headers, X-Real-IP, Forwarded or an Origin are refused even with the right secret', async () => {
    const sock = { url: 'ws://localhost/', socketPath: tok.localSocket!, token: localSecret(tok) };
    for (const headers of [{ 'x-forwarded-for': '203.0.113.9' }, { 'x-forwarded-host': 'gw.example.com' }, { 'x-real-ip': '203.0.113.9' }, { forwarded: 'for=203.0.113.9' }] as Record<string, string>[]) {
      assertUnauthorized(await refused({ ...sock, headers }), 'local_forwarded');
    }
    // On this listener an Origin means a relayed browser: the local strategy refuses it before the secret.
    assertUnauthorized(await refused({ ...sock, origin: 'http://127.0.0.1:3000' }), 'local_forwarded');
    assertOriginRefused(await refused({ ...sock, clientId: 'openclaw-control-ui', clientMode: 'webchat' }));
    assertUnauthorized(await refused({ ...sock, token: `${localSecret(tok)}x` }), 'local_secret_mismatch');
    const local = await you(sock);
    assert.deepEqual([local.principal, local.authMethod], ['local', 'local']);
  });
});

// ── Agents: delegation, escalation, bombs ──────────────────────────────────────────────────
const DELEGATION_AGENTS = {
  list: [
    { id: 'manager', default: true, tools: { allow: ['sessions_spawn', 'sessions_list'] }, subagents: { allowAgents: ['worker', 'spawner'] } },
    { id: 'worker', tools: { allow: ['sessions_list'] } },
    { id: 'spawner', tools: { allow: ['sessions_spawn'] } },
  ],
};

/** A run manager on a real gateway's store and router with extra agents and custom tools (run internals). */
function customRuns(gw: TestGateway, agents: { id: string; tools: string[] }[], tools: ToolDef[]) {
  const config = { ...gw.config, agents: { ...gw.config.agents, list: [...gw.config.agents.list, ...agents.map((a) => ({ id: a.id, tools: { allow: a.tools }, subagents: { allowAgents: ['worker'] } }))] } } as unknown as FrozenConfig;
  return createRunManager({ config, store: gw.store, bus: createEventBus(), dial: gw.dial, resolveModel: createModelResolver(config.models), tools, log: gw.log });
}

const starter = (scopes: Scope[]): CallerContext => ({ connId: `test-${randomUUID()}`, principal: { kind: 'token' }, role: 'operator', scopes, client: { id: 'test', mode: 'test', version: '1' } });

describe('attack: replaying a delegation after its run ended', () => {
  let gw: TestGateway;
  let client: GatewayClient;
  before(async () => {
    gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN } }, agents: DELEGATION_AGENTS });
    ({ client } = await connectWs({ url: gw.url, token: TOKEN }));
  });
  after(async () => { client.close(); await gw.stop(); });

  it('delegation replay: an external client replaying the sessions_spawn call of an ended run is refused and starts nothing', async () => {
    const final = await client.request<{ status: string }>('agent', { agentId: 'manager', message: '/tool sessions_spawn {"agentId":"worker","task":"check"}', idempotencyKey: 'replay-parent' }, { expectFinal: true, timeoutMs: 10_000 });
    assert.equal(final.status, 'ok');
    const child = (await client.request<{ sessions: { key: string; lastRunId: string }[] }>('sessions.list', { spawnedBy: 'agent:manager:main' })).sessions[0]!;
    assert.equal((await client.request<{ status: string }>('agent.wait', { runId: child.lastRunId, timeoutMs: 5_000 })).status, 'ok');
    const before = await client.request<{ count: number }>('sessions.list', {});
    const replay = (over: Record<string, unknown>) => client.request('agent', {
      message: 'check', agentId: 'worker', sessionKey: `agent:worker:subagent:${randomUUID()}`, lane: 'subagent', deliver: false,
      spawnedBy: 'agent:manager:main', idempotencyKey: `replay-${randomUUID()}`, ...over,
    }, { expectFinal: true });
    const spawnedByRefused = (e: Error & { code?: string }) => e.code === 'INVALID_REQUEST' && /spawnedBy is set by the gateway/.test(e.message);
    await assert.rejects(replay({}), spawnedByRefused);
    await assert.rejects(replay({ sessionKey: child.key }), spawnedByRefused);
    await assert.rejects(replay({ spawnedBy: child.key }), spawnedByRefused);
    await assert.rejects(client.request('sessions.create', { key: `agent:worker:subagent:${randomUUID()}`, parentSessionKey: 'agent:manager:main', task: 'x' }),
      (e: Error) => /parentSessionKey is set by the gateway/.test(e.message));
    // Re-sending the child's own run id only re-attaches to the ended run.
    const again = await client.request<{ runId: string; status: string }>('agent', { message: 'check', agentId: 'worker', sessionKey: child.key, idempotencyKey: child.lastRunId }, { expectFinal: true });
    assert.deepEqual([again.runId, again.status], [child.lastRunId, 'ok']);
    assert.equal((await client.request<{ count: number }>('sessions.list', {})).count, before.count);
    const hist = await client.request<{ messages: { role: string }[] }>('chat.history', { sessionKey: child.key });
    assert.equal(hist.messages.filter((m) => m.role === 'user').length, 1);
  });

  it('delegation replay: the in-process tool client is closed when its run ends, so a stashed client can neither start nor read anything', async () => {
    let stashed: GatewayClient | undefined;
    let duringRun: unknown;
    const stash = defineTool({
      name: 'stash', description: 'keeps its gateway client', parameters: { type: 'object' }, args: obj({}), scopes: ['operator.read', 'operator.write'],
      async run(ctx) { stashed = ctx.gateway; duringRun = await ctx.gateway.request('health'); return { kept: true }; },
    });
    const runs = customRuns(gw, [{ id: 'stasher', tools: ['stash'] }], [stash]);
    const h = runs.start(starter(['operator.read', 'operator.write']), { runId: 'stash-run', message: '/tool stash {}', agentId: 'stasher' });
    assert.equal((await h.done).status, 'ok');
    assert.equal((duringRun as { ok: boolean }).ok, true, 'the client worked while its run was live');
    await sleep(0);
    assert.equal(stashed!.closed, true);
    await assert.rejects(stashed!.request('health'), GatewayClosedError);
    await assert.rejects(stashed!.request('agent', { agentId: 'worker', message: 'late', sessionKey: `agent:worker:subagent:${randomUUID()}`, spawnedBy: 'agent:stasher:main', idempotencyKey: 'late-1' }), GatewayClosedError);
    assert.equal(gw.store.getRun('operator', 'late-1'), undefined);
  });

  it('delegation replay: a delegation naming an ended run is refused when dialled in-process',
    async () => {
      const principal = { kind: 'token' } as const;
      const ended = gw.store.getRun('operator', 'replay-parent')!;
      assert.equal(ended.status, 'ok');
      const c = gw.dial({ ...starter(['operator.read', 'operator.write']), principal, client: { id: 'gateway-client', mode: 'backend', version: 'internal' },
        delegation: { actingFor: 'token', owner: 'operator', principal, agentId: 'manager', sessionKey: 'agent:manager:main', runId: 'replay-parent', depth: 0 } });
      try {
        await assert.rejects(c.request('agent', { agentId: 'worker', message: 'stale', sessionKey: `agent:worker:subagent:${randomUUID()}`, spawnedBy: 'agent:manager:main', idempotencyKey: 'stale-1' }, { resolveOnAck: true }),
          (e: Error & { code?: string; details?: Record<string, unknown> }) => e.code === 'FORBIDDEN' && e.details?.code === 'TOOL_DENIED' && e.message === 'run replay-parent has ended; it cannot start more work');
      } finally { c.close(); }
      assert.equal(gw.store.getRun('operator', 'stale-1'), undefined, 'nothing was written');
    });
});

describe('attack: a subagent exceeding its parent', () => {
  let gw: TestGateway;
  let client: GatewayClient;
  before(async () => {
    gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN } }, agents: DELEGATION_AGENTS });
    ({ client } = await connectWs({ url: gw.url, token: TOKEN }));
  });
  after(async () => { client.close(); await gw.stop(); });

  it('subagent escalation: a spawned worker cannot use a tool outside its allow list, and a spawner cannot start an agent outside its allowAgents', async () => {
    const takeOver = '/tool sessions_spawn {"agentId":"manager","task":"take over"}';
    const msg = [`/tool sessions_spawn ${JSON.stringify({ agentId: 'worker', task: takeOver })}`, `/tool sessions_spawn ${JSON.stringify({ agentId: 'spawner', task: takeOver })}`].join('\n');
    const final = await client.request<{ result: { payloads: { text: string }[] } }>('agent', { agentId: 'manager', message: msg, idempotencyKey: 'escalate-1' }, { expectFinal: true, timeoutMs: 10_000 });
    assert.equal(final.result.payloads[0]!.text, 'sessions_spawn ok\nsessions_spawn ok');
    const children = (await client.request<{ sessions: { key: string; agentId: string; lastRunId: string; actingFor: string }[] }>('sessions.list', { spawnedBy: 'agent:manager:main' })).sessions;
    const reply = async (agentId: string) => {
      const c = children.find((s) => s.agentId === agentId)!;
      const w = await client.request<{ status: string; reply: string }>('agent.wait', { runId: c.lastRunId, timeoutMs: 5_000 });
      assert.equal(w.status, 'ok');
      assert.equal((await client.request<{ count: number }>('sessions.list', { spawnedBy: c.key })).count, 0, `${agentId} started nothing`);
      return w.reply;
    };
    assert.equal(await reply('worker'), 'sessions_spawn error: tool "sessions_spawn" is not allowed for agent "worker"');
    assert.equal(await reply('spawner'), 'sessions_spawn error: agent "spawner" may not start agent "manager" (allowed: none)');
    assert.ok(children.every((c) => c.actingFor === 'token'));
  });

  it('subagent escalation: a tool client holds only the scopes its tools need, capped by the starter, however privileged the starter', async () => {
    const seen: Record<string, unknown> = {};
    const attempt = async (c: GatewayClient, method: string, params: unknown) => {
      try { await c.request(method, params); return 'ok'; } catch (e) { return `${(e as { code?: string }).code} ${(e as Error).message}`; }
    };
    const probe = defineTool({
      name: 'probe', description: 'reports what its client may do', parameters: { type: 'object' }, args: obj({}), scopes: ['operator.read'],
      async run(ctx) {
        seen.you = (await ctx.gateway.request<{ you: You }>('status')).you;
        seen.agent = await attempt(ctx.gateway, 'agent', { agentId: 'worker', message: 'x', idempotencyKey: `probe-${randomUUID()}` });
        seen.del = await attempt(ctx.gateway, 'sessions.delete', { key: 'agent:manager:main' });
        return {};
      },
    });
    const adminProbe = defineTool({
      name: 'admin_probe', description: 'a tool that would need admin', parameters: { type: 'object' }, args: obj({}), scopes: ['operator.admin'],
      async run(ctx) { seen.adminStatus = await attempt(ctx.gateway, 'status', {}); return {}; },
    });
    const runs = customRuns(gw, [{ id: 'prober', tools: ['probe'] }, { id: 'greedy', tools: ['admin_probe'] }], [probe, adminProbe]);
    const admin = starter(['operator.admin', 'operator.read', 'operator.write', 'operator.approvals', 'operator.pairing']);
    assert.equal((await runs.start(admin, { runId: 'probe-run', message: '/tool probe {}', agentId: 'prober' }).done).status, 'ok');
    assert.deepEqual((seen.you as You).scopes, ['operator.read']);
    assert.equal((seen.you as You).actingFor, 'token');
    assert.equal(seen.agent, 'FORBIDDEN missing scope: operator.write');
    assert.equal(seen.del, 'FORBIDDEN missing scope: operator.write');
    // A tool that asks for admin gets nothing the (write-only) starter lacks.
    assert.equal((await runs.start(starter(['operator.write']), { runId: 'greedy-run', message: '/tool admin_probe {}', agentId: 'greedy' }).done).status, 'ok');
    assert.equal(seen.adminStatus, 'FORBIDDEN missing scope: operator.read');
  });
});

describe('attack: cross-site WebSocket hijacking', () => {
  it('cross-site WebSocket hijacking (token mode): foreign, look-alike, null, empty and doubled Origins are refused even with the right token', async () => {
    for (const origin of ['https://evil.example', 'https://gw.example.com.evil.example', 'null', 'http://localhost.evil.example']) {
      assertOriginRefused(await refused({ url: tok.url, token: TOKEN, origin, localAddress: '127.0.0.12' }));
    }
    for (const lines of [['Origin: https://gw.example.com', 'Origin: https://gw.example.com'], ['Origin: ']]) {
      assert.deepEqual(await rawRefusal(tok.port, lines, connectParams({ auth: { token: TOKEN } })), { authReason: 'origin_not_allowed', closeCode: 1008 });
    }
    assertOriginRefused(await refused({ url: tok.url, token: TOKEN, clientId: 'openclaw-control-ui', clientMode: 'webchat' }));
    assert.equal((await you({ url: tok.url, token: TOKEN, origin: 'https://GW.example.com/' })).principal, 'token');
    assert.equal((await you({ url: tok.url, token: TOKEN, origin: 'https://gw.example.com:443' })).principal, 'token', 'compared in canonical form');
    await assert.rejects(bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN }, controlUi: { allowedOrigins: ['*'] } } }), /allowedOrigins\[0\].*list the origins instead/s);
  });

  it('cross-site WebSocket hijacking (token mode): guesses sent with a foreign Origin get no answer that depends on the token and are not charged to the victim address',
    async () => {
      const gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN, rateLimit: { maxAttempts: 2, windowMs: 60_000, lockoutMs: 60_000 } } } });
      try {
        for (let i = 0; i < 3; i++) assertOriginRefused(await refused({ url: gw.url, token: `guess-${i}`, origin: 'https://evil.example', localAddress: '127.0.0.19' }));
        assertOriginRefused(await refused({ url: gw.url, token: TOKEN, origin: 'https://evil.example', localAddress: '127.0.0.19' }));
        assert.equal((await you({ url: gw.url, token: TOKEN, localAddress: '127.0.0.19' })).principal, 'token', 'the victim is not locked out');
      } finally { await gw.stop(); }
    });

  it('cross-site WebSocket hijacking (trusted-proxy mode): with the victim identity attached by the proxy, foreign, null and loopback Origins are refused', async () => {
    for (const origin of ['https://evil.example', 'null', 'http://localhost:3000', 'http://127.0.0.1:18789']) {
      assertOriginRefused(await refused({ url: tp.url, headers: ME, origin }));
      assertOriginRefused(await refused({ url: tp.url, headers: { ...ME, 'x-forwarded-for': '198.51.100.70', 'x-forwarded-proto': 'https' }, origin }));
    }
    assertOriginRefused(await refused({ url: tp.url, headers: ME, clientId: 'openclaw-control-ui', clientMode: 'webchat' }));
    const ok = await you({ url: tp.url, headers: { ...ME, 'x-forwarded-for': '198.51.100.70' }, origin: 'https://openclaw.example.com', clientId: 'openclaw-control-ui', clientMode: 'webchat' });
    assert.equal(ok.principal, 'trusted-proxy:me@example.com');
  });
});

describe('attack: token brute force', () => {
  it('token brute force: behind one shared proxy the forwarded client is locked out, rotating spoofed left-most entries does not help, and other clients keep working', async () => {
    const attacker = (spoof: string) => ({ 'x-forwarded-for': `${spoof}, 198.51.100.40` });
    for (const spoof of ['203.0.113.1', '203.0.113.2', '198.51.100.41']) {
      assertUnauthorized(await refused({ url: tok.url, token: `guess-${spoof}`, headers: attacker(spoof) }), 'token_mismatch');
    }
    for (const spoof of ['203.0.113.3', '127.0.0.1', 'garbage']) {
      const locked = await refused({ url: tok.url, token: TOKEN, headers: attacker(spoof) });
      assertUnauthorized(locked, 'rate_limited');
      assert.equal(locked.error?.retryable, true);
      assert.ok((locked.error?.retryAfterMs ?? 0) > 50_000);
    }
    assert.equal((await you({ url: tok.url, token: TOKEN, headers: { 'x-forwarded-for': '198.51.100.41' } })).principal, 'token');
    assert.equal((await you({ url: tok.url, token: TOKEN })).principal, 'token', 'the proxy itself is not locked out');
  });

  it('token brute force: password mode and the local socket lock out as well', async () => {
    const gw = await bootGateway({ gateway: { auth: { mode: 'password', rateLimit: { maxAttempts: 2, windowMs: 60_000, lockoutMs: 60_000 } } } }, { env: { CLAWGATE_GATEWAY_PASSWORD: 'attack password 42' } });
    try {
      for (let i = 0; i < 2; i++) assertUnauthorized(await refused({ url: gw.url, password: `attack password 4${i}`, localAddress: '127.0.0.8' }), 'password_mismatch');
      assertUnauthorized(await refused({ url: gw.url, password: 'attack password 42', localAddress: '127.0.0.8' }), 'rate_limited');
      const sock = { url: 'ws://localhost/', socketPath: gw.localSocket! };
      for (let i = 0; i < 10; i++) assertUnauthorized(await refused({ ...sock, token: `nope-${i}` }), 'local_secret_mismatch');
      assertUnauthorized(await refused({ ...sock, token: 'nope-again' }), 'rate_limited');
      // The right local secret always gets in: only the same OS user can reach the socket (issue 12).
      assert.equal((await you({ ...sock, token: localSecret(gw) })).principal, 'local');
    } finally { await gw.stop(); }
  });
});

describe('attack: frames, slow handshakes, floods and early calls', () => {
  let lim: TestGateway;
  before(async () => {
    lim = await bootGateway({ gateway: {
      auth: { mode: 'token', token: TOKEN }, trustedProxies: ['127.0.0.1'],
      limits: { maxPayload: 256 * 1024, maxPreAuthPayload: 4_096, handshakeTimeoutMs: 3_000, maxPreAuthConnectionsPerIp: 3 },
    }, agents: { list: [{ id: 'main' }] } });
  });
  after(() => lim.stop());

  const authed = async () => {
    const peer = await openRaw(lim.url, { localAddress: '127.0.0.13' });
    peer.send({ type: 'req', id: 'c', method: 'connect', params: connectParams({ auth: { token: TOKEN } }) });
    assert.equal((await peer.next((f) => f.id === 'c')).ok, true);
    return peer;
  };
  const healthy = async () => {
    const { client } = await connectWs({ url: lim.url, token: TOKEN, localAddress: '127.0.0.14' });
    assert.equal((await client.request<{ ok: boolean }>('health')).ok, true);
    client.close();
  };

  it('oversize and malformed frames: after connect, frames over limits.maxPayload close 1009, binary 1003 and non-JSON 1008, while bad requests are answered without closing', async () => {
    let p = await authed();
    p.send({ type: 'req', id: 'big', method: 'health', params: { pad: 'x'.repeat(300 * 1024) } });
    assert.equal((await p.closed).code, 1009);
    p = await authed();
    p.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    assert.deepEqual(await p.closed, { code: 1003, reason: 'text frames only' });
    p = await authed();
    p.send('{"type":"req",');
    assert.deepEqual(await p.closed, { code: 1008, reason: 'invalid frame' });
    p = await authed();
    p.send({ type: 'req', id: 'i'.repeat(201), method: 'health' });
    assert.deepEqual(await p.closed, { code: 1008, reason: 'invalid frame' });
    p = await authed();
    p.send({ type: 'req', id: 'k1', method: 'health', extra: true });
    assert.match(((await p.next((f) => f.id === 'k1')).error as { message: string }).message, /unexpected key "extra"/);
    p.send({ type: 'req', id: 'k2', method: 'sessions.list', params: [1, 2] });
    assert.equal(((await p.next((f) => f.id === 'k2')).error as { code: string }).code, 'INVALID_REQUEST');
    p.send({ type: 'req', id: 'k3', method: 'health', params: { pad: 'y'.repeat(200 * 1024) } });
    assert.equal((await p.next((f) => f.id === 'k3')).ok, true, 'large frames under the limit still work');
    p.ws.close();
    // Before connect the limit is maxPreAuthPayload, and a deeply nested first frame is just not a connect.
    const pre = await openRaw(lim.url, { localAddress: '127.0.0.13' });
    pre.send({ type: 'req', id: 'c', method: 'connect', params: { pad: 'z'.repeat(4_100) } });
    assert.equal((await pre.closed).code, 1009);
    const nested = await openRaw(lim.url, { localAddress: '127.0.0.13' });
    nested.send(`${'['.repeat(1_500)}${']'.repeat(1_500)}`);
    assert.deepEqual(await nested.closed, { code: 1008, reason: 'invalid handshake' });
    await healthy();
  });

  it('slow handshakes: a WebSocket that stalls mid-frame before connect is closed at the handshake timeout and frees its pre-auth slot', async () => {
    const peer = await openTcp(lim.port, { localAddress: '127.0.0.9' });
    peer.write(upgradeRequest([]));
    await until(peer, (b) => serverFrames(b).some((f) => f.text.includes('connect.challenge')));
    assert.equal(httpStatus(peer.received()), 101);
    peer.write(clientTextFrame(JSON.stringify({ type: 'req', id: 'c', method: 'connect', params: connectParams({ auth: { token: TOKEN } }) })).subarray(0, 3));
    const { afterMs } = await peer.closed;
    assert.ok(afterMs >= 2_900 && afterMs < 8_000, `closed after ${afterMs} ms`);
    assert.deepEqual(serverFrames(peer.received()).filter((f) => f.opcode === 0x8).map((f) => [f.closeCode, f.text]), [[1008, 'handshake timeout']]);
    const fresh = await Promise.all([0, 1, 2].map(() => openRaw(lim.url, { localAddress: '127.0.0.9' })));
    for (const f of fresh) f.ws.terminate();
  });

  it('connect floods: unfinished handshakes per client IP are capped at maxPreAuthConnectionsPerIp with HTTP 503, per forwarded client, and freed by auth or close', async () => {
    const pending = await Promise.all([0, 1, 2].map(() => openRaw(lim.url, { localAddress: '127.0.0.10' })));
    const flood = await refused({ url: lim.url, token: TOKEN, localAddress: '127.0.0.10' });
    assert.equal(flood.httpStatus, 503);
    assert.ok(lim.logs.some((l) => l.includes('"msg":"too many pending handshakes"') && l.includes('"remote":"127.0.0.10"')));
    await healthy(); // another address is unaffected
    // Behind the proxy the forwarded client is the key; rotating a spoofed left entry does not reset it.
    const proxied = await Promise.all([1, 2, 3].map((i) => openRaw(lim.url, { headers: { 'x-forwarded-for': `10.0.0.${i}, 198.51.100.50` } })));
    assert.equal((await refused({ url: lim.url, token: TOKEN, headers: { 'x-forwarded-for': '10.0.0.99, 198.51.100.50' } })).httpStatus, 503);
    assert.equal((await you({ url: lim.url, token: TOKEN, headers: { 'x-forwarded-for': '198.51.100.51' } })).principal, 'token');
    // Authenticating one pending socket frees its slot; so does closing one.
    pending[0]!.send({ type: 'req', id: 'c', method: 'connect', params: connectParams({ auth: { token: TOKEN } }) });
    await pending[0]!.next((f) => f.id === 'c');
    assert.equal((await you({ url: lim.url, token: TOKEN, localAddress: '127.0.0.10' })).principal, 'token');
    pending[1]!.ws.terminate();
    await pending[1]!.closed;
    await sleep(50);
    assert.equal((await you({ url: lim.url, token: TOKEN, localAddress: '127.0.0.10' })).principal, 'token');
    for (const p of [...pending, ...proxied]) p.ws.terminate();
  });

  it('method calls before connect: an admin method, a cancel or an event frame sent first is not run and closes 1008', async () => {
    const { client } = await connectWs({ url: lim.url, token: TOKEN });
    await client.request('sessions.create', { key: 'agent:main:main' });
    client.close();
    const first = await openRaw(lim.url, { localAddress: '127.0.0.15' });
    first.send({ type: 'req', id: 'd1', method: 'sessions.delete', params: { key: 'agent:main:main' } });
    const res = await first.next((f) => f.id === 'd1');
    assert.deepEqual(res.error, { code: 'INVALID_REQUEST', message: 'invalid handshake: first request must be connect', details: { code: 'HANDSHAKE_REQUIRED' } });
    assert.deepEqual(await first.closed, { code: 1008, reason: 'invalid handshake' });
    for (const frame of [{ type: 'cancel', id: 'c1' }, { type: 'event', event: 'connect', payload: {} }, { type: 'res', id: 'x', ok: true }]) {
      const p = await openRaw(lim.url, { localAddress: '127.0.0.15' });
      p.send(frame);
      assert.deepEqual(await p.closed, { code: 1008, reason: 'invalid handshake' }, JSON.stringify(frame));
    }
    assert.equal(lim.store.getSession('operator', 'agent:main:main')?.key, 'agent:main:main', 'the pre-connect delete did not run');
  });

  it('method calls before connect: a second connect on an authenticated socket cannot switch identity or scopes', async () => {
    const p = await openRaw(lim.url, { localAddress: '127.0.0.16' });
    p.send({ type: 'req', id: 'c1', method: 'connect', params: connectParams({ scopes: ['operator.read'], auth: { token: TOKEN } }) });
    await p.next((f) => f.id === 'c1');
    p.send({ type: 'req', id: 'c2', method: 'connect', params: connectParams({ scopes: ['operator.admin'], auth: { token: TOKEN } }) });
    assert.deepEqual((await p.next((f) => f.id === 'c2')).error, { code: 'INVALID_REQUEST', message: 'already connected', details: { code: 'INVALID_FRAME' } });
    p.send({ type: 'req', id: 's', method: 'status' });
    assert.deepEqual(((await p.next((f) => f.id === 's')).payload as { you: You }).you.scopes, ['operator.read']);
    p.ws.close();
  });
});

describe('attack: subagent recursion and fan-out bombs', () => {
  let fake: FakeOpenAi;
  let gw: TestGateway;
  let client: GatewayClient;
  before(async () => {
    fake = await startFakeOpenAi('sk-test-fake-key');
    gw = await bootGateway({
      gateway: { auth: { mode: 'token', token: TOKEN } },
      models: { providers: { local: { baseUrl: fake.baseUrl, apiKeyEnv: 'ATTACK_OPENAI_KEY' } } },
      agents: {
        defaults: { subagents: { maxDepth: 2, maxChildrenPerRun: 5, maxConcurrent: 2 } },
        list: [
          { id: 'manager', default: true, tools: { allow: ['sessions_spawn', 'sessions_send'] }, subagents: { allowAgents: ['hanger'] } },
          { id: 'hanger', model: 'local/test' },
        ],
      },
    }, { env: { ATTACK_OPENAI_KEY: 'sk-test-fake-key' } });
    ({ client } = await connectWs({ url: gw.url, token: TOKEN }));
  });
  after(async () => { client.close(); await gw.stop(); await fake.close(); });

  const waitFor = async (pred: () => boolean, what: string) => {
    for (let i = 0; i < 250 && !pred(); i++) await sleep(20);
    assert.ok(pred(), what);
  };
  const spawnHang = '/tool sessions_spawn {"agentId":"hanger","task":"hang"}';
  const run = async (message: string, key: string) =>
    (await client.request<{ result: { payloads: { text: string }[] } }>('agent', { agentId: 'manager', message, idempotencyKey: key }, { expectFinal: true, timeoutMs: 10_000 })).result.payloads[0]!.text;

  it('fan-out bomb: maxConcurrent caps live subagents across the gateway until they finish', async () => {
    const busy = 'sessions_spawn error: too many subagents running (maxConcurrent 2); try again when one finishes';
    assert.equal(await run([spawnHang, spawnHang, spawnHang].join('\n'), 'fan-1'), `sessions_spawn ok\nsessions_spawn ok\n${busy}`);
    await waitFor(() => fake.hanging === 2, 'two subagents streaming');
    assert.equal(await run(spawnHang, 'fan-2'), busy, 'the cap is gateway-wide, not per run');
    const children = (await client.request<{ sessions: { key: string; lastRunId: string }[] }>('sessions.list', { agentId: 'hanger' })).sessions;
    assert.equal(children.length, 2);
    for (const c of children) await client.request('chat.abort', { sessionKey: c.key });
    for (const c of children) {
      const w = await client.request<{ status: string; stopReason: string }>('agent.wait', { runId: c.lastRunId, timeoutMs: 5_000 });
      assert.deepEqual([w.status, w.stopReason], ['error', 'aborted']);
    }
    await waitFor(() => fake.hanging === 0, 'subagents gone');
    assert.equal(await run(spawnHang, 'fan-3'), 'sessions_spawn ok', 'capacity returns once they finish');
    const last = (await client.request<{ sessions: { key: string; lastRunId: string }[] }>('sessions.list', { agentId: 'hanger' })).sessions.find((s) => !children.some((c) => c.key === s.key))!;
    await waitFor(() => fake.hanging === 1, 'third subagent streaming');
    await client.request('chat.abort', { sessionKey: last.key });
    await client.request('agent.wait', { runId: last.lastRunId, timeoutMs: 5_000 });
  });

  it('recursion bomb: chat.abort stops a run that is blocked inside sessions_send at once',
    async () => {
      const send = '/tool sessions_send {"sessionKey":"agent:hanger:main","message":"hang","timeoutSeconds":4}';
      const parent = client.request('agent', { agentId: 'manager', message: send, idempotencyKey: 'blocked-1' }, { expectFinal: true, timeoutMs: 15_000 }).catch((e: Error) => e);
      await waitFor(() => fake.hanging === 1, 'the target run is streaming');
      const t0 = Date.now();
      await client.request('chat.abort', { sessionKey: 'agent:manager:main' });
      const w = await client.request<{ status: string; stopReason?: string }>('agent.wait', { runId: 'blocked-1', timeoutMs: 1_500 });
      await client.request('chat.abort', { sessionKey: 'agent:hanger:main' });
      await parent;
      assert.deepEqual([w.status, w.stopReason], ['error', 'aborted'], `the aborted run was still live after ${Date.now() - t0} ms`);
      await waitFor(() => fake.hanging === 0, 'the target run, aborted separately, is gone');
    });
});

describe('attack: secrets in logs', () => {
  it('secrets in logs: no configured secret, local secret or near-miss guess reaches a debug log on any refusal path', async () => {
    const fake = await startFakeOpenAi('sk-attack-model-key-0123456789');
    const PROXY_SECRET = 'proxy-secret-attack-0123456789';
    const PASSWORD = 'attack "quoted" password\\42';
    const tokenGw = await bootGateway({
      gateway: { auth: { mode: 'token', token: TOKEN } },
      models: { providers: { local: { baseUrl: fake.baseUrl, apiKey: 'sk-attack-model-key-0123456789' } } },
      agents: { list: [{ id: 'talker', default: true, model: 'local/test' }] },
    });
    const proxyGw = await bootGateway({ gateway: { bind: 'loopback', trustedProxies: ['127.0.0.1'], auth: { mode: 'trusted-proxy', trustedProxy: { userHeader: 'x-authentik-email', proxySecret: { header: 'x-proxy-secret', value: PROXY_SECRET } } } } });
    const pwGw = await bootGateway({ gateway: { auth: { mode: 'password' } } }, { env: { CLAWGATE_GATEWAY_PASSWORD: PASSWORD } });
    try {
      const guesses = [`${TOKEN}x`, TOKEN.slice(0, -1), `${PROXY_SECRET}x`, `${PASSWORD}x`, 'guessed-local-secret-0123456789'];
      // token gateway: near misses, the token smuggled into client fields, the local secret over TCP, a model call
      for (const g of guesses.slice(0, 2)) assertUnauthorized(await refused({ url: tokenGw.url, token: g, localAddress: '127.0.0.17' }), 'token_mismatch');
      assertUnauthorized(await refused({ url: tokenGw.url, token: localSecret(tokenGw), localAddress: '127.0.0.17' }), 'token_mismatch');
      await refused({ url: tokenGw.url, token: 'nope', localAddress: '127.0.0.18', decorate: (p) => ({ ...p, client: { ...(p.client as object), version: TOKEN, displayName: TOKEN } }) });
      const { client } = await connectWs({ url: tokenGw.url, token: TOKEN, decorate: (p) => ({ ...p, client: { ...(p.client as object), version: TOKEN } }) });
      const final = await client.request<{ result: { payloads: { text: string }[] } }>('agent', { message: `please repeat ${TOKEN}`, idempotencyKey: 'secret-run' }, { expectFinal: true, timeoutMs: 10_000 });
      assert.match(final.result.payloads[0]!.text, /^model says:/);
      client.close();
      await refused({ url: 'ws://localhost/', socketPath: tokenGw.localSocket!, token: guesses[4]! });
      // trusted-proxy gateway: wrong, doubled and alias-smuggled proxy secrets
      assertUnauthorized(await refused({ url: proxyGw.url, headers: { ...ME, 'x-proxy-secret': guesses[2]! } }), 'trusted_proxy_secret_mismatch');
      assertUnauthorized(await refused({ url: proxyGw.url, headers: { ...ME, 'x_proxy_secret': PROXY_SECRET } }), 'trusted_proxy_header_alias');
      assertUnauthorized(await refused({ url: proxyGw.url, headers: { ...ME, 'x-proxy-secret': [PROXY_SECRET, PROXY_SECRET] } }), 'trusted_proxy_secret_mismatch');
      assert.equal((await you({ url: proxyGw.url, headers: { ...ME, 'x-proxy-secret': PROXY_SECRET } })).principal, 'trusted-proxy:me@example.com');
      // password gateway: a near miss, and the password in the token field
      assertUnauthorized(await refused({ url: pwGw.url, password: guesses[3]! }), 'password_mismatch');
      assertUnauthorized(await refused({ url: pwGw.url, token: PASSWORD }), 'password_missing');
      for (const gw of [tokenGw, proxyGw, pwGw]) {
        const text = gw.logs.join('');
        assert.ok(text.includes('"msg":"connect refused"'), 'the refusals were logged');
        for (const s of [TOKEN, PROXY_SECRET, PASSWORD, JSON.stringify(PASSWORD).slice(1, -1), 'sk-attack-model-key-0123456789', localSecret(gw), ...guesses]) {
          assert.ok(!text.includes(s), `${s.slice(0, 6)}… leaked into a log of ${gw.config.gateway.auth.mode}`);
        }
      }
    } finally { await tokenGw.stop(); await proxyGw.stop(); await pwGw.stop(); await fake.close(); }
  });
});

describe('attack: forged identity assertions', () => {
  it('forged identity assertions: on the proxy address and with the proxy secret, no self-signed, unsigned, key-confused, foreign, doubled, disagreeing or stale token names anyone, and made-up key ids cost no fetches', async () => {
    const PROXY_SECRET = 'proxy-secret-assertion-0123456789';
    const HEADER = 'x-clawgate-assertion';
    const key = await signingKey('proxy-key', 'ES256');
    const jwks = await serveJwks([key.jwk]);
    const claims = { iss: 'https://proxy.example.com', aud: 'clawgate', email: 'me@example.com' };
    const gw = await bootGateway({ gateway: { bind: 'loopback', trustedProxies: ['127.0.0.1'], auth: { mode: 'trusted-proxy', trustedProxy: {
      userHeader: 'x-authentik-email', allowUsers: ['*@example.com'], proxySecret: { header: 'x-proxy-secret', value: PROXY_SECRET },
      assertion: { header: HEADER, jwksUrl: jwks.url, issuer: claims.iss, audience: claims.aud },
    } } } });
    try {
      // The attacker is a local process: it connects from 127.0.0.1 and (worst case) knows the proxy secret.
      const local = (headers: Record<string, string | string[]>) => refused({ url: gw.url, headers: { 'x-proxy-secret': PROXY_SECRET, ...headers } });
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const exp = Math.floor(Date.now() / 1000) + 300;
      const genuine = await signAssertion(key, claims);
      const attempts: [Record<string, string | string[]>, string][] = [
        [{ 'x-authentik-email': 'boss@example.com' }, 'trusted_proxy_assertion_missing'],
        [{ [HEADER]: await signAssertion(await signingKey('proxy-key', 'ES256'), { ...claims, email: 'boss@example.com' }) }, 'trusted_proxy_assertion_signature'],
        [{ [HEADER]: `${b64({ alg: 'none', kid: 'proxy-key' })}.${b64({ ...claims, email: 'boss@example.com', exp })}.` }, 'trusted_proxy_assertion_malformed'],
        [{ [HEADER]: `${b64({ alg: 'none', kid: 'proxy-key' })}.${b64({ ...claims, email: 'boss@example.com', exp })}.AA` }, 'trusted_proxy_assertion_algorithm'],
        [{ [HEADER]: await signAssertion({ ...key, alg: 'HS256', privateKey: new TextEncoder().encode(JSON.stringify(key.jwk)) as never }, { ...claims, email: 'boss@example.com' }) }, 'trusted_proxy_assertion_algorithm'],
        [{ [HEADER]: await signAssertion(key, { ...claims, aud: 'grafana', email: 'boss@example.com' }) }, 'trusted_proxy_assertion_audience'],
        [{ [HEADER]: [genuine, await signAssertion(key, { ...claims, email: 'boss@example.com' })] }, 'trusted_proxy_header_duplicate'],
        [{ [HEADER]: genuine, 'x-authentik-email': 'boss@example.com' }, 'trusted_proxy_assertion_user_mismatch'],
        [{ [HEADER]: await signAssertion(key, { ...claims, iat: exp - 7500, exp: exp - 7200 }) }, 'trusted_proxy_assertion_expired'],
      ];
      for (const [headers, reason] of attempts) assertUnauthorized(await local(headers), reason);
      const fetchesBefore = jwks.fetches;
      for (let i = 0; i < 30; i++) assertUnauthorized(await local({ [HEADER]: await signAssertion(key, claims, { kid: `made-up-${i}` }) }), 'trusted_proxy_assertion_key_unknown');
      assert.ok(jwks.fetches - fetchesBefore <= 1, `30 made-up key ids caused ${jwks.fetches - fetchesBefore} JWKS fetches`);
      assert.equal((await you({ url: gw.url, headers: { 'x-proxy-secret': PROXY_SECRET, [HEADER]: genuine } })).principal, 'trusted-proxy:me@example.com');
      assert.ok(!gw.logs.some((l) => l.includes('boss@example.com')), 'no forged identity reached a log line as a principal');
    } finally { await gw.stop(); await jwks.close(); }
  });
});

// Last, so the 30 s wait for node's connection check overlaps everything above.
describe('attack: slowloris', () => {
  it('slow handshakes: HTTP clients that trickle or never finish their upgrade headers are cut off by the server headersTimeout', async () => {
    const s = await slowloris;
    const [silent, trickle, idle] = await Promise.all([s.silent.closed, s.trickle.closed, s.idle.closed]);
    s.stopTrickle();
    // headersTimeout is 15 s; node enforces it on a 30 s sweep, so each is cut off between 15 and ~47 s.
    for (const [name, c] of [['silent', silent], ['trickle', trickle], ['idle', idle]] as const) {
      assert.ok(c.afterMs >= 14_000 && c.afterMs < 48_000, `${name} closed after ${c.afterMs} ms`);
    }
    assert.ok(s.sent() > 20, 'the trickler was still sending when it was cut off');
    for (const p of [s.silent, s.trickle, s.idle]) {
      const status = httpStatus(p.received());
      assert.ok(status === undefined || status === 400 || status === 408, `answered ${status}`);
      assert.notEqual(status, 101, 'no upgrade ever completed');
    }
    const { client } = await connectWs({ url: s.gw.url, token: TOKEN });
    assert.equal((await client.request<{ ok: boolean }>('health')).ok, true);
    client.close();
  });
});

describe('attack catalogue', () => {
  it('the attack catalogue names only tests that exist, and names every test in this file', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'security', 'attacks.md'), 'utf8');
    const refs = [...doc.matchAll(/^\s*- `(test\/[\w.-]+\.test\.ts)` › "(.+)"\s*$/gm)].map((m) => ({ file: m[1]!, title: m[2]! }));
    assert.ok(refs.length >= 15, `found only ${refs.length} test references`);
    const testFiles = new Set(readdirSync(join(ROOT, 'test')).filter((f) => f.endsWith('.test.ts')).map((f) => `test/${f}`));
    const titleIn = (src: string, title: string) => {
      const esc = title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return new RegExp(`\\bit\\(\\s*(['"\`])${esc}\\1`).test(src);
    };
    const missing = refs.filter((r) => !testFiles.has(r.file) || !titleIn(readFileSync(join(ROOT, r.file), 'utf8'), r.title));
    assert.deepEqual(missing, []);
    // Every attack section cites at least one test, and every test in this file is cited.
    const sections = doc.split(/^## /m).slice(1).filter((s) => /^\d+\./.test(s));
    assert.ok(sections.length >= 15, `found ${sections.length} numbered attack sections`);
    for (const s of sections) assert.match(s, /^\s*- `test\/[\w.-]+\.test\.ts` › "/m, `section without a test: ${s.split('\n')[0]}`);
    const own = readFileSync(join(ROOT, 'test', 'attacks.test.ts'), 'utf8');
    const titles = [...own.matchAll(/\bit\(\s*'([^']+)'/g)].map((m) => m[1]!).filter((t) => !t.startsWith('the attack catalogue'));
    const cited = new Set(refs.filter((r) => r.file === 'test/attacks.test.ts').map((r) => r.title));
    assert.deepEqual(titles.filter((t) => !cited.has(t)), []);
  });
});
