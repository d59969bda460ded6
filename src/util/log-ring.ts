// A bounded in-memory copy of the gateway's own log lines, for `logs.tail`. Lines are the
// logger's JSON output (already redacted by key and by secret value); the ring holds at most
// `maxLines` lines and `maxBytes` bytes, dropping the oldest first. Each line has a cursor (a
// running count of lines ever written), so a client can ask for what came after the last
// line it saw, and learn when the lines it asked about have been dropped (`reset`).
import { createLogger, type Level, type Logger } from './log.js';

export interface LogRing {
  push(line: string): void;
  /** Lines after `cursor` (or the newest `limit`), newest last, within `maxBytes`. */
  tail(opts: { cursor?: number | undefined; limit: number; maxBytes: number }): { lines: string[]; cursor: number; size: number; truncated: boolean; reset: boolean };
}

export function createLogRing(maxLines = 2_000, maxBytes = 1_000_000, maxLineBytes = 16_384): LogRing {
  const lines: string[] = [];
  let bytes = 0;
  let written = 0; // cursor of the newest line
  return {
    push(raw) {
      const line = raw.endsWith('\n') ? raw.slice(0, -1) : raw;
      const kept = Buffer.byteLength(line) > maxLineBytes ? `${line.slice(0, maxLineBytes / 4)}…[line truncated]` : line;
      lines.push(kept);
      bytes += Buffer.byteLength(kept);
      written++;
      while (lines.length > maxLines || bytes > maxBytes) bytes -= Buffer.byteLength(lines.shift()!);
    },
    tail({ cursor, limit, maxBytes: cap }) {
      const oldest = written - lines.length; // cursor just before the oldest kept line
      const reset = cursor !== undefined && (cursor < oldest || cursor > written);
      const from = cursor === undefined || reset ? Math.max(0, lines.length - limit) : cursor - oldest;
      let picked = lines.slice(from);
      let truncated = false;
      if (picked.length > limit) { picked = picked.slice(picked.length - limit); truncated = true; }
      let size = 0;
      let start = picked.length;
      while (start > 0 && size + Buffer.byteLength(picked[start - 1]!) + 1 <= cap) size += Buffer.byteLength(picked[--start]!) + 1;
      if (start > 0) truncated = true;
      return { lines: picked.slice(start), cursor: written, size: bytes, truncated, reset };
    },
  };
}

/**
 * A logger that writes to `base` and, as redacted JSON lines, to `ring`. Ring lines name the
 * time and text `time` and `message`, the field names OpenClaw's log readers look for.
 */
export function teeToRing(base: Logger, ring: LogRing, level: Level, secrets: readonly string[]): Logger {
  const copy = createLogger({
    level, format: 'json', secrets,
    write: (l) => {
      const { ts, level: lv, msg, ...rest } = JSON.parse(l) as Record<string, unknown>;
      ring.push(JSON.stringify({ time: ts, level: lv, message: msg, ...rest }));
    },
  });
  const both = (a: Logger, b: Logger): Logger => ({
    debug: (m, f) => { a.debug(m, f); b.debug(m, f); },
    info: (m, f) => { a.info(m, f); b.info(m, f); },
    warn: (m, f) => { a.warn(m, f); b.warn(m, f); },
    error: (m, f) => { a.error(m, f); b.error(m, f); },
    child: (f) => both(a.child(f), b.child(f)),
    addSecret: (s) => { a.addSecret(s); b.addSecret(s); },
  });
  return both(base, copy);
}
