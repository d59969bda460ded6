// Constant-time secret comparison and secret generation: the one place both live.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Compares two secrets in time independent of where they differ (digests equalise lengths). */
export function secretEquals(given: string | undefined | null, expected: string): boolean {
  if (typeof given !== 'string') return false;
  // UTF-16 code units, not UTF-8: UTF-8 maps every lone surrogate to U+FFFD, which would let
  // different strings compare equal.
  const a = createHash('sha256').update(Buffer.from(given, 'utf16le')).digest();
  const b = createHash('sha256').update(Buffer.from(expected, 'utf16le')).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/**
 * A URL-safe random secret with `bytes` bytes of entropy (default 32), prefixed so it never
 * starts with "-" (which CLIs would read as a flag) and secret scanners can spot it.
 */
export const newSecret = (bytes = 32): string => `cg_${randomBytes(bytes).toString('base64url')}`;
