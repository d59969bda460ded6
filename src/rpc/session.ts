// An authenticated RPC endpoint, independent of transport: it dispatches `req` frames through
// the router and forwards bus events, writing frames to a sink. WebSocket connections and the
// in-process transport both wrap one of these, so both get the same router and scope checks.
import { errorShape, type ErrorShape } from '../protocol/error-codes.js';
import { eventFrame, resErr, resOk, type EventFrame, type ReqFrame, type ResFrame } from '../protocol/frames.js';
import type { CallerContext, Router } from './registry.js';
import type { EventBus } from './events.js';
import { guardResponse, type GuardedResponse } from './response-guard.js';
import { callerOwner, seesEveryOwner } from './owner.js';
import { createConnectionSubscriptions } from './subscriptions.js';

export interface FrameSink {
  send(frame: ResFrame | EventFrame): void;
  /** Reports a frame that could not be sent (logged); `fatal` asks to close this connection. */
  fail?(err: unknown, fatal: boolean): void;
  /**
   * Optional fast path for broadcast events on text transports: the payload arrives already
   * serialised (once per event, shared by every subscriber), so a broadcast to N clients costs
   * one JSON.stringify of the payload rather than N.
   */
  sendSerializedEvent?(event: string, payloadJson: string, seq: number | undefined): void;
  /** Text transports take `res` frames already serialised (the size guard had to serialise them anyway). */
  sendText?(text: string): void;
}

export interface RpcSessionOptions {
  events?: boolean;
  /** The largest `res` frame sent (the advertised maxPayload); a bigger one becomes a RESPONSE_TOO_LARGE error. */
  maxResponseBytes?: number;
  /** Told when a response was replaced by an error (for the log). */
  onRefused?: (info: { id: string; refused: NonNullable<GuardedResponse['refused']> }) => void;
}

const serialized = new WeakMap<object, string>();
/** The JSON text of a bus event's payload, computed once per event object. */
export function payloadJson(e: { payload: unknown }): string {
  let text = serialized.get(e);
  if (text === undefined) { text = JSON.stringify(e.payload) ?? 'null'; serialized.set(e, text); }
  return text;
}

export interface RpcSession {
  readonly caller: CallerContext;
  handle(frame: ReqFrame): void;
  cancel(id: string): void;
  close(): void;
  readonly inFlight: number;
}

export function createRpcSession(caller: CallerContext, router: Router, bus: EventBus, sink: FrameSink, opts: RpcSessionOptions = {}): RpcSession {
  const inFlight = new Map<string, AbortController>();
  // A sink that takes objects (in-process) needs no text: a response whose size is known is not serialised.
  const guardOpts = { text: sink.sendText !== undefined };
  const respond = (frame: ResFrame) => {
    const g = guardResponse(frame, opts.maxResponseBytes ?? Infinity, guardOpts);
    if (g.refused) opts.onRefused?.({ id: frame.id, refused: g.refused });
    if (sink.sendText && g.text !== undefined) sink.sendText(g.text); else sink.send(g.frame);
  };
  let seq = 0;
  let closed = false;
  const events = opts.events !== false;
  const subscriptions = events ? createConnectionSubscriptions({ owner: callerOwner(caller), seesEveryOwner: seesEveryOwner(caller) }) : undefined;
  const unsubscribe = !subscriptions ? () => {} : bus.subscribe({
    connId: caller.connId,
    scopes: caller.scopes,
    owner: callerOwner(caller),
    wants: (e) => subscriptions.accepts(e),
    deliver(e) {
      if (closed) return;
      const n = e.connId === undefined ? ++seq : undefined;
      // One event that cannot be sent is skipped for this subscriber; it never reaches the publisher.
      try {
        if (sink.sendSerializedEvent && e.payload !== undefined) sink.sendSerializedEvent(e.event, payloadJson(e), n);
        else sink.send(eventFrame(e.event, e.payload, n));
      } catch (err) { sink.fail?.(err, false); }
    },
  });
  return {
    caller,
    get inFlight() { return inFlight.size; },
    handle(frame) {
      if (closed) return;
      const ac = new AbortController();
      // A duplicate in-flight id is allowed (the client's problem), but only the latest can be cancelled.
      inFlight.set(frame.id, ac);
      const ack = (payload: unknown) => { if (!closed) respond(resOk(frame.id, payload)); };
      const reply = (r: Awaited<ReturnType<Router['dispatch']>>) => {
        if (inFlight.get(frame.id) === ac) inFlight.delete(frame.id);
        if (closed) return;
        // A reply that cannot be serialised or sent (a cycle, a BigInt, a dead socket) costs this
        // request an error reply; if even that fails, this connection — never the process.
        try {
          respond(r.ok ? resOk(frame.id, r.payload) : resErr(frame.id, r.error as ErrorShape, r.payload));
        } catch (err) {
          try { respond(resErr(frame.id, errorShape('UNAVAILABLE', 'the response could not be sent', { details: { code: 'INTERNAL_ERROR' }, retryable: false }))); sink.fail?.(err, false); }
          catch (again) { sink.fail?.(again, true); }
        }
      };
      void router.dispatch({ ...caller, ack, signal: ac.signal, ...(subscriptions ? { subscriptions } : {}) }, frame)
        .catch((): Awaited<ReturnType<Router['dispatch']>> => ({ ok: false, error: errorShape('UNAVAILABLE', 'internal error', { details: { code: 'INTERNAL_ERROR' }, retryable: true }) }))
        .then(reply);
    },
    cancel(id) { inFlight.get(id)?.abort(new Error('cancelled')); },
    close() {
      if (closed) return;
      closed = true;
      unsubscribe();
      for (const ac of inFlight.values()) ac.abort(new Error('disconnected'));
      inFlight.clear();
    },
  };
}
