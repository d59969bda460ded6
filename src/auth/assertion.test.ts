// Unit tests for the assertion verifier against real key sets: a file's parsed set and a JWKS
// served over HTTP on 127.0.0.1 port 0 (rotation, refetch rate limit, timeout, unreachable).
// Tokens are signed with jose, as a proxy would sign them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { AUTH_REASONS } from '../protocol/auth-reasons.js';
import { createAssertionVerifier, groupsOf, MAX_ASSERTION_BYTES, MAX_GROUPS, type AssertionConfig, type AssertionVerdict, type VerifierOptions } from './assertion.js';

const HEADER = 'x-test-assertion';
const ISS = 'https://idp.example.com/';
const AUD = 'clawgate';
const NOW = 1_800_000_000_000;
const sec = (ms: number) => Math.floor(ms / 1000);

interface SigningKey { kid: string; alg: string; privateKey: CryptoKey; jwk: JWK }
async function signingKey(kid: string, alg = 'ES256'): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

async function sign(key: SigningKey, claims: JWTPayload = {}, over: { iat?: number; exp?: number | null; nbf?: number; kid?: string } = {}): Promise<string> {
  const jwt = new SignJWT({ iss: ISS, aud: AUD, email: 'me@example.com', ...claims })
    .setProtectedHeader({ alg: key.alg, kid: over.kid ?? key.kid, typ: 'JWT' })
    .setIssuedAt(over.iat ?? sec(NOW));
  if (over.exp !== null) jwt.setExpirationTime(over.exp ?? sec(NOW) + 300);
  if (over.nbf !== undefined) jwt.setNotBefore(over.nbf);
  return jwt.sign(key.privateKey);
}

const config = (keys: AssertionConfig['keys'], over: Partial<AssertionConfig> = {}): AssertionConfig => ({
  header: HEADER, keys, issuer: ISS, audience: [AUD], userClaim: 'email',
  algorithms: ['ES256', 'RS256', 'EdDSA'], clockToleranceSec: 30, ...over,
});
const reason = (v: AssertionVerdict): string => (v.kind === 'refused' ? v.reason : `verified ${v.user}`);

/** A JWKS over HTTP on 127.0.0.1:0 whose keys, delay and availability the test changes. */
interface JwksServer { url: string; keys: JWK[]; fetches: number; responses: number; delayMs: number; status: number; close(): Promise<void> }
async function jwksServer(keys: JWK[]): Promise<JwksServer> {
  const state = { keys, fetches: 0, responses: 0, delayMs: 0, status: 200 };
  const server: Server = createServer((_req, res) => {
    state.fetches++;
    setTimeout(() => {
      if (res.destroyed) return;
      state.responses++;
      res.writeHead(state.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: state.keys }));
    }, state.delayMs).unref();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  return Object.assign(state, {
    url,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  });
}

