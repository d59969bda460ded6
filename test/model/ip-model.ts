// Reference model of IP addresses for the auth property tests, written from docs/auth.md and
// the address RFCs (RFC 791 dotted quads, RFC 4291 IPv6 text and IPv4-mapped addresses,
// RFC 5952 canonical text). Deliberately independent of src/util/ip.ts and node:net: every
// address is one 128-bit BigInt, an IPv4 address a.b.c.d being the IPv4-mapped ::ffff:a.b.c.d.
// That makes "normalise a mapped address to IPv4" a property of the value, not of its spelling.

/** An address as a 128-bit value. IPv4 addresses live in ::ffff:0:0/96. */
export interface Addr { readonly value: bigint }

const MAPPED_PREFIX = 0xffffn << 32n;
const MASK_32 = (1n << 32n) - 1n;
const MASK_128 = (1n << 128n) - 1n;

/** Strict dotted quad: four decimal octets 0..255, no leading zeros (those are octal in some parsers). */
const DOTTED_QUAD = /^(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})$/;
export function parseV4Bits(s: string): bigint | null {
  const m = DOTTED_QUAD.exec(s);
  if (!m) return null;
  let v = 0;
  for (let i = 1; i <= 4; i++) {
    const n = Number(m[i]);
    if (n > 255) return null;
    v = v * 256 + n;
  }
  return BigInt(v);
}

/** RFC 4291 §2.2 text: 8 groups of 1-4 hex digits, one optional "::", an optional trailing dotted quad. */
export function parseV6Bits(input: string): bigint | null {
  const s = input.toLowerCase();
  if (s.length === 0 || /[^0-9a-f:.]/.test(s)) return null;
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (part: string, allowV4Tail: boolean): number[] | null => {
    if (part === '') return [];
    const items = part.split(':');
    const out: number[] = [];
    for (let i = 0; i < items.length; i++) {
      const g = items[i]!;
      if (allowV4Tail && i === items.length - 1 && g.includes('.')) {
        const v4 = parseV4Bits(g);
        if (v4 === null) return null;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else {
        if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
        out.push(parseInt(g, 16));
      }
    }
    return out;
  };
  let groups: number[];
  if (halves.length === 1) {
    const g = groupsOf(halves[0]!, true);
    if (!g || g.length !== 8) return null;
    groups = g;
  } else {
    const head = groupsOf(halves[0]!, false);
    const tail = groupsOf(halves[1]!, true);
    if (!head || !tail || head.length + tail.length > 7) return null;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** Parses an address spelled as IPv4 or IPv6 text (no brackets, ports or zone ids). */
export function parseAddr(text: string): Addr | null {
  const v4 = parseV4Bits(text);
  if (v4 !== null) return { value: MAPPED_PREFIX | v4 };
  const v6 = parseV6Bits(text);
  return v6 === null ? null : { value: v6 };
}

export const isV4 = (a: Addr): boolean => a.value >> 32n === 0xffffn;

export const v4Addr = (a: number, b: number, c: number, d: number): Addr =>
  ({ value: MAPPED_PREFIX | BigInt(((a << 24) >>> 0) + (b << 16) + (c << 8) + d) });

/** Canonical text: dotted quad for IPv4 (mapped included), RFC 5952 for IPv6. */
export function formatAddr(a: Addr): string {
  if (isV4(a)) {
    const v = Number(a.value & MASK_32);
    return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((a.value >> BigInt(i * 16)) & 0xffffn));
  // Longest run of two or more zero groups, first one on ties.
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export const sameAddr = (a: Addr | null, b: Addr | null): boolean => a !== null && b !== null && a.value === b.value;

/** 127.0.0.0/8 or ::1. */
export const isLoopback = (a: Addr): boolean => (isV4(a) && ((a.value >> 24n) & 0xffn) === 127n) || a.value === 1n;

/** A trusted-proxy entry: a 128-bit network and prefix length. */
export interface Range { readonly net: bigint; readonly prefix: number }

/**
 * "addr" or "addr/prefix". An IPv4 entry a.b.c.d/p is the range ::ffff:a.b.c.d/(96+p); an IPv6
 * entry (mapped spellings included) is taken as written. Host bits beyond the prefix are ignored.
 */
export function parseRange(entry: string): Range | null {
  const slash = entry.split('/');
  if (slash.length > 2) return null;
  const addrText = slash[0]!;
  const v4 = parseV4Bits(addrText);
  const addr = parseAddr(addrText);
  if (!addr) return null;
  let prefix = 128;
  if (slash.length === 2) {
    if (!/^[0-9]{1,3}$/.test(slash[1]!)) return null;
    const p = Number(slash[1]);
    if (v4 !== null ? p > 32 : p > 128) return null;
    prefix = v4 !== null ? 96 + p : p;
  }
  return { net: addr.value & prefixMask(prefix), prefix };
}

const prefixMask = (prefix: number): bigint => (MASK_128 << BigInt(128 - prefix)) & MASK_128;

export const inRange = (a: Addr, r: Range): boolean => (a.value & prefixMask(r.prefix)) === r.net;

export const inAnyRange = (a: Addr | null, ranges: readonly Range[]): boolean => a !== null && ranges.some((r) => inRange(a, r));
