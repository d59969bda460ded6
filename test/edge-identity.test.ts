// Issue 12, identity bytes: authentik and oauth2-proxy send the IdP's UTF-8 user name as raw
// bytes, which Node exposes as Latin-1. The gateway decodes valid UTF-8, compares names after
// NFC and case folding, and refuses invalid bytes with trusted_proxy_user_encoding. Against a
// running gateway, with the bytes on the wire exactly as those proxies send them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectWs, ConnectError } from '../src/client/ws.js';
import { bootGateway, type TestGateway } from './fixtures/gateway.fixture.js';
import { refused } from './fixtures/refused.fixture.js';
import { rawConnect } from './fixtures/raw-tcp.fixture.js';
import { connectParams } from './fixtures/raw-ws.fixture.js';

/** The UTF-8 bytes of `s` as a Node header string (one char per byte), which is what goes on the wire. */
const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

describe('identity header bytes (authentik, oauth2-proxy)', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await bootGateway({ gateway: {
      trustedProxies: ['127.0.0.1'],
      auth: { mode: 'trusted-proxy', trustedProxy: { userHeader: 'x-authentik-email', allowUsers: ['jürgen@example.com', 'Straße'] }, identityScopes: { 'JÜRGEN@example.com': ['operator.read'] } },
    } });
  });
  after(() => gw.stop());

  async function who(value: string): Promise<{ principal: string; scopes: string[] }> {
    const { client, hello } = await connectWs({ url: gw.url, headers: { 'x-authentik-email': value }, timeoutMs: 5_000 });
    try {
      const you = (await client.request<{ you: { principal: string } }>('status')).you;
      return { principal: you.principal, scopes: [...(hello.auth?.scopes ?? [])] };
    } finally { client.close(); }
  }

  it('accepts jürgen@example.com sent as UTF-8 bytes, in NFC or NFD and any case, as one person', async () => {
    assert.deepEqual(await who(utf8('jürgen@example.com')), { principal: 'trusted-proxy:jürgen@example.com', scopes: ['operator.read'] });
    assert.equal((await who(utf8('JU\u0308RGEN@EXAMPLE.COM'))).principal, 'trusted-proxy:jürgen@example.com');
    assert.equal((await who(utf8('STRASSE'))).principal, 'trusted-proxy:STRASSE', 'ß and SS fold together');
  });

  it('refuses bytes that are not UTF-8 with their own reason (Latin-1 ü, a lone continuation byte, an overlong)', async () => {
    for (const bad of ['j\u00fcrgen@example.com', 'me\u0080@example.com', 'a\u00c0\u00afb']) {
      const err = await refused({ url: gw.url, headers: { 'x-authentik-email': bad } });
      assert.ok(err instanceof ConnectError);
      assert.equal(err.error?.details?.authReason, 'trusted_proxy_user_encoding', JSON.stringify(bad));
    }
  });

  it('reads a header line written as raw UTF-8 on the socket, as the proxies write it', async () => {
    // upgradeRequest's text goes to the socket as UTF-8: these are the bytes authentik sends
    const { frames, peer } = await rawConnect(gw.port, ['X-Authentik-Email: jürgen@example.com'], connectParams());
    peer.socket.destroy();
    const res = frames.find((f) => f.id === 'raw-connect') as { ok: boolean };
    assert.equal(res.ok, true, JSON.stringify(frames));
  });
});
