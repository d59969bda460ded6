// A team behind one trusted proxy: each person's sessions, runs and transcripts are their own;
// an admin sees every owner's; a run answers the message it was accepted with, never one added
// later; idempotency keys are per person.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectWs, GatewayRequestError, type GatewayClient } from '../src/client/ws.js';
import { bootGateway, SEED_GATEWAY, type TestGateway } from './fixtures/gateway.fixture.js';
import { startFakeOpenAi, type FakeOpenAi } from './fixtures/fake-openai.fixture.js';
import { rawConnect } from './fixtures/raw-tcp.fixture.js';
import { waitFor } from './fixtures/wait.fixture.js';
import { connectParams } from './fixtures/raw-ws.fixture.js';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const CAROL = 'carol@example.com'; // an admin
const owner = (email: string) => `trusted-proxy:${email}`;

const SCRIPTED_AGENTS = {
  list: [
    { id: 'manager', default: true, tools: { allow: ['sessions_spawn', 'sessions_list'] }, subagents: { allowAgents: ['worker'] } },
    { id: 'worker', tools: { allow: ['sessions_list'] } },
  ],
};
const AGENTS = {
  list: [
    { id: 'manager', default: true, tools: { allow: ['sessions_spawn', 'sessions_list'] }, subagents: { allowAgents: ['worker'] } },
    { id: 'worker', tools: { allow: ['sessions_list'] } },
    { id: 'assistant', model: 'local/fake' },
  ],
};

interface SessionWire { key: string; ownerId: string; sessionId: string; agentId: string; spawnedBy?: string; actingFor: string; status: string }
interface HistoryWire { sessionId: string | null; owner: string; messages: { role: string; sender?: string; content: { text: string }[] }[] }
type Final = { status: string; result: { payloads: { text: string }[] } };

const refusal = (code: string, detail: string) => (e: unknown) =>
  e instanceof GatewayRequestError && e.code === code && (e.details as { code?: string } | undefined)?.code === detail;

