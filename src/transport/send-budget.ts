// Outbound memory bounds. Every frame handed to a socket is counted until the socket has
// written it out, per connection and across all connections. A connection may queue at most
// `perConnection` bytes behind the frame it is writing (one large response can always go
// out); when the total passes `total`, the connection with the most bytes queued behind its
// current frame is evicted as a slow consumer — the one not reading, not the ones that are.

export interface SendBudgetLimits {
  /** Bytes one connection may queue behind the frame being written. */
  readonly perConnection: number;
  /** Bytes all connections together may hold unwritten. */
  readonly total: number;
}

export interface OutboundQueue {
  /**
   * Counts a frame about to be written. False when the frame must not be sent: the connection
   * is over its own cap (the caller closes it) or was evicted to keep the total in bounds.
   */
  admit(bytes: number): boolean;
  /** The oldest admitted frame has been written out (or dropped with the socket). */
  written(): void;
  /** The connection is closing: its bytes no longer count. Idempotent. */
  release(): void;
  readonly pendingBytes: number;
}

export interface SendBudget {
  /** One queue per connection; `evict` closes it as a slow consumer. */
  open(evict: () => void): OutboundQueue;
  readonly totalBytes: number;
  readonly connections: number;
}

class Queue implements OutboundQueue {
  private sizes: number[] = [];
  private head = 0;
  pendingBytes = 0;
  released = false;

  constructor(private readonly budget: Budget, readonly evict: () => void) {}

  /** Bytes queued behind the frame being written. */
  get behind(): number { return this.pendingBytes - (this.sizes[this.head] ?? 0); }

  admit(bytes: number): boolean {
    if (this.released) return false;
    if (this.pendingBytes > 0 && this.behind + bytes > this.budget.limits.perConnection) return false;
    this.sizes.push(bytes);
    this.pendingBytes += bytes;
    this.budget.totalBytes += bytes;
    if (this.budget.totalBytes > this.budget.limits.total) this.budget.shed();
    return !this.released;
  }

  written(): void {
    if (this.released || this.head >= this.sizes.length) return;
    const n = this.sizes[this.head++]!;
    this.pendingBytes -= n;
    this.budget.totalBytes -= n;
    if (this.head === this.sizes.length) { this.sizes = []; this.head = 0; }
    else if (this.head > 1024) { this.sizes = this.sizes.slice(this.head); this.head = 0; }
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

  open(evict: () => void): OutboundQueue {
    const q = new Queue(this, evict);
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
