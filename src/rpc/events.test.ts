// The event bus: scope and owner filtering, and run events without an owner delivered to nobody.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createEventBus, OWNED_EVENTS, type BusEvent } from './events.js';

describe('event bus', () => {
  const collect = (owner: string | null) => { const got: string[] = []; return { got, sub: { connId: `c-${owner}`, scopes: ['operator.read' as const], owner, deliver: (e: BusEvent) => { got.push(e.event); } } }; };

  it('delivers an owned event to its owner and to observers, not to other people', () => {
    const bus = createEventBus();
    const [alice, bob, metrics] = [collect('trusted-proxy:alice'), collect('trusted-proxy:bob'), collect(null)];
    for (const x of [alice, bob, metrics]) bus.subscribe(x.sub);
    bus.publish({ event: 'chat', payload: {}, scope: 'operator.read', owner: 'trusted-proxy:alice' });
    bus.publish({ event: 'tick', payload: {} });
    assert.deepEqual([alice.got, bob.got, metrics.got], [['chat', 'tick'], ['tick'], ['chat', 'tick']]);
  });

  it('fails closed: a run or session event published without an owner reaches nobody', () => {
    const bus = createEventBus();
    const [alice, metrics] = [collect('trusted-proxy:alice'), collect(null)];
    bus.subscribe(alice.sub); bus.subscribe(metrics.sub);
    for (const event of OWNED_EVENTS) bus.publish({ event, payload: {}, scope: 'operator.read' });
    assert.deepEqual([alice.got, metrics.got], [[], []]);
  });
});