describe('assertion verifier: a key set from a file (parsed by config)', () => {
  let key: SigningKey;
  let other: SigningKey;
  let verify: (token: string | string[] | undefined, over?: Partial<AssertionConfig>) => Promise<string>;
  before(async () => {
    key = await signingKey('k1');
    other = await signingKey('k1'); // same kid, different key: a forgery
    verify = async (token, over = {}) => {
      const v = createAssertionVerifier(config({ jwks: { keys: [key.jwk] } }, over), { now: () => NOW });
      const values = token === undefined ? [] : Array.isArray(token) ? token : [token];
      return reason(await v.verify(values.map((t) => [HEADER, t] as const)));
    };
  });

  it('verifies a valid token and takes the identity from the user claim', async () => {
    assert.equal(await verify(await sign(key)), 'verified me@example.com');
    assert.equal(await verify(await sign(key, { preferred_username: 'me' }), { userClaim: 'preferred_username' }), 'verified me');
    assert.equal(await verify(`Bearer ${await sign(key)}`), 'verified me@example.com', 'an Authorization-style value works too');
  });

  it('refuses each invalid kind with its own reason', async () => {
    const cases: [string, string | string[] | undefined, string][] = [
      ['no header', undefined, 'trusted_proxy_assertion_missing'],
      ['empty header', '', 'trusted_proxy_assertion_missing'],
      ['garbage', 'not a jwt', 'trusted_proxy_assertion_malformed'],
      ['two parts', 'eyJhbGciOiJFUzI1NiJ9.eyJ9', 'trusted_proxy_assertion_malformed'],
      ['header not JSON', 'bm90anNvbg.eyJ9.c2ln', 'trusted_proxy_assertion_malformed'],
      ['huge', `${'a'.repeat(MAX_ASSERTION_BYTES)}.b.c`, 'trusted_proxy_assertion_malformed'],
      ['sent twice', [await sign(key), await sign(key)], 'trusted_proxy_header_duplicate'],
      ['signed by another key with the same kid', await sign(other), 'trusted_proxy_assertion_signature'],
      ['unknown kid', await sign(other, {}, { kid: 'k9' }), 'trusted_proxy_assertion_key_unknown'],
      ['expired', await sign(key, {}, { iat: sec(NOW) - 3600, exp: sec(NOW) - 31 }), 'trusted_proxy_assertion_expired'],
      ['not yet valid', await sign(key, {}, { nbf: sec(NOW) + 31 }), 'trusted_proxy_assertion_not_yet_valid'],
      ['wrong issuer', await sign(key, { iss: 'https://evil.example.com/' }), 'trusted_proxy_assertion_issuer'],
      ['no issuer', await sign(key, { iss: undefined }), 'trusted_proxy_assertion_issuer'],
      ['wrong audience', await sign(key, { aud: 'another-app' }), 'trusted_proxy_assertion_audience'],
      ['no exp', await sign(key, {}, { exp: null }), 'trusted_proxy_assertion_claims_invalid'],
      ['no user claim', await sign(key, { email: undefined }), 'trusted_proxy_assertion_claims_invalid'],
      ['user claim not a string', await sign(key, { email: ['me@example.com'] }), 'trusted_proxy_assertion_claims_invalid'],
    ];
    for (const [what, token, want] of cases) assert.equal(await verify(token), want, what);
  });

  it('tolerates clock skew up to clockToleranceSec, not beyond', async () => {
    assert.equal(await verify(await sign(key, {}, { exp: sec(NOW) - 29 })), 'verified me@example.com');
    assert.equal(await verify(await sign(key, {}, { nbf: sec(NOW) + 29 })), 'verified me@example.com');
    assert.equal(await verify(await sign(key, {}, { exp: sec(NOW) - 5 }), { clockToleranceSec: 0 }), 'trusted_proxy_assertion_expired');
  });

  it('refuses algorithms outside the allowed list: "none", HS256 with the public key as secret, and RS256 when only ES256 is allowed', async () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const claims = { iss: ISS, aud: AUD, email: 'me@example.com', exp: sec(NOW) + 300 };
    assert.equal(await verify(`${b64({ alg: 'none', kid: 'k1' })}.${b64(claims)}.AA`), 'trusted_proxy_assertion_algorithm');
    const hs = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).sign(new TextEncoder().encode(JSON.stringify(key.jwk)));
    assert.equal(await verify(hs), 'trusted_proxy_assertion_algorithm');
    const rsa = await signingKey('r1', 'RS256');
    const v = createAssertionVerifier(config({ jwks: { keys: [key.jwk, rsa.jwk] } }, { algorithms: ['ES256'] }), { now: () => NOW });
    assert.equal(reason(await v.verify([[HEADER, await sign(rsa)]])), 'trusted_proxy_assertion_algorithm');
  });

  it('carries the groups claim, bounded: a list or a single string; anything else is refused', async () => {
    const v = createAssertionVerifier(config({ jwks: { keys: [key.jwk] } }, { groupsClaim: 'groups' }), { now: () => NOW });
    const ok = await v.verify([[HEADER, await sign(key, { groups: ['admins', 'dev', 'admins'] })]]);
    assert.deepEqual(ok, { kind: 'verified', user: 'me@example.com', groups: ['admins', 'dev'] });
    assert.deepEqual(await v.verify([[HEADER, await sign(key, { groups: 'dev' })]]), { kind: 'verified', user: 'me@example.com', groups: ['dev'] });
    assert.deepEqual(await v.verify([[HEADER, await sign(key)]]), { kind: 'verified', user: 'me@example.com', groups: [] });
    for (const bad of [[1], ['a\u0000b'], [''], 'x'.repeat(257), Array.from({ length: MAX_GROUPS + 1 }, (_, i) => `g${i}`), { admins: true }]) {
      assert.equal(reason(await v.verify([[HEADER, await sign(key, { groups: bad })]])), 'trusted_proxy_assertion_claims_invalid', JSON.stringify(bad).slice(0, 40));
    }
    assert.equal(groupsOf(undefined)?.length, 0);
  });

  it('two people at once: concurrent verifications each get their own identity', async () => {
    const v = createAssertionVerifier(config({ jwks: { keys: [key.jwk] } }), { now: () => NOW });
    const people = Array.from({ length: 40 }, (_, i) => `user${i}@example.com`);
    const tokens = await Promise.all(people.map((email) => sign(key, { email })));
    const got = await Promise.all(tokens.map((t) => v.verify([[HEADER, t]])));
    assert.deepEqual(got.map(reason), people.map((p) => `verified ${p}`));
  });

  it('property: any header value is answered with a verdict, never an exception; a mutated valid token never names someone else', async () => {
    const v = createAssertionVerifier(config({ jwks: { keys: [key.jwk] } }), { now: () => NOW });
    const valid = await sign(key, { email: 'me@example.com' });
    let runs = 0;
    await fc.assert(fc.asyncProperty(
      fc.oneof(
        fc.string({ maxLength: 300 }),
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.tuple(fc.nat(valid.length - 1), fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.')).map(([i, c]) => valid.slice(0, i) + c + valid.slice(i + 1)),
        fc.tuple(fc.nat(valid.length), fc.nat(valid.length)).map(([a, b]) => valid.slice(Math.min(a, b), Math.max(a, b))),
      ),
      async (value) => {
        runs++;
        const verdict = await v.verify([[HEADER, value]]);
        if (verdict.kind === 'verified') assert.equal(verdict.user, 'me@example.com');
        else assert.ok((AUTH_REASONS as readonly string[]).includes(verdict.reason), verdict.reason);
      },
    ), { numRuns: 500, ...(process.env.CI === 'true' ? { seed: 20261130 } : {}) });
    assert.equal(runs >= 500, true);
  });
});

