// Caps on authenticated connections per client IP and per principal. Pre-auth connections
// are capped separately (http.ts); a slot is taken once `connect` succeeds and freed on close.

export interface ConnectionSlotLimits {
  readonly maxConnectionsPerIp: number;
  readonly maxConnectionsPerPrincipal: number;
}

export type SlotDecision =
  | { readonly ok: true; readonly release: () => void }
  | { readonly ok: false; readonly limit: keyof ConnectionSlotLimits; readonly max: number };

export interface ConnectionSlots {
  take(clientIp: string, principal: string): SlotDecision;
}

export function createConnectionSlots(limits: ConnectionSlotLimits): ConnectionSlots {
  const byIp = new Map<string, number>();
  const byPrincipal = new Map<string, number>();
  const dec = (m: Map<string, number>, k: string) => {
    const n = (m.get(k) ?? 1) - 1;
    if (n <= 0) m.delete(k); else m.set(k, n);
  };
  return {
    take(clientIp, principal) {
      if ((byIp.get(clientIp) ?? 0) >= limits.maxConnectionsPerIp) return { ok: false, limit: 'maxConnectionsPerIp', max: limits.maxConnectionsPerIp };
      if ((byPrincipal.get(principal) ?? 0) >= limits.maxConnectionsPerPrincipal) return { ok: false, limit: 'maxConnectionsPerPrincipal', max: limits.maxConnectionsPerPrincipal };
      byIp.set(clientIp, (byIp.get(clientIp) ?? 0) + 1);
      byPrincipal.set(principal, (byPrincipal.get(principal) ?? 0) + 1);
      let released = false;
      return { ok: true, release: () => { if (released) return; released = true; dec(byIp, clientIp); dec(byPrincipal, principal); } };
    },
  };
}
