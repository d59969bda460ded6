// Failed-credential limiter: N failures per window per key, then a lockout. Keys are the
// resolved client IP, so behind a proxy each client is limited, not the proxy.

export interface RateLimitOptions { maxAttempts: number; windowMs: number; lockoutMs: number; now?: () => number; maxKeys?: number }

export interface RateLimiter {
  /** Milliseconds until `key` may try again, or 0 when it may try now. */
  blockedFor(key: string): number;
  recordFailure(key: string): void;
  recordSuccess(key: string): void;
}

interface Entry { failures: number[]; lockedUntil: number }

export function createRateLimiter(opts: RateLimitOptions): RateLimiter {
  const now = opts.now ?? Date.now;
  const maxKeys = opts.maxKeys ?? 100_000;
  const entries = new Map<string, Entry>();
  const prune = (e: Entry, t: number) => {
    while (e.failures.length > 0 && e.failures[0]! <= t - opts.windowMs) e.failures.shift();
  };
  return {
    blockedFor(key) {
      const e = entries.get(key);
      if (!e) return 0;
      const t = now();
      if (e.lockedUntil > t) return e.lockedUntil - t;
      prune(e, t);
      if (e.failures.length === 0 && e.lockedUntil <= t) entries.delete(key);
      return 0;
    },
    recordFailure(key) {
      const t = now();
      let e = entries.get(key);
      if (!e) {
        if (entries.size >= maxKeys) entries.delete(entries.keys().next().value!); // bounded memory: drop the oldest key
        e = { failures: [], lockedUntil: 0 };
        entries.set(key, e);
      }
      prune(e, t);
      e.failures.push(t);
      if (e.failures.length >= opts.maxAttempts) { e.lockedUntil = t + opts.lockoutMs; e.failures = []; }
    },
    recordSuccess(key) {
      const e = entries.get(key);
      if (e && e.lockedUntil <= now()) entries.delete(key);
    },
  };
}
