// Reference model of forwarded hops (docs/auth.md "Forwarded addresses"), written from the docs,
// RFC 7239 and RFC 9110, never from src/: every element is matched against one regular
// grammar instead of scanned. Used by the property tests in test/auth-properties.test.ts and
// test/edge-properties.test.ts.
import { parseAddr, parseV4Bits, parseV6Bits, type Addr } from './ip-model.js';

export type ModelHop = { readonly ip: Addr } | 'hidden' | 'invalid';

const OWS_TRIM = /^[ \t]*([\s\S]*?)[ \t]*$/;
const ows = (s: string): string => OWS_TRIM.exec(s)![1]!;

/** RFC 9110 tchar. */
const TCHAR = "[!#$%&'*+.^_`|~0-9A-Za-z-]";
const QUOTED = '"(?:[^"\\\\]|\\\\[\\s\\S])*"';
const PAIR = new RegExp(`^(${TCHAR}+)[ \\t]*=[ \\t]*(${QUOTED}|[^\\s";,]+)$`);
/** A whole value whose quotes balance: runs of non-quote characters or complete quoted strings. */
const BALANCED = new RegExp(`^(?:[^"]|${QUOTED})*$`);
const pieces = (sep: string) => new RegExp(`(?:[^"${sep}]|${QUOTED})+`, 'g');

const PORT_DIGITS = /^[0-9]{1,5}$/;
const OBF = /^_[A-Za-z0-9._-]+$/;

/** "ip", "ip:port", "[v6]", "[v6]:port", a bare IPv6 address, "unknown"; `_obfuscated` forms only in Forwarded. */
export function modelNode(text: string, forwarded: boolean): ModelHop {
  if (/^unknown$/i.test(text)) return 'hidden';
  if (forwarded && OBF.test(text)) return 'hidden';
  const okPort = (p: string | undefined) => p === undefined || (PORT_DIGITS.test(p) && Number(p) < 65536) || (forwarded && OBF.test(p));
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    if (!okPort(bracketed[2]) || bracketed[2] === '') return 'invalid';
    const v = bracketed[1]!.includes(':') ? parseV6Bits(bracketed[1]!) : null;
    return v === null ? 'invalid' : { ip: { value: v } };
  }
  const v4port = /^([^:]*):([^:]*)$/.exec(text);
  if (v4port) {
    if (parseV4Bits(v4port[1]!) === null || v4port[2] === '' || !okPort(v4port[2])) return 'invalid';
    return { ip: parseAddr(v4port[1]!)! };
  }
  const a = parseAddr(text);
  return a ? { ip: a } : 'invalid';
}

/** X-Forwarded-For: comma-separated elements, blank ones skipped. */
export function modelXffHops(values: readonly string[]): ModelHop[] {
  const els = values.flatMap((v) => v.split(',')).map(ows).filter((e) => e !== '');
  return els.slice(Math.max(0, els.length - 64)).map((e) => modelNode(e, false));
}

/** Forwarded: elements by ",", pairs by ";" (quotes protect both); the for= of each element. */
export function modelForwardedHops(values: readonly string[]): ModelHop[] {
  const out: ModelHop[] = [];
  for (const v of values) {
    if (!BALANCED.test(v)) { out.push('invalid'); continue; }
    for (const el of v.match(pieces(',')) ?? []) {
      if (ows(el) === '') continue;
      let node: string | undefined;
      let verdict: ModelHop | undefined;
      for (const pair of el.match(pieces(';')) ?? []) {
        const p = ows(pair);
        if (p === '') continue;
        const m = PAIR.exec(p);
        if (!m) { verdict = 'invalid'; break; }
        const value = m[2]!.startsWith('"') ? m[2]!.slice(1, -1).replace(/\\([\s\S])/g, '$1') : m[2]!;
        if (m[1]!.toLowerCase() === 'for') {
          if (node !== undefined) { verdict = 'invalid'; break; }
          node = value;
        }
      }
      out.push(verdict ?? (node === undefined ? 'hidden' : modelNode(node, true)));
    }
  }
  return out.slice(Math.max(0, out.length - 64));
}
