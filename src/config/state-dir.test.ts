// State dir rules as units: what counts as not private, the refusal text, tightening of old
// files, and the lock (second holder refused with the holder's pid/port, garbage lock file).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireStateLock, prepareStateDir, readLockHolder, stateDirProblem, StateDirError } from './state-dir.js';

const dir = () => mkdtempSync(join(tmpdir(), 'clawgate-sd-'));

describe('state dir rules', () => {
  it('a dir is private only without group/other bits; a file is not a dir; a missing dir is fine', () => {
    const d = dir();
    assert.equal(stateDirProblem(d), undefined);
    for (const m of [0o750, 0o705, 0o770, 0o777, 0o710]) {
      chmodSync(d, m);
      assert.deepEqual(stateDirProblem(d), { kind: 'too-open', dir: d, mode: m });
    }
    chmodSync(d, 0o700);
    writeFileSync(join(d, 'f'), '');
    assert.deepEqual(stateDirProblem(join(d, 'f')), { kind: 'not-a-directory', dir: join(d, 'f') });
    assert.equal(stateDirProblem(join(d, 'missing')), undefined);
    rmSync(d, { recursive: true });
  });

  it('prepareStateDir refuses with the fix and tightens the gateway\'s own old files only', () => {
    const d = dir();
    writeFileSync(join(d, 'clawgate.db'), '');
    writeFileSync(join(d, 'clawgate.json'), '{}');
    chmodSync(join(d, 'clawgate.db'), 0o644);
    chmodSync(join(d, 'clawgate.json'), 0o644);
    prepareStateDir(d);
    assert.equal(statSync(join(d, 'clawgate.db')).mode & 0o777, 0o600);
    assert.equal(statSync(join(d, 'clawgate.json')).mode & 0o777, 0o644, 'the config is the operator\'s file');
    chmodSync(d, 0o755);
    assert.throws(() => prepareStateDir(d), (e: Error) => e instanceof StateDirError && /has mode 0755/.test(e.message) && /fix: run "chmod 700/.test(e.message));
    rmSync(d, { recursive: true });
  });

  it('one lock holder at a time; the holder file names pid and port; release lets the next one in', () => {
    const d = dir();
    const a = acquireStateLock(d);
    a.setPort(4321);
    assert.deepEqual({ ...readLockHolder(d), startedAt: 'x' }, { pid: process.pid, port: 4321, startedAt: 'x' });
    assert.throws(() => acquireStateLock(d), (e: Error) => e instanceof StateDirError && e.message.includes(`(pid ${process.pid}, port 4321`));
    a.release();
    a.release();
    assert.equal(readLockHolder(d), undefined);
    const b = acquireStateLock(d);
    b.release();
    rmSync(d, { recursive: true });
  });

  it('a garbage lock file is a clear refusal, not a raw SQLite error', () => {
    const d = dir();
    writeFileSync(join(d, 'gateway.lock'), 'this is not a database, just some bytes that are long enough to have a header'.repeat(10));
    assert.throws(() => acquireStateLock(d), (e: Error) => e instanceof StateDirError && /cannot take the state directory's lock/.test(e.message) && /remove .*gateway\.lock/.test(e.message));
    rmSync(d, { recursive: true });
  });
});
