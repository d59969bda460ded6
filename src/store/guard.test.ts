// The store notices a lost database: deleted or replaced under the open connection, or an
// SQLite error that means the file cannot be written; the failure is sticky and reported once.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from './sqlite.js';
import { createDbGuard, StoreUnavailableError } from './guard.js';

const dir = () => mkdtempSync(join(tmpdir(), 'clawgate-guard-'));
const session = { owner: 'operator', key: 'agent:main:main', sessionId: 's1', agentId: 'main', kind: 'main' as const, label: null, spawnedBy: null, spawnedByRun: null, actingFor: 'local', depth: 0, model: null };

describe('store guard', () => {
  it('creates the database file 0600 (SQLite gives -wal/-shm the same mode)', () => {
    const d = dir();
    const st = openSqliteStore(join(d, 'clawgate.db'));
    st.ensureSession(session);
    for (const f of ['clawgate.db', 'clawgate.db-wal', 'clawgate.db-shm']) assert.equal(statSync(join(d, f)).mode & 0o777, 0o600, f);
    st.close();
    rmSync(d, { recursive: true });
  });

  it('a deleted database refuses every later write, once reported', () => {
    const d = dir();
    const reasons: string[] = [];
    const st = openSqliteStore(join(d, 'clawgate.db'), Date.now, { onUnavailable: (r) => reasons.push(r) });
    st.ensureSession(session);
    assert.deepEqual(st.health(), { ok: true });
    for (const f of ['clawgate.db', 'clawgate.db-wal', 'clawgate.db-shm']) rmSync(join(d, f), { force: true });
    assert.throws(() => st.appendMessage('operator', { sessionKey: session.key, runId: null, role: 'user', content: 'x', actingFor: null, sender: null }), StoreUnavailableError);
    assert.throws(() => st.setSessionStatus('operator', session.key, 'done'), /the database is unavailable: .*clawgate\.db was deleted/);
    assert.equal(st.health().ok, false);
    assert.equal(reasons.length, 1);
    assert.ok(st.getSession('operator', session.key), 'reads still answer from what is open');
    st.close();
    rmSync(d, { recursive: true });
  });

  it('a replaced database file is noticed too', () => {
    const d = dir();
    const p = join(d, 'x.db');
    writeFileSync(p, '');
    const g = createDbGuard(p);
    assert.equal(g.health().ok, true);
    writeFileSync(join(d, 'other'), '');
    renameSync(join(d, 'other'), p);
    const h = g.health();
    assert.ok(!h.ok && /replaced by another file/.test(h.reason));
    rmSync(d, { recursive: true });
  });

  it('SQLite errors meaning the file is gone or unwritable make it unavailable; other errors pass through', () => {
    const d = dir();
    const p = join(d, 'x.db');
    writeFileSync(p, '');
    const g = createDbGuard(p);
    assert.throws(() => g.write(() => { throw Object.assign(new Error('constraint'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }); }), /constraint/);
    assert.equal(g.health().ok, true);
    assert.throws(() => g.write(() => { throw Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY_DBMOVED' }); }), StoreUnavailableError);
    assert.throws(() => g.write(() => 1), /SQLITE_READONLY_DBMOVED/);
    rmSync(d, { recursive: true });
  });
});
