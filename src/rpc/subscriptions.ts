// What one connection asked to hear about (OpenClaw's sessions.subscribe and
// sessions.messages.subscribe): the session list of its owner, and the transcripts of chosen
// sessions. The state lives and dies with the connection's RpcSession; the bus asks it about
// every topical event (events.ts), so a connection that subscribed to nothing hears nothing.
import { RpcError } from '../protocol/error-codes.js';
import type { EventRoute } from './events.js';

/** Most sessions one connection follows with sessions.messages.subscribe (docs/protocol.md#limits-and-close-codes). */
export const MAX_MESSAGE_SUBSCRIPTIONS = 100;

/** Who a subscriber is: the owner it acts for, and whether it may watch every owner (operator.admin). */
export interface Watcher {
  readonly owner: string;
  readonly seesEveryOwner: boolean;
}

export interface ConnectionSubscriptions {
  /** sessions.subscribe / sessions.unsubscribe. */
  setSessions(on: boolean): void;
  /** Whether sessions.subscribe is on. */
  readonly sessionsOn: boolean;
  /**
   * Follows one owner's session transcript; idempotent. Throws TOO_MANY_SUBSCRIPTIONS past the
   * cap. The caller has checked that the watcher may read `owner`'s sessions.
   */
  followSession(owner: string, sessionKey: string): void;
  /** Stops following; false when it was not followed. */
  unfollowSession(owner: string, sessionKey: string): boolean;
  readonly followed: number;
  /** Whether a topical event is for this connection: subscribed, and about an owner it may see. */
  accepts(e: EventRoute): boolean;
}

const keyOf = (owner: string, sessionKey: string): string => `${owner}\u0000${sessionKey}`;

export function createConnectionSubscriptions(w: Watcher, max = MAX_MESSAGE_SUBSCRIPTIONS): ConnectionSubscriptions {
  let sessions = false;
  const followed = new Set<string>();
  return {
    setSessions(on) { sessions = on; },
    get sessionsOn() { return sessions; },
    followSession(owner, sessionKey) {
      const k = keyOf(owner, sessionKey);
      if (followed.has(k)) return;
      if (followed.size >= max) {
        throw new RpcError('INVALID_REQUEST', `this connection already follows ${max} sessions (the most one connection may); unsubscribe from one first`, {
          details: { code: 'TOO_MANY_SUBSCRIPTIONS', limit: max },
        });
      }
      followed.add(k);
    },
    unfollowSession(owner, sessionKey) { return followed.delete(keyOf(owner, sessionKey)); },
    get followed() { return followed.size; },
    accepts(e) {
      const t = e.topic;
      // Fail closed: a topical event names its owner, and only that owner (or an admin) hears it.
      if (t === undefined || e.owner === undefined) return false;
      if (e.owner !== w.owner && !w.seesEveryOwner) return false;
      if (t.kind === 'sessions') return sessions;
      return followed.has(keyOf(e.owner, t.sessionKey));
    },
  };
}
