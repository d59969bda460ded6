// The last bound on every response: a `res` frame whose JSON would be larger than the advertised
// maxPayload, or that cannot be serialised at all, becomes an error for that one request. The
// client gets an answer it can read instead of a frame it must refuse (and close on), and the
// gateway never builds a string V8 cannot hold. Paged methods stay well below this line.
//
// A payload whose exact JSON size is already known (a page measured item by item, see
// paging.ts) can declare it, so a caller that needs no text (the in-process transport) is
// bounded without serialising the response once more.
import { errorShape } from '../protocol/error-codes.js';
import { resErr, type ResFrame } from '../protocol/frames.js';
import { jsonValueBytes } from '../protocol/json-size.js';

export interface GuardedResponse {
  readonly frame: ResFrame;
  /** The frame's JSON text; absent when the caller asked for none and the size was known. */
  readonly text?: string;
  /** Set when the original frame was replaced by an error. */
  readonly refused?: { readonly reason: 'too_large' | 'unserializable'; readonly bytes?: number };
}

const declared = new WeakMap<object, number>();

/**
 * Declares the exact UTF-8 bytes of `JSON.stringify(payload)`, measured by the handler that built
 * it. The payload must be plain JSON data and must not change afterwards; the declaration is used
 * by at most one response (the guard consumes it), and only when that response's payload is this
 * very object.
 */
export function declareJsonBytes<T extends object>(payload: T, bytes: number): T {
  declared.set(payload, bytes);
  return payload;
}

/** Bytes of `frame` as JSON when its payload declared its size (consumed here), else undefined. */
function knownFrameBytes(frame: ResFrame): number | undefined {
  const p = frame.payload;
  if (typeof p !== 'object' || p === null) return undefined;
  const payloadBytes = declared.get(p);
  if (payloadBytes === undefined) return undefined;
  declared.delete(p);
  if (!Number.isFinite(payloadBytes)) return undefined;
  // The envelope measured with a 4-byte `null` in the payload's place.
  return jsonValueBytes({ ...frame, payload: null }) - 4 + payloadBytes;
}

const tooLarge = (err: unknown) => err instanceof RangeError && /string length/i.test(err.message);

/**
 * Serialises `frame`, or an error frame in its place when the text would exceed `maxBytes`.
 * With `text: false` (callers that deliver objects, not text) a frame whose payload declared its
 * size is checked against that size and not serialised; any other frame is serialised to be measured.
 */
export function guardResponse(frame: ResFrame, maxBytes: number, opts: { text?: boolean } = {}): GuardedResponse {
  const known = knownFrameBytes(frame);
  if (known !== undefined && known > maxBytes) return refuse(frame, maxBytes, 'too_large', known);
  if (known !== undefined && opts.text === false) return { frame };
  let text: string | undefined;
  let failure: unknown;
  try { text = JSON.stringify(frame); } catch (err) { failure = err; }
  const bytes = text === undefined ? undefined : Buffer.byteLength(text);
  if (text !== undefined && bytes! <= maxBytes) return { frame, text };
  return refuse(frame, maxBytes, text !== undefined || tooLarge(failure) ? 'too_large' : 'unserializable', bytes);
}

function refuse(frame: ResFrame, maxBytes: number, reason: 'too_large' | 'unserializable', bytes: number | undefined): GuardedResponse {
  const error = reason === 'too_large'
    ? errorShape('INVALID_REQUEST', `response too large: ${bytes === undefined ? 'more than the gateway can serialise' : `${bytes} bytes`}, over the ${maxBytes}-byte frame limit (maxPayload); ask for less (limit, maxBytes, offset)`,
      { details: { code: 'RESPONSE_TOO_LARGE', maxPayload: maxBytes, ...(bytes === undefined ? {} : { bytes }) } })
    : errorShape('UNAVAILABLE', 'internal error', { details: { code: 'INTERNAL_ERROR' }, retryable: true });
  const replaced = resErr(frame.id, error);
  return { frame: replaced, text: JSON.stringify(replaced), refused: { reason, ...(bytes === undefined ? {} : { bytes }) } };
}
