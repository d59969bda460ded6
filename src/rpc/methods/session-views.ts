// The session methods OpenClaw's Control UI and TUI call besides sessions.list: subscriptions
// (sessions.subscribe with its initial list, sessions.messages.subscribe), sessions.describe,
// and the views clawgate has no feature for (branches, companion), answered empty.
//
// Subscriptions are per connection (rpc/subscriptions.ts): sessions.subscribe turns on
// `sessions.changed` for the caller's own sessions (every owner's for operator.admin), and
// sessions.messages.subscribe {key} turns on `session.message` for one session of the caller's
// (or, for operator.admin, of the `owner` it names). Nothing is sent for what was not asked.
import { any, bool, obj, optional, record, str } from '../../protocol/schema.js';
import { RpcError } from '../../protocol/error-codes.js';
import { defineMethod, type CallContext, type MethodDef } from '../registry.js';
import { callerOwner, readOwner } from '../owner.js';
import type { SessionReader } from '../context.js';
import { toWireSession } from './sessions.js';

const sessionKey = str({ min: 1, max: 500 });
const agentId = optional(str({ min: 1, max: 64 }));
/** clawgate's: whose session to follow; another owner's only with operator.admin (NOT_OWNER otherwise). */
const owner = optional(str({ min: 1, max: 400 }));
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
      // `{}` is the acknowledgment only; list params also return the first page (OpenClaw's
      // bootstrap). The subscription is on before the list is read, so no change falls between;
      // a refused list (bad params, store down) leaves it as it was before the call.
      handle: async (ctx, p) => {
        const subs = ctx.subscriptions;
        const before = subs?.sessionsOn ?? false;
        subs?.setSessions(true);
        if (Object.keys(p).length === 0) return { subscribed: true };
        try {
          return { subscribed: true, list: await deps.list(ctx, p) };
        } catch (err) {
          subs?.setSessions(before);
          throw err;
        }
      },
    }),
    defineMethod({
      name: 'sessions.unsubscribe',
      params: anyParams,
      handle: (ctx) => { ctx.subscriptions?.setSessions(false); return { subscribed: false }; },
    }),
    defineMethod({
      name: 'sessions.messages.subscribe',
      params: obj({ key: sessionKey, agentId, owner, includeApprovals: optional(bool()) }),
      handle: (ctx, p) => {
        const whose = readOwner(ctx, p.owner);
        // A subagent key names a session only its spawner's owner has; it cannot be followed ahead.
        if (p.key.includes(':subagent:') && !store.getSession(whose, p.key)) {
          throw new RpcError('INVALID_REQUEST', `no session ${JSON.stringify(p.key.slice(0, 200))}`, { details: { code: 'NOT_FOUND' } });
        }
        ctx.subscriptions?.followSession(whose, p.key);
        // clawgate has no approvals, so the replay is complete and empty.
        return { subscribed: true, key: p.key, ...(p.includeApprovals ? { approvalReplay: { approvals: [], truncated: false } } : {}) };
      },
    }),
    defineMethod({
      name: 'sessions.messages.unsubscribe',
      params: obj({ key: sessionKey, agentId, owner }),
      handle: (ctx, p) => {
        ctx.subscriptions?.unfollowSession(p.owner ?? callerOwner(ctx), p.key);
        return { subscribed: false, key: p.key };
      },
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
