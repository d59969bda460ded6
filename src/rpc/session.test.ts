import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createEventBus } from './events.js';
import { createRpcSession } from './session.js';
import type { CallerContext, Router } from './registry.js';
import type { EventFrame, ResFrame } from '../protocol/frames.js';

const caller: CallerContext = { connId: 'c1', principal: { kind: 'local' } as never, role: 'operator', scopes: ['operator.admin'], client: { id: 'test', mode: 'test', version: '1' } };
const tick = () => new Promise((r) => setImmediate(r));

function setup(dispatch: Router['dispatch'], failSend = (_f: ResFrame | EventFrame) => false) {
  const sent: string[] = [];
  const failures: boolean[] = [];
  const bus = createEventBus();
  const session = createRpcSession(caller, { methods: ['m'], dispatch }, bus, {
    send: (f) => { if (failSend(f)) throw new Error('socket gone'); sent.push(JSON.stringify(f)); },
    fail: (_err, fatal) => { failures.push(fatal); },
  });
  return { sent, failures, bus, session };
}

describe('rpc session failure isolation', () => {
  it('a payload that cannot be serialised costs that request an error reply, not the process', async () => {
    const { sent, failures, session } = setup(async () => ({ ok: true, payload: { n: 10n } }));
    session.handle({ type: 'req', id: 'r1', method: 'm' });
    await tick();
    assert.equal(sent.length, 1);
    const f = JSON.parse(sent[0]!);
    assert.equal(f.id, 'r1');
    assert.equal(f.ok, false);
    assert.equal(f.error.details.code, 'INTERNAL_ERROR');
    assert.deepEqual(failures, [], 'the connection stays open');
  });

  it('a router that rejects still answers with an error', async () => {
    const { sent, session } = setup(async () => { throw new Error('bug'); });
    session.handle({ type: 'req', id: 'r2', method: 'm' });
    await tick();
    assert.equal(JSON.parse(sent[0]!).error.code, 'UNAVAILABLE');
  });

  it('when even the error reply cannot be sent, only this connection is failed', async () => {
    const { failures, session } = setup(async () => ({ ok: true, payload: 1 }), () => true);
    session.handle({ type: 'req', id: 'r3', method: 'm' });
    await tick();
    assert.deepEqual(failures, [true]);
  });

  it('an event that cannot be sent is skipped and never reaches the publisher', () => {
    const { failures, bus } = setup(async () => ({ ok: true, payload: null }), (f) => f.type === 'event');
    assert.doesNotThrow(() => bus.publish({ event: 'tick', payload: { a: 1 } }));
    assert.deepEqual(failures, [false]);
  });
});
