// The bot side of the Web API: who the bot is (auth.test, also the bot-token check) and
// posting replies with chat.postMessage, split into Slack-sized messages.
import { WebClient } from '@slack/web-api';
import type { Logger } from '../../util/log.js';
import { sdkLogger } from './sdk-logger.js';

export interface SlackBot {
  /** The bot's user id from auth.test (also the bot-token check); throws the SDK's error when Slack rejects it. */
  userId(): Promise<string | undefined>;
  post(channel: string, text: string, threadTs: string | undefined): Promise<void>;
}

/** Slack accepts 40k characters but renders long messages poorly; 3,500 keeps each readable. */
const CHUNK = 3_500;

export function splitReply(text: string, size = CHUNK): string[] {
  const out: string[] = [];
  let rest = text.trim() || '(no reply)';
  while (rest.length > size) {
    const cut = rest.lastIndexOf('\n', size) > size / 2 ? rest.lastIndexOf('\n', size) : size;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  out.push(rest);
  return out;
}

export function createSlackBot(opts: { botToken: string; apiUrl?: string | undefined; log: Logger }): SlackBot {
  const common = { ...(opts.apiUrl ? { slackApiUrl: opts.apiUrl } : {}), logger: sdkLogger(opts.log), timeout: 10_000 };
  // The connection loop retries the identity check itself; posting rides out brief outages and rate limits.
  const check = new WebClient(opts.botToken, { ...common, retryConfig: { retries: 0 } });
  const poster = new WebClient(opts.botToken, { ...common, retryConfig: { retries: 4, factor: 2, minTimeout: 1_000 } });
  return {
    async userId() {
      return (await check.auth.test()).user_id;
    },
    async post(channel, text, threadTs) {
      for (const part of splitReply(text)) {
        await poster.chat.postMessage({ channel, text: part, ...(threadTs ? { thread_ts: threadTs } : {}) });
      }
    },
  };
}
