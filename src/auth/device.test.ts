// Device identity verification: every refusal code, v2/v3/v4 acceptance, and a claim signed by the real openclaw-node client.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { OpenClawClient } from 'openclaw-node';
import {
  DEVICE_AUTH_CODES,
  generateDeviceKeys,
  signDevice,
  verifyDevice,
  type DeviceAuthCode,
  type DeviceClaim,
  type DeviceContext,
  type DeviceVerdict,
} from './device.js';

const NOW = 1_795_612_892_715;
const NONCE = 'c0ffee00-1111-4222-8333-444455556666';
const keys = generateDeviceKeys();

const ctx = (over: Partial<DeviceContext> = {}): DeviceContext => ({
  challengeNonce: NONCE,
  clientId: 'gateway-client',
  clientMode: 'backend',
  role: 'operator',
  scopes: ['operator.read', 'operator.write'],
  token: 'tok',
  platform: 'linux',
  deviceFamily: 'server',
  instanceId: 'inst-1',
  nowMs: NOW,
  ...over,
});

function signed(version: 'v2' | 'v3' | 'v4' = 'v3', over: Partial<DeviceContext> & { signedAt?: number; nonce?: string } = {}) {
  const { challengeNonce: _c, nowMs: _n, skewMs: _s, ...fields } = ctx(over);
  return signDevice(keys, { ...fields, nonce: over.nonce ?? NONCE, signedAt: over.signedAt ?? NOW, version });
}

function refusedWith(verdict: DeviceVerdict, code: DeviceAuthCode, message: string): void {
  assert.deepEqual(verdict, { ok: false, code, message });
}

describe('verifyDevice accepts', () => {
  for (const version of ['v2', 'v3', 'v4'] as const) {
    it(`a ${version} signature and reports the payload version`, () => {
      const claim = signed(version);
      assert.deepEqual(verifyDevice(claim, ctx()), { ok: true, deviceId: claim.id, payloadVersion: version });
    });
  }

  it('derives the device id as lowercase hex sha256 of the raw public key, key as unpadded base64url', () => {
    const claim = signed();
    assert.match(claim.id, /^[0-9a-f]{64}$/);
    assert.match(claim.publicKey, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(claim.publicKey, 'base64url').length, 32);
    assert.match(claim.signature, /^[A-Za-z0-9_-]{86}$/);
  });

  it('v3 metadata signed with surrounding spaces and capitals (trimmed and ASCII-lowercased)', () => {
    const claim = signed('v3', { platform: '  Linux ', deviceFamily: 'SERVER' });
    assert.equal(verifyDevice(claim, ctx({ platform: 'linux', deviceFamily: 'server' })).ok, true);
    assert.equal(verifyDevice(claim, ctx({ platform: 'LINUX ', deviceFamily: ' Server' })).ok, true);
  });

  it('missing v3 metadata as empty strings', () => {
    const claim = signed('v3', { platform: undefined, deviceFamily: undefined });
    assert.equal(verifyDevice(claim, ctx({ platform: undefined, deviceFamily: undefined })).ok, true);
    assert.equal(verifyDevice(claim, ctx({ platform: '', deviceFamily: '  ' })).ok, true);
  });

  it('an empty token signed as ""', () => {
    const claim = signed('v2', { token: '' });
    assert.equal(verifyDevice(claim, ctx({ token: '' })).ok, true);
  });

  it('signedAt exactly at the skew limit, on either side', () => {
    assert.equal(verifyDevice(signed('v3', { signedAt: NOW - 600_000 }), ctx()).ok, true);
    assert.equal(verifyDevice(signed('v3', { signedAt: NOW + 600_000 }), ctx()).ok, true);
  });
});

