// Schema migrations, applied in order inside one transaction each. Never edit a shipped
// migration; add a new one.

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Rebuilds tables (SQLite's 12-step ALTER): runs with foreign keys off, then checks them. */
  rebuild?: boolean;
}

/** Owner of a row written before ownership existed, from its actingFor (same rule as `ownerOf`). */
const OWNER_OF_ACTING_FOR = (col: string) =>
  `CASE WHEN ${col} LIKE 'trusted-proxy:%' THEN lower(${col}) WHEN ${col} LIKE 'slack:%' THEN ${col} ELSE 'operator' END`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'sessions, runs, messages',
    sql: `
      CREATE TABLE sessions (
        key TEXT PRIMARY KEY,
        session_id TEXT NOT NULL UNIQUE,
        agent_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        label TEXT,
        spawned_by TEXT,
        spawned_by_run TEXT,
        acting_for TEXT NOT NULL,
        depth INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'idle',
        model TEXT,
        last_run_id TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX sessions_spawned_by ON sessions(spawned_by);
      CREATE INDEX sessions_agent ON sessions(agent_id, updated_at);
      CREATE TABLE runs (
        run_id TEXT PRIMARY KEY,
        session_key TEXT NOT NULL REFERENCES sessions(key) ON DELETE CASCADE,
        agent_id TEXT NOT NULL,
        status TEXT NOT NULL,
        acting_for TEXT NOT NULL,
        parent_run_id TEXT,
        parent_session_key TEXT,
        depth INTEGER NOT NULL DEFAULT 0,
        message TEXT NOT NULL,
        reply TEXT,
        error TEXT,
        created_at INTEGER NOT NULL,
        ended_at INTEGER
      );
      CREATE INDEX runs_parent ON runs(parent_run_id);
      CREATE INDEX runs_status ON runs(status);
      CREATE TABLE messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_key TEXT NOT NULL REFERENCES sessions(key) ON DELETE CASCADE,
        run_id TEXT,
        role TEXT NOT NULL,
        content TEXT NOT NULL,
        acting_for TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX messages_session ON messages(session_key, id);
    `,
  },
  {
    version: 2,
    name: 'owners: sessions and runs belong to a principal; transcript entries record their sender and runs their input',
    rebuild: true,
    sql: `
      CREATE TABLE sessions_new (
        owner TEXT NOT NULL,
        key TEXT NOT NULL,
        session_id TEXT NOT NULL UNIQUE,
        agent_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        label TEXT,
        spawned_by TEXT,
        spawned_by_run TEXT,
        acting_for TEXT NOT NULL,
        depth INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'idle',
        model TEXT,
        last_run_id TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (owner, key)
      );
      INSERT INTO sessions_new SELECT ${OWNER_OF_ACTING_FOR('acting_for')}, key, session_id, agent_id, kind, label, spawned_by, spawned_by_run,
        acting_for, depth, status, model, last_run_id, created_at, updated_at FROM sessions;
      CREATE TABLE runs_new (
        owner TEXT NOT NULL,
        run_id TEXT NOT NULL,
        session_key TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        status TEXT NOT NULL,
        acting_for TEXT NOT NULL,
        parent_run_id TEXT,
        parent_session_key TEXT,
        depth INTEGER NOT NULL DEFAULT 0,
        message TEXT NOT NULL,
        message_id INTEGER NOT NULL DEFAULT 0,
        reply TEXT,
        error TEXT,
        created_at INTEGER NOT NULL,
        ended_at INTEGER,
        PRIMARY KEY (owner, run_id),
        FOREIGN KEY (owner, session_key) REFERENCES sessions(owner, key) ON DELETE CASCADE
      );
      INSERT INTO runs_new SELECT s.owner, r.run_id, r.session_key, r.agent_id, r.status, r.acting_for, r.parent_run_id, r.parent_session_key,
        r.depth, r.message, COALESCE((SELECT MIN(m.id) FROM messages m WHERE m.run_id = r.run_id AND m.role = 'user'), 0), r.reply, r.error, r.created_at, r.ended_at
        FROM runs r JOIN sessions_new s ON s.key = r.session_key;
      CREATE TABLE messages_new (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        owner TEXT NOT NULL,
        session_key TEXT NOT NULL,
        run_id TEXT,
        role TEXT NOT NULL,
        content TEXT NOT NULL,
        acting_for TEXT,
        sender TEXT,
        created_at INTEGER NOT NULL,
        FOREIGN KEY (owner, session_key) REFERENCES sessions(owner, key) ON DELETE CASCADE
      );
      INSERT INTO messages_new SELECT m.id, s.owner, m.session_key, m.run_id, m.role, m.content, m.acting_for,
        CASE WHEN m.role = 'user' THEN m.acting_for ELSE 'agent:' || s.agent_id END, m.created_at
        FROM messages m JOIN sessions_new s ON s.key = m.session_key;
      DROP TABLE messages;
      DROP TABLE runs;
      DROP TABLE sessions;
      ALTER TABLE sessions_new RENAME TO sessions;
      ALTER TABLE runs_new RENAME TO runs;
      ALTER TABLE messages_new RENAME TO messages;
      CREATE INDEX sessions_spawned_by ON sessions(owner, spawned_by);
      CREATE INDEX sessions_agent ON sessions(agent_id, updated_at);
      CREATE INDEX runs_parent ON runs(owner, parent_run_id);
      CREATE INDEX runs_status ON runs(status);
      CREATE INDEX messages_session ON messages(owner, session_key, id);
    `,
  },
  {
    version: 3,
    name: 'sessions.archived_at (OpenClaw session archive)',
    sql: 'ALTER TABLE sessions ADD COLUMN archived_at INTEGER;',
  },
];
