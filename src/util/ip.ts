// IP address normalisation and CIDR matching (IPv4, IPv6, IPv4-mapped IPv6) on top of
// node's net.BlockList. Pure; used by config validation and by ingress attribution.
import { BlockList, isIP } from 'node:net';

export interface NormalizedIp { ip: string; family: 4 | 6 }

/**
 * Canonical form of an address: IPv4-mapped IPv6 (dotted or hex) becomes dotted IPv4, other
 * IPv6 becomes RFC 5952 text (so one host has one spelling), zone ids and brackets go.
 */
export function normalizeIp(raw: string | undefined | null): NormalizedIp | null {
  if (!raw) return null;
  let s = raw.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  s = s.toLowerCase();
  const fam = isIP(s);
  if (fam === 4) return { ip: s, family: 4 };
  if (fam !== 6) return null;
  const groups = expandIpv6(s);
  if (!groups) return null;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const hi = groups[6]!, lo = groups[7]!;
    return { ip: `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, family: 4 };
  }
  return { ip: compressIpv6(groups), family: 6 };
}

/** The eight 16-bit groups of an IPv6 address that node's isIP already accepted. */
function expandIpv6(s: string): number[] | null {
  let text = s;
  const lastColon = text.lastIndexOf(':');
  const tailPart = text.slice(lastColon + 1);
  if (tailPart.includes('.')) {
    const o = tailPart.split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  const groups = all.map((g) => parseInt(g, 16));
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

/** RFC 5952 text: lower-case hex without leading zeros; the longest run of two or more zero groups (the first on a tie) becomes "::". */
function compressIpv6(groups: readonly number[]): string {
  const full = groups.map((g) => g.toString(16)).join(':');
  let longest: RegExpExecArray | undefined;
  for (const m of full.matchAll(/(?:^|:)0(?::0)+(?::|$)/g)) if (!longest || m[0].length > longest[0].length) longest = m;
  return longest ? `${full.slice(0, longest.index)}::${full.slice(longest.index + longest[0].length)}` : full;
}

export interface Cidr { ip: string; family: 4 | 6; prefix: number; text: string }

/** Parses "addr" or "addr/prefix"; returns null when either part is invalid. */
export function parseCidr(entry: string): Cidr | null {
  const [addr, prefixText, extra] = entry.trim().split('/');
  if (extra !== undefined || !addr) return null;
  const n = normalizeIp(addr);
  if (!n) return null;
  const max = n.family === 4 ? 32 : 128;
  let prefix = max;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText)) return null;
    prefix = Number(prefixText);
    // A mapped IPv6 prefix (::ffff:10.0.0.0/104) maps onto the IPv4 space.
    if (n.family === 4 && isIP(addr.replace(/^\[|\]$/g, '')) === 6) prefix -= 96;
    if (prefix < 0 || prefix > max) return null;
  }
  return { ip: n.ip, family: n.family, prefix, text: entry.trim() };
}

export interface IpMatcher { matches(ip: string | undefined | null): boolean; readonly size: number }

export function createIpMatcher(cidrs: readonly Cidr[]): IpMatcher {
  const list = new BlockList();
  for (const c of cidrs) list.addSubnet(c.ip, c.prefix, c.family === 4 ? 'ipv4' : 'ipv6');
  return {
    size: cidrs.length,
    matches(ip) {
      const n = normalizeIp(ip);
      return n !== null && cidrs.length > 0 && list.check(n.ip, n.family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/**
 * The key pre-auth caps and failure limits count a client under: an IPv4 address (and ::1) as
 * is, any other IPv6 address by its /`ipv6Prefix` network, since one subscriber usually holds
 * a whole /64. (Rotating 127.x addresses is caught by the gateway-wide failure budget.)
 */
export function clientKey(ip: string, ipv6Prefix = 64): string {
  const n = normalizeIp(ip);
  if (!n) return ip;
  if (n.family === 4 || ipv6Prefix >= 128 || n.ip === '::1') return n.ip;
  const groups = expandIpv6(n.ip)!;
  const masked = groups.map((g, i) => {
    const bits = Math.max(0, Math.min(16, ipv6Prefix - i * 16));
    return bits === 0 ? 0 : g & ((0xffff << (16 - bits)) & 0xffff);
  });
  return `${compressIpv6(masked)}/${ipv6Prefix}`;
}

const LOOPBACK = createIpMatcher([parseCidr('127.0.0.0/8')!, parseCidr('::1/128')!]);

export const isLoopbackIp = (ip: string | undefined | null): boolean => LOOPBACK.matches(ip);

/** Whether a CIDR overlaps the loopback range (so a loopback-bound gateway can see it). */
export const cidrCoversLoopback = (c: Cidr): boolean =>
  c.family === 4 ? (c.prefix <= 8 ? createIpMatcher([c]).matches('127.0.0.1') : isLoopbackIp(c.ip)) : createIpMatcher([c]).matches('::1');