describe('verifyDevice refuses', () => {
  it('exports every failure code', () => {
    assert.deepEqual([...DEVICE_AUTH_CODES].sort(), [
      'DEVICE_AUTH_ID_MISMATCH', 'DEVICE_AUTH_INVALID', 'DEVICE_AUTH_NONCE_MISMATCH', 'DEVICE_AUTH_NONCE_REQUIRED',
      'DEVICE_AUTH_PUBLIC_KEY_INVALID', 'DEVICE_AUTH_SIGNATURE_EXPIRED', 'DEVICE_AUTH_SIGNATURE_INVALID',
    ]);
  });

  it('malformed shapes with DEVICE_AUTH_INVALID', () => {
    const good = signed();
    const bad: DeviceClaim[] = [
      { ...good, id: 42 },
      { ...good, publicKey: null },
      { ...good, signature: undefined },
      { ...good, signedAt: String(NOW) },
      { ...good, signedAt: Number.NaN },
      { ...good, signedAt: Number.POSITIVE_INFINITY },
      { ...good, nonce: 7 },
    ];
    for (const claim of bad) refusedWith(verifyDevice(claim, ctx()), 'DEVICE_AUTH_INVALID', 'device identity invalid');
  });

  it('an id that is not sha256 of the key with DEVICE_AUTH_ID_MISMATCH', () => {
    const other = signDevice(generateDeviceKeys(), { ...ctx(), nonce: NONCE, signedAt: NOW });
    refusedWith(verifyDevice({ ...signed(), id: other.id }, ctx()), 'DEVICE_AUTH_ID_MISMATCH', 'device identity mismatch');
    refusedWith(verifyDevice({ ...signed(), id: signed().id.toUpperCase() }, ctx()), 'DEVICE_AUTH_ID_MISMATCH', 'device identity mismatch');
  });

  it('a key that does not decode to 32 bytes with DEVICE_AUTH_PUBLIC_KEY_INVALID', () => {
    const good = signed();
    const short = Buffer.from(good.publicKey, 'base64url').subarray(0, 31);
    for (const publicKey of [short.toString('base64url'), '', 'not base64!', `${good.publicKey}AAAA`]) {
      refusedWith(verifyDevice({ ...good, publicKey }, ctx()), 'DEVICE_AUTH_PUBLIC_KEY_INVALID', 'device public key invalid');
    }
  });

  it('a signedAt outside the skew, past or future, with DEVICE_AUTH_SIGNATURE_EXPIRED', () => {
    const msg = 'device signature expired';
    refusedWith(verifyDevice(signed('v3', { signedAt: NOW - 600_001 }), ctx()), 'DEVICE_AUTH_SIGNATURE_EXPIRED', msg);
    refusedWith(verifyDevice(signed('v3', { signedAt: NOW + 600_001 }), ctx()), 'DEVICE_AUTH_SIGNATURE_EXPIRED', msg);
    refusedWith(verifyDevice(signed('v3', { signedAt: NOW - 2_001 }), ctx({ skewMs: 2_000 })), 'DEVICE_AUTH_SIGNATURE_EXPIRED', msg);
  });

  it('a missing or empty nonce with DEVICE_AUTH_NONCE_REQUIRED', () => {
    const { nonce: _n, ...noNonce } = signed();
    for (const claim of [noNonce, { ...noNonce, nonce: null }, { ...noNonce, nonce: '' }, { ...noNonce, nonce: '   ' }]) {
      refusedWith(verifyDevice(claim, ctx()), 'DEVICE_AUTH_NONCE_REQUIRED', 'device nonce required');
    }
  });

  it('a nonce other than the challenge with DEVICE_AUTH_NONCE_MISMATCH', () => {
    const claim = signed('v3', { nonce: randomUUID() });
    refusedWith(verifyDevice(claim, ctx()), 'DEVICE_AUTH_NONCE_MISMATCH', 'device nonce mismatch');
    refusedWith(verifyDevice(signed(), ctx({ challengeNonce: `${NONCE}x` })), 'DEVICE_AUTH_NONCE_MISMATCH', 'device nonce mismatch');
  });

  it('a signature over different connect params with DEVICE_AUTH_SIGNATURE_INVALID', () => {
    const msg = 'device signature invalid';
    const claim = signed();
    for (const over of [
      { role: 'node' }, { clientId: 'cli' }, { clientMode: 'ui' }, { token: 'other' }, { token: '' },
      { scopes: ['operator.read'] }, { scopes: ['operator.read', 'operator.write', 'operator.admin'] },
    ] satisfies Partial<DeviceContext>[]) {
      refusedWith(verifyDevice(claim, ctx(over)), 'DEVICE_AUTH_SIGNATURE_INVALID', msg);
    }
    refusedWith(verifyDevice({ ...claim, signedAt: NOW + 1 }, ctx()), 'DEVICE_AUTH_SIGNATURE_INVALID', msg);
  });

  it('a v3 signature made for a different platform', () => {
    const claim = signed('v3', { platform: 'darwin' });
    refusedWith(verifyDevice(claim, ctx({ platform: 'linux' })), 'DEVICE_AUTH_SIGNATURE_INVALID', 'device signature invalid');
    refusedWith(verifyDevice(signed('v3', { deviceFamily: 'iphone' }), ctx()), 'DEVICE_AUTH_SIGNATURE_INVALID', 'device signature invalid');
  });

  it('a v4 signature made for a different instance', () => {
    refusedWith(verifyDevice(signed('v4'), ctx({ instanceId: 'inst-2' })), 'DEVICE_AUTH_SIGNATURE_INVALID', 'device signature invalid');
  });

  it('a garbage, truncated or foreign-key signature', () => {
    const claim = signed();
    const foreign = signDevice(generateDeviceKeys(), { ...ctx(), nonce: NONCE, signedAt: NOW });
    for (const signature of ['', '!!!', claim.signature.slice(0, 40), Buffer.alloc(64).toString('base64url'), foreign.signature]) {
      refusedWith(verifyDevice({ ...claim, signature }, ctx()), 'DEVICE_AUTH_SIGNATURE_INVALID', 'device signature invalid');
    }
  });

  it('in the documented order: id, then expiry, then nonce, then signature', () => {
    const other = generateDeviceKeys();
    const stale = signed('v3', { signedAt: NOW - 3_600_000 });
    const mismatchedAndStale = { ...stale, id: signDevice(other, { ...ctx(), nonce: NONCE, signedAt: NOW }).id, nonce: undefined };
    assert.equal((verifyDevice(mismatchedAndStale, ctx()) as { code: string }).code, 'DEVICE_AUTH_ID_MISMATCH');
    assert.equal((verifyDevice({ ...stale, nonce: undefined, signature: 'x' }, ctx()) as { code: string }).code, 'DEVICE_AUTH_SIGNATURE_EXPIRED');
    assert.equal((verifyDevice({ ...signed(), nonce: undefined, signature: 'x' }, ctx()) as { code: string }).code, 'DEVICE_AUTH_NONCE_REQUIRED');
    assert.equal((verifyDevice({ ...signed(), nonce: 'other', signature: 'x' }, ctx()) as { code: string }).code, 'DEVICE_AUTH_NONCE_MISMATCH');
  });
});

