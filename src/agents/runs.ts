// Runs: admission (idempotency, agent lookup, delegation policy), the acknowledgement write,
// per-session queueing, waiting and aborting. Executing a run is run-loop.ts's job.
import { randomUUID } from 'node:crypto';
import type { FrozenConfig } from '../config/load.js';
import { principalId, type Principal } from '../auth/decision.js';
import { callerOwner } from '../rpc/owner.js';
import { RpcError } from '../protocol/error-codes.js';
import type { Scope } from '../protocol/scopes.js';
import type { CallerContext, Delegation } from '../rpc/registry.js';
import { checkMessageLength } from '../rpc/message-limit.js';
import type { EventBus } from '../rpc/events.js';
import type { Dialer } from '../rpc/in-process.js';
import type { RunRow, Store } from '../store/types.js';
import { FINAL_RUN_STATUSES } from '../store/types.js';
import type { Logger } from '../util/log.js';
import { checkDelegatedRun, findAgent } from './policy.js';
import { publishSessionChanged, publishSessionMessage, readRow } from '../rpc/session-events.js';
import { executeRun, type RunOutcome } from './run-loop.js';
import { mainSessionKey, parseSessionKey, SESSION_KEY_FORMS } from './session-keys.js';
import type { ResolvedModel } from './models/index.js';
import type { ToolDef } from './tools/types.js';

export interface StartRunInput {
  runId: string;
  message: string;
  agentId?: string | undefined;
  sessionKey?: string | undefined;
  label?: string | undefined;
  spawnedBy?: string | undefined;
  extraSystemPrompt?: string | undefined;
  timeoutMs?: number | undefined;
}

export interface RunHandle {
  readonly run: RunRow;
  /** False when this call found an existing run with the same id (idempotent resend). */
  readonly created: boolean;
  readonly done: Promise<RunOutcome>;
}

export interface RunManagerDeps {
  config: FrozenConfig;
  store: Store;
  bus: EventBus;
  dial: Dialer;
  resolveModel: (ref: string) => ResolvedModel;
  tools: readonly ToolDef[];
  log: Logger;
}

interface Live { ac: AbortController; done: Promise<RunOutcome>; subagent: boolean; owner: string; sessionKey: string }

/** Live runs and session queues are keyed by owner too: two people may both have `hello-1`. */
const liveKey = (owner: string, id: string): string => `${owner}\u0000${id}`;

export interface RunManager {
  /** Starts a run in the caller's own session (its owner's); a run id names a run within its owner. */
  start(caller: CallerContext, input: StartRunInput): RunHandle;
  wait(caller: CallerContext, runId: string, timeoutMs: number): Promise<{ status: string; run: RunRow | undefined }>;
  /** Aborts the caller's own runs in a session (one, or all); returns how many. */
  abort(caller: CallerContext, sessionKey: string, runId?: string): number;
  readonly activeCount: number;
  /** Aborts everything in flight (shutdown). */
  stopAll(): Promise<void>;
}

/** A run that could not even start still ends: status error, and the events every waiter watches. */
function failedToStartWith(deps: { store: Store; bus: EventBus; log: Logger }, run: RunRow, err: unknown): RunOutcome {
  const error = `run could not start: ${err instanceof Error ? err.message : String(err)}`.slice(0, 2_000);
  try {
    deps.store.setRunStatus(run.owner, run.runId, 'error', { error });
    deps.store.setSessionStatus(run.owner, run.sessionKey, 'error', run.runId);
  } catch (storeErr) {
    deps.log.error('run outcome not stored', { runId: run.runId, status: 'error', err: storeErr });
  }
  deps.bus.publish({ event: 'agent', scope: 'operator.read', owner: run.owner, payload: { runId: run.runId, stream: 'lifecycle', ts: Date.now(), data: { phase: 'error', error, status: 'error' }, sessionKey: run.sessionKey } });
  deps.bus.publish({ event: 'chat', scope: 'operator.read', owner: run.owner, payload: { runId: run.runId, sessionKey: run.sessionKey, state: 'error', errorMessage: error } });
  deps.log.error('run failed to start', { runId: run.runId, error });
  return { status: 'error', reply: '', error };
}

