// The `clawgate` CLI as a user runs it: spawned `gateway run` processes (banner, generated token, local listener in every auth mode, secrets kept out of argv/env) and `call` / `config validate` / `--version` exit codes and output.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { refused } from './fixtures/refused.fixture.js';
import { VERSION } from '../src/version.js';
import { SEED_GATEWAY, tempDir } from './fixtures/gateway.fixture.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'clawgate.js');
const BANNER = /^clawgate listening on http:\/\/127\.0\.0\.1:(\d+) \(auth: ([a-z-]+), config: (.+)\)$/m;

const children = new Set<ChildProcess>();
const dirs: string[] = [];

function dir(prefix: string): string {
  const d = tempDir(prefix);
  dirs.push(d);
  return d;
}

/** The test runner's env without any CLAWGATE_* variable, plus `extra`. */
function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CLAWGATE_')) out[k] = v;
  return { ...out, ...extra };
}

interface Gateway {
  proc: ChildProcess;
  port: number;
  stateDir: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns `clawgate gateway run --port 0 …` and resolves once the banner is printed. */
function startGateway(stateDir: string, args: string[] = [], extraEnv: Record<string, string> = {}): Promise<Gateway> {
  const proc = spawn(process.execPath, [BIN, 'gateway', 'run', '--port', '0', ...args], {
    cwd: ROOT, env: env({ CLAWGATE_STATE_DIR: stateDir, ...extraEnv }), stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  let out = '';
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; });
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => { err += d; });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
    proc.once('exit', (code, signal) => { children.delete(proc); res({ code, signal }); });
  });
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`no banner within 10 s; stdout=${out} stderr=${err}`)), 10_000);
    const check = () => {
      const m = BANNER.exec(out);
      // The whole banner block ends with the Local CLI line (the local listener is always on here).
      if (m && /^Local CLI: .*\n/m.test(out)) {
        clearTimeout(timer);
        proc.stdout!.off('data', check);
        res({ proc, port: Number(m[1]), stateDir, stdout: () => out, stderr: () => err, exited });
      }
    };
    proc.stdout!.on('data', check);
    void exited.then(({ code, signal }) => { clearTimeout(timer); rej(new Error(`gateway exited (${code ?? signal}) before its banner: ${err}`)); });
  });
}

/** SIGTERM, then SIGKILL after 3 s. */
async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const gone = new Promise<void>((res) => proc.once('exit', () => res()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 3_000);
  await gone;
  clearTimeout(timer);
}

interface CliResult { code: number | null; stdout: string; stderr: string }

/** Runs `clawgate ARGS` to completion (killed after 10 s). */
function cli(args: string[], extraEnv: Record<string, string>): Promise<CliResult> {
  const proc = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: env(extraEnv), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  let stdout = '';
  let stderr = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
  return new Promise((res) => {
    proc.once('close', (code) => { clearTimeout(timer); children.delete(proc); res({ code, stdout, stderr }); });
  });
}

const json = <T>(r: CliResult): T => {
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
};

const localSecret = (stateDir: string): string => readFileSync(join(stateDir, 'run', 'local-secret'), 'utf8').trim();

function writeConfig(gateway: Record<string, unknown>): string {
  const path = join(dir('clawgate-cli-cfg-'), 'clawgate.json');
  writeFileSync(path, JSON.stringify({ gateway: { ...gateway, port: 0 } }, null, 2));
  return path;
}

const refusedLocal = refused;

