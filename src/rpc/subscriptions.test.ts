// Per-connection subscriptions: what a topical event needs to reach a connection, and the cap.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RpcError } from '../protocol/error-codes.js';
import { createEventBus, type BusEvent } from './events.js';
import { createConnectionSubscriptions } from './subscriptions.js';
import { createRpcSession } from './session.js';
import { createRouter, type CallerContext } from './registry.js';
import { sessionViewMethods } from './methods/session-views.js';
import type { SessionReader } from './context.js';
import type { ResFrame } from '../protocol/frames.js';
import type { Scope } from '../protocol/scopes.js';
import { createLogger } from '../util/log.js';

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

describe('subscription state lives and dies with its connection', () => {
  const methods = sessionViewMethods({ store: { getSession: () => undefined } as unknown as SessionReader, list: () => ({ sessions: [] }) });
  const router = createRouter(methods, createLogger({ level: 'error', write: () => {} }));
  const caller = (owner: string, scopes: Scope[] = ['operator.read']): CallerContext => ({
    connId: `c-${owner}-${Math.random()}`, principal: { kind: 'trusted-proxy', user: owner }, role: 'operator', scopes, client: { id: 'test', mode: 'test', version: '1' },
  });
  const tick = () => new Promise((r) => setImmediate(r));

  it('100,000 subscribe/unsubscribe pairs leave nothing followed, and the cap still counts from zero', async () => {
    const bus = createEventBus();
    const sent: ResFrame[] = [];
    const heard: unknown[] = [];
    const session = createRpcSession(caller('alice'), router, bus, { send: (f) => { if (f.type === 'event') heard.push(f); else sent.push(f); } });
    for (let i = 0; i < 100_000; i++) {
      session.handle({ type: 'req', id: `s${i}`, method: 'sessions.messages.subscribe', params: { key: `agent:m:k${i}` } });
      session.handle({ type: 'req', id: `u${i}`, method: 'sessions.messages.unsubscribe', params: { key: `agent:m:k${i}` } });
      if (i % 5_000 === 0) await tick();
    }
    await tick();
    assert.ok(sent.every((f) => f.ok), 'no subscription was refused: each was undone before the next');
    // Nothing is followed any more: 100 new keys fit exactly, the 101st is refused.
    sent.length = 0;
    for (let i = 0; i < 101; i++) session.handle({ type: 'req', id: `n${i}`, method: 'sessions.messages.subscribe', params: { key: `agent:m:new${i}` } });
    await tick();
    assert.equal(sent.filter((f) => f.ok).length, 100);
    assert.equal(sent.filter((f) => !f.ok && f.error?.details?.code === 'TOO_MANY_SUBSCRIPTIONS').length, 1);
    bus.publish({ event: 'session.message', payload: {}, scope: 'operator.read', owner: 'trusted-proxy:alice', topic: { kind: 'session', sessionKey: 'agent:m:k99999' } });
    assert.deepEqual(heard, []);
    session.close();
    assert.equal(bus.subscriberCount, 0);
  });

  it('10,000 connections that subscribe and vanish leave no subscriber on the bus and hear nothing after', async () => {
    const bus = createEventBus();
    let delivered = 0;
    const sessions = Array.from({ length: 10_000 }, (_, i) => createRpcSession(caller(i % 2 ? 'alice' : 'bob'), router, bus, { send: (f) => { if (f.type === 'event') delivered++; } }));
    for (const [i, s] of sessions.entries()) {
      s.handle({ type: 'req', id: 'a', method: 'sessions.subscribe', params: {} });
      s.handle({ type: 'req', id: 'b', method: 'sessions.messages.subscribe', params: { key: `agent:m:main${i % 7}` } });
    }
    await tick();
    assert.equal(bus.subscriberCount, 10_000);
    for (const s of sessions) s.close();
    assert.equal(bus.subscriberCount, 0, 'every closed connection left the bus');
    bus.publish({ event: 'sessions.changed', payload: {}, scope: 'operator.read', owner: 'trusted-proxy:alice', topic: { kind: 'sessions' } });
    bus.publish({ event: 'session.message', payload: {}, scope: 'operator.read', owner: 'trusted-proxy:bob', topic: { kind: 'session', sessionKey: 'agent:m:main0' } });
    assert.equal(delivered, 0);
  });
});
