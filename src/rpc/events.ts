// The gateway's event bus. Publishers name the scope an event needs; each subscriber
// (a connection) filters by its own scopes and numbers broadcast events with its own seq.
// Topical events (the session list, one session's transcript) reach only subscribers that
// asked for them (subscriptions.ts).
import { hasScope, type Scope } from '../protocol/scopes.js';

/** What a topical event is about: the session list (sessions.subscribe) or one session's transcript (sessions.messages.subscribe). */
export type EventTopic =
  | { readonly kind: 'sessions' }
  | { readonly kind: 'session'; readonly sessionKey: string };

export interface BusEvent {
  readonly event: string;
  readonly payload: unknown;
  /** Scope a subscriber needs; undefined means every authenticated connection gets it. */
  readonly scope?: Scope;
  /** When set, only this connection receives it (targeted events carry no seq). */
  readonly connId?: string;
  /** When set, only connections acting for this owner receive it: a person's runs are theirs. */
  readonly owner?: string;
  /** When set, only subscribers whose `wants` accepts it receive it (their subscriptions). */
  readonly topic?: EventTopic;
}

/** An event's routing fields: who may receive it; the payload is optional (not needed to route). */
export type EventRoute = Omit<BusEvent, 'payload'> & { readonly payload?: unknown };

export type Subscriber = {
  readonly connId: string;
  readonly scopes: readonly Scope[];
  /** Owner the connection acts for (rpc/owner.ts); null for the gateway's own observers (metrics), which see every owner's events. */
  readonly owner: string | null;
  /**
   * Decides on topical events, owner included (an operator.admin subscriber may take other
   * owners' ones it subscribed to). Without it a subscriber gets no topical event.
   */
  wants?(e: EventRoute): boolean;
  deliver(e: BusEvent): void;
};

export interface EventBus {
  publish(e: BusEvent): void;
  /**
   * Whether an event with these routing fields would reach any subscriber now; lets a publisher
   * skip building a payload nobody receives (the same rules as publish).
   */
  hasAudience(e: EventRoute): boolean;
  subscribe(s: Subscriber): () => void;
  readonly subscriberCount: number;
}

/** Events about someone's runs and sessions: delivered only with an owner, never broadcast (fail closed). */
export const OWNED_EVENTS: ReadonlySet<string> = new Set(['agent', 'chat', 'sessions.changed', 'session.message', 'session.tool']);

/** Whether `s` receives `e`: its connection, scope, subscriptions (topical events) or owner. */
function reaches(e: EventRoute, s: Subscriber): boolean {
  if (e.connId !== undefined && e.connId !== s.connId) return false;
  if (e.scope !== undefined && !hasScope(s.scopes, e.scope)) return false;
  if (e.topic !== undefined) return s.wants?.(e) === true;
  return e.owner === undefined || s.owner === null || e.owner === s.owner;
}

export function createEventBus(): EventBus {
  const subs = new Set<Subscriber>();
  const dropped = (e: EventRoute) => e.owner === undefined && OWNED_EVENTS.has(e.event);
  return {
    publish(e) {
      if (dropped(e)) return;
      for (const s of subs) if (reaches(e, s)) s.deliver(e);
    },
    hasAudience(e) {
      if (dropped(e)) return false;
      for (const s of subs) if (reaches(e, s)) return true;
      return false;
    },
    subscribe(s) { subs.add(s); return () => { subs.delete(s); }; },
    get subscriberCount() { return subs.size; },
  };
}
