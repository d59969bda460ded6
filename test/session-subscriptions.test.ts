// sessions.subscribe and sessions.messages.subscribe: a connection hears `sessions.changed` and
// `session.message` only after asking, only about its owner's sessions (every owner's for an
// operator.admin that asks), until it unsubscribes. Two people and an admin behind one trusted
// proxy, at once; repeated, bogus and excessive subscriptions; a huge message stays bounded.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectWs, GatewayRequestError, type GatewayClient } from '../src/client/ws.js';
import { bootGateway, SEED_GATEWAY, type TestGateway } from './fixtures/gateway.fixture.js';
import { waitFor } from './fixtures/wait.fixture.js';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const CAROL = 'carol@example.com'; // an admin
const owner = (email: string) => `trusted-proxy:${email}`;
const AGENTS = {
  list: [
    { id: 'manager', default: true, tools: { allow: ['sessions_spawn', 'sessions_list'] }, subagents: { allowAgents: ['worker'] } },
    { id: 'worker', tools: { allow: ['sessions_list'] } },
  ],
};
const MAIN = 'agent:manager:main';

interface Changed { sessionKey: string; reason: string; agentId?: string; sessionId?: string; session?: { key: string; ownerId: string; owner: { actor: { id: string } }; status: string } }
interface MessageEvent { sessionKey: string; agentId: string; messageId: string; messageSeq: number; runId?: string; message: { role: string; content: { type: string; text?: string }[]; truncated?: boolean }; session?: { key: string; ownerId: string } }
interface Heard { changed: Changed[]; messages: MessageEvent[]; sizes: number[] }

const refusal = (code: string, detail: string) => (e: unknown) =>
  e instanceof GatewayRequestError && e.code === code && (e.details as { code?: string } | undefined)?.code === detail;

/** Everything one connection hears about sessions. */
function listen(c: GatewayClient): Heard {
  const heard: Heard = { changed: [], messages: [], sizes: [] };
  c.on('sessions.changed', (p) => { heard.changed.push(p as Changed); });
  c.on('session.message', (p) => { heard.messages.push(p as MessageEvent); heard.sizes.push(Buffer.byteLength(JSON.stringify(p))); });
  return heard;
}

/** Lets events already published reach the sockets (the bus is synchronous; sockets are not). */
const settle = () => new Promise((r) => setTimeout(r, 150));

