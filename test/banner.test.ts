// The start banner tells the truth: in trusted-proxy mode it points at the proxy (the
// configured Control UI origin, or a one-line hint), never at the direct URL every browser is
// refused on; in token mode it always says where the token is.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './fixtures/gateway.fixture.js';
import { spawnGateway, type GatewayProcess } from './fixtures/process.fixture.js';

const SEED = join(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/seed-gateway.json5');
const running: GatewayProcess[] = [];
const dirs: string[] = [];
after(async () => {
  for (const g of running) await g.kill();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function banner(config: string): Promise<{ out: string; port: number }> {
  const stateDir = tempDir('clawgate-banner-');
  dirs.push(stateDir);
  const path = join(stateDir, 'clawgate.json5');
  writeFileSync(path, config);
  const gw = await spawnGateway(['--config', path, '--port', '0'], { CLAWGATE_STATE_DIR: stateDir });
  running.push(gw);
  await new Promise((r) => setTimeout(r, 100)); // the banner is one write, but let it land
  return { out: gw.output(), port: gw.port };
}

describe('start banner', () => {
  it('trusted-proxy (the seed config): names the proxy origin, not the refused direct URL', async () => {
    const { out, port } = await banner(readFileSync(SEED, 'utf8'));
    assert.match(out, /clawgate listening on http:\/\/127\.0\.0\.1:\d+ \(auth: trusted-proxy/);
    assert.match(out, /^Control UI: https:\/\/openclaw\.example\.com\/ {2}\(through your identity-aware proxy; direct connections to this port are refused\)$/m);
    assert.doesNotMatch(out, new RegExp(`Control UI: http://127\\.0\\.0\\.1:${port}`));
  });

  it('trusted-proxy without allowedOrigins: a one-line hint instead of a URL', async () => {
    const { out } = await banner(JSON.stringify({ gateway: { bind: 'loopback', trustedProxies: ['127.0.0.1'], auth: { mode: 'trusted-proxy', trustedProxy: { userHeader: 'x-user', allowUsers: ['me'] } } } }));
    const lines = out.split('\n').filter((l) => l.startsWith('Control UI:'));
    assert.deepEqual(lines, ['Control UI: open it through your identity-aware proxy (direct connections to this port are refused); set gateway.controlUi.allowedOrigins to the proxy\'s URL to see it here']);
  });

  it('token from the config: says where the token is', async () => {
    const { out, port } = await banner(JSON.stringify({ gateway: { auth: { mode: 'token', token: 'banner-token-0123456789abcdef' } } }));
    assert.match(out, /^Gateway token: gateway\.auth\.token in \/.*clawgate\.json5$/m);
    assert.ok(out.includes(`Control UI: http://127.0.0.1:${port}/\n`));
    assert.ok(!out.includes('banner-token-0123456789abcdef'), 'a configured token is never printed');
  });
});
