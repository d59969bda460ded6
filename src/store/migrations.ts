// Schema migrations, applied in order inside one transaction each. Never edit a shipped
// migration; add a new one.

export interface Migration { version: number; name: string; sql: string }

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
];
