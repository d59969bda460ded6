// Issue 12, the edge: forwarded addresses as real proxies send them, forwarded evidence only
// from a proven proxy, and IPv6 clients counted by prefix. Each test is one example from the
// issue against a running gateway (a real Caddy where the issue names Caddy); each failed on
// the main branch before the fix.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connectWs, ConnectError, type WsConnectOptions } from '../src/client/ws.js';
import { bootGateway, type TestGateway } from './fixtures/gateway.fixture.js';
import { freePort, startCaddySite, type RunningProxy } from './fixtures/proxies.fixture.js';
import { refused } from './fixtures/refused.fixture.js';

const TOKEN = 'edge-token-0123456789abcdef';
const SECRET = 'edge-proxy-secret-0123456789';
const NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups'];
const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));

async function principal(opts: WsConnectOptions): Promise<string> {
  const { client } = await connectWs({ timeoutMs: 5_000, ...opts });
  try { return (await client.request<{ you: { principal: string } }>('status')).you.principal; } finally { client.close(); }
}
const reasonOf = (e: ConnectError): unknown => e.error?.details?.authReason;

describe('forwarded addresses with ports (Caddy header_up X-Forwarded-For {remote})', () => {
  let gw: TestGateway;
  let caddy: RunningProxy;
  before(async () => {
    gw = await bootGateway({ gateway: { trustedProxies: ['127.0.0.1'], auth: { mode: 'token', token: TOKEN, rateLimit: { maxAttempts: 3, windowMs: 60_000, lockoutMs: 300_000 } } } });
    const port = await freePort();
    caddy = await startCaddySite(port, `http://127.0.0.1:${port} {\n\treverse_proxy 127.0.0.1:${gw.port} {\n\t\theader_up X-Forwarded-For {remote}\n\t}\n}\n`);
  });
  after(async () => { await caddy?.stop(); await gw?.stop(); });

  it('locks out only the client whose guesses failed, not everyone behind the proxy', async () => {
    const url = `ws://127.0.0.1:${caddy.port}`;
    for (let i = 0; i < 3; i++) assert.equal(reasonOf(await refused({ url, token: `wrong-${i}`, localAddress: '127.0.0.21' })), 'token_mismatch');
    assert.equal(reasonOf(await refused({ url, token: TOKEN, localAddress: '127.0.0.21' })), 'rate_limited');
    assert.equal(await principal({ url, token: TOKEN, localAddress: '127.0.0.22' }), 'token', 'another client behind the same proxy still gets in');
    const lines = gw.logs.filter((l) => l.includes('"msg":"connect refused"')).map((l) => JSON.parse(l) as { remote: string; peer: string });
    assert.ok(lines.length >= 4 && lines.every((l) => l.remote === '127.0.0.21' && l.peer === '127.0.0.1'), JSON.stringify(lines));
    assert.ok(!gw.logs.some((l) => l.includes('forwarded hop not understood')));
  });
});

describe('forwarded hops the gateway cannot read', () => {
  let gw: TestGateway;
  before(async () => { gw = await bootGateway({ gateway: { trustedProxies: ['127.0.0.1'], auth: { mode: 'token', token: TOKEN } } }); });
  after(() => gw.stop());

  it('are logged once per proxy and shape, and the request is counted as the proxy', async () => {
    for (const host of ['client-a.example:443', 'client-b.example:443', 'client-c.example:443']) {
      assert.equal(await principal({ url: gw.url, token: TOKEN, headers: { 'x-forwarded-for': host } }), 'token');
    }
    const warned = gw.logs.filter((l) => l.includes('forwarded hop not understood')).map((l) => JSON.parse(l) as Record<string, string>);
    assert.equal(warned.length, 1, 'one warning for one shape of hop');
    assert.equal(warned[0]!.peer, '127.0.0.1');
    assert.equal(warned[0]!.hop, 'client-a.example:443');
    assert.equal(warned[0]!.attributedTo, '127.0.0.1');
  });

  it('reads RFC 7239 Forwarded for= with a quoted IPv6 address and port', async () => {
    assert.equal(reasonOf(await refused({ url: gw.url, token: 'wrong', headers: { forwarded: 'for="[2001:db8:cafe::17]:4711";proto=https' } })), 'token_mismatch');
    const line = gw.logs.filter((l) => l.includes('"msg":"connect refused"')).map((l) => JSON.parse(l) as Record<string, string>).at(-1)!;
    assert.equal(line.remote, '2001:db8:cafe::17');
  });
});