describe('teams: every person\'s sessions are their own', () => {
  let gw: TestGateway;
  let fake: FakeOpenAi;
  const clients: GatewayClient[] = [];
  const as = async (email: string): Promise<GatewayClient> => {
    const { client } = await connectWs({ url: gw.url, headers: { 'x-authentik-email': email } });
    clients.push(client);
    return client;
  };
  let alice: GatewayClient;
  let bob: GatewayClient;
  let carol: GatewayClient;

  before(async () => {
    fake = await startFakeOpenAi('sk-team-fake-key');
    gw = await bootGateway({
      gateway: {
        ...SEED_GATEWAY, port: 0,
        auth: { ...SEED_GATEWAY.auth, trustedProxy: { ...SEED_GATEWAY.auth.trustedProxy, allowUsers: [ALICE, BOB, CAROL] }, identityScopes: { [CAROL]: ['operator.admin'] } },
      },
      models: { providers: { local: { baseUrl: fake.baseUrl, apiKeyEnv: 'TEAM_FAKE_KEY' } } },
      agents: AGENTS,
    }, { env: { TEAM_FAKE_KEY: 'sk-team-fake-key' } });
    [alice, bob, carol] = [await as(ALICE), await as(BOB), await as(CAROL)];
  });
  after(async () => { for (const c of clients) c.close(); await gw.stop(); await fake.close(); });

  it('an agent call without a key lands in each person\'s own main session; neither lists or reads the other\'s', async () => {
    const [a, b] = await Promise.all([
      alice.request<Final>('agent', { message: 'alice here', idempotencyKey: 'own-a' }, { expectFinal: true, timeoutMs: 10_000 }),
      bob.request<Final>('agent', { message: 'bob here', idempotencyKey: 'own-b' }, { expectFinal: true, timeoutMs: 10_000 }),
    ]);
    assert.equal(a.result.payloads[0]!.text, 'echo: alice here');
    assert.equal(b.result.payloads[0]!.text, 'echo: bob here');

    const mine = (await alice.request<{ sessions: SessionWire[] }>('sessions.list', {})).sessions;
    assert.deepEqual(mine.map((s) => [s.key, s.ownerId]), [['agent:manager:main', owner(ALICE)]]);
    const theirs = (await bob.request<{ sessions: SessionWire[] }>('sessions.list', {})).sessions;
    assert.deepEqual(theirs.map((s) => [s.key, s.ownerId]), [['agent:manager:main', owner(BOB)]]);
    assert.notEqual(mine[0]!.sessionId, theirs[0]!.sessionId);

    const hA = await alice.request<HistoryWire>('chat.history', { sessionKey: 'agent:manager:main' });
    assert.deepEqual(hA.messages.map((m) => [m.role, m.sender, m.content[0]!.text]), [['user', owner(ALICE), 'alice here'], ['assistant', 'agent:manager', 'echo: alice here']]);

    await assert.rejects(bob.request('chat.history', { sessionKey: 'agent:manager:main', owner: owner(ALICE) }), refusal('FORBIDDEN', 'NOT_OWNER'));
    await assert.rejects(bob.request('sessions.list', { owner: owner(ALICE) }), refusal('FORBIDDEN', 'NOT_OWNER'));
    await assert.rejects(bob.request('sessions.resolve', { sessionId: mine[0]!.sessionId }), refusal('INVALID_REQUEST', 'NOT_FOUND'));
  });

  it('health and status count and name only the caller\'s own sessions (an admin\'s, everyone\'s)', async () => {
    await alice.request('sessions.create', { key: 'agent:manager:project:alice-secret' });
    const seen = async (c: GatewayClient) => JSON.stringify([await c.request('health', {}), await c.request('status', {})]);
    assert.ok(!(await seen(bob)).includes('alice-secret'), 'Bob learns nothing of Alice\'s session names');
    assert.ok((await seen(alice)).includes('alice-secret'));
    assert.ok((await seen(carol)).includes('alice-secret'), 'an admin sees every owner\'s');
    const total = async (c: GatewayClient) => (await c.request<{ sessions: { total: number } }>('health', {})).sessions.total;
    assert.deepEqual([await total(alice), await total(bob)], [2, 1]);
    await alice.request('sessions.delete', { key: 'agent:manager:project:alice-secret' });
  });

  it('an admin sees both people\'s sessions with their owners, and reads either transcript', async () => {
    const all = (await carol.request<{ sessions: SessionWire[] }>('sessions.list', {})).sessions;
    const owners = all.filter((s) => s.key === 'agent:manager:main').map((s) => s.ownerId).sort();
    assert.deepEqual(owners, [owner(ALICE), owner(BOB)]);
    const h = await carol.request<HistoryWire>('chat.history', { sessionKey: 'agent:manager:main', owner: owner(BOB) });
    assert.equal(h.owner, owner(BOB));
    assert.equal(h.messages[0]!.content[0]!.text, 'bob here');
    const resolved = await carol.request<{ key: string; owner: string }>('sessions.resolve', { sessionId: all.find((s) => s.ownerId === owner(ALICE))!.sessionId });
    assert.equal(resolved.owner, owner(ALICE));
  });

  it('neither can write into, abort or delete the other\'s sessions and runs', async () => {
    // Alice's run hangs in the model; Bob addresses the same key and run id and reaches only his own.
    const hang = alice.request('agent', { agentId: 'assistant', message: 'hang', idempotencyKey: 'busy-1' }, { expectFinal: true, timeoutMs: 20_000 });
    await waitFor('the model to hold Alice\'s run', () => fake.hanging === 1);
    await assert.rejects(bob.request('chat.abort', { sessionKey: 'agent:assistant:main', runId: 'busy-1' }), refusal('INVALID_REQUEST', 'NOT_FOUND'));
    const del = await bob.request<{ deleted: boolean }>('sessions.delete', { key: 'agent:assistant:main' });
    assert.equal(del.deleted, false);
    assert.equal(fake.hanging, 1, 'Alice\'s run still runs');
    const spawned = (await alice.request<{ sessions: SessionWire[] }>('sessions.list', { agentId: 'assistant' })).sessions;
    assert.equal(spawned[0]!.status, 'running');
    // Bob's own run with the same id is his, in his own session.
    const bobs = await bob.request<Final>('agent', { agentId: 'manager', message: 'mine', idempotencyKey: 'busy-1' }, { expectFinal: true, timeoutMs: 10_000 });
    assert.equal(bobs.result.payloads[0]!.text, 'echo: mine');
    // Bob cannot start runs in Alice's subagent sessions by naming their key.
    await assert.rejects(bob.request('chat.send', { sessionKey: 'agent:worker:subagent:00000000-0000-4000-8000-000000000000', message: 'x', idempotencyKey: 'sub-x' }), refusal('INVALID_REQUEST', 'NOT_FOUND'));

    const aborted = await alice.request<{ aborted: boolean }>('chat.abort', { sessionKey: 'agent:assistant:main', runId: 'busy-1' });
    assert.equal(aborted.aborted, true);
    await assert.rejects(hang);
  });

  it('subagents spawned by a person\'s run are that person\'s', async () => {
    const r = await alice.request<Final>('agent', { agentId: 'manager', message: '/tool sessions_spawn {"agentId":"worker","task":"hi"}', idempotencyKey: 'spawn-a' }, { expectFinal: true, timeoutMs: 10_000 });
    assert.equal(r.result.payloads[0]!.text, 'sessions_spawn ok');
    const kids = (await alice.request<{ sessions: SessionWire[] }>('sessions.list', { spawnedBy: 'agent:manager:main' })).sessions;
    assert.equal(kids.length, 1);
    assert.equal(kids[0]!.ownerId, owner(ALICE));
    assert.equal(kids[0]!.actingFor, owner(ALICE));
    assert.deepEqual((await bob.request<{ sessions: SessionWire[] }>('sessions.list', { spawnedBy: 'agent:manager:main' })).sessions, []);
    const h = await waitFor('the worker to answer', async () => {
      const x = await alice.request<HistoryWire>('chat.history', { sessionKey: kids[0]!.key });
      return x.messages.some((m) => m.role === 'assistant') ? x : undefined;
    });
    assert.equal(h.messages[0]!.sender, 'agent:manager', 'the task was written by the delegating agent');
  });

  it('a queued run answers its own message, not one added to the session after it', async () => {
    const hang = alice.request('agent', { agentId: 'assistant', message: 'hang', idempotencyKey: 'q-hang' }, { expectFinal: true, timeoutMs: 20_000 });
    await waitFor('the model to hold the first run', () => fake.hanging === 1);
    const queued = alice.request<{ status: string }>('chat.send', { sessionKey: 'agent:assistant:main', message: 'my own question', idempotencyKey: 'q-mine' });
    assert.equal((await queued).status, 'started');
    // Added while Alice's run waits in the queue (by Alice elsewhere; Bob cannot reach the session at all).
    await alice.request('chat.send', { sessionKey: 'agent:assistant:main', message: 'appended later', idempotencyKey: 'q-later' });
    await bob.request('chat.send', { sessionKey: 'agent:assistant:main', message: 'bob appended', idempotencyKey: 'q-mine' });
    const before = fake.requests.length;
    await alice.request('chat.abort', { sessionKey: 'agent:assistant:main', runId: 'q-hang' });
    await assert.rejects(hang);
    const waited = await alice.request<{ status: string; reply: string }>('agent.wait', { runId: 'q-mine', timeoutMs: 10_000 });
    assert.deepEqual([waited.status, waited.reply], ['ok', 'model says: my own question']);
    const later = await alice.request<{ status: string; reply: string }>('agent.wait', { runId: 'q-later', timeoutMs: 10_000 });
    assert.equal(later.reply, 'model says: appended later');
    const inputs = fake.requests.slice(before).map((r) => (r.messages as { role: string; content: string }[]).filter((m) => m.role === 'user').map((m) => m.content));
    const mineInput = inputs.find((u) => u.at(-1) === 'my own question')!;
    assert.ok(!mineInput.includes('appended later') && !mineInput.includes('bob appended'), JSON.stringify(mineInput));
    const alices = inputs.filter((u) => u.includes('my own question') || u.includes('appended later'));
    assert.ok(alices.length >= 2 && alices.every((u) => !u.includes('bob appended')), 'Bob\'s message never reached Alice\'s runs');
  });

  it('idempotency keys are per person: the same key from two people is two runs; reused with other params it is refused', async () => {
    const [a, b] = await Promise.all([
      alice.request<Final>('agent', { message: 'hello from alice', idempotencyKey: 'hello-1' }, { expectFinal: true, timeoutMs: 10_000 }),
      bob.request<Final>('agent', { message: 'hello from bob', idempotencyKey: 'hello-1' }, { expectFinal: true, timeoutMs: 10_000 }),
    ]);
    assert.equal(a.result.payloads[0]!.text, 'echo: hello from alice');
    assert.equal(b.result.payloads[0]!.text, 'echo: hello from bob');
    const again = await alice.request<Final>('agent', { message: 'hello from alice', idempotencyKey: 'hello-1' }, { expectFinal: true, timeoutMs: 10_000 });
    assert.equal(again.result.payloads[0]!.text, 'echo: hello from alice', 'a true resend gets the same run');
    await assert.rejects(alice.request('agent', { message: 'something else', idempotencyKey: 'hello-1' }, { expectFinal: true }), refusal('INVALID_REQUEST', 'IDEMPOTENCY_CONFLICT'));
    await assert.rejects(alice.request('chat.send', { sessionKey: 'agent:worker:main', message: 'hello from alice', idempotencyKey: 'hello-1' }), refusal('INVALID_REQUEST', 'IDEMPOTENCY_CONFLICT'));
    const hist = await alice.request<HistoryWire>('chat.history', { sessionKey: 'agent:manager:main' });
    assert.equal(hist.messages.filter((m) => m.content[0]?.text === 'something else').length, 0, 'the refused message was not stored');
  });

  it('a run that cannot start reports its error to its owner only', async () => {
    const seen: string[] = [];
    const onB = (p: unknown) => { seen.push((p as { runId: string }).runId); };
    bob.on('chat', onB);
    bob.on('agent', onB);
    const aliceCaller = { connId: 'test:alice', principal: { kind: 'trusted-proxy', user: ALICE } as const, role: 'operator' as const, scopes: ['operator.read' as const, 'operator.write' as const], client: { id: 'test', mode: 'test', version: '1' } };
    const h = gw.runs.start(aliceCaller, { runId: 'cannot-start', message: 'hi', agentId: 'manager', timeoutMs: 1.5 });
    assert.equal((await h.done).status, 'error');
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(!seen.includes('cannot-start'), 'Bob saw nothing of Alice\'s failed run');
  });

  it('events about a person\'s runs reach only that person', async () => {
    const seen: Record<string, string[]> = { alice: [], bob: [] };
    const onA = (p: unknown) => { seen.alice!.push((p as { runId: string }).runId); };
    const onB = (p: unknown) => { seen.bob!.push((p as { runId: string }).runId); };
    alice.on('chat', onA);
    bob.on('chat', onB);
    await alice.request('agent', { message: 'private', idempotencyKey: 'ev-a' }, { expectFinal: true, timeoutMs: 10_000 });
    await bob.request('agent', { message: 'also private', idempotencyKey: 'ev-b' }, { expectFinal: true, timeoutMs: 10_000 });
    assert.ok(seen.alice!.includes('ev-a') && !seen.alice!.includes('ev-b'));
    assert.ok(seen.bob!.includes('ev-b') && !seen.bob!.includes('ev-a'));
  });
});

