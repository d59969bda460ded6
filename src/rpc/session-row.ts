// A session as clients see it: the row sessions.list, sessions.describe, chat.startup and the
// `sessions.changed` / `session.message` events carry.
import type { SessionRow } from '../store/types.js';

/**
 * A session's owner is carried as OpenClaw's rows carry it (`owner.actor`, `createdActor`): its
 * Control UI reads `owner.actor.id`. `ownerId` is the same id as a plain string (the `owner`
 * param of sessions.list and chat.history). Built as one literal, without spreads: sessions.list
 * builds and measures one per row (a spread of a helper's object was 11 % of an in-process call).
 */
export function toWireSession(s: SessionRow): Record<string, unknown> {
  const label = s.owner.replace(/^[a-z-]+:/, '');
  const row: Record<string, unknown> = {
    key: s.key, ownerId: s.owner, owner: { actor: { type: 'human', id: s.owner, label } }, createdActor: { type: 'human', id: s.owner, label, source: 'unknown' },
    kind: 'direct', label: s.label ?? undefined, displayName: s.label ?? s.key, updatedAt: s.updatedAt,
    sessionId: s.sessionId, model: s.model ?? undefined, modelProvider: s.model?.includes('/') ? s.model.split('/')[0] : s.model ?? undefined,
    agentId: s.agentId, sessionKind: s.kind, spawnedBy: s.spawnedBy ?? undefined, spawnedByRun: s.spawnedByRun ?? undefined,
    actingFor: s.actingFor, depth: s.depth, status: s.status, lastRunId: s.lastRunId ?? undefined, createdAt: s.createdAt,
    isMain: s.kind === 'main', archived: s.archivedAt !== null,
  };
  if (s.archivedAt !== null) row.archivedAt = s.archivedAt;
  // OpenClaw's activity facts: the Control UI shows a run as live until a row says otherwise.
  row.hasActiveRun = s.status === 'running';
  row.activeRunIds = s.status === 'running' && s.lastRunId ? [s.lastRunId] : [];
  return row;
}
