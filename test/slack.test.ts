// The Slack channel end to end with the real @slack/socket-mode and @slack/web-api SDKs
// against a fake Slack on 127.0.0.1: mentions and DMs reach the manager, replies land in the
// right thread, the Slack user's identity reaches the worker it spawns, and connection
// trouble shows up in `health` without stopping the gateway.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectWs, type GatewayClient } from '../src/client/ws.js';
import { configuredSecrets, loadConfig } from '../src/config/load.js';
import { ConfigError } from '../src/config/errors.js';
import { bootGateway, SEED_GATEWAY, tempDir, type TestGateway } from './fixtures/gateway.fixture.js';
import { startFakeSlack, type FakeSlack } from './fixtures/fake-slack.fixture.js';
import { waitFor } from './fixtures/wait.fixture.js';

const APP_TOKEN = 'xapp-1-AFAKE-1111111111-0123456789abcdef0123456789abcdef';
const BOT_TOKEN = 'xoxb-2222222222-3333333333-FakeBotTokenValue4242';
const WRONG_APP_TOKEN = 'xapp-1-AFAKE-9999999999-wrongwrongwrongwrongwrong000000';

const AGENTS = {
  list: [
    { id: 'manager', default: true, tools: { allow: ['sessions_spawn', 'sessions_list'] }, subagents: { allowAgents: ['worker'] } },
    { id: 'worker', tools: { allow: ['sessions_list'] } },
  ],
};

interface SlackStatus { state: string; lastError?: string; since: number }
interface Health { channels: Record<string, SlackStatus>; channelOrder: string[] }
const SLACK_OWNER = 'slack:T123/U456';
interface SessionWire { key: string; ownerId: string; agentId: string; spawnedBy?: string; actingFor: string; lastRunId?: string; sessionKind: string }
interface HistoryWire { messages: { role: string; content: { text: string }[]; actingFor?: string }[] }

const slackStatus = async (client: GatewayClient): Promise<SlackStatus> => (await client.request<Health>('health')).channels.slack!;

const logRecords = (gw: TestGateway): Record<string, unknown>[] => gw.logs.map((l) => JSON.parse(l) as Record<string, unknown>);

function assertNoTokensLogged(gw: TestGateway, tokens: string[]): void {
  assert.ok(gw.logs.length > 0);
  for (const line of gw.logs) for (const t of tokens) assert.ok(!line.includes(t), `a log line contains a token: ${line.slice(0, 200)}`);
}