const outcomeOf = (r: RunRow): RunOutcome => ({ status: r.status as RunOutcome['status'], reply: r.reply ?? '', error: r.error ?? undefined });

const nextTurn = (): Promise<void> => new Promise((resolve) => { setImmediate(resolve); });

export function createRunManager(deps: RunManagerDeps): RunManager {
  const { config, store, log } = deps;
  const live = new Map<string, Live>();
  const sessionTail = new Map<string, Promise<unknown>>();
  let activeSubagents = 0;

  const principalScopes = (caller: CallerContext): readonly Scope[] => caller.scopes;

  return {
    get activeCount() { return live.size; },

    start(caller, input) {
      // Every way to start a run (agent, chat.send, sessions.send, sessions.create, tools, channels) passes here.
      checkMessageLength(input.message, config.gateway.limits.maxMessageChars);
      const owner = callerOwner(caller);
      const existing = store.getRun(owner, input.runId);
      if (existing) {
        // Idempotent resend: the same key must mean the same request (as Stripe scopes keys per account).
        if (existing.message !== input.message || (input.sessionKey !== undefined && input.sessionKey !== existing.sessionKey) || (input.agentId !== undefined && input.agentId !== existing.agentId)) {
          throw new RpcError('INVALID_REQUEST', `idempotencyKey "${input.runId}" was already used for a different request; use a new key`, { details: { code: 'IDEMPOTENCY_CONFLICT', runId: input.runId } });
        }
        const l = live.get(liveKey(owner, existing.runId));
        return { run: existing, created: false, done: l ? l.done : Promise.resolve(outcomeOf(existing)) };
      }
      // Resolve the session and agent.
      let sessionKey = input.sessionKey;
      let agentId = input.agentId;
      if (sessionKey) {
        const parsed = parseSessionKey(sessionKey);
        if (!parsed) throw new RpcError('INVALID_REQUEST', `invalid sessionKey ${JSON.stringify(sessionKey.slice(0, 200))}: expected ${SESSION_KEY_FORMS}, or a sessionId of an existing session`, { details: { code: 'INVALID_PARAMS' } });
        if (agentId && agentId !== parsed.agentId) throw new RpcError('INVALID_REQUEST', `sessionKey belongs to agent "${parsed.agentId}", not "${agentId}"`, { details: { code: 'INVALID_PARAMS' } });
        agentId = parsed.agentId;
      } else {
        agentId ??= (config.agents.list.find((a) => a.default) ?? config.agents.list[0])?.id;
        if (!agentId) throw new RpcError('INVALID_REQUEST', 'no agents are configured', { details: { code: 'NOT_FOUND' } });
        sessionKey = mainSessionKey(agentId);
      }
      const agent = findAgent(config, agentId);
      if (!agent) throw new RpcError('INVALID_REQUEST', `unknown agent "${agentId}"`, { details: { code: 'NOT_FOUND' } });

      const parent: Delegation | undefined = caller.delegation;
      if (input.spawnedBy !== undefined && input.spawnedBy !== parent?.sessionKey) {
        throw new RpcError('INVALID_REQUEST', 'spawnedBy is set by the gateway for subagent runs and must name the calling session', { details: { code: 'INVALID_PARAMS' } });
      }
      const existingSession = store.getSession(owner, sessionKey);
      const kindOfKey = parseSessionKey(sessionKey)!.kind;
      if (!parent && kindOfKey === 'subagent' && !existingSession) {
        throw new RpcError('INVALID_REQUEST', `no session ${sessionKey} (subagent sessions are created by the sessions_spawn tool)`, { details: { code: 'NOT_FOUND' } });
      }
      if (parent) {
        // A delegation is only as good as its run: once the run ended, nothing may act for it.
        if (!live.has(liveKey(owner, parent.runId))) throw new RpcError('FORBIDDEN', `run ${parent.runId} has ended; it cannot start more work`, { details: { code: 'TOOL_DENIED' } });
        checkDelegatedRun(config, store, parent, agentId, activeSubagents, existingSession !== undefined);
      }
      const actingFor = parent?.actingFor ?? principalId(caller.principal);
      const depth = parent ? parent.depth + 1 : 0;
      const kind = kindOfKey;
      const run = store.acceptRun(
        {
          owner, key: sessionKey, sessionId: randomUUID(), agentId, kind, label: input.label ?? null,
          spawnedBy: parent?.sessionKey ?? null, spawnedByRun: parent?.runId ?? null, actingFor, depth,
          model: agent.model ?? config.agents.defaults.model,
        },
        { owner, runId: input.runId, sessionKey, agentId, actingFor, parentRunId: parent?.runId ?? null, parentSessionKey: parent?.sessionKey ?? null, depth, message: input.message },
        [{ type: 'text', text: input.message }],
        // Who wrote the message: the person, or for a subagent's task the agent that delegated it.
        parent ? `agent:${parent.agentId}` : principalId(caller.principal),
      );
      log.info('run accepted', { runId: run.runId, agentId, sessionKey, actingFor, owner, parentRunId: run.parentRunId, depth });
      // Keyed changes carry the session row, as OpenClaw's do; `ended` tells clients the run is over.
      const changed = (reason: 'created' | 'run' | 'ended') => publishSessionChanged(deps.bus, owner, sessionKey, reason, readRow(store, owner, sessionKey));
      changed(existingSession ? 'run' : 'created');
      publishSessionMessage(deps.bus, owner, {
        id: run.messageId, sessionKey, runId: run.runId, role: 'user', content: [{ type: 'text', text: input.message }],
        actingFor, sender: parent ? `agent:${parent.agentId}` : principalId(caller.principal), createdAt: run.createdAt,
      }, readRow(store, owner, sessionKey));

      const ac = new AbortController();
      const subagent = parent !== undefined;
      if (subagent) activeSubagents++;
      const delegation: Delegation = { actingFor, owner, principal: caller.principal as Principal, agentId, sessionKey, runId: run.runId, depth };
      const tailKey = liveKey(owner, sessionKey);
      const prev = sessionTail.get(tailKey) ?? Promise.resolve();
      // The run begins on a later turn of the event loop, so the request that started it is
      // answered before the run's first event (OpenClaw's TUI drops events of a run whose
      // chat.send it has not seen answered).
      const done: Promise<RunOutcome> = prev.catch(() => undefined).then(nextTurn).then(() => executeRun({
        ...deps, run, agent, delegation, scopes: principalScopes(caller), signal: ac.signal,
        extraSystemPrompt: input.extraSystemPrompt, timeoutMs: input.timeoutMs ?? config.agents.defaults.timeoutMs,
      })).catch((err: unknown) => failedToStartWith(deps, run, err)).finally(() => {
        changed('ended');
        live.delete(liveKey(owner, run.runId));
        if (subagent) activeSubagents--;
        if (sessionTail.get(tailKey) === done) sessionTail.delete(tailKey);
      });
      sessionTail.set(tailKey, done);
      live.set(liveKey(owner, run.runId), { ac, done, subagent, owner, sessionKey });
      return { run, created: true, done };
    },

    async wait(caller, runId, timeoutMs) {
      const owner = callerOwner(caller);
      const l = live.get(liveKey(owner, runId));
      if (l) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); });
        const r = await Promise.race([l.done, timeout]);
        clearTimeout(timer);
        if (r === 'timeout') return { status: 'timeout', run: store.getRun(owner, runId) };
      }
      const run = store.getRun(owner, runId);
      if (!run) return { status: 'not_found', run: undefined };
      return { status: FINAL_RUN_STATUSES.includes(run.status) ? run.status : 'pending', run };
    },

    abort(caller, sessionKey, runId) {
      const owner = callerOwner(caller);
      let n = 0;
      for (const [id, l] of live) {
        if (l.owner !== owner || l.sessionKey !== sessionKey || (runId && id !== liveKey(owner, runId))) continue;
        l.ac.abort(new Error('aborted'));
        n++;
      }
      return n;
    },

    async stopAll() {
      for (const l of live.values()) l.ac.abort(new Error('gateway stopping'));
      await Promise.allSettled([...live.values()].map((l) => l.done));
    },
  };
}
