// Configuration loading: the #43300 seed fragment, startup rules, unknown/ignored keys, freezing, env and file selection, embedded defaults.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type FrozenConfig, type LoadOptions } from '../src/config/load.js';
import { ConfigError } from '../src/config/errors.js';
import type { Issue } from '../src/protocol/schema.js';
import { startGateway } from '../src/main.js';
import { connectWs, ConnectError } from '../src/client/ws.js';
import { silentLogger } from '../src/util/log.js';

/** dist/test/config.test.js → the repository root. */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SEED_FIXTURE = join(REPO_ROOT, 'test/fixtures/seed-gateway.json5');
const SEED_ISSUE = resolve(REPO_ROOT, '../shared/seed/openclaw-issue-43300.txt');

const temps: string[] = [];
after(() => { for (const d of temps) rmSync(d, { recursive: true, force: true }); });
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'clawgate-config-'));
  temps.push(d);
  return d;
}

/** Writes `config` (an object, or raw text) to a fresh state dir and loads it. */
function load(config: unknown, opts: Omit<LoadOptions, 'configPath'> = {}): FrozenConfig {
  const dir = tempDir();
  const configPath = join(dir, 'clawgate.json5');
  writeFileSync(configPath, typeof config === 'string' ? config : JSON.stringify(config));
  return loadConfig({ ...opts, configPath, env: { CLAWGATE_STATE_DIR: dir, ...opts.env } });
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the config to be refused');
}

const issuesOf = (config: unknown, opts: Omit<LoadOptions, 'configPath'> = {}): readonly Issue[] => configError(() => load(config, opts)).issues;

/** Asserts exactly one issue, at `path`, with a message matching `message`. */
function onlyIssue(issues: readonly Issue[], path: string, message: RegExp): void {
  assert.deepEqual(issues.map((i) => i.path), [path], JSON.stringify(issues));
  assert.match(issues[0]!.message, message);
}

const TP = (extra: Record<string, unknown> = {}, gateway: Record<string, unknown> = {}) => ({
  gateway: { auth: { mode: 'trusted-proxy', trustedProxy: { userHeader: 'x-authentik-email', ...extra } }, trustedProxies: ['127.0.0.1'], ...gateway },
});

describe('the #43300 seed fragment', () => {
  it('is a fixture whose body is contained verbatim in the seed issue', (t) => {
    assert.ok(existsSync(join(REPO_ROOT, 'package.json')), `repo root resolved to ${REPO_ROOT}`);
    if (!existsSync(SEED_ISSUE)) { t.skip(`seed file not present at ${SEED_ISSUE}`); return; }
    const fixture = readFileSync(SEED_FIXTURE, 'utf8');
    const body = fixture.replace(/^(?:\/\/[^\n]*\n)*/, '').trimEnd();
    assert.ok(body.startsWith('"gateway": {') && body.endsWith('}'), 'the fixture is the bare "gateway": {...} fragment');
    assert.ok(readFileSync(SEED_ISSUE, 'utf8').includes(body), 'fixture text differs from the seed issue');
  });

  it('loads as a bare fragment with the settings from the issue', () => {
    const dir = tempDir();
    const cfg = loadConfig({ configPath: SEED_FIXTURE, env: { CLAWGATE_STATE_DIR: dir } });
    assert.equal(cfg.configPath, SEED_FIXTURE);
    assert.equal(cfg.stateDir, dir);
    assert.equal(cfg.gateway.port, 18789);
    assert.equal(cfg.gateway.bind, 'loopback');
    assert.equal(cfg.gateway.bindHost, '127.0.0.1');
    assert.deepEqual(cfg.gateway.controlUi, { enabled: true, basePath: '/', allowedOrigins: ['https://openclaw.example.com'] });
    assert.deepEqual(cfg.gateway.auth, { mode: 'trusted-proxy', userHeader: 'x-authentik-email', requiredHeaders: [], allowUsers: ['me@example.com', 'openclaw-internal@local'], identityScopes: {} });
    assert.deepEqual(cfg.gateway.trustedProxies.map((c) => `${c.ip}/${c.prefix}`), ['127.0.0.1/32']);
    assert.deepEqual(cfg.warnings, []);
  });

  it('starts a gateway that serves health to the proxied identity and refuses a bare loopback connection', async () => {
    const dir = tempDir();
    const cfg = loadConfig({ configPath: SEED_FIXTURE, port: 0, env: { CLAWGATE_STATE_DIR: dir } });
    assert.equal(cfg.gateway.port, 0);
    const gw = await startGateway(cfg, { log: silentLogger() });
    try {
      assert.notEqual(gw.port, 0);
      const { client, hello } = await connectWs({ url: gw.url, headers: { 'x-authentik-email': 'me@example.com' }, timeoutMs: 5_000 });
      try {
        assert.equal(hello.snapshot.authMode, 'trusted-proxy');
        const health = await client.request<{ ok: boolean; authMode: string }>('health');
        assert.equal(health.ok, true);
        assert.equal(health.authMode, 'trusted-proxy');
      } finally {
        client.close();
      }
      // The self-connection from the issue: loopback, no identity header.
      const err = await connectWs({ url: gw.url, timeoutMs: 5_000 }).then(({ client }) => { client.close(); return undefined; }, (e: unknown) => e);
      assert.ok(err instanceof ConnectError, 'a connection without the identity header is refused');
      assert.equal(err.authReason, 'trusted_proxy_user_missing');
      assert.equal(err.closeCode, 1008);
    } finally {
      await gw.close();
    }
  });
});

