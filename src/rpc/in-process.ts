// The in-process transport: a FrameChannel that feeds frames straight into an RpcSession —
// the same router and scope checks as a socket, with no socket, no serialisation and no
// handshake. Only code handed a Dialer (built in main.ts) can open one, so nothing outside
// the process can reach it, and the configured auth mode never applies to it.
import type { CancelFrame, EventFrame, ReqFrame, ResFrame } from '../protocol/frames.js';
import type { FrameChannel } from '../client/client.js';
import { GatewayClient } from '../client/client.js';
import type { CallerContext, Router } from './registry.js';
import type { EventBus } from './events.js';
import { createRpcSession } from './session.js';

export type Dialer = (caller: CallerContext, opts?: { events?: boolean }) => GatewayClient;

/** `maxResponseBytes`: the same response bound as sockets get (maxPayload), so tools see what any client would. */
export function createInProcessDialer(getRouter: () => Router, bus: EventBus, opts: { maxResponseBytes?: number } = {}): Dialer {
  const limit = opts.maxResponseBytes;
  return (caller, opts = {}) => {
    let onFrame: (f: ResFrame | EventFrame) => void = () => {};
    let onClose: (code: number, reason: string) => void = () => {};
    let open = true;
    const session = createRpcSession(caller, getRouter(), bus, {
      // Deliver on a microtask so callers see the same ordering as with a socket.
      send: (f) => { if (open) queueMicrotask(() => onFrame(f)); },
    }, { events: opts.events ?? false, ...(limit === undefined ? {} : { maxResponseBytes: limit }) });
    const channel: FrameChannel = {
      send(frame: ReqFrame | CancelFrame) {
        if (!open) throw new Error('in-process channel closed');
        if (frame.type === 'cancel') session.cancel(frame.id);
        else session.handle(frame);
      },
      setReceiver(f, c) { onFrame = f; onClose = c; },
      close() {
        if (!open) return;
        open = false;
        session.close();
        queueMicrotask(() => onClose(1000, 'closed'));
      },
    };
    return new GatewayClient(channel);
  };
}
