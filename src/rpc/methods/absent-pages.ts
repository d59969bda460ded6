// Reads of the Control UI's other pages for OpenClaw features clawgate does not have: cron run
// history, managed worktrees, cloud/device environments, memory import, channel pairing, approval
// history, the exec-approvals policy, vector memory, GitHub tool identity, custom themes,
// artifacts, the plugin catalog, command lanes, web search and the config schema. Each answers
// OpenClaw's truthful empty state, so the page shows "nothing here" instead of an error.
// docs/protocol.md lists them as "empty".
import { any, record } from '../../protocol/schema.js';
import { defineMethod, type MethodDef } from '../registry.js';

const empty = (name: string, payload: (p: Record<string, unknown>) => unknown): MethodDef => defineMethod({ name, params: record(any()), handle: (_ctx, p) => payload(p) });
const int = (v: unknown, min: number, max: number, fallback: number): number => (Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max ? v as number : fallback);
const text = (v: unknown, max: number): string | null => (typeof v === 'string' && v.length > 0 && v.length <= max ? v : null);

/** The theme ids OpenClaw's Control UI ships (its index.html knows these names). */
const BUILTIN_THEMES = ['claw', 'knot', 'dash', 'absolutely', 'tide', 'beacon', 'phosphor', 'crt', 'manuscript', 'rose', 'miami'];
const builtinTheme = (id: string) => ({ id, name: id[0]!.toUpperCase() + id.slice(1), description: '', source: 'builtin', modes: ['light', 'dark'] });

export const ABSENT_PAGE_METHODS: readonly MethodDef[] = [
  empty('cron.runs', (p) => ({ entries: [], total: 0, offset: int(p.offset, 0, Number.MAX_SAFE_INTEGER, 0), limit: int(p.limit, 1, 200, 50), hasMore: false, nextOffset: null })),
  empty('worktrees.list', () => ({ worktrees: [] })),
  empty('environments.list', () => ({ environments: [] })),
  empty('channels.pairing.list', () => ({ accounts: [], requests: [], commandOwnerConfigured: false, limits: { pendingPerAccount: 0, ttlMs: 0 } })),
  empty('approval.history', () => ({ items: [] })),
  empty('exec.approval.grants.list', () => ({ grants: [] })),
  empty('artifacts.list', () => ({ artifacts: [] })),
  empty('plugins.catalog.browse', () => ({ items: [], results: [], nextCursor: null })),
  // The page's own built-in themes, none imported or stored: the choice stays in the browser.
  empty('themes.list', () => ({ current: { id: 'claw', mode: 'system', scope: 'gateway', overrides: {} }, theme: builtinTheme('claw'), themes: BUILTIN_THEMES.map(builtinTheme) })),
  empty('diagnostics.lanes', () => ({ ts: Date.now(), lanes: [], dynamic: null })),
  // No web search tool: the Search settings page says so instead of offering providers.
  empty('webSearch.status', (p) => ({
    enabled: false, provider: null, agentId: text(p.agentId, 200), model: { provider: null, id: null, runtime: 'unknown', runtimeLabel: 'Not resolved' },
    providers: [], route: { kind: 'disabled', label: 'Search disabled', testable: false, reason: 'clawgate agents have no web search tool.' },
  })),
  empty('doctor.memory.status', (p) => ({ agentId: text(p.agentId, 200), searchRuntimeRegistered: false, embedding: { ok: false, error: 'clawgate has no memory search' } })),
  empty('tools.github.status', () => ({ configured: false, identities: [] })),
  empty('migrations.memory.plan', (p) => ({ agentId: text(p.agentId, 200), workspace: null, providers: [] })),
  // No exec tool, so no exec-approvals policy file: nothing is allowed to run on the host.
  empty('exec.approvals.get', () => ({ path: null, exists: false, raw: null, file: { version: 1 }, hash: null, resolvedDefaults: null })),
  // clawgate publishes no config schema: every path is an object with nothing to set.
  empty('config.schema.lookup', (p) => ({ path: text(p.path, 500) ?? '.', schema: { type: 'object', properties: {} }, children: [] })),
];
