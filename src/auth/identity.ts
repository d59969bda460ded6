// Identity header bytes and name comparison. Node hands header values over as Latin-1 (one
// char per byte), while authentik and oauth2-proxy send the IdP's UTF-8 user name as raw
// bytes, so `jürgen` arrives as `jÃ¼rgen`. Values that are valid UTF-8 are decoded; invalid
// byte sequences are refused (their own reason code). Names compare after NFC and case folding.

const FATAL_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The identity text of a header value as Node exposes it: ASCII as is, other byte strings
 * decoded as UTF-8, or null when they are not valid UTF-8. A value holding characters above
 * U+00FF did not come from the HTTP parser (in-process callers) and is taken as text already.
 */
export function decodeHeaderText(value: string): string | null {
  if (/^[\x00-\x7f]*$/.test(value) || /[^\x00-\xff]/.test(value)) return value;
  try { return FATAL_UTF8.decode(Buffer.from(value, 'latin1')); } catch { return null; }
}

/**
 * The form names are compared in: NFC, then full case folding approximated as upper- then
 * lower-casing (so `ß`/`SS`/`ẞ`, `ﬁ`/`FI` and `ς`/`Σ` meet), then NFC again.
 */
export const foldName = (name: string): string => name.normalize('NFC').toUpperCase().toLowerCase().normalize('NFC');
