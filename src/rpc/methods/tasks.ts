// OpenClaw's background tasks, as far as clawgate has them: the subagents a session's runs
// spawned. OpenClaw's Control UI lists a chat's tasks in its Tasks panel and opens a task's
// transcript from there (tasks.get, tasks.history). A task is one subagent session of the
// caller's own; its id is the session's sessionId, so it names nothing of another owner's.
import { arr, literal, num, obj, oneOf, optional, str } from '../../protocol/schema.js';
import { RpcError } from '../../protocol/error-codes.js';
import type { SessionRow, SessionStatus } from '../../store/types.js';
import { defineMethod, type CallContext, type MethodDef } from '../registry.js';
import { callerOwner } from '../owner.js';
import type { SessionReader } from '../context.js';
import { readHistoryPage } from '../history.js';
import type { ResponseLimits } from '../paging.js';

const TASK_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled', 'timed_out'] as const;
type TaskStatus = (typeof TASK_STATUSES)[number];
const STATUS_OF: Record<SessionStatus, TaskStatus> = {
  idle: 'queued', running: 'running', done: 'completed', error: 'failed', aborted: 'cancelled', interrupted: 'cancelled',
};
/** Most subagent sessions a tasks.list looks through (the newest first). */
const SCAN_LIMIT = 2_000;
/** tasks.history pages: OpenClaw's cap on `limit`, and a page of at most 1 MiB. */
const HISTORY_PAGE_BYTES = 1024 * 1024;

const taskStatus = literal(...TASK_STATUSES);

/** A subagent session as OpenClaw's task row. */
export function toTask(s: SessionRow): Record<string, unknown> {
  const status = STATUS_OF[s.status];
  const ended = status !== 'queued' && status !== 'running';
  return {
    id: s.sessionId, kind: 'subagent', runtime: 'subagent', status, title: s.label ?? `${s.agentId} subagent`,
    agentId: s.agentId, ...(s.spawnedBy ? { sessionKey: s.spawnedBy } : {}), childSessionKey: s.key, hasTranscript: true,
    ...(s.lastRunId ? { runId: s.lastRunId } : {}), createdAt: s.createdAt, updatedAt: s.updatedAt, startedAt: s.createdAt,
    ...(ended ? { endedAt: s.updatedAt } : {}),
  };
}

export function tasksMethods(store: SessionReader, limits: ResponseLimits): MethodDef[] {
  /** The caller's own subagent session with this task id, or NOT_FOUND. */
  const taskSession = (ctx: CallContext, taskId: string): SessionRow => {
    const s = store.getSessionById(taskId);
    if (!s || s.owner !== callerOwner(ctx) || s.kind !== 'subagent') {
      throw new RpcError('INVALID_REQUEST', `no task ${JSON.stringify(taskId.slice(0, 200))}`, { details: { code: 'NOT_FOUND' } });
    }
    return s;
  };
  const taskId = str({ min: 1, max: 200 });
  const cursor = optional(str({ max: 512 }));
  const offsetOf = (c: string | undefined): number => {
    if (c === undefined || c === '') return 0;
    if (!/^\d{1,9}$/.test(c)) throw new RpcError('INVALID_REQUEST', 'invalid cursor: pass back the nextCursor of the previous page', { details: { code: 'INVALID_PARAMS' } });
    return Number(c);
  };
  return [
    defineMethod({
      name: 'tasks.list',
      params: obj({
        status: optional(oneOf(taskStatus, arr(taskStatus, { max: TASK_STATUSES.length }))),
        // The UI sends the chat's agent with the chat's key; tasks are chosen by the key.
        agentId: optional(str({ min: 1, max: 64 })),
        sessionKey: optional(str({ min: 1, max: 500 })),
        limit: optional(num({ int: true, min: 1, max: 500 })),
        cursor,
        sortBy: optional(literal('updatedAt', 'endedAt')),
      }),
      handle: (ctx, p) => {
        const wanted = p.status === undefined ? undefined : new Set<string>(Array.isArray(p.status) ? p.status : [p.status]);
        const rows = store.listSessions({ owner: callerOwner(ctx), ...(p.sessionKey ? { spawnedBy: p.sessionKey } : {}), archived: 'all', limit: SCAN_LIMIT })
          .filter((s) => s.kind === 'subagent')
          .map(toTask)
          .filter((t) => !wanted || wanted.has(t.status as string));
        const offset = offsetOf(p.cursor);
        const limit = p.limit ?? 100;
        const page = rows.slice(offset, offset + limit);
        return { tasks: page, ...(offset + page.length < rows.length ? { nextCursor: String(offset + page.length) } : {}) };
      },
    }),
    defineMethod({
      name: 'tasks.get',
      params: obj({ taskId }),
      handle: (ctx, p) => ({ task: toTask(taskSession(ctx, p.taskId)) }),
    }),
    defineMethod({
      name: 'tasks.history',
      params: obj({ taskId, cursor: optional(str({ max: 8192 })), limit: optional(num({ int: true, min: 1, max: 200 })) }),
      // The subagent's transcript as chat.history pages it (newest page first, oldest first within).
      handle: (ctx, p) => {
        const s = taskSession(ctx, p.taskId);
        const page = readHistoryPage(store, s.owner, s.key, { offset: offsetOf(p.cursor), limit: p.limit ?? 50, maxBytes: HISTORY_PAGE_BYTES }, limits);
        return { messages: page.messages, ...(page.hasMore && page.nextOffset !== undefined ? { nextCursor: String(page.nextOffset) } : {}) };
      },
    }),
  ];
}
