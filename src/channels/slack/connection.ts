// The socket-mode connection: one SocketModeClient whose reconnects this module owns, so the
// state is always known — connecting → connected → reconnecting (with backoff) → connected,
// or failed when Slack rejects a token. The SDK's own auto-reconnect is off because it cannot
// tell a bad token from an outage and can leave an unhandled rejection behind.
import { SocketModeClient } from '@slack/socket-mode';
import type { Logger } from '../../util/log.js';
import { statusCell, type ChannelStatus } from '../channel.js';
import { describeSlackError } from './errors.js';
import { sdkLogger } from './sdk-logger.js';

/** What socket-mode hands to `slack_event` listeners: one envelope, acked with ack(). */
export interface SlackEnvelope {
  readonly ack: (response?: Record<string, unknown>) => Promise<void>;
  readonly envelope_id?: string;
  readonly type: string;
  readonly body?: unknown;
}

export interface SlackConnectionOptions {
  readonly appToken: string;
  readonly apiUrl?: string | undefined;
  readonly log: Logger;
  /** Runs before every connect attempt (the bot-token check); its errors count as connect errors. */
  readonly beforeConnect: () => Promise<void>;
  readonly onEnvelope: (envelope: SlackEnvelope) => void;
}

export interface SlackConnection {
  start(): void;
  stop(): Promise<void>;
  status(): ChannelStatus;
}

/** Delay before retry `attempt` (1-based): 0.5 s doubling to 30 s, ±20% jitter. */
export const backoffMs = (attempt: number, random = Math.random): number =>
  Math.round(Math.min(30_000, 500 * 2 ** (attempt - 1)) * (0.8 + 0.4 * random()));

const STOP_GRACE_MS = 2_000;

export function createSlackConnection(opts: SlackConnectionOptions): SlackConnection {
  const { log } = opts;
  const cell = statusCell('connecting');
  const client = new SocketModeClient({
    appToken: opts.appToken,
    logger: sdkLogger(log),
    autoReconnectEnabled: false,
    clientOptions: { ...(opts.apiUrl ? { slackApiUrl: opts.apiUrl } : {}), retryConfig: { retries: 0 }, timeout: 10_000 },
  });
  let stopped = false;
  let attempts = 0;
  let timer: NodeJS.Timeout | undefined;
  let lastSocketError: unknown;

  client.on('slack_event', (envelope: SlackEnvelope) => { if (!stopped) opts.onEnvelope(envelope); });
  client.on('error', (err: unknown) => { lastSocketError = err; });
  client.on('connected', () => {
    if (stopped) return;
    const wasRetrying = attempts > 0;
    attempts = 0;
    lastSocketError = undefined;
    cell.set('connected');
    log.info(wasRetrying ? 'slack reconnected' : 'slack connected');
  });
  client.on('disconnected', () => {
    // Failures before `hello` reject start() and are handled there; this is a live socket ending.
    if (stopped || cell.get().state !== 'connected') return;
    const { message } = describeSlackError(lastSocketError ?? new Error('connection closed by Slack'));
    lastSocketError = undefined;
    retry(message, 'slack connection lost; reconnecting');
  });

  function retry(message: string, logLine: string): void {
    attempts++;
    const delayMs = backoffMs(attempts);
    const first = cell.get().state !== 'reconnecting';
    cell.set('reconnecting', message);
    const fields = { error: message, retryInMs: delayMs, attempt: attempts };
    if (first) log.warn(logLine, fields); else log.debug(logLine, fields);
    timer = setTimeout(() => { void connect(); }, delayMs);
    timer.unref();
  }

  async function connect(): Promise<void> {
    timer = undefined;
    let step = 'the bot token (auth.test)';
    try {
      await opts.beforeConnect();
      if (stopped) return;
      step = 'the app-level token (apps.connections.open)';
      await client.start();
      if (stopped) await client.disconnect(); // stop() raced the handshake
    } catch (err) {
      if (stopped) return;
      const failure = describeSlackError(err ?? lastSocketError);
      lastSocketError = undefined;
      if (!failure.fatal) { retry(failure.message, 'slack connect failed; retrying'); return; }
      const message = `${failure.message}: Slack rejected ${step}`;
      cell.set('failed', message);
      log.error(`slack channel failed: ${message}; fix the token in channels.slack and restart the gateway`);
    }
  }

  return {
    start() { if (!stopped) void connect(); },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([
        client.disconnect().catch(() => undefined),
        new Promise<void>((resolve) => { grace = setTimeout(resolve, STOP_GRACE_MS); }),
      ]);
      clearTimeout(grace);
      // A stopped channel is no longer connected, whatever the socket said last.
      if (cell.get().state !== 'failed') cell.set('disabled');
    },
    status: () => cell.get(),
  };
}
