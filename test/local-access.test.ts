// The local listener's boundary is the state dir's permissions: another user on the same host
// cannot read the per-boot secret or reach the socket, so `clawgate call` gets nothing — while
// the owner's call works without flags.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bootGateway, SEED_GATEWAY, type TestGateway } from './fixtures/gateway.fixture.js';
import { BIN } from './fixtures/process.fixture.js';

const NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups'];
const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));

/** Runs the CLI asynchronously: the gateway under test lives in this process and must keep serving. */
function call(stateDir: string, asNobody: boolean): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const argv = [process.execPath, BIN, 'call', 'health', '--json'];
  const [cmd, ...args] = asNobody ? [setpriv!, ...NOBODY, ...argv] : argv;
  return new Promise((resolve) => {
    execFile(cmd!, args, { env: { PATH: process.env.PATH ?? '', CLAWGATE_STATE_DIR: stateDir, HOME: '/tmp' }, encoding: 'utf8', timeout: 15_000 }, (err, stdout, stderr) => {
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
    });
  });
}

describe('local listener: only the state dir owner gets in', () => {
  let gw: TestGateway;
  before(async () => { gw = await bootGateway({ gateway: { ...SEED_GATEWAY, port: 0 } }); });
  after(() => gw.stop());

  it('keeps the runtime folder 0700 and the secret and socket 0600', () => {
    const run = join(gw.stateDir, 'run');
    assert.equal(statSync(run).mode & 0o777, 0o700);
    assert.equal(statSync(join(run, 'local-secret')).mode & 0o777, 0o600);
    assert.equal(statSync(join(run, 'gateway.sock')).mode & 0o777, 0o600);
  });

  it('answers the owner without flags, in trusted-proxy mode', async () => {
    const r = await call(gw.stateDir, false);
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { ok: boolean }).ok, true);
  });

  it('gives another user nothing: no secret, no socket', async (t) => {
    if (process.getuid?.() !== 0 || !setpriv) { t.skip('needs root and setpriv to act as another user'); return; }
    const probe = spawnSync(setpriv, [...NOBODY, process.execPath, '-e', `require('fs').accessSync(${JSON.stringify(BIN)})`], { encoding: 'utf8' });
    if (probe.status !== 0) { t.skip('the checkout is not readable by user nobody here'); return; }
    const r = await call(gw.stateDir, true);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no local gateway credential in .*\(is the gateway running on this host, as this user\?\)/);
    assert.equal(r.stdout, '');
  });
});
