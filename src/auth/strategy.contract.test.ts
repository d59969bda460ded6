// The contract every auth strategy keeps, run against each one with generated requests: it
// never throws, it answers with a decision value (allow with a principal, or deny with a code
// from the closed AUTH_REASONS set), only shared-secret strategies rate-limit, and the same
// request gets the same answer.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AUTH_REASONS } from '../protocol/auth-reasons.js';
import type { AssertionVerdict } from './assertion.js';
import { attributeIngress } from '../transport/ingress.js';
import { createIpMatcher, parseCidr } from '../util/ip.js';
import { principalId, type AuthStrategy } from './decision.js';
import { createRateLimiter } from './rate-limit.js';
import { createNoneStrategy } from './strategies/none.js';
import { createTokenStrategy } from './strategies/token.js';
import { createPasswordStrategy } from './strategies/password.js';
import { createTrustedProxyStrategy } from './strategies/trusted-proxy.js';
import { createLocalStrategy } from './strategies/local.js';

const limiter = () => createRateLimiter({ maxAttempts: 1_000_000, windowMs: 60_000, lockoutMs: 1 });
const STRATEGIES: [string, () => AuthStrategy, boolean][] = [
  ['none', () => createNoneStrategy(), false],
  ['token', () => createTokenStrategy({ token: 'contract-token-0123456789', exemptLoopback: false }, limiter()), true],
  ['password', () => createPasswordStrategy({ password: 'contract password 01', exemptLoopback: false }, limiter()), true],
  ['trusted-proxy', () => createTrustedProxyStrategy({ userHeader: 'x-authentik-email', requiredHeaders: ['x-forwarded-proto'], allowUsers: ['*@example.com'], proxySecret: { header: 'x-proxy-secret', value: 'proxy-secret-0123456789' } }), false],
  ['local', () => createLocalStrategy('local-secret-0123456789abcdef', limiter()), true],
  ['trusted-proxy (assertion)', () => createTrustedProxyStrategy({ userHeader: 'x-authentik-email', requiredHeaders: [], allowUsers: ['*@example.com'], assertion: { header: 'x-clawgate-assertion' } }), false],
];

const trusted = createIpMatcher([parseCidr('127.0.0.1')!, parseCidr('10.0.0.0/8')!]);
const headerName = fc.constantFrom('x-authentik-email', 'X-Authentik-Email', 'x.authentik.email', 'x_authentik_email', 'x-forwarded-proto', 'x-forwarded-for', 'x-proxy-secret', 'origin', 'forwarded', 'x-real-ip', 'host', 'cookie', 'x-clawgate-assertion', 'x_clawgate_assertion');
/** What the edge concluded about a signed assertion (verified once per request, before any strategy runs). */
const verdict: fc.Arbitrary<AssertionVerdict | undefined> = fc.option(fc.oneof(
  fc.record({ kind: fc.constant('verified' as const), user: fc.oneof(fc.constantFrom('me@example.com', 'Me@Example.COM', 'mallory@evil.test', 'a b@example.com', '{user}'), fc.string({ maxLength: 40 })) }, { requiredKeys: ['kind', 'user'] })
    .chain((v) => fc.option(fc.array(fc.string({ maxLength: 10 }), { maxLength: 4 }), { nil: undefined }).map((groups) => (groups ? { ...v, groups } : v))),
  fc.record({ kind: fc.constant('refused' as const), reason: fc.constantFrom(...AUTH_REASONS.filter((r) => r.startsWith('trusted_proxy_assertion_'))) }),
), { nil: undefined });
const headerValue = fc.oneof(fc.constantFrom('me@example.com', 'https', 'proxy-secret-0123456789', '127.0.0.1', '{placeholder}', '', ' '), fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }));
const request = fc.record({
  peer: fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('127.0.0.1', '::ffff:127.0.0.1', '::1', '10.1.2.3', 'garbage')),
  headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 8 }),
  token: fc.option(fc.oneof(fc.constantFrom('contract-token-0123456789', 'local-secret-0123456789abcdef', ''), fc.string({ maxLength: 30 })), { nil: undefined }),
  password: fc.option(fc.oneof(fc.constantFrom('contract password 01', ''), fc.string({ maxLength: 30 })), { nil: undefined }),
  assertion: verdict,
});

describe('auth strategy contract', () => {
  for (const [name, make, rateLimits] of STRATEGIES) {
    it(`${name}: answers every request with a decision value from the closed reason set, deterministically`, () => {
      const strategy = make();
      fc.assert(fc.property(request, (r) => {
        const base = attributeIngress({ rawHeaders: r.headers.flat(), socket: { remoteAddress: r.peer } } as never, trusted);
        const ingress = r.assertion && base.peerTrusted ? { ...base, assertion: r.assertion } : base;
        const req = { ingress, credentials: { ...(r.token !== undefined ? { token: r.token } : {}), ...(r.password !== undefined ? { password: r.password } : {}) } };
        const a = strategy.authenticate(req);
        const b = strategy.authenticate(req);
        assert.deepEqual(a, b);
        if (a.kind === 'allow') {
          assert.equal(typeof principalId(a.principal), 'string');
          assert.ok(principalId(a.principal).length > 0);
        } else {
          assert.equal(a.kind, 'deny');
          assert.ok((AUTH_REASONS as readonly string[]).includes(a.reason), a.reason);
          if (!rateLimits) assert.notEqual(a.reason, 'rate_limited');
        }
      }), { numRuns: 2_000, ...(process.env.CI === 'true' ? { seed: 20261125 } : {}) });
    });
  }

  it('trusted-proxy with an assertion: only a verified assertion admits, as exactly the person it names (never a header\'s), with its groups', () => {
    const strategy = STRATEGIES.find(([n]) => n === 'trusted-proxy (assertion)')![1]();
    let admitted = 0;
    fc.assert(fc.property(request, (r) => {
      const base = attributeIngress({ rawHeaders: r.headers.flat(), socket: { remoteAddress: r.peer } } as never, trusted);
      const ingress = r.assertion && base.peerTrusted ? { ...base, assertion: r.assertion } : base;
      const d = strategy.authenticate({ ingress, credentials: {} });
      if (d.kind !== 'allow') return;
      admitted++;
      const v = ingress.assertion;
      assert.ok(v?.kind === 'verified', 'admitted without a verified assertion');
      assert.ok(d.principal.kind === 'trusted-proxy');
      assert.equal(d.principal.user.toLowerCase(), v.user.toLowerCase());
      assert.deepEqual(d.principal.groups, v.groups);
      // A user header sent alongside (non-blank) names the same person.
      for (const [n, value] of ingress.headers) if (n === 'x-authentik-email' && value.trim() !== '') assert.equal(value.trim().normalize('NFC').toLowerCase(), v.user.normalize('NFC').toLowerCase());
    }), { numRuns: 3_000, ...(process.env.CI === 'true' ? { seed: 20261130 } : {}) });
    assert.ok(admitted > 0, 'the generator reaches admissions');
  });

  it('each strategy names its mode', () => {
    assert.deepEqual(STRATEGIES.map(([, make]) => make().mode), ['none', 'token', 'password', 'trusted-proxy', 'local', 'trusted-proxy']);
  });
});
