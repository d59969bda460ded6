// What a connection sees of the gateway's state: the hello-ok payload (built mostly once) and
// the coalesced `presence` broadcast. Presence lists are capped: with thousands of clients the
// full list in every hello-ok and broadcast would make connecting quadratic.
import type { FrozenConfig } from '../config/load.js';
import type { HelloOk } from '../protocol/connect.js';
import { PROTOCOL_VERSION } from '../protocol/frames.js';
import type { EventBus } from './events.js';
import type { Presence, PresenceEntry } from './presence.js';
import { hasScope, type Scope } from '../protocol/scopes.js';

export const GATEWAY_EVENTS = ['connect.challenge', 'tick', 'presence', 'shutdown', 'agent', 'chat', 'sessions.changed', 'session.message'];
const PRESENCE_LIMIT = 200;
const HELLO_PRESENCE_LIMIT = 20;
const PRESENCE_COALESCE_MS = 250;

/** Capabilities follow from the registered methods, so a capability is never advertised without them. */
export function capabilitiesOf(methods: readonly string[]): string[] {
  return methods.includes('models.list') ? ['published-model-catalog'] : [];
}

const snapshotOf = (presence: Presence, limit: number) => presence.list().slice(-limit).map(({ connId: _c, ...e }) => e);

/** An entry's wire JSON (without its connId), built once per entry: entries do not change once added. */
const entryJson = new WeakMap<PresenceEntry, string>();
function presenceEntryJson(entry: PresenceEntry): string {
  let text = entryJson.get(entry);
  if (text === undefined) {
    const { connId: _c, ...e } = entry;
    text = JSON.stringify(e);
    entryJson.set(entry, text);
  }
  return text;
}

export interface HelloBuilder {
  /** The hello-ok payload. */
  payload(accepted: { scopes: readonly string[] }, connId: string): HelloOk;
  /**
   * The `res` frame answering `connect` request `requestId` with that payload, as JSON text: the
   * same text as JSON.stringify(resOk(requestId, payload(…))), built from parts serialised once
   * (features, policy, each presence entry) instead of serialising ~2-6 KB per handshake.
   */
  frame(requestId: string, accepted: { scopes: readonly string[] }, connId: string): string;
}

export function createHelloBuilder(deps: { config: FrozenConfig; methods: readonly string[]; presence: Presence; version: string; startedAt: number; now?: () => number }): HelloBuilder {
  const g = deps.config.gateway;
  const now = deps.now ?? Date.now;
  const defaultAgent = deps.config.agents.list.find((a) => a.default) ?? deps.config.agents.list[0];
  // The parts that never change are built once.
  const features = { methods: [...deps.methods], events: [...GATEWAY_EVENTS], capabilities: capabilitiesOf(deps.methods) };
  const policy = { maxPayload: g.limits.maxPayload, maxBufferedBytes: g.limits.maxBufferedBytes, tickIntervalMs: g.limits.tickIntervalMs };
  const sessionDefaults = { defaultAgentId: defaultAgent?.id ?? 'main', mainKey: 'main', mainSessionKey: `agent:${defaultAgent?.id ?? 'main'}:main` };
  // The newest few (system-presence has the rest); other people's addresses and devices need read.
  const seesPresence = (scopes: readonly string[]) => hasScope(scopes as Scope[], 'operator.read');
  const head = `{"type":"hello-ok","protocol":${PROTOCOL_VERSION},"server":{"version":${JSON.stringify(deps.version)},"connId":`;
  const afterConnId = `},"features":${JSON.stringify(features)},"snapshot":{"presence":`;
  const afterUptime = `,"sessionDefaults":${JSON.stringify(sessionDefaults)},"authMode":${JSON.stringify(g.auth.mode)}},"auth":{"role":"operator","scopes":`;
  const tail = `},"policy":${JSON.stringify(policy)}}`;
  return {
    payload: (accepted, connId) => ({
      type: 'hello-ok',
      protocol: PROTOCOL_VERSION,
      server: { version: deps.version, connId },
      features,
      snapshot: {
        presence: seesPresence(accepted.scopes) ? snapshotOf(deps.presence, HELLO_PRESENCE_LIMIT) : [],
        health: {},
        stateVersion: { presence: deps.presence.version, health: 0 },
        uptimeMs: now() - deps.startedAt,
        sessionDefaults,
        authMode: g.auth.mode,
      },
      auth: { role: 'operator', scopes: [...accepted.scopes] },
      policy,
    }),
    frame(requestId, accepted, connId) {
      const presence = seesPresence(accepted.scopes) ? deps.presence.list().slice(-HELLO_PRESENCE_LIMIT).map(presenceEntryJson).join(',') : '';
      return `{"type":"res","id":${JSON.stringify(requestId)},"ok":true,"payload":${head}${JSON.stringify(connId)}${afterConnId}[${presence}],"health":{},"stateVersion":{"presence":${deps.presence.version},"health":0},"uptimeMs":${now() - deps.startedAt}${afterUptime}${JSON.stringify(accepted.scopes)}${tail}}`;
    },
  };
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
