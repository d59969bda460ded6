// `clawgate doctor`: one test per finding (id, severity, and a fix that names the key to
// change), configs that fail startup validation, the seed config, exit codes through the real
// CLI entry, and docs/doctor.md covering every finding id.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main, type Io } from '../src/cli/main.js';
import { ConfigError } from '../src/config/errors.js';
import { loadConfig } from '../src/config/load.js';
import { FINDING_IDS, diagnose, type Finding, type FindingId, type Severity } from '../src/doctor/checks.js';
import { SEED_GATEWAY } from './fixtures/gateway.fixture.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const LONG_TOKEN = 'tok-0123456789abcdef-0123';

const audit = (gateway: Record<string, unknown>, env: Record<string, string> = {}, rest: Record<string, unknown> = {}): Finding[] =>
  diagnose({ input: { gateway, ...rest }, env, inContainer: false });

/** Asserts exactly one finding with `id`, its severity, and that its fix names `key`; returns it. */
function expectFinding(findings: readonly Finding[], id: FindingId, severity: Severity, key: string): Finding {
  const hits = findings.filter((f) => f.id === id);
  assert.equal(hits.length, 1, `expected one ${id}, got: ${findings.map((f) => f.id).join(', ') || 'none'}`);
  const f = hits[0]!;
  assert.equal(f.severity, severity);
  assert.ok(f.fix.includes(key), `fix should mention ${key}: ${f.fix}`);
  assert.ok(f.title.length > 0 && !f.title.includes('\n'), 'title is one line');
  return f;
}