describe('session subscriptions and their events', () => {
  let gw: TestGateway;
  const clients: GatewayClient[] = [];
  const as = async (email: string): Promise<{ c: GatewayClient; heard: Heard }> => {
    const { client } = await connectWs({ url: gw.url, headers: { 'x-authentik-email': email } });
    clients.push(client);
    return { c: client, heard: listen(client) };
  };
  const run = (c: GatewayClient, message: string, id: string, sessionKey = MAIN) =>
    c.request('agent', { sessionKey, message, idempotencyKey: id }, { expectFinal: true, timeoutMs: 10_000 });

  before(async () => {
    gw = await bootGateway({
      gateway: {
        ...SEED_GATEWAY, port: 0,
        auth: { ...SEED_GATEWAY.auth, trustedProxy: { ...SEED_GATEWAY.auth.trustedProxy, allowUsers: [ALICE, BOB, CAROL] }, identityScopes: { [CAROL]: ['operator.admin'] } },
      },
      agents: AGENTS,
    });
  });
  after(async () => { for (const c of clients) c.close(); await gw.stop(); });

  it('nothing is heard without subscribing; sessions.subscribe brings the owner\'s own session changes only, until sessions.unsubscribe', async () => {
    const [alice, bob, quiet] = [await as(ALICE), await as(BOB), await as(ALICE)];
    assert.deepEqual(await alice.c.request('sessions.subscribe', {}), { subscribed: true });
    assert.deepEqual(await bob.c.request('sessions.subscribe', {}), { subscribed: true });
    // Both people work at once, in sessions with the same key.
    await Promise.all([run(alice.c, 'alice 1', 'a-1'), run(bob.c, 'bob 1', 'b-1')]);
    await settle();
    const reasons = (h: Heard, who: string) => h.changed.filter((e) => e.session?.ownerId === owner(who)).map((e) => e.reason);
    assert.deepEqual(reasons(alice.heard, ALICE), ['created', 'message', 'message', 'ended']);
    assert.deepEqual(reasons(bob.heard, BOB), ['created', 'message', 'message', 'ended']);
    assert.ok(alice.heard.changed.every((e) => e.session?.ownerId === owner(ALICE) && e.session.owner.actor.id === owner(ALICE)), 'Alice hears only of her own sessions');
    assert.ok(bob.heard.changed.every((e) => e.session?.ownerId === owner(BOB)), 'Bob hears only of his own sessions');
    assert.equal(alice.heard.changed.at(-1)!.session!.status, 'done');
    assert.deepEqual(quiet.heard.changed, [], 'a connection of Alice\'s that did not subscribe hears nothing');
    assert.deepEqual([alice.heard.messages, bob.heard.messages], [[], []], 'no transcript without sessions.messages.subscribe');

    assert.deepEqual(await alice.c.request('sessions.unsubscribe', {}), { subscribed: false });
    const before = alice.heard.changed.length;
    await run(alice.c, 'alice 2', 'a-2');
    await settle();
    assert.equal(alice.heard.changed.length, before, 'nothing after sessions.unsubscribe');

    // A subscribe whose list params are refused leaves the subscription as it was (off here).
    await assert.rejects(alice.c.request('sessions.subscribe', { limit: 'many' }), refusal('INVALID_REQUEST', 'INVALID_PARAMS'));
    await assert.rejects(alice.c.request('sessions.subscribe', { limit: 0 }), refusal('INVALID_REQUEST', 'INVALID_PARAMS'));
    await run(alice.c, 'alice refused', 'a-refused');
    await settle();
    assert.equal(alice.heard.changed.length, before, 'a refused sessions.subscribe turns nothing on');
  });

  it('sessions.messages.subscribe {key} brings that session\'s transcript entries, shaped as chat.history\'s, to its owner only', async () => {
    const [alice, bob] = [await as(ALICE), await as(BOB)];
    assert.deepEqual(await alice.c.request('sessions.messages.subscribe', { key: MAIN }), { subscribed: true, key: MAIN });
    // Bob follows the same key: his own session of that name, never Alice's.
    await bob.c.request('sessions.messages.subscribe', { key: MAIN });
    await run(alice.c, 'hello transcript', 'a-3');
    await run(alice.c, 'elsewhere', 'a-4', 'agent:manager:project:other');
    await settle();
    assert.deepEqual(alice.heard.messages.map((m) => [m.sessionKey, m.message.role, m.message.content[0]!.text]), [
      [MAIN, 'user', 'hello transcript'], [MAIN, 'assistant', 'echo: hello transcript'],
    ], 'only the followed session, in order');
    assert.deepEqual(bob.heard.messages, [], 'Bob hears nothing of Alice\'s session with the same key');
    const history = await alice.c.request<{ messages: { messageId: string }[] }>('chat.history', { sessionKey: MAIN, limit: 2 });
    assert.deepEqual(alice.heard.messages.map((m) => m.messageId), history.messages.map((m) => m.messageId), 'the same entries chat.history returns');
    assert.equal(alice.heard.messages[0]!.runId, 'a-3');
    assert.equal(alice.heard.messages[1]!.session!.ownerId, owner(ALICE));

    await alice.c.request('sessions.messages.unsubscribe', { key: MAIN });
    await run(alice.c, 'after unsubscribe', 'a-5');
    await settle();
    assert.equal(alice.heard.messages.length, 2, 'nothing after sessions.messages.unsubscribe');
  });

  it('another owner\'s sessions cannot be followed: NOT_OWNER by owner, NOT_FOUND for their subagent key; an admin may follow both', async () => {
    const [alice, bob, carol] = [await as(ALICE), await as(BOB), await as(CAROL)];
    await run(alice.c, '/tool sessions_spawn {"agentId":"worker","task":"check availability"}', 'a-spawn');
    const kids = await waitFor('the worker session', async () => {
      const r = await alice.c.request<{ sessions: { key: string; status: string }[] }>('sessions.list', { spawnedBy: MAIN });
      return r.sessions.length === 1 && r.sessions[0]!.status !== 'running' && r.sessions;
    });
    const worker = kids[0]!.key;
    await assert.rejects(bob.c.request('sessions.messages.subscribe', { key: MAIN, owner: owner(ALICE) }), refusal('FORBIDDEN', 'NOT_OWNER'));
    await assert.rejects(bob.c.request('sessions.messages.subscribe', { key: worker }), refusal('INVALID_REQUEST', 'NOT_FOUND'));
    // Alice follows her worker; the admin follows Alice's main session and the session list.
    await alice.c.request('sessions.messages.subscribe', { key: worker });
    await carol.c.request('sessions.messages.subscribe', { key: MAIN, owner: owner(ALICE) });
    await carol.c.request('sessions.subscribe', {});
    await bob.c.request('sessions.subscribe', {});
    await Promise.all([
      alice.c.request('sessions.send', { key: worker, message: 'more work', idempotencyKey: 'a-w1' }),
      run(alice.c, 'alice again', 'a-6'),
      run(bob.c, 'bob again', 'b-2'),
    ]);
    await waitFor('the worker\'s reply', () => alice.heard.messages.some((m) => m.sessionKey === worker && m.message.role === 'assistant'));
    await settle();
    assert.ok(alice.heard.messages.every((m) => m.sessionKey === worker), 'Alice follows only her worker here');
    assert.deepEqual(carol.heard.messages.map((m) => [m.session?.ownerId, m.message.content[0]!.text]), [[owner(ALICE), 'alice again'], [owner(ALICE), 'echo: alice again']]);
    const carolSaw = new Set(carol.heard.changed.map((e) => e.session?.ownerId));
    assert.deepEqual([...carolSaw].sort(), [owner(ALICE), owner(BOB)], 'the admin\'s session list hears of every owner');
    assert.ok(bob.heard.changed.every((e) => e.session?.ownerId === owner(BOB)), 'Bob\'s list hears only of his own');
    assert.ok(bob.heard.changed.length > 0);
    assert.ok(!JSON.stringify([bob.heard]).includes(worker), 'Bob learns nothing of Alice\'s worker');
  });

  it('a subagent spawned by the caller\'s run and lifecycle changes (archive, reset, compact, delete) reach the caller\'s list', async () => {
    const [alice, bob] = [await as(ALICE), await as(BOB)];
    await alice.c.request('sessions.subscribe', {});
    await bob.c.request('sessions.subscribe', {});
    await run(alice.c, '/tool sessions_spawn {"agentId":"worker","task":"second job","label":"second"}', 'a-spawn-2');
    const created = await waitFor('the worker\'s session to be announced', () => alice.heard.changed.find((e) => e.sessionKey.startsWith('agent:worker:subagent:') && e.reason === 'created'));
    assert.equal(created.agentId, 'worker');
    const key = 'agent:manager:project:lifecycle';
    await alice.c.request('sessions.create', { key });
    await run(alice.c, 'one', 'a-l1', key);
    await run(alice.c, 'two', 'a-l2', key);
    await alice.c.request('sessions.patch', { key, archived: true });
    await alice.c.request('sessions.patch', { key, archived: false });
    await alice.c.request('sessions.compact', { key, maxLines: 1 });
    const { entry } = await alice.c.request<{ entry: { sessionId: string } }>('sessions.reset', { key });
    await alice.c.request('sessions.delete', { key });
    await settle();
    const about = alice.heard.changed.filter((e) => e.sessionKey === key).map((e) => e.reason).filter((r) => r !== 'message');
    assert.deepEqual(about, ['created', 'run', 'ended', 'run', 'ended', 'patch', 'patch', 'compact', 'reset', 'delete']);
    const del = alice.heard.changed.find((e) => e.sessionKey === key && e.reason === 'delete')!;
    assert.equal(del.sessionId, entry.sessionId, 'a delete names the removed generation');
    assert.equal(del.session, undefined, 'and carries no row');
    assert.ok(bob.heard.changed.every((e) => e.session?.ownerId === owner(BOB)) && !JSON.stringify(bob.heard).includes('lifecycle'), 'Bob hears none of it');
  });

  it('repeated, bogus and excessive subscriptions are idempotent, bounded and refused with TOO_MANY_SUBSCRIPTIONS', async () => {
    const alice = await as(ALICE);
    // The same subscription many times is one subscription: one event per entry.
    for (let i = 0; i < 500; i++) await alice.c.request('sessions.messages.subscribe', { key: MAIN });
    await Promise.all(Array.from({ length: 200 }, () => alice.c.request('sessions.subscribe', {})));
    await run(alice.c, 'once', 'a-once');
    await settle();
    assert.deepEqual(alice.heard.messages.map((m) => m.message.content[0]!.text), ['once', 'echo: once']);
    assert.equal(alice.heard.changed.filter((e) => e.reason === 'ended' && e.sessionKey === MAIN).length, 1);

    // A key that does not exist yet may be followed (the UI follows a chat before its first message).
    await alice.c.request('sessions.messages.subscribe', { key: 'agent:manager:project:later' });
    await run(alice.c, 'first words', 'a-later', 'agent:manager:project:later');
    await waitFor('the new session\'s entries', () => alice.heard.messages.some((m) => m.sessionKey === 'agent:manager:project:later'));
    // Wrong types and oversized keys are refused by the schema.
    await assert.rejects(alice.c.request('sessions.messages.subscribe', { key: 42 }), refusal('INVALID_REQUEST', 'INVALID_PARAMS'));
    await assert.rejects(alice.c.request('sessions.messages.subscribe', { key: 'k'.repeat(501) }), refusal('INVALID_REQUEST', 'INVALID_PARAMS'));
    await assert.rejects(alice.c.request('sessions.messages.subscribe', {}), refusal('INVALID_REQUEST', 'INVALID_PARAMS'));

    // 100 sessions per connection (two are followed already), then refusal; unfollowing makes room.
    for (let i = 2; i < 100; i++) await alice.c.request('sessions.messages.subscribe', { key: `agent:manager:project:p${i}` });
    await assert.rejects(alice.c.request('sessions.messages.subscribe', { key: 'agent:manager:project:one-too-many' }), (e: unknown) =>
      refusal('INVALID_REQUEST', 'TOO_MANY_SUBSCRIPTIONS')(e) && (e as GatewayRequestError).details!.limit === 100);
    await alice.c.request('sessions.messages.subscribe', { key: MAIN }); // already followed: still fine
    await alice.c.request('sessions.messages.unsubscribe', { key: 'agent:manager:project:p2' });
    await alice.c.request('sessions.messages.subscribe', { key: 'agent:manager:project:one-too-many' });
    // Unsubscribing from what was never followed is a no-op, not an error.
    assert.deepEqual(await alice.c.request('sessions.messages.unsubscribe', { key: 'agent:manager:project:never' }), { subscribed: false, key: 'agent:manager:project:never' });
    // The limit is per connection: a second connection of Alice's starts afresh.
    const again = await as(ALICE);
    await again.c.request('sessions.messages.subscribe', { key: 'agent:manager:project:one-too-many' });
  });

  it('tasks: a person\'s subagents are their tasks, with transcripts; another person\'s task ids name nothing', async () => {
    const [alice, bob, carol] = [await as(ALICE), await as(BOB), await as(CAROL)];
    type Task = { id: string; runtime: string; status: string; title: string; sessionKey: string; childSessionKey: string; agentId: string };
    const mine = await waitFor('Alice\'s finished workers', async () => {
      const r = await alice.c.request<{ tasks: Task[] }>('tasks.list', { sessionKey: MAIN, agentId: 'manager', status: ['completed', 'failed', 'timed_out', 'cancelled'], sortBy: 'endedAt', limit: 100 });
      return r.tasks.length >= 2 && r.tasks;
    });
    assert.ok(mine.every((t) => t.runtime === 'subagent' && t.sessionKey === MAIN && t.childSessionKey.startsWith('agent:worker:subagent:') && t.agentId === 'worker' && t.status === 'completed'));
    assert.ok(mine.some((t) => t.title === 'second'), 'the label is the title');
    assert.deepEqual((await alice.c.request<{ tasks: Task[] }>('tasks.list', { sessionKey: MAIN, status: 'running' })).tasks, []);
    // Paged with an opaque cursor.
    const first = await alice.c.request<{ tasks: Task[]; nextCursor?: string }>('tasks.list', { sessionKey: MAIN, limit: 1 });
    assert.equal(first.tasks.length, 1);
    const next = await alice.c.request<{ tasks: Task[] }>('tasks.list', { sessionKey: MAIN, limit: 1, cursor: first.nextCursor });
    assert.notEqual(next.tasks[0]!.id, first.tasks[0]!.id);
    await assert.rejects(alice.c.request('tasks.list', { cursor: 'abc' }), refusal('INVALID_REQUEST', 'INVALID_PARAMS'));
    const task = mine.find((t) => t.title === 'second')!;
    assert.deepEqual((await alice.c.request<{ task: Task }>('tasks.get', { taskId: task.id })).task, task);
    const h = await alice.c.request<{ messages: { role: string; content: { text: string }[] }[]; nextCursor?: string }>('tasks.history', { taskId: task.id });
    assert.deepEqual(h.messages.map((m) => [m.role, m.content[0]!.text]), [['user', 'second job'], ['assistant', 'echo: second job']]);
    const older = await alice.c.request<{ messages: unknown[]; nextCursor?: string }>('tasks.history', { taskId: task.id, limit: 1 });
    assert.equal(older.messages.length, 1);
    assert.equal(older.nextCursor, '1');
    // Bob (and an admin, whose tasks are their own) see none of Alice's; her ids name nothing for them.
    assert.deepEqual((await bob.c.request<{ tasks: Task[] }>('tasks.list', { sessionKey: MAIN })).tasks, []);
    assert.deepEqual((await bob.c.request<{ tasks: Task[] }>('tasks.list', {})).tasks, []);
    for (const c of [bob.c, carol.c]) {
      await assert.rejects(c.request('tasks.get', { taskId: task.id }), refusal('INVALID_REQUEST', 'NOT_FOUND'));
      await assert.rejects(c.request('tasks.history', { taskId: task.id }), refusal('INVALID_REQUEST', 'NOT_FOUND'));
    }
    // A main session's id is not a task.
    const main = (await alice.c.request<{ sessions: { key: string; sessionId: string }[] }>('sessions.list', {})).sessions.find((x) => x.key === MAIN)!;
    await assert.rejects(alice.c.request('tasks.get', { taskId: main.sessionId }), refusal('INVALID_REQUEST', 'NOT_FOUND'));
  });

  it('a huge message is sent cut to 64 KiB with a marker, never whole', async () => {
    const alice = await as(ALICE);
    await alice.c.request('sessions.messages.subscribe', { key: 'agent:manager:project:big' });
    const huge = `${'x'.repeat(300_000)}\u0001${'é'.repeat(100_000)}`;
    await run(alice.c, huge, 'a-big', 'agent:manager:project:big');
    await settle();
    assert.equal(alice.heard.messages.length, 2);
    for (const [i, m] of alice.heard.messages.entries()) {
      assert.equal(m.message.truncated, true, 'the entry says it was cut');
      assert.match(m.message.content[0]!.text!, /\[… truncated by the gateway: \d+ of \d+ characters shown\]$/);
      assert.ok(alice.heard.sizes[i]! < 64 * 1024 + 4096, `event ${i} is ${alice.heard.sizes[i]} bytes`);
    }
    const h = await alice.c.request<{ totalMessages: number }>('chat.history', { sessionKey: 'agent:manager:project:big' });
    assert.equal(h.totalMessages, 2, 'the stored transcript is whole (read it paged)');
  });
});
