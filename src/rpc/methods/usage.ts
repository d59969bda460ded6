// usage.status and sessions.usage (the Control UI's Usage page): clawgate counts no tokens and
// prices no model calls, so both answer OpenClaw's empty state — no provider quota windows, no
// per-session usage — rather than an error. docs/protocol.md lists them as "empty".
import { any, record } from '../../protocol/schema.js';
import { defineMethod, type MethodDef } from '../registry.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const day = (v: unknown, fallback: string): string => (typeof v === 'string' && DAY.test(v) ? v : fallback);

/** OpenClaw's cost/usage totals, all zero. */
export const emptyUsageTotals = () => ({
  input: 0, output: 0, cacheRead: 0, cacheWrite: 0, totalTokens: 0, totalCost: 0,
  inputCost: 0, outputCost: 0, cacheReadCost: 0, cacheWriteCost: 0, missingCostEntries: 0,
});

const emptyAggregates = () => ({
  sessionCount: 0,
  messages: { total: 0, user: 0, assistant: 0, toolCalls: 0, toolResults: 0, errors: 0 },
  tools: { totalCalls: 0, uniqueTools: 0, tools: [] },
  byModel: [], byProvider: [], byAgent: [], byChannel: [], byCreator: [], costDaily: [], dailyLatency: [], modelDaily: [], daily: [],
});

export const USAGE_METHODS: readonly MethodDef[] = [
  defineMethod({ name: 'usage.status', params: record(any()), handle: () => ({ updatedAt: Date.now(), providers: [] }) }),
  defineMethod({
    name: 'sessions.usage',
    params: record(any()),
    handle: (_ctx, p) => {
      const today = new Date().toISOString().slice(0, 10);
      return {
        updatedAt: Date.now(), startDate: day(p.startDate, today), endDate: day(p.endDate, today),
        sessions: [], totals: emptyUsageTotals(), aggregates: emptyAggregates(), creatorOptions: [],
      };
    },
  }),
];
