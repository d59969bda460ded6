// Baseline for `npm run bench` only: clawgate 0.1.0's hand-written logger, kept verbatim to
// measure the pino swap against it in the same run. Not used by the gateway.
// Structured logs: JSON lines (or a readable line on a TTY), with secrets redacted twice —
// by key name (token, password, secret, authorization, cookie) and by known secret values.

export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY = /token|password|secret|authorization|cookie|apikey|api_key/i;

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
  /** Adds values that must never appear in output (e.g. a per-boot secret). */
  addSecret(value: string): void;
}

export interface LoggerOptions {
  level?: Level;
  format?: 'auto' | 'json' | 'pretty';
  secrets?: readonly string[];
  write?: (line: string) => void;
  isTty?: boolean;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const min = ORDER[opts.level ?? 'info'];
  const secrets = new Set((opts.secrets ?? []).filter((s) => s.length >= 4));
  const write = opts.write ?? ((line: string) => { process.stderr.write(line); });
  const pretty = opts.format === 'pretty' || (opts.format !== 'json' && (opts.isTty ?? process.stderr.isTTY === true));

  const scrub = (v: unknown, depth = 0): unknown => {
    if (typeof v === 'string') {
      let s = v;
      for (const secret of secrets) if (s.includes(secret)) s = s.split(secret).join('[redacted]');
      return s;
    }
    if (v instanceof Error) return scrub({ name: v.name, message: v.message }, depth);
    if (Array.isArray(v)) return depth > 5 ? '[…]' : v.map((x) => scrub(x, depth + 1));
    if (v && typeof v === 'object') {
      if (depth > 5) return '[…]';
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = SECRET_KEY.test(k) && x !== undefined && typeof x !== 'boolean' ? '[redacted]' : scrub(x, depth + 1);
      return out;
    }
    return v;
  };

  const make = (base: Record<string, unknown>): Logger => {
    const emit = (level: Level, msg: string, fields?: Record<string, unknown>) => {
      if (ORDER[level] < min) return;
      const rec = scrub({ ts: new Date().toISOString(), level, msg, ...base, ...fields }) as Record<string, unknown>;
      if (pretty) {
        const { ts, level: l, msg: m, ...rest } = rec;
        const extra = Object.entries(rest).map(([k, x]) => `${k}=${typeof x === 'string' ? x : JSON.stringify(x)}`).join(' ');
        write(`${String(ts).slice(11, 23)} ${String(l).toUpperCase().padEnd(5)} ${String(m)}${extra ? ` ${extra}` : ''}\n`);
      } else {
        write(`${JSON.stringify(rec)}\n`);
      }
    };
    return {
      debug: (m, f) => emit('debug', m, f),
      info: (m, f) => emit('info', m, f),
      warn: (m, f) => emit('warn', m, f),
      error: (m, f) => emit('error', m, f),
      child: (f) => make({ ...base, ...f }),
      addSecret: (s) => { if (s.length >= 4) secrets.add(s); },
    };
  };
  return make({});
}

/** A logger that drops everything (benchmarks, quiet tests). */
export const silentLogger = (): Logger => createLogger({ level: 'error', write: () => {}, format: 'json' });
