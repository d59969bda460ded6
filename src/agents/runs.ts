// Runs: admission (idempotency, agent lookup, delegation policy), the acknowledgement write,
// per-session queueing, waiting and aborting. Executing a run is run-loop.ts's job.
import { randomUUID } from 'node:crypto';
import type { FrozenConfig } from '../config/load.js';
import { principalId, type Principal } from '../auth/decision.js';
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
import { executeRun, type RunOutcome } from './run-loop.js';
import { mainSessionKey, parseSessionKey } from './session-keys.js';
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

interface Live { ac: AbortController; done: Promise<RunOutcome>; subagent: boolean; sessionKey: string }

export interface RunManager {
  start(caller: CallerContext, input: StartRunInput): RunHandle;
  wait(runId: string, timeoutMs: number): Promise<{ status: string; run: RunRow | undefined }>;
  abort(sessionKey: string, runId?: string): number;
  readonly activeCount: number;
  /** Aborts everything in flight (shutdown). */
  stopAll(): Promise<void>;
}

/** A run that could not even start still ends: status error, and the events every waiter watches. */
function failedToStartWith(deps: { store: Store; bus: EventBus; log: Logger }, run: RunRow, err: unknown): RunOutcome {
  const error = `run could not start: ${err instanceof Error ? err.message : String(err)}`.slice(0, 2_000);
  try {
    deps.store.setRunStatus(run.runId, 'error', { error });
    deps.store.setSessionStatus(run.sessionKey, 'error', run.runId);
  } catch (storeErr) {
    deps.log.error('run outcome not stored', { runId: run.runId, status: 'error', err: storeErr });
  }
  deps.bus.publish({ event: 'agent', scope: 'operator.read', payload: { runId: run.runId, stream: 'lifecycle', ts: Date.now(), data: { phase: 'error', error, status: 'error' }, sessionKey: run.sessionKey } });
  deps.bus.publish({ event: 'chat', scope: 'operator.read', payload: { runId: run.runId, sessionKey: run.sessionKey, state: 'error', errorMessage: error } });
  deps.log.error('run failed to start', { runId: run.runId, error });
  return { status: 'error', reply: '', error };
}

const outcomeOf = (r: RunRow): RunOutcome => ({ status: r.status as RunOutcome['status'], reply: r.reply ?? '', error: r.error ?? undefined });

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
      const existing = store.getRun(input.runId);
      if (existing) {
        const l = live.get(existing.runId);
        return { run: existing, created: false, done: l ? l.done : Promise.resolve(outcomeOf(existing)) };
      }
      // Resolve the session and agent.
      let sessionKey = input.sessionKey;
      let agentId = input.agentId;
      if (sessionKey) {
        const parsed = parseSessionKey(sessionKey);
        if (!parsed) throw new RpcError('INVALID_REQUEST', `invalid sessionKey "${sessionKey}" (expected agent:<id>:main or agent:<id>:subagent:<uuid>)`, { details: { code: 'INVALID_PARAMS' } });
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
      const existingSession = store.getSession(sessionKey);
      if (parent) {
        // A delegation is only as good as its run: once the run ended, nothing may act for it.
        if (!live.has(parent.runId)) throw new RpcError('FORBIDDEN', `run ${parent.runId} has ended; it cannot start more work`, { details: { code: 'TOOL_DENIED' } });
        checkDelegatedRun(config, store, parent, agentId, activeSubagents, existingSession !== undefined);
      }
      const actingFor = parent?.actingFor ?? principalId(caller.principal);
      const depth = parent ? parent.depth + 1 : 0;
      const kind = parseSessionKey(sessionKey)!.kind;
      const run = store.acceptRun(
        {
          key: sessionKey, sessionId: randomUUID(), agentId, kind, label: input.label ?? null,
          spawnedBy: parent?.sessionKey ?? null, spawnedByRun: parent?.runId ?? null, actingFor, depth,
          model: agent.model ?? config.agents.defaults.model,
        },
        { runId: input.runId, sessionKey, agentId, actingFor, parentRunId: parent?.runId ?? null, parentSessionKey: parent?.sessionKey ?? null, depth, message: input.message },
        [{ type: 'text', text: input.message }],
      );
      log.info('run accepted', { runId: run.runId, agentId, sessionKey, actingFor, parentRunId: run.parentRunId, depth });
      deps.bus.publish({ event: 'sessions.changed', payload: { sessionKey, reason: existingSession ? 'run' : 'created', agentId, spawnedBy: run.parentSessionKey }, scope: 'operator.read' });

      const ac = new AbortController();
      const subagent = parent !== undefined;
      if (subagent) activeSubagents++;
      const delegation: Delegation = { actingFor, principal: caller.principal as Principal, agentId, sessionKey, runId: run.runId, depth };
      const prev = sessionTail.get(sessionKey) ?? Promise.resolve();
      const done: Promise<RunOutcome> = prev.catch(() => undefined).then(() => executeRun({
        ...deps, run, agent, delegation, scopes: principalScopes(caller), signal: ac.signal,
        extraSystemPrompt: input.extraSystemPrompt, timeoutMs: input.timeoutMs ?? config.agents.defaults.timeoutMs,
      })).catch((err: unknown) => failedToStartWith(deps, run, err)).finally(() => {
        live.delete(run.runId);
        if (subagent) activeSubagents--;
        if (sessionTail.get(sessionKey) === done) sessionTail.delete(sessionKey);
      });
      sessionTail.set(sessionKey, done);
      live.set(run.runId, { ac, done, subagent, sessionKey });
      return { run, created: true, done };
    },

    async wait(runId, timeoutMs) {
      const l = live.get(runId);
      if (l) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); });
        const r = await Promise.race([l.done, timeout]);
        clearTimeout(timer);
        if (r === 'timeout') return { status: 'timeout', run: store.getRun(runId) };
      }
      const run = store.getRun(runId);
      if (!run) return { status: 'not_found', run: undefined };
      return { status: FINAL_RUN_STATUSES.includes(run.status) ? run.status : 'pending', run };
    },

    abort(sessionKey, runId) {
      let n = 0;
      for (const [id, l] of live) {
        if (l.sessionKey !== sessionKey || (runId && id !== runId)) continue;
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
