// The SQLite store: migrations, the acknowledgement transaction, the in-memory session mirror
// agreeing with the database (also after a failed write and a reopen), and crash recovery.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from './sqlite.js';
import { MIGRATIONS } from './migrations.js';
import type { NewSession } from './types.js';

const session = (key: string, extra: Partial<NewSession> = {}): NewSession => ({
  owner: 'operator', key, sessionId: `id-${key}`, agentId: key.split(':')[1]!, kind: key.endsWith(':main') ? 'main' : 'subagent', label: null,
  spawnedBy: null, spawnedByRun: null, actingFor: 'token', depth: 0, model: null, ...extra,
});
const run = (runId: string, sessionKey: string, owner = 'operator') => ({ owner, runId, sessionKey, agentId: sessionKey.split(':')[1]!, actingFor: 'token', parentRunId: null, parentSessionKey: null, depth: 0, message: 'hi' });

describe('sqlite store', () => {
  it('accepts a run with its session and user message in one transaction', () => {
    const st = openSqliteStore(':memory:');
    const r = st.acceptRun(session('agent:manager:main'), run('r1', 'agent:manager:main'), [{ type: 'text', text: 'hi' }], 'token');
    assert.equal(r.status, 'accepted');
    assert.equal(st.getSession('operator', 'agent:manager:main')!.status, 'running');
    assert.deepEqual(st.listMessages('operator', 'agent:manager:main', 10).map((m) => m.role), ['user']);
  });

  it('leaves both the database and the mirror untouched when the transaction fails', () => {
    const st = openSqliteStore(':memory:');
    st.acceptRun(session('agent:manager:main'), run('r1', 'agent:manager:main'), [], 'token');
    assert.throws(() => st.acceptRun(session('agent:worker:subagent:x'), run('r1', 'agent:worker:subagent:x'), [], 'token'), /UNIQUE/);
    assert.equal(st.getSession('operator', 'agent:worker:subagent:x'), undefined);
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
    assert.equal(st.getSession('operator', 'agent:worker:subagent:b')!.status, 'idle');
    st.appendMessage('operator', { sessionKey: 'agent:manager:main', runId: null, role: 'user', content: [], actingFor: 'token', sender: 'token' });
    assert.equal(st.listSessions({})[0]!.key, 'agent:manager:main');
  });

  it('reopens with the same sessions and marks in-flight runs interrupted', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'clawgate-store-')), 'db.sqlite');
    const a = openSqliteStore(path);
    a.acceptRun(session('agent:manager:main'), run('r1', 'agent:manager:main'), [{ type: 'text', text: 'hi' }], 'token');
    a.close();
    const b = openSqliteStore(path);
    assert.equal(b.interruptInFlight(), 1);
    assert.equal(b.getRun('operator', 'r1')!.status, 'interrupted');
    assert.equal(b.getSession('operator', 'agent:manager:main')!.status, 'interrupted');
    assert.deepEqual(b.listSessions({}).map((s) => s.status), ['interrupted']);
    assert.equal(b.integrityCheck(), 'ok');
    b.close();
  });

  it('reads messages newest first from an offset, lazily, with the byte size of their stored JSON', () => {
    const st = openSqliteStore(':memory:');
    st.ensureSession(session('agent:manager:main'));
    for (let i = 0; i < 5; i++) st.appendMessage('operator', { sessionKey: 'agent:manager:main', runId: null, role: 'user', content: [{ type: 'text', text: `${i}\u0001` }], actingFor: 'token', sender: 'token' });
    assert.equal(st.countMessages('operator', 'agent:manager:main'), 5);
    const page = [...st.messagesNewestFirst('operator', 'agent:manager:main', 1, 3)];
    assert.deepEqual(page.map((m) => (m.content as { text: string }[])[0]!.text), ['3\u0001', '2\u0001', '1\u0001']);
    assert.equal(page[0]!.contentBytes, Buffer.byteLength(JSON.stringify([{ type: 'text', text: '3\u0001' }])));
    assert.deepEqual([...st.messagesNewestFirst('operator', 'agent:manager:main', 5, 3)], []);
    // Stopping early releases the cursor: the store stays usable.
    for (const m of st.messagesNewestFirst('operator', 'agent:manager:main', 0, 5)) { assert.ok(m); break; }
    st.appendMessage('operator', { sessionKey: 'agent:manager:main', runId: null, role: 'user', content: [], actingFor: 'token', sender: 'token' });
    assert.equal(st.countMessages('operator', 'agent:manager:main'), 6);
  });

  it('shows a stored message that is not JSON (a damaged row) as a notice instead of failing the transcript', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'clawgate-store-')), 'db.sqlite');
    const a = openSqliteStore(path);
    a.ensureSession(session('agent:manager:main'));
    a.appendMessage('operator', { sessionKey: 'agent:manager:main', runId: null, role: 'user', content: [{ type: 'text', text: 'ok' }], actingFor: 'token', sender: 'token' });
    a.close();
    const raw = new Database(path);
    raw.prepare(`INSERT INTO messages (owner, session_key, run_id, role, content, acting_for, created_at) VALUES ('operator', 'agent:manager:main', NULL, 'user', '{not json', 'token', 1)`).run();
    raw.close();
    const b = openSqliteStore(path);
    const texts = [...b.messagesNewestFirst('operator', 'agent:manager:main', 0, 10)].map((m) => (m.content as { text: string }[])[0]!.text);
    assert.deepEqual(texts, ['[the gateway could not read this stored message]', 'ok']);
    b.close();
  });

  it('keeps each owner\'s sessions, runs and transcripts apart under the same key and run id', () => {
    const st = openSqliteStore(':memory:');
    const alice = 'trusted-proxy:alice@example.com';
    const bob = 'trusted-proxy:bob@example.com';
    st.acceptRun(session('agent:manager:main', { owner: alice, sessionId: 'sa' }), run('hello-1', 'agent:manager:main', alice), [{ type: 'text', text: 'from alice' }], alice);
    st.acceptRun(session('agent:manager:main', { owner: bob, sessionId: 'sb' }), run('hello-1', 'agent:manager:main', bob), [{ type: 'text', text: 'from bob' }], bob);
    assert.equal(st.getSession(alice, 'agent:manager:main')!.sessionId, 'sa');
    assert.equal(st.getSession(bob, 'agent:manager:main')!.sessionId, 'sb');
    assert.equal(st.getSession('operator', 'agent:manager:main'), undefined);
    assert.deepEqual(st.listMessages(alice, 'agent:manager:main', 10).map((m) => [m.sender, (m.content as { text: string }[])[0]!.text]), [[alice, 'from alice']]);
    assert.equal(st.getRun(bob, 'hello-1')!.messageId, st.listMessages(bob, 'agent:manager:main', 1)[0]!.id);
    assert.deepEqual(st.listSessions({ owner: alice }).map((s) => s.owner), [alice]);
    assert.deepEqual(st.listSessions({}).map((s) => s.owner).sort(), [alice, bob]);
    assert.equal(st.deleteSession(bob, 'agent:manager:main'), true);
    assert.equal(st.getRun(bob, 'hello-1'), undefined, 'runs go with their session');
    assert.ok(st.getRun(alice, 'hello-1'), 'the other owner keeps theirs');
    assert.equal(st.listMessages(alice, 'agent:manager:main', 10).length, 1);
  });

  it('migrates a version-1 database: owners from actingFor, senders, each run\'s input message', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'clawgate-store-')), 'v1.sqlite');
    const db = new Database(path);
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    db.exec(MIGRATIONS[0]!.sql);
    db.prepare('INSERT INTO schema_migrations VALUES (1, ?, 0)').run(MIGRATIONS[0]!.name);
    db.exec(`INSERT INTO sessions (key, session_id, agent_id, kind, acting_for, created_at, updated_at) VALUES
      ('agent:manager:main', 's1', 'manager', 'main', 'trusted-proxy:Me@Example.com', 1, 1),
      ('agent:worker:subagent:x', 's2', 'worker', 'subagent', 'token', 1, 1)`);
    db.exec(`INSERT INTO runs (run_id, session_key, agent_id, status, acting_for, message, created_at) VALUES ('r1', 'agent:manager:main', 'manager', 'ok', 'trusted-proxy:Me@Example.com', 'hi', 1)`);
    db.exec(`INSERT INTO messages (session_key, run_id, role, content, acting_for, created_at) VALUES
      ('agent:manager:main', 'r1', 'user', '[]', 'trusted-proxy:Me@Example.com', 1), ('agent:manager:main', 'r1', 'assistant', '[]', 'trusted-proxy:Me@Example.com', 2)`);
    db.close();
    const st = openSqliteStore(path);
    const me = 'trusted-proxy:me@example.com';
    assert.equal(st.getSession(me, 'agent:manager:main')!.sessionId, 's1');
    assert.equal(st.getSession('operator', 'agent:worker:subagent:x')!.sessionId, 's2');
    assert.equal(st.getRun(me, 'r1')!.messageId, 1);
    assert.deepEqual(st.listMessages(me, 'agent:manager:main', 10).map((m) => m.sender), ['trusted-proxy:Me@Example.com', 'agent:manager']);
    assert.equal(st.integrityCheck(), 'ok');
    st.close();
  });
});
