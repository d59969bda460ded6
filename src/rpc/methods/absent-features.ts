// Methods of OpenClaw features clawgate does not have: cron jobs, exec/plugin/OpenClaw approvals,
// questions, talk (voice), progress cards, background tasks, plugins and self-update. Each answers the
// truthful empty state in OpenClaw's shape, so a client shows "nothing here" instead of an error.
// docs/protocol.md lists them as "empty".
import { any, record } from '../../protocol/schema.js';
import { defineMethod, type MethodDef } from '../registry.js';

const anyParams = record(any());
const empty = (name: string, payload: () => unknown): MethodDef => defineMethod({ name, params: anyParams, handle: payload });

export const ABSENT_FEATURE_METHODS: readonly MethodDef[] = [
  empty('cron.list', () => ({ jobs: [], total: 0, offset: 0, limit: 0, hasMore: false })),
  empty('cron.status', () => ({ enabled: false, jobs: 0, nextWakeAtMs: null })),
  empty('exec.approval.list', () => []),
  empty('plugin.approval.list', () => []),
  empty('openclaw.approval.list', () => []),
  empty('question.list', () => ({ questions: [] })),
  empty('talk.catalog', () => ({ realtime: { ready: false, activeProvider: null, providers: [] }, speech: { providers: [] }, transcription: { providers: [] } })),
  empty('progressCard.get', () => ({ card: null })),
  empty('tasks.list', () => ({ tasks: [] })),
  empty('plugins.list', () => ({ plugins: [], diagnostics: [], generation: 0 })),
  empty('update.status', () => ({ sentinel: null, updateAvailable: null })),
];
