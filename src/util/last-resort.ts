// The process's last line of defence: an error that escaped every handler is logged and the
// gateway keeps serving, because each request and connection already isolates its own failures
// and one stray callback must not take every user down. A storm of them means shared state is
// broken, so past a rate the process exits non-zero and its supervisor restarts it.
import type { Logger } from './log.js';

export interface LastResortOptions {
  /** Escaped errors tolerated per minute before exiting (default 20). */
  readonly maxPerMinute?: number;
  readonly now?: () => number;
  readonly exit?: (code: number) => void;
}

type Proc = Pick<NodeJS.EventEmitter, 'on' | 'off'>;

const describe = (err: unknown): string =>
  (err instanceof Error ? `${err.name}: ${err.message}\n${err.stack?.split('\n').slice(1, 6).join('\n') ?? ''}` : `non-error value (${typeof err})`).slice(0, 2_000);

/** Installs `uncaughtException` and `unhandledRejection` handlers; returns the uninstaller. */
export function installLastResort(proc: Proc, log: Logger, opts: LastResortOptions = {}): () => void {
  const max = opts.maxPerMinute ?? 20;
  const now = opts.now ?? Date.now;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const recent: number[] = [];
  const onError = (kind: string) => (err: unknown) => {
    const t = now();
    recent.push(t);
    while (recent.length > 0 && recent[0]! <= t - 60_000) recent.shift();
    if (recent.length > max) {
      log.error('too many escaped errors; exiting so the supervisor restarts a clean process', { kind, count: recent.length, err: describe(err) });
      exit(70);
      return;
    }
    log.error('escaped error; still serving', { kind, err: describe(err) });
  };
  const onException = onError('uncaughtException');
  const onRejection = onError('unhandledRejection');
  proc.on('uncaughtException', onException);
  proc.on('unhandledRejection', onRejection);
  return () => { proc.off('uncaughtException', onException); proc.off('unhandledRejection', onRejection); };
}
