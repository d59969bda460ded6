// The closed set of reasons an authentication decision can give. They travel on the wire
// as `details.authReason`; docs/reference/auth-reasons.md explains each (a test checks both
// lists agree). Names follow OpenClaw's where OpenClaw has one.
import { BROWSER_CLIENT_IDS } from './connect.js';

export const AUTH_REASONS = [
  // token / password
  'token_missing', 'token_mismatch', 'password_missing', 'password_mismatch', 'rate_limited',
  // trusted-proxy
  'trusted_proxy_untrusted_source', 'trusted_proxy_user_missing', 'trusted_proxy_user_not_allowed',
  'trusted_proxy_missing_header', 'trusted_proxy_header_alias', 'trusted_proxy_header_duplicate',
  'trusted_proxy_user_invalid', 'trusted_proxy_user_encoding', 'trusted_proxy_secret_missing', 'trusted_proxy_secret_mismatch',
  'trusted_proxy_groups_invalid',
  // trusted-proxy with a signed identity assertion (trustedProxy.assertion)
  'trusted_proxy_assertion_missing', 'trusted_proxy_assertion_malformed', 'trusted_proxy_assertion_algorithm',
  'trusted_proxy_assertion_key_unknown', 'trusted_proxy_assertion_signature', 'trusted_proxy_assertion_expired',
  'trusted_proxy_assertion_not_yet_valid', 'trusted_proxy_assertion_issuer', 'trusted_proxy_assertion_audience',
  'trusted_proxy_assertion_claims_invalid', 'trusted_proxy_assertion_user_mismatch', 'trusted_proxy_assertion_jwks_unavailable',
  // browser origin gate (every mode)
  'origin_not_allowed',
  // the local (same-host) listener
  'local_secret_missing', 'local_secret_mismatch', 'local_forwarded',
] as const;
export type AuthReason = (typeof AUTH_REASONS)[number];

/**
 * A reason as written on the wire. `trusted_proxy_missing_header` carries the header name,
 * as OpenClaw does (`trusted_proxy_missing_header_x-forwarded-groups`).
 */
export function wireAuthReason(reason: AuthReason, header?: string): string {
  return reason === 'trusted_proxy_missing_header' && header ? `${reason}_${header}` : reason;
}

/**
 * The `details.code` of an auth refusal, in OpenClaw's vocabulary, so its clients recognise
 * the case and print their own hint (e.g. the CLI explains AUTH_TOKEN_MISMATCH). Reasons
 * OpenClaw has no code for stay AUTH_UNAUTHORIZED; `authReason` always has the exact reason.
 */
export type AuthDetailCode = 'AUTH_UNAUTHORIZED' | 'AUTH_TOKEN_MISSING' | 'AUTH_TOKEN_MISMATCH' | 'AUTH_PASSWORD_MISSING'
  | 'AUTH_PASSWORD_MISMATCH' | 'AUTH_RATE_LIMITED' | 'AUTH_IDENTITY_HEADER_REQUIRED';

export function authDetailCode(reason: string): AuthDetailCode {
  if (reason.startsWith('trusted_proxy_missing_header')) return 'AUTH_IDENTITY_HEADER_REQUIRED';
  switch (reason) {
    case 'token_missing': return 'AUTH_TOKEN_MISSING';
    case 'token_mismatch': return 'AUTH_TOKEN_MISMATCH';
    case 'password_missing': return 'AUTH_PASSWORD_MISSING';
    case 'password_mismatch': return 'AUTH_PASSWORD_MISMATCH';
    case 'rate_limited': return 'AUTH_RATE_LIMITED';
    default: return 'AUTH_UNAUTHORIZED';
  }
}

/** The client a refusal is written for: its id and mode from `connect.params.client`. */
export interface RefusedClient { readonly id: string; readonly mode: string }


/**
 * The `error.message` of an auth refusal. For token and password reasons it is OpenClaw's
 * `unauthorized: gateway token mismatch (<what to do>)` form, which OpenClaw's CLI prints as it
 * is (`openclaw gateway call`) and recognises by its prefix; the hint fits the client (CLI,
 * browser, other). It never says `--token <word>`: the CLI masks what follows `--token`. It says nothing `details.code` does not already say. Every other reason
 * stays a bare `unauthorized` (trusted-proxy and local refusals explain themselves to the
 * operator through `authReason` and the log, not to the caller).
 */
export function authFailureMessage(reason: string, client: RefusedClient): string {
  const cli = client.mode === 'cli';
  const browser = !cli && (BROWSER_CLIENT_IDS.includes(client.id) || client.mode === 'webchat');
  const token = cli ? 'set gateway.remote.token to match the gateway\'s gateway.auth.token'
    : browser ? 'paste the gateway token in the Control UI settings' : 'send the gateway token in connect.params.auth.token';
  const password = cli ? 'set gateway.remote.password to match the gateway\'s gateway.auth.password'
    : browser ? 'enter the gateway password in the Control UI settings' : 'send the gateway password in connect.params.auth.password';
  switch (reason) {
    case 'token_missing': return `unauthorized: gateway token missing (${token})`;
    case 'token_mismatch': return `unauthorized: gateway token mismatch (${token})`;
    case 'password_missing': return `unauthorized: gateway password missing (${password})`;
    case 'password_mismatch': return `unauthorized: gateway password mismatch (${password})`;
    case 'rate_limited': return 'unauthorized: too many failed authentication attempts (retry later)';
    default: return 'unauthorized';
  }
}
