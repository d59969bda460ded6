// GET /metrics against a real gateway: exact counter values after good and bad connects and an
// agent run with a tool call; the same auth as WebSocket connects (Bearer token, trusted-proxy
// headers, the shared failed-credential limiter, the Origin gate); public and disabled modes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectWs, ConnectError, type WsConnectOptions } from '../src/client/ws.js';
import { bootGateway, SEED_GATEWAY, type TestGateway } from './fixtures/gateway.fixture.js';

const TOKEN = 'metrics-test-token-0123456789';
const AGENTS = { list: [{ id: 'manager', default: true, tools: { allow: ['sessions_list'] } }] };

const httpUrl = (gw: TestGateway): string => `${gw.url.replace(/^ws/, 'http')}/metrics`;

async function scrape(gw: TestGateway, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(httpUrl(gw), { headers });
}

/** Sample lines as `series → value` (HELP/TYPE comments skipped). */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

async function refusedWith(opts: WsConnectOptions, authReason: string): Promise<void> {
  try {
    const { client } = await connectWs({ timeoutMs: 5_000, ...opts });
    client.close();
  } catch (err) {
    assert.ok(err instanceof ConnectError, String(err));
    assert.equal(err.authReason, authReason);
    return;
  }
  assert.fail('connect was accepted');
}

async function unauthorized(res: Response, authReason: string): Promise<void> {
  assert.equal(res.status, 401);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="clawgate"');
  assert.deepEqual(await res.json(), { error: 'unauthorized', authReason });
}

