// The state directory is the user's data: files 0600 (SQLite -wal/-shm included), a group- or
// world-accessible or foreign-owned dir is refused with the fix, one gateway at a time (the
// second is refused naming the first; a kill -9 leaves no stale lock), a database deleted
// under a running gateway fails /readyz and every write loudly, and a busy port is one clear
// line — with the token's whereabouts on the next start's banner.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { connectWs } from '../src/client/ws.js';
import { loadConfig } from '../src/config/load.js';
import { StateDirError } from '../src/config/state-dir.js';
import { StoreUnavailableError } from '../src/store/guard.js';
import { startGateway } from '../src/main.js';
import { silentLogger } from '../src/util/log.js';
import { bootGateway, tempDir } from './fixtures/gateway.fixture.js';
import { BIN, spawnGateway, type GatewayProcess } from './fixtures/process.fixture.js';

const TOKEN = 'state-dir-token-0123456789';
const dirs: string[] = [];
const running: GatewayProcess[] = [];
const dir = (prefix = 'clawgate-state-'): string => { const d = tempDir(prefix); dirs.push(d); return d; };
const mode = (p: string): string => `0${(statSync(p).mode & 0o777).toString(8)}`;

after(async () => {
  for (const g of running) await g.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** `clawgate gateway run` expected to fail: exit code and output, never a banner. */
function runFailing(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'gateway', 'run', ...args], { env: { PATH: process.env.PATH ?? '', HOME: env.CLAWGATE_STATE_DIR ?? '/tmp', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('close', (code) => { clearTimeout(t); resolve({ code, out }); });
  });
}

const cliCall = (stateDir: string, method: string) => spawnSync(process.execPath, [BIN, 'call', method, '--json'], {
  env: { PATH: process.env.PATH ?? '', HOME: stateDir, CLAWGATE_STATE_DIR: stateDir }, encoding: 'utf8', timeout: 10_000,
});

async function oneRun(url: string, key: string): Promise<void> {
  const { client } = await connectWs({ url, token: TOKEN });
  try {
    const r = await client.request<{ status: string }>('agent', { message: 'hello', idempotencyKey: key }, { expectFinal: true, timeoutMs: 10_000 });
    assert.equal(r.status, 'ok');
  } finally { client.close(); }
}

describe('state directory: file modes', () => {
  it('creates the database, its -wal/-shm, the token, the lock and the local secret 0600 under a 0700 dir', async () => {
    const stateDir = dir();
    rmSync(stateDir, { recursive: true });
    const gw = await spawnGateway(['--port', '0'], { CLAWGATE_STATE_DIR: stateDir });
    running.push(gw);
    const token = readFileSync(join(stateDir, 'gateway-token'), 'utf8').trim();
    const { client } = await connectWs({ url: gw.url, token });
    await client.request('agent', { message: 'hello', idempotencyKey: 'modes-1' }, { expectFinal: true, timeoutMs: 10_000 });
    client.close();
    assert.equal(mode(stateDir), '0700');
    for (const f of ['clawgate.db', 'clawgate.db-wal', 'clawgate.db-shm', 'gateway-token', 'gateway.lock', 'gateway.pid', 'run/local-secret']) {
      assert.equal(mode(join(stateDir, f)), '0600', f);
    }
    for (const f of readdirSync(stateDir)) if (statSync(join(stateDir, f)).isFile()) assert.equal(mode(join(stateDir, f)), '0600', f);
    await gw.kill();
  });

  it('gives the database 0600 even in a process whose umask is 022 (library use), and tightens an old 0644 database', async () => {
    const stateDir = dir();
    writeFileSync(join(stateDir, 'clawgate.json'), JSON.stringify({ gateway: { port: 0, auth: { mode: 'token', token: TOKEN } } }));
    const old = process.umask(0o022);
    try {
      const cfg = loadConfig({ configPath: join(stateDir, 'clawgate.json'), env: { CLAWGATE_STATE_DIR: stateDir } });
      let gw = await startGateway(cfg, { log: silentLogger(), localListener: false });
      await oneRun(gw.url, 'lib-1');
      for (const f of ['clawgate.db', 'clawgate.db-wal', 'clawgate.db-shm']) assert.equal(mode(join(stateDir, f)), '0600', f);
      await gw.close();
      chmodSync(join(stateDir, 'clawgate.db'), 0o644); // as clawgate 0.1.0 left it
      gw = await startGateway(cfg, { log: silentLogger(), localListener: false });
      assert.equal(mode(join(stateDir, 'clawgate.db')), '0600');
      await gw.close();
    } finally { process.umask(old); }
  });
});

describe('state directory: refused when not private', () => {
  for (const m of [0o755, 0o750, 0o707]) {
    it(`refuses a ${m.toString(8)} state dir with the fix, and writes nothing into it`, async () => {
      const stateDir = dir();
      chmodSync(stateDir, m);
      const r = await runFailing(['--port', '0'], { CLAWGATE_STATE_DIR: stateDir });
      assert.equal(r.code, 1, r.out);
      assert.match(r.out, new RegExp(`clawgate: refusing to start: the state directory ${stateDir} has mode 0${m.toString(8)}`));
      assert.match(r.out, new RegExp(`fix: run "chmod 700 ${stateDir}"`));
      assert.doesNotMatch(r.out, /^\s+at /m, 'no stack trace');
      assert.deepEqual(readdirSync(stateDir), [], 'nothing written: no token, no database');
      assert.equal(mode(stateDir), `0${m.toString(8)}`, 'the operator\'s choice is not silently changed');
    });
  }

  it('refuses a state dir owned by another user', async () => {
    const stateDir = dir();
    chownSync(stateDir, 65534, 65534);
    const cfg = loadConfig({ env: { CLAWGATE_STATE_DIR: stateDir } });
    await assert.rejects(startGateway(cfg, { log: silentLogger(), localListener: false }), (err: Error) => {
      assert.ok(err instanceof StateDirError);
      assert.match(err.message, /is owned by uid 65534, not by the user running the gateway/);
      return true;
    });
  });

  it('creates a missing state dir (and its parents) 0700', async () => {
    const stateDir = join(dir(), 'a', 'b');
    const cfg = loadConfig({ env: { CLAWGATE_STATE_DIR: stateDir } });
    const gw = await startGateway(cfg, { log: silentLogger(), localListener: false });
    assert.equal(mode(stateDir), '0700');
    await gw.close();
  });
});

describe('state directory: one gateway at a time', () => {
  it('refuses a second gateway process naming the running one (pid, port); the first stays reachable from the host CLI', async () => {
    const stateDir = dir();
    const first = await spawnGateway(['--port', '0'], { CLAWGATE_STATE_DIR: stateDir });
    running.push(first);
    const second = await runFailing(['--port', '0'], { CLAWGATE_STATE_DIR: stateDir });
    assert.equal(second.code, 1, second.out);
    assert.match(second.out, new RegExp(`another gateway is already running on the state directory ${stateDir} \\(pid ${first.child.pid}, port ${first.port}`));
    assert.match(second.out, /fix: stop that gateway first, or give this one its own state directory with CLAWGATE_STATE_DIR/);
    assert.doesNotMatch(second.out, /clawgate listening on/);
    const health = cliCall(stateDir, 'health');
    assert.equal(health.status, 0, health.stderr);
    assert.equal((JSON.parse(health.stdout) as { ok: boolean }).ok, true);

    // kill -9 leaves the lock file behind, but not the lock: the next start recovers.
    await first.kill('SIGKILL');
    assert.ok(existsSync(join(stateDir, 'gateway.lock')));
    const third = await spawnGateway(['--port', '0'], { CLAWGATE_STATE_DIR: stateDir });
    running.push(third);
    const again = cliCall(stateDir, 'health');
    assert.equal(again.status, 0, again.stderr);
    await third.kill();
  });

  it('refuses a second in-process start on the same state dir until the first closes', async () => {
    const gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN } } }, { start: { localListener: false } });
    const cfg = loadConfig({ configPath: join(gw.stateDir, 'clawgate.json'), env: { CLAWGATE_STATE_DIR: gw.stateDir } });
    await assert.rejects(startGateway(cfg, { log: silentLogger(), localListener: false }), (err: Error) => {
      assert.ok(err instanceof StateDirError, String(err));
      assert.match(err.message, new RegExp(`\\(pid ${process.pid}, port ${gw.port}`));
      return true;
    });
    await gw.close();
    const next = await startGateway(cfg, { log: silentLogger(), localListener: false });
    await next.close();
    rmSync(gw.stateDir, { recursive: true, force: true });
  });
});

