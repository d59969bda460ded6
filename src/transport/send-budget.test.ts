import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSendBudget } from './send-budget.js';
import { createConnectionSlots } from './conn-slots.js';

describe('send budget', () => {
  /** A fake socket: `send` adds to its buffer unless the kernel takes it; `flush` writes the oldest frame. */
  const socket = (budget: ReturnType<typeof createSendBudget>, evicted: string[], name: string) => {
    let buffered = 0;
    const frames: number[] = [];
    const q = budget.open(() => buffered, () => evicted.push(name));
    return {
      q,
      send(bytes: number, kernelTakesIt = false): boolean {
        if (!q.admit(bytes)) return false;
        frames.push(bytes);
        if (!kernelTakesIt) buffered += bytes;
        return q.sent();
      },
      flush() { buffered -= Math.min(buffered, frames.shift() ?? 0); q.written(); },
    };
  };

  it('lets one large frame out, then caps what queues behind it', () => {
    const b = createSendBudget({ perConnection: 100, total: 10_000 });
    const s = socket(b, [], 's');
    assert.equal(s.send(5_000), true, 'a frame larger than the cap goes out on an empty queue');
    assert.equal(s.send(60), true);
    assert.equal(s.send(40), true);
    assert.equal(s.send(1), false, 'more than 100 bytes behind the frame in flight');
    s.flush();
    assert.equal(s.q.pendingBytes, 100);
    assert.equal(s.send(1), true, '40 bytes behind the 60-byte frame now in flight');
    s.flush(); s.flush(); s.flush();
    assert.equal(s.q.pendingBytes, 0);
    assert.equal(b.totalBytes, 0);
    s.q.written();
    assert.equal(b.totalBytes, 0, 'a stray callback changes nothing');
  });

  it('counts only what the socket still holds: a burst the kernel takes costs nothing', () => {
    const b = createSendBudget({ perConnection: 1_000, total: 1_000 });
    const evicted: string[] = [];
    const readers = Array.from({ length: 50 }, (_, i) => socket(b, evicted, `r${i}`));
    for (const r of readers) assert.equal(r.send(500, true), true);
    assert.deepEqual(evicted, []);
    assert.equal(b.totalBytes, 0);
  });

  it('evicts the connection with the most bytes queued behind its frame when the total passes the limit', () => {
    const b = createSendBudget({ perConnection: 1_000, total: 2_000 });
    const evicted: string[] = [];
    const reader = socket(b, evicted, 'reader');
    const stuck = socket(b, evicted, 'stuck');
    for (let i = 0; i < 9; i++) assert.equal(stuck.send(100), true);
    assert.equal(reader.send(900), true, 'one big frame in flight, nothing behind it');
    assert.equal(b.totalBytes, 1_800);
    assert.equal(reader.send(300), true);
    assert.deepEqual(evicted, ['stuck']);
    assert.equal(b.totalBytes, 1_200);
    assert.equal(stuck.send(1), false, 'an evicted queue admits nothing');
    assert.equal(b.connections, 1);
  });

  it('evicts the connection whose own frame made it the worst offender', () => {
    const b = createSendBudget({ perConnection: 1_000, total: 500 });
    const evicted: string[] = [];
    const s = socket(b, evicted, 's');
    assert.equal(s.send(400), true);
    assert.equal(s.send(200), false);
    assert.deepEqual(evicted, ['s']);
    assert.equal(b.totalBytes, 0);
    s.q.release();
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
