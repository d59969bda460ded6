// The method registry: each method has a params schema and a handler; the scope each needs
// comes from the one table in protocol/scopes.ts. Dispatch order is fixed: known method →
// scope → params → handler, and every failure becomes a wire error shape.
import { errorShape, RpcError, type ErrorShape } from '../protocol/error-codes.js';
import type { ReqFrame } from '../protocol/frames.js';
import { bound, formatIssues, validate, type Schema } from '../protocol/schema.js';
import { hasScope, requiredScope, type Role, type Scope } from '../protocol/scopes.js';
import type { Principal } from '../auth/decision.js';
import type { Logger } from '../util/log.js';
import { StoreUnavailableError } from '../store/guard.js';
import type { ConnectionSubscriptions } from './subscriptions.js';

/** Who is calling and on whose behalf; identical for socket and in-process callers. */
export interface CallerContext {
  readonly connId: string;
  readonly principal: Principal;
  readonly role: Role;
  readonly scopes: readonly Scope[];
  readonly client: { readonly id: string; readonly mode: string; readonly version: string };
  /** Set for in-process callers acting inside a run (tools): the delegation chain. */
  readonly delegation?: Delegation;
}

/** The run a tool call is made on behalf of, carried down to every subagent. */
export interface Delegation {
  /** Principal id of the person or channel that started the work, e.g. trusted-proxy:me@example.com. */
  readonly actingFor: string;
  /** Owner of the run, and so of everything it starts (rpc/owner.ts). */
  readonly owner: string;
  readonly principal: Principal;
  readonly agentId: string;
  readonly sessionKey: string;
  readonly runId: string;
  readonly depth: number;
}

export interface CallContext extends CallerContext {
  readonly requestId: string;
  /** Sends an intermediate `res` with the same id (e.g. `agent`'s accepted ack). */
  ack(payload: unknown): void;
  /** Aborted when the caller disconnects or cancels the request. */
  readonly signal: AbortSignal;
  /** The connection's event subscriptions (sessions.subscribe and friends); absent for callers that take no events. */
  readonly subscriptions?: ConnectionSubscriptions;
}

export interface MethodDef<P = unknown> {
  readonly name: string;
  readonly params: Schema<P>;
  handle(ctx: CallContext, params: P): unknown | Promise<unknown>;
}

export const defineMethod = <P>(def: MethodDef<P>): MethodDef<unknown> => def as MethodDef<unknown>;

export interface Router {
  readonly methods: readonly string[];
  /** Runs one request; resolves to the final payload or a wire error. Never throws. */
  dispatch(ctx: Omit<CallContext, 'requestId'>, frame: ReqFrame): Promise<{ ok: true; payload: unknown } | { ok: false; error: ErrorShape; payload?: unknown }>;
}

export function createRouter(defs: readonly MethodDef<unknown>[], log: Logger): Router {
  const byName = new Map<string, MethodDef<unknown>>();
  for (const d of defs) {
    if (byName.has(d.name)) throw new Error(`method registered twice: ${d.name}`);
    byName.set(d.name, d);
  }
  return {
    methods: [...byName.keys()],
    async dispatch(ctx, frame) {
      const def = byName.get(frame.method);
      if (!def) {
        const method = bound(frame.method, 200);
        log.debug('unknown method', { method, connId: ctx.connId, client: ctx.client.id });
        return { ok: false, error: errorShape('INVALID_REQUEST', `unknown method: ${method}`, { details: { code: 'UNKNOWN_METHOD' } }) };
      }
      const needed = requiredScope(def.name);
      if (ctx.role !== 'operator' || !hasScope(ctx.scopes, needed)) {
        return { ok: false, error: errorShape('FORBIDDEN', `missing scope: ${needed}`, { details: { code: 'MISSING_SCOPE', missingScope: needed, requiredScopes: [needed] } }) };
      }
      const parsed = validate(def.params, frame.params ?? {}, { lenientRoot: true });
      if (parsed.ignored.length > 0) log.debug('ignored unknown params', { method: def.name, connId: ctx.connId, params: parsed.ignored });
      if (!parsed.ok) {
        return { ok: false, error: errorShape('INVALID_REQUEST', `invalid ${def.name} params: ${formatIssues(parsed.issues, parsed.omitted)}`, { details: { code: 'INVALID_PARAMS', issues: parsed.issues, ...(parsed.omitted > 0 ? { omittedIssues: parsed.omitted } : {}) } }) };
      }
      try {
        const payload = await def.handle({ ...ctx, requestId: frame.id }, parsed.value);
        return { ok: true, payload };
      } catch (err) {
        if (err instanceof RpcError) return err.payload === undefined ? { ok: false, error: err.shape } : { ok: false, error: err.shape, payload: err.payload };
        if (err instanceof StoreUnavailableError) return { ok: false, error: errorShape('UNAVAILABLE', err.message, { details: { code: 'STORE_UNAVAILABLE' }, retryable: false }) };
        log.error('method failed', { method: def.name, connId: ctx.connId, err });
        return { ok: false, error: errorShape('UNAVAILABLE', 'internal error', { details: { code: 'INTERNAL_ERROR' }, retryable: true }) };
      }
    },
  };
}
