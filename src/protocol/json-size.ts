// Sizes of JSON text in UTF-8 bytes, computed without building the text, and truncation of
// strings and values to a byte budget. A limit on characters is not a limit on bytes on the
// wire: JSON.stringify turns U+0001 into the six characters \u0001. Everything that bounds a
// response measures here. Pure.

/** UTF-8 bytes one UTF-16 unit (or surrogate pair, counted at its high half) costs in JSON text; 0 for a paired low half. */
function unitBytes(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c < 0x20) return c === 8 || c === 9 || c === 10 || c === 12 || c === 13 ? 2 : 6; // \b \t \n \f \r, else \u00XX
  if (c === 0x22 || c === 0x5c) return 2; // \" \\
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  if (c >= 0xd800 && c <= 0xdbff) {
    const d = s.charCodeAt(i + 1);
    return d >= 0xdc00 && d <= 0xdfff ? 4 : 6; // a pair is one 4-byte code point; a lone surrogate is escaped
  }
  if (c >= 0xdc00 && c <= 0xdfff) {
    const p = s.charCodeAt(i - 1);
    return p >= 0xd800 && p <= 0xdbff ? 0 : 6;
  }
  return 3;
}

/** Printable ASCII other than `"` and `\`: one byte each in JSON text (the common case, checked natively). */
const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
/** Below this length a loop over the units is cheaper than entering the regex engine (keys, ids, labels). */
const SHORT = 48;

/** UTF-8 bytes of JSON.stringify(s), quotes included. */
export function jsonStringBytes(s: string): number {
  const len = s.length;
  if (len < SHORT) {
    let i = 0;
    for (; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) break;
    }
    if (i === len) return len + 2;
  } else if (PLAIN_ASCII.test(s)) return len + 2;
  let n = 2;
  for (let i = 0; i < len; i++) n += unitBytes(s, i);
  return n;
}

/** The longest prefix of `s` whose JSON text (quotes included) fits in `maxBytes`; never splits a surrogate pair. */
export function prefixWithinJsonBytes(s: string, maxBytes: number): string {
  let n = 2;
  if (n > maxBytes) return '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const paired = c >= 0xd800 && c <= 0xdbff && unitBytes(s, i) === 4;
    const cost = paired ? 4 : unitBytes(s, i);
    if (n + cost > maxBytes) return s.slice(0, i);
    n += cost;
    if (paired) i++;
  }
  return s;
}

/** The first `maxUnits` UTF-16 units of `s`, one shorter if that would split a surrogate pair. */
export function prefixWithinUnits(s: string, maxUnits: number): string {
  if (s.length <= maxUnits) return s;
  const c = s.charCodeAt(maxUnits - 1);
  return s.slice(0, c >= 0xd800 && c <= 0xdbff ? maxUnits - 1 : maxUnits);
}

const MAX_DEPTH = 64;

/**
 * Sizes of property names seen so far: objects of one kind repeat the same few names (a session
 * row has two dozen), so each is scanned once. Bounded: past KEY_CACHE_MAX names, or for long
 * names, sizes are computed each time. A cache of a pure function: results never depend on it.
 */
const keyBytes = new Map<string, number>();
const KEY_CACHE_MAX = 1024;
const KEY_CACHE_LONGEST = 64;
function jsonKeyBytes(k: string): number {
  let n = keyBytes.get(k);
  if (n === undefined) {
    n = jsonStringBytes(k);
    if (k.length <= KEY_CACHE_LONGEST && keyBytes.size < KEY_CACHE_MAX) keyBytes.set(k, n);
  }
  return n;
}

/**
 * UTF-8 bytes of JSON.stringify(v) for plain JSON data (what JSON.parse returns), or Infinity
 * for values nested deeper than 64 levels or not representable (the caller treats both as too large).
 */
