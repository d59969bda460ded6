// SQLite store (better-sqlite3, WAL). Statements are prepared once; acknowledged writes are
// synchronous with synchronous=FULL so a kill -9 after an ack loses nothing.
import { closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { createDbGuard } from './guard.js';
import { MIGRATIONS } from './migrations.js';
import {
  FINAL_RUN_STATUSES, type MessageRow, type NewRun, type NewSession, type RunRow, type RunStatus, type SessionFilter, type SessionRow, type SessionStatus, type Store,
} from './types.js';

type Row = Record<string, unknown>;

const toSession = (r: Row): SessionRow => ({
  owner: r.owner as string, key: r.key as string, sessionId: r.session_id as string, agentId: r.agent_id as string,
  kind: r.kind as SessionRow['kind'], label: (r.label as string | null) ?? null,
  spawnedBy: (r.spawned_by as string | null) ?? null, spawnedByRun: (r.spawned_by_run as string | null) ?? null,
  actingFor: r.acting_for as string, depth: r.depth as number, status: r.status as SessionStatus,
  model: (r.model as string | null) ?? null, lastRunId: (r.last_run_id as string | null) ?? null,
  createdAt: r.created_at as number, updatedAt: r.updated_at as number,
  archivedAt: (r.archived_at as number | null | undefined) ?? null,
});

const toRun = (r: Row): RunRow => ({
  owner: r.owner as string, runId: r.run_id as string, sessionKey: r.session_key as string, agentId: r.agent_id as string,
  status: r.status as RunStatus, actingFor: r.acting_for as string,
  parentRunId: (r.parent_run_id as string | null) ?? null, parentSessionKey: (r.parent_session_key as string | null) ?? null,
  depth: r.depth as number, message: r.message as string, messageId: r.message_id as number, reply: (r.reply as string | null) ?? null,
  error: (r.error as string | null) ?? null, createdAt: r.created_at as number, endedAt: (r.ended_at as number | null) ?? null,
});

/** Stored content that does not parse (a damaged row) is shown as a notice instead of failing the whole transcript. */
function parseContent(text: string): unknown {
  try { return JSON.parse(text) as unknown; } catch { return [{ type: 'text', text: '[the gateway could not read this stored message]' }]; }
}

const toMessage = (r: Row): MessageRow => ({
  id: r.id as number, sessionKey: r.session_key as string, runId: (r.run_id as string | null) ?? null,
  role: r.role as MessageRow['role'], content: parseContent(r.content as string),
  actingFor: (r.acting_for as string | null) ?? null, sender: (r.sender as string | null) ?? null, createdAt: r.created_at as number,
});

export function migrate(db: Database.Database): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  let count = 0;
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    const fk = db.pragma('foreign_keys', { simple: true }) as number;
    if (m.rebuild) db.pragma('foreign_keys = OFF'); // a no-op inside a transaction, so before it
    try {
      db.transaction(() => {
        db.exec(m.sql);
        if (m.rebuild && (db.pragma('foreign_key_check') as unknown[]).length > 0) throw new Error(`migration ${m.version} left dangling references`);
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
      })();
    } finally {
      if (m.rebuild) db.pragma(`foreign_keys = ${fk ? 'ON' : 'OFF'}`);
    }
    count++;
  }
  return count;
}

export interface StoreOptions {
  /** Called once when the database is found deleted, replaced or unwritable (store/guard.ts). */
  onUnavailable?: (reason: string) => void;
}