describe('startup rules', () => {
  it('groups: groupScopes needs a source of groups, a groups header is not combined with an assertion, and every group name can match', () => {
    onlyIssue(issuesOf(TP({}, { auth: { mode: 'trusted-proxy', trustedProxy: { userHeader: 'x-user' }, groupScopes: { admins: ['operator.admin'] } } })), 'gateway.auth.groupScopes', /no group can ever match: set trustedProxy\.groupsHeader/);
    onlyIssue(issuesOf({ gateway: { auth: { mode: 'token', token: 'tok-0123456789', groupScopes: { admins: ['operator.admin'] } } } }), 'gateway.auth.groupScopes', /needs auth\.mode "trusted-proxy"/);
    onlyIssue(issuesOf(TP({}, { auth: { mode: 'trusted-proxy', trustedProxy: { userHeader: 'x-user', groupsHeader: 'x-groups' }, groupScopes: { 'a|b': ['operator.read'] } } })), 'gateway.auth.groupScopes.a|b', /could never match/);
    onlyIssue(issuesOf(TP({}, { auth: { mode: 'trusted-proxy', trustedProxy: { userHeader: 'x-user', groupsHeader: 'X_User' } } })), 'gateway.auth.trustedProxy.groupsHeader', /must differ from userHeader/);
    const ok = load(TP({}, { auth: { mode: 'trusted-proxy', trustedProxy: { userHeader: 'x-user', groupsHeader: 'X-Authentik-Groups' }, groupScopes: { 'gateway admins': ['operator.admin'] } } }));
    assert.equal(ok.gateway.auth.mode === 'trusted-proxy' && ok.gateway.auth.groupsHeader, 'x-authentik-groups');
  });

  it('trusted-proxy without a trustedProxy section needs userHeader', () => {
    onlyIssue(issuesOf({ gateway: { auth: { mode: 'trusted-proxy' }, trustedProxies: ['127.0.0.1'] } }), 'gateway.auth.trustedProxy.userHeader', /is required when auth\.mode is "trusted-proxy"/);
  });

  it('trusted-proxy with a trustedProxy section but no userHeader is refused at that key', () => {
    const issues = issuesOf({ gateway: { auth: { mode: 'trusted-proxy', trustedProxy: {} }, trustedProxies: ['127.0.0.1'] } });
    assert.ok(issues.length > 0 && issues.every((i) => i.path === 'gateway.auth.trustedProxy.userHeader'), JSON.stringify(issues));
    assert.ok(issues.some((i) => /required/.test(i.message)));
  });

  it('trusted-proxy needs at least one trusted proxy', () => {
    onlyIssue(issuesOf(TP({}, { trustedProxies: [] })), 'gateway.trustedProxies', /at least one trusted proxy/);
    onlyIssue(issuesOf({ gateway: { auth: { mode: 'trusted-proxy', trustedProxy: { userHeader: 'x-user' } } } }), 'gateway.trustedProxies', /at least one trusted proxy/);
  });

  it('a loopback bind with only non-loopback proxies is refused, since no such proxy could reach it', () => {
    onlyIssue(issuesOf(TP({}, { trustedProxies: ['10.0.0.1'] })), 'gateway.trustedProxies', /bind is loopback.*127\.0\.0\.1/);
    onlyIssue(issuesOf(TP({}, { trustedProxies: ['10.0.0.1', '127.0.0.0/8'] })), 'gateway.trustedProxies[0]', /"10\.0\.0\.1" can never match: bind is loopback/);
    assert.equal(load(TP({}, { trustedProxies: ['::1'] })).gateway.auth.mode, 'trusted-proxy');
    assert.equal(load(TP({}, { trustedProxies: ['10.0.0.1'], bind: 'lan' })).gateway.bindHost, '0.0.0.0');
  });

  it('accepts ::1 written out in full as a loopback proxy on a loopback bind',

    () => {
      assert.equal(load(TP({}, { trustedProxies: ['0:0:0:0:0:0:0:1'] })).gateway.auth.mode, 'trusted-proxy');
    });

  it('a token in the config cannot be combined with trusted-proxy', () => {
    onlyIssue(issuesOf({ gateway: { auth: { mode: 'trusted-proxy', token: 'tok-0123456789', trustedProxy: { userHeader: 'x-user' } }, trustedProxies: ['127.0.0.1'] } }),
      'gateway.auth.token', /cannot be combined with trusted-proxy/);
  });

  it('a token from CLAWGATE_GATEWAY_TOKEN cannot be combined with trusted-proxy', () => {
    onlyIssue(issuesOf(TP(), { env: { CLAWGATE_GATEWAY_TOKEN: 'tok-0123456789' } }), 'CLAWGATE_GATEWAY_TOKEN', /cannot be combined with trusted-proxy/);
  });

  it('a password alongside trusted-proxy loads with a warning that it is ignored', () => {
    const cfg = load(TP(), { env: { CLAWGATE_GATEWAY_PASSWORD: 'pw-0123456789' } });
    assert.equal(cfg.gateway.auth.mode, 'trusted-proxy');
    assert.ok(cfg.warnings.some((w) => w.includes('gateway.auth.password is ignored')), JSON.stringify(cfg.warnings));
  });

  it('a non-loopback bind with auth mode none is refused', () => {
    onlyIssue(issuesOf({ gateway: { bind: 'lan', auth: { mode: 'none' } } }), 'gateway.auth.mode', /bind "lan" exposes the gateway/);
    assert.equal(load({ gateway: { bind: 'loopback', auth: { mode: 'none' } } }).gateway.auth.mode, 'none');
  });

  it('checks a --bind flag the same way as the file', () => {
    onlyIssue(issuesOf({ gateway: { auth: { mode: 'none' } } }, { bind: 'lan' }), 'gateway.auth.mode', /exposes the gateway/);
  });

  it('password mode needs a password, from the config or CLAWGATE_GATEWAY_PASSWORD', () => {
    onlyIssue(issuesOf({ gateway: { auth: { mode: 'password' } } }), 'gateway.auth.password', /needs a password/);
    const cfg = load({ gateway: { auth: { mode: 'password' } } }, { env: { CLAWGATE_GATEWAY_PASSWORD: 'correct horse' } });
    assert.equal(cfg.gateway.auth.mode === 'password' && cfg.gateway.auth.password, 'correct horse');
  });

  it('an entry in trustedProxies that is not an address or CIDR is refused at its index', () => {
    onlyIssue(issuesOf(TP({}, { trustedProxies: ['127.0.0.1', '10.0.0.0/33'] })), 'gateway.trustedProxies[1]', /"10\.0\.0\.0\/33" is not an IP address or CIDR range/);
    onlyIssue(issuesOf({ gateway: { trustedProxies: ['proxy.internal'] } }), 'gateway.trustedProxies[0]', /not an IP address/);
  });

  it('proxySecret with both value and env is refused', () => {
    onlyIssue(issuesOf(TP({ proxySecret: { header: 'x-proxy-secret', value: 'a-secret-of-16-chars', env: 'PROXY_SECRET' } }), { env: { PROXY_SECRET: 'another-16-char-secret' } }),
      'gateway.auth.trustedProxy.proxySecret', /exactly one of "value" or "env"/);
  });

  it('proxySecret naming an unset environment variable is refused', () => {
    onlyIssue(issuesOf(TP({ proxySecret: { header: 'x-proxy-secret', env: 'PROXY_SECRET' } })), 'gateway.auth.trustedProxy.proxySecret.env', /PROXY_SECRET is not set/);
  });

  it('a proxySecret shorter than 16 characters is refused, inline or from env', () => {
    onlyIssue(issuesOf(TP({ proxySecret: { header: 'x-proxy-secret', value: 'short' } })), 'gateway.auth.trustedProxy.proxySecret.value', /at least 16 characters/);
    onlyIssue(issuesOf(TP({ proxySecret: { header: 'x-proxy-secret', env: 'PROXY_SECRET' } }), { env: { PROXY_SECRET: 'short' } }), 'gateway.auth.trustedProxy.proxySecret', /at least 16 characters/);
  });

  it('a proxySecret from env loads with a lower-cased header name', () => {
    const cfg = load(TP({ proxySecret: { header: 'X-Proxy-Secret', env: 'PROXY_SECRET' } }), { env: { PROXY_SECRET: 'sixteen-chars-secret' } });
    assert.ok(cfg.gateway.auth.mode === 'trusted-proxy');
    assert.deepEqual(cfg.gateway.auth.proxySecret, { header: 'x-proxy-secret', value: 'sixteen-chars-secret' });
  });

  it('duplicate agent ids are refused at the second one', () => {
    onlyIssue(issuesOf({ agents: { list: [{ id: 'manager' }, { id: 'worker' }, { id: 'manager' }] } }), 'agents.list[2].id', /duplicate agent id "manager"/);
  });

  it('allowAgents naming an unknown agent is refused at that entry', () => {
    onlyIssue(issuesOf({ agents: { list: [{ id: 'manager', subagents: { allowAgents: ['worker', 'ghost'] } }, { id: 'worker' }] } }),
      'agents.list[0].subagents.allowAgents[1]', /no agent with id "ghost"/);
    assert.equal(load({ agents: { list: [{ id: 'manager', subagents: { allowAgents: ['*'] } }] } }).agents.list.length, 1);
  });
});

