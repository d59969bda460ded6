// agent and agent.wait: start a run (two `res` frames: accepted, then final) and wait for one.
// runId = idempotencyKey, so a resend with the same key attaches to the same run.
import { any, bool, num, obj, optional, str } from '../../protocol/schema.js';
import { RpcError } from '../../protocol/error-codes.js';
import { SESSION_KEY_FORMS } from '../../protocol/session-keys.js';
import { defineMethod, type MethodDef } from '../registry.js';
import { callerOwner } from '../owner.js';
import { MAX_RUN_TIMEOUT_MS } from './chat.js';
import type { RunService } from '../context.js';

const idem = str({ min: 1, max: 200, pattern: /^[\w.:@-]+$/, patternHint: 'must be letters, digits, "_", "-", ".", ":" or "@"' });

export const agentParams = obj({
  message: str({ max: 1_000_000 }),
  idempotencyKey: idem,
  agentId: optional(str({ min: 1, max: 64 })),
  sessionKey: optional(str({ min: 1, max: 500 })),
  sessionId: optional(str({ max: 200 })),
  label: optional(str({ min: 1, max: 200 })),
  spawnedBy: optional(str({ max: 500 })),
  extraSystemPrompt: optional(str({ max: 100_000 })),
  /** Seconds; 0 = the agent's default. Whole seconds up to a day. */
  timeout: optional(num({ int: true, min: 0, max: MAX_RUN_TIMEOUT_MS / 1000 })),
  thinking: optional(any()), deliver: optional(bool()), bestEffortDeliver: optional(bool()), attachments: optional(any()),
  channel: optional(str()), lane: optional(str()), provider: optional(str()), model: optional(str()), inputProvenance: optional(any()), to: optional(str()),
});

export function finalPayload(runId: string, outcome: { status: string; reply: string; error?: string | undefined }, meta: Record<string, unknown>): unknown {
  if (outcome.status === 'ok') return { runId, status: 'ok', summary: 'completed', result: { payloads: [{ text: outcome.reply }], meta } };
  throw new RpcError(outcome.status === 'timeout' ? 'AGENT_TIMEOUT' : 'UNAVAILABLE', outcome.error ?? outcome.status, {
    details: { runId, status: outcome.status }, retryable: false, payload: { runId, status: 'error', summary: outcome.error ?? outcome.status },
  });
}

/** Finds an existing session by its sessionId (OpenClaw's `agent --session-id`): its owner and key. */
export type SessionIdLookup = (sessionId: string) => { owner: string; key: string } | undefined;

export function agentMethods(runs: RunService, keyOfSessionId: SessionIdLookup = () => undefined): MethodDef[] {
  return [
    defineMethod({
      name: 'agent',
      params: agentParams,
      async handle(ctx, p) {
        let sessionKey = p.sessionKey;
        if (!sessionKey && p.sessionId) {
          // Only the caller's own sessions: another owner's session id is as good as unknown.
          const found = keyOfSessionId(p.sessionId);
          sessionKey = found && found.owner === callerOwner(ctx) ? found.key : undefined;
          if (!sessionKey) {
            throw new RpcError('INVALID_REQUEST', `no session has sessionId ${JSON.stringify(p.sessionId.slice(0, 200))}: pass sessionKey (${SESSION_KEY_FORMS}) or the sessionId of an existing session`, { details: { code: 'NOT_FOUND' } });
          }
        }
        const handle = runs.start(ctx, {
          runId: p.idempotencyKey, message: p.message, agentId: p.agentId, sessionKey, label: p.label, spawnedBy: p.spawnedBy,
          extraSystemPrompt: p.extraSystemPrompt, timeoutMs: p.timeout ? p.timeout * 1000 : undefined,
        });
        sessionKey = handle.run.sessionKey;
        ctx.ack({ runId: handle.run.runId, status: 'accepted', acceptedAt: handle.run.createdAt, sessionKey });
        const outcome = await handle.done;
        return finalPayload(handle.run.runId, outcome, { agentId: handle.run.agentId, sessionKey, actingFor: handle.run.actingFor });
      },
    }),
    defineMethod({
      name: 'agent.wait',
      params: obj({ runId: str({ min: 1, max: 200 }), timeoutMs: optional(num({ int: true, min: 0, max: 3_600_000 })) }),
      async handle(ctx, p) {
        const r = await runs.wait(ctx, p.runId, p.timeoutMs ?? 30_000);
        if (r.status === 'not_found') throw new RpcError('AGENT_RESULT_NOT_FOUND', `no run with id ${p.runId}`, { details: { code: 'NOT_FOUND' } });
        const run = r.run;
        return {
          runId: p.runId,
          status: r.status === 'ok' ? 'ok' : r.status === 'timeout' || r.status === 'pending' ? r.status : 'error',
          ...(run?.endedAt ? { endedAt: run.endedAt } : {}),
          ...(run && run.status !== 'ok' && run.error ? { error: run.error, stopReason: run.status } : {}),
          ...(run?.reply ? { reply: run.reply } : {}),
        };
      },
    }),
  ];
}
