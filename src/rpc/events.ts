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

export type Subscriber = {
  readonly connId: string;
  readonly scopes: readonly Scope[];
  /** Owner the connection acts for (rpc/owner.ts); null for the gateway's own observers (metrics), which see every owner's events. */
  readonly owner: string | null;
  /**
   * Decides on topical events, owner included (an operator.admin subscriber may take other
   * owners' ones it subscribed to). Without it a subscriber gets no topical event.
   */
  wants?(e: BusEvent): boolean;
  deliver(e: BusEvent): void;
};

export interface EventBus {
  publish(e: BusEvent): void;
  subscribe(s: Subscriber): () => void;
  readonly subscriberCount: number;
}

/** Events about someone's runs and sessions: delivered only with an owner, never broadcast (fail closed). */
export const OWNED_EVENTS: ReadonlySet<string> = new Set(['agent', 'chat', 'sessions.changed', 'session.message', 'session.tool']);

export function createEventBus(): EventBus {
  const subs = new Set<Subscriber>();
  return {
    publish(e) {
      if (e.owner === undefined && OWNED_EVENTS.has(e.event)) return;
      for (const s of subs) {
        if (e.connId !== undefined && e.connId !== s.connId) continue;
        if (e.scope !== undefined && !hasScope(s.scopes, e.scope)) continue;
        if (e.topic !== undefined) { if (s.wants?.(e) !== true) continue; }
        else if (e.owner !== undefined && s.owner !== null && e.owner !== s.owner) continue;
        s.deliver(e);
      }
    },
    subscribe(s) { subs.add(s); return () => { subs.delete(s); }; },
    get subscriberCount() { return subs.size; },
  };
}