describe('problem reporting', () => {
  it('reports every startup-rule problem at once, each with its key path', () => {
    const err = configError(() => load({
      gateway: { auth: { mode: 'trusted-proxy', token: 'tok-0123456789', trustedProxy: { userHeader: 'x-user' } }, trustedProxies: ['127.0.0.1', 'not-an-ip'] },
      agents: { list: [{ id: 'a' }, { id: 'a' }] },
    }));
    assert.deepEqual(err.issues.map((i) => i.path).sort(), ['agents.list[1].id', 'gateway.auth.token', 'gateway.trustedProxies[1]']);
    for (const p of ['agents.list[1].id', 'gateway.auth.token', 'gateway.trustedProxies[1]']) assert.ok(err.message.includes(p), err.message);
    assert.equal(err.describe().split('\n').length, 4);
  });

  it('reports schema and startup-rule problems together',

    () => {
      const issues = issuesOf({ gateway: { bind: 'lan', auth: { mode: 'none', tokn: 'x' } } });
      assert.deepEqual(issues.map((i) => i.path).sort(), ['gateway.auth.mode', 'gateway.auth.tokn']);
    });

  it('reports every schema problem at once', () => {
    const issues = issuesOf({ gateway: { port: 'x', bind: 'everywhere', auth: { tokn: 'a' } }, agents: { list: [{ id: 'Bad Id' }] } });
    assert.deepEqual(issues.map((i) => i.path).sort(), ['agents.list[0].id', 'gateway.auth.tokn', 'gateway.bind', 'gateway.port']);
  });
});

