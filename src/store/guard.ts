// Notices a database that is gone or no longer writable while the gateway runs: the file was
// deleted or replaced under the open connection (SQLite would keep writing to the unlinked
// inode and lose everything at the next start), or SQLite reports a read-only, I/O, full or
// corrupt database. Such a failure is sticky: every later write is refused with
// StoreUnavailableError, and readiness reports it, until the gateway is restarted.
import { statSync } from 'node:fs';

export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(readonly reason: string) {
    super(`the database is unavailable: ${reason}; nothing more can be stored until the gateway is restarted`);
  }
}

export type StoreHealth = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface DbGuard {
  /** Checks the file (one stat); a newly found failure is reported once through onFailure. */
  health(): StoreHealth;
  /** Runs a write: refused when the database is unavailable; SQLite errors that mean "gone" make it so. */
  write<T>(fn: () => T): T;
}

/** SQLite result codes (and their extended forms) after which the file cannot be trusted for writes. */
const FATAL = /^SQLITE_(READONLY|IOERR|FULL|CORRUPT|NOTADB|CANTOPEN)/;

interface FileId { dev: number; ino: number }
const idOf = (path: string): FileId | undefined => {
  try { const s = statSync(path); return { dev: s.dev, ino: s.ino }; } catch { return undefined; }
};

export function createDbGuard(path: string, onFailure: (reason: string) => void = () => {}): DbGuard {
  const opened = path === ':memory:' ? undefined : idOf(path);
  let failure: string | undefined;
  const fail = (reason: string): void => {
    if (failure !== undefined) return;
    failure = reason;
    onFailure(reason);
  };
  const health = (): StoreHealth => {
    if (failure === undefined && opened) {
      const now = idOf(path);
      if (!now) fail(`${path} was deleted while the gateway was running`);
      else if (now.dev !== opened.dev || now.ino !== opened.ino) fail(`${path} was replaced by another file while the gateway was running`);
    }
    return failure === undefined ? { ok: true } : { ok: false, reason: failure };
  };
  return {
    health,
    write(fn) {
      const h = health();
      if (!h.ok) throw new StoreUnavailableError(h.reason);
      try {
        return fn();
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (typeof code === 'string' && FATAL.test(code)) {
          fail(`${path}: ${code} (${(err as Error).message})`);
          throw new StoreUnavailableError(failure!);
        }
        throw err;
      }
    },
  };
}
