// sessions.* methods over the session store: list (with spawnedBy / agentId filters),
// resolve, create, send, delete.
import { hasScope } from '../../protocol/scopes.js';
import { randomUUID } from 'node:crypto';
import { arr, bool, literal, num, obj, oneOf, optional, str } from '../../protocol/schema.js';
import { RpcError } from '../../protocol/error-codes.js';
import { principalId } from '../../auth/decision.js';
import { callerOwner, readOwner, seesEveryOwner } from '../owner.js';
import { toWireSession } from '../session-row.js';
import { defineMethod, type MethodDef } from '../registry.js';
import type { MethodServices, RunService, SessionReader } from '../context.js';
import type { SessionRow } from '../../store/types.js';
import { runTimeoutMs, sendToSession } from './chat.js';
import { parseSessionKey, SESSION_KEY_FORMS } from '../../protocol/session-keys.js';
import { MAX_MESSAGE_CHARS } from '../../config/schema.js';
import { checkMessageLength } from '../message-limit.js';
import { declarePageBytes, fillPage, pageBudget, pageInfo, responseLimits } from '../paging.js';
import { publishSessionChanged } from '../session-events.js';

export const sessionsListParams = obj({
  limit: optional(num({ int: true, min: 1, max: 10_000 })),
  activeMinutes: optional(num({ min: 0 })),
  includeGlobal: optional(bool()),
  includeUnknown: optional(bool()),
  includeDerivedTitles: optional(bool()),
  includeLastMessage: optional(bool()),
  label: optional(str({ max: 200 })),
  spawnedBy: optional(str({ max: 500 })),
  agentId: optional(str({ max: 64 })),
  search: optional(str({ max: 200 })),
  kinds: optional(arr(str({ max: 64 }), { max: 32 })),
  messageLimit: optional(num({ int: true, min: 0, max: 100 })),
  offset: optional(num({ int: true, min: 0 })),
  maxBytes: optional(num({ int: true, min: 1024 })),
  /** operator.admin only: one owner's sessions (default: every owner's). */
  owner: optional(str({ min: 1, max: 400 })),
  /** false (default): sessions not archived; true: archived ones; "all": both. */
  archived: optional(oneOf(bool(), literal('all'))),
  /** clawgate only has sessions of configured agents, so this changes nothing. */
  configuredAgentsOnly: optional(bool()),
});

const KEY_SHAPE = /^agent:([a-z0-9][a-z0-9_-]*):main$/;

export { toWireSession } from '../session-row.js';

