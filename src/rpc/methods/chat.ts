// chat.send, chat.history and chat.abort: the chat view of sessions (control UI, openclaw-node).
import { randomUUID } from 'node:crypto';
import { any, arr, bool, num, obj, optional, str } from '../../protocol/schema.js';
import { RpcError } from '../../protocol/error-codes.js';
import { defineMethod, type CallContext, type MethodDef } from '../registry.js';
import type { RunService, SessionReader } from '../context.js';
import { readHistoryPage } from '../history.js';
import type { ResponseLimits } from '../paging.js';
import { callerOwner, readOwner } from '../owner.js';

/** Longest run a caller may ask for (`timeout`/`timeoutMs`): one day. */
export const MAX_RUN_TIMEOUT_MS = 86_400_000;
/** A run timeout in milliseconds; 0 = the agent's default. */
export const runTimeoutMs = () => num({ int: true, min: 0, max: MAX_RUN_TIMEOUT_MS });

const sendParams = {
  message: str({ max: 1_000_000 }),
  idempotencyKey: optional(str({ min: 1, max: 200, pattern: /^[\w.:@-]+$/, patternHint: 'must be letters, digits, "_", "-", ".", ":" or "@"' })),
  thinking: optional(any()), deliver: optional(bool()), attachments: optional(any()), timeoutMs: optional(runTimeoutMs()),
  agentId: optional(str()),
};

/** Starts a run and answers once (started / in_flight / ok), as OpenClaw's chat.send does. */
export function sendToSession(runs: RunService, ctx: CallContext, sessionKey: string, p: { message: string; idempotencyKey?: string | undefined; timeoutMs?: number | undefined }) {
  const runId = p.idempotencyKey ?? randomUUID();
  const h = runs.start(ctx, { runId, message: p.message, sessionKey, timeoutMs: p.timeoutMs || undefined });
  h.done.catch(() => undefined);
  const status = h.created ? 'started' : h.run.status === 'ok' ? 'ok' : ['accepted', 'running'].includes(h.run.status) ? 'in_flight' : h.run.status;
  return { runId, status, sessionKey: h.run.sessionKey };
}

export function chatMethods(runs: RunService, sessions: SessionReader, limits: ResponseLimits): MethodDef[] {
  return [
    defineMethod({
      name: 'chat.send',
      params: obj({ sessionKey: str({ min: 1, max: 500 }), ...sendParams }),
      handle: (ctx, p) => sendToSession(runs, ctx, p.sessionKey, p),
    }),
    defineMethod({
      name: 'chat.history',
      params: obj({
        sessionKey: str({ min: 1, max: 500 }), limit: optional(num({ int: true, min: 1, max: 1000 })),
        maxBytes: optional(num({ int: true, min: 1024 })), offset: optional(num({ int: true, min: 0 })), maxChars: optional(num({ int: true, min: 1, max: 500_000 })),
        owner: optional(str({ min: 1, max: 400 })),
        /** OpenClaw: the runs whose input the caller sent and wants confirmed (inputReceipts). */
        inputRunIds: optional(arr(str({ min: 1, max: 256 }), { max: 50 })),
      }),
      handle: (ctx, p) => {
        const owner = readOwner(ctx, p.owner);
        const s = sessions.getSession(owner, p.sessionKey);
        if (!s) return { sessionKey: p.sessionKey, sessionId: null, owner, messages: [], offset: p.offset ?? 0, hasMore: false, totalMessages: 0 };
        // A run's input is stored with the run before it is acknowledged, so an existing run is a consumed input.
        const receipts = p.inputRunIds?.filter((id) => sessions.getRun(s.owner, id)?.sessionKey === s.key).map((runId) => ({ runId, state: 'consumed' }));
        return { sessionKey: s.key, sessionId: s.sessionId, owner: s.owner, actingFor: s.actingFor, ...readHistoryPage(sessions, owner, s.key, p, limits), ...(receipts ? { inputReceipts: receipts } : {}) };
      },
    }),
    defineMethod({
      name: 'chat.abort',
      params: obj({ sessionKey: str({ min: 1, max: 500 }), runId: optional(str({ min: 1, max: 200 })) }),
      handle: (ctx, p) => {
        // Only the caller's own runs: a session key names the caller's own session.
        if (!sessions.getSession(callerOwner(ctx), p.sessionKey)) throw new RpcError('INVALID_REQUEST', `no session ${p.sessionKey}`, { details: { code: 'NOT_FOUND' } });
        const aborted = runs.abort(ctx, p.sessionKey, p.runId);
        return { ok: true, aborted: aborted > 0, count: aborted };
      },
    }),
  ];
}
