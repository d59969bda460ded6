// sessions_list, sessions_history, sessions_send and sessions_spawn: each is a few gateway
// calls made through the delegated in-process client.
import { randomUUID } from 'node:crypto';
import { num, obj, optional, str } from '../../protocol/schema.js';
import { defineTool, ToolError, type ToolDef } from './types.js';

/** A tool's result goes into the model's context and the transcript: pages stay small. */
const TOOL_PAGE_BYTES = 256 * 1024;
const TOOL_MAX_CHARS = 20_000;

const sessionsList = defineTool({
  name: 'sessions_list',
  description: 'List sessions (optionally only those of one agent or spawned by one session). When hasMore is true, call again with offset = nextOffset.',
  parameters: { type: 'object', properties: { limit: { type: 'integer', minimum: 1 }, offset: { type: 'integer', minimum: 0 }, agentId: { type: 'string' }, spawnedBy: { type: 'string' } }, additionalProperties: false },
  args: obj({ limit: optional(num({ int: true, min: 1, max: 500 })), offset: optional(num({ int: true, min: 0 })), agentId: optional(str()), spawnedBy: optional(str()) }),
  scopes: ['operator.read'],
  async run(ctx, a) {
    const res = await ctx.gateway.request<{ count: number; sessions: Record<string, unknown>[]; hasMore?: boolean; nextOffset?: number }>('sessions.list', {
      limit: a.limit ?? 50, maxBytes: TOOL_PAGE_BYTES, ...(a.offset ? { offset: a.offset } : {}), ...(a.agentId ? { agentId: a.agentId } : {}), ...(a.spawnedBy ? { spawnedBy: a.spawnedBy } : {}),
    }, { timeoutMs: 10_000, signal: ctx.signal });
    return {
      count: res.count,
      sessions: res.sessions.map((s) => ({ key: s.key, agentId: s.agentId, label: s.label ?? null, status: s.status, spawnedBy: s.spawnedBy ?? null, actingFor: s.actingFor })),
      ...(res.hasMore ? { hasMore: true, nextOffset: res.nextOffset } : {}),
    };
  },
});

const sessionsHistory = defineTool({
  name: 'sessions_history',
  description: 'Read the transcript of a session, newest messages last. Long messages are cut (marked "truncated"). When hasMore is true, call again with offset = nextOffset for older messages.',
  parameters: { type: 'object', properties: { sessionKey: { type: 'string' }, limit: { type: 'integer', minimum: 1 }, offset: { type: 'integer', minimum: 0 } }, required: ['sessionKey'], additionalProperties: false },
  args: obj({ sessionKey: str({ min: 1 }), limit: optional(num({ int: true, min: 1, max: 200 })), offset: optional(num({ int: true, min: 0 })) }),
  scopes: ['operator.read'],
  async run(ctx, a) {
    return ctx.gateway.request('chat.history', {
      sessionKey: a.sessionKey, limit: a.limit ?? 20, maxBytes: TOOL_PAGE_BYTES, maxChars: TOOL_MAX_CHARS, ...(a.offset ? { offset: a.offset } : {}),
    }, { timeoutMs: 10_000, signal: ctx.signal });
  },
});

const sessionsSend = defineTool({
  name: 'sessions_send',
  description: 'Send a message to another session and wait for its reply.',
  parameters: { type: 'object', properties: { sessionKey: { type: 'string' }, message: { type: 'string' }, timeoutSeconds: { type: 'integer', minimum: 0 } }, required: ['sessionKey', 'message'], additionalProperties: false },
  args: obj({ sessionKey: str({ min: 1 }), message: str({ min: 1 }), timeoutSeconds: optional(num({ int: true, min: 0, max: 600 })) }),
  scopes: ['operator.read', 'operator.write'],
  async run(ctx, a) {
    if (a.sessionKey === ctx.delegation.sessionKey) throw new ToolError('cannot send to the calling session');
    const { key } = await ctx.gateway.request<{ key: string }>('sessions.resolve', { key: a.sessionKey }, { timeoutMs: 10_000, signal: ctx.signal });
    const idempotencyKey = randomUUID();
    const timeoutMs = (a.timeoutSeconds ?? 30) * 1000;
    if (timeoutMs === 0) {
      const ack = await ctx.gateway.request<{ runId: string }>('agent', { message: a.message, sessionKey: key, idempotencyKey }, { resolveOnAck: true, timeoutMs: 10_000, signal: ctx.signal });
      return { runId: ack.runId, status: 'accepted' };
    }
    const res = await ctx.gateway.request<{ runId: string; status: string; result?: { payloads?: { text: string }[] } }>('agent', { message: a.message, sessionKey: key, idempotencyKey }, { expectFinal: true, timeoutMs, signal: ctx.signal });
    return { runId: res.runId, status: res.status, reply: res.result?.payloads?.map((p) => p.text).join('\n') ?? '' };
  },
});

const sessionsSpawn = defineTool({
  name: 'sessions_spawn',
  description: 'Start a subagent on a task in a new session; returns at once with its run id.',
  parameters: { type: 'object', properties: { agentId: { type: 'string' }, task: { type: 'string' }, label: { type: 'string' } }, required: ['agentId', 'task'], additionalProperties: false },
  args: obj({ agentId: str({ min: 1, max: 64 }), task: str({ min: 1, max: 100_000 }), label: optional(str({ min: 1, max: 200 })) }),
  scopes: ['operator.write'],
  async run(ctx, a) {
    const childSessionKey = `agent:${a.agentId}:subagent:${randomUUID()}`;
    const idempotencyKey = randomUUID();
    const ack = await ctx.gateway.request<{ runId: string }>('agent', {
      message: a.task, agentId: a.agentId, sessionKey: childSessionKey, idempotencyKey, lane: 'subagent', deliver: false,
      spawnedBy: ctx.delegation.sessionKey, ...(a.label ? { label: a.label } : {}),
    }, { resolveOnAck: true, timeoutMs: 10_000, signal: ctx.signal });
    return { status: 'accepted', runId: ack.runId, childSessionKey };
  },
});

const agentsList = defineTool({
  name: 'agents_list',
  description: 'List the agents this gateway runs.',
  parameters: { type: 'object', properties: {}, additionalProperties: false },
  args: obj({}),
  scopes: ['operator.read'],
  async run(ctx) {
    const res = await ctx.gateway.request<{ agents: { id: string; name?: string }[] }>('agents.list', {}, { timeoutMs: 10_000, signal: ctx.signal });
    return { agents: res.agents };
  },
});

export const BUILTIN_TOOLS: readonly ToolDef[] = [sessionsList, sessionsHistory, sessionsSend, sessionsSpawn, agentsList];
export const BUILTIN_TOOL_NAMES = BUILTIN_TOOLS.map((t) => t.name);
