// channels.status, and the one projection of clawgate's channel states into OpenClaw's
// per-account channel snapshot (shared with `health`). clawgate runs one account per channel.
import { bool, num, obj, optional, str } from '../../protocol/schema.js';
import { defineMethod, type MethodDef } from '../registry.js';

/** What a channel reports (channels/ implements it; rpc/ does not import channels/). */
export interface ChannelStatus { readonly state: string; readonly lastError?: string | undefined; readonly since: number }

export interface ChannelSource { (): { channels: Record<string, ChannelStatus>; channelOrder: string[] } }

const LABELS: Record<string, string> = { slack: 'Slack' };
export const DEFAULT_ACCOUNT = 'default';

/** OpenClaw's ChannelAccountSnapshot fields, plus clawgate's own `state` and `since`. */
export function accountSnapshot(st: ChannelStatus): Record<string, unknown> {
  const on = st.state !== 'disabled';
  return {
    accountId: DEFAULT_ACCOUNT,
    enabled: on,
    configured: true,
    running: on && st.state !== 'failed',
    connected: st.state === 'connected',
    ...(st.lastError !== undefined ? { lastError: st.lastError } : {}),
    healthState: st.state,
    lastConnectedAt: st.state === 'connected' ? st.since : null,
    state: st.state,
    since: st.since,
  };
}

/** health's `channels` section: each channel's default account, with `accounts` by id. */
export function healthChannels(source: ChannelSource): { channels: Record<string, unknown>; channelOrder: string[]; channelLabels: Record<string, string> } {
  const { channels, channelOrder } = source();
  const out: Record<string, unknown> = {};
  for (const name of channelOrder) {
    const snap = accountSnapshot(channels[name]!);
    out[name] = { ...snap, accounts: { [DEFAULT_ACCOUNT]: snap } };
  }
  return { channels: out, channelOrder, channelLabels: Object.fromEntries(channelOrder.map((n) => [n, LABELS[n] ?? n])) };
}

export function channelsMethods(source: ChannelSource): MethodDef[] {
  return [
    defineMethod({
      name: 'channels.status',
      params: obj({ probe: optional(bool()), timeoutMs: optional(num({ int: true, min: 0 })), channel: optional(str({ min: 1, max: 64 })) }),
      handle: (_ctx, p) => {
        const { channels, channelOrder } = source();
        const order = p.channel ? channelOrder.filter((n) => n === p.channel) : channelOrder;
        const summary: Record<string, unknown> = {};
        const accounts: Record<string, unknown[]> = {};
        for (const name of order) {
          const snap = accountSnapshot(channels[name]!);
          summary[name] = { configured: true, running: snap.running, connected: snap.connected, lastError: snap.lastError ?? null };
          accounts[name] = [snap];
        }
        return {
          ts: Date.now(),
          channelOrder: order,
          channelLabels: Object.fromEntries(order.map((n) => [n, LABELS[n] ?? n])),
          channels: summary,
          channelAccounts: accounts,
          channelDefaultAccountId: Object.fromEntries(order.map((n) => [n, DEFAULT_ACCOUNT])),
        };
      },
    }),
  ];
}
