// The session lifecycle OpenClaw's CLI and Control UI drive: sessions.patch (archive),
// sessions.delete and sessions.reset (sessions.compact: sessions-compact.ts), each on the caller's own sessions
// (docs/auth.md, "Teams"): a key names a session within the caller's owner. Every mutation can be pinned to the
// session it was decided on with `expectedSessionId` (a reset in between gives a new id), and
// aborts the session's live runs first where it removes or rewrites the transcript.
import { randomUUID } from 'node:crypto';
import { bool, literal, obj, optional, str } from '../../protocol/schema.js';
import { RpcError } from '../../protocol/error-codes.js';
import { defineMethod, type MethodDef } from '../registry.js';
import type { RunService } from '../context.js';
import { callerOwner } from '../owner.js';
import type { CallContext } from '../registry.js';
import type { SessionRow, Store } from '../../store/types.js';
import { toWireSession } from './sessions.js';
import type { EventBus } from '../events.js';
import { publishSessionChanged } from '../session-events.js';

export type LifecycleStore = Pick<Store, 'getSession' | 'deleteSession' | 'setSessionArchived' | 'resetSession'>;

const key = str({ min: 1, max: 500 });
export const target = { key, agentId: optional(str({ min: 1, max: 64 })), expectedSessionId: optional(str({ min: 1, max: 200 })) };

export function notFound(k: string): RpcError {
  return new RpcError('INVALID_REQUEST', `no session ${JSON.stringify(k.slice(0, 200))}`, { details: { code: 'NOT_FOUND' } });
}

/** The session named by the params, checked against agentId and expectedSessionId. */
export function find(store: Pick<Store, 'getSession'>, owner: string, p: { key: string; agentId?: string | undefined; expectedSessionId?: string | undefined }): SessionRow | undefined {
  const row = store.getSession(owner, p.key);
  if (!row) return undefined;
  if (p.agentId && row.agentId !== p.agentId) throw new RpcError('INVALID_REQUEST', `session ${p.key} belongs to agent "${row.agentId}", not "${p.agentId}"`, { details: { code: 'INVALID_PARAMS' } });
  if (p.expectedSessionId && row.sessionId !== p.expectedSessionId) {
    throw new RpcError('INVALID_REQUEST', `session ${p.key} changed (it was reset): expected sessionId ${p.expectedSessionId}, now ${row.sessionId}`, { details: { code: 'CONFLICT' } });
  }
  return row;
}

/** Every change is announced as `sessions.changed` to the owner's subscribed connections. */
export function sessionLifecycleMethods(runs: RunService, store: LifecycleStore, bus: EventBus): MethodDef[] {
  return [
    defineMethod({
      name: 'sessions.patch',
      params: obj({ ...target, archived: optional(bool()) }),
      handle: (ctx: CallContext, p) => {
        const owner = callerOwner(ctx);
        const row = find(store, owner, p);
        if (!row) throw notFound(p.key);
        let entry = row;
        if (p.archived !== undefined && (row.archivedAt !== null) !== p.archived) {
          if (p.archived && row.kind === 'main') throw new RpcError('INVALID_REQUEST', "cannot archive an agent's main session", { details: { code: 'INVALID_PARAMS' } });
          entry = store.setSessionArchived(owner, p.key, p.archived ? Date.now() : null) ?? row;
          publishSessionChanged(bus, owner, entry.key, 'patch', entry);
        }
        return { ok: true, key: entry.key, entry: toWireSession(entry) };
      },
    }),
    defineMethod({
      name: 'sessions.delete',
      params: obj({ ...target, deleteTranscript: optional(bool()), archivedOnly: optional(bool()) }),
      handle: (ctx: CallContext, p) => {
        const owner = callerOwner(ctx);
        const row = find(store, owner, p);
        if (row && p.archivedOnly && row.archivedAt === null) {
          throw new RpcError('INVALID_REQUEST', `session ${p.key} is not archived (archivedOnly)`, { details: { code: 'INVALID_PARAMS' } });
        }
        runs.abort(ctx, p.key);
        // The transcript lives in the session's rows: deleting the session deletes it.
        const deleted = row ? store.deleteSession(owner, p.key) : false;
        if (deleted && row) publishSessionChanged(bus, owner, p.key, 'delete', undefined, { sessionId: row.sessionId });
        return { ok: true, key: p.key, deleted, archived: [] as string[] };
      },
    }),
    defineMethod({
      name: 'sessions.reset',
      params: obj({ ...target, reason: optional(literal('new', 'reset')) }),
      handle: (ctx: CallContext, p) => {
        const owner = callerOwner(ctx);
        if (!find(store, owner, p)) throw notFound(p.key);
        runs.abort(ctx, p.key);
        const entry = store.resetSession(owner, p.key, randomUUID());
        if (!entry) throw notFound(p.key);
        publishSessionChanged(bus, owner, entry.key, 'reset', entry);
        return { ok: true, key: entry.key, entry: toWireSession(entry) };
      },
    }),
  ];
}
