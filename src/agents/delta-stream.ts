// Coalesces a model's text deltas into few events: the first piece goes out at once, later
// pieces are held until `intervalMs` has passed since the last flush or `maxChars` are pending.
// Each flush carries only the new text, so streaming a reply of n characters costs O(n).

export interface DeltaStreamOptions {
  /** Longest a piece waits after the previous flush. */
  readonly intervalMs: number;
  /** Pending characters that force a flush at once. */
  readonly maxChars: number;
}

export const DELTA_STREAM_DEFAULTS: DeltaStreamOptions = { intervalMs: 50, maxChars: 16 * 1024 };

export interface DeltaStream {
  push(delta: string): void;
  /** Sends whatever is pending now (before tool calls, the final event or an error). */
  flush(): void;
  /** Flushes and stops the timer; later pushes are ignored. */
  close(): void;
}

export function createDeltaStream(emit: (delta: string) => void, opts: DeltaStreamOptions = DELTA_STREAM_DEFAULTS, now: () => number = Date.now): DeltaStream {
  let pending = '';
  let last = -Infinity;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const flush = () => {
    if (timer) { clearTimeout(timer); timer = undefined; }
    if (pending.length === 0) return;
    const text = pending;
    pending = '';
    last = now();
    emit(text);
  };

  return {
    push(delta) {
      if (closed || delta.length === 0) return;
      pending += delta;
      const waited = now() - last;
      if (pending.length >= opts.maxChars || waited >= opts.intervalMs) { flush(); return; }
      timer ??= setTimeout(flush, opts.intervalMs - waited);
    },
    flush,
    close() { flush(); closed = true; },
  };
}
