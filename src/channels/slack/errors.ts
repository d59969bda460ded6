// Turns what the Slack SDKs throw into one short, secret-free line and a verdict: fatal
// (a token or workspace problem no retry fixes) or worth retrying (network, Slack down).

/** Platform errors that retrying cannot fix: socket-mode's unrecoverable list plus token problems. */
const FATAL = new Set([
  'not_authed', 'invalid_auth', 'account_inactive', 'user_removed_from_team', 'team_disabled',
  'token_revoked', 'token_expired', 'not_allowed_token_type', 'missing_scope', 'no_permission',
]);

const TOKEN_LIKE = /\bx(?:app|ox[a-z])-[\w-]+/g;

export interface SlackFailure { readonly message: string; readonly fatal: boolean; readonly platformError?: string }

export function describeSlackError(err: unknown): SlackFailure {
  const e = (err ?? {}) as { code?: string; message?: string; data?: { error?: string }; statusCode?: number; original?: { message?: string; cause?: { code?: string; message?: string } } };
  let out: SlackFailure;
  switch (e.code) {
    case 'slack_webapi_platform_error': {
      const code = e.data?.error ?? 'unknown_error';
      out = { message: code, fatal: FATAL.has(code), platformError: code };
      break;
    }
    case 'slack_webapi_request_error':
      out = { message: `request failed: ${e.original?.cause?.code ?? e.original?.cause?.message ?? e.original?.message ?? 'unknown'}`, fatal: false };
      break;
    case 'slack_socket_mode_websocket_error':
      out = { message: `WebSocket error: ${e.original?.message || 'connection dropped'}`, fatal: false };
      break;
    case 'slack_webapi_http_error':
      out = { message: `HTTP ${e.statusCode ?? '?'} from the Slack API`, fatal: false };
      break;
    default:
      out = { message: err === undefined ? 'connection closed before Slack said hello' : e.message || 'connection closed unexpectedly', fatal: false };
  }
  return { ...out, message: out.message.replace(TOKEN_LIKE, '[redacted]') };
}
