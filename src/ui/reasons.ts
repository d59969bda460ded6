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
  trusted_proxy_secret_missing: ['The proxy did not prove itself with the shared proxy secret.', 'Configure the proxy to send the header in gateway.auth.trustedProxy.proxySecret.'],
  trusted_proxy_secret_mismatch: ['The proxy sent the wrong proxy secret.', 'Make the proxy\'s secret match gateway.auth.trustedProxy.proxySecret.'],
  origin_not_allowed: ['This page was opened from an address the gateway does not allow.', 'Add this page\'s origin to gateway.controlUi.allowedOrigins, or open the UI from the gateway host.'],
};

export function explainRefusal(authReason: string | undefined, message: string): { what: string; fix: string; code: string } {
  const key = authReason?.startsWith('trusted_proxy_missing_header_') ? 'trusted_proxy_missing_header' : authReason ?? '';
  const e = Object.hasOwn(EXPLAIN, key) ? EXPLAIN[key] : undefined;
  if (e) return { what: e[0], fix: e[1], code: authReason! };
  if (/origin not allowed/.test(message)) return { what: EXPLAIN.origin_not_allowed![0], fix: EXPLAIN.origin_not_allowed![1], code: 'origin_not_allowed' };
  return { what: `The gateway refused the connection: ${message}.`, fix: 'See docs/reference/auth-reasons.md for this code.', code: authReason ?? 'unknown' };
}
