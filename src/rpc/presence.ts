// Who is connected: one entry per authenticated connection, as OpenClaw's PresenceEntry.
export interface PresenceEntry {
  connId: string;
  host?: string;
  ip?: string;
  version?: string;
  platform?: string;
  deviceFamily?: string;
  mode?: string;
  instanceId?: string;
  reason: 'connect';
  text: string;
  ts: number;
  roles: string[];
  scopes: string[];
}

export interface Presence {
  /** An entry is not changed once added (hello.ts serialises each one once). */
  add(e: PresenceEntry): void;
  remove(connId: string): void;
  list(): PresenceEntry[];
  readonly version: number;
  readonly size: number;
}

export function createPresence(): Presence {
  const entries = new Map<string, PresenceEntry>();
  let version = 0;
  return {
    add(e) { entries.set(e.connId, e); version++; },
    remove(connId) { if (entries.delete(connId)) version++; },
    list: () => [...entries.values()],
    get version() { return version; },
    get size() { return entries.size; },
  };
}
