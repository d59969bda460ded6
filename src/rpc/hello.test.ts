// hello-ok sent as text built from parts serialised once must be exactly the JSON of the
// payload object, for every presence state and scope set a connection can have.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHelloBuilder } from './hello.js';
import { createPresence, type PresenceEntry } from './presence.js';
import { resOk } from '../protocol/frames.js';
import type { FrozenConfig } from '../config/load.js';

const config = {
  gateway: { limits: { maxPayload: 25 * 1024 * 1024, maxBufferedBytes: 4 * 1024 * 1024, tickIntervalMs: 30_000 }, auth: { mode: 'trusted-proxy' } },
  agents: { list: [{ id: 'worker' }, { id: 'manager', default: true }] },
} as unknown as FrozenConfig;

function entry(i: number): PresenceEntry {
  return {
    connId: `c-${i}`, ip: i % 2 ? '127.0.0.1' : '::1', version: `1.${i}`, platform: 'linux', mode: 'cli', reason: 'connect', ts: 1_800_000_000_000 + i,
    text: `"quoted" \\ \u0001 é 😀 \ud800 person ${i} (cli)`, roles: ['operator'], scopes: ['operator.read'],
    ...(i % 3 === 0 ? { deviceFamily: 'x' } : {}), ...(i % 4 === 0 ? { instanceId: `i-${i}` } : {}),
  };
}

describe('hello-ok frame text', () => {
  it('equals JSON.stringify(resOk(id, payload)) with 0 to 45 connections, with and without read', () => {
    const presence = createPresence();
    let t = 1_000;
    const hello = createHelloBuilder({ config, methods: ['health', 'models.list', 'sessions.list'], presence, version: '0.1.0', startedAt: 10, now: () => t });
    for (let n = 0; n <= 45; n++) {
      for (const scopes of [['operator.read', 'operator.write'], ['operator.write'], []]) {
        const id = n % 2 ? `req-${n}` : `"odd" \u2028 id ${n}`;
        const expected = JSON.stringify(resOk(id, hello.payload({ scopes }, `conn-${n}`)));
        assert.equal(hello.frame(id, { scopes }, `conn-${n}`), expected);
      }
      presence.add(entry(n));
      if (n % 5 === 4) presence.remove(`c-${n - 2}`);
      t += 7;
    }
    const last = JSON.parse(hello.frame('x', { scopes: ['operator.read'] }, 'c')) as { payload: { snapshot: { presence: unknown[] }; features: { capabilities: string[] } } };
    assert.equal(last.payload.snapshot.presence.length, 20);
    assert.deepEqual(last.payload.features.capabilities, ['published-model-catalog']);
  });
});