/** A loopback port with nothing listening (bound, then released). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('slack channel in a trusted-proxy gateway', () => {
  let slack: FakeSlack;
  let gw: TestGateway;
  let operator: GatewayClient;

  before(async () => {
    slack = await startFakeSlack({ appToken: APP_TOKEN, botToken: BOT_TOKEN });
    gw = await bootGateway({
      // The Slack user's sessions are theirs: this test reads them as an admin of the gateway.
      gateway: { ...SEED_GATEWAY, port: 0, auth: { ...SEED_GATEWAY.auth, identityScopes: { 'me@example.com': ['operator.admin'] } } },
      agents: AGENTS,
      channels: { slack: { enabled: true, agentId: 'manager', allowUsers: ['U456'], allowChannels: ['C100', 'D200'], apiUrl: slack.apiUrl } },
    }, { env: { CLAWGATE_SLACK_APP_TOKEN: APP_TOKEN, CLAWGATE_SLACK_BOT_TOKEN: BOT_TOKEN } });
    operator = (await connectWs({ url: gw.url, headers: { 'x-authentik-email': 'me@example.com' } })).client;
    await waitFor('slack to connect', async () => (await slackStatus(operator)).state === 'connected');
  });
  after(async () => { operator.close(); await gw.stop(); await slack.close(); });

  it('answers a mention in its thread, and the worker the manager spawns acts for the Slack user', async () => {
    const task = '/tool sessions_spawn {"agentId":"worker","task":"hi"}';
    const ev = slack.sendEvent({ type: 'app_mention', user: 'U456', channel: 'C100', text: `<@UBOT> ${task}` });
    const post = await waitFor('the reply', () => slack.posts.find((p) => p.thread_ts === ev.ts));
    assert.equal(post.channel, 'C100');
    assert.equal(post.text, 'sessions_spawn ok');
    assert.equal(post.authorization, `Bearer ${BOT_TOKEN}`);
    assert.ok(slack.acks.includes(ev.envelopeId));

    const managerKey = `agent:manager:slack:T123:C100:${ev.ts}`;
    const history = await operator.request<HistoryWire>('chat.history', { sessionKey: managerKey, owner: SLACK_OWNER });
    assert.equal(history.messages[0]!.role, 'user');
    assert.equal(history.messages[0]!.content[0]!.text, task);
    assert.ok(history.messages.every((m) => m.actingFor === 'slack:T123/U456'));

    const { sessions: children } = await operator.request<{ sessions: SessionWire[] }>('sessions.list', { spawnedBy: managerKey });
    assert.equal(children.length, 1);
    const worker = children[0]!;
    assert.match(worker.key, /^agent:worker:subagent:[0-9a-f-]{36}$/);
    assert.equal(worker.actingFor, 'slack:T123/U456');
    assert.equal(worker.ownerId, SLACK_OWNER, 'work the Slack user starts is theirs');
    const workerHistory = await waitFor('the worker to finish', async () => {
      const h = await operator.request<HistoryWire>('chat.history', { sessionKey: worker.key, owner: SLACK_OWNER });
      return h.messages.some((m) => m.role === 'assistant') ? h : undefined;
    });
    assert.equal(workerHistory.messages.at(-1)!.content[0]!.text, 'echo: hi');

    const { sessions: all } = await operator.request<{ sessions: SessionWire[] }>('sessions.list', { agentId: 'manager' });
    const manager = all.find((s) => s.key === managerKey)!;
    assert.equal(manager.sessionKind, 'channel');
    assert.equal(manager.actingFor, 'slack:T123/U456');
  });

  it('answers a direct message in its thread, and a reply in that thread continues the session', async () => {
    const dm = slack.sendEvent({ type: 'message', channel_type: 'im', user: 'U456', channel: 'D200', text: 'hello there' });
    const first = await waitFor('the DM reply', () => slack.posts.find((p) => p.text === 'echo: hello there'));
    assert.deepEqual([first.channel, first.thread_ts], ['D200', dm.ts]);

    const follow = slack.sendEvent({ type: 'message', channel_type: 'im', user: 'U456', channel: 'D200', text: 'and again', thread_ts: dm.ts });
    const second = await waitFor('the follow-up reply', () => slack.posts.find((p) => p.text === 'echo: and again'));
    assert.deepEqual([second.channel, second.thread_ts], ['D200', dm.ts]);
    assert.ok(slack.acks.includes(dm.envelopeId) && slack.acks.includes(follow.envelopeId));

    const history = await operator.request<HistoryWire>('chat.history', { sessionKey: `agent:manager:slack:T123:D200:${dm.ts}`, owner: SLACK_OWNER });
    assert.deepEqual(history.messages.filter((m) => m.role === 'user').map((m) => m.content[0]!.text), ['hello there', 'and again']);
  });

  it('someone else writing to a Slack user\'s session key reaches only their own session: the Slack reply answers the event that started it', async () => {
    const { client: bob } = await connectWs({ url: gw.url, headers: { 'x-authentik-email': 'openclaw-internal@local' } });
    try {
      const dm = slack.sendEvent({ type: 'message', channel_type: 'im', user: 'U456', channel: 'D200', text: 'my own question' });
      const key = `agent:manager:slack:T123:D200:${dm.ts}`;
      const sent = await bob.request<{ status: string }>('chat.send', { sessionKey: key, message: 'bob injected', idempotencyKey: `inject-${dm.ts}` });
      assert.equal(sent.status, 'started', 'Bob may write, but only to a session of his own under that key');
      const reply = await waitFor('the DM reply', () => slack.posts.find((p) => p.thread_ts === dm.ts));
      assert.equal(reply.text, 'echo: my own question');
      const mine = await operator.request<HistoryWire>('chat.history', { sessionKey: key, owner: SLACK_OWNER });
      assert.deepEqual(mine.messages.filter((m) => m.role === 'user').map((m) => m.content[0]!.text), ['my own question']);
      const bobs = await bob.request<HistoryWire & { owner: string }>('chat.history', { sessionKey: key });
      assert.equal(bobs.owner, 'trusted-proxy:openclaw-internal@local');
      await new Promise((r) => setTimeout(r, 200));
      assert.ok(!slack.posts.some((p) => String(p.text).includes('bob injected')), 'nothing of Bob\'s reached Slack');
    } finally { bob.close(); }
  });

  it('ignores users and channels not allowed, bots and edits without replying, but acks every envelope', async () => {
    const postsBefore = slack.posts.length;
    const ignored = [
      { ev: slack.sendEvent({ type: 'app_mention', user: 'U999', channel: 'C100', text: '<@UBOT> /reply intruder' }), reason: 'user not allowed' },
      { ev: slack.sendEvent({ type: 'app_mention', user: 'U456', channel: 'C999', text: '<@UBOT> /reply wrong room' }), reason: 'channel not allowed' },
      { ev: slack.sendEvent({ type: 'message', channel_type: 'im', bot_id: 'BOTHER', channel: 'D200', text: 'beep' }), reason: 'message from a bot' },
      { ev: slack.sendEvent({ type: 'message', channel_type: 'im', subtype: 'message_changed', user: 'U456', channel: 'D200', text: 'edited' }), reason: 'message subtype message_changed' },
    ];
    for (const { ev, reason } of ignored) {
      await waitFor(`the "${reason}" envelope to be acked and logged`, () => slack.acks.includes(ev.envelopeId)
        && logRecords(gw).some((r) => r.msg === 'slack event ignored' && r.envelopeId === ev.envelopeId && r.reason === reason && r.level === 'debug'));
    }
    // An allowed message sent afterwards is answered; nothing else was posted.
    slack.sendEvent({ type: 'message', channel_type: 'im', user: 'U456', channel: 'D200', text: 'still here?' });
    await waitFor('the allowed reply', () => slack.posts.find((p) => p.text === 'echo: still here?'));
    assert.deepEqual(slack.posts.slice(postsBefore).map((p) => p.text), ['echo: still here?']);
    const { sessions } = await operator.request<{ sessions: SessionWire[] }>('sessions.list', {});
    assert.ok(!sessions.some((s) => s.key.includes(':C999') || s.actingFor === 'slack:T123/U999'));
  });

  it('reconnects after the socket drops and keeps answering', async () => {
    const opensBefore = slack.opens;
    slack.dropSockets();
    await waitFor('a second apps.connections.open', () => slack.opens > opensBefore);
    await waitFor('slack to reconnect', async () => slack.openSockets === 1 && (await slackStatus(operator)).state === 'connected');
    const records = logRecords(gw);
    assert.ok(records.some((r) => r.msg === 'slack connection lost; reconnecting' && r.level === 'warn'));
    assert.ok(records.some((r) => r.msg === 'slack reconnected' && r.level === 'info'));

    const ev = slack.sendEvent({ type: 'app_mention', user: 'U456', channel: 'C100', text: '<@UBOT> after the drop' });
    const post = await waitFor('the reply after reconnecting', () => slack.posts.find((p) => p.thread_ts === ev.ts));
    assert.equal(post.text, 'echo: after the drop');
    const health = await operator.request<Health>('health');
    assert.deepEqual(health.channelOrder, ['slack']);
    assert.equal(health.channels.slack!.lastError, undefined);
  });

  it('reconnects when Slack asks it to refresh the connection', async () => {
    const opensBefore = slack.opens;
    slack.requestRefresh();
    await waitFor('a new apps.connections.open', () => slack.opens > opensBefore);
    await waitFor('slack to reconnect', async () => slack.openSockets === 1 && (await slackStatus(operator)).state === 'connected');
    const ev = slack.sendEvent({ type: 'message', channel_type: 'im', user: 'U456', channel: 'D200', text: 'after the refresh' });
    const post = await waitFor('the reply after the refresh', () => slack.posts.find((p) => p.thread_ts === ev.ts));
    assert.equal(post.text, 'echo: after the refresh');
  });

  it('never writes a token value to the logs, including the SDKs\' debug lines', () => {
    assert.ok(logRecords(gw).some((r) => typeof r.sdk === 'string'), 'SDK debug lines are routed through the gateway logger');
    assertNoTokensLogged(gw, [APP_TOKEN, BOT_TOKEN]);
  });
});

describe('slack channel with an app token Slack rejects (token-mode gateway)', () => {
  let slack: FakeSlack;
  let gw: TestGateway;
  let operator: GatewayClient;

  before(async () => {
    slack = await startFakeSlack({ appToken: APP_TOKEN, botToken: BOT_TOKEN });
    gw = await bootGateway({
      gateway: { auth: { mode: 'token', token: 'slack-test-gateway-token' } },
      agents: AGENTS,
      channels: { slack: { enabled: true, appToken: WRONG_APP_TOKEN, botToken: BOT_TOKEN, apiUrl: slack.apiUrl } },
    });
    operator = (await connectWs({ url: gw.url, token: 'slack-test-gateway-token' })).client;
  });
  after(async () => { operator.close(); await gw.stop(); await slack.close(); });

  it('reports failed with invalid_auth in health and status, logs one clear line, does not retry, and keeps serving', async () => {
    const status = await waitFor('the failed state', async () => { const s = await slackStatus(operator); return s.state === 'failed' && s; });
    assert.match(status.lastError ?? '', /invalid_auth/);
    assert.match(status.lastError ?? '', /app-level token/);
    const full = await operator.request<{ health: Health }>('status');
    assert.equal(full.health.channels.slack!.state, 'failed');
    assert.deepEqual(full.health.channelOrder, ['slack']);

    const errors = logRecords(gw).filter((r) => r.level === 'error');
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]!.msg), /^slack channel failed: invalid_auth/);

    await new Promise((r) => setTimeout(r, 1_000)); // longer than the first backoff step
    assert.equal(slack.opens, 1);
    assert.equal((await slackStatus(operator)).state, 'failed');
    const res = await operator.request<{ status: string; result: { payloads: { text: string }[] } }>('agent', { message: 'still serving', idempotencyKey: 'slack-failed-still-serving' }, { expectFinal: true, timeoutMs: 5_000 });
    assert.equal(res.result.payloads[0]!.text, 'echo: still serving');
    assertNoTokensLogged(gw, [WRONG_APP_TOKEN, BOT_TOKEN]);
  });
});

describe('slack channel when Slack is unreachable', () => {
  let gw: TestGateway;
  let operator: GatewayClient;

  before(async () => {
    const port = await closedPort();
    gw = await bootGateway({
      gateway: { auth: { mode: 'none' } },
      agents: AGENTS,
      channels: { slack: { enabled: true, appToken: APP_TOKEN, botToken: BOT_TOKEN, apiUrl: `http://127.0.0.1:${port}/api/` } },
    });
    operator = (await connectWs({ url: gw.url })).client;
  });
  after(async () => { operator.close(); await gw.stop(); });

  it('starts anyway and reports reconnecting with the network error', async () => {
    const status = await waitFor('the reconnecting state', async () => { const s = await slackStatus(operator); return s.state === 'reconnecting' && s; });
    assert.match(status.lastError ?? '', /ECONNREFUSED/);
    const warns = logRecords(gw).filter((r) => r.level === 'warn' && r.msg === 'slack connect failed; retrying');
    assert.equal(warns.length, 1);
    const res = await operator.request<{ status: string }>('agent', { message: 'hi', idempotencyKey: 'slack-unreachable-serving' }, { expectFinal: true, timeoutMs: 5_000 });
    assert.equal(res.status, 'ok');
  });
});

describe('channels.slack config', () => {
  const load = (channels: unknown, env: Record<string, string> = {}) => {
    const dir = tempDir();
    const configPath = join(dir, 'clawgate.json');
    writeFileSync(configPath, JSON.stringify({ gateway: { auth: { mode: 'none' } }, agents: AGENTS, channels }));
    try { return loadConfig({ configPath, env: { CLAWGATE_STATE_DIR: dir, ...env } }); } finally { rmSync(dir, { recursive: true, force: true }); }
  };
  const issuesOf = (fn: () => unknown): { path: string; message: string }[] => {
    try { fn(); } catch (err) { if (err instanceof ConfigError) return [...err.issues]; throw err; }
    assert.fail('expected a ConfigError');
  };

  it('names the key or variable of a token with the wrong prefix, without echoing the token', () => {
    const issues = issuesOf(() => load({ slack: { enabled: true, appToken: BOT_TOKEN } }, { CLAWGATE_SLACK_BOT_TOKEN: APP_TOKEN }));
    assert.deepEqual(issues.map((i) => i.path).sort(), ['CLAWGATE_SLACK_BOT_TOKEN', 'channels.slack.appToken']);
    assert.match(issues.find((i) => i.path === 'channels.slack.appToken')!.message, /starts with "xapp-"/);
    assert.match(issues.find((i) => i.path === 'CLAWGATE_SLACK_BOT_TOKEN')!.message, /starts with "xoxb-"/);
    for (const i of issues) assert.ok(!i.message.includes(APP_TOKEN) && !i.message.includes(BOT_TOKEN));
  });

  it('requires both tokens and an existing agent when enabled, and rejects unknown channels', () => {
    const issues = issuesOf(() => load({ slack: { enabled: true, agentId: 'nobody', appTokenEnv: 'MY_APP_TOKEN' }, telegram: {} }));
    const byPath = new Map(issues.map((i) => [i.path, i.message]));
    assert.equal(byPath.get('channels.telegram'), 'unknown key');
    assert.match(byPath.get('channels.slack.agentId')!, /no agent with id "nobody"/);
    assert.match(byPath.get('channels.slack.appToken')!, /required.*MY_APP_TOKEN/);
    assert.match(byPath.get('channels.slack.botToken')!, /required.*CLAWGATE_SLACK_BOT_TOKEN/);
  });

  it('reads tokens from the default env variables, defaults the agent and thread replies, and marks tokens secret', () => {
    const cfg = load({ slack: { enabled: true } }, { CLAWGATE_SLACK_APP_TOKEN: APP_TOKEN, CLAWGATE_SLACK_BOT_TOKEN: BOT_TOKEN });
    assert.deepEqual(cfg.channels.slack, { enabled: true, appToken: APP_TOKEN, botToken: BOT_TOKEN, agentId: 'manager', allowUsers: [], allowChannels: [], replyInThread: true });
    assert.ok(configuredSecrets(cfg).includes(APP_TOKEN) && configuredSecrets(cfg).includes(BOT_TOKEN));
  });

  it('loads a disabled channel without tokens, and health reports it disabled', async () => {
    assert.deepEqual(load({ slack: { enabled: false } }).channels.slack, { enabled: false });
    const gw = await bootGateway({ gateway: { auth: { mode: 'none' } }, agents: AGENTS, channels: { slack: {} } });
    try {
      const { client } = await connectWs({ url: gw.url });
      const health = await client.request<Health>('health');
      client.close();
      assert.equal(health.channels.slack!.state, 'disabled');
      assert.deepEqual(health.channelOrder, ['slack']);
    } finally { await gw.stop(); }
  });
});