describe('teams: groups from the proxy grant roles', () => {
  let gw: TestGateway;
  const clients: GatewayClient[] = [];
  const connect = async (headers: Record<string, string>) => {
    const r = await connectWs({ url: gw.url, headers });
    clients.push(r.client);
    return r;
  };
  const rawRefusal = async (lines: string[]) => {
    const { frames, close, peer } = await rawConnect(gw.port, lines, connectParams());
    peer.socket.destroy();
    const res = frames.find((f) => f.id === 'raw-connect') as { ok: boolean; error?: { details?: { authReason?: string } } };
    return { ok: res.ok, authReason: res.error?.details?.authReason, closeCode: close?.closeCode };
  };

  before(async () => {
    gw = await bootGateway({
      gateway: {
        ...SEED_GATEWAY, port: 0,
        auth: {
          ...SEED_GATEWAY.auth,
          trustedProxy: { ...SEED_GATEWAY.auth.trustedProxy, groupsHeader: 'x-authentik-groups', allowUsers: [ALICE, BOB, CAROL] },
          identityScopes: { '*': [] },
          groupScopes: { 'gateway-admins': ['operator.admin'], staff: ['operator.read', 'operator.write'] },
        },
      },
      agents: SCRIPTED_AGENTS,
    });
  });
  after(async () => { for (const c of clients) c.close(); await gw.stop(); });

  it('scopes are the union of the person\'s and the groups\' grants, from authentik\'s "|" and from "," lists', async () => {
    const none = await connect({ 'x-authentik-email': BOB });
    assert.deepEqual(none.hello.auth.scopes, [], 'no grant for the person and no group: nothing');
    const staff = await connect({ 'x-authentik-email': ALICE, 'x-authentik-groups': 'authentik Read-only|staff' });
    assert.deepEqual([...staff.hello.auth.scopes].sort(), ['operator.read', 'operator.write']);
    const admin = await connect({ 'x-authentik-email': CAROL, 'x-authentik-groups': 'staff, gateway-admins' });
    assert.ok(admin.hello.auth.scopes.includes('operator.admin'));
    const you = (await admin.client.request<{ you: { groups?: string[] } }>('status', {})).you;
    assert.deepEqual(you.groups, ['staff', 'gateway-admins']);
  });

  it('a caller without scopes gets no presence (addresses, devices, versions) and no sessions', async () => {
    await connect({ 'x-authentik-email': ALICE, 'x-authentik-groups': 'staff' });
    const none = await connect({ 'x-authentik-email': BOB });
    assert.deepEqual(none.hello.snapshot.presence, []);
    await assert.rejects(none.client.request('system-presence', {}), refusal('FORBIDDEN', 'MISSING_SCOPE'));
    await assert.rejects(none.client.request('sessions.list', {}), refusal('FORBIDDEN', 'MISSING_SCOPE'));
    const staff = await connect({ 'x-authentik-email': ALICE, 'x-authentik-groups': 'staff' });
    assert.ok((staff.hello.snapshot.presence as unknown[]).length > 0, 'a reader still sees presence');
  });

  it('the groups header follows the identity header\'s rules: exact name, once, a sane value', async () => {
    const me = `x-authentik-email: ${CAROL}`;
    const cases: [string[], string][] = [
      [[me, 'x-authentik-groups: staff', 'X-Authentik-Groups: gateway-admins'], 'trusted_proxy_header_duplicate'],
      [[me, 'x_authentik_groups: gateway-admins'], 'trusted_proxy_header_alias'],
      [[me, 'x-authentik-groups: staff', 'x.authentik.groups: gateway-admins'], 'trusted_proxy_header_alias'],
      [[me, 'x-authentik-groups: staff|gateway\tadmins'], 'trusted_proxy_groups_invalid'],
      [[me, `x-authentik-groups: ${'g'.repeat(300)}`], 'trusted_proxy_groups_invalid'],
      [[me, `x-authentik-groups: ${Array.from({ length: 300 }, (_, i) => `g${i}`).join('|')}`], 'trusted_proxy_groups_invalid'],
    ];
    for (const [lines, reason] of cases) {
      assert.deepEqual(await rawRefusal(lines), { ok: false, authReason: reason, closeCode: 1008 }, lines.join(' | '));
    }
    // The control: the same raw client with one clean groups header is accepted.
    assert.equal((await rawRefusal([me, 'x-authentik-groups: gateway-admins'])).ok, true);
  });

  it('groups from an untrusted peer count for nothing (the connection is refused before any header is read)', async () => {
    await assert.rejects(connectWs({ url: gw.url, localAddress: '127.0.0.2', headers: { 'x-authentik-email': CAROL, 'x-authentik-groups': 'gateway-admins' } }),
      (e: Error & { authReason?: string }) => e.authReason === 'trusted_proxy_untrusted_source');
  });
});

describe('auth mode none: a relayed connection is not the operator', () => {
  let gw: TestGateway;
  before(async () => { gw = await bootGateway({ gateway: { auth: { mode: 'none' } }, agents: SCRIPTED_AGENTS }); });
  after(() => gw.stop());

  it('a direct local client may ask for admin; one relayed with X-Forwarded-For gets read and write only', async () => {
    const direct = await connectWs({ url: gw.url });
    assert.ok(direct.hello.auth.scopes.includes('operator.admin'));
    direct.client.close();
    for (const headers of [{ 'x-forwarded-for': '203.0.113.7' }, { forwarded: 'for=203.0.113.7' }, { 'x-real-ip': '203.0.113.7' }] as Record<string, string>[]) {
      const relayed = await connectWs({ url: gw.url, headers });
      assert.deepEqual([...relayed.hello.auth.scopes].sort(), ['operator.read', 'operator.write'], JSON.stringify(headers));
      await assert.rejects(relayed.client.request('sessions.list', { owner: 'someone' }), refusal('FORBIDDEN', 'NOT_OWNER'));
      relayed.client.close();
    }
  });
});
