// Config validation stays complete (every problem by key path, OpenClaw keys warned about) and
// bounded (a config full of mistakes gives a readable, capped report).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { ConfigError } from '../src/config/errors.js';
import { MAX_CONFIG_ISSUES } from '../src/config/schema.js';
import { tempDir } from './fixtures/gateway.fixture.js';

function load(config: unknown) {
  const dir = tempDir();
  const configPath = join(dir, 'clawgate.json');
  writeFileSync(configPath, JSON.stringify(config));
  return loadConfig({ configPath, env: { CLAWGATE_STATE_DIR: dir } });
}

describe('config validation output', () => {
  it('reports every problem by key path, unknown keys included', () => {
    assert.throws(() => load({ gateway: { port: 'x', bogus: 1, auth: { mode: 'nope' } }, agents: { list: [{ id: 'Bad Id' }] } }), (e: ConfigError) => {
      const paths = e.issues.map((i) => i.path).sort();
      assert.deepEqual(paths, ['agents.list[0].id', 'gateway.auth.mode', 'gateway.bogus', 'gateway.port']);
      assert.match(e.message, /gateway\.bogus: unknown key/);
      assert.match(e.message, /gateway\.auth\.mode: must be one of "none", "token", "password", "trusted-proxy"/);
      return true;
    });
  });

  it('caps a config full of mistakes at 100 problems plus a count, with bounded paths', () => {
    const gateway = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}\n${'x'.repeat(i === 0 ? 10_000 : 1)}`, i]));
    assert.throws(() => load({ gateway }), (e: ConfigError) => {
      assert.equal(e.issues.length, MAX_CONFIG_ISSUES + 1);
      assert.match(e.issues.at(-1)!.message, /^and \d+\+? more problems$/);
      assert.ok(e.message.length < 40_000, `${e.message.length} characters`);
      assert.ok(!e.message.includes('\n'), 'control characters in keys are escaped');
      return true;
    });
  });

  it('still loads OpenClaw keys it ignores, with a warning each', () => {
    const cfg = load({ gateway: { tailscale: { mode: 'off' }, auth: { mode: 'token', token: 'a-long-enough-token-123' } }, wizard: {} });
    assert.ok(cfg.warnings.some((w) => w.startsWith('gateway.tailscale ')));
    assert.ok(cfg.warnings.some((w) => w.startsWith('wizard ')));
  });
});