const ids = (findings: readonly Finding[]): string[] => findings.map((f) => f.id);
const seed = (over: Record<string, unknown> = {}) => ({ ...SEED_GATEWAY, ...over });
const seedAuth = (tp: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  seed({ auth: { mode: 'trusted-proxy', trustedProxy: { ...SEED_GATEWAY.auth.trustedProxy, ...tp }, ...extra } });

describe('doctor findings', () => {
  it('loopback-proxy-without-secret: warns on a loopback bind when a loopback proxy needs no secret', () => {
    const f = expectFinding(audit(seed()), 'loopback-proxy-without-secret', 'warn', 'gateway.auth.trustedProxy.proxySecret');
    assert.match(f.detail, /x-authentik-email/);
  });

  it('loopback-proxy-without-secret: is critical when the gateway also listens on the network', () => {
    const findings = audit(seed({ bind: 'lan', trustedProxies: ['127.0.0.0/8', '10.0.3.7'] }));
    expectFinding(findings, 'loopback-proxy-without-secret', 'critical', 'gateway.auth.trustedProxy.proxySecret');
  });

  it('loopback-proxy-without-secret: is gone once a proxy secret is configured', () => {
    const findings = audit(seedAuth({ proxySecret: { header: 'x-proxy-secret', value: 'a-proxy-secret-of-32-characters!' } }));
    assert.ok(!ids(findings).includes('loopback-proxy-without-secret'));
    assert.deepEqual(findings, []);
  });

  it('loopback-proxy-without-secret: recommends a signed assertion too, and is gone once one is configured', () => {
    const f = expectFinding(audit(seed()), 'loopback-proxy-without-secret', 'warn', 'gateway.auth.trustedProxy.assertion');
    assert.match(f.fix, /docs\/deploy\/signed-assertions\.md/);
    const findings = audit(seedAuth({ assertion: { header: 'cf-access-jwt-assertion', jwksUrl: 'https://myteam.cloudflareaccess.com/cdn-cgi/access/certs', issuer: 'https://myteam.cloudflareaccess.com', audience: 'aud-tag' } }));
    assert.deepEqual(findings, []);
  });

  it('allow-users-empty: warns that anyone the proxy vouches for is admitted', () => {
    expectFinding(audit(seedAuth({ allowUsers: [] })), 'allow-users-empty', 'warn', 'gateway.auth.trustedProxy.allowUsers');
  });

  it('allowed-origins-missing: warns for a network bind with no Control UI origin', () => {
    expectFinding(audit({ bind: 'lan', auth: { mode: 'token', token: LONG_TOKEN } }), 'allowed-origins-missing', 'warn', 'gateway.controlUi.allowedOrigins');
    assert.ok(!ids(audit({ bind: 'loopback', auth: { mode: 'token', token: LONG_TOKEN } })).includes('allowed-origins-missing'));
  });

  it('no-auth-exposed: is critical for auth none on a network bind, without a duplicate config-invalid', () => {
    const findings = audit({ bind: 'lan', auth: { mode: 'none' }, controlUi: { allowedOrigins: ['https://gw.example.com'] } });
    expectFinding(findings, 'no-auth-exposed', 'critical', 'gateway.auth.mode');
    assert.ok(!findings.some((f) => f.id === 'config-invalid' && f.key === 'gateway.auth.mode'));
  });

  it('token-with-trusted-proxy: explains the startup error as a critical finding', () => {
    const gateway = seedAuth({}, { token: LONG_TOKEN });
    const dir = mkdtempSync(join(tmpdir(), 'clawgate-doctor-'));
    try {
      writeFileSync(join(dir, 'c.json'), JSON.stringify({ gateway }));
      assert.throws(() => loadConfig({ configPath: join(dir, 'c.json'), env: { CLAWGATE_STATE_DIR: dir } }), ConfigError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const findings = audit(gateway);
    expectFinding(findings, 'token-with-trusted-proxy', 'critical', 'gateway.auth.token');
    assert.ok(!findings.some((f) => f.id === 'config-invalid'), 'the startup rule is reported once, by the specific finding');
  });

  it('token-with-trusted-proxy: names the environment variable when the token comes from CLAWGATE_GATEWAY_TOKEN', () => {
    const f = expectFinding(audit(seed(), { CLAWGATE_GATEWAY_TOKEN: LONG_TOKEN }), 'token-with-trusted-proxy', 'critical', 'CLAWGATE_GATEWAY_TOKEN');
    assert.equal(f.key, 'CLAWGATE_GATEWAY_TOKEN');
  });

  it('trusted-proxy-unreachable: is critical when a loopback bind trusts no loopback proxy', () => {
    const findings = audit(seed({ trustedProxies: ['10.0.3.7'] }));
    expectFinding(findings, 'trusted-proxy-unreachable', 'critical', 'gateway.trustedProxies');
    assert.ok(!ids(findings).includes('config-invalid'));
  });

  it('trusted-proxy-local-only: warns when a network bind trusts only loopback proxies', () => {
    const findings = audit(seed({ bind: 'lan', trustedProxies: ['127.0.0.1', '::1'] }));
    expectFinding(findings, 'trusted-proxy-local-only', 'warn', 'gateway.trustedProxies');
    assert.ok(!ids(audit(seed({ bind: 'lan', trustedProxies: ['127.0.0.1', '10.0.3.7'] }))).includes('trusted-proxy-local-only'));
  });

  it('allowed-origins-wildcard: warns for "*", critical when there is no auth at all', () => {
    expectFinding(audit({ auth: { mode: 'token', token: LONG_TOKEN }, controlUi: { allowedOrigins: ['*'] } }), 'allowed-origins-wildcard', 'warn', 'gateway.controlUi.allowedOrigins');
    expectFinding(audit({ auth: { mode: 'none' }, controlUi: { allowedOrigins: ['*'] } }), 'allowed-origins-wildcard', 'critical', 'gateway.controlUi.allowedOrigins');
  });

  it('trusted-proxies-too-wide: is critical in trusted-proxy mode for 0.0.0.0/0, ::/0 and very wide ranges', () => {
    for (const range of ['0.0.0.0/0', '::/0', '64.0.0.0/2', '::ffff:0.0.0.0/96', 'fc00::/7']) {
      const findings = audit(seed({ trustedProxies: ['127.0.0.1', range] }));
      const f = expectFinding(findings, 'trusted-proxies-too-wide', 'critical', 'gateway.trustedProxies');
      assert.ok(f.detail.includes(range), f.detail);
    }
    assert.ok(!ids(audit(seed({ trustedProxies: ['127.0.0.1', '10.0.0.0/8'] }))).includes('trusted-proxies-too-wide'));
  });

  it('trusted-proxies-too-wide: warns in token mode, where it lets clients dodge the lockout', () => {
    const f = expectFinding(audit({ auth: { mode: 'token', token: LONG_TOKEN }, trustedProxies: ['0.0.0.0/0'] }), 'trusted-proxies-too-wide', 'warn', 'gateway.trustedProxies');
    assert.match(f.detail, /X-Forwarded-For/);
  });

  it('auth-none-loopback: is info on a loopback bind', () => {
    const findings = audit({ auth: { mode: 'none' } });
    expectFinding(findings, 'auth-none-loopback', 'info', 'gateway.auth.mode');
    assert.deepEqual(ids(findings), ['auth-none-loopback']);
  });

  it('weak-password: warns under 12 characters, from config or environment', () => {
    expectFinding(audit({ auth: { mode: 'password', password: 'hunter2!' } }), 'weak-password', 'warn', 'gateway.auth.password');
    expectFinding(audit({ auth: { mode: 'password' } }, { CLAWGATE_GATEWAY_PASSWORD: 'short' }), 'weak-password', 'warn', 'CLAWGATE_GATEWAY_PASSWORD');
    assert.deepEqual(audit({ auth: { mode: 'password', password: 'twelve-chars' } }), []);
  });

  it('weak-token: warns under 16 characters', () => {
    const f = expectFinding(audit({ auth: { mode: 'token', token: 'abc123' } }), 'weak-token', 'warn', 'gateway.auth.token');
    assert.ok(!`${f.title}${f.detail}${f.fix}`.includes('abc123'), 'never echoes the secret');
    assert.deepEqual(audit({ auth: { mode: 'token', token: '0123456789abcdef' } }), []);
  });

  it('insecure-origin: is info for a plain-http origin on a non-loopback host', () => {
    const findings = audit({ auth: { mode: 'token', token: LONG_TOKEN }, controlUi: { allowedOrigins: ['http://localhost:5173', 'http://gw.lan:8080', 'https://gw.example.com'] } });
    const f = expectFinding(findings, 'insecure-origin', 'info', 'gateway.controlUi.allowedOrigins[1]');
    assert.match(f.fix, /"https:\/\/gw\.lan:8080"/);
  });

  it('proxy-secret-unavailable: is critical when the secret\'s environment variable is unset or short', () => {
    const gateway = seedAuth({ proxySecret: { header: 'x-proxy-secret', env: 'PROXY_SECRET' } });
    expectFinding(audit(gateway), 'proxy-secret-unavailable', 'critical', 'PROXY_SECRET');
    expectFinding(audit(gateway, { PROXY_SECRET: 'short' }), 'proxy-secret-unavailable', 'critical', 'gateway.auth.trustedProxy.proxySecret.env');
    assert.deepEqual(audit(gateway, { PROXY_SECRET: 'x'.repeat(16) }), []);
  });

  it('metrics-public-exposed: warns when /metrics skips auth on a network bind', () => {
    const gateway = { bind: 'lan', auth: { mode: 'token', token: LONG_TOKEN }, controlUi: { allowedOrigins: ['https://gw.example.com'] }, metrics: { public: true } };
    expectFinding(audit(gateway), 'metrics-public-exposed', 'warn', 'gateway.metrics.public');
    assert.deepEqual(audit({ ...gateway, bind: 'loopback' }), []);
  });

  it('config-invalid: reports schema problems and says the audits could not run', () => {
    const findings = audit({ port: 'eighty', auth: { mode: 'none' } });
    expectFinding(findings, 'config-invalid', 'critical', 'gateway.port');
    expectFinding(findings, 'audit-incomplete', 'info', 'gateway');
    assert.ok(!ids(findings).includes('auth-none-loopback'));
  });

  it('config-invalid: a problem outside gateway still lets the audits run', () => {
    const findings = audit(seed(), {}, { agents: { list: [{ id: 'a' }, { id: 'a' }] } });
    expectFinding(findings, 'config-invalid', 'critical', 'agents.list[1].id');
    expectFinding(findings, 'loopback-proxy-without-secret', 'warn', 'gateway.auth.trustedProxy.proxySecret');
  });

  it('config-ignored-key: notes OpenClaw keys that have no effect', () => {
    expectFinding(audit({ auth: { mode: 'token', token: LONG_TOKEN }, tailscale: { mode: 'off' } }), 'config-ignored-key', 'info', 'gateway.tailscale');
  });

  it('sorts findings critical first, then warn, then info', () => {
    const findings = audit(seed({ bind: 'lan', trustedProxies: ['127.0.0.1'], controlUi: { allowedOrigins: ['http://gw.lan'] } }));
    const order = findings.map((f) => ['critical', 'warn', 'info'].indexOf(f.severity));
    assert.deepEqual(order, [...order].sort((a, b) => a - b));
    assert.deepEqual(ids(findings), ['loopback-proxy-without-secret', 'trusted-proxy-local-only', 'insecure-origin']);
  });
});

describe('clawgate doctor (CLI)', () => {
  let dir: string;
  const saved: Record<string, string | undefined> = {};
  const ENV = ['CLAWGATE_GATEWAY_TOKEN', 'CLAWGATE_GATEWAY_PASSWORD', 'CLAWGATE_CONFIG', 'CLAWGATE_STATE_DIR'];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'clawgate-doctor-'));
    for (const k of ENV) { saved[k] = process.env[k]; delete process.env[k]; }
    process.env.CLAWGATE_STATE_DIR = dir; // private (0700), like a gateway's
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    for (const k of ENV) if (saved[k] !== undefined) process.env[k] = saved[k];
  });

  async function doctor(content: string | Record<string, unknown>, ...flags: string[]): Promise<{ code: number; out: string; err: string }> {
    const p = join(dir, `c${Math.random().toString(36).slice(2)}.json5`);
    writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
    let out = '';
    let err = '';
    const io: Io = { out: (s) => { out += s; }, err: (s) => { err += s; } };
    const code = await main(['doctor', '--config', p, ...flags], io);
    return { code, out, err };
  }

  it('exits 0 with no findings', async () => {
    const r = await doctor({ gateway: { auth: { mode: 'token', token: LONG_TOKEN } } });
    assert.equal(r.code, 0);
    assert.match(r.out, /No findings\./);
    assert.match(r.out, /\(exit 0\)\n$/);
  });

  it('exits 0 when every finding is info', async () => {
    const r = await doctor({ gateway: { auth: { mode: 'none' } } });
    assert.equal(r.code, 0);
    assert.match(r.out, /INFO \(1\)\n {2}\[auth-none-loopback\]/);
  });

  it('exits 1 on the seed config, listing the loopback proxy without a secret', async () => {
    const r = await doctor(readFileSync(join(ROOT, 'test/fixtures/seed-gateway.json5'), 'utf8'));
    assert.equal(r.code, 1);
    assert.match(r.out, /WARN \(1\)\n {2}\[loopback-proxy-without-secret\]/);
    assert.match(r.out, /fix: .*gateway\.auth\.trustedProxy\.proxySecret/);
  });

  it('exits 2 on a config that fails startup, and never prints the secret', async () => {
    const r = await doctor({ gateway: seedAuth({}, { token: 'do-not-print-this-token' }) });
    assert.equal(r.code, 2);
    assert.match(r.out, /CRITICAL \(1\)\n {2}\[token-with-trusted-proxy\]/);
    assert.ok(!r.out.includes('do-not-print-this-token'));
    assert.equal(r.err, '');
  });

  it('exits 2 when the file is missing or not JSON5', async () => {
    let out = '';
    const code = await main(['doctor', '--config', join(dir, 'missing.json5')], { out: (s) => { out += s; }, err: () => {} });
    assert.equal(code, 2);
    assert.match(out, /\[config-unreadable\] .*file not found/);
    const bad = await doctor('{ gateway: { port: 1 ');
    assert.equal(bad.code, 2);
    assert.match(bad.out, /\[config-unreadable\] .*not valid JSON5/);
  });

  it('prints the findings array with --json', async () => {
    const r = await doctor({ gateway: seed({ bind: 'lan' }) }, '--json');
    assert.equal(r.code, 2);
    const parsed = JSON.parse(r.out) as Finding[];
    assert.deepEqual(parsed.map((f) => [f.id, f.severity]), [
      ['loopback-proxy-without-secret', 'critical'], ['trusted-proxy-local-only', 'warn'],
    ]);
    assert.deepEqual(Object.keys(parsed[0]!), ['id', 'severity', 'title', 'detail', 'fix', 'key']);
  });

  it('runs the agents checks gateway run runs: an unknown tool and an unresolvable model are critical', async () => {
    const r = await doctor({ gateway: { auth: { mode: 'token', token: LONG_TOKEN } }, agents: { list: [
      { id: 'main', default: true, tools: { allow: ['sessions_list', 'rm_rf'] } },
      { id: 'other', model: 'nowhere/gpt' },
    ] } }, '--json');
    assert.equal(r.code, 2);
    const parsed = JSON.parse(r.out) as Finding[];
    assert.deepEqual(parsed.map((f) => [f.id, f.severity, f.key]), [
      ['config-invalid', 'critical', 'agents.list[0].tools.allow[1]'], ['config-invalid', 'critical', 'agents.list[1].model'],
    ]);
    assert.match(parsed[0]!.detail, /unknown tool "rm_rf"/);
    assert.match(parsed[1]!.detail, /nowhere\/gpt/);
  });

  it('reports each start-up problem once (doctor\'s own finding wins over the loader\'s issue at the same key)', async () => {
    const r = await doctor({ gateway: seedAuth({}, { token: 'do-not-print-this-token' }) }, '--json');
    assert.deepEqual((JSON.parse(r.out) as Finding[]).map((f) => f.id), ['token-with-trusted-proxy', 'loopback-proxy-without-secret']);
  });

  it('no-agents: an empty agent list is a warning (and a missing agents section is not)', async () => {
    const r = await doctor({ gateway: { auth: { mode: 'token', token: LONG_TOKEN } }, agents: { list: [] } });
    assert.equal(r.code, 1);
    assert.match(r.out, /WARN \(1\)\n {2}\[no-agents\] No agents are configured/);
    assert.match(r.out, /fix: .*agents\.list/);
    const fine = await doctor({ gateway: { auth: { mode: 'token', token: LONG_TOKEN } } });
    assert.equal(fine.code, 0, fine.out);
  });

  it('state-dir-permissions: a group- or world-accessible state dir is critical, with the chmod fix', async () => {
    const open = mkdtempSync(join(tmpdir(), 'clawgate-doctor-open-'));
    chmodSync(open, 0o755);
    process.env.CLAWGATE_STATE_DIR = open;
    try {
      const r = await doctor({ gateway: { auth: { mode: 'token', token: LONG_TOKEN } } }, '--json');
      assert.equal(r.code, 2);
      const [f] = JSON.parse(r.out) as Finding[];
      assert.equal(f!.id, 'state-dir-permissions');
      assert.equal(f!.key, 'CLAWGATE_STATE_DIR');
      assert.match(f!.detail, new RegExp(`${open} has mode 0755`));
      assert.match(f!.fix, new RegExp(`chmod 700 ${open}`));
    } finally {
      process.env.CLAWGATE_STATE_DIR = dir;
      rmSync(open, { recursive: true, force: true });
    }
  });

  it('lists doctor in the usage text', async () => {
    let out = '';
    await main(['--help'], { out: (s) => { out += s; }, err: () => {} });
    assert.match(out, /clawgate doctor \[--config PATH\] \[--json\]/);
  });
});

describe('docs/doctor.md', () => {
  const doc = readFileSync(join(ROOT, 'docs/doctor.md'), 'utf8');
  it('documents every finding id', () => {
    const missing = FINDING_IDS.filter((id) => !doc.includes(`\`${id}\``));
    assert.deepEqual(missing, []);
  });
  it('documents no finding id the code does not have', () => {
    const documented = [...doc.matchAll(/^### `([a-z0-9-]+)`/gm)].map((m) => m[1]!);
    assert.deepEqual([...documented].sort(), [...FINDING_IDS].sort());
  });
  it('ids are unique and kebab-case', () => {
    assert.equal(new Set(FINDING_IDS).size, FINDING_IDS.length);
    for (const id of FINDING_IDS) assert.match(id, /^[a-z]+(?:-[a-z0-9]+)*$/);
  });
});
