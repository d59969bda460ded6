// The recipes in docs/deploy/signed-assertions.md, run as written: each documented gateway
// config (only its jwksUrl replaced by a local JWKS, over HTTP on 127.0.0.1 port 0 and then from
// a file) against tokens signed the way that proxy signs them: Pomerium (ES256,
// X-Pomerium-Jwt-Assertion, iss = aud = the route's domain), Cloudflare Access (RS256,
// Cf-Access-Jwt-Assertion, iss = the team domain, aud = [AUD tag]) and authentik (RS256,
// X-authentik-jwt, iss = the application's URL, aud = the client ID, plus X-authentik-email).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigText } from '../src/config/load.js';
import { connectWs, type ConnectError, type WsConnectOptions } from '../src/client/ws.js';
import { bootGateway, tempDir, type TestGateway } from './fixtures/gateway.fixture.js';
import { documentedConfig, substitute } from './fixtures/proxies.fixture.js';
import { refused } from './fixtures/refused.fixture.js';
import { serveJwks, signAssertion, signingKey, type JwksServer, type SigningKey } from './fixtures/jwks.fixture.js';
import { authDetailCode } from '../src/protocol/auth-reasons.js';

const DOC = 'signed-assertions.md';
const now = () => Math.floor(Date.now() / 1000);

interface Recipe {
  name: 'pomerium' | 'cloudflare' | 'authentik';
  /** The key set URL as documented (replaced by the test's). */
  jwksUrl: string;
  header: string;
  alg: string;
  /** The claims this proxy puts in a token for `email`. */
  claims(email: string): Record<string, unknown>;
  /** Other headers this proxy sends alongside. */
  extraHeaders?(email: string): Record<string, string>;
  /** A claim change that makes it a token for another application. */
  otherApp: Record<string, unknown>;
  groups?: string[];
}

const CF_AUD = '4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2';
const AK_ISS = 'https://authentik.example.com/application/o/clawgate/';
const AK_CLIENT = 'QmC6j4lBJUBq3Ym2pMlm9wVk3ZbyFEnjLhYjGZ0a';

const RECIPES: Recipe[] = [
  {
    name: 'pomerium', jwksUrl: 'https://openclaw.example.com/.well-known/pomerium/jwks.json', header: 'X-Pomerium-Jwt-Assertion', alg: 'ES256',
    claims: (email) => ({ iss: 'openclaw.example.com', aud: 'openclaw.example.com', sub: randomUUID(), email, name: 'Me', groups: ['admins', 'dev'], jti: randomUUID() }),
    otherApp: { iss: 'grafana.example.com', aud: 'grafana.example.com' },
    groups: ['admins', 'dev'],
  },
  {
    name: 'cloudflare', jwksUrl: 'https://myteam.cloudflareaccess.com/cdn-cgi/access/certs', header: 'Cf-Access-Jwt-Assertion', alg: 'RS256',
    claims: (email) => ({
      aud: [CF_AUD], email, iss: 'https://myteam.cloudflareaccess.com', nbf: now() - 1, sub: randomUUID(), type: 'app',
      identity_nonce: randomBytes(12).toString('base64url'), country: 'DE',
    }),
    otherApp: { aud: ['9c1d2e3f00000000000000000000000000000000000000000000000000000000'] },
  },
  {
    name: 'authentik', jwksUrl: 'https://authentik.example.com/application/o/clawgate/jwks/', header: 'X-authentik-jwt', alg: 'RS256',
    claims: (email) => ({
      iss: AK_ISS, sub: randomBytes(32).toString('hex'), aud: AK_CLIENT, auth_time: now() - 60, acr: 'goauthentik.io/providers/oauth2/default',
      email, email_verified: true, name: 'Me', given_name: 'Me', preferred_username: email.split('@')[0], nickname: email.split('@')[0], groups: ['authentik Admins'],
    }),
    extraHeaders: (email) => ({ 'X-authentik-email': email, 'X-authentik-groups': 'authentik Admins' }),
    otherApp: { iss: 'https://authentik.example.com/application/o/grafana/', aud: 'grafana-client-id' },
    groups: ['authentik Admins'],
  },
];

function assertUnauthorized(err: ConnectError, authReason: string): void {
  assert.deepEqual(err.error?.details, { code: authDetailCode(authReason), authReason });
}

