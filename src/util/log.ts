// Structured logs on pino: JSON lines (or a readable line on a TTY), written synchronously in
// this thread (no transport, no worker: the CLI and gateway are one bundled file). Every value
// is made safe before pino sees it: secrets redacted twice — by key name (token, password,
// secret, authorization, cookie, api key) and by known secret values — control characters
// escaped (no forged lines, no terminal escapes), long strings and deep objects cut.
import { pino, type Logger as Pino } from 'pino';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const SECRET_KEY = /token|password|secret|authorization|cookie|apikey|api_key/i;
/** Longest string value logged; the rest is replaced by a count. */
export const MAX_LOGGED_STRING = 2_000;
const MAX_DEPTH = 5;
const MAX_KEYS = 50;

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

// C0 and C1 controls, DEL, the Unicode line/paragraph separators and the bidi overrides.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const escapeChar = (c: string): string => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** A string as it may appear in a log line: one line, printable, bounded. */
export function escapeLogText(s: string): string {
  const cut = s.length > MAX_LOGGED_STRING ? `${s.slice(0, MAX_LOGGED_STRING)}…(+${s.length - MAX_LOGGED_STRING} chars)` : s;
  return cut.replace(UNSAFE, escapeChar);
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const secrets = new Set((opts.secrets ?? []).filter((s) => s.length >= 4));
  const write = opts.write ?? ((line: string) => { process.stderr.write(line); });
  const pretty = opts.format === 'pretty' || (opts.format !== 'json' && (opts.isTty ?? process.stderr.isTTY === true));

  const text = (v: string): string => {
    let s = v;
    for (const secret of secrets) if (s.includes(secret)) s = s.split(secret).join('[redacted]');
    return escapeLogText(s);
  };
  const scrub = (v: unknown, depth = 0): unknown => {
    if (typeof v === 'string') return text(v);
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Error) return scrub({ name: v.name, message: v.message }, depth);
    if (Array.isArray(v)) return depth > MAX_DEPTH ? '[…]' : v.slice(0, MAX_KEYS).map((x) => scrub(x, depth + 1));
    if (v && typeof v === 'object') {
      if (depth > MAX_DEPTH) return '[…]';
      const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>; // "__proto__" is just a key here
      let n = 0;
      for (const k in v) {
        if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
        if (++n > MAX_KEYS) { out['…'] = 'more keys'; break; }
        const x = (v as Record<string, unknown>)[k];
        out[text(k)] = SECRET_KEY.test(k) && x !== undefined && typeof x !== 'boolean' ? '[redacted]' : scrub(x, depth + 1);
      }
      return { ...out }; // spread defines own data properties, "__proto__" included

    }
    return v;
  };

  const dest = { write: pretty ? (line: string) => write(prettyLine(line)) : write };
  const root = pino({
    level: opts.level ?? 'info',
    base: null,
    messageKey: 'msg',
    serializers: { err: (e: unknown) => e }, // errors were made plain (name, message) by scrub
    timestamp: () => `,"ts":"${new Date().toISOString()}"`,
    formatters: { level: (label) => ({ level: label }) },
  }, dest);

  const wrap = (p: Pino): Logger => {
    const emit = (level: Level) => (msg: string, fields?: Record<string, unknown>): void => {
      if (!p.isLevelEnabled(level)) return;
      if (fields) p[level](scrub(fields) as object, text(msg)); else p[level](text(msg));
    };
    return {
      debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error'),
      child: (f) => wrap(p.child(scrub(f) as Record<string, unknown>)),
      addSecret: (s) => { if (s.length >= 4) secrets.add(s); },
    };
  };
  return wrap(root);
}

/** `HH:MM:SS.mmm LEVEL msg key=value …` from one JSON line; every value was escaped already. */
function prettyLine(json: string): string {
  const { ts, level, msg, ...rest } = JSON.parse(json) as Record<string, unknown>;
  // A value with a space, quote or "=" is quoted, so it cannot pose as another key=value pair.
  const extra = Object.entries(rest).map(([k, x]) => `${k}=${typeof x !== 'string' ? JSON.stringify(x) : /[\s"=]/.test(x) ? `"${x.replace(/"/g, '\\"')}"` : x}`).join(' ');
  return `${String(ts).slice(11, 23)} ${String(level).toUpperCase().padEnd(5)} ${String(msg)}${extra ? ` ${extra}` : ''}\n`;
}

/** A logger that drops everything (benchmarks, quiet tests). */
export const silentLogger = (): Logger => createLogger({ level: 'error', write: () => {}, format: 'json' });