after(async () => {
  await Promise.all([...children].map((p) => stop(p)));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('clawgate gateway run with the embedded defaults', () => {
  let stateDir: string;
  let gw: Gateway;
  let token: string;
  before(async () => {
    stateDir = dir('clawgate-cli-state-');
    gw = await startGateway(stateDir);
    token = readFileSync(join(stateDir, 'gateway-token'), 'utf8').trim();
  });

  it('prints the banner with token auth and the generated token once, with a #token= Control UI URL', () => {
    const out = gw.stdout();
    const m = BANNER.exec(out)!;
    assert.equal(m[2], 'token');
    assert.equal(m[3], 'embedded defaults');
    assert.ok(token.length >= 24);
    assert.ok(out.includes(`Generated a gateway token, saved to ${join(stateDir, 'gateway-token')} (mode 0600). It is shown once:\n  ${token}\n`));
    assert.ok(out.includes(`Control UI: http://127.0.0.1:${gw.port}/#token=${token}\n`));
    assert.ok(out.includes(`Local CLI: clawgate call health   (uses ${join(stateDir, 'run', 'gateway.sock')})`));
    assert.equal(statSync(join(stateDir, 'gateway-token')).mode & 0o777, 0o600);
    assert.equal(statSync(join(stateDir, 'run', 'local-secret')).mode & 0o777, 0o600);
    assert.equal(statSync(join(stateDir, 'run')).mode & 0o777, 0o700);
    assert.ok(!gw.stderr().includes(token), 'the token must not reach the logs');
  });

  it('keeps the local secret (and the token) out of the gateway process argv and environment', () => {
    const secret = localSecret(stateDir);
    assert.ok(secret.length >= 32);
    const cmdline = readFileSync(`/proc/${gw.proc.pid}/cmdline`, 'utf8');
    const environ = readFileSync(`/proc/${gw.proc.pid}/environ`, 'utf8');
    assert.ok(cmdline.includes('gateway\0run'), 'read the right process');
    assert.ok(environ.includes(`CLAWGATE_STATE_DIR=${stateDir}`), 'read the right environment');
    for (const s of [secret, token]) {
      assert.ok(!cmdline.includes(s));
      assert.ok(!environ.includes(s));
    }
    assert.ok(!gw.stderr().includes(secret));
  });

  it('answers `call health` with no flags through the local listener', async () => {
    const health = json<{ ok: boolean; authMode: string; defaultAgentId: string }>(await cli(['call', 'health'], { CLAWGATE_STATE_DIR: stateDir }));
    assert.equal(health.ok, true);
    assert.equal(health.authMode, 'token');
    assert.equal(health.defaultAgentId, 'manager');
  });

  it('answers `call sessions.list` with no flags', async () => {
    const list = json<{ count: number; sessions: unknown[]; path: string }>(await cli(['call', 'sessions.list'], { CLAWGATE_STATE_DIR: stateDir }));
    assert.equal(list.count, 0);
    assert.deepEqual(list.sessions, []);
    assert.equal(list.path, stateDir);
  });

  it('accepts the per-boot secret on the Unix socket (checked with a raw ws+unix client)', async () => {
    const ws = new WebSocket(`ws+unix://${join(stateDir, 'run', 'gateway.sock')}:/`, { perMessageDeflate: false });
    const frames: { type: string; event?: string; id?: string; ok?: boolean; payload?: { nonce?: string; type?: string } }[] = [];
    const hello = await new Promise<(typeof frames)[number]>((res, rej) => {
      const t = setTimeout(() => rej(new Error('no hello-ok within 5 s')), 5_000);
      ws.on('error', (e) => { clearTimeout(t); rej(e); });
      ws.on('message', (d) => {
        const f = JSON.parse(d.toString()) as (typeof frames)[number];
        frames.push(f);
        if (f.event === 'connect.challenge') {
          ws.send(JSON.stringify({ type: 'req', id: 'c1', method: 'connect', params: {
            minProtocol: 4, maxProtocol: 4, client: { id: 'cli', version: '1', platform: 'linux', mode: 'cli' },
            role: 'operator', scopes: ['operator.read'], auth: { token: localSecret(stateDir) },
          } }));
        } else if (f.id === 'c1') { clearTimeout(t); res(f); }
      });
    });
    ws.close();
    assert.equal(hello.ok, true, JSON.stringify(hello));
    assert.equal(hello.payload?.type, 'hello-ok');
  });

  it('refuses a wrong local secret with local_secret_mismatch', async () => {
    const err = await refusedLocal({ url: 'ws://localhost/', socketPath: join(stateDir, 'run', 'gateway.sock'), token: 'wrong' });
    assert.equal(err.authReason, 'local_secret_mismatch');
    assert.equal(err.closeCode, 1008);
  });

  it('refuses the right local secret when the upgrade carries forwarded headers (local_forwarded)', async () => {
    const err = await refusedLocal({ url: 'ws://localhost/', socketPath: join(stateDir, 'run', 'gateway.sock'), token: localSecret(stateDir), headers: { 'x-forwarded-for': '203.0.113.9' } });
    assert.equal(err.authReason, 'local_forwarded');
  });

  it('refuses the right local secret when the upgrade carries an Origin (a browser on the internal path) with local_forwarded', async () => {
    const err = await refusedLocal({ url: 'ws://localhost/', socketPath: join(stateDir, 'run', 'gateway.sock'), token: localSecret(stateDir), origin: 'http://127.0.0.1:3000' });
    assert.equal(err.authReason, 'local_forwarded');
    assert.equal(err.closeCode, 1008);
  });

  it('answers `call health --url … --token …` over TCP', async () => {
    // `--token=<t>`: a generated (base64url) token starts with "-" one time in 64; the separate form is covered below.
    const health = json<{ ok: boolean }>(await cli(['call', 'health', '--url', `ws://127.0.0.1:${gw.port}`, `--token=${token}`], { CLAWGATE_STATE_DIR: stateDir }));
    assert.equal(health.ok, true);
  });

  it('exits 1 with one token_mismatch line for `call health --url … --token <wrong>`', async () => {
    const r = await cli(['call', 'health', '--url', `ws://127.0.0.1:${gw.port}`, '--token', 'definitely-wrong'], { CLAWGATE_STATE_DIR: stateDir });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^clawgate: .*token_mismatch/);
  });

  it('stops cleanly on SIGTERM, and a second start neither regenerates nor prints the token but rotates the local secret', async () => {
    const firstSecret = localSecret(stateDir);
    gw.proc.kill('SIGTERM');
    const { code } = await gw.exited;
    assert.equal(code, 0);
    assert.ok(!existsSync(join(stateDir, 'run', 'local-secret')), 'the local secret is removed on stop');

    const again = await startGateway(stateDir);
    const out = again.stdout();
    assert.equal(BANNER.exec(out)![2], 'token');
    assert.ok(!out.includes(token), 'the token is shown only on the first start');
    assert.ok(!out.includes('Generated a gateway token'));
    assert.ok(out.includes(`Gateway token: in ${join(stateDir, 'gateway-token')} (mode 0600)`), 'the banner says where the token is on every start');
    assert.ok(out.includes(`Control UI: http://127.0.0.1:${again.port}/\n`));
    assert.equal(readFileSync(join(stateDir, 'gateway-token'), 'utf8').trim(), token);
    assert.notEqual(localSecret(stateDir), firstSecret);
    const health = json<{ ok: boolean }>(await cli(['call', 'health'], { CLAWGATE_STATE_DIR: stateDir }));
    assert.equal(health.ok, true);
    await stop(again.proc);
  });
});

describe('clawgate call in every auth mode', () => {
  // Generated tokens are base64url, so one in 64 starts with "-"; this one always does.
  const DASH_TOKEN = '-cli-test-token-0123456789';
  const modes: { mode: string; gateway: Record<string, unknown>; gatewayEnv?: Record<string, string> }[] = [
    { mode: 'none', gateway: { auth: { mode: 'none' } } },
    { mode: 'token', gateway: { auth: { mode: 'token', token: DASH_TOKEN } } },
    { mode: 'password', gateway: { auth: { mode: 'password' } }, gatewayEnv: { CLAWGATE_GATEWAY_PASSWORD: 'cli test password 42' } },
    { mode: 'trusted-proxy', gateway: SEED_GATEWAY },
  ];
  const running = new Map<string, Gateway>();
  before(async () => {
    await Promise.all(modes.map(async (m) => {
      running.set(m.mode, await startGateway(dir('clawgate-cli-mode-'), ['--config', writeConfig(m.gateway)], m.gatewayEnv));
    }));
  });
  after(async () => { await Promise.all([...running.values()].map((g) => stop(g.proc))); });

  for (const m of modes) {
    it(`${m.mode}: call health and call sessions.list succeed via the local listener`, async () => {
      const gw = running.get(m.mode)!;
      assert.equal(BANNER.exec(gw.stdout())![2], m.mode);
      const health = json<{ ok: boolean; authMode: string }>(await cli(['call', 'health'], { CLAWGATE_STATE_DIR: gw.stateDir }));
      assert.equal(health.ok, true);
      assert.equal(health.authMode, m.mode);
      const list = json<{ count: number; sessions: unknown[] }>(await cli(['call', 'sessions.list'], { CLAWGATE_STATE_DIR: gw.stateDir }));
      assert.equal(list.count, list.sessions.length);
    });
  }

  it('token: `call health --url … --token <t>` works with the token as a separate argument, even when it starts with "-"', async () => {
    const gw = running.get('token')!;
    const health = json<{ ok: boolean }>(await cli(['call', 'health', '--url', `ws://127.0.0.1:${gw.port}`, '--token', DASH_TOKEN], { CLAWGATE_STATE_DIR: gw.stateDir }));
    assert.equal(health.ok, true);
  });

  it('trusted-proxy (the seed config): the local caller is the local principal, not a proxy user', async () => {
    const gw = running.get('trusted-proxy')!;
    const status = json<{ authMode: string; you: { principal: string; authMethod: string } }>(await cli(['call', 'status'], { CLAWGATE_STATE_DIR: gw.stateDir }));
    assert.equal(status.authMode, 'trusted-proxy');
    assert.deepEqual({ principal: status.you.principal, authMethod: status.you.authMethod }, { principal: 'local', authMethod: 'local' });
  });
});

describe('clawgate CLI failures and metadata', () => {
  it('exits 1 with one clear line when the state dir holds no local credential', async () => {
    const empty = dir('clawgate-cli-empty-');
    const r = await cli(['call', 'health'], { CLAWGATE_STATE_DIR: empty });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^clawgate: no local gateway credential in .*\/run/);
    assert.ok(lines[0]!.includes(empty));
  });

  it('config validate names every bad key path and exits 1', async () => {
    const bad = join(dir('clawgate-cli-bad-'), 'bad.json');
    writeFileSync(bad, JSON.stringify({ gateway: { port: 'eighty', auth: { mode: 'bogus' } } }));
    const r = await cli(['config', 'validate', '--config', bad], {});
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(`invalid config (${bad})`), r.stderr);
    assert.match(r.stderr, /gateway\.port: expected number/);
    assert.match(r.stderr, /gateway\.auth\.mode: must be one of/);
  });

  it('config validate accepts a good file and exits 0', async () => {
    const r = await cli(['config', 'validate', '--config', writeConfig({ auth: { mode: 'none' } })], {});
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^config ok \(.*\): auth none, bind loopback, port 0, 2 agents\n$/);
  });

  it('config validate warns about an empty agent list (it still exits 0: the gateway would start)', async () => {
    const path = join(dir('clawgate-cli-noagents-'), 'c.json5');
    writeFileSync(path, '{ gateway: { auth: { mode: "none" } }, agents: { list: [ /* as above */ ] } }');
    const r = await cli(['config', 'validate', '--config', path], {});
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /, 0 agents\n$/);
    assert.match(r.stderr, /^warning: agents\.list is empty: every agent request will fail/m);
  });

  it('exits 2 on an unknown command', async () => {
    const r = await cli(['frobnicate'], {});
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'clawgate: unknown command "frobnicate" (see clawgate --help)\n');
  });

  it('--version prints the version', async () => {
    const r = await cli(['--version'], {});
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `${VERSION}\n`);
    assert.equal(VERSION, (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });
});