describe('rate limits count an IPv6 /64 as one client', () => {
  let gw: TestGateway;
  before(async () => { gw = await bootGateway({ gateway: { trustedProxies: ['127.0.0.1'], auth: { mode: 'password', password: 'correct horse battery', rateLimit: { maxAttempts: 10, windowMs: 60_000, lockoutMs: 300_000 } } } }); });
  after(() => gw.stop());

  it('stops password guesses from rotating addresses of one /64 behind the proxy', async () => {
    const from = (n: number) => ({ 'x-forwarded-for': `2001:db8:1:2::${n.toString(16)}` });
    for (let i = 1; i <= 10; i++) assert.equal(reasonOf(await refused({ url: gw.url, password: `guess-${i}`, headers: from(i) })), 'password_mismatch');
    for (const n of [11, 0xffff, 251]) assert.equal(reasonOf(await refused({ url: gw.url, password: `guess-${n}`, headers: from(n) })), 'rate_limited');
    assert.equal(await principal({ url: gw.url, password: 'correct horse battery', headers: { 'x-forwarded-for': '2001:db8:1:3::1' } }), 'password', 'the next /64 is another client');
  });
});

describe('forwarded evidence counts only from a proven proxy', () => {
  let gw: TestGateway;
  let holder: ChildProcess | undefined;
  const victim = '198.51.100.77';
  before(async () => {
    gw = await bootGateway({ gateway: {
      trustedProxies: ['127.0.0.1'], limits: { maxPreAuthConnectionsPerIp: 8 },
      auth: { mode: 'trusted-proxy', trustedProxy: { userHeader: 'x-authentik-email', proxySecret: { header: 'x-proxy-secret', value: SECRET } } },
    } });
  });
  after(async () => { holder?.kill('SIGKILL'); await gw.stop(); });

  it('a local user without the proxy secret cannot hold the pre-auth slots of a forwarded victim (as user nobody)', async (t) => {
    if (process.getuid?.() !== 0 || !setpriv) { t.skip('needs root and setpriv to act as another user'); return; }
    // Eight unfinished upgrades "for" the victim, from a process running as nobody.
    const script = `const net=require('net');let open=0;for(let i=0;i<8;i++){const s=net.connect(${gw.port},'127.0.0.1',()=>{s.write('GET / HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Version: 13\\r\\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nX-Forwarded-For: ${victim}\\r\\n\\r\\n')});s.once('data',()=>{if(++open===8)console.log('ready')});s.on('error',()=>{})}setInterval(()=>{},1e6)`;
    const probe = spawnSync(setpriv, [...NOBODY, process.execPath, '-e', '0'], { encoding: 'utf8' });
    if (probe.status !== 0) { t.skip('node cannot run as user nobody here'); return; }
    holder = spawn(setpriv, [...NOBODY, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the nobody process did not open its sockets')), 10_000);
      holder!.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('ready')) { clearTimeout(timer); resolve(); } });
    });
    // The real proxy (secret and all) brings the victim: it still gets in.
    const viaProxy = { url: gw.url, headers: { 'x-proxy-secret': SECRET, 'x-forwarded-for': victim, 'x-authentik-email': 'victim@example.com' } };
    assert.equal(await principal(viaProxy), 'trusted-proxy:victim@example.com');
    assert.ok(!gw.logs.some((l) => l.includes('too many pending handshakes') && l.includes(victim)), 'nothing was counted against the victim');
  });
});
