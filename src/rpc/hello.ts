// What a connection sees of the gateway's state: the hello-ok payload (built mostly once) and
// the coalesced `presence` broadcast. Presence lists are capped: with thousands of clients the
// full list in every hello-ok and broadcast would make connecting quadratic.
import type { FrozenConfig } from '../config/load.js';
import type { HelloOk } from '../protocol/connect.js';
import { PROTOCOL_VERSION } from '../protocol/frames.js';
import type { EventBus } from './events.js';
import type { Presence } from './presence.js';
import { hasScope, type Scope } from '../protocol/scopes.js';

export const GATEWAY_EVENTS = ['connect.challenge', 'tick', 'presence', 'shutdown', 'agent', 'chat', 'sessions.changed'];
const PRESENCE_LIMIT = 200;
const HELLO_PRESENCE_LIMIT = 20;
const PRESENCE_COALESCE_MS = 250;

/** Capabilities follow from the registered methods, so a capability is never advertised without them. */
export function capabilitiesOf(methods: readonly string[]): string[] {
  return methods.includes('models.list') ? ['published-model-catalog'] : [];
}

const snapshotOf = (presence: Presence, limit: number) => presence.list().slice(-limit).map(({ connId: _c, ...e }) => e);

export function createHelloBuilder(deps: { config: FrozenConfig; methods: readonly string[]; presence: Presence; version: string; startedAt: number }) {
  const g = deps.config.gateway;
  const defaultAgent = deps.config.agents.list.find((a) => a.default) ?? deps.config.agents.list[0];
  // The parts that never change are built once.
  const features = { methods: [...deps.methods], events: GATEWAY_EVENTS, capabilities: capabilitiesOf(deps.methods) };
  const policy = { maxPayload: g.limits.maxPayload, maxBufferedBytes: g.limits.maxBufferedBytes, tickIntervalMs: g.limits.tickIntervalMs };
  const sessionDefaults = { defaultAgentId: defaultAgent?.id ?? 'main', mainKey: 'main', mainSessionKey: `agent:${defaultAgent?.id ?? 'main'}:main` };
  return (accepted: { scopes: readonly string[] }, connId: string): HelloOk => ({
    type: 'hello-ok',
    protocol: PROTOCOL_VERSION,
    server: { version: deps.version, connId },
    features,
    snapshot: {
      // The newest few (system-presence has the rest); other people's addresses and devices need read.
      presence: hasScope(accepted.scopes as Scope[], 'operator.read') ? snapshotOf(deps.presence, HELLO_PRESENCE_LIMIT) : [],
      health: {},
      stateVersion: { presence: deps.presence.version, health: 0 },
      uptimeMs: Date.now() - deps.startedAt,
      sessionDefaults,
      authMode: g.auth.mode,
    },
    auth: { role: 'operator', scopes: [...accepted.scopes] },
    policy,
  });
}

/** Broadcasts presence after changes, at most once per 250 ms, so a burst of connects is one event. */
export function createPresencePublisher(bus: EventBus, presence: Presence): { changed(): void; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  return {
    changed() {
      timer ??= setTimeout(() => {
        timer = undefined;
        bus.publish({ event: 'presence', scope: 'operator.read', payload: { presence: snapshotOf(presence, PRESENCE_LIMIT), stateVersion: { presence: presence.version, health: 0 } } });
      }, PRESENCE_COALESCE_MS);
      timer.unref();
    },
    stop() { clearTimeout(timer); },
  };
}