interface ConnectParams {
  client: { id: string; mode: string; platform?: string };
  role: string;
  scopes: string[];
  auth?: { token?: string };
  device: DeviceClaim;
}

describe('verifyDevice with the real openclaw-node client', () => {
  let home: string;
  let savedHome: string | undefined;
  let hadWebSocket: boolean;
  let savedWebSocket: unknown;
  let wss: WebSocketServer;
  let url: string;
  const g = globalThis as unknown as Record<string, unknown>;

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'clawgate-device-'));
    savedHome = process.env.HOME;
    process.env.HOME = home;
    hadWebSocket = 'WebSocket' in g;
    savedWebSocket = g.WebSocket;
    g.WebSocket = WebSocket; // Node 20 has no global WebSocket; openclaw-node also reads WebSocket.OPEN globally
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', resolve));
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  });

  after(async () => {
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    if (hadWebSocket) g.WebSocket = savedWebSocket;
    else delete g.WebSocket;
    if (savedHome === undefined) delete process.env.HOME;
    else process.env.HOME = savedHome;
    rmSync(home, { recursive: true, force: true });
  });

  /** Run one real client handshake against a mock gateway; return the challenge nonce and the captured connect params. */
  async function handshake(options: { token?: string; role?: 'operator' | 'node'; scopes?: string[] }) {
    const nonce = randomUUID();
    const captured = new Promise<ConnectParams>((resolve, reject) => {
      wss.once('connection', (sock) => {
        sock.send(JSON.stringify({ type: 'event', event: 'connect.challenge', payload: { nonce, ts: Date.now() } }));
        sock.once('message', (data) => {
          try {
            const frame = JSON.parse(String(data)) as { id: string; method: string; params: ConnectParams };
            assert.equal(frame.method, 'connect');
            sock.send(JSON.stringify({
              type: 'res', id: frame.id, ok: true,
              payload: { type: 'hello-ok', protocol: 4, server: { version: 'x', connId: 'c1' }, features: { methods: [], events: [] }, auth: { role: frame.params.role, scopes: frame.params.scopes } },
            }));
            resolve(frame.params);
          } catch (err) {
            reject(err);
          }
        });
      });
    });
    const client = new OpenClawClient({ url, autoReconnect: false, ...options });
    client.on('error', () => {});
    try {
      await client.connect();
      return { nonce, params: await captured };
    } finally {
      await client.disconnect();
    }
  }

  const contextOf = (nonce: string, p: ConnectParams, over: Partial<DeviceContext> = {}): DeviceContext => ({
    challengeNonce: nonce,
    clientId: p.client.id,
    clientMode: p.client.mode,
    role: p.role,
    scopes: p.scopes,
    token: p.auth?.token ?? '',
    platform: p.client.platform,
    nowMs: Date.now(),
    ...over,
  });

  it('verifies the device claim openclaw-node signs (v2) with its persisted identity under HOME', async () => {
    const { nonce, params } = await handshake({ token: 'tok' });
    const verdict = verifyDevice(params.device, contextOf(nonce, params));
    assert.deepEqual(verdict, { ok: true, deviceId: params.device.id, payloadVersion: 'v2' });
    const stored = JSON.parse(readFileSync(join(home, '.openclaw', 'device-identity.json'), 'utf8')) as { deviceId: string };
    assert.equal(stored.deviceId, params.device.id);
    assert.equal(params.device.nonce, nonce);
  });

  it('verifies a tokenless openclaw-node claim (auth.token omitted, signed as "")', async () => {
    const { nonce, params } = await handshake({ role: 'node', scopes: ['node.invoke'] });
    assert.equal(params.auth?.token, undefined);
    assert.deepEqual(verifyDevice(params.device, contextOf(nonce, params)), { ok: true, deviceId: params.device.id, payloadVersion: 'v2' });
  });

  it('refuses the openclaw-node claim when the params it covers differ', async () => {
    const { nonce, params } = await handshake({ token: 'tok' });
    const msg = 'device signature invalid';
    refusedWith(verifyDevice(params.device, contextOf(nonce, params, { role: 'node' })), 'DEVICE_AUTH_SIGNATURE_INVALID', msg);
    refusedWith(verifyDevice(params.device, contextOf(nonce, params, { token: '' })), 'DEVICE_AUTH_SIGNATURE_INVALID', msg);
    refusedWith(verifyDevice(params.device, contextOf(nonce, params, { challengeNonce: randomUUID() })), 'DEVICE_AUTH_NONCE_MISMATCH', 'device nonce mismatch');
  });
});