describe('state directory: the database is lost while running', () => {
  it('fails /readyz, refuses writes with STORE_UNAVAILABLE, and logs what happened', async () => {
    const gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN } } }, { start: { localListener: false } });
    try {
      const http = gw.url.replace(/^ws/, 'http');
      await oneRun(gw.url, 'before-loss');
      assert.equal((await fetch(`${http}/readyz`)).status, 200);
      for (const f of readdirSync(gw.stateDir)) if (f.startsWith('clawgate.db')) rmSync(join(gw.stateDir, f));

      const ready = await fetch(`${http}/readyz`);
      assert.equal(ready.status, 503);
      assert.deepEqual(await ready.json(), { ready: false, reason: 'database_unavailable' });
      assert.equal((await fetch(`${http}/healthz`)).status, 200, 'the process itself is alive');

      const { client } = await connectWs({ url: gw.url, token: TOKEN });
      try {
        await assert.rejects(client.request('agent', { message: 'after', idempotencyKey: 'after-loss' }, { expectFinal: true, timeoutMs: 10_000 }), (err: Error & { code?: string; details?: { code?: string } }) => {
          assert.match(err.message, /the database is unavailable: .*clawgate\.db was deleted while the gateway was running/);
          return true;
        });
        await assert.rejects(client.request('sessions.delete', { key: 'agent:manager:main' }), /the database is unavailable/);
        const h = await client.request<{ ok: boolean }>('health', {});
        assert.equal(h.ok, true, 'reads and the connection keep working');
      } finally { client.close(); }
      const lines = gw.logs.map((l) => JSON.parse(l) as { level: string; msg: string; reason?: string });
      const lost = lines.filter((l) => l.level === 'error' && l.msg.startsWith('database unavailable'));
      assert.equal(lost.length, 1, 'logged once');
      assert.match(lost[0]!.reason!, /clawgate\.db was deleted while the gateway was running/);
    } finally { await gw.stop(); }
  });
});

