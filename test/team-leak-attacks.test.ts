// An outsider's attempts to learn about another person's sessions through what landed with
// session events: following Alice's session by look-alike keys, by her session id, by her owner
// id spelled differently; a key deleted by one person and re-created by another; the gateway's
// diagnostics and logs read by someone who is not an admin. Bob must hear and read nothing of
// Alice's (names, keys, words, ids), while an admin still can.
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
    { id: 'manager', default: true, tools: { allow: ['sessions_spawn'] }, subagents: { allowAgents: ['worker'] } },
    { id: 'worker' },
  ],
};
const MAIN = 'agent:manager:main';
const SECRET_WORDS = 'alice-private-words-7d1f';
const PROJECT = 'agent:manager:project:alice-only-9c2e';

const refusal = (code: string, detail: string) => (e: unknown) =>
  e instanceof GatewayRequestError && e.code === code && (e.details as { code?: string } | undefined)?.code === detail;
const settle = () => new Promise((r) => setTimeout(r, 150));

interface Heard { events: { event: string; payload: unknown }[] }
function listen(c: GatewayClient): Heard {
  const heard: Heard = { events: [] };
  for (const ev of ['sessions.changed', 'session.message', 'chat', 'agent', 'session.tool']) c.on(ev, (payload) => { heard.events.push({ event: ev, payload }); });
  return heard;
}

