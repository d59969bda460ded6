// Executes one accepted run: model turn → tool calls → model turn … until a reply, streaming
// `agent` and `chat` events and persisting every transcript entry as it happens. Tools run
// through an in-process client acting for the run's principal, scoped by tool policy.
import type { FrozenConfig } from '../config/load.js';
import { hasScope, type Scope } from '../protocol/scopes.js';
import { formatIssues, validate } from '../protocol/schema.js';
import { GatewayRequestError } from '../client/client.js';
import type { CallerContext, Delegation } from '../rpc/registry.js';
import type { EventBus } from '../rpc/events.js';
import type { Dialer } from '../rpc/in-process.js';
import type { MessageRow, RunRow, Store } from '../store/types.js';
import type { Logger } from '../util/log.js';
import type { ResolvedModel } from './models/index.js';
import { runInput } from './history.js';
import type { ChatMessage, ModelTurn, ToolCall } from './models/types.js';
import { createDeltaStream } from './delta-stream.js';
import { setImmediate as nextIteration } from 'node:timers/promises';
import { allowedToolNames, type AgentConfig } from './policy.js';
import { parseSessionKey } from './session-keys.js';
import { ToolError, type ToolDef } from './tools/types.js';
import { publishSessionMessage, readRow } from '../rpc/session-events.js';

export interface RunOutcome { status: 'ok' | 'error' | 'aborted' | 'interrupted' | 'timeout'; reply: string; error?: string | undefined }

export interface RunContext {
  config: FrozenConfig;
  store: Store;
  bus: EventBus;
  dial: Dialer;
  resolveModel: (ref: string) => ResolvedModel;
  tools: readonly ToolDef[];
  log: Logger;
  run: RunRow;
  agent: AgentConfig;
  delegation: Delegation;
  /** Scopes of whoever started the run; tool calls never exceed them. */
  scopes: readonly Scope[];
  signal: AbortSignal;
  extraSystemPrompt: string | undefined;
  timeoutMs: number;
}

const MAX_TURNS = 8;
/** Chat deltas also carry the turn's cumulative text (for OpenClaw's Control UI) up to this size. */
export const CUMULATIVE_CHAT_MAX_CHARS = 8 * 1024;
/** The chat `final` event carries the whole reply up to this size; beyond, only `messageOmitted`. */
export const FINAL_CHAT_MAX_CHARS = 64 * 1024;

const assistantMessage = (text: string) => ({ role: 'assistant', content: [{ type: 'text', text }] });

/** Scopes the tool client gets: the starter's scopes that the agent's allowed tools need. */
export function toolScopes(starter: readonly Scope[], tools: readonly ToolDef[]): Scope[] {
  const needed = new Set(tools.flatMap((t) => t.scopes));
  return [...needed].filter((s) => hasScope(starter, s));
}

