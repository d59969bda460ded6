// Decides what an incoming envelope means, without I/O: a direct message or an app mention
// from an allowed person becomes an Inbound message; everything else is ignored with a
// reason. Also owns the Slack conversation → session key mapping.
import type { SlackEnvelope } from './connection.js';

export interface Inbound {
  readonly team: string;
  readonly user: string;
  readonly channel: string;
  /** The message with the leading bot mention removed and Slack's &amp; &lt; &gt; decoded. */
  readonly text: string;
  /** The thread the reply goes to and the session follows; undefined = the whole conversation. */
  readonly threadTs: string | undefined;
  /** Slack's event id (stable across Slack's redeliveries): the run's idempotency key. */
  readonly eventId: string;
}

export type Parsed = { kind: 'message'; message: Inbound } | { kind: 'ignore'; reason: string };

export interface EventRules {
  readonly botUserId: string | undefined;
  readonly allowUsers: readonly string[];
  readonly allowChannels: readonly string[];
  readonly replyInThread: boolean;
}

interface SlackEvent {
  type?: string; subtype?: string; channel_type?: string; user?: string; bot_id?: string; team?: string;
  channel?: string; text?: string; ts?: string; thread_ts?: string; client_msg_id?: string;
}
interface EventsApiBody { team_id?: string; event_id?: string; event?: SlackEvent }

const SLACK_ID = /^[A-Z0-9]{1,64}$/;
const SLACK_TS = /^\d{1,20}\.\d{1,10}$/;

const ignore = (reason: string): Parsed => ({ kind: 'ignore', reason });

const decodeEntities = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Removes a leading `<@BOT>` (or, before the bot's id is known, any leading mention). */
function stripBotMention(text: string, botUserId: string | undefined): string {
  const id = botUserId && SLACK_ID.test(botUserId) ? botUserId : '[A-Z0-9]+';
  return text.replace(new RegExp(`^\\s*<@${id}(?:\\|[^>]*)?>[\\s:,]*`), '');
}

export function parseEnvelope(envelope: Pick<SlackEnvelope, 'type' | 'body' | 'envelope_id'>, rules: EventRules): Parsed {
  if (envelope.type !== 'events_api') return ignore(`envelope type ${envelope.type}`);
  const body = (envelope.body ?? {}) as EventsApiBody;
  const e = body.event;
  if (!e) return ignore('envelope without an event');
  const isDm = e.type === 'message' && e.channel_type === 'im';
  if (e.type !== 'app_mention' && !isDm) return ignore(`event ${e.type ?? '?'}${e.channel_type ? ` in ${e.channel_type}` : ''}`);
  if (e.subtype !== undefined) return ignore(`message subtype ${e.subtype}`);
  if (e.bot_id !== undefined || !e.user || e.user === rules.botUserId) return ignore('message from a bot');
  const team = body.team_id ?? e.team;
  if (!team || !SLACK_ID.test(team) || !SLACK_ID.test(e.user) || !e.channel || !SLACK_ID.test(e.channel) || !e.ts || !SLACK_TS.test(e.ts)) {
    return ignore('event with missing or malformed ids');
  }
  if (rules.allowUsers.length > 0 && !rules.allowUsers.includes(e.user)) return ignore('user not allowed');
  if (rules.allowChannels.length > 0 && !rules.allowChannels.includes(e.channel)) return ignore('channel not allowed');
  const text = decodeEntities(stripBotMention(e.text ?? '', rules.botUserId)).trim();
  if (!text) return ignore('empty message');
  const threadTs = e.thread_ts !== undefined && SLACK_TS.test(e.thread_ts) ? e.thread_ts : rules.replyInThread ? e.ts : undefined;
  const rawId = body.event_id ?? e.client_msg_id ?? envelope.envelope_id ?? `${e.channel}-${e.ts}`;
  return { kind: 'message', message: { team, user: e.user, channel: e.channel, text, threadTs, eventId: rawId.replace(/[^\w.:@-]/g, '_').slice(0, 200) } };
}

/** `agent:<agentId>:slack:<team>:<channel>[:<thread_ts>]` — a channel-kind session key. */
export const sessionKeyFor = (agentId: string, m: Pick<Inbound, 'team' | 'channel' | 'threadTs'>): string =>
  `agent:${agentId}:slack:${m.team}:${m.channel}${m.threadTs ? `:${m.threadTs}` : ''}`;
