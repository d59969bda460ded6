// The last bound on every response: a `res` frame whose JSON would be larger than the advertised
// maxPayload, or that cannot be serialised at all, becomes an error for that one request. The
// client gets an answer it can read instead of a frame it must refuse (and close on), and the
// gateway never builds a string V8 cannot hold. Paged methods stay well below this line.
import { errorShape } from '../protocol/error-codes.js';
import { resErr, type ResFrame } from '../protocol/frames.js';

export interface GuardedResponse {
  readonly frame: ResFrame;
  readonly text: string;
  /** Set when the original frame was replaced by an error. */
  readonly refused?: { readonly reason: 'too_large' | 'unserializable'; readonly bytes?: number };
}

const tooLarge = (err: unknown) => err instanceof RangeError && /string length/i.test(err.message);

/** Serialises `frame`, or an error frame in its place when the text would exceed `maxBytes`. */
export function guardResponse(frame: ResFrame, maxBytes: number): GuardedResponse {
  let text: string | undefined;
  let failure: unknown;
  try { text = JSON.stringify(frame); } catch (err) { failure = err; }
  const bytes = text === undefined ? undefined : Buffer.byteLength(text);
  if (text !== undefined && bytes! <= maxBytes) return { frame, text };
  const reason = text !== undefined || tooLarge(failure) ? 'too_large' as const : 'unserializable' as const;
  const error = reason === 'too_large'
    ? errorShape('INVALID_REQUEST', `response too large: ${bytes === undefined ? 'more than the gateway can serialise' : `${bytes} bytes`}, over the ${maxBytes}-byte frame limit (maxPayload); ask for less (limit, maxBytes, offset)`,
      { details: { code: 'RESPONSE_TOO_LARGE', maxPayload: maxBytes, ...(bytes === undefined ? {} : { bytes }) } })
    : errorShape('UNAVAILABLE', 'internal error', { details: { code: 'INTERNAL_ERROR' }, retryable: true });
  const replaced = resErr(frame.id, error);
  return { frame: replaced, text: JSON.stringify(replaced), refused: { reason, ...(bytes === undefined ? {} : { bytes }) } };
}
