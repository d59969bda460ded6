// A session as clients see it: the row sessions.list, sessions.describe, chat.startup and the
// `sessions.changed` / `session.message` events carry.
import type { SessionRow } from '../store/types.js';

/**
 * A session's owner as OpenClaw's rows carry it (`owner.actor`, `createdActor`): its Control UI
 * reads `owner.actor.id`. `ownerId` is the same id as a plain string (the `owner` param of
 * sessions.list and chat.history).
 */
function ownerFields(owner: string): Record<string, unknown> {
  const actor = { type: 'human', id: owner, label: owner.replace(/^[a-z-]+:/, '') };
  return { ownerId: owner, owner: { actor }, createdActor: { ...actor, source: 'unknown' } };
}

export function toWireSession(s: SessionRow): Record<string, unknown> {
  return {
    key: s.key, ...ownerFields(s.owner), kind: 'direct', label: s.label ?? undefined, displayName: s.label ?? s.key, updatedAt: s.updatedAt,
    sessionId: s.sessionId, model: s.model ?? undefined, modelProvider: s.model?.includes('/') ? s.model.split('/')[0] : s.model ?? undefined,
    agentId: s.agentId, sessionKind: s.kind, spawnedBy: s.spawnedBy ?? undefined, spawnedByRun: s.spawnedByRun ?? undefined,
    actingFor: s.actingFor, depth: s.depth, status: s.status, lastRunId: s.lastRunId ?? undefined, createdAt: s.createdAt,
    isMain: s.kind === 'main', archived: s.archivedAt !== null, ...(s.archivedAt !== null ? { archivedAt: s.archivedAt } : {}),
    // OpenClaw's activity facts: the Control UI shows a run as live until a row says otherwise.
    hasActiveRun: s.status === 'running', activeRunIds: s.status === 'running' && s.lastRunId ? [s.lastRunId] : [],
  };
}
