import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSendBudget } from './send-budget.js';
import { createConnectionSlots } from './conn-slots.js';

describe('send budget', () => {
  it('lets one large frame out, then caps what queues behind it', () => {
    const b = createSendBudget({ perConnection: 100, total: 10_000 });
    const q = b.open(() => assert.fail('not evicted'));
    assert.equal(q.admit(5_000), true, 'a frame larger than the cap goes out on an empty queue');
    assert.equal(q.admit(60), true);
    assert.equal(q.admit(40), true);
    assert.equal(q.admit(1), false, 'more than 100 bytes behind the frame in flight');
    q.written();
    assert.equal(q.pendingBytes, 100);
    assert.equal(q.admit(1), true, '40 bytes behind the 60-byte frame now in flight');
    q.written(); q.written(); q.written();
    assert.equal(q.pendingBytes, 0);
    assert.equal(b.totalBytes, 0);
    q.written();
    assert.equal(b.totalBytes, 0, 'a stray callback changes nothing');
  });

  it('evicts the connection with the most bytes queued behind its frame when the total passes the limit', () => {
    const b = createSendBudget({ perConnection: 1_000, total: 2_000 });
    const evicted: string[] = [];
    const reader = b.open(() => evicted.push('reader'));
    const stuck = b.open(() => evicted.push('stuck'));
    for (let i = 0; i < 9; i++) assert.equal(stuck.admit(100), true);
    assert.equal(reader.admit(900), true, 'one big frame in flight, nothing behind it');
    assert.equal(b.totalBytes, 1_800);
    assert.equal(reader.admit(300), true);
    assert.deepEqual(evicted, ['stuck']);
    assert.equal(b.totalBytes, 1_200);
    assert.equal(stuck.admit(1), false, 'an evicted queue admits nothing');
    assert.equal(b.connections, 1);
  });

  it('refuses the frame that made its own connection the worst offender', () => {
    const b = createSendBudget({ perConnection: 1_000, total: 500 });
    const evicted: string[] = [];
    const q = b.open(() => evicted.push('q'));
    assert.equal(q.admit(400), true);
    assert.equal(q.admit(200), false);
    assert.deepEqual(evicted, ['q']);
    assert.equal(b.totalBytes, 0);
    q.release();
    assert.equal(b.totalBytes, 0, 'release is idempotent');
  });
});

describe('connection slots', () => {
  it('caps per client IP and per principal, and frees a slot once', () => {
    const s = createConnectionSlots({ maxConnectionsPerIp: 2, maxConnectionsPerPrincipal: 3 });
    const a = s.take('10.0.0.1', 'token');
    const b = s.take('10.0.0.1', 'token');
    assert.ok(a.ok && b.ok);
    assert.deepEqual(s.take('10.0.0.1', 'token'), { ok: false, limit: 'maxConnectionsPerIp', max: 2 });
    const c = s.take('10.0.0.2', 'token');
    assert.ok(c.ok);
    assert.deepEqual(s.take('10.0.0.3', 'token'), { ok: false, limit: 'maxConnectionsPerPrincipal', max: 3 });
    assert.equal(s.take('10.0.0.3', 'password').ok, true, 'another principal is counted apart');
    a.release(); a.release();
    assert.equal(s.take('10.0.0.3', 'token').ok, true);
    assert.equal(s.take('10.0.0.4', 'token').ok, false, 'the double release freed one slot only');
  });
});
