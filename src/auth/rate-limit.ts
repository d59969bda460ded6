// Failed-credential limiter: N failures per window per key, then a lockout. Keys are the
// client key (the resolved client IP; IPv6 by prefix), so behind a proxy each client is
// limited, not the proxy. A gateway-wide failure budget on top slows guessing spread over many
// addresses: once globalMaxAttempts failures fall within windowMs, clients that have not
// succeeded recently share one attempt per windowMs/globalMaxAttempts, while keys that
// recently proved the secret are never held back by it (nor by other clients' failures).

export interface RateLimitOptions {
  maxAttempts: number; windowMs: number; lockoutMs: number;
  /** Gateway-wide failures per windowMs before unknown clients are rationed; absent = no budget. */
  globalMaxAttempts?: number | undefined;
  now?: () => number; maxKeys?: number;
}

export interface RateLimiter {
  /** Milliseconds until `key` may try again, or 0 when it may try now. */
  blockedFor(key: string): number;
  recordFailure(key: string): void;
  recordSuccess(key: string): void;
}

interface Entry { failures: number[]; lockedUntil: number }

/** How long a key that proved the secret is exempt from the gateway-wide budget. */
export const KNOWN_GOOD_MS = 24 * 60 * 60_000;

export function createRateLimiter(opts: RateLimitOptions): RateLimiter {
  const now = opts.now ?? Date.now;
  const maxKeys = opts.maxKeys ?? 100_000;
  const entries = new Map<string, Entry>();
  const prune = (e: Entry, t: number) => {
    while (e.failures.length > 0 && e.failures[0]! <= t - opts.windowMs) e.failures.shift();
  };
  // gateway-wide budget: the times of the last G failures, the next rationed slot, and the keys that recently succeeded
  const budget = opts.globalMaxAttempts;
  const recent: number[] = [];
  let nextSlot = 0;
  const knownGood = new Map<string, number>();
  const overBudget = (t: number): boolean => {
    while (recent.length > 0 && recent[0]! <= t - opts.windowMs) recent.shift();
    return budget !== undefined && recent.length >= budget;
  };
  const isKnownGood = (key: string, t: number): boolean => {
    const at = knownGood.get(key);
    if (at !== undefined && t - at >= KNOWN_GOOD_MS) knownGood.delete(key);
    return at !== undefined && t - at < KNOWN_GOOD_MS;
  };
  return {
    blockedFor(key) {
      const t = now();
      const e = entries.get(key);
      if (e) {
        if (e.lockedUntil > t) return e.lockedUntil - t;
        prune(e, t);
        if (e.failures.length === 0 && e.lockedUntil <= t) entries.delete(key);
      }
      if (budget === undefined || !overBudget(t) || isKnownGood(key, t)) return 0;
      if (t < nextSlot) return nextSlot - t;
      nextSlot = t + Math.ceil(opts.windowMs / budget);
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
      if (budget !== undefined) { recent.push(t); if (recent.length > budget) recent.shift(); }
    },
    recordSuccess(key) {
      const t = now();
      const e = entries.get(key);
      if (e && e.lockedUntil <= t) entries.delete(key);
      if (budget === undefined) return;
      knownGood.delete(key);
      if (knownGood.size >= maxKeys) knownGood.delete(knownGood.keys().next().value!);
      knownGood.set(key, t);
    },
  };
}
