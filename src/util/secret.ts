// Constant-time secret comparison and secret generation: the one place both live.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Compares two secrets in time independent of where they differ (digests equalise lengths). */
export function secretEquals(given: string | undefined | null, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/**
 * A URL-safe random secret with `bytes` bytes of entropy (default 32), prefixed so it never
 * starts with "-" (which CLIs would read as a flag) and secret scanners can spot it.
 */
export const newSecret = (bytes = 32): string => `cg_${randomBytes(bytes).toString('base64url')}`;
