// The suite-wide secret leak check's scanning half (docs/security/attacks.md, "Secrets in logs"):
// every test gateway left test-output/logs/<id>.log (its JSON log lines) and <id>.secrets
// (a JSON array of the secrets it held); every log is scanned for every secret of every
// gateway, raw and JSON-escaped. Secrets are test-only fakes; a hit prints a masked form.
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Same folder as test/fixtures/leak-check.fixture.ts writes to, whatever the cwd. */
export const LEAK_LOG_DIR = fileURLToPath(new URL('../test-output/logs/', import.meta.url));
/** Shorter values are not scanned: they would match by accident (the logger redacts from 4). */
const MIN_SECRET_LENGTH = 8;

/** Empties the folder file by file (a test process still writing into it must not make this fail). */
export function clearLeakLogs(dir = LEAK_LOG_DIR) {
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) rmSync(join(dir, name), { force: true, recursive: true });
}

const mask = (s) => `${s.slice(0, 3)}…(${s.length} chars)`;

/** Scans `dir`; returns the counts and one entry per (log file, secret) hit. */
export function scanLeakLogs(dir = LEAK_LOG_DIR) {
  let names = [];
  try { names = readdirSync(dir); } catch { /* no gateways ran */ }
  const secrets = new Set();
  for (const n of names.filter((x) => x.endsWith('.secrets'))) {
    try {
      for (const s of JSON.parse(readFileSync(join(dir, n), 'utf8'))) if (typeof s === 'string' && s.length >= MIN_SECRET_LENGTH) secrets.add(s);
    } catch { /* a half-written file from a killed test process */ }
  }
  const logs = names.filter((x) => x.endsWith('.log'));
  const leaks = [];
  for (const n of logs) {
    const text = readFileSync(join(dir, n), 'utf8');
    for (const s of secrets) {
      const escaped = JSON.stringify(s).slice(1, -1);
      const at = text.includes(s) ? text.indexOf(s) : text.indexOf(escaped);
      if (at < 0) continue;
      const lineStart = text.lastIndexOf('\n', at) + 1;
      const line = text.slice(lineStart, text.indexOf('\n', at) >>> 0).split(s).join(mask(s)).split(escaped).join(mask(s));
      leaks.push({ file: join(dir, n), secret: mask(s), line: line.slice(0, 400) });
    }
  }
  return { secrets: secrets.size, logFiles: logs.length, leaks };
}

/** Prints the summary line (and each leak); returns true when nothing leaked. */
export function reportLeaks(dir = LEAK_LOG_DIR) {
  const r = scanLeakLogs(dir);
  for (const l of r.leaks) console.error(`secret leak: ${l.secret} in ${l.file}\n  ${l.line}`);
  console.log(`secret leak check: ${r.secrets} secrets, ${r.logFiles} log files, ${r.leaks.length} leaks`);
  return r.leaks.length === 0;
}
