// Builds the configured channels once at startup and gives main.ts one handle for them:
// start all, stop all, and the `channels` / `channelOrder` fields of `health`.
import type { FrozenConfig } from '../config/load.js';
import type { Dialer } from '../rpc/in-process.js';
import type { Logger } from '../util/log.js';
import { disabledChannel, type Channel, type ChannelStatus } from './channel.js';

export interface ChannelSet {
  start(): void;
  stop(): Promise<void>;
  health(): { channels: Record<string, ChannelStatus>; channelOrder: string[] };
}

/** The Slack SDKs are imported only when Slack is enabled: they cost ~25 MB and ~200 ms to load. */
export async function createChannels(config: FrozenConfig, deps: { dial: Dialer; log: Logger }): Promise<ChannelSet> {
  const list: Channel[] = [];
  const slack = config.channels.slack;
  if (slack?.enabled) {
    const { createSlackChannel } = await import('./slack/index.js');
    list.push(createSlackChannel(slack, { dial: deps.dial, log: deps.log.child({ channel: 'slack' }) }));
  } else if (slack) {
    list.push(disabledChannel('slack'));
  }
  return {
    start() { for (const c of list) c.start(); },
    async stop() { await Promise.allSettled(list.map((c) => c.stop())); },
    health: () => ({ channels: Object.fromEntries(list.map((c) => [c.name, c.status()])), channelOrder: list.map((c) => c.name) }),
  };
}