export function openSqliteStore(path: string, now: () => number = Date.now, opts: StoreOptions = {}): Store {
  // Created 0600 before SQLite opens it: SQLite gives the -wal and -shm files the database's mode.
  if (path !== ':memory:') closeSync(openSync(path, 'a', 0o600));
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  const guard = createDbGuard(path, opts.onUnavailable);

  const q = {
    getSession: db.prepare('SELECT * FROM sessions WHERE owner = ? AND key = ?'),
    insertSession: db.prepare(`INSERT OR IGNORE INTO sessions (owner, key, session_id, agent_id, kind, label, spawned_by, spawned_by_run, acting_for, depth, status, model, created_at, updated_at)
      VALUES (@owner, @key, @sessionId, @agentId, @kind, @label, @spawnedBy, @spawnedByRun, @actingFor, @depth, 'idle', @model, @now, @now)`),
    setSessionStatus: db.prepare('UPDATE sessions SET status = ?, last_run_id = COALESCE(?, last_run_id), updated_at = ? WHERE owner = ? AND key = ?'),
    touchSession: db.prepare('UPDATE sessions SET updated_at = ? WHERE owner = ? AND key = ?'),
    deleteSession: db.prepare('DELETE FROM sessions WHERE owner = ? AND key = ?'),
    setArchived: db.prepare('UPDATE sessions SET archived_at = ?, updated_at = ? WHERE owner = ? AND key = ?'),
    resetSession: db.prepare(`UPDATE sessions SET session_id = ?, status = 'idle', last_run_id = NULL, updated_at = ? WHERE owner = ? AND key = ?`),
    deleteMessages: db.prepare('DELETE FROM messages WHERE owner = ? AND session_key = ?'),
    deleteMessagesBefore: db.prepare('DELETE FROM messages WHERE owner = ? AND session_key = ? AND id < ?'),
    sizeAll: db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(CAST(content AS BLOB))), 0) AS b FROM messages WHERE owner = ? AND session_key = ?'),
    sizeBefore: db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(CAST(content AS BLOB))), 0) AS b FROM messages WHERE owner = ? AND session_key = ? AND id < ?'),
    newestBefore: db.prepare('SELECT MAX(id) FROM messages WHERE owner = ? AND session_key = ? AND id < ?').pluck(),
    rewriteMessage: db.prepare('UPDATE messages SET run_id = NULL, role = ?, content = ?, acting_for = NULL, sender = ? WHERE owner = ? AND session_key = ? AND id = ?'),
    getRun: db.prepare('SELECT * FROM runs WHERE owner = ? AND run_id = ?'),
    insertRun: db.prepare(`INSERT INTO runs (owner, run_id, session_key, agent_id, status, acting_for, parent_run_id, parent_session_key, depth, message, message_id, created_at)
      VALUES (@owner, @runId, @sessionKey, @agentId, 'accepted', @actingFor, @parentRunId, @parentSessionKey, @depth, @message, @messageId, @now)`),
    setRunStatus: db.prepare('UPDATE runs SET status = @status, reply = COALESCE(@reply, reply), error = COALESCE(@error, error), ended_at = @endedAt WHERE owner = @owner AND run_id = @runId'),
    countChildRuns: db.prepare('SELECT COUNT(*) AS n FROM runs WHERE owner = ? AND parent_run_id = ?'),
    countActiveSub: db.prepare(`SELECT COUNT(*) AS n FROM runs WHERE parent_run_id IS NOT NULL AND status IN ('accepted', 'running')`),
    interruptRuns: db.prepare(`UPDATE runs SET status = 'interrupted', error = 'gateway stopped while the run was in flight', ended_at = ? WHERE status IN ('accepted', 'running')`),
    interruptSessions: db.prepare(`UPDATE sessions SET status = 'interrupted', updated_at = ? WHERE status = 'running'`),
    insertMessage: db.prepare('INSERT INTO messages (owner, session_key, run_id, role, content, acting_for, sender, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    listMessages: db.prepare('SELECT * FROM (SELECT * FROM messages WHERE owner = ? AND session_key = ? ORDER BY id DESC LIMIT ?) ORDER BY id ASC'),
    countMessages: db.prepare('SELECT COUNT(*) AS n FROM messages WHERE owner = ? AND session_key = ?'),
    messageIdAtOffset: db.prepare('SELECT id FROM messages WHERE owner = ? AND session_key = ? ORDER BY id DESC LIMIT 1 OFFSET ?').pluck(),
    messagesFrom: db.prepare('SELECT * FROM messages WHERE owner = ? AND session_key = ? AND id <= ? ORDER BY id DESC LIMIT ?'),
  };

  const acceptRun = db.transaction((session: NewSession, run: NewRun, userContent: unknown, sender: string, t: number) => {
    q.insertSession.run({ ...session, now: t });
    const messageId = Number(q.insertMessage.run(run.owner, run.sessionKey, run.runId, 'user', JSON.stringify(userContent), run.actingFor, sender, t).lastInsertRowid);
    q.insertRun.run({ ...run, messageId, now: t });
    q.setSessionStatus.run('running', run.runId, t, run.owner, run.sessionKey);
  });

  // Sessions are read far more often than written (every sessions_list tool call), so the
  // table is mirrored in memory, keyed by owner and key. Every write goes to SQLite first and
  // then re-reads the row, so the mirror never holds anything the database does not.
  const sessions = new Map<string, SessionRow>();
  const id = (owner: string, key: string) => `${owner}\u0000${key}`;
  for (const r of db.prepare('SELECT * FROM sessions').all() as Row[]) sessions.set(id(r.owner as string, r.key as string), toSession(r));
  const refresh = (owner: string, key: string): SessionRow | undefined => {
    const r = q.getSession.get(owner, key) as Row | undefined;
    if (r) sessions.set(id(owner, key), toSession(r)); else sessions.delete(id(owner, key));
    return r ? sessions.get(id(owner, key)) : undefined;
  };
  const copy = (r: SessionRow | undefined): SessionRow | undefined => (r ? { ...r } : undefined);
  const newestFirst = (a: SessionRow, b: SessionRow) => b.updatedAt - a.updatedAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || (a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : 0);

  return {
    getSession: (owner, key) => copy(sessions.get(id(owner, key))),
    getSessionById: (sid) => copy([...sessions.values()].find((r) => r.sessionId === sid)),
    findSessionByLabel(owner, label, agentId, spawnedBy) {
      const hits = [...sessions.values()].filter((r) => r.owner === owner && r.label === label && (!agentId || r.agentId === agentId) && (!spawnedBy || r.spawnedBy === spawnedBy));
      return copy(hits.sort(newestFirst)[0]);
    },
    listSessions(f: SessionFilter) {
      const needle = f.search?.toLowerCase();
      const out: SessionRow[] = [];
      for (const r of sessions.values()) {
        if (f.owner !== undefined && r.owner !== f.owner) continue;
        if (f.agentId && r.agentId !== f.agentId) continue;
        if (f.spawnedBy && r.spawnedBy !== f.spawnedBy) continue;
        if (f.label && r.label !== f.label) continue;
        if (needle && !r.key.toLowerCase().includes(needle) && !(r.label ?? '').toLowerCase().includes(needle)) continue;
        if (f.activeSince !== undefined && r.updatedAt < f.activeSince) continue;
        const archived = f.archived ?? false;
        if (archived !== 'all' && (r.archivedAt !== null) !== archived) continue;
        out.push({ ...r });
      }
      return out.sort(newestFirst).slice(0, f.limit ?? 500);
    },
    countSessions(agentId, owner) {
      if (agentId === undefined && owner === undefined) return sessions.size;
      let n = 0;
      for (const r of sessions.values()) if ((agentId === undefined || r.agentId === agentId) && (owner === undefined || r.owner === owner)) n++;
      return n;
    },
    ensureSession(row) {
      guard.write(() => q.insertSession.run({ ...row, now: now() }));
      return copy(sessions.get(id(row.owner, row.key)) ?? refresh(row.owner, row.key))!;
    },
    setSessionStatus(owner, key, status, lastRunId) { guard.write(() => q.setSessionStatus.run(status, lastRunId ?? null, now(), owner, key)); refresh(owner, key); },
    deleteSession: (owner, key) => { const gone = guard.write(() => q.deleteSession.run(owner, key)).changes > 0; sessions.delete(id(owner, key)); return gone; },
    setSessionArchived(owner, key, at) { guard.write(() => q.setArchived.run(at, now(), owner, key)); return copy(refresh(owner, key)); },
    resetSession(owner, key, newSessionId) {
      guard.write(() => db.transaction(() => { q.deleteMessages.run(owner, key); q.resetSession.run(newSessionId, now(), owner, key); })());
      return copy(refresh(owner, key));
    },
    truncateMessages(owner, key, keep) {
      const before = (q.countMessages.get(owner, key) as { n: number }).n;
      if (before <= keep) return { before, after: before };
      const oldestKept = q.messageIdAtOffset.get(owner, key, keep - 1) as number;
      guard.write(() => q.deleteMessagesBefore.run(owner, key, oldestKept));
      return { before, after: (q.countMessages.get(owner, key) as { n: number }).n };
    },

    transcriptSize(owner, key, beforeId) {
      const r = (beforeId === undefined ? q.sizeAll.get(owner, key) : q.sizeBefore.get(owner, key, beforeId)) as { n: number; b: number };
      return { count: r.n, bytes: r.b };
    },
    compactMessages(owner, key, firstKeptId, entry) {
      return guard.write(() => db.transaction(() => {
        const keep = q.newestBefore.get(owner, key, firstKeptId) as number | null;
        if (keep === null) return { removed: 0 };
        const removed = q.deleteMessagesBefore.run(owner, key, keep).changes + 1;
        q.rewriteMessage.run(entry.role, JSON.stringify(entry.content), entry.sender, owner, key, keep);
        return { removed };
      })());
    },

    getRun: (owner, runId) => { const r = q.getRun.get(owner, runId) as Row | undefined; return r ? toRun(r) : undefined; },
    acceptRun(session, run, userContent, sender) {
      guard.write(() => acceptRun(session, run, userContent, sender, now()));
      refresh(session.owner, session.key);
      return toRun(q.getRun.get(run.owner, run.runId) as Row);
    },
    setRunStatus(owner, runId, status, fields = {}) {
      guard.write(() => q.setRunStatus.run({ owner, runId, status, reply: fields.reply ?? null, error: fields.error ?? null, endedAt: FINAL_RUN_STATUSES.includes(status) ? now() : null }));
    },
    countChildRuns: (owner, runId) => (q.countChildRuns.get(owner, runId) as { n: number }).n,
    countActiveSubagentRuns: () => (q.countActiveSub.get() as { n: number }).n,
    interruptInFlight() {
      const t = now();
      const n = guard.write(() => db.transaction(() => { const k = q.interruptRuns.run(t).changes; q.interruptSessions.run(t); return k; })());
      for (const r of [...sessions.values()]) refresh(r.owner, r.key);
      return n;
    },

    appendMessage(owner, m) {
      const t = now();
      const info = guard.write(() => q.insertMessage.run(owner, m.sessionKey, m.runId, m.role, JSON.stringify(m.content), m.actingFor, m.sender, t));
      guard.write(() => q.touchSession.run(t, owner, m.sessionKey));
      const cached = sessions.get(id(owner, m.sessionKey));
      if (cached) cached.updatedAt = t;
      return { ...m, id: Number(info.lastInsertRowid), createdAt: t };
    },
    listMessages: (owner, key, limit) => (q.listMessages.all(owner, key, limit) as Row[]).map(toMessage),
    countMessages: (owner, key) => (q.countMessages.get(owner, key) as { n: number }).n,
    *messagesNewestFirst(owner, key, offset, limit) {
      const start = q.messageIdAtOffset.get(owner, key, offset) as number | undefined;
      if (start === undefined) return;
      for (const r of q.messagesFrom.iterate(owner, key, start, limit) as IterableIterator<Row>) {
        // Content is parsed on first use: a pager that stops at this row's size never parses it.
        const text = r.content as string;
        let parsed: { v: unknown } | undefined;
        yield Object.defineProperty({ ...toMessage({ ...r, content: 'null' }), contentBytes: Buffer.byteLength(text) }, 'content', {
          get: () => (parsed ??= { v: parseContent(text) }).v, enumerable: true,
        });
      }
    },

    health: () => guard.health(),
    integrityCheck: () => (db.pragma('integrity_check', { simple: true }) as string),
    close: () => { if (db.open) db.close(); },
  };
}
