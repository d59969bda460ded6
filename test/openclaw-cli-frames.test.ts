// The frames OpenClaw's own CLI sends (`openclaw gateway call`): client `cli`/`cli`, the CLI's
// default scopes, a v3 (and newest v4) device signature over the challenge nonce, and a request
// read with expectFinal. The CLI itself needs Node ≥ 22, so its frames are replayed here.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectWs } from '../src/client/ws.js';
import { generateDeviceKeys, signDevice } from '../src/auth/device.js';
import { bootGateway, SEED_GATEWAY, type TestGateway } from './fixtures/gateway.fixture.js';
import { refused } from './fixtures/refused.fixture.js';

const CLI_SCOPES = ['operator.admin', 'operator.read', 'operator.write', 'operator.approvals', 'operator.pairing'];
const TOKEN = 'openclaw-cli-token-0123456789';

function asOpenClawCli(version: 'v3' | 'v4', keys = generateDeviceKeys(), tamper?: (d: Record<string, unknown>) => void) {
  return (params: Record<string, unknown>, nonce: string) => {
    const client = { id: 'cli', version: '2026.9.6', platform: 'Linux', deviceFamily: 'Desktop', mode: 'cli', instanceId: 'inst-1' };
    const device = signDevice(keys, {
      clientId: client.id, clientMode: client.mode, role: 'operator', scopes: CLI_SCOPES, token: TOKEN,
      platform: client.platform, deviceFamily: client.deviceFamily, instanceId: client.instanceId, nonce, signedAt: Date.now(), version,
    }) as unknown as Record<string, unknown>;
    tamper?.(device);
    return { ...params, client, scopes: CLI_SCOPES, device, auth: { token: TOKEN }, locale: 'en-US', userAgent: 'openclaw-cli/2026.9.6' };
  };
}

describe('OpenClaw CLI frames', () => {
  let gw: TestGateway;
  before(async () => { gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN } } }); });
  after(() => gw.stop());

  for (const version of ['v3', 'v4'] as const) {
    it(`accepts the CLI's connect with a ${version} device signature and answers a call`, async () => {
      const { client, hello } = await connectWs({ url: gw.url, token: TOKEN, decorate: asOpenClawCli(version) });
      assert.equal(hello.protocol, 4);
      assert.deepEqual(hello.auth.scopes, CLI_SCOPES);
      const health = await client.request<{ ok: boolean }>('health', {}, { expectFinal: true, timeoutMs: 10_000 });
      assert.equal(health.ok, true);
      client.close();
    });
  }

  it('refuses a CLI connect whose signature does not cover this challenge', async () => {
    const err = await refused({ url: gw.url, token: TOKEN, decorate: asOpenClawCli('v3', undefined, (d) => { d.nonce = '00000000-0000-4000-8000-000000000000'; }) });
    assert.equal(err.error?.details?.code, 'DEVICE_AUTH_NONCE_MISMATCH');
    assert.equal(err.closeCode, 1008);
  });

  it('refuses the CLI in trusted-proxy mode without the identity header, even with a valid device', async () => {
    const tp = await bootGateway({ gateway: { ...SEED_GATEWAY, port: 0 } });
    try {
      const err = await refused({ url: tp.url, decorate: asOpenClawCli('v3') });
      assert.equal(err.authReason, 'trusted_proxy_user_missing');
    } finally { await tp.stop(); }
  });
});
