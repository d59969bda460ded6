import { describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { createDeltaStream } from './delta-stream.js';

describe('delta stream', () => {
  it('sends the first piece at once and coalesces the rest until the interval passes', () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    try {
      const out: string[] = [];
      const s = createDeltaStream((d) => out.push(d), { intervalMs: 50, maxChars: 1_000 });
      s.push('a ');
      assert.deepEqual(out, ['a ']);
      s.push('b ');
      s.push('c ');
      assert.deepEqual(out, ['a ']);
      mock.timers.tick(50);
      assert.deepEqual(out, ['a ', 'b c ']);
      s.push('d');
      s.close();
      s.push('ignored');
      mock.timers.tick(100);
      assert.deepEqual(out, ['a ', 'b c ', 'd']);
    } finally {
      mock.timers.reset();
    }
  });

  it('flushes as soon as maxChars are pending, whatever the clock says', () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    try {
      const out: string[] = [];
      const s = createDeltaStream((d) => out.push(d), { intervalMs: 1_000, maxChars: 4 });
      for (const c of 'abcdefghij') s.push(c);
      assert.deepEqual(out, ['a', 'bcde', 'fghi']);
      s.flush();
      assert.deepEqual(out, ['a', 'bcde', 'fghi', 'j']);
      s.flush();
      assert.equal(out.length, 4, 'nothing pending, nothing sent');
    } finally {
      mock.timers.reset();
    }
  });
});