describe('assertion verifier: property against an independent model of the claim checks', () => {
  it('a generated token verifies exactly when every documented check passes, and a refusal names one of the checks that failed', async (tc) => {
    const key = await signingKey('m1');
    const stranger = await signingKey('m1');
    const v = createAssertionVerifier(config({ jwks: { keys: [key.jwk] } }, { groupsClaim: 'groups' }), { now: () => NOW });
    const t = sec(NOW);
    /** Valid values three times as likely as each field's invalid ones, so both outcomes are common. */
    const claim = <T>(valid: T[], invalid: T[]) => fc.oneof({ arbitrary: fc.constantFrom(...valid), weight: 3 }, { arbitrary: fc.constantFrom(...invalid), weight: 1 });
    const token = fc.record({
      signer: claim(['proxy'], ['stranger']),
      iss: claim<string | undefined>([ISS], [undefined, 'https://evil.example.com/', `${ISS}x`]),
      aud: claim<string | string[] | undefined>([AUD, [AUD], ['other', AUD]], ['other', [], undefined]),
      exp: claim<number | undefined | string>([t + 300, t - 10], [t - 31, t - 3600, undefined, 'tomorrow']),
      nbf: claim<number | undefined>([undefined, t - 60, t + 10], [t + 31]),
      email: claim<unknown>(['me@example.com', 'Alice@Example.com'], [undefined, '', 42, ['me@example.com']]),
      groups: claim<unknown>([undefined, ['dev'], 'dev', []], [[1]]),
    });
    let cases = 0;
    const verified = { yes: 0, no: 0 };
    await fc.assert(fc.asyncProperty(token, async (c) => {
      cases++;
      const claims: JWTPayload = { iss: c.iss, aud: c.aud, email: c.email as string, groups: c.groups as string[], nbf: c.nbf, exp: c.exp as number };
      const jwt = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'm1' }).sign((c.signer === 'proxy' ? key : stranger).privateKey);
      // The model, written from docs/auth.md: every check that fails, with its reason.
      const failing = new Set<string>();
      if (c.signer !== 'proxy') failing.add('trusted_proxy_assertion_signature');
      if (c.iss !== ISS) failing.add('trusted_proxy_assertion_issuer');
      if (!(c.aud === AUD || (Array.isArray(c.aud) && c.aud.includes(AUD)))) failing.add('trusted_proxy_assertion_audience');
      if (c.exp === undefined) failing.add('trusted_proxy_assertion_claims_invalid');
      else if (typeof c.exp !== 'number') failing.add('trusted_proxy_assertion_claims_invalid');
      else if (c.exp <= t - 30) failing.add('trusted_proxy_assertion_expired');
      if (c.nbf !== undefined && c.nbf > t + 30) failing.add('trusted_proxy_assertion_not_yet_valid');
      if (typeof c.email !== 'string' || c.email === '') failing.add('trusted_proxy_assertion_claims_invalid');
      if (c.groups !== undefined && !(typeof c.groups === 'string' || (Array.isArray(c.groups) && c.groups.every((g) => typeof g === 'string')))) failing.add('trusted_proxy_assertion_claims_invalid');
      const got = await v.verify([[HEADER, jwt]]);
      if (failing.size === 0) {
        verified.yes++;
        assert.equal(got.kind, 'verified', `model says valid, got ${reason(got)} for ${JSON.stringify(c)}`);
        if (got.kind === 'verified') assert.equal(got.user, c.email);
      } else {
        verified.no++;
        assert.equal(got.kind, 'refused', `model says ${[...failing].join(', ')}, got ${reason(got)}`);
        if (got.kind === 'refused') assert.ok(failing.has(got.reason), `${got.reason} is not among the failing checks ${[...failing].join(', ')} for ${JSON.stringify(c)}`);
      }
    }), { numRuns: 400, ...(process.env.CI === 'true' ? { seed: 20261130 } : {}) });
    tc.diagnostic(`assertion model property: ${cases} tokens, ${verified.yes} verified, ${verified.no} refused, 0 mismatches`);
    assert.ok(verified.yes > 0 && verified.no > 0, `both outcomes reached (${verified.yes} verified, ${verified.no} refused of ${cases})`);
  });
});

