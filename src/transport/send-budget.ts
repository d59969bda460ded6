// Outbound memory bounds. Each connection's unwritten bytes (what its socket still holds in
// user space, `ws.bufferedAmount`) are observed at every send and every write completion, and
// summed across connections. A connection may hold at most `perConnection` bytes behind the
// oldest frame not yet written (one large response can always go out); when the total passes
// `total`, the connection with the most bytes behind its current frame is evicted as a slow
// consumer — the one not reading, not the ones that are.

export interface SendBudgetLimits {
  /** Bytes one connection may hold behind the frame being written. */
  readonly perConnection: number;
  /** Bytes all connections together may hold unwritten. */
  readonly total: number;
}

export interface OutboundQueue {
  /** Before sending a frame of `bytes`: false when the connection is over its own cap (the caller closes it). */
  admit(bytes: number): boolean;
  /** After the frame was handed to the socket: false when this connection was evicted to keep the total in bounds. */
  sent(): boolean;
  /** The oldest sent frame has been written out (or dropped with the socket). */
  written(): void;
  /** The connection is closing: its bytes no longer count. Idempotent. */
  release(): void;
  /** Unwritten bytes as last observed. */
  readonly pendingBytes: number;
}

export interface SendBudget {
  /** One queue per connection: `measure` reads its unwritten bytes, `evict` closes it as a slow consumer. */
  open(measure: () => number, evict: () => void): OutboundQueue;
  readonly totalBytes: number;
  readonly connections: number;
}

class Queue implements OutboundQueue {
  /** Sizes of frames sent and not yet reported written, oldest first. */
  private sizes: number[] = [];
  private head = 0;
  pendingBytes = 0;
  released = false;
  private admitted = 0;

  constructor(private readonly budget: Budget, private readonly measure: () => number, readonly evict: () => void) {}

  /** Bytes held behind the oldest frame not yet written. */
  get behind(): number { return Math.max(0, this.pendingBytes - (this.sizes[this.head] ?? 0)); }

  private observe(): void {
    const now = this.measure();
    this.budget.totalBytes += now - this.pendingBytes;
    this.pendingBytes = now;
  }

  admit(bytes: number): boolean {
    if (this.released) return false;
    this.observe();
    this.admitted = bytes;
    return this.pendingBytes === 0 || this.behind + bytes <= this.budget.limits.perConnection;
  }

  sent(): boolean {
    if (this.released) return false;
    this.sizes.push(this.admitted);
    this.observe();
    if (this.budget.totalBytes > this.budget.limits.total) this.budget.shed();
    return !this.released;
  }

  written(): void {
    if (this.released) return;
    if (this.head < this.sizes.length) this.head++;
    if (this.head === this.sizes.length) { this.sizes = []; this.head = 0; }
    else if (this.head > 1024) { this.sizes = this.sizes.slice(this.head); this.head = 0; }
    this.observe();
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.budget.totalBytes -= this.pendingBytes;
    this.pendingBytes = 0;
    this.sizes = [];
    this.budget.queues.delete(this);
  }
}

class Budget implements SendBudget {
  readonly queues = new Set<Queue>();
  totalBytes = 0;
  constructor(readonly limits: SendBudgetLimits) {}

  get connections(): number { return this.queues.size; }

  open(measure: () => number, evict: () => void): OutboundQueue {
    const q = new Queue(this, measure, evict);
    this.queues.add(q);
    return q;
  }

  /** Evicts the worst offenders until the total fits again (only runs when over budget). */
  shed(): void {
    while (this.totalBytes > this.limits.total) {
      let worst: Queue | undefined;
      for (const q of this.queues) {
        if (q.pendingBytes === 0) continue;
        if (!worst || q.behind > worst.behind || (q.behind === worst.behind && q.pendingBytes > worst.pendingBytes)) worst = q;
      }
      if (!worst) return;
      worst.release();
      worst.evict();
    }
  }
}

export function createSendBudget(limits: SendBudgetLimits): SendBudget {
  return new Budget(limits);
}