describe('unknown and ignored keys', () => {
  it('an unknown top-level key is an error naming it', () => {
    const err = configError(() => load({ gatway: { port: 1 } }));
    onlyIssue(err.issues, 'gatway', /unknown key/);
    assert.match(err.message, /gatway: unknown key/);
  });

  it('an unknown nested key is an error naming its full path', () => {
    onlyIssue(issuesOf({ gateway: { auth: { mode: 'token', tokn: 'abc' } } }), 'gateway.auth.tokn', /unknown key/);
    onlyIssue(issuesOf({ gateway: { controlUi: { allowedOrigin: [] } } }), 'gateway.controlUi.allowedOrigin', /unknown key/);
  });

  it('OpenClaw keys clawgate does not use load with a warning each', () => {
    const cfg = load({ skills: { entries: {} }, gateway: { auth: { mode: 'none' }, tailscale: { mode: 'serve' }, controlUi: { allowInsecureAuth: true } } });
    assert.equal(cfg.gateway.auth.mode, 'none');
    for (const key of ['skills', 'gateway.tailscale', 'gateway.controlUi.allowInsecureAuth']) {
      assert.ok(cfg.warnings.includes(`${key} is an OpenClaw setting clawgate does not use; it is ignored`), `${key}: ${JSON.stringify(cfg.warnings)}`);
    }
    assert.equal(cfg.warnings.length, 3);
    assert.equal((cfg as unknown as Record<string, unknown>).skills, undefined);
  });
});