describe('assertion verifier: a JWKS over HTTP', () => {
  let a: SigningKey;
  let b: SigningKey;
  let jwks: JwksServer;
  before(async () => {
    a = await signingKey('a', 'RS256');
    b = await signingKey('b', 'EdDSA');
    jwks = await jwksServer([a.jwk]);
  });
  after(() => jwks.close());

  const remote = (opts: VerifierOptions = {}, url = jwks.url) => createAssertionVerifier(config({ url }), { now: () => NOW, ...opts });

  it('fetches the key set once and caches it', async () => {
    jwks.fetches = 0;
    const v = remote();
    for (let i = 0; i < 5; i++) assert.equal(reason(await v.verify([[HEADER, await sign(a)]])), 'verified me@example.com');
    assert.equal(jwks.fetches, 1);
  });

  it('rotation: a token with a new kid makes it refetch, at most once per cooldown', async () => {
    // Rate limit: within the cooldown, unknown kids cost no fetch at all (a flood of made-up kids is cheap).
    jwks.keys = [a.jwk];
    jwks.fetches = 0;
    const limited = remote({ cooldownMs: 60_000 });
    assert.equal(reason(await limited.verify([[HEADER, await sign(a)]])), 'verified me@example.com');
    for (let i = 0; i < 10; i++) assert.equal(reason(await limited.verify([[HEADER, await sign(b, {}, { kid: `made-up-${i}` })]])), 'trusted_proxy_assertion_key_unknown');
    assert.equal(jwks.fetches, 1);
    // Rotation (cooldown over, here 0): the IdP adds key b; the first token with kid "b" triggers one refetch.
    jwks.keys = [a.jwk];
    jwks.fetches = 0;
    const v = remote({ cooldownMs: 0 });
    assert.equal(reason(await v.verify([[HEADER, await sign(a)]])), 'verified me@example.com');
    jwks.keys = [b.jwk, a.jwk];
    assert.equal(reason(await v.verify([[HEADER, await sign(b, { email: 'alice@example.com' })]])), 'verified alice@example.com');
    assert.equal(jwks.fetches, 2);
    assert.equal(reason(await v.verify([[HEADER, await sign(b, { email: 'bob@example.com' })]])), 'verified bob@example.com');
    assert.equal(reason(await v.verify([[HEADER, await sign(a)]])), 'verified me@example.com', 'the old key still works while it is published');
    assert.equal(jwks.fetches, 2, 'known kids cost no further fetch');
    // The IdP drops key a: tokens signed with it stop verifying once the set is refetched.
    jwks.keys = [b.jwk];
    assert.equal(reason(await v.verify([[HEADER, await sign(a, {}, { kid: 'a-renamed' })]])), 'trusted_proxy_assertion_key_unknown');
  });

  it('concurrent tokens with a new kid share one refetch', async () => {
    jwks.keys = [a.jwk];
    jwks.fetches = 0;
    const v = remote({ cooldownMs: 60_000 });
    jwks.keys = [b.jwk];
    // First use: the set is fetched once for all concurrent requests, and holds kid "b".
    const tokens = await Promise.all(['alice', 'bob', 'carol'].map((n) => sign(b, { email: `${n}@example.com` })));
    const got = await Promise.all(tokens.map((t) => v.verify([[HEADER, t]])));
    assert.deepEqual(got.map(reason), ['verified alice@example.com', 'verified bob@example.com', 'verified carol@example.com']);
    assert.equal(jwks.fetches, 1);
  });

  it('a slow JWKS times out and fails closed, then is not retried during the backoff', async () => {
    jwks.delayMs = 4_000;
    jwks.fetches = 0;
    try {
      const told: string[] = [];
      const v = remote({ timeoutMs: 200, failureBackoffMs: 60_000, onFetchError: (r) => told.push(r) });
      const responses = jwks.responses;
      assert.equal(reason(await v.verify([[HEADER, await sign(a)]])), 'trusted_proxy_assertion_jwks_unavailable');
      assert.equal(jwks.responses, responses, 'it gave up before the slow server answered');
      assert.equal(reason(await v.verify([[HEADER, await sign(a)]])), 'trusted_proxy_assertion_jwks_unavailable');
      assert.equal(jwks.fetches, 1, 'no second fetch during the backoff');
      assert.deepEqual(told, ['timed out'], 'the operator is told once why');
    } finally { jwks.delayMs = 0; }
  });

  it('an unreachable JWKS, an HTTP error and a key set that is not JSON all fail closed', async () => {
    const gone = await jwksServer([]);
    await gone.close();
    assert.equal(reason(await remote({}, gone.url).verify([[HEADER, await sign(a)]])), 'trusted_proxy_assertion_jwks_unavailable');
    jwks.status = 500;
    try {
      assert.equal(reason(await remote().verify([[HEADER, await sign(a)]])), 'trusted_proxy_assertion_jwks_unavailable');
    } finally { jwks.status = 200; }
    const notJson = createServer((_q, res) => { res.end('<html>login</html>'); });
    await new Promise<void>((r) => notJson.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(notJson.address() as AddressInfo).port}/`;
      assert.equal(reason(await remote({}, url).verify([[HEADER, await sign(a)]])), 'trusted_proxy_assertion_jwks_unavailable');
    } finally { notJson.closeAllConnections(); notJson.close(); }
  });

  it('a missing or garbage token never costs a fetch', async () => {
    jwks.fetches = 0;
    const v = remote();
    assert.equal(reason(await v.verify([])), 'trusted_proxy_assertion_missing');
    assert.equal(reason(await v.verify([[HEADER, 'garbage']])), 'trusted_proxy_assertion_malformed');
    assert.equal(jwks.fetches, 0);
  });
});