export function sessionsMethods(s: MethodServices, runs: RunService, store: SessionReader): MethodDef[] {
  const agentIds = new Set(s.facts.config.agents.list.map((a) => a.id));
  const limits = responseLimits(s.facts.config.gateway.limits);
  return [
    defineMethod({
      name: 'sessions.list',
      params: sessionsListParams,
      handle: (ctx, p) => {
        // Everyone sees their own sessions; operator.admin sees every owner's (or the one it names).
        const owner = p.owner !== undefined ? readOwner(ctx, p.owner) : seesEveryOwner(ctx) ? undefined : callerOwner(ctx);
        const matching = store.listSessions({
          ...(owner !== undefined ? { owner } : {}),
          ...(p.agentId ? { agentId: p.agentId } : {}), ...(p.spawnedBy ? { spawnedBy: p.spawnedBy } : {}),
          ...(p.label ? { label: p.label } : {}), ...(p.search ? { search: p.search } : {}),
          ...(p.activeMinutes ? { activeSince: Date.now() - p.activeMinutes * 60_000 } : {}), ...(p.archived !== undefined ? { archived: p.archived } : {}), limit: Infinity,
        });
        const offset = p.offset ?? 0;
        const page = fillPage(matching.slice(offset, offset + (p.limit ?? 500)).map(toWireSession), pageBudget(limits, p.maxBytes));
        // The rows were measured to fill the page: the response guard reuses that size.
        return declarePageBytes({
          // Host paths are for admins only (docs/protocol.md#host-paths).
          ts: Date.now(), ...(hasScope(ctx.scopes, 'operator.admin') ? { path: s.facts.config.stateDir } : {}), count: page.items.length,
          defaults: { modelProvider: null, model: s.facts.config.agents.defaults.model, contextTokens: null },
          sessions: page.items, ...pageInfo(offset, page.items.length, matching.length),
        }, 'sessions', page);
      },
    }),
    defineMethod({
      name: 'sessions.resolve',
      params: obj({ key: optional(str({ min: 1, max: 500 })), label: optional(str({ min: 1, max: 200 })), sessionId: optional(str({ min: 1, max: 200 })), agentId: optional(str()), spawnedBy: optional(str()), owner: optional(str({ min: 1, max: 400 })) }),
      handle: (ctx, p) => {
        const owner = readOwner(ctx, p.owner);
        let found: SessionRow | undefined;
        if (p.key) found = store.getSession(owner, p.key);
        else if (p.sessionId) {
          // Session ids are unique across owners; another owner's id resolves only for operator.admin.
          found = store.getSessionById(p.sessionId);
          if (found && found.owner !== owner && !seesEveryOwner(ctx)) found = undefined;
        } else if (p.label) found = store.findSessionByLabel(owner, p.label, p.agentId, p.spawnedBy);
        else throw new RpcError('INVALID_REQUEST', 'sessions.resolve needs key, sessionId or label', { details: { code: 'INVALID_PARAMS' } });
        if (found) return { ok: true, key: found.key, owner: found.owner };
        const main = p.key ? KEY_SHAPE.exec(p.key) : null;
        if (main && agentIds.has(main[1]!)) return { ok: true, key: p.key };
        throw new RpcError('INVALID_REQUEST', `no session matches ${JSON.stringify(p.key ?? p.sessionId ?? p.label)}`, { details: { code: 'NOT_FOUND' } });
      },
    }),
    defineMethod({
      name: 'sessions.create',
      params: obj({ key: optional(str({ min: 1, max: 500 })), agentId: optional(str()), label: optional(str({ min: 1, max: 200 })), model: optional(str()), parentSessionKey: optional(str()), task: optional(str({ max: MAX_MESSAGE_CHARS })), message: optional(str({ max: MAX_MESSAGE_CHARS })) }),
      handle: (ctx, p) => {
        const agentId = p.agentId ?? (p.key ? /^agent:([^:]+):/.exec(p.key)?.[1] : undefined) ?? s.facts.config.agents.list[0]?.id;
        if (!agentId || !agentIds.has(agentId)) throw new RpcError('INVALID_REQUEST', `unknown agent "${agentId ?? ''}"`, { details: { code: 'NOT_FOUND' } });
        if (p.parentSessionKey) throw new RpcError('INVALID_REQUEST', 'parentSessionKey is set by the gateway (use the sessions_spawn tool)', { details: { code: 'INVALID_PARAMS' } });
        const key = p.key ?? `agent:${agentId}:main`;
        const parsed = parseSessionKey(key);
        if (!parsed || parsed.agentId !== agentId) {
          throw new RpcError('INVALID_REQUEST', `invalid session key ${JSON.stringify(key.slice(0, 200))} for agent "${agentId}": expected ${SESSION_KEY_FORMS}`, { details: { code: 'INVALID_PARAMS' } });
        }
        const first = p.message ?? p.task;
        if (first) {
          checkMessageLength(first, s.facts.config.gateway.limits.maxMessageChars, p.message !== undefined ? 'message' : 'task');
          const r = sendToSession(runs, ctx, key, { message: first, idempotencyKey: randomUUID() });
          return { ok: true, key, sessionId: store.getSession(callerOwner(ctx), key)?.sessionId, runStarted: true, runId: r.runId };
        }
        if (key.includes(':subagent:')) throw new RpcError('INVALID_REQUEST', 'subagent sessions are created by the sessions_spawn tool', { details: { code: 'INVALID_PARAMS' } });
        const existed = store.getSession(callerOwner(ctx), key) !== undefined;
        const row = store.ensureSession({ owner: callerOwner(ctx), key, sessionId: randomUUID(), agentId, kind: parsed.kind, label: p.label ?? null, spawnedBy: null, spawnedByRun: null, actingFor: principalId(ctx.principal), depth: 0, model: p.model ?? null });
        if (!existed) publishSessionChanged(s.bus, row.owner, key, 'created', row);
        return { ok: true, key, sessionId: row.sessionId, runStarted: false };
      },
    }),
    defineMethod({
      name: 'sessions.send',
      params: obj({ key: str({ min: 1, max: 500 }), message: str({ max: 1_000_000 }), idempotencyKey: optional(str({ min: 1, max: 200 })), agentId: optional(str()), thinking: optional(str()), attachments: optional(arr(obj({}, { passthrough: true }))), timeoutMs: optional(runTimeoutMs()) }),
      handle: (ctx, p) => sendToSession(runs, ctx, p.key, p),
    }),
  ];
}
