// The SQLite store: migrations, the acknowledgement transaction, the in-memory session mirror
// agreeing with the database (also after a failed write and a reopen), and crash recovery.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from './sqlite.js';
import type { NewSession } from './types.js';

const session = (key: string, extra: Partial<NewSession> = {}): NewSession => ({
  key, sessionId: `id-${key}`, agentId: key.split(':')[1]!, kind: key.endsWith(':main') ? 'main' : 'subagent', label: null,
  spawnedBy: null, spawnedByRun: null, actingFor: 'token', depth: 0, model: null, ...extra,
});
const run = (runId: string, sessionKey: string) => ({ runId, sessionKey, agentId: sessionKey.split(':')[1]!, actingFor: 'token', parentRunId: null, parentSessionKey: null, depth: 0, message: 'hi' });

describe('sqlite store', () => {
  it('accepts a run with its session and user message in one transaction', () => {
    const st = openSqliteStore(':memory:');
    const r = st.acceptRun(session('agent:manager:main'), run('r1', 'agent:manager:main'), [{ type: 'text', text: 'hi' }]);
    assert.equal(r.status, 'accepted');
    assert.equal(st.getSession('agent:manager:main')!.status, 'running');
    assert.deepEqual(st.listMessages('agent:manager:main', 10).map((m) => m.role), ['user']);
  });

  it('leaves both the database and the mirror untouched when the transaction fails', () => {
    const st = openSqliteStore(':memory:');
    st.acceptRun(session('agent:manager:main'), run('r1', 'agent:manager:main'), []);
    assert.throws(() => st.acceptRun(session('agent:worker:subagent:x'), run('r1', 'agent:worker:subagent:x'), []), /UNIQUE/);
    assert.equal(st.getSession('agent:worker:subagent:x'), undefined);
    assert.equal(st.countSessions(), 1);
  });

  it('lists newest first with filters, search and limit, and returns copies', () => {
    let t = 1000;
    const st = openSqliteStore(':memory:', () => t++);
    st.ensureSession(session('agent:manager:main'));
    st.ensureSession(session('agent:worker:subagent:a', { spawnedBy: 'agent:manager:main', label: 'Alpha' }));
    st.ensureSession(session('agent:worker:subagent:b', { spawnedBy: 'agent:manager:main' }));
    assert.deepEqual(st.listSessions({}).map((s) => s.key), ['agent:worker:subagent:b', 'agent:worker:subagent:a', 'agent:manager:main']);
    assert.deepEqual(st.listSessions({ spawnedBy: 'agent:manager:main', limit: 1 }).map((s) => s.key), ['agent:worker:subagent:b']);
    assert.deepEqual(st.listSessions({ search: 'alp' }).map((s) => s.key), ['agent:worker:subagent:a']);
    assert.deepEqual(st.listSessions({ agentId: 'manager' }).map((s) => s.key), ['agent:manager:main']);
    st.listSessions({})[0]!.status = 'error';
    assert.equal(st.getSession('agent:worker:subagent:b')!.status, 'idle');
    st.appendMessage({ sessionKey: 'agent:manager:main', runId: null, role: 'user', content: [], actingFor: 'token' });
    assert.equal(st.listSessions({})[0]!.key, 'agent:manager:main');
  });

  it('reopens with the same sessions and marks in-flight runs interrupted', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'clawgate-store-')), 'db.sqlite');
    const a = openSqliteStore(path);
    a.acceptRun(session('agent:manager:main'), run('r1', 'agent:manager:main'), [{ type: 'text', text: 'hi' }]);
    a.close();
    const b = openSqliteStore(path);
    assert.equal(b.interruptInFlight(), 1);
    assert.equal(b.getRun('r1')!.status, 'interrupted');
    assert.equal(b.getSession('agent:manager:main')!.status, 'interrupted');
    assert.deepEqual(b.listSessions({}).map((s) => s.status), ['interrupted']);
    assert.equal(b.integrityCheck(), 'ok');
    b.close();
  });

  it('reads messages newest first from an offset, lazily, with the byte size of their stored JSON', () => {
    const st = openSqliteStore(':memory:');
    st.ensureSession(session('agent:manager:main'));
    for (let i = 0; i < 5; i++) st.appendMessage({ sessionKey: 'agent:manager:main', runId: null, role: 'user', content: [{ type: 'text', text: `${i}\u0001` }], actingFor: 'token' });
    assert.equal(st.countMessages('agent:manager:main'), 5);
    const page = [...st.messagesNewestFirst('agent:manager:main', 1, 3)];
    assert.deepEqual(page.map((m) => (m.content as { text: string }[])[0]!.text), ['3\u0001', '2\u0001', '1\u0001']);
    assert.equal(page[0]!.contentBytes, Buffer.byteLength(JSON.stringify([{ type: 'text', text: '3\u0001' }])));
    assert.deepEqual([...st.messagesNewestFirst('agent:manager:main', 5, 3)], []);
    // Stopping early releases the cursor: the store stays usable.
    for (const m of st.messagesNewestFirst('agent:manager:main', 0, 5)) { assert.ok(m); break; }
    st.appendMessage({ sessionKey: 'agent:manager:main', runId: null, role: 'user', content: [], actingFor: 'token' });
    assert.equal(st.countMessages('agent:manager:main'), 6);
  });

  it('shows a stored message that is not JSON (a damaged row) as a notice instead of failing the transcript', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'clawgate-store-')), 'db.sqlite');
    const a = openSqliteStore(path);
    a.ensureSession(session('agent:manager:main'));
    a.appendMessage({ sessionKey: 'agent:manager:main', runId: null, role: 'user', content: [{ type: 'text', text: 'ok' }], actingFor: 'token' });
    a.close();
    const raw = new Database(path);
    raw.prepare(`INSERT INTO messages (session_key, run_id, role, content, acting_for, created_at) VALUES ('agent:manager:main', NULL, 'user', '{not json', 'token', 1)`).run();
    raw.close();
    const b = openSqliteStore(path);
    const texts = [...b.messagesNewestFirst('agent:manager:main', 0, 10)].map((m) => (m.content as { text: string }[])[0]!.text);
    assert.deepEqual(texts, ['[the gateway could not read this stored message]', 'ok']);
    b.close();
  });
});
