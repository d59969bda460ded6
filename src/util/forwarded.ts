// Forwarded-address hops as real proxies send them: X-Forwarded-For elements with or without a
// port (`203.0.113.9:43462`, `[2001:db8::1]:443`, Caddy's `{remote}`), and RFC 7239 `Forwarded`
// `for=` nodes (quoted or not, with ports, obfuscated identifiers, `unknown`). Pure.
import { normalizeIp } from './ip.js';

export type Hop =
  /** A client address (port dropped, address canonical as normalizeIp). */
  | { readonly kind: 'ip'; readonly ip: string }
  /** `unknown`, an obfuscated identifier (`_hidden`), or a Forwarded element without `for=`: a valid hop that names no address. */
  | { readonly kind: 'hidden' }
  /** Text that is none of the above. */
  | { readonly kind: 'invalid'; readonly text: string };

/** At most this many hops are read from a request (the right-most ones matter). */
export const MAX_HOPS = 64;

const PORT = /^(?:\d{1,5}|_[A-Za-z0-9._-]+)$/;
const OBFUSCATED = /^_[A-Za-z0-9._-]+$/;
const DOTTED = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** Trims optional white space (spaces and tabs, RFC 9110 OWS). */
const ows = (s: string): string => s.replace(/^[ \t]+|[ \t]+$/g, '');

const portOk = (p: string): boolean => PORT.test(p) && (p.startsWith('_') || Number(p) <= 65535);

/**
 * One node: `ip`, `ip:port`, `[v6]`, `[v6]:port`, a bare IPv6 address, `unknown` or `_id`.
 * `obfuscatedOk`: only RFC 7239 nodes may be obfuscated identifiers (and have `_port`s).
 */
export function parseNode(text: string, obfuscatedOk: boolean): Hop {
  const invalid: Hop = { kind: 'invalid', text };
  if (/\s/.test(text)) return invalid;
  if (text.toLowerCase() === 'unknown' || (obfuscatedOk && OBFUSCATED.test(text))) return { kind: 'hidden' };
  let addr = text;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return invalid;
    const rest = text.slice(close + 1);
    if (rest !== '' && !(rest.startsWith(':') && portOk(rest.slice(1)) && (obfuscatedOk || !rest.startsWith(':_')))) return invalid;
    addr = text.slice(1, close);
    if (!addr.includes(':')) return invalid; // brackets hold IPv6 only
  } else {
    const colon = text.indexOf(':');
    if (colon >= 0 && colon === text.lastIndexOf(':')) {
      // exactly one colon: IPv4 with a port (an IPv6 address has at least two)
      const port = text.slice(colon + 1);
      addr = text.slice(0, colon);
      if (!DOTTED.test(addr) || !portOk(port) || (!obfuscatedOk && port.startsWith('_'))) return invalid;
    }
  }
  if (addr.includes('%')) return invalid; // zone ids are meaningless on the wire
  const n = normalizeIp(addr);
  return n ? { kind: 'ip', ip: n.ip } : invalid;
}

/** RFC 9110 list elements of every value in order, trimmed, empty elements dropped. */
function listElements(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const v of values) for (const e of v.split(',')) { const t = ows(e); if (t !== '') out.push(t); }
  return out;
}

/** X-Forwarded-For values → hops, left (client) to right (nearest proxy). */
export function xffHops(values: readonly string[]): Hop[] {
  return listElements(values).slice(-MAX_HOPS).map((e) => parseNode(e, false));
}

/** Splits on `sep` outside quoted strings (RFC 7230 quoted-string with backslash escapes). */
function splitOutsideQuotes(s: string, sep: string): string[] | null {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      cur += c;
      if (c === '\\') { if (i + 1 >= s.length) return null; cur += s[++i]!; } else if (c === '"') quoted = false;
    } else if (c === '"') { quoted = true; cur += c; } else if (c === sep) { out.push(cur); cur = ''; } else cur += c;
  }
  if (quoted) return null;
  out.push(cur);
  return out;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** A parameter value: a quoted string (unescaped) or a run of characters without quotes or spaces. */
function paramValue(v: string): string | null {
  if (v.startsWith('"')) return /^"(?:[^"\\]|\\.)*"$/s.test(v) ? v.slice(1, -1).replace(/\\(.)/gs, '$1') : null;
  return v !== '' && !/[\s"]/.test(v) ? v : null;
}

/**
 * `Forwarded` values → the `for=` hop of each element, left to right. An element without
 * `for=` is a hidden hop; an element that does not parse, or names `for` twice, is invalid.
 * Unquoted IPv6 and `ip:port` are accepted as senders write them, though RFC 7239 wants quotes.
 */
export function forwardedHops(values: readonly string[]): Hop[] {
  const hops: Hop[] = [];
  for (const v of values) {
    const elements = splitOutsideQuotes(v, ',');
    if (!elements) { hops.push({ kind: 'invalid', text: ows(v) }); continue; }
    for (const element of elements) {
      const el = ows(element);
      if (el === '') continue;
      const pairs = splitOutsideQuotes(el, ';');
      let node: string | null | undefined;
      let bad = pairs === null;
      for (const pair of pairs ?? []) {
        const p = ows(pair);
        if (p === '') continue;
        const eq = p.indexOf('=');
        const name = eq > 0 ? ows(p.slice(0, eq)) : '';
        const value = eq > 0 ? paramValue(ows(p.slice(eq + 1))) : null;
        if (!TOKEN.test(name) || value === null) { bad = true; break; }
        if (name.toLowerCase() === 'for') { if (node !== undefined) { bad = true; break; } node = value; }
      }
      hops.push(bad ? { kind: 'invalid', text: el } : node === undefined || node === null ? { kind: 'hidden' } : parseNode(node, true));
    }
  }
  return hops.slice(-MAX_HOPS);
}
