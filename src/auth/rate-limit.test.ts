// Unit tests for the failed-credential limiter on a fake clock: lockout, window and lockout expiry, success reset, bounded keys.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRateLimiter, type RateLimitOptions } from './rate-limit.js';

function limiter(opts: Partial<RateLimitOptions> = {}) {
  const clock = { t: 1_000_000 };
  const rl = createRateLimiter({ maxAttempts: 3, windowMs: 1_000, lockoutMs: 5_000, now: () => clock.t, ...opts });
  return { rl, clock, fail: (key: string, n = 1) => { for (let i = 0; i < n; i++) rl.recordFailure(key); } };
}

describe('rate limiter', () => {
  it('lets an unknown key try', () => {
    assert.equal(limiter().rl.blockedFor('198.51.100.1'), 0);
  });

  it('locks a key out after maxAttempts failures for lockoutMs', () => {
    const { rl, clock, fail } = limiter();
    fail('a', 2);
    assert.equal(rl.blockedFor('a'), 0, 'one failure short of the limit is not locked');
    fail('a');
    assert.equal(rl.blockedFor('a'), 5_000);
    clock.t += 1_234;
    assert.equal(rl.blockedFor('a'), 5_000 - 1_234);
  });

  it('keeps keys independent', () => {
    const { rl, fail } = limiter();
    fail('a', 3);
    assert.ok(rl.blockedFor('a') > 0);
    assert.equal(rl.blockedFor('b'), 0);
  });

  it('forgets failures older than the window', () => {
    const { rl, clock, fail } = limiter();
    fail('a', 2);
    clock.t += 1_000; // exactly one window later: the first two no longer count
    fail('a', 2);
    assert.equal(rl.blockedFor('a'), 0);
    fail('a');
    assert.equal(rl.blockedFor('a'), 5_000);
  });

  it('counts failures spread inside one window', () => {
    const { rl, clock, fail } = limiter();
    fail('a');
    clock.t += 400;
    fail('a');
    clock.t += 599;
    fail('a');
    assert.equal(rl.blockedFor('a'), 5_000);
  });

  it('releases the key when the lockout expires and starts counting afresh', () => {
    const { rl, clock, fail } = limiter();
    fail('a', 3);
    clock.t += 4_999;
    assert.equal(rl.blockedFor('a'), 1);
    clock.t += 1;
    assert.equal(rl.blockedFor('a'), 0);
    fail('a', 2);
    assert.equal(rl.blockedFor('a'), 0, 'the failures that caused the lockout are not carried over');
    fail('a');
    assert.ok(rl.blockedFor('a') > 0);
  });

  it('resets the failure count on success', () => {
    const { rl, fail } = limiter();
    fail('a', 2);
    rl.recordSuccess('a');
    fail('a', 2);
    assert.equal(rl.blockedFor('a'), 0);
    fail('a');
    assert.equal(rl.blockedFor('a'), 5_000);
  });

  it('does not let a success end an active lockout', () => {
    const { rl, fail } = limiter();
    fail('a', 3);
    rl.recordSuccess('a');
    assert.equal(rl.blockedFor('a'), 5_000);
  });

  it('with lockoutMs 0 never blocks', () => {
    const { rl, fail } = limiter({ lockoutMs: 0 });
    fail('a', 10);
    assert.equal(rl.blockedFor('a'), 0);
  });

  it('bounds the number of tracked keys by dropping the oldest', () => {
    const { rl, fail } = limiter({ maxAttempts: 2, maxKeys: 2 });
    fail('a');
    fail('b');
    fail('c'); // a third key: "a" is dropped
    fail('a'); // "a" starts again from one failure (and "b" is dropped to make room)
    assert.equal(rl.blockedFor('a'), 0, 'the failure recorded before eviction was forgotten');
    fail('a');
    assert.ok(rl.blockedFor('a') > 0);
    fail('b');
    assert.equal(rl.blockedFor('b'), 0, '"b" was dropped when "a" came back, so this is its first failure');
  });

  it('keeps tracking a key that is already present when the table is full', () => {
    const { rl, fail } = limiter({ maxAttempts: 2, maxKeys: 2 });
    fail('a');
    fail('b');
    fail('a');
    assert.ok(rl.blockedFor('a') > 0);
    fail('b');
    assert.ok(rl.blockedFor('b') > 0, '"b" was not evicted by a repeat failure of "a"');
  });
});

describe('the gateway-wide failure budget', () => {
  const make = () => {
    let t = 1_000_000;
    const rl = createRateLimiter({ maxAttempts: 100, windowMs: 60_000, lockoutMs: 60_000, globalMaxAttempts: 3, now: () => t });
    return { rl, advance: (ms: number) => { t += ms; } };
  };

  it('rations clients without a recent success to one attempt per windowMs / globalMaxAttempts once spent', () => {
    const { rl, advance } = make();
    for (const k of ['a', 'b', 'c']) { assert.equal(rl.blockedFor(k), 0); rl.recordFailure(k); }
    assert.equal(rl.blockedFor('d'), 0, 'the first rationed attempt');
    rl.recordFailure('d');
    assert.equal(rl.blockedFor('e'), 20_000, 'the next one waits for the slot');
    advance(20_000);
    assert.equal(rl.blockedFor('e'), 0);
  });

  it('never holds back a key that proved the secret, and recovers once the failures leave the window', () => {
    const { rl, advance } = make();
    rl.recordSuccess('good');
    for (const k of ['a', 'b', 'c']) rl.recordFailure(k);
    assert.equal(rl.blockedFor('x'), 0);
    assert.ok(rl.blockedFor('y') > 0);
    assert.equal(rl.blockedFor('good'), 0);
    assert.equal(rl.blockedFor('good'), 0);
    advance(60_001);
    assert.equal(rl.blockedFor('y'), 0);
    assert.equal(rl.blockedFor('z'), 0);
  });

  it('is off without globalMaxAttempts', () => {
    const rl = createRateLimiter({ maxAttempts: 100, windowMs: 60_000, lockoutMs: 60_000 });
    for (let i = 0; i < 50; i++) rl.recordFailure(`k${i}`);
    assert.equal(rl.blockedFor('new'), 0);
  });
});
