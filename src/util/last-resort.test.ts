import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { installLastResort } from './last-resort.js';
import type { Logger } from './log.js';

function memoryLog(lines: { msg: string; fields?: Record<string, unknown> }[]): Logger {
  const l: Logger = { debug() {}, info() {}, warn() {}, error(msg, fields) { lines.push({ msg, ...(fields ? { fields } : {}) }); }, child: () => l, addSecret() {} };
  return l;
}

describe('last resort', () => {
  it('logs an escaped exception or rejection and keeps the process', () => {
    const proc = new EventEmitter();
    const lines: { msg: string; fields?: Record<string, unknown> }[] = [];
    const exits: number[] = [];
    const uninstall = installLastResort(proc, memoryLog(lines), { exit: (c) => exits.push(c) });
    proc.emit('uncaughtException', new RangeError('Invalid string length'));
    proc.emit('unhandledRejection', 'x'.repeat(1e6));
    assert.deepEqual(exits, []);
    assert.equal(lines.length, 2);
    assert.match(String(lines[0]!.fields!.err), /^RangeError: Invalid string length/);
    assert.ok(String(lines[1]!.fields!.err).length <= 2_000);
    uninstall();
    assert.equal(proc.listenerCount('uncaughtException'), 0);
  });

  it('exits non-zero on a storm (shared state is likely broken), so the supervisor restarts it', () => {
    const proc = new EventEmitter();
    const exits: number[] = [];
    let t = 0;
    installLastResort(proc, memoryLog([]), { maxPerMinute: 3, now: () => t, exit: (c) => exits.push(c) });
    for (let i = 0; i < 3; i++) proc.emit('uncaughtException', new Error('boom'));
    assert.deepEqual(exits, []);
    t = 61_000; // the window slides: old errors no longer count
    for (let i = 0; i < 3; i++) proc.emit('uncaughtException', new Error('boom'));
    assert.deepEqual(exits, []);
    proc.emit('uncaughtException', new Error('boom'));
    assert.deepEqual(exits, [70]);
  });
});
