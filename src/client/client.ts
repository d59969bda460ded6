// clawgate's protocol client, shared by the CLI, agent tools, channels, tests and benchmarks.
// It multiplexes requests over any FrameChannel (a WebSocket, or the in-process transport).
import type { ErrorShape } from '../protocol/error-codes.js';
import type { EventFrame, ReqFrame, ResFrame, CancelFrame } from '../protocol/frames.js';

/** A bidirectional frame pipe; the client owns request ids and matching. */
export interface FrameChannel {
  send(frame: ReqFrame | CancelFrame): void;
  setReceiver(onFrame: (frame: ResFrame | EventFrame) => void, onClose: (code: number, reason: string) => void): void;
  close(): void;
}

export class GatewayRequestError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;
  readonly shape: ErrorShape;
  constructor(shape: ErrorShape) {
    super(shape.message);
    this.name = 'GatewayRequestError';
    this.code = shape.code;
    this.details = shape.details;
    this.shape = shape;
  }
}

export class GatewayClosedError extends Error {
  readonly closeCode: number;
  readonly closeReason: string;
  constructor(code: number, reason: string) {
    super(`gateway closed (${code}): ${reason || 'no reason'}`);
    this.name = 'GatewayClosedError';
    this.closeCode = code;
    this.closeReason = reason;
  }
}

export interface RequestOptions {
  timeoutMs?: number;
  /** Skip intermediate `res` frames (e.g. `agent`'s accepted ack) and resolve with the final one. */
  expectFinal?: boolean;
  onAck?: (payload: unknown) => void;
  /** Resolve with the accepted ack and ignore the final frame (fire-and-track, e.g. sessions_spawn). */
  resolveOnAck?: boolean;
  signal?: AbortSignal;
}

interface Pending { resolve(v: unknown): void; reject(e: Error): void; opts: RequestOptions; timer?: NodeJS.Timeout | undefined }

let seq = 0;

export class GatewayClient {
  private readonly pending = new Map<string, Pending>();
  private readonly listeners = new Map<string, Set<(payload: unknown, frame: EventFrame) => void>>();
  /** How the channel closed; the error is built only when something is rejected with it (a stack trace is not free). */
  private closedBy: { code: number; reason: string; error?: GatewayClosedError } | undefined;
  private readonly prefix = `${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`;

  constructor(private readonly channel: FrameChannel, readonly hello?: unknown) {
    channel.setReceiver((f) => this.onFrame(f), (code, reason) => this.onClose(code, reason));
  }

  get closed(): boolean { return this.closedBy !== undefined; }

  private closedError(): GatewayClosedError {
    const c = this.closedBy!;
    return (c.error ??= new GatewayClosedError(c.code, c.reason));
  }

  request<T = unknown>(method: string, params: unknown = {}, opts: RequestOptions = {}): Promise<T> {
    if (this.closedBy) return Promise.reject(this.closedError());
    const id = `${this.prefix}-${(++seq).toString(36)}`;
    return new Promise<T>((resolve, reject) => {
      const p: Pending = { resolve: resolve as (v: unknown) => void, reject, opts };
      if (opts.timeoutMs) {
        p.timer = setTimeout(() => {
          this.pending.delete(id);
          reject(new GatewayRequestError({ code: 'AGENT_TIMEOUT', message: `${method} timed out after ${opts.timeoutMs} ms` }));
        }, opts.timeoutMs);
      }
      if (opts.signal) {
        opts.signal.addEventListener('abort', () => {
          if (!this.pending.delete(id)) return;
          clearTimeout(p.timer);
          try { this.channel.send({ type: 'cancel', id }); } catch { /* closing */ }
          reject(opts.signal!.reason instanceof Error ? opts.signal!.reason : new Error('aborted'));
        }, { once: true });
      }
      this.pending.set(id, p);
      this.channel.send({ type: 'req', id, method, params });
    });
  }

  on(event: string, cb: (payload: unknown, frame: EventFrame) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(cb);
    return () => { set!.delete(cb); };
  }

  close(): void { this.channel.close(); }

  private onFrame(f: ResFrame | EventFrame): void {
    if (f.type === 'event') {
      for (const cb of this.listeners.get(f.event) ?? []) cb(f.payload, f);
      for (const cb of this.listeners.get('*') ?? []) cb(f.payload, f);
      return;
    }
    const p = this.pending.get(f.id);
    if (!p) return;
    if (f.ok && isAck(f.payload) && !p.opts.resolveOnAck) {
      p.opts.onAck?.(f.payload);
      if (p.opts.expectFinal) return;
    }
    this.pending.delete(f.id);
    clearTimeout(p.timer);
    if (f.ok) p.resolve(f.payload);
    else p.reject(new GatewayRequestError(f.error ?? { code: 'UNAVAILABLE', message: 'request failed' }));
  }

  private onClose(code: number, reason: string): void {
    this.closedBy = { code, reason };
    for (const p of this.pending.values()) { clearTimeout(p.timer); p.reject(this.closedError()); }
    this.pending.clear();
    for (const cb of this.listeners.get('close') ?? []) cb({ code, reason }, { type: 'event', event: 'close' });
  }
}

const isAck = (payload: unknown): boolean =>
  typeof payload === 'object' && payload !== null && (payload as { status?: unknown }).status === 'accepted';
