// Methods of OpenClaw features clawgate does not have: cron jobs, exec/plugin/OpenClaw approvals,
// questions, talk (voice), progress cards, plugins and self-update (subagents are its only tasks: tasks.ts). Each answers the
// truthful empty state in OpenClaw's shape, so a client shows "nothing here" instead of an error.
// docs/protocol.md lists them as "empty".
import { any, record } from '../../protocol/schema.js';
import { defineMethod, type MethodDef } from '../registry.js';

const anyParams = record(any());
const empty = (name: string, payload: (params: Record<string, unknown>) => unknown): MethodDef => defineMethod({ name, params: anyParams, handle: (_ctx, p) => payload(p) });
/** A whole number in [min, max] from untrusted params, else the fallback. */
const int = (v: unknown, min: number, max: number, fallback: number): number => (Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max ? v as number : fallback);

export const ABSENT_FEATURE_METHODS: readonly MethodDef[] = [
  // A complete, canonical page (OpenClaw's CLI checks every field): no jobs, one fixed revision.
  empty('cron.list', (p) => ({ jobs: [], snapshotRevision: 'none', total: 0, offset: int(p.offset, 0, Number.MAX_SAFE_INTEGER, 0), limit: int(p.limit, 1, 200, 200), hasMore: false, nextOffset: null })),
  // No device or node pairing: devices are verified on each connect, none are stored.
  empty('device.pair.list', () => ({ pending: [], paired: [] })),
  empty('node.pair.list', () => ({ pending: [], paired: [] })),
  // No node hosts: clawgate accepts only the operator role.
  empty('node.list', () => ({ ts: Date.now(), nodes: [] })),
  empty('cron.status', () => ({ enabled: false, jobs: 0, nextWakeAtMs: null })),
  empty('exec.approval.list', () => []),
  empty('plugin.approval.list', () => []),
  empty('openclaw.approval.list', () => []),
  empty('question.list', () => ({ questions: [] })),
  empty('talk.catalog', () => ({ realtime: { ready: false, activeProvider: null, providers: [] }, speech: { providers: [] }, transcription: { providers: [] } })),
  empty('progressCard.get', () => ({ card: null })),
  empty('plugins.list', () => ({ plugins: [], diagnostics: [], generation: 0 })),
  empty('update.status', () => ({ sentinel: null, updateAvailable: null })),
];