describe('GET /metrics in token mode', () => {
  let gw: TestGateway;
  before(async () => { gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN } }, agents: AGENTS }); });
  after(() => gw.stop());

  it('counts connects, auth decisions, runs and tool calls exactly', async () => {
    const first = await connectWs({ url: gw.url, token: TOKEN });
    first.client.close();
    const { client } = await connectWs({ url: gw.url, token: TOKEN });
    await refusedWith({ url: gw.url }, 'token_missing');
    await refusedWith({ url: gw.url, token: 'not-the-token' }, 'token_mismatch');
    const final = await client.request<{ status: string; result: { payloads: { text: string }[] } }>(
      'agent', { message: '/tool sessions_list {}', idempotencyKey: 'metrics-run-1' }, { expectFinal: true, timeoutMs: 10_000 },
    );
    assert.equal(final.status, 'ok');
    assert.equal(final.result.payloads[0]!.text, 'sessions_list ok');

    // The first connection's close reaches the server asynchronously; wait for the gauge to settle.
    let res: Response;
    let text = '';
    for (let i = 0; ; i++) {
      res = await scrape(gw, { authorization: `Bearer ${TOKEN}` });
      assert.equal(res.status, 200);
      text = await res.text();
      if (samples(text).get('clawgate_connections') === 1 || i >= 50) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    client.close();
    assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');

    const s = samples(text);
    const uptime = s.get('clawgate_uptime_seconds');
    s.delete('clawgate_uptime_seconds');
    assert.ok(uptime !== undefined && uptime >= 0 && uptime < 120, `uptime ${uptime}`);
    // Latency histograms: one handshake observation per auth decision, one RPC per request.
    assert.equal(s.get('clawgate_handshake_duration_seconds_count{result="allow"}'), 2);
    assert.equal(s.get('clawgate_handshake_duration_seconds_count{result="deny"}'), 2);
    assert.equal(s.get('clawgate_rpc_duration_seconds_count{method="agent",result="ok"}'), 1);
    // The tool's in-process sessions.list call is timed too (same router).
    assert.equal(s.get('clawgate_rpc_duration_seconds_count{method="sessions.list",result="ok"}'), 1);
    assert.equal(s.get('clawgate_rpc_duration_seconds_bucket{le="+Inf",method="agent",result="ok"}'), 1);
    for (const k of [...s.keys()]) if (k.startsWith('clawgate_handshake_duration_seconds') || k.startsWith('clawgate_rpc_duration_seconds')) s.delete(k);
    assert.deepEqual(Object.fromEntries(s), {
      'clawgate_connections': 1,
      'clawgate_auth_decisions_total{result="allow",reason="token"}': 2,
      'clawgate_auth_decisions_total{result="deny",reason="token_missing"}': 1,
      'clawgate_auth_decisions_total{result="deny",reason="token_mismatch"}': 1,
      'clawgate_runs_total{status="ok"}': 1,
      'clawgate_runs_total{status="error"}': 0,
      'clawgate_runs_total{status="aborted"}': 0,
      'clawgate_runs_total{status="interrupted"}': 0,
      'clawgate_runs_total{status="timeout"}': 0,
      'clawgate_runs_active': 0,
      'clawgate_tool_calls_total{tool="sessions_list",result="ok"}': 1,
    });
    for (const [name, type] of [
      ['clawgate_connections', 'gauge'], ['clawgate_auth_decisions_total', 'counter'], ['clawgate_runs_total', 'counter'],
      ['clawgate_runs_active', 'gauge'], ['clawgate_tool_calls_total', 'counter'], ['clawgate_uptime_seconds', 'gauge'],
      ['clawgate_handshake_duration_seconds', 'histogram'], ['clawgate_rpc_duration_seconds', 'histogram'],
    ]) {
      assert.match(text, new RegExp(`^# HELP ${name} \\S.*\\n# TYPE ${name} ${type}$`, 'm'));
    }
  });

  it('refuses a scrape without a token with 401 token_missing, and logs it', async () => {
    await unauthorized(await scrape(gw), 'token_missing');
    assert.ok(gw.logs.some((l) => l.includes('http request refused') && l.includes('"reason":"token_missing"')));
  });

  it('refuses a wrong bearer token, another scheme, and a foreign browser Origin', async () => {
    await unauthorized(await scrape(gw, { authorization: 'Bearer wrong-token' }), 'token_mismatch');
    await unauthorized(await scrape(gw, { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` }), 'token_missing');
    await unauthorized(await scrape(gw, { authorization: `Bearer ${TOKEN}`, origin: 'https://evil.example' }), 'origin_not_allowed');
    assert.ok(!gw.logs.join('').includes('wrong-token'));
  });

  it('does not count scrapes as WebSocket auth decisions', async () => {
    const text = await (await scrape(gw, { authorization: `Bearer ${TOKEN}` })).text();
    assert.equal(samples(text).get('clawgate_auth_decisions_total{result="allow",reason="token"}'), 2);
    assert.equal(samples(text).get('clawgate_auth_decisions_total{result="deny",reason="token_mismatch"}'), 1);
  });
});

describe('GET /metrics shares the failed-credential limiter with WebSocket connects', () => {
  let gw: TestGateway;
  before(async () => { gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN, rateLimit: { maxAttempts: 2, windowMs: 60_000, lockoutMs: 60_000 } } } }); });
  after(() => gw.stop());

  it('locks the client out after repeated bad bearer tokens, over HTTP and WebSocket alike', async () => {
    await unauthorized(await scrape(gw, { authorization: 'Bearer bad-1' }), 'token_mismatch');
    await unauthorized(await scrape(gw, { authorization: 'Bearer bad-2' }), 'token_mismatch');
    const locked = await scrape(gw, { authorization: `Bearer ${TOKEN}` });
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
    await unauthorized(locked, 'rate_limited');
    await refusedWith({ url: gw.url, token: TOKEN }, 'rate_limited');
  });
});

describe('GET /metrics in password mode', () => {
  let gw: TestGateway;
  before(async () => { gw = await bootGateway({ gateway: { auth: { mode: 'password', password: 'correct horse battery' } } }); });
  after(() => gw.stop());

  it('takes the password, spaces and all, as the bearer credential', async () => {
    assert.equal((await scrape(gw, { authorization: 'Bearer correct horse battery' })).status, 200);
    await unauthorized(await scrape(gw, { authorization: 'Bearer correct horse' }), 'password_mismatch');
    await unauthorized(await scrape(gw), 'password_missing');
  });
});

describe('GET /metrics in trusted-proxy mode (the seed config)', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await bootGateway({ gateway: {
      ...SEED_GATEWAY, port: 0,
      auth: { ...SEED_GATEWAY.auth, trustedProxy: { ...SEED_GATEWAY.auth.trustedProxy, groupsHeader: 'x-authentik-groups', allowUsers: ['me@example.com', 'ops@example.com', 'nobody@example.com'] },
        identityScopes: { 'nobody@example.com': [] }, groupScopes: { 'gateway-admins': ['operator.admin'] } },
    } });
  });
  after(() => gw.stop());

  it('answers a person the proxy vouches for only with operator.admin (here through an admin group)', async () => {
    const res = await scrape(gw, { 'x-authentik-email': 'ops@example.com', 'x-authentik-groups': 'staff|gateway-admins' });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /^clawgate_connections 0$/m);
  });

  it('refuses with 403 an allowed person without admin, and one granted no scopes at all', async () => {
    for (const headers of [{ 'x-authentik-email': 'me@example.com' }, { 'x-authentik-email': 'me@example.com', 'x-authentik-groups': 'staff' }, { 'x-authentik-email': 'nobody@example.com' }] as Record<string, string>[]) {
      const res = await scrape(gw, headers);
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.deepEqual(await res.json(), { error: 'forbidden', missingScope: 'operator.admin' });
    }
  });

  it('refuses without the identity header, or for a user not in allowUsers', async () => {
    await unauthorized(await scrape(gw), 'trusted_proxy_user_missing');
    await unauthorized(await scrape(gw, { 'x-authentik-email': 'mallory@example.com' }), 'trusted_proxy_user_not_allowed');
  });
});

describe('GET /metrics when public', () => {
  let gw: TestGateway;
  before(async () => { gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN }, metrics: { public: true } } }); });
  after(() => gw.stop());

  it('answers without credentials', async () => {
    const res = await scrape(gw);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /^# TYPE clawgate_runs_total counter$/m);
  });
});

describe('GET /metrics when disabled', () => {
  let gw: TestGateway;
  before(async () => { gw = await bootGateway({ gateway: { auth: { mode: 'token', token: TOKEN }, metrics: { enabled: false } } }); });
  after(() => gw.stop());

  it('is not served', async () => {
    assert.equal((await scrape(gw, { authorization: `Bearer ${TOKEN}` })).status, 404);
  });
});
