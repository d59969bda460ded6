// The Slack channel: socket-mode events in, one `agent` run per message through the
// in-process client acting for the Slack user, the reply posted back in the same thread.
import type { FrozenConfig } from '../../config/load.js';
import type { Dialer } from '../../rpc/in-process.js';
import type { Logger } from '../../util/log.js';
import type { Channel } from '../channel.js';
import { createSlackConnection, type SlackEnvelope } from './connection.js';
import { parseEnvelope, sessionKeyFor, type Inbound } from './events.js';
import { createSlackBot } from './reply.js';

export type EnabledSlackConfig = Extract<NonNullable<FrozenConfig['channels']['slack']>, { enabled: true }>;

/** Event ids already answered, so a redelivered envelope does not post twice. */
function recentIds(max: number): { addNew(id: string): boolean } {
  const ids = new Set<string>();
  return {
    addNew(id) {
      if (ids.has(id)) return false;
      ids.add(id);
      if (ids.size > max) ids.delete(ids.values().next().value!);
      return true;
    },
  };
}

export function createSlackChannel(cfg: EnabledSlackConfig, deps: { dial: Dialer; log: Logger }): Channel {
  const { log } = deps;
  const bot = createSlackBot({ botToken: cfg.botToken, apiUrl: cfg.apiUrl, log });
  const seen = recentIds(1_000);
  let botUserId: string | undefined;
  let stopped = false;

  async function runAgent(m: Inbound): Promise<string> {
    const client = deps.dial({
      connId: `slack:${m.eventId}`,
      principal: { kind: 'slack', team: m.team, user: m.user },
      role: 'operator',
      scopes: ['operator.read', 'operator.write'],
      client: { id: 'gateway-client', mode: 'backend', version: 'slack' },
    });
    try {
      const res = await client.request<{ result?: { payloads?: { text: string }[] } }>('agent', {
        agentId: cfg.agentId, sessionKey: sessionKeyFor(cfg.agentId, m), message: m.text, idempotencyKey: m.eventId,
      }, { expectFinal: true });
      return (res.result?.payloads ?? []).map((p) => p.text).join('\n');
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      log.warn('slack run failed', { eventId: m.eventId, error: reason });
      return `Sorry, that run failed: ${reason}`;
    } finally {
      client.close();
    }
  }

  async function onEnvelope(envelope: SlackEnvelope): Promise<void> {
    await envelope.ack().catch((err: unknown) => log.debug('slack ack failed', { envelopeId: envelope.envelope_id, err }));
    const parsed = parseEnvelope(envelope, { botUserId, allowUsers: cfg.allowUsers, allowChannels: cfg.allowChannels, replyInThread: cfg.replyInThread });
    if (parsed.kind === 'ignore') {
      log.debug('slack event ignored', { envelopeId: envelope.envelope_id, reason: parsed.reason });
      return;
    }
    const m = parsed.message;
    if (!seen.addNew(m.eventId)) {
      log.debug('slack event ignored', { envelopeId: envelope.envelope_id, reason: 'already answered', eventId: m.eventId });
      return;
    }
    log.debug('slack message', { eventId: m.eventId, team: m.team, user: m.user, conversation: m.channel, threadTs: m.threadTs });
    const reply = await runAgent(m);
    if (stopped) return;
    await bot.post(m.channel, reply, m.threadTs);
  }

  const connection = createSlackConnection({
    appToken: cfg.appToken,
    apiUrl: cfg.apiUrl,
    log,
    beforeConnect: async () => { botUserId ??= await bot.userId(); },
    onEnvelope: (envelope) => {
      onEnvelope(envelope).catch((err: unknown) => log.warn('slack reply failed', { envelopeId: envelope.envelope_id, err }));
    },
  });

  return {
    name: 'slack',
    start: () => connection.start(),
    async stop() { stopped = true; await connection.stop(); },
    status: () => connection.status(),
  };
}