describe('the returned config', () => {
  it('is deep-frozen', () => {
    const cfg = load(TP({ allowUsers: ['me@example.com'] }), { env: { CLAWGATE_GATEWAY_PASSWORD: 'pw-0123456789' } });
    for (const v of [cfg, cfg.gateway, cfg.gateway.auth, cfg.gateway.trustedProxies, cfg.gateway.trustedProxies[0], cfg.gateway.controlUi.allowedOrigins,
      cfg.gateway.limits, cfg.agents, cfg.agents.list, cfg.warnings, cfg.models.providers]) {
      assert.ok(Object.isFrozen(v));
    }
    assert.throws(() => { (cfg.gateway as { port: number }).port = 1; }, TypeError);
    assert.throws(() => { (cfg.gateway.auth as unknown as { allowUsers: string[] }).allowUsers.push('mallory@example.com'); }, TypeError);
    assert.throws(() => { (cfg.warnings as string[]).length = 0; }, TypeError);
  });

  it('freezes agent entries loaded from the embedded defaults', () => {
    const cfg = loadConfig({ env: { CLAWGATE_STATE_DIR: tempDir() } });
    assert.ok(Object.isFrozen(cfg.agents.list[0]!.tools!.allow));
    assert.throws(() => { (cfg.agents.list[0]!.subagents.allowAgents as string[]).push('x'); }, TypeError);
  });
});

describe('choosing the file and the state dir', () => {
  const twoFiles = () => {
    const dir = tempDir();
    const a = join(dir, 'a.json5');
    const b = join(dir, 'b.json5');
    writeFileSync(a, '{ gateway: { port: 1111 } }');
    writeFileSync(b, '{ gateway: { port: 2222 } }');
    return { dir, a, b };
  };

  it('CLAWGATE_CONFIG picks the file', () => {
    const { dir, a } = twoFiles();
    const cfg = loadConfig({ env: { CLAWGATE_CONFIG: a, CLAWGATE_STATE_DIR: dir } });
    assert.equal(cfg.gateway.port, 1111);
    assert.equal(cfg.configPath, a);
  });

  it('the --config option beats CLAWGATE_CONFIG', () => {
    const { dir, a, b } = twoFiles();
    const cfg = loadConfig({ configPath: b, env: { CLAWGATE_CONFIG: a, CLAWGATE_STATE_DIR: dir } });
    assert.equal(cfg.gateway.port, 2222);
    assert.equal(cfg.configPath, b);
  });

  it('without either, reads clawgate.json from the state dir', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'clawgate.json'), '{ gateway: { port: 3333 } }');
    const cfg = loadConfig({ env: { CLAWGATE_STATE_DIR: dir } });
    assert.equal(cfg.gateway.port, 3333);
    assert.equal(cfg.configPath, join(dir, 'clawgate.json'));
  });

  it('CLAWGATE_STATE_DIR sets the state dir, resolved to an absolute path', () => {
    const dir = tempDir();
    assert.equal(loadConfig({ env: { CLAWGATE_STATE_DIR: dir } }).stateDir, dir);
    const rel = join('.', 'relative-state-dir-that-is-not-created');
    assert.equal(loadConfig({ configPath: SEED_FIXTURE, env: { CLAWGATE_STATE_DIR: rel } }).stateDir, resolve(rel));
    assert.ok(!existsSync(resolve(rel)), 'loading without generateToken creates nothing');
  });

  it('an explicit file that does not exist is a ConfigError "file not found"', () => {
    const dir = tempDir();
    const missing = join(dir, 'nope.json5');
    const viaOption = configError(() => loadConfig({ configPath: missing, env: { CLAWGATE_STATE_DIR: dir } }));
    assert.deepEqual(viaOption.issues, [{ path: '(file)', message: 'file not found' }]);
    assert.equal(viaOption.source, missing);
    const viaEnv = configError(() => loadConfig({ env: { CLAWGATE_CONFIG: missing, CLAWGATE_STATE_DIR: dir } }));
    assert.deepEqual(viaEnv.issues, [{ path: '(file)', message: 'file not found' }]);
  });

  it('invalid JSON5 is a ConfigError that says so and where', () => {
    const err = configError(() => load('{ gateway: { port: 1,, } }'));
    assert.equal(err.issues.length, 1);
    assert.equal(err.issues[0]!.path, '(file)');
    assert.match(err.issues[0]!.message, /^not valid JSON5: invalid character ',' at 1:22$/);
  });

  it('a config that is valid JSON5 but not an object is refused at the root', () => {
    onlyIssue(issuesOf('[1, 2]'), '(root)', /expected object, got array/);
  });
});

