// The gateway's stability recorder, read by `diagnostics.stability` (`openclaw status --all`,
// `openclaw gateway stability`): a bounded ring of records in OpenClaw's sanitized shape —
// every sample a process memory reading and a heartbeat (active runs, connections, uptime,
// event-loop delay and utilisation), event-loop liveness warnings, run outcomes and refused
// connects.
// Records hold counts, sizes, durations and reason codes only: never message text, session
// keys, principals, addresses or secrets, so any `operator.read` caller may read them.
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';

export const STABILITY_CAPACITY = 1_000;
export const STABILITY_DEFAULT_LIMIT = 50;
/** Event-loop delay (p99 over one sample interval) at which a liveness warning is recorded, as OpenClaw. */
export const LIVENESS_DELAY_WARN_MS = 1_000;
const SAFE_CODE = /^[A-Za-z0-9_.:-]{1,120}$/;
/** Refused connects with the same reason within this window share one record (its `count`). */
const COALESCE_MS = 1_000;
/** The most of the ring refused-connect records may take. */
const REFUSAL_SHARE = 0.25;

export interface StabilityMemory { rssBytes: number; heapUsedBytes: number; heapTotalBytes: number; externalBytes: number; arrayBuffersBytes: number }

export interface StabilityRecord {
  seq: number;
  ts: number;
  type: string;
  level?: 'info' | 'warning';
  source?: string;
  action?: string;
  target?: string;
  outcome?: string;
  reason?: string;
  durationMs?: number;
  count?: number;
  active?: number;
  waiting?: number;
  queued?: number;
  eventLoopDelayP99Ms?: number;
  eventLoopDelayMaxMs?: number;
  eventLoopUtilization?: number;
  memory?: StabilityMemory;
  /** diagnostic.heartbeat: OpenClaw's webhook counters (clawgate has no webhooks: zeros) and clawgate's own gauges. */
  webhooks?: { received: number; processed: number; errors: number };
  connections?: number;
  uptimeMs?: number;
}

export interface StabilityQuery { limit?: number | undefined; type?: string | undefined; sinceSeq?: number | undefined }

export interface StabilitySnapshot {
  generatedAt: string;
  capacity: number;
  count: number;
  dropped: number;
  firstSeq?: number;
  lastSeq?: number;
  events: StabilityRecord[];
  summary: {
    byType: Record<string, number>;
    memory?: { latest: StabilityMemory | undefined; maxRssBytes: number | undefined; maxHeapUsedBytes: number | undefined; pressureCount: number };
  };
}

export interface StabilityRecorder {
  /** A sample of memory and event-loop health now (also taken every `sampleMs`). */
  sample(): void;
  /** One per agent lifecycle event on the bus (start, end, error). */
  observeAgent(payload: unknown): void;
  /** One per connect that reached the credential check: a refusal is recorded with its auth reason. */
  authDecision(result: 'allow' | 'deny', reason: string): void;
  snapshot(q?: StabilityQuery): StabilitySnapshot;
  stop(): void;
}

export interface StabilityOptions {
  readonly now?: () => number;
  /** How often memory and the event loop are sampled; default 60 s. */
  readonly sampleMs?: number;
  readonly capacity?: number;
  /** Agent runs executing now (heartbeats and liveness warnings). */
  readonly activeRuns?: () => number;
  /** Authenticated connections open now (heartbeats). */
  readonly connections?: () => number;
  /** Epoch ms the gateway started (heartbeats' uptimeMs); default: when the recorder was made. */
  readonly startedAt?: number;
  /** p99 event-loop delay that records a liveness warning; default LIVENESS_DELAY_WARN_MS. */
  readonly livenessWarnMs?: number;
}

