// Response budgets and pages: how many bytes one response may carry (derived once from the
// advertised maxPayload), and filling a page item by item until it is full. Every method that
// can return a lot (chat.history, sessions.list, and later OpenClaw methods such as
// chat.startup) pages through here, so no response frame can outgrow what clients accept.
import { boundJsonValue, jsonValueBytes } from '../protocol/json-size.js';
import { declareJsonBytes } from './response-guard.js';

export interface ResponseLimits {
  /** The most one response frame may hold: the advertised `maxPayload`. */
  readonly maxFrameBytes: number;
  /** The most a page's items may hold: `maxFrameBytes` less room for the frame and page envelope. */
  readonly maxPageBytes: number;
  /** A page's budget when the caller sends no `maxBytes`. */
  readonly defaultPageBytes: number;
}

/** Room kept for the `res` envelope and a page's own fields (keys, ids and flags are bounded well below this). */
const ENVELOPE_BYTES = 64 * 1024;

export function responseLimits(l: { readonly maxPayload: number; readonly defaultPageBytes: number }): ResponseLimits {
  const envelope = Math.min(ENVELOPE_BYTES, Math.floor(l.maxPayload / 4));
  const maxPageBytes = l.maxPayload - envelope;
  return { maxFrameBytes: l.maxPayload, maxPageBytes, defaultPageBytes: Math.min(l.defaultPageBytes, maxPageBytes) };
}

/** The byte budget of one page: the caller's `maxBytes` (a target) or the default, never above the hard cap. */
export const pageBudget = (limits: ResponseLimits, requested?: number): number =>
  Math.min(requested ?? limits.defaultPageBytes, limits.maxPageBytes);

export interface Page<T> {
  /** Items in the order they were offered. */
  readonly items: T[];
  /** JSON bytes of the items as an array. */
  readonly bytes: number;
  /** True when the page stopped because the next item would not fit (not because items ran out). */
  readonly full: boolean;
}

/**
 * Takes items in order while their JSON (as array elements) fits in `budget`. The first item is
 * always taken, so a page is never empty while items remain (the caller bounds each item).
 * The iterator is closed as soon as the page is full, so a database cursor reads no further.
 */
export function fillPage<T>(source: Iterable<T>, budget: number, sizeOf: (item: T) => number = jsonValueBytes): Page<T> {
  const items: T[] = [];
  let bytes = 2;
  for (const item of source) {
    const size = sizeOf(item) + (items.length > 0 ? 1 : 0);
    if (items.length > 0 && bytes + size > budget) return { items, bytes, full: true };
    items.push(item);
    bytes += size;
  }
  return { items, bytes, full: false };
}

/**
 * Declares the exact JSON size of a response that carries a filled page's items under `key`
 * (response-guard.ts), so the page is not measured twice: the items were measured while the page
 * was filled, and only the rest of the payload is measured here. `payload[key]` must be the
 * page's own `items` array, unchanged since fillPage measured it.
 */
export function declarePageBytes<P extends Record<string, unknown>>(payload: P, key: keyof P & string, page: Page<unknown>): P {
  if (payload[key] !== page.items) return payload; // not this page: declare nothing (the guard serialises)
  return declareJsonBytes(payload, jsonValueBytes({ ...payload, [key]: [] }) - 2 + page.bytes);
}

/** One item cut to fit `maxBytes`: long strings keep a prefix and a marker; when that is not enough, `replace` builds a stand-in. */
export function boundItem<T>(item: T, maxBytes: number, replace: (bytes: number) => T): { item: T; truncated: boolean; bytes: number } {
  const b = boundJsonValue(item, maxBytes);
  if (!b.tooLarge) return { item: b.value, truncated: b.truncated, bytes: b.bytes };
  const stand = replace(b.bytes);
  return { item: stand, truncated: true, bytes: jsonValueBytes(stand) };
}

/** OpenClaw's paging fields: where this page started, whether more remains, and where to continue. */
export function pageInfo(offset: number, returned: number, total: number): { offset: number; hasMore: boolean; nextOffset?: number } {
  const next = offset + returned;
  return next < total ? { offset, hasMore: true, nextOffset: next } : { offset, hasMore: false };
}
