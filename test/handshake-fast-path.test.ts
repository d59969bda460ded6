// The handshake fast path (hello-ok built from parts serialised once) under attack: many people
// handshaking at once each get their own scopes and connection id, and presence only with read;
// tokens with control characters, look-alikes, pieces of the right token or a huge one are
// refused with token_mismatch, a missing one with token_missing, and the right one still gets
// the same hello-ok as before (in every auth mode's shape).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectWs, type GatewayClient } from '../src/client/ws.js';
import { refused } from './fixtures/refused.fixture.js';
import { bootGateway, SEED_GATEWAY, type TestGateway } from './fixtures/gateway.fixture.js';

const ALICE = 'alice@example.com'; // read and write (the default)
const CAROL = 'carol@example.com'; // admin
const DAVE = 'dave@example.com'; // signed in, no scopes
const SCOPES: Record<string, string[]> = { [ALICE]: ['operator.read', 'operator.write'], [CAROL]: ['operator.admin'], [DAVE]: [] };

describe('handshake fast path: concurrent people', () => {
  let gw: TestGateway;
  const clients: GatewayClient[] = [];
  before(async () => {
    gw = await bootGateway({
      gateway: {
        ...SEED_GATEWAY, port: 0,
        auth: { ...SEED_GATEWAY.auth, trustedProxy: { ...SEED_GATEWAY.auth.trustedProxy, allowUsers: [ALICE, CAROL, DAVE] }, identityScopes: { [CAROL]: ['operator.admin'], [DAVE]: [] } },
      },
    });
  });
  after(async () => { for (const c of clients) c.close(); await gw.stop(); });

  it('each of 45 concurrent handshakes gets its own person\'s scopes, its own connId, and presence only with read', async () => {
    const people = Array.from({ length: 45 }, (_, i) => [ALICE, CAROL, DAVE][i % 3]!);
    const all = await Promise.all(people.map((email) => connectWs({ url: gw.url, headers: { 'x-authentik-email': email }, scopes: ['operator.admin', 'operator.read', 'operator.write'] })));
    for (const { client } of all) clients.push(client);
    const ids = new Set<string>();
    for (const [i, { hello }] of all.entries()) {
      const email = people[i]!;
      assert.deepEqual([...hello.auth.scopes].sort(), [...SCOPES[email]!].sort(), `${email}'s hello-ok`);
      ids.add(hello.server.connId);
      if (email === DAVE) assert.deepEqual(hello.snapshot.presence, [], 'no presence without read');
      assert.equal(hello.snapshot.authMode, 'trusted-proxy');
      assert.equal(hello.type, 'hello-ok');
    }
    assert.equal(ids.size, people.length, 'connection ids are never shared');
    // The identity behind each connection is its own (status names the caller).
    const you = await Promise.all(all.filter((_, i) => people[i] !== DAVE).map(({ client }) => client.request<{ you: { principal: string } }>('status')));
    assert.deepEqual(you.map((s) => s.you.principal), people.filter((p) => p !== DAVE).map((p) => `trusted-proxy:${p}`));
  });
});

describe('handshake fast path: token refusals', () => {
  const TOKEN = 'tok-fastpath-0123456789abcdef';
  let gw: TestGateway;
  before(async () => { gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN, rateLimit: { maxAttempts: 1_000, windowMs: 60_000, lockoutMs: 1_000, globalMaxAttempts: 1_000 } } } }); });
  after(() => gw.stop());

  it('refuses every near-miss token with token_mismatch and a missing one with token_missing; the right one gets hello-ok', async () => {
    const nearMisses = [
      `${TOKEN}\u0000`, `\u0000${TOKEN}`, `${TOKEN}\n`, ` ${TOKEN}`, `${TOKEN} `, TOKEN.toUpperCase(), TOKEN.slice(0, -1), `${TOKEN}x`,
      TOKEN.replace('o', '\u043e'), `${TOKEN.slice(0, 10)}\u202e${TOKEN.slice(10)}`, TOKEN.repeat(140), '\ud800', `${TOKEN}\u200b`,
    ];
    for (const token of nearMisses) {
      const err = await refused({ url: gw.url, token });
      assert.equal(err.error?.details?.authReason, 'token_mismatch', JSON.stringify(token.slice(0, 40)));
      assert.equal(err.closeCode, 1008);
    }
    // Over the schema's 4096 characters: refused before any comparison, as invalid params.
    const huge = await refused({ url: gw.url, token: TOKEN.repeat(500) });
    assert.deepEqual([huge.error?.details?.code, huge.closeCode], ['INVALID_PARAMS', 1008]);
    assert.equal((await refused({ url: gw.url })).error?.details?.authReason, 'token_missing');
    assert.equal((await refused({ url: gw.url, token: '' })).error?.details?.authReason, 'token_missing');
    const { client, hello } = await connectWs({ url: gw.url, token: TOKEN });
    try {
      assert.equal(hello.snapshot.authMode, 'token');
      assert.ok(hello.auth.scopes.includes('operator.read'));
    } finally { client.close(); }
    assert.ok(!gw.logs.join('\n').includes(TOKEN), 'the token is never logged, not even inside a near miss');
  });
});
