// Auth refusal messages: OpenClaw's `unauthorized: gateway token mismatch (…)` form for token and
// password reasons (its CLI prints the message as it is), a hint that fits the client, and a bare
// `unauthorized` for everything else.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AUTH_REASONS, authDetailCode, authFailureMessage } from './auth-reasons.js';

const CLI = { id: 'cli', mode: 'cli' };
const UI = { id: 'openclaw-control-ui', mode: 'webchat' };
const OTHER = { id: 'gateway-client', mode: 'backend' };

describe('auth refusal messages', () => {
  it('tells the OpenClaw CLI which setting to fix', () => {
    assert.equal(authFailureMessage('token_mismatch', CLI), "unauthorized: gateway token mismatch (set gateway.remote.token to match the gateway's gateway.auth.token)");
    assert.equal(authFailureMessage('token_missing', CLI), "unauthorized: gateway token missing (set gateway.remote.token to match the gateway's gateway.auth.token)");
    assert.equal(authFailureMessage('password_mismatch', CLI), "unauthorized: gateway password mismatch (set gateway.remote.password to match the gateway's gateway.auth.password)");
    assert.equal(authFailureMessage('rate_limited', CLI), 'unauthorized: too many failed authentication attempts (retry later)');
  });

  it('words the hint for browsers and other clients', () => {
    assert.equal(authFailureMessage('token_mismatch', UI), 'unauthorized: gateway token mismatch (paste the gateway token in the Control UI settings)');
    assert.equal(authFailureMessage('password_missing', OTHER), 'unauthorized: gateway password missing (send the gateway password in connect.params.auth.password)');
  });

  it('keeps every other reason a bare "unauthorized", and adds nothing details.code does not say', () => {
    for (const reason of AUTH_REASONS) {
      const msg = authFailureMessage(reason, CLI);
      if (authDetailCode(reason) === 'AUTH_UNAUTHORIZED' || authDetailCode(reason) === 'AUTH_IDENTITY_HEADER_REQUIRED') assert.equal(msg, 'unauthorized', reason);
      else assert.match(msg, /^unauthorized: /, reason);
    }
    assert.equal(authFailureMessage('trusted_proxy_missing_header_x-forwarded-user', CLI), 'unauthorized');
  });
});
