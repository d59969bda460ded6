// Events about sessions in OpenClaw's names and shapes: `sessions.changed` (the session list,
// for connections that called sessions.subscribe) and `session.message` (one transcript entry,
// for connections that called sessions.messages.subscribe with that key). Both name their owner
// and a topic, so the bus delivers them only to that owner's subscribed connections and to
// subscribed operator.admin connections (events.ts, subscriptions.ts); an event without an owner
// reaches nobody.
import type { MessageRow, SessionRow, Store } from '../store/types.js';
import type { EventBus } from './events.js';
import { boundWireMessage } from './history.js';
import { toWireSession } from './session-row.js';

/**
 * The largest transcript entry a `session.message` event carries, in bytes of JSON; a bigger one
 * is cut with the same visible marker as chat.history (`truncated: true`) and is read whole,
 * paged, with chat.history.
 */
export const SESSION_MESSAGE_MAX_BYTES = 64 * 1024;

/** Why a session changed: a run was accepted (`created` for a new session), ended, or a lifecycle method acted on it. */
export type SessionChangeReason = 'created' | 'run' | 'ended' | 'message' | 'patch' | 'reset' | 'compact' | 'delete';

const agentOfKey = (key: string): string | undefined => /^agent:([^:]+):/.exec(key)?.[1];

/** The session's row, or undefined when it is gone or the database cannot be read (the event goes out without it). */
export function readRow(store: Pick<Store, 'getSession'>, owner: string, sessionKey: string): SessionRow | undefined {
  try { return store.getSession(owner, sessionKey); } catch { return undefined; }
}

/**
 * `sessions.changed` for one of `owner`'s sessions. Keyed changes carry the row as sessions.list
 * shows it; a delete carries the removed generation's `sessionId` and no row, as OpenClaw's.
 */
export function publishSessionChanged(
  bus: EventBus, owner: string, sessionKey: string, reason: SessionChangeReason, row: SessionRow | undefined, extra: Readonly<Record<string, string | number>> = {},
): void {
  const route = { event: 'sessions.changed', scope: 'operator.read', owner, topic: { kind: 'sessions' } } as const;
  if (!bus.hasAudience(route)) return;
  bus.publish({
    ...route,
    payload: {
      sessionKey, agentId: row?.agentId ?? agentOfKey(sessionKey), reason, ts: Date.now(),
      ...(reason === 'delete' ? {} : { spawnedBy: row?.spawnedBy ?? null }),
      ...extra, ...(row && reason !== 'delete' ? { session: toWireSession(row) } : {}),
    },
  });
}

/**
 * `session.message` for one new transcript entry of `owner`'s session, shaped as chat.history
 * shows it and bounded to SESSION_MESSAGE_MAX_BYTES. Subscribers of the session list hear of it
 * as `sessions.changed` (reason `message`, the row only), so the list stays current without
 * every transcript body going to every list.
 */
export function publishSessionMessage(bus: EventBus, owner: string, m: MessageRow, row: SessionRow | undefined): void {
  const route = { event: 'session.message', scope: 'operator.read', owner, topic: { kind: 'session', sessionKey: m.sessionKey } } as const;
  // The bounded body is built only when a connection follows this session.
  if (bus.hasAudience(route)) {
    const { message } = boundWireMessage(m, SESSION_MESSAGE_MAX_BYTES);
    const session = row ? toWireSession(row) : undefined;
    bus.publish({
      ...route,
      payload: {
        sessionKey: m.sessionKey, agentId: row?.agentId ?? agentOfKey(m.sessionKey), message,
        messageId: String(m.id), messageSeq: m.id, ...(m.runId ? { runId: m.runId } : {}), ...(session ? { session } : {}),
      },
    });
  }
  publishSessionChanged(bus, owner, m.sessionKey, 'message', row, { messageId: String(m.id), messageSeq: m.id });
}
