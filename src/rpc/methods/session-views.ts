// The session methods OpenClaw's Control UI and TUI call besides sessions.list: subscriptions
// (sessions.subscribe with its initial list, sessions.messages.subscribe), sessions.describe,
// and the views clawgate has no feature for (branches, companion), answered empty.
//
// Subscriptions are acknowledged, not filtered: clawgate sends `sessions.changed`, `chat` and
// `agent` events to every connection holding operator.read (docs/protocol.md#events), so a
// subscriber already receives everything these subscriptions ask for.
import { any, bool, obj, optional, record, str } from '../../protocol/schema.js';
import { defineMethod, type CallContext, type MethodDef } from '../registry.js';
import { callerOwner } from '../owner.js';
import type { SessionReader } from '../context.js';
import { toWireSession } from './sessions.js';

const sessionKey = str({ min: 1, max: 500 });
const agentId = optional(str({ min: 1, max: 64 }));
/** Params of methods whose options clawgate has nothing to apply to. */
const anyParams = record(any());

export interface SessionViewDeps {
  readonly store: SessionReader;
  /** sessions.list itself (its params schema and handler), for sessions.subscribe's initial list. */
  readonly list: (ctx: CallContext, params: Record<string, unknown>) => unknown;
}

export function sessionViewMethods(deps: SessionViewDeps): MethodDef[] {
  const { store } = deps;
  return [
    defineMethod({
      name: 'sessions.subscribe',
      params: anyParams,
      // `{}` is the acknowledgment only; list params also return the first page (OpenClaw's bootstrap).
      handle: async (ctx, p) => (Object.keys(p).length === 0 ? { subscribed: true } : { subscribed: true, list: await deps.list(ctx, p) }),
    }),
    defineMethod({ name: 'sessions.unsubscribe', params: anyParams, handle: () => ({ subscribed: false }) }),
    defineMethod({
      name: 'sessions.messages.subscribe',
      params: obj({ key: sessionKey, agentId, includeApprovals: optional(bool()) }),
      // clawgate has no approvals, so the replay is complete and empty.
      handle: (_ctx, p) => ({ subscribed: true, key: p.key, ...(p.includeApprovals ? { approvalReplay: { approvals: [], truncated: false } } : {}) }),
    }),
    defineMethod({
      name: 'sessions.messages.unsubscribe',
      params: obj({ key: sessionKey, agentId }),
      handle: (_ctx, p) => ({ subscribed: false, key: p.key }),
    }),
    defineMethod({
      name: 'sessions.describe',
      params: obj({ key: sessionKey, agentId }),
      handle: (ctx, p) => {
        const s = store.getSession(callerOwner(ctx), p.key);
        return { session: s ? toWireSession(s) : null };
      },
    }),
    defineMethod({
      name: 'sessions.observer.visibility',
      params: obj({ visible: bool(), sessionKey: optional(sessionKey) }),
      handle: () => ({ ok: true }),
    }),
    // No transcript branches (rewind) and no companion threads in clawgate.
    defineMethod({ name: 'sessions.branches.list', params: anyParams, handle: () => ({ branches: [] }) }),
    defineMethod({
      name: 'sessions.companion.state',
      params: anyParams,
      handle: (_ctx, p) => ({ sessionKey: typeof p.sessionKey === 'string' ? p.sessionKey : null, turns: [], busy: false }),
    }),
  ];
}
