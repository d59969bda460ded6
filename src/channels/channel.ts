// The Channel interface: an adapter that brings people from a chat service to the gateway
// (through the in-process client only) and reports its connection state for `health`.

export type ChannelState = 'disabled' | 'connecting' | 'connected' | 'reconnecting' | 'failed';

export interface ChannelStatus {
  readonly state: ChannelState;
  /** What went wrong most recently; cleared once connected. Never contains a secret. */
  readonly lastError?: string;
  /** When the channel entered this state (ms since epoch). */
  readonly since: number;
}

export interface Channel {
  readonly name: string;
  /** Begins connecting in the background; never waits for the service and never throws. */
  start(): void;
  /** Disconnects; no new work is accepted afterwards. */
  stop(): Promise<void>;
  status(): ChannelStatus;
}

/** A configured but disabled channel: reported in health, never connects. */
export function disabledChannel(name: string, now = Date.now()): Channel {
  const status: ChannelStatus = { state: 'disabled', since: now };
  return { name, start() {}, stop: async () => {}, status: () => status };
}

/** Holds a channel's status and logs nothing itself; transitions are the adapter's to log. */
export function statusCell(initial: ChannelState = 'connecting'): { get(): ChannelStatus; set(state: ChannelState, lastError?: string): void } {
  let status: ChannelStatus = { state: initial, since: Date.now() };
  return {
    get: () => status,
    set(state, lastError) {
      const since = state === status.state ? status.since : Date.now();
      status = lastError === undefined ? { state, since } : { state, lastError, since };
    },
  };
}
