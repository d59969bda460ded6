// Issue 12, rate limits: a gateway-wide failure budget that slows guessing spread over many
// addresses without holding back the holder of the right secret, and a local listener whose
// limiter never locks out the right local secret. Against running gateways; each example
// failed on main before the fix.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectWs, ConnectError, type WsConnectOptions } from '../src/client/ws.js';
import { bootGateway, type TestGateway } from './fixtures/gateway.fixture.js';
import { BIN } from './fixtures/process.fixture.js';
import { refused } from './fixtures/refused.fixture.js';

const TOKEN = 'edge-limits-token-0123456789';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function principal(opts: WsConnectOptions): Promise<string> {
  const { client } = await connectWs({ timeoutMs: 5_000, ...opts });
  try { return (await client.request<{ you: { principal: string } }>('status')).you.principal; } finally { client.close(); }
}

describe('the gateway-wide failure budget', () => {
  let gw: TestGateway;
  before(async () => { gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN } } }); });
  after(() => gw.stop());

  it('limits 40 guesses from rotated 127.x addresses, while a known client and then a new one with the token get in', async () => {
    assert.equal(await principal({ url: gw.url, token: TOKEN, localAddress: '127.0.1.1' }), 'token', 'the operator connects once (a known client)');
    const reasons: string[] = [];
    let retryAfterMs = 0;
    for (let i = 0; i < 40; i++) {
      const err = await refused({ url: gw.url, token: `guess-${i}`, localAddress: `127.0.2.${i + 1}` });
      reasons.push(String(err.authReason));
      if (err.authReason === 'rate_limited') retryAfterMs = Math.max(retryAfterMs, err.error?.retryAfterMs ?? 0);
    }
    assert.deepEqual(reasons.slice(0, 30), Array(30).fill('token_mismatch'), 'within the default budget of 30, each guess is compared');
    assert.ok(reasons.slice(30).filter((r) => r === 'rate_limited').length >= 8, `then guesses are rationed: ${reasons.slice(30).join(' ')}`);
    assert.ok(retryAfterMs > 0 && retryAfterMs <= 2_000, `retryAfterMs ${retryAfterMs}`);
    // The holder of the right secret from a known address is never held back by others' failures ...
    assert.equal(await principal({ url: gw.url, token: TOKEN, localAddress: '127.0.1.1' }), 'token');
    // ... and from a new address gets in after the ration interval at most.
    await sleep(2_100);
    assert.equal(await principal({ url: gw.url, token: TOKEN, localAddress: '127.0.3.1' }), 'token');
  });
});

describe('the local listener limiter', () => {
  let gw: TestGateway;
  before(async () => { gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN } } }); });
  after(() => gw.stop());

  function callHealth(): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(process.execPath, [BIN, 'call', 'health', '--json'], { env: { PATH: process.env.PATH ?? '', CLAWGATE_STATE_DIR: gw.stateDir, HOME: '/tmp' }, encoding: 'utf8', timeout: 15_000 }, (err, stdout, stderr) => {
        resolve({ status: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
      });
    });
  }

  it("lets the operator's clawgate call health in while a local process keeps retrying a stale secret", async () => {
    const sock = { url: 'ws://localhost/', socketPath: gw.localSocket! };
    const stale = 'cg_stale-secret-from-the-previous-boot';
    const reasons: unknown[] = [];
    for (let i = 0; i < 12; i++) reasons.push((await refused({ ...sock, token: stale })).authReason);
    assert.deepEqual(reasons.slice(0, 10), Array(10).fill('local_secret_mismatch'));
    assert.deepEqual(reasons.slice(10), ['rate_limited', 'rate_limited'], 'the stale process is held back');
    const r = await callHealth();
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { ok: boolean }).ok, true);
    const secret = readFileSync(join(gw.stateDir, 'run', 'local-secret'), 'utf8').trim();
    assert.equal(await principal({ ...sock, token: secret }), 'local');
    assert.ok(((await refused({ ...sock, token: stale })) as ConnectError).authReason === 'rate_limited', 'and the stale one still is');
  });
});
