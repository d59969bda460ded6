// The state directory is the user's data (docs/configuration.md#the-state-directory): it must
// be private to the gateway's user, its files are 0600, and one gateway at a time owns it.
// Checked at start (refuse with the fix) and by `clawgate doctor` (a finding).
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { writePrivateFile } from './state-files.js';

/** Files the gateway keeps directly in the state dir; each is tightened to 0600 at start. */
export const STATE_FILES = ['clawgate.db', 'clawgate.db-wal', 'clawgate.db-shm', 'gateway-token', 'gateway.lock', 'gateway.pid'] as const;
export const LOCK_FILE = 'gateway.lock';
export const HOLDER_FILE = 'gateway.pid';

export type StateDirProblem =
  | { kind: 'not-a-directory'; dir: string }
  | { kind: 'wrong-owner'; dir: string; uid: number; expected: number }
  | { kind: 'too-open'; dir: string; mode: number };

const octal = (m: number): string => `0${(m & 0o777).toString(8)}`;

/** Inspects the state dir without changing it; undefined when it is fine or does not exist yet. */
export function stateDirProblem(dir: string): StateDirProblem | undefined {
  let st;
  try { st = lstatSync(dir); } catch { return undefined; }
  if (st.isSymbolicLink()) {
    try { st = statSync(dir); } catch { return { kind: 'not-a-directory', dir }; }
  }
  if (!st.isDirectory()) return { kind: 'not-a-directory', dir };
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) return { kind: 'wrong-owner', dir, uid: st.uid, expected: uid };
  if ((st.mode & 0o077) !== 0) return { kind: 'too-open', dir, mode: st.mode & 0o777 };
  return undefined;
}

/** One line: what is wrong. */
export function describeProblem(p: StateDirProblem): string {
  switch (p.kind) {
    case 'not-a-directory': return `the state directory ${p.dir} is not a directory`;
    case 'wrong-owner': return `the state directory ${p.dir} is owned by uid ${p.uid}, not by the user running the gateway (uid ${p.expected})`;
    case 'too-open': return `the state directory ${p.dir} has mode ${octal(p.mode)}: other users can reach the database, transcripts and token in it`;
  }
}

/** One line: how to fix it. */
export function fixFor(p: StateDirProblem): string {
  switch (p.kind) {
    case 'not-a-directory': return `remove ${p.dir} or set CLAWGATE_STATE_DIR to a directory`;
    case 'wrong-owner': return `run the gateway as the directory's owner, or "chown -R $(id -u) ${p.dir}"`;
    case 'too-open': return `run "chmod 700 ${p.dir}" (and "chmod 600 ${p.dir}/clawgate.db*"), or set CLAWGATE_STATE_DIR to a private directory`;
  }
}

export class StateDirError extends Error {
  constructor(message: string, readonly fix: string) {
    super(`${message}\n  fix: ${fix}`);
    this.name = 'StateDirError';
  }
}

/**
 * Makes the state dir ready for a gateway: creates it 0700 if missing, refuses a dir that is
 * not private (like PostgreSQL's data directory check), and tightens the gateway's own files
 * to 0600 (older versions created the database 0644).
 */
export function prepareStateDir(dir: string): void {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
  }
  const problem = stateDirProblem(dir);
  if (problem) throw new StateDirError(`refusing to start: ${describeProblem(problem)}`, fixFor(problem));
  for (const f of STATE_FILES) {
    const p = join(dir, f);
    try { if ((lstatSync(p).mode & 0o077) !== 0 && lstatSync(p).isFile()) chmodSync(p, 0o600); } catch { /* absent */ }
  }
}

/** The running gateway that holds a state dir, as it published itself. */
export interface LockHolder { readonly pid: number; readonly port: number | null; readonly startedAt: string }

export interface StateLock {
  readonly dir: string;
  /** Publishes the listening port for a second gateway's error message. */
  setPort(port: number): void;
  release(): void;
}

export function readLockHolder(dir: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(join(dir, HOLDER_FILE), 'utf8')) as Partial<LockHolder>;
    if (typeof h.pid !== 'number') return undefined;
    return { pid: h.pid, port: typeof h.port === 'number' ? h.port : null, startedAt: typeof h.startedAt === 'string' ? h.startedAt : '' };
  } catch {
    return undefined;
  }
}

/**
 * Takes the state dir's exclusive lock: an SQLite database in exclusive locking mode, i.e. a
 * POSIX record lock the kernel drops when the process dies, so a kill -9 never leaves a stale
 * lock. A second gateway (another process, or another start in this one) is refused with the
 * holder's pid and port.
 */
export function acquireStateLock(dir: string): StateLock {
  const path = join(dir, LOCK_FILE);
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: 0 });
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = MEMORY');
    db.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS holder (pid INTEGER); COMMIT;');
  } catch (err) {
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') {
      throw new StateDirError(`cannot take the state directory's lock ${path}: ${(err as Error).message}`,
        `if no gateway is running on ${dir}, remove ${path} (it is recreated at start)`);
    }
    const h = readLockHolder(dir);
    const who = h ? `pid ${h.pid}${h.port !== null ? `, port ${h.port}` : ''}${h.startedAt ? `, started ${h.startedAt}` : ''}` : 'pid unknown';
    throw new StateDirError(`another gateway is already running on the state directory ${dir} (${who})`,
      'stop that gateway first, or give this one its own state directory with CLAWGATE_STATE_DIR');
  }
  chmodSync(path, 0o600);
  const startedAt = new Date().toISOString();
  const publish = (port: number | null) => writePrivateFile(join(dir, HOLDER_FILE), `${JSON.stringify({ pid: process.pid, port, startedAt })}\n`);
  publish(null);
  let released = false;
  return {
    dir,
    setPort: (port) => { if (!released) publish(port); },
    release() {
      if (released) return;
      released = true;
      rmSync(join(dir, HOLDER_FILE), { force: true });
      db.close();
    },
  };
}
