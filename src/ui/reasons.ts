// Plain-words explanations of why the gateway refused this browser, with what to change.

const EXPLAIN: Record<string, [string, string]> = {
  token_missing: ['This gateway needs a token and none was given.', 'Open the link the gateway printed (it ends in #token=…), or paste the token below.'],
  token_mismatch: ['The token was wrong.', 'Use the current token from the gateway host (file gateway-token in the state dir, or gateway.auth.token).'],
  password_missing: ['This gateway needs a password.', 'Enter the password below.'],
  password_mismatch: ['The password was wrong.', 'Check gateway.auth.password or CLAWGATE_GATEWAY_PASSWORD on the gateway host.'],
  rate_limited: ['Too many failed attempts from your address.', 'Wait a few minutes and try again with the right credential.'],
  trusted_proxy_untrusted_source: ['The gateway only accepts identities from its trusted proxy, and this connection did not come from it.', 'Open the UI through your login proxy, or add the proxy\'s address to gateway.trustedProxies.'],
  trusted_proxy_user_missing: ['The gateway expected your identity from the login proxy, but the request carried none.', 'Open the UI through your login proxy (not the gateway port directly), and check that the proxy sets the header named in gateway.auth.trustedProxy.userHeader.'],
  trusted_proxy_user_not_allowed: ['You are signed in, but your account is not on this gateway\'s allow list.', 'Ask an operator to add you to gateway.auth.trustedProxy.allowUsers.'],
  trusted_proxy_missing_header: ['The login proxy did not send a header this gateway requires.', 'Check gateway.auth.trustedProxy.requiredHeaders and the proxy\'s configuration.'],
  trusted_proxy_header_alias: ['The request carried a look-alike of the identity header (with "." or "_"), which is refused as a spoofing attempt.', 'Make sure only the exact header name reaches the gateway.'],
  trusted_proxy_header_duplicate: ['The identity header arrived twice.', 'Configure the proxy to replace (not append) the identity header.'],
  trusted_proxy_user_invalid: ['The identity the proxy sent is malformed.', 'Check the proxy sets a plain email or user name (no placeholders, commas or spaces).'],
  trusted_proxy_groups_invalid: ['The groups the proxy sent cannot be read (not UTF-8, a control character, or too many or too long).', 'Check how the proxy passes groups (authentik: a|b|c), or stop sending the groups header.'],
  trusted_proxy_user_encoding: ['The identity the proxy sent is not valid UTF-8.', 'Make the proxy or identity provider send the user name as UTF-8.'],
  trusted_proxy_secret_missing: ['The proxy did not prove itself with the shared proxy secret.', 'Configure the proxy to send the header in gateway.auth.trustedProxy.proxySecret.'],
  trusted_proxy_secret_mismatch: ['The proxy sent the wrong proxy secret.', 'Make the proxy\'s secret match gateway.auth.trustedProxy.proxySecret.'],
  trusted_proxy_assertion_missing: ['The login proxy did not send its signed identity token.', 'Open the UI through your login proxy, and check that it sends the token in the header named in gateway.auth.trustedProxy.assertion.header.'],
  trusted_proxy_assertion_malformed: ['The identity token from the login proxy is not a valid JWT.', 'Check that gateway.auth.trustedProxy.assertion.header names the header carrying the JWT itself.'],
  trusted_proxy_assertion_algorithm: ['The identity token is signed with an algorithm this gateway does not accept.', 'Make the proxy or IdP sign with an asymmetric key (RS256, ES256, EdDSA), or adjust gateway.auth.trustedProxy.assertion.algorithms.'],
  trusted_proxy_assertion_key_unknown: ['The identity token is signed by a key the gateway does not know.', 'Point gateway.auth.trustedProxy.assertion.jwksUrl (or jwksFile) at the key set of the issuer that signs these tokens.'],
  trusted_proxy_assertion_signature: ['The identity token\'s signature is not valid: it was altered or not made by the login proxy.', 'Open the UI through your login proxy; an operator should find who sends this token.'],
  trusted_proxy_assertion_expired: ['Your sign-in has expired.', 'Reload the page to sign in again. If this repeats at once, check the clocks of the proxy and the gateway.'],
  trusted_proxy_assertion_not_yet_valid: ['Your identity token is not valid yet (the clocks disagree).', 'Check the clocks of the proxy and the gateway (NTP).'],
  trusted_proxy_assertion_issuer: ['The identity token comes from an issuer this gateway does not trust.', 'Set gateway.auth.trustedProxy.assertion.issuer to the issuer the proxy uses.'],
  trusted_proxy_assertion_audience: ['The identity token was made for another application.', 'Set gateway.auth.trustedProxy.assertion.audience to this application\'s audience.'],
  trusted_proxy_assertion_claims_invalid: ['The identity token does not say who you are in a usable way.', 'Make the IdP include the claim named in gateway.auth.trustedProxy.assertion.userClaim (default email).'],
  trusted_proxy_assertion_user_mismatch: ['The proxy\'s identity header and its signed token name different people.', 'Make the proxy derive both from the same login.'],
  trusted_proxy_assertion_jwks_unavailable: ['The gateway could not fetch the keys to check your identity token.', 'An operator should check that the gateway host can reach gateway.auth.trustedProxy.assertion.jwksUrl.'],
  origin_not_allowed: ['This page was opened from an address the gateway does not allow.', 'Add this page\'s origin to gateway.controlUi.allowedOrigins, or open the UI from the gateway host.'],
};

export function explainRefusal(authReason: string | undefined, message: string): { what: string; fix: string; code: string } {
  const key = authReason?.startsWith('trusted_proxy_missing_header_') ? 'trusted_proxy_missing_header' : authReason ?? '';
  const e = Object.hasOwn(EXPLAIN, key) ? EXPLAIN[key] : undefined;
  if (e) return { what: e[0], fix: e[1], code: authReason! };
  if (/origin not allowed/.test(message)) return { what: EXPLAIN.origin_not_allowed![0], fix: EXPLAIN.origin_not_allowed![1], code: 'origin_not_allowed' };
  return { what: `The gateway refused the connection: ${message}.`, fix: 'See docs/reference/auth-reasons.md for this code.', code: authReason ?? 'unknown' };
}
