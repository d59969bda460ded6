// Loading `gateway.auth.trustedProxy.assertion`: defaults, one key source, https-only key URLs
// (http only to this host), a JWKS file read and checked by config (public keys only), header
// names that must not collide, and userHeader becoming optional.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { ConfigError } from '../src/config/errors.js';
import { tempDir } from './fixtures/gateway.fixture.js';

const dir = tempDir('clawgate-assertion-config-');
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function load(assertion: Record<string, unknown>, tp: Record<string, unknown> = {}) {
  const path = join(dir, `c${++n}.json`);
  writeFileSync(path, JSON.stringify({ gateway: { trustedProxies: ['127.0.0.1'], auth: { mode: 'trusted-proxy', trustedProxy: { ...tp, assertion } } } }));
  return loadConfig({ configPath: path, env: { CLAWGATE_STATE_DIR: dir } });
}
function issues(assertion: Record<string, unknown>, tp: Record<string, unknown> = {}): string[] {
  try { load(assertion, tp); } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.issues.map((i) => `${i.path}: ${i.message}`);
  }
  assert.fail('the config loaded');
}

const BASE = { header: 'Cf-Access-Jwt-Assertion', jwksUrl: 'https://myteam.cloudflareaccess.com/cdn-cgi/access/certs', issuer: 'https://myteam.cloudflareaccess.com', audience: 'aud-tag' };
const PUBLIC_JWK = { kty: 'EC', crv: 'P-256', x: 'QCN7adG2AmIK3UdHJvVJkldsUc6XeBRz83Z4rXX8Va4', y: 'PI95b-ary66nrvA55TpaiWADq8b3O1CYIbvjqIHpXCY', kid: 'k', alg: 'ES256' };

describe('config: trustedProxy.assertion', () => {
  it('loads with defaults, no userHeader needed: header lower-cased, audience a list, userClaim email, all asymmetric algorithms, 30 s tolerance', () => {
    const a = load(BASE).gateway.auth;
    assert.ok(a.mode === 'trusted-proxy');
    assert.equal(a.userHeader, undefined);
    assert.deepEqual(a.assertion, {
      header: 'cf-access-jwt-assertion', keys: { url: BASE.jwksUrl }, issuer: BASE.issuer, audience: ['aud-tag'], userClaim: 'email',
      algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'], clockToleranceSec: 30,
    });
  });

  it('needs exactly one of jwksUrl and jwksFile, and a JWKS URL over https (http only to this host)', () => {
    const { jwksUrl: _u, ...noKeys } = BASE;
    assert.deepEqual(issues(noKeys), ['gateway.auth.trustedProxy.assertion: set exactly one of "jwksUrl" or "jwksFile" (where the proxy\'s public signing keys are)']);
    assert.match(issues({ ...BASE, jwksFile: 'x.json' }).join('\n'), /set exactly one of "jwksUrl" or "jwksFile"/);
    for (const bad of ['http://idp.example.com/jwks', 'ftp://idp.example.com/jwks', 'not a url', 'https://user:pw@idp.example.com/jwks']) {
      assert.match(issues({ ...BASE, jwksUrl: bad }).join('\n'), /^gateway\.auth\.trustedProxy\.assertion\.jwksUrl: must/, bad);
    }
    for (const ok of ['http://127.0.0.1:9000/jwks', 'http://localhost/jwks', 'http://[::1]:8080/jwks']) assert.ok(load({ ...BASE, jwksUrl: ok }), ok);
  });

  it('reads a JWKS file relative to the config file, public keys only', () => {
    writeFileSync(join(dir, 'good.json'), JSON.stringify({ keys: [PUBLIC_JWK] }));
    const { jwksUrl: _u, ...rest } = BASE;
    const a = load({ ...rest, jwksFile: 'good.json' }).gateway.auth;
    assert.ok(a.mode === 'trusted-proxy' && a.assertion);
    assert.deepEqual(a.assertion.keys, { jwks: { keys: [PUBLIC_JWK] }, file: 'good.json' });
    const cases: [string, string, RegExp][] = [
      ['private.json', JSON.stringify({ keys: [{ ...PUBLIC_JWK, d: 'secret' }] }), /keys\[0\] is a private or symmetric key; publish only the public keys/],
      ['hmac.json', JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }), /private or symmetric key/],
      ['empty.json', JSON.stringify({ keys: [] }), /must be a JSON Web Key Set with at least one key/],
      ['html.json', '<html>', /is not JSON/],
      ['nokty.json', JSON.stringify({ keys: [{ x: 1 }] }), /keys\[0\] is not a JSON Web Key/],
    ];
    for (const [file, text, want] of cases) {
      writeFileSync(join(dir, file), text);
      assert.match(issues({ ...rest, jwksFile: file }).join('\n'), want, file);
    }
    assert.match(issues({ ...rest, jwksFile: 'missing.json' }).join('\n'), /jwksFile: cannot read .*missing\.json: ENOENT/);
  });

  it('refuses an assertion header equal to userHeader or the proxy-secret header, an empty algorithm list, HS256, and a bad tolerance', () => {
    assert.match(issues(BASE, { userHeader: 'cf-access-jwt-assertion' }).join('\n'), /assertion\.header: must differ from userHeader and proxySecret\.header/);
    assert.match(issues(BASE, { proxySecret: { header: 'CF-Access-JWT-Assertion', value: 'a-proxy-secret-of-32-characters!' } }).join('\n'), /must differ/);
    assert.match(issues({ ...BASE, algorithms: [] }).join('\n'), /must list at least one algorithm/);
    assert.match(issues({ ...BASE, algorithms: ['HS256'] }).join('\n'), /algorithms\[0\]/);
    assert.match(issues({ ...BASE, clockToleranceSec: 3600 }).join('\n'), /clockToleranceSec/);
  });

  it('without an assertion, userHeader is still required', () => {
    const path = join(dir, 'noheader.json');
    writeFileSync(path, JSON.stringify({ gateway: { trustedProxies: ['127.0.0.1'], auth: { mode: 'trusted-proxy', trustedProxy: { allowUsers: ['me@example.com'] } } } }));
    assert.throws(() => loadConfig({ configPath: path, env: { CLAWGATE_STATE_DIR: dir } }), (err: unknown) => err instanceof ConfigError && err.issues.some((i) => i.path === 'gateway.auth.trustedProxy.userHeader' && /unless trustedProxy\.assertion is set/.test(i.message)));
  });
});
