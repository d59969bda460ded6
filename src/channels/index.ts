// Builds the configured channels once at startup and gives main.ts one handle for them:
// start all, stop all, and the `channels` / `channelOrder` fields of `health`.
import type { FrozenConfig } from '../config/load.js';
import type { Dialer } from '../rpc/in-process.js';
import type { Logger } from '../util/log.js';
import { disabledChannel, type Channel, type ChannelStatus } from './channel.js';
import { createSlackChannel } from './slack/index.js';

export interface ChannelSet {
  start(): void;
  stop(): Promise<void>;
  health(): { channels: Record<string, ChannelStatus>; channelOrder: string[] };
}

export function createChannels(config: FrozenConfig, deps: { dial: Dialer; log: Logger }): ChannelSet {
  const list: Channel[] = [];
  const slack = config.channels.slack;
  if (slack) list.push(slack.enabled ? createSlackChannel(slack, { dial: deps.dial, log: deps.log.child({ channel: 'slack' }) }) : disabledChannel('slack'));
  return {
    start() { for (const c of list) c.start(); },
    async stop() { await Promise.allSettled(list.map((c) => c.stop())); },
    health: () => ({ channels: Object.fromEntries(list.map((c) => [c.name, c.status()])), channelOrder: list.map((c) => c.name) }),
  };
}