export function createStabilityRecorder(opts: StabilityOptions = {}): StabilityRecorder {
  const now = opts.now ?? Date.now;
  const capacity = opts.capacity ?? STABILITY_CAPACITY;
  const ring: StabilityRecord[] = [];
  let seq = 0;
  let dropped = 0;
  const started = new Map<string, number>();

  /** Refused-connect records in the ring: at most a quarter of it (REFUSAL_SHARE). */
  let refusals = 0;
  const isRefusal = (r: StabilityRecord) => r.type === 'security.event';
  const push = (r: Omit<StabilityRecord, 'seq' | 'ts'>): StabilityRecord => {
    const rec = { seq: ++seq, ts: now(), ...r };
    ring.push(rec);
    if (isRefusal(rec)) refusals++;
    if (ring.length > capacity) { if (isRefusal(ring.shift()!)) refusals--; dropped++; }
    return rec;
  };
  /** The newest refusal record of each reason (reasons are a closed set of codes). */
  const newestRefusal = new Map<string, StabilityRecord>();
  const inRing = (r: StabilityRecord) => ring.length > 0 && r.seq >= ring[0]!.seq; // records leave from the front, or (refusals) through newestRefusal's delete

  const loop = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  let elu: EventLoopUtilization = performance.eventLoopUtilization();
  let lastSample = performance.now();

  const startedAt = opts.startedAt ?? now();
  const sample = () => {
    const m = process.memoryUsage();
    push({ type: 'diagnostic.memory.sample', memory: { rssBytes: m.rss, heapUsedBytes: m.heapUsed, heapTotalBytes: m.heapTotal, externalBytes: m.external, arrayBuffersBytes: m.arrayBuffers } });
    const p99 = loop.percentile(99) / 1e6;
    const max = loop.max / 1e6;
    const nextElu = performance.eventLoopUtilization();
    const utilization = performance.eventLoopUtilization(nextElu, elu).utilization;
    const t = performance.now();
    const delay = loop.count > 0 ? { eventLoopDelayP99Ms: Math.round(p99), eventLoopDelayMaxMs: Math.round(max) } : {};
    push({
      type: 'diagnostic.heartbeat', active: opts.activeRuns?.() ?? 0, waiting: 0, queued: 0, webhooks: { received: 0, processed: 0, errors: 0 },
      connections: opts.connections?.() ?? 0, uptimeMs: Math.max(0, now() - startedAt), ...delay, eventLoopUtilization: Math.round(utilization * 1000) / 1000,
    });
    if (loop.count > 0 && p99 >= (opts.livenessWarnMs ?? LIVENESS_DELAY_WARN_MS)) {
      push({
        type: 'diagnostic.liveness.warning', level: 'warning', reason: 'event_loop_delay', count: 1, durationMs: Math.round(t - lastSample),
        eventLoopDelayP99Ms: Math.round(p99), eventLoopDelayMaxMs: Math.round(max), eventLoopUtilization: Math.round(utilization * 1000) / 1000,
        active: opts.activeRuns?.() ?? 0, waiting: 0, queued: 0,
      });
    }
    loop.reset();
    elu = nextElu;
    lastSample = t;
  };
  sample();
  const timer = setInterval(sample, opts.sampleMs ?? 60_000);
  timer.unref();

  return {
    sample,
    observeAgent(payload) {
      if (typeof payload !== 'object' || payload === null) return;
      const p = payload as { runId?: unknown; stream?: unknown; data?: { phase?: unknown; status?: unknown } };
      if (p.stream !== 'lifecycle' || typeof p.runId !== 'string') return;
      const phase = p.data?.phase;
      if (phase === 'start') {
        // Bounded: a run that never reports its end (gateway bug) cannot grow this map forever.
        if (started.size >= 10_000) started.delete(started.keys().next().value!);
        started.set(p.runId, now());
        push({ type: 'run.started' });
        return;
      }
      if (phase !== 'end' && phase !== 'error') return;
      const t0 = started.get(p.runId);
      started.delete(p.runId);
      const status = typeof p.data?.status === 'string' && SAFE_CODE.test(p.data.status) ? p.data.status : 'error';
      push({
        type: 'run.completed', outcome: phase === 'end' ? 'completed' : status,
        ...(phase === 'error' ? { reason: status } : {}), ...(t0 !== undefined ? { durationMs: now() - t0 } : {}),
      });
    },
    authDecision(result, reason) {
      if (result !== 'deny') return;
      const code = SAFE_CODE.test(reason) ? reason : undefined;
      // A burst of refusals (a guessing client) is one record per reason with a count per
      // second; past a quarter of the ring, a refusal is counted on its reason's newest record
      // (or replaces the oldest refusal record), so no mix of reasons can flush the other records.
      const last = newestRefusal.get(code ?? '');
      const mine = last && inRing(last) ? last : undefined;
      if (mine && (now() - mine.ts < COALESCE_MS || refusals >= Math.max(1, Math.floor(capacity * REFUSAL_SHARE)))) { mine.count = (mine.count ?? 1) + 1; return; }
      if (refusals >= Math.max(1, Math.floor(capacity * REFUSAL_SHARE))) {
        const oldest = ring.findIndex(isRefusal);
        if (oldest >= 0) {
          const [gone] = ring.splice(oldest, 1);
          refusals--; dropped++;
          if (newestRefusal.get(gone!.reason ?? '') === gone) newestRefusal.delete(gone!.reason ?? '');
        }
      }
      if (newestRefusal.size >= 256) newestRefusal.clear();
      newestRefusal.set(code ?? '', push({ type: 'security.event', source: 'auth', action: 'connect', target: 'websocket', outcome: 'denied', level: 'warning', count: 1, ...(code ? { reason: code } : {}) }));
    },
    snapshot(q = {}) {
      const limit = q.limit ?? STABILITY_DEFAULT_LIMIT;
      const filtered = ring.filter((r) => (q.type === undefined || r.type === q.type) && (q.sinceSeq === undefined || r.seq > q.sinceSeq));
      return {
        generatedAt: new Date(now()).toISOString(),
        capacity,
        count: filtered.length,
        dropped,
        ...(filtered.length ? { firstSeq: filtered[0]!.seq, lastSeq: filtered[filtered.length - 1]!.seq } : {}),
        events: filtered.slice(Math.max(0, filtered.length - limit)).map((r) => ({ ...r })),
        summary: summarize(filtered),
      };
    },
    stop() { clearInterval(timer); loop.disable(); },
  };
}

function summarize(records: readonly StabilityRecord[]): StabilitySnapshot['summary'] {
  const byType: Record<string, number> = {};
  let latest: StabilityMemory | undefined;
  let maxRss: number | undefined;
  let maxHeap: number | undefined;
  for (const r of records) {
    byType[r.type] = (byType[r.type] ?? 0) + 1;
    if (!r.memory) continue;
    latest = r.memory;
    maxRss = Math.max(maxRss ?? 0, r.memory.rssBytes);
    maxHeap = Math.max(maxHeap ?? 0, r.memory.heapUsedBytes);
  }
  return { byType, ...(latest ? { memory: { latest: { ...latest }, maxRssBytes: maxRss, maxHeapUsedBytes: maxHeap, pressureCount: 0 } } : {}) };
}