describe('state directory: a write fails in the middle of a run', () => {
  it('the run ends with an error outcome instead of "succeeding", and the gateway keeps serving', async () => {
    const gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN } } }, { start: { localListener: false } });
    const { appendMessage, setRunStatus } = gw.store;
    const store = gw.store as { appendMessage: typeof appendMessage; setRunStatus: typeof setRunStatus };
    try {
      // The database becomes unavailable right after the run was accepted: every write of the run
      // fails, including the one recording its outcome.
      const lost = () => { throw new StoreUnavailableError(`${gw.stateDir}/clawgate.db was deleted while the gateway was running`); };
      store.appendMessage = lost;
      store.setRunStatus = lost;
      const { client } = await connectWs({ url: gw.url, token: TOKEN });
      try {
        const final = await client.request<{ status: string; summary?: string }>('agent', { message: '/tool sessions_list {}', idempotencyKey: 'mid-run' }, { expectFinal: true, timeoutMs: 10_000 })
          .then((r) => r.status, (e: Error) => `rejected: ${e.message}`);
        assert.notEqual(final, 'ok');
        assert.match(final, /database is unavailable|error/);
        assert.equal((await client.request<{ ok: boolean }>('health', {})).ok, true);
      } finally { client.close(); }
      const lines = gw.logs.map((l) => JSON.parse(l) as { msg: string; status?: string });
      assert.ok(lines.some((l) => l.msg === 'run failed' && l.status === 'error'), 'the run is logged as failed');
      assert.ok(lines.some((l) => l.msg === 'run outcome not stored'), 'and why its outcome is not in the database');
    } finally {
      store.appendMessage = appendMessage;
      store.setRunStatus = setRunStatus;
      await gw.stop();
    }
  });
});

describe('busy port and permission errors', () => {
  let holder: Server;
  after(() => holder?.close());

  it('explains a busy port in one line, and the next start says where the generated token is', async () => {
    holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const port = (holder.address() as { port: number }).port;
    const stateDir = dir();
    const r = await runFailing(['--port', String(port)], { CLAWGATE_STATE_DIR: stateDir });
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, new RegExp(`^clawgate: cannot listen on 127\\.0\\.0\\.1:${port}: the address is already in use`, 'm'));
    assert.match(r.out, /choose another port with --port or gateway\.port/);
    assert.doesNotMatch(r.out, /EADDRINUSE|^\s+at /m);

    const gw = await spawnGateway(['--port', '0'], { CLAWGATE_STATE_DIR: stateDir });
    running.push(gw);
    const tokenPath = join(stateDir, 'gateway-token');
    assert.ok(gw.output().includes(tokenPath), `banner names ${tokenPath}:\n${gw.output()}`);
    await gw.kill();
  });
});
