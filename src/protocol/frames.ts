// Wire frames exactly as OpenClaw's gateway protocol defines them: req / res / event,
// with no extra top-level keys. Pure: parsing and building only.
import type { ErrorShape } from './error-codes.js';

export const PROTOCOL_VERSION = 4;

export interface ReqFrame { type: 'req'; id: string; method: string; params?: unknown }
export interface ResFrame { type: 'res'; id: string; ok: boolean; payload?: unknown; error?: ErrorShape }
export interface EventFrame {
  type: 'event'; event: string; payload?: unknown; seq?: number;
  stateVersion?: { presence: number; health: number };
}
export interface CancelFrame { type: 'cancel'; id: string }
export type InboundFrame = ReqFrame | CancelFrame;
export type Frame = ReqFrame | ResFrame | EventFrame | CancelFrame;

export type ParseResult = { ok: true; frame: InboundFrame } | { ok: false; message: string; id?: string };

const MAX_ID_LENGTH = 200;
const MAX_METHOD_LENGTH = 200;

/** Parses a client→server text frame; never throws. */
export function parseInbound(text: string): ParseResult {
  let v: unknown;
  try { v = JSON.parse(text); } catch { return { ok: false, message: 'invalid frame: not JSON' }; }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, message: 'invalid frame: expected an object' };
  const o = v as Record<string, unknown>;
  const id = typeof o.id === 'string' && o.id.length > 0 && o.id.length <= MAX_ID_LENGTH ? o.id : undefined;
  if (o.type === 'cancel') {
    if (!id) return { ok: false, message: 'invalid frame: cancel needs an id' };
    return { ok: true, frame: { type: 'cancel', id } };
  }
  if (o.type !== 'req') return { ok: false, message: 'invalid frame: type must be "req"', ...(id ? { id } : {}) };
  if (!id) return { ok: false, message: 'invalid frame: id must be a non-empty string' };
  if (typeof o.method !== 'string' || o.method.length === 0 || o.method.length > MAX_METHOD_LENGTH) {
    return { ok: false, message: 'invalid frame: method must be a non-empty string', id };
  }
  for (const k of Object.keys(o)) {
    if (k !== 'type' && k !== 'id' && k !== 'method' && k !== 'params') return { ok: false, message: `invalid frame: unexpected key "${k}"`, id };
  }
  const frame: ReqFrame = { type: 'req', id, method: o.method };
  if (o.params !== undefined) frame.params = o.params;
  return { ok: true, frame };
}

export const resOk = (id: string, payload?: unknown): ResFrame =>
  payload === undefined ? { type: 'res', id, ok: true } : { type: 'res', id, ok: true, payload };

export const resErr = (id: string, error: ErrorShape, payload?: unknown): ResFrame =>
  payload === undefined ? { type: 'res', id, ok: false, error } : { type: 'res', id, ok: false, payload, error };

export const eventFrame = (event: string, payload?: unknown, seq?: number): EventFrame => {
  const f: EventFrame = { type: 'event', event };
  if (payload !== undefined) f.payload = payload;
  if (seq !== undefined) f.seq = seq;
  return f;
};