async function you(opts: WsConnectOptions): Promise<{ principal: string; groups?: string[] }> {
  const { client } = await connectWs({ timeoutMs: 5_000, ...opts });
  try {
    const y = (await client.request<{ you: { principal: string; groups?: string[] } }>('status')).you;
    return { principal: y.principal, ...(y.groups ? { groups: y.groups } : {}) };
  } finally { client.close(); }
}

/** The documented gateway block with its jwksUrl replaced (by a URL, or by a jwksFile entry). */
function recipeConfig(r: Recipe, keys: { url: string } | { file: string }): Record<string, unknown> {
  const doc = documentedConfig(DOC, r.name);
  const replaced = 'url' in keys
    ? substitute(doc, `docs/deploy/${DOC}`, [[r.jwksUrl, keys.url]])
    : substitute(doc, `docs/deploy/${DOC}`, [[`jwksUrl: "${r.jwksUrl}"`, `jwksFile: ${JSON.stringify(keys.file)}`]]);
  return parseConfigText(replaced, `docs/deploy/${DOC} (${r.name})`) as Record<string, unknown>;
}

for (const r of RECIPES) {
  describe(`recipe: ${r.name} (docs/deploy/${DOC})`, () => {
    let key: SigningKey;
    let stranger: SigningKey;
    let jwks: JwksServer;
    let dir: string;
    const gateways: [string, TestGateway][] = [];

    before(async () => {
      key = await signingKey(randomBytes(16).toString('hex'), r.alg);
      stranger = await signingKey(key.kid, r.alg);
      jwks = await serveJwks([key.jwk]);
      dir = tempDir('clawgate-recipe-');
      writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [key.jwk] }));
      gateways.push(['JWKS over HTTP', await bootGateway(recipeConfig(r, { url: jwks.url }))]);
      gateways.push(['JWKS file', await bootGateway(recipeConfig(r, { file: join(dir, 'jwks.json') }))]);
    });
    after(async () => {
      for (const [, gw] of gateways) await gw.stop();
      await jwks.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const asProxy = (gw: TestGateway, token: string, email = 'me@example.com'): WsConnectOptions =>
      ({ url: gw.url, headers: { [r.header]: token, ...(r.extraHeaders?.(email) ?? {}) } });

    it(`admits the person a ${r.name} token names, with its groups`, async () => {
      for (const [how, gw] of gateways) {
        const got = await you(asProxy(gw, await signAssertion(key, r.claims('me@example.com'))));
        assert.deepEqual(got, { principal: 'trusted-proxy:me@example.com', ...(r.groups ? { groups: r.groups } : {}) }, how);
      }
    });

    it('refuses a token for another application, an expired one, and one not signed by the proxy', async () => {
      for (const [, gw] of gateways) {
        const other = await refused(asProxy(gw, await signAssertion(key, { ...r.claims('me@example.com'), ...r.otherApp })));
        assert.match(String(other.error?.details?.authReason), /^trusted_proxy_assertion_(audience|issuer)$/);
        assertUnauthorized(await refused(asProxy(gw, await signAssertion(key, { ...r.claims('me@example.com'), iat: now() - 7200, exp: now() - 3600 }))), 'trusted_proxy_assertion_expired');
        assertUnauthorized(await refused(asProxy(gw, await signAssertion(stranger, r.claims('me@example.com')))), 'trusted_proxy_assertion_signature');
        assertUnauthorized(await refused({ url: gw.url, headers: r.extraHeaders?.('me@example.com') ?? {} }), 'trusted_proxy_assertion_missing');
      }
    });

    if (r.name === 'authentik') {
      it('authentik without a signing key (HS256 with the client secret) is refused, and X-authentik-email must agree with the token', async () => {
        const [, gw] = gateways[0]!;
        const hs = { kid: key.kid, alg: 'HS256', privateKey: new TextEncoder().encode('client-secret-of-the-provider') as never, jwk: {} };
        assertUnauthorized(await refused(asProxy(gw, await signAssertion(hs, r.claims('me@example.com')))), 'trusted_proxy_assertion_algorithm');
        const token = await signAssertion(key, r.claims('me@example.com'));
        assertUnauthorized(await refused({ url: gw.url, headers: { [r.header]: token, 'X-authentik-email': 'boss@example.com' } }), 'trusted_proxy_assertion_user_mismatch');
      });
    }
  });
}