describe('team leaks through session events, tasks, diagnostics and logs', () => {
  let gw: TestGateway;
  const clients: GatewayClient[] = [];
  const as = async (email: string): Promise<{ c: GatewayClient; heard: Heard }> => {
    const { client } = await connectWs({ url: gw.url, headers: { 'x-authentik-email': email } });
    clients.push(client);
    return { c: client, heard: listen(client) };
  };
  const run = (c: GatewayClient, message: string, id: string, sessionKey = MAIN) =>
    c.request('agent', { sessionKey, message, idempotencyKey: id }, { expectFinal: true, timeoutMs: 10_000 });
  /** Everything Alice-specific a leak would show. */
  const aliceMarks = (): string[] => [ALICE, 'alice-only-9c2e', SECRET_WORDS];
  const leaks = (v: unknown) => aliceMarks().filter((m) => JSON.stringify(v).toLowerCase().includes(m.toLowerCase()));

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

  it('Bob following Alice\'s session by every spelling of her key, her session id or her owner id hears nothing of it', async () => {
    const [alice, bob] = [await as(ALICE), await as(BOB)];
    await run(alice.c, `first ${SECRET_WORDS}`, 'a-first', PROJECT);
    const row = (await alice.c.request<{ sessions: { key: string; sessionId: string }[] }>('sessions.list', {})).sessions.find((s) => s.key === PROJECT)!;
    // Spellings a lax lookup might fold onto Alice's key; none of them names her session for Bob.
    const spellings = [PROJECT, PROJECT.toUpperCase(), `${PROJECT} `, PROJECT.replace('a', '\u0430'), PROJECT.replace(/:/g, '\uff1a'), PROJECT.normalize('NFKD'), row.sessionId, MAIN];
    for (const key of spellings) {
      try { await bob.c.request('sessions.messages.subscribe', { key }); } catch { /* refused is fine too */ }
    }
    for (const o of [owner(ALICE), owner(ALICE.toUpperCase()), ` ${owner(ALICE)}`, `${owner(ALICE)}\u0000`, owner(ALICE).replace('a', '\u0430'), 'operator', '*']) {
      await assert.rejects(bob.c.request('sessions.messages.subscribe', { key: PROJECT, owner: o }), refusal('FORBIDDEN', 'NOT_OWNER'), `owner ${JSON.stringify(o)}`);
      await assert.rejects(bob.c.request('sessions.subscribe', { owner: o }), refusal('FORBIDDEN', 'NOT_OWNER'), `list of owner ${JSON.stringify(o)}`);
    }
    await bob.c.request('sessions.subscribe', {});
    await run(alice.c, `second ${SECRET_WORDS}`, 'a-second', PROJECT);
    await run(alice.c, '/tool sessions_spawn {"agentId":"worker","task":"alice-only-9c2e worker"}', 'a-spawn', PROJECT);
    await waitFor('Alice\'s worker to finish', async () => {
      const r = await alice.c.request<{ sessions: { status: string }[] }>('sessions.list', { spawnedBy: PROJECT });
      return r.sessions.length === 1 && r.sessions[0]!.status !== 'running';
    });
    await settle();
    assert.deepEqual(leaks(bob.heard.events), [], 'Bob heard about Alice\'s session');
    assert.deepEqual(bob.heard.events, [], 'Bob did nothing, so he hears nothing');
    // Bob's reads of the same names answer with nothing of Alice's.
    for (const key of spellings) {
      const d = await bob.c.request<{ session: unknown }>('sessions.describe', { key });
      assert.equal(d.session === null || leaks(d).length === 0, true, `sessions.describe ${JSON.stringify(key)}`);
    }
    assert.deepEqual(leaks(await bob.c.request('tasks.list', { sessionKey: PROJECT })), []);
    assert.deepEqual(leaks(await bob.c.request('tasks.list', {})), []);
    await assert.rejects(bob.c.request('tasks.get', { taskId: row.sessionId }), refusal('INVALID_REQUEST', 'NOT_FOUND'));
  });

  it('a key Alice followed, deleted and Bob re-created as his own sends Alice nothing of Bob\'s; Bob gets nothing of Alice\'s old one', async () => {
    const [alice, bob] = [await as(ALICE), await as(BOB)];
    const key = 'agent:manager:project:shared-name';
    await run(alice.c, 'alice in shared', 'a-shared', key);
    await alice.c.request('sessions.messages.subscribe', { key });
    await alice.c.request('sessions.subscribe', {});
    await alice.c.request('sessions.delete', { key });
    await bob.c.request('sessions.messages.subscribe', { key });
    await run(bob.c, 'bob in shared', 'b-shared', key);
    await settle();
    const aliceHeard = JSON.stringify(alice.heard.events);
    assert.ok(!aliceHeard.includes('bob in shared') && !aliceHeard.includes(BOB), 'Alice heard Bob\'s session of the same name');
    const bobMessages = bob.heard.events.filter((e) => e.event === 'session.message').map((e) => (e.payload as { message: { content: { text: string }[] } }).message.content[0]!.text);
    assert.deepEqual(bobMessages, ['bob in shared', 'echo: bob in shared']);
    assert.ok(!JSON.stringify(bob.heard.events).includes('alice in shared'));
  });

  it('after unsubscribing or closing, nothing more is delivered; a connection that vanishes mid-subscription costs nothing', async () => {
    const alice = await as(ALICE);
    const gone: GatewayClient[] = [];
    for (let i = 0; i < 20; i++) {
      const { client } = await connectWs({ url: gw.url, headers: { 'x-authentik-email': ALICE } });
      await client.request('sessions.subscribe', {});
      await client.request('sessions.messages.subscribe', { key: MAIN });
      gone.push(client);
    }
    for (const c of gone) c.close();
    const heardAfterClose: unknown[] = [];
    for (const c of gone) c.on('session.message', (p) => { heardAfterClose.push(p); });
    await alice.c.request('sessions.messages.subscribe', { key: MAIN });
    await alice.c.request('sessions.messages.unsubscribe', { key: MAIN });
    await run(alice.c, 'after everyone left', 'a-after');
    await settle();
    assert.deepEqual(alice.heard.events.filter((e) => e.event === 'session.message'), []);
    assert.deepEqual(heardAfterClose, []);
    // The gateway still serves a new subscriber right away.
    const again = await as(ALICE);
    await again.c.request('sessions.messages.subscribe', { key: MAIN });
    await run(alice.c, 'once more', 'a-more');
    await waitFor('the new subscriber hears it', () => again.heard.events.some((e) => e.event === 'session.message'));
  });

  it('diagnostics.stability, last-heartbeat and commands.list name no person, key, words or host path', async () => {
    const bob = await as(BOB);
    // A refused connect with a person's name in it must not be recorded by name.
    await assert.rejects(connectWs({ url: gw.url, headers: { 'x-authentik-email': 'mallory-alice-only-9c2e@evil.example' } }));
    const stability = await bob.c.request('diagnostics.stability', { limit: 1000 });
    const heartbeat = await bob.c.request('last-heartbeat', {});
    const commands = await bob.c.request('commands.list', {});
    for (const [name, v] of Object.entries({ stability, heartbeat, commands })) {
      assert.deepEqual(leaks(v), [], `${name} tells Bob about Alice`);
      assert.ok(!JSON.stringify(v).includes(gw.stateDir), `${name} shows a host path`);
      assert.ok(!JSON.stringify(v).includes('mallory'), `${name} records a refused name`);
    }
  });

  it('logs.tail (every person\'s keys, names and addresses) needs operator.admin', async () => {
    const [bob, carol] = [await as(BOB), await as(CAROL)];
    await assert.rejects(bob.c.request('logs.tail', {}), refusal('FORBIDDEN', 'MISSING_SCOPE'));
    const tail = await carol.c.request<{ lines: string[] }>('logs.tail', { limit: 5000 });
    assert.ok(tail.lines.some((l) => l.includes(owner(ALICE))), 'the admin reads the whole log');
  });
});
