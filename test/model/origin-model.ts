// Reference model of browser origins and the Origin gate (docs/auth.md "Origin gate for
// browsers"), written from the docs and RFC 6454 / the WHATWG origin serialisation, never from
// src/. Origins are matched by one regular grammar; IPv6 text by test/model/ip-model.ts; only
// the UTS #46 mapping of internationalised names is delegated (node's url.domainToASCII).
// interpretation: numeric hosts other than strict dotted quads (`127.1`, `0x7f.1`) are outside
// the model (the generators never produce them).
import { domainToASCII } from 'node:url';
import { parseV4Bits, parseV6Bits } from './ip-model.js';

export interface ModelOrigin { readonly scheme: string; readonly host: string; readonly port: string; readonly text: string }

const GRAMMAR = /^(https?):\/\/(\[[^\]/?#@]*\]|[^:/?#@[\]]+)(?::([0-9]*))?\/*$/i;
const DEFAULT_PORT: Record<string, string> = { http: '80', https: '443' };

/** RFC 5952 text of a 128-bit value, no embedded IPv4 (as the WHATWG serialiser writes it). */
function v6Text(v: bigint): string {
  const g: number[] = [];
  for (let i = 7; i >= 0; i--) g.push(Number((v >> BigInt(16 * i)) & 0xffffn));
  let best = -1, len = 0;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i >= 2 && j - i > len) { best = i; len = j - i; }
    i = j === i ? i + 1 : j;
  }
  const hex = g.map((x) => x.toString(16));
  return best < 0 ? hex.join(':') : `${hex.slice(0, best).join(':')}::${hex.slice(best + len).join(':')}`;
}

export function modelCanonicalOrigin(text: string): ModelOrigin | null {
  if (/[\s\u0000-\u001f\u007f-\u009f\\]/.test(text)) return null;
  const m = GRAMMAR.exec(text);
  if (!m) return null;
  const scheme = m[1]!.toLowerCase();
  let port = m[3];
  if (port === '') return null;
  if (port !== undefined) {
    if (Number(port) > 65535) return null;
    port = String(Number(port));
    if (port === DEFAULT_PORT[scheme]) port = undefined;
  }
  const raw = m[2]!;
  let host: string;
  if (raw.startsWith('[')) {
    const v = parseV6Bits(raw.slice(1, -1));
    if (v === null) return null;
    host = `[${v6Text(v)}]`;
  } else if (parseV4Bits(raw) !== null) {
    host = raw;
  } else {
    host = domainToASCII(raw);
    if (host === '') return null;
  }
  const p = port ?? '';
  return { scheme, host, port: p, text: `${scheme}://${host}${p ? `:${p}` : ''}` };
}

export function modelIsLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '[::1]') return true;
  const v = parseV4Bits(host);
  return v !== null && v >> 24n === 127n;
}

/** `scheme://*.domain[:port]`: `*` is exactly one label; scheme and port must be equal. */
export function modelWildcardMatches(entry: string, o: ModelOrigin): boolean {
  const m = /^(https?:\/\/)\*\.(.*)$/i.exec(entry);
  if (!m) return false;
  const base = modelCanonicalOrigin(`${m[1]}${'x'}.${m[2]}`);
  if (!base || base.scheme !== o.scheme || base.port !== o.port) return false;
  const suffix = base.host.slice(2);
  if (suffix.split('.').length < 2 || suffix.includes('*')) return false;
  if (!o.host.endsWith(`.${suffix}`)) return false;
  const label = o.host.slice(0, o.host.length - suffix.length - 1);
  return label.length > 0 && !label.includes('.');
}

export interface ModelGateIngress {
  readonly origins: readonly string[];
  readonly host: string | undefined;
  readonly proven: boolean;
  readonly headers: readonly (readonly [string, string])[];
}

/** The request's own origin: http://Host, or https when a proven proxy says so in one X-Forwarded-Proto. */
export function modelOwnOrigin(ingress: ModelGateIngress): ModelOrigin | null {
  if (ingress.host === undefined) return null;
  const protos = ingress.proven ? ingress.headers.filter(([n]) => n.toLowerCase() === 'x-forwarded-proto').map(([, v]) => v.trim().toLowerCase()) : [];
  const scheme = protos.length === 1 && (protos[0] === 'https' || protos[0] === 'http') ? protos[0] : 'http';
  return modelCanonicalOrigin(`${scheme}://${ingress.host.trim()}`);
}

export function modelOriginGate(allowedOrigins: readonly string[], ingress: ModelGateIngress, isBrowser: boolean): boolean {
  if (ingress.origins.length === 0) return !isBrowser;
  if (ingress.origins.length !== 1) return false;
  const o = modelCanonicalOrigin(ingress.origins[0]!);
  if (!o) return false;
  for (const entry of allowedOrigins) {
    if (entry.includes('*') ? modelWildcardMatches(entry, o) : modelCanonicalOrigin(entry)?.text === o.text) return true;
  }
  return modelIsLoopbackHost(o.host) && modelOwnOrigin(ingress)?.text === o.text;
}