export async function executeRun(ctx: RunContext): Promise<RunOutcome> {
  const { run, store, bus, log } = ctx;
  const started = Date.now();
  const sender = `agent:${run.agentId}`;
  let agentSeq = 0;
  let chatSeq = 0;
  const emitAgent = (stream: string, data: Record<string, unknown>) => bus.publish({
    event: 'agent', scope: 'operator.read', owner: run.owner,
    payload: { runId: run.runId, seq: ++agentSeq, stream, ts: Date.now(), data, sessionKey: run.sessionKey, ...(run.parentSessionKey ? { spawnedBy: run.parentSessionKey } : {}), actingFor: run.actingFor },
  });
  const emitChat = (state: string, extra: Record<string, unknown>) => bus.publish({
    event: 'chat', scope: 'operator.read', owner: run.owner, payload: { runId: run.runId, sessionKey: run.sessionKey, seq: ++chatSeq, state, ...extra },
  });

  /** A stored transcript entry, to the connections following this session (session.message). */
  const announce = (m: MessageRow) => publishSessionMessage(bus, run.owner, m, readRow(store, run.owner, run.sessionKey));

  const timeout = AbortSignal.timeout(ctx.timeoutMs);
  const signal = AbortSignal.any([ctx.signal, timeout]);
  const names = allowedToolNames(ctx.config, ctx.agent, ctx.tools.map((t) => t.name), parseSessionKey(run.sessionKey)?.kind === 'subagent');
  const allowed = ctx.tools.filter((t) => names.includes(t.name));
  const caller: CallerContext = {
    connId: `internal:${run.runId}`, principal: ctx.delegation.principal, role: 'operator',
    scopes: toolScopes(ctx.scopes, allowed), client: { id: 'gateway-client', mode: 'backend', version: 'internal' }, delegation: ctx.delegation,
  };
  const gateway = ctx.dial(caller);

  emitAgent('lifecycle', { phase: 'start', startedAt: started });
  let reply = '';
  try {
    store.setRunStatus(run.owner, run.runId, 'running');
    const model = ctx.resolveModel(ctx.agent.model ?? ctx.config.agents.defaults.model);
    const system = [ctx.agent.systemPrompt, ctx.extraSystemPrompt].filter(Boolean).join('\n\n');
    const messages: ChatMessage[] = [...(system ? [{ role: 'system' as const, content: system }] : []), ...runInput(store, run)];
    for (let turn = 0; turn < MAX_TURNS; turn++) {
      // Every flush carries only its new text. OpenClaw's Control UI reads the cumulative
      // `message` of chat deltas, so it rides along while the turn's text is short.
      let head = '';
      let flushed = 0;
      const deltas = createDeltaStream((delta) => {
        flushed += delta.length;
        emitAgent('assistant', { delta });
        emitChat('delta', flushed <= CUMULATIVE_CHAT_MAX_CHARS ? { delta, message: assistantMessage(head) } : { delta });
      });
      let result: ModelTurn;
      try {
        result = await model.provider.complete({ model: model.model, messages, tools: allowed, signal }, (delta) => {
          if (head.length <= CUMULATIVE_CHAT_MAX_CHARS) head += delta;
          deltas.push(delta);
        });
      } finally {
        deltas.close();
      }
      signal.throwIfAborted();
      if (result.toolCalls.length === 0) { reply = result.text; break; }
      const calls = result.toolCalls;
      announce(store.appendMessage(run.owner, { sessionKey: run.sessionKey, runId: run.runId, role: 'assistant', actingFor: run.actingFor, sender, content: [
        ...(result.text ? [{ type: 'text', text: result.text }] : []),
        ...calls.map((c) => ({ type: 'toolCall', id: c.id, name: c.name, arguments: safeJson(c.arguments) })),
      ] }));
      messages.push({ role: 'assistant', content: result.text, toolCalls: calls });
      for (const call of calls) {
        // A tool must not keep an aborted or timed-out run alive (and holding its slot).
        const r = await raceAbort(runTool(ctx, gateway, allowed, call, signal, emitAgent), signal);
        announce(store.appendMessage(run.owner, { sessionKey: run.sessionKey, runId: run.runId, role: 'toolResult', actingFor: run.actingFor, sender,
          content: { toolCallId: call.id, toolName: call.name, isError: r.isError, text: r.text } }));
        messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content: r.text, isError: r.isError });
      }
      if (turn === MAX_TURNS - 1) reply = `stopped after ${MAX_TURNS} model turns`;
    }
    // Each write of a long reply is a synchronous, fsynced commit: let other work run between them.
    const stored = store.appendMessage(run.owner, { sessionKey: run.sessionKey, runId: run.runId, role: 'assistant', actingFor: run.actingFor, sender, content: [{ type: 'text', text: reply }] });
    if (reply.length > FINAL_CHAT_MAX_CHARS) await nextIteration();
    store.setRunStatus(run.owner, run.runId, 'ok', { reply });
    store.setSessionStatus(run.owner, run.sessionKey, 'done', run.runId);
    announce(stored);
    emitAgent('lifecycle', { phase: 'end', endedAt: Date.now() });
    // The final event repeats the reply only when that is cheap; clients have it from the deltas.
    // messageId names the stored entry (as chat.history's messageId), so a client can tell the
    // streamed reply and the stored one are the same message.
    const ref = { messageId: String(stored.id), messageSeq: stored.id };
    emitChat('final', reply.length <= FINAL_CHAT_MAX_CHARS ? { message: assistantMessage(reply), stopReason: 'stop', ...ref } : { stopReason: 'stop', messageOmitted: true, ...ref });
    log.info('run finished', { runId: run.runId, status: 'ok', durationMs: Date.now() - started, actingFor: run.actingFor });
    return { status: 'ok', reply };
  } catch (err) {
    const reason = signal.aborted ? (timeout.aborted && !ctx.signal.aborted ? 'timeout' : String((ctx.signal.reason as Error | undefined)?.message ?? 'aborted')) : undefined;
    const status: RunOutcome['status'] = reason === 'timeout' ? 'timeout' : reason === 'gateway stopping' ? 'interrupted' : reason ? 'aborted' : 'error';
    const message = reason === 'timeout' ? `run timed out after ${ctx.timeoutMs} ms` : reason ?? (err instanceof Error ? err.message : String(err));
    try {
      store.setRunStatus(run.owner, run.runId, status, { error: message });
      store.setSessionStatus(run.owner, run.sessionKey, status === 'timeout' ? 'error' : status, run.runId);
    } catch (storeErr) {
      // A lost database still gets an error outcome on the wire; the cause is logged once by main.ts.
      log.error('run outcome not stored', { runId: run.runId, status, err: storeErr });
    }
    emitAgent('lifecycle', { phase: 'error', error: message, status });
    emitChat(status === 'aborted' ? 'aborted' : 'error', { errorMessage: message });
    log.warn('run failed', { runId: run.runId, status, error: message, actingFor: run.actingFor });
    return { status, reply: '', error: message };
  } finally {
    gateway.close();
  }
}

