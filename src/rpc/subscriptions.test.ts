// Per-connection subscriptions: what a topical event needs to reach a connection, and the cap.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RpcError } from '../protocol/error-codes.js';
import { createEventBus, type BusEvent } from './events.js';
import { createConnectionSubscriptions } from './subscriptions.js';

const ALICE = 'trusted-proxy:alice';
const BOB = 'trusted-proxy:bob';
const list = (owner?: string): BusEvent => ({ event: 'sessions.changed', payload: {}, scope: 'operator.read', topic: { kind: 'sessions' }, ...(owner ? { owner } : {}) });
const msg = (owner: string | undefined, sessionKey: string): BusEvent => ({ event: 'session.message', payload: {}, scope: 'operator.read', topic: { kind: 'session', sessionKey }, ...(owner ? { owner } : {}) });

describe('connection subscriptions', () => {
  it('accept only what was subscribed, of the watcher\'s own owner', () => {
    const s = createConnectionSubscriptions({ owner: ALICE, seesEveryOwner: false });
    assert.equal(s.accepts(list(ALICE)), false, 'nothing before subscribing');
    s.setSessions(true);
    s.followSession(ALICE, 'agent:m:main');
    assert.deepEqual([s.accepts(list(ALICE)), s.accepts(list(BOB)), s.accepts(list())], [true, false, false]);
    assert.deepEqual([s.accepts(msg(ALICE, 'agent:m:main')), s.accepts(msg(ALICE, 'agent:m:other')), s.accepts(msg(BOB, 'agent:m:main'))], [true, false, false]);
    // Even a subscription recorded for another owner (the method refuses it) is not honoured without admin.
    s.followSession(BOB, 'agent:m:main');
    assert.equal(s.accepts(msg(BOB, 'agent:m:main')), false);
    s.setSessions(false);
    assert.ok(s.unfollowSession(ALICE, 'agent:m:main'));
    assert.equal(s.unfollowSession(ALICE, 'agent:m:main'), false);
    assert.deepEqual([s.accepts(list(ALICE)), s.accepts(msg(ALICE, 'agent:m:main'))], [false, false]);
    assert.equal(s.accepts({ event: 'chat', payload: {}, owner: ALICE }), false, 'an event without a topic is not a subscription matter');
  });

  it('an admin watcher takes other owners\' events it subscribed to', () => {
    const s = createConnectionSubscriptions({ owner: 'operator', seesEveryOwner: true });
    s.setSessions(true);
    s.followSession(BOB, 'agent:m:main');
    assert.deepEqual([s.accepts(list(ALICE)), s.accepts(msg(BOB, 'agent:m:main')), s.accepts(msg(ALICE, 'agent:m:main')), s.accepts(list())], [true, true, false, false]);
  });

  it('caps followed sessions; a repeat does not count', () => {
    const s = createConnectionSubscriptions({ owner: ALICE, seesEveryOwner: false }, 3);
    for (let i = 0; i < 3; i++) s.followSession(ALICE, `k${i}`);
    for (let i = 0; i < 1000; i++) s.followSession(ALICE, 'k0');
    assert.equal(s.followed, 3);
    assert.throws(() => s.followSession(ALICE, 'k3'), (e: unknown) => e instanceof RpcError && e.shape.details?.code === 'TOO_MANY_SUBSCRIPTIONS' && e.shape.details.limit === 3);
    s.unfollowSession(ALICE, 'k1');
    s.followSession(ALICE, 'k3');
  });

  it('the bus gives topical events only to subscribers that want them, and never without an owner', () => {
    const bus = createEventBus();
    const got: Record<string, string[]> = { alice: [], metrics: [], naive: [] };
    const subs = createConnectionSubscriptions({ owner: ALICE, seesEveryOwner: false });
    subs.setSessions(true);
    bus.subscribe({ connId: 'a', scopes: ['operator.read'], owner: ALICE, wants: (e) => subs.accepts(e), deliver: (e) => { got.alice!.push(e.event); } });
    bus.subscribe({ connId: 'm', scopes: ['operator.admin'], owner: null, deliver: (e) => { got.metrics!.push(e.event); } });
    bus.subscribe({ connId: 'n', scopes: ['operator.read'], owner: ALICE, deliver: (e) => { got.naive!.push(e.event); } });
    bus.publish(list(ALICE));
    bus.publish(list(BOB));
    bus.publish(list());
    bus.publish(msg(ALICE, 'agent:m:main'));
    assert.deepEqual(got, { alice: ['sessions.changed'], metrics: [], naive: [] });
  });
});