export function jsonValueBytes(v: unknown, depth = 0): number {
  if (depth > MAX_DEPTH) return Infinity;
  switch (typeof v) {
    case 'string': return jsonStringBytes(v);
    case 'number': return Number.isFinite(v) ? String(v).length : 4;
    case 'boolean': return v ? 4 : 5;
    case 'object': {
      if (v === null) return 4;
      if (Array.isArray(v)) {
        const len = v.length;
        let n = len > 0 ? len + 1 : 2; // brackets and commas
        for (let i = 0; i < len; i++) {
          const x: unknown = v[i];
          n += x === undefined || typeof x === 'function' || typeof x === 'symbol' ? 4 : jsonValueBytes(x, depth + 1);
        }
        return n;
      }
      const o = v as Record<string, unknown>;
      let n = 1; // "{", then each member adds its "," or the closing "}"
      const proto: unknown = Object.getPrototypeOf(o);
      if (proto === Object.prototype || proto === null) {
        // A plain object: for-in visits exactly its own enumerable names (Object.prototype has
        // none), through V8's enum cache, without allocating a key array.
        for (const k in o) {
          const x = o[k];
          if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue; // left out by JSON.stringify
          n += jsonKeyBytes(k) + 2 + jsonValueBytes(x, depth + 1);
        }
      } else {
        for (const k of Object.keys(o)) {
          const x = o[k];
          if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
          n += jsonKeyBytes(k) + 2 + jsonValueBytes(x, depth + 1);
        }
      }
      return n === 1 ? 2 : n;
    }
    default: return Infinity;
  }
}

/** What a truncated string ends with, so a reader sees that text is missing and how much. */
export const truncationMarker = (kept: number, total: number): string =>
  `\n[… truncated by the gateway: ${kept} of ${total} characters shown]`;

/** `s` cut to at most `maxUnits` UTF-16 units plus a marker; unchanged when it already fits. */
export function truncateToUnits(s: string, maxUnits: number): string {
  if (s.length <= maxUnits) return s;
  const kept = prefixWithinUnits(s, maxUnits);
  return kept + truncationMarker(kept.length, s.length);
}

export interface Bounded<T> {
  readonly value: T;
  /** Some strings were cut (each ends with a marker). */
  readonly truncated: boolean;
  /** Cutting strings was not enough (too many keys, too deep): the caller must replace the value. */
  readonly tooLarge: boolean;
  /** JSON bytes of `value` (Infinity when too deep to measure). */
  readonly bytes: number;
}

interface Leaf { holder: Record<string, unknown> | unknown[]; key: string | number; text: string; bytes: number }

/**
 * A copy of plain JSON data whose JSON text fits in `maxBytes`, made by cutting its longest
 * strings (each keeps a prefix and gains a marker). Values that already fit are returned as is.
 */
export function boundJsonValue<T>(value: T, maxBytes: number): Bounded<T> {
  const total = jsonValueBytes(value);
  if (total <= maxBytes) return { value, truncated: false, tooLarge: false, bytes: total };
  if (total === Infinity) return { value, truncated: false, tooLarge: true, bytes: total };
  const leaves: Leaf[] = [];
  const copy = (v: unknown, holder: Leaf['holder'] | undefined, key: string | number): unknown => {
    if (typeof v === 'string') { if (holder) leaves.push({ holder, key, text: v, bytes: jsonStringBytes(v) }); return v; }
    if (typeof v !== 'object' || v === null) return v;
    if (Array.isArray(v)) { const out: unknown[] = []; v.forEach((x, i) => { out.push(copy(x, out, i)); }); return out; }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = copy(x, out, k);
    return out;
  };
  const root = typeof value === 'string' ? { v: value } : undefined;
  const cloned = root ? copy(root, undefined, 'v') as { v: unknown } : copy(value, undefined, '');
  let excess = total - maxBytes;
  leaves.sort((a, b) => b.bytes - a.bytes);
  for (const leaf of leaves) {
    if (excess <= 0) break;
    const marker = truncationMarker(leaf.text.length, leaf.text.length);
    const target = Math.max(2, leaf.bytes - excess - jsonStringBytes(marker));
    const kept = prefixWithinJsonBytes(leaf.text, target);
    const next = kept + truncationMarker(kept.length, leaf.text.length);
    const saved = leaf.bytes - jsonStringBytes(next);
    if (saved <= 0) continue;
    (leaf.holder as Record<string | number, unknown>)[leaf.key] = next;
    excess -= saved;
  }
  const out = (root ? (cloned as { v: unknown }).v : cloned) as T;
  return { value: out, truncated: true, tooLarge: excess > 0, bytes: maxBytes + excess };
}
