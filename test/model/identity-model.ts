// Reference model of identity header bytes (docs/auth.md "trusted-proxy mode", step 6), written
// from RFC 3629 and the docs, never from src/: a byte-by-byte UTF-8 decoder (no TextDecoder),
// and the documented name comparison (NFC, case folding as upper- then lower-casing, NFC).

/** Header text as Node exposes it: one char per byte. Returns the decoded text, or null for invalid UTF-8. */
export function modelDecodeIdentity(value: string): string | null {
  const units = Array.from(value, (c) => c.charCodeAt(0));
  if (units.some((u) => u > 0xff) || units.every((u) => u < 0x80)) return value;
  const out: number[] = [];
  for (let i = 0; i < units.length;) {
    const b = units[i]!;
    let need: number, cp: number, min: number;
    if (b < 0x80) { out.push(b); i++; continue; }
    if (b >= 0xc2 && b <= 0xdf) { need = 1; cp = b & 0x1f; min = 0x80; }
    else if (b >= 0xe0 && b <= 0xef) { need = 2; cp = b & 0x0f; min = 0x800; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; cp = b & 0x07; min = 0x10000; }
    else return null; // continuation byte first, C0/C1 (overlong), or F5..FF
    for (let k = 1; k <= need; k++) {
      const c = units[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return null;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return null; // overlong, too large, surrogate
    out.push(cp);
    i += need + 1;
  }
  return String.fromCodePoint(...out);
}

/** UTF-8 bytes of `text`, one char per byte (what the wire carries, as Node shows it). */
export function utf8AsHeader(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const bytes = cp < 0x80 ? [cp]
      : cp < 0x800 ? [0xc0 | (cp >> 6), 0x80 | (cp & 63)]
      : cp < 0x10000 ? [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)]
      : [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
    out += String.fromCharCode(...bytes);
  }
  return out;
}

/** "Names are compared after Unicode normalization (NFC) and case folding." */
export const modelFold = (s: string): string => s.normalize('NFC').toUpperCase().toLowerCase().normalize('NFC');
