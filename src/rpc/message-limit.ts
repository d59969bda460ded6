// The length limit on a message that starts a run (gateway.limits.maxMessageChars), reported
// exactly like a schema failure so a caller sees one error shape whichever check caught it.
import { RpcError } from '../protocol/error-codes.js';

/** Throws INVALID_PARAMS (issue at `path`) when `text` is longer than `max` UTF-16 code units. */
export function checkMessageLength(text: string, max: number, path = 'message'): void {
  if (text.length <= max) return;
  const issue = { path, message: `must be at most ${max} characters` };
  throw new RpcError('INVALID_REQUEST', `invalid params: ${path}: ${issue.message} (gateway.limits.maxMessageChars)`, { details: { code: 'INVALID_PARAMS', issues: [issue], limit: max } });
}
