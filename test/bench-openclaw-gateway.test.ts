// The bench's OpenClaw start helper (bench/openclaw-gateway.ts) against a fake `openclaw.mjs`:
// the token reaches the child only through its 0600 config file, and a start that fails (the
// program exits, or never answers) reports why and leaves no process and no HOME behind, including
// a helper the program started in its own session, as OpenClaw's spawn broker is.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startOpenclawGateway } from '../bench/openclaw-gateway.js';

interface Report { argv: string[]; env: Record<string, string>; home: string; homeMode: number; configMode: number; config: { gateway: { auth: { mode: string; token: string } } }; pid: number; helperPid?: number }

/** A fake install whose openclaw.mjs writes what it saw to report.json, then runs `behaviour`. */
function fakeInstall(behaviour: string): { install: { root: string; nodeBin: string; nodeBinDir: string; openclawMjs: string }; report: () => Report; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'clawgate-fake-openclaw-'));
  const reportFile = join(root, 'report.json');
  const script = `
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
const home = process.env.HOME;
const cfgPath = join(home, '.openclaw', 'openclaw.json');
const report = { pid: process.pid, argv: process.argv.slice(2), env: { ...process.env }, home, homeMode: statSync(home).mode & 0o777,
  configMode: statSync(cfgPath).mode & 0o777, config: JSON.parse(readFileSync(cfgPath, 'utf8')) };
const save = () => writeFileSync(${JSON.stringify(reportFile)}, JSON.stringify(report));
${behaviour}
`;
  const openclawMjs = join(root, 'openclaw.mjs');
  writeFileSync(openclawMjs, script);
  return {
    install: { root, nodeBin: process.execPath, nodeBinDir: dirname(process.execPath), openclawMjs },
    report: () => JSON.parse(readFileSync(reportFile, 'utf8')) as Report,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Running and not a zombie. */
function running(pid: number): boolean {
  try { const s = readFileSync(`/proc/${pid}/stat`, 'utf8'); return s[s.lastIndexOf(')') + 2] !== 'Z'; } catch { return false; }
}

describe('bench: OpenClaw gateway start helper', () => {
  it('passes the token only in a 0600 config file in a 0700 HOME, and reports a program that exits with its output', async () => {
    const fake = fakeInstall("save(); console.error('fake openclaw: config rejected'); process.exit(78);");
    try {
      await assert.rejects(startOpenclawGateway({ install: fake.install, readyTimeoutMs: 30_000 }), (err: Error) => {
        assert.match(err.message, /exited \(78\) before it accepted a connection/);
        assert.match(err.message, /fake openclaw: config rejected/);
        return true;
      });
      const r = fake.report();
      const token = r.config.gateway.auth.token;
      assert.equal(r.config.gateway.auth.mode, 'token');
      assert.ok(token.length >= 32, 'a random token of at least 32 characters');
      assert.equal(r.homeMode, 0o700);
      assert.equal(r.configMode, 0o600);
      assert.deepEqual(r.argv.slice(0, 2), ['gateway', 'run']);
      assert.ok(r.argv.includes('--auth') && r.argv.includes('token') && r.argv.includes('loopback'));
      assert.ok(!r.argv.some((a) => a.includes(token)), 'the token is not in argv');
      assert.ok(!Object.values(r.env).some((v) => v.includes(token)), 'the token is not in the environment');
      assert.equal(r.env.OPENCLAW_SKIP_CHANNELS, '1');
      assert.equal(existsSync(r.home), false, 'the isolated HOME is removed');
    } finally {
      fake.cleanup();
    }
  });

  it('kills the whole tree, including a helper in its own session, when the program never answers', async () => {
    const fake = fakeInstall(`
const helper = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], { detached: true, stdio: 'ignore' });
report.helperPid = helper.pid; save();
process.on('SIGTERM', () => {}); // slow to shut down, like the helper: only SIGKILL ends them
setInterval(() => {}, 1000);`);
    try {
      await assert.rejects(startOpenclawGateway({ install: fake.install, readyTimeoutMs: 1_500, stopGraceMs: 500 }), /no hello-ok within 2 s/);
      const r = fake.report();
      assert.ok(r.helperPid && r.helperPid > 0);
      assert.equal(running(r.pid), false, 'the program is gone');
      assert.equal(running(r.helperPid), false, 'the helper in its own session is gone');
      assert.equal(existsSync(r.home), false, 'the isolated HOME is removed');
      assert.equal(statSync(fake.install.root).isDirectory(), true); // the install itself is untouched
    } finally {
      fake.cleanup();
    }
  });
});