describe('embedded defaults (no config file)', () => {
  it('use token auth on loopback port 18789 with a manager and a worker agent', () => {
    const cfg = loadConfig({ env: { CLAWGATE_STATE_DIR: tempDir() } });
    assert.equal(cfg.configPath, null);
    assert.equal(cfg.gateway.port, 18789);
    assert.equal(cfg.gateway.bind, 'loopback');
    assert.equal(cfg.gateway.bindHost, '127.0.0.1');
    assert.equal(cfg.gateway.bindIsLoopback, true);
    assert.equal(cfg.gateway.auth.mode, 'token');
    assert.deepEqual(cfg.agents.list.map((a) => a.id), ['manager', 'worker']);
    assert.deepEqual(cfg.agents.list[0]!.subagents.allowAgents, ['worker']);
    assert.equal(cfg.generatedToken, undefined);
  });

  it('take the token from CLAWGATE_GATEWAY_TOKEN when set', () => {
    const cfg = loadConfig({ env: { CLAWGATE_STATE_DIR: tempDir(), CLAWGATE_GATEWAY_TOKEN: 'env-token-123' } });
    assert.ok(cfg.gateway.auth.mode === 'token');
    assert.equal(cfg.gateway.auth.token, 'env-token-123');
    assert.equal(cfg.gateway.auth.tokenSource, 'env');
  });

  it('with generateToken create a 0600 gateway-token file once and reuse it on the next load', () => {
    const dir = join(tempDir(), 'state');
    const first = loadConfig({ env: { CLAWGATE_STATE_DIR: dir }, generateToken: true });
    const path = join(dir, 'gateway-token');
    assert.deepEqual(first.generatedToken, { path });
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.ok(first.gateway.auth.mode === 'token');
    assert.equal(first.gateway.auth.tokenSource, 'generated');
    assert.ok(first.gateway.auth.token.length >= 32, 'a generated token has real entropy');
    assert.equal(readFileSync(path, 'utf8').trim(), first.gateway.auth.token);

    const second = loadConfig({ env: { CLAWGATE_STATE_DIR: dir }, generateToken: true });
    assert.ok(second.gateway.auth.mode === 'token');
    assert.equal(second.gateway.auth.token, first.gateway.auth.token);
    assert.equal(second.generatedToken, undefined);
    assert.equal('generatedToken' in second, false);
  });
});

describe('agents default for a config file', () => {
  it('gives a file without an agents section the embedded manager and worker', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clawgate-agents-'));
    const p = join(dir, 'c.json');
    writeFileSync(p, JSON.stringify({ gateway: { auth: { mode: 'none' } } }));
    const cfg = loadConfig({ configPath: p, env: { CLAWGATE_STATE_DIR: dir } });
    assert.deepEqual(cfg.agents.list.map((a) => a.id), ['manager', 'worker']);
    writeFileSync(p, JSON.stringify({ gateway: { auth: { mode: 'none' } }, agents: { list: [] } }));
    assert.equal(loadConfig({ configPath: p, env: { CLAWGATE_STATE_DIR: dir } }).agents.list.length, 0);
  });
});
