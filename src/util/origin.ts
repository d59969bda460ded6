// Browser origins in canonical form, so config entries and Origin headers compare as values:
// scheme and host lower-cased, IDN hosts as punycode, IPv6 compressed, default ports dropped
// (the WHATWG URL serialisation browsers use for Origin). Also subdomain wildcard patterns
// (`https://*.tail14a6bf.ts.net`) with exact semantics. Pure; used by config rules and the gate.

/** Characters no origin contains; WHATWG URL would silently drop or reinterpret some of them. */
const FORBIDDEN = /[\s\p{Cc}\\]/u;
const WILDCARD_LABEL = 'x--clawgate-wildcard';

export interface OriginParts { readonly scheme: 'http' | 'https'; readonly host: string; readonly port: string }

/** Parses a serialised origin (`scheme://host[:port]`, trailing slashes allowed); null for anything else. */
export function originParts(text: string): OriginParts | null {
  // scheme "://" authority, then nothing but slashes (URL would resolve "/." or "/x/.." away)
  if (FORBIDDEN.test(text) || !/^https?:\/\/[^/?#]+\/*$/i.test(text)) return null;
  let u: URL;
  try { u = new URL(text); } catch { return null; }
  if (u.username !== '' || u.password !== '' || text.includes('?') || text.includes('#') || !/^\/+$/.test(u.pathname)) return null;
  // the authority as written must be all there is before the slashes (no "@", no empty port)
  const authority = /^https?:\/\/([^/]*)/i.exec(text)![1]!;
  if (authority.includes('@') || authority.endsWith(':')) return null;
  return { scheme: u.protocol === 'https:' ? 'https' : 'http', host: u.hostname, port: u.port };
}

/** The canonical text of an origin (what a browser sends), or null when `text` is not one. */
export function canonicalOrigin(text: string): string | null {
  const p = originParts(text);
  return p ? `${p.scheme}://${p.host}${p.port ? `:${p.port}` : ''}` : null;
}

const LOOPBACK_HOST = /^(?:localhost|127(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}|\[::1\])$/;

/** A canonical origin whose host is `localhost`, 127.0.0.0/8 or [::1]. */
export const isLoopbackOriginHost = (p: OriginParts): boolean => LOOPBACK_HOST.test(p.host);

export interface WildcardOrigin { readonly scheme: 'http' | 'https'; readonly suffix: string; readonly port: string }

/**
 * A wildcard entry: `*` as the whole left-most label of an http(s) origin, followed by at least
 * two labels of a domain name (not an IP address). Returns why not, as a fix, when it is not one.
 */
export function parseWildcardOrigin(text: string): WildcardOrigin | string {
  const m = /^(https?:\/\/)\*\.([^/]*)(\/*)$/i.exec(text);
  if (!m) return 'a wildcard must be "*." at the start of the host, e.g. "https://*.example.com"';
  const p = originParts(`${m[1]}${WILDCARD_LABEL}.${m[2]}${m[3]}`);
  if (!p || !p.host.startsWith(`${WILDCARD_LABEL}.`)) return 'is not a valid origin after the "*." (scheme, host and optional port only)';
  const suffix = p.host.slice(WILDCARD_LABEL.length + 1);
  if (suffix.includes('*')) return 'may contain only one "*", as the whole left-most label';
  if (suffix.split('.').length < 2 || /^[\d.]+$/.test(suffix)) return 'needs a domain of at least two labels after "*." (e.g. "https://*.example.com"), never a top-level domain or an address';
  return { scheme: p.scheme, suffix, port: p.port };
}

/** `*` stands for exactly one DNS label, as in a TLS wildcard certificate; scheme and port must be equal. */
export function wildcardMatches(w: WildcardOrigin, p: OriginParts): boolean {
  if (p.scheme !== w.scheme || p.port !== w.port || !p.host.endsWith(`.${w.suffix}`)) return false;
  const label = p.host.slice(0, -(w.suffix.length + 1));
  return label !== '' && !label.includes('.') && !label.startsWith('[');
}