/** Rejects as soon as `signal` aborts, whatever `p` is still waiting for. */
function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then((v) => { signal.removeEventListener('abort', onAbort); resolve(v); }, (e: unknown) => { signal.removeEventListener('abort', onAbort); reject(e); });
  });
}

function safeJson(text: string): unknown {
  try { return JSON.parse(text) as unknown; } catch { return text; }
}

async function runTool(
  ctx: RunContext, gateway: ReturnType<Dialer>, allowed: readonly ToolDef[], call: ToolCall, signal: AbortSignal,
  emit: (stream: string, data: Record<string, unknown>) => void,
): Promise<{ isError: boolean; text: string }> {
  const base = { name: call.name, toolCallId: call.id, actingFor: ctx.delegation.actingFor };
  const fail = (message: string) => {
    emit('tool', { ...base, phase: 'result', isError: true, result: { error: message } });
    ctx.log.info('tool call failed', { runId: ctx.run.runId, tool: call.name, error: message, actingFor: ctx.delegation.actingFor });
    return { isError: true, text: JSON.stringify({ error: message }) };
  };
  let rawArgs: unknown;
  try { rawArgs = JSON.parse(call.arguments); } catch (e) {
    emit('tool', { ...base, phase: 'start', args: call.arguments });
    return fail(`invalid arguments: not valid JSON (${(e as Error).message})`);
  }
  emit('tool', { ...base, phase: 'start', args: rawArgs });
  const tool = allowed.find((t) => t.name === call.name);
  if (!tool) {
    const exists = ctx.tools.some((t) => t.name === call.name);
    return fail(exists ? `tool "${call.name}" is not allowed for agent "${ctx.agent.id}"` : `unknown tool "${call.name}"`);
  }
  const parsed = validate(tool.args, rawArgs ?? {});
  if (!parsed.ok) return fail(`invalid arguments: ${formatIssues(parsed.issues, parsed.omitted)}`);
  try {
    const result = await tool.run({ gateway, delegation: ctx.delegation, signal }, parsed.value);
    emit('tool', { ...base, phase: 'result', isError: false, result });
    ctx.log.info('tool call', { runId: ctx.run.runId, tool: call.name, actingFor: ctx.delegation.actingFor, depth: ctx.delegation.depth });
    return { isError: false, text: JSON.stringify(result) };
  } catch (err) {
    if (err instanceof ToolError || err instanceof GatewayRequestError) return fail(err.message);
    throw err;
  }
}
