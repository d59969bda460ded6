// The real OpenClaw 2026.9.6 CLI (Node 24, from scripts/install-openclaw.js) against a real
// clawgate on Node 20: every everyday command exits 0 with the right content.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { EMBEDDED_DEFAULTS } from '../src/config/defaults.js';
import { bootGateway, type TestGateway } from './fixtures/gateway.fixture.js';
import { explain, openclawHome, OPENCLAW_VERSION, requireOpenclaw, runOpenclaw, type OpenclawPaths } from './fixtures/openclaw.fixture.js';

const TOKEN = 'occli-token-0123456789abcdef';

describe(`OpenClaw ${OPENCLAW_VERSION} CLI against clawgate`, () => {
  let gw: TestGateway;
  let oc: OpenclawPaths | null;
  let home: string;
  const cli = async (args: string[], timeoutMs = 45_000) => {
    const r = await runOpenclaw(oc!, home, args, { timeoutMs });
    return { ...r, why: explain(args, r) };
  };
  before(async () => {
    oc = requireOpenclaw();
    gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN } }, agents: structuredClone(EMBEDDED_DEFAULTS.agents) });
    home = openclawHome(gw.url, TOKEN);
  });
  after(async () => {
    await gw?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('is the pinned release, running on Node 24', async (t) => {
    if (!oc) { t.skip('OpenClaw not installed'); return; }
    const r = await cli(['--version']);
    assert.equal(r.code, 0, r.why);
    assert.match(r.stdout, new RegExp(`OpenClaw ${OPENCLAW_VERSION.replace(/\./g, '\\.')}`));
  });

  it('gateway call health returns clawgate\'s health', async (t) => {
    if (!oc) { t.skip('OpenClaw not installed'); return; }
    const r = await cli(['gateway', 'call', 'health', '--json']);
    assert.equal(r.code, 0, r.why);
    const body = JSON.parse(r.stdout) as { ok: boolean; defaultAgentId: string };
    assert.equal(body.ok, true);
    assert.equal(body.defaultAgentId, 'manager');
  });
});
