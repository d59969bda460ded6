// The gateway's metric set (docs/metrics.md): connections, auth decisions, runs, tool calls,
// and handshake and RPC latencies. Fed by plain callbacks — one per handshake decision, one per
// bus event, one per dispatched request — so nothing else imports this folder's types. Every
// label value comes from a bounded set. Another component adds its own metrics through
// `registry` (counter, gauge, histogram).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PROMETHEUS_CONTENT_TYPE, createRegistry, type Registry } from './registry.js';

export const RUN_STATUSES = ['ok', 'error', 'aborted', 'interrupted', 'timeout'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** The `tool` label for a name the gateway does not know (model output is not a bounded set). */
export const UNKNOWN_TOOL_LABEL = 'unknown';
/** The `method` label for a method name the gateway does not serve (caller input is not a bounded set). */
export const UNKNOWN_METHOD_LABEL = 'unknown';
/** Distinct unknown method names counted by name; the rest fold into OTHER_METHOD_LABEL. */
export const MAX_UNKNOWN_METHOD_NAMES = 50;
export const OTHER_METHOD_LABEL = 'other';

export interface GatewayMetricsOptions {
  /** Epoch ms the gateway started. */
  readonly startedAt: number;
  readonly now?: () => number;
  /** Current authenticated WebSocket connections. */
  readonly connections: () => number;
  /** Tool names that get their own `tool` label value. */
  readonly toolNames: readonly string[];
  /** Method names that get their own `method` label value (read on first use). */
  readonly methodNames?: () => readonly string[];
}

export interface GatewayMetrics {
  readonly registry: Registry;
  readonly contentType: string;
  /** One per handshake that reached an auth stage: allow (reason = principal kind) or deny (reason = wire auth reason); `seconds` = time to decide. */
  authDecision(result: 'allow' | 'deny', reason: string, seconds?: number): void;
  /** One per dispatched request: method name (unknown names fold into "unknown"), outcome, seconds to the final answer. */
  rpc(method: string, ok: boolean, seconds: number): void;
  /** Feed every bus event; `agent` lifecycle and tool events are counted, the rest ignored. */
  observe(event: { readonly event: string; readonly payload: unknown }): void;
  render(): Promise<string>;
}

interface AgentEvent { runId?: unknown; stream?: unknown; data?: { phase?: unknown; status?: unknown; name?: unknown; isError?: unknown } }

export function createGatewayMetrics(opts: GatewayMetricsOptions): GatewayMetrics {
  const now = opts.now ?? Date.now;
  const tools = new Set(opts.toolNames);
  const registry = createRegistry();
  registry.gauge('clawgate_connections', 'Authenticated WebSocket connections open now.', { collect: opts.connections });
  const decisions = registry.counter('clawgate_auth_decisions_total', 'WebSocket connect auth decisions, by result and reason (wire auth reason for denials, principal kind for allows).', { labelNames: ['result', 'reason'] });
  const runs = registry.counter('clawgate_runs_total', 'Agent runs finished, by final status.', { labelNames: ['status'], initial: RUN_STATUSES.map((status) => ({ status })) });
  const active = registry.gauge('clawgate_runs_active', 'Agent runs executing now.');
  const toolCalls = registry.counter('clawgate_tool_calls_total', 'Tool calls made by agent runs, by tool and result.', { labelNames: ['tool', 'result'] });
  registry.gauge('clawgate_uptime_seconds', 'Seconds since the gateway started.', { collect: () => Math.max(0, (now() - opts.startedAt) / 1000) });
  const handshakes = registry.histogram('clawgate_handshake_duration_seconds', 'Time from a connect request to its auth decision, by result.', { labelNames: ['result'] });
  const rpcs = registry.histogram('clawgate_rpc_duration_seconds', 'Time from a request to its final response, by method and result (ok or error).', { labelNames: ['method', 'result'] });
  const unknownCalls = registry.counter('clawgate_unknown_method_calls_total', `Calls to methods the gateway does not serve, by method name (the first ${MAX_UNKNOWN_METHOD_NAMES} distinct names; later ones and unusual spellings count as "${OTHER_METHOD_LABEL}").`, { labelNames: ['method'] });
  const unknownNames = new Set<string>();
  const running = new Set<string>();
  let methods: ReadonlySet<string> | undefined;

  return {
    registry,
    contentType: PROMETHEUS_CONTENT_TYPE,
    authDecision(result, reason, seconds) {
      decisions.inc({ result, reason });
      if (seconds !== undefined) handshakes.observe({ result }, seconds);
    },
    rpc(method, ok, seconds) {
      methods ??= new Set(opts.methodNames?.() ?? []);
      rpcs.observe({ method: methods.has(method) ? method : UNKNOWN_METHOD_LABEL, result: ok ? 'ok' : 'error' }, seconds);
      if (!methods.has(method)) {
        const sane = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/.test(method);
        if (sane && unknownNames.size < MAX_UNKNOWN_METHOD_NAMES) unknownNames.add(method);
        unknownCalls.inc({ method: sane && unknownNames.has(method) ? method : OTHER_METHOD_LABEL });
      }
    },
    observe(e) {
      if (e.event !== 'agent' || typeof e.payload !== 'object' || e.payload === null) return;
      const p = e.payload as AgentEvent;
      const runId = String(p.runId);
      if (p.stream === 'lifecycle') {
        const phase = p.data?.phase;
        if (phase === 'start') { running.add(runId); active.set(running.size); return; }
        if (phase !== 'end' && phase !== 'error') return;
        const status: RunStatus = phase === 'end' ? 'ok' : (RUN_STATUSES as readonly unknown[]).includes(p.data?.status) ? p.data!.status as RunStatus : 'error';
        runs.inc({ status });
        running.delete(runId);
        active.set(running.size);
      } else if (p.stream === 'tool' && p.data?.phase === 'result') {
        const name = typeof p.data.name === 'string' && tools.has(p.data.name) ? p.data.name : UNKNOWN_TOOL_LABEL;
        toolCalls.inc({ tool: name, result: p.data.isError === true ? 'error' : 'ok' });
      }
    },
    render: () => registry.render(),
  };
}

/** The HTTP handler that answers a scrape (auth, if any, wraps it outside this folder). */
export function metricsHandler(metrics: GatewayMetrics): (req: IncomingMessage, res: ServerResponse) => void {
  return (_req, res) => {
    metrics.render().then((body) => {
      res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    }, () => {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('metrics unavailable\n');
    });
  };
}
