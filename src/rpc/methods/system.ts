// health, status and system-presence, in OpenClaw's shapes (HealthSummary, StatusSummary) so
// `openclaw health`, `openclaw status` and `openclaw gateway probe` read them, plus clawgate's
// own fields (version, authMode, connections, `you`). clawgate has no heartbeats, tasks or
// plugins: those sections are present and truthfully empty.
import { obj, optional, num, bool } from '../../protocol/schema.js';
import { describePrincipal, principalId } from '../../auth/decision.js';
import { hasScope } from '../../protocol/scopes.js';
import { defineMethod, type MethodDef } from '../registry.js';
import { callerOwner, seesEveryOwner } from '../owner.js';
import type { MethodServices } from '../context.js';
import type { SessionRow } from '../../store/types.js';
import { healthChannels, type ChannelSource } from './channels.js';

export interface StatusSources {
  readonly sessions: {
    readonly path: string;
    /** Sessions of `owner` (undefined: every owner's, for operator.admin), of one agent or all. */
    count(owner: string | undefined, agentId?: string): number;
    recent(owner: string | undefined, agentId: string, limit: number): SessionRow[];
    active(): number;
  };
  readonly channels: ChannelSource;
}

const RECENT = 10;
const heartbeatOff = { enabled: false, every: 'disabled', everyMs: null };
const emptyTasks = () => ({
  total: 0, active: 0, terminal: 0, failures: 0,
  byStatus: { queued: 0, running: 0, succeeded: 0, failed: 0, timed_out: 0, cancelled: 0, lost: 0 },
  byRuntime: { subagent: 0, acp: 0, cli: 0, cron: 0 },
});
const emptyTaskAudit = () => ({
  total: 0, warnings: 0, errors: 0,
  byCode: { stale_queued: 0, stale_running: 0, lost: 0, delivery_failed: 0, missing_cleanup: 0, inconsistent_timestamps: 0 },
});

export function systemMethods(s: MethodServices, src: StatusSources): MethodDef[] {
  const { facts } = s;
  const agents = () => facts.config.agents.list;
  const defaultAgentId = () => (agents().find((a) => a.default) ?? agents()[0])?.id ?? null;
  const recentOf = (owner: string | undefined, agentId: string, now: number) => src.sessions.recent(owner, agentId, RECENT)
    .map((r) => ({ key: r.key, updatedAt: r.updatedAt || null, age: r.updatedAt ? now - r.updatedAt : null }));

  /** Counts and recent sessions are the caller's own; an admin's cover every owner (docs/auth.md, "Teams"). */
  const health = (admin: boolean, owner: string | undefined) => {
    const t0 = performance.now();
    const now = Date.now();
    const def = defaultAgentId();
    // Host paths only for admins (docs/protocol.md#host-paths): the key is left out otherwise.
    const path = admin ? { path: src.sessions.path } : {};
    const perAgent = agents().map((a) => ({
      agentId: a.id, name: a.name ?? a.id, isDefault: a.id === def,
      heartbeat: { ...heartbeatOff, ackMaxChars: 300 },
      sessions: { ...path, count: src.sessions.count(owner, a.id), recent: recentOf(owner, a.id, now) },
    }));
    const main = perAgent.find((a) => a.isDefault) ?? perAgent[0];
    return {
      ok: true as const,
      ts: now,
      uptimeMs: now - facts.startedAt,
      version: facts.version,
      authMode: facts.config.gateway.auth.mode,
      connections: facts.connectionCount(),
      ...healthChannels(src.channels),
      heartbeatSeconds: 0,
      defaultAgentId: def,
      agents: perAgent,
      sessions: { ...path, count: main?.sessions.count ?? 0, recent: main?.sessions.recent ?? [], total: src.sessions.count(owner), active: src.sessions.active() },
      durationMs: Math.round((performance.now() - t0) * 1000) / 1000,
    };
  };

  return [
    defineMethod({
      name: 'health',
      params: obj({ probe: optional(bool()) }, { passthrough: true }),
      handle: (ctx) => health(hasScope(ctx.scopes, 'operator.admin'), seesEveryOwner(ctx) ? undefined : callerOwner(ctx)),
    }),
    defineMethod({
      name: 'status',
      params: obj({ includeChannelSummary: optional(bool()), includeCliProjection: optional(bool()) }, { passthrough: true }),
      handle: (ctx, p) => {
        const cfg = facts.config;
        const admin = hasScope(ctx.scopes, 'operator.admin');
        const now = Date.now();
        const owner = seesEveryOwner(ctx) ? undefined : callerOwner(ctx);
        const h = health(admin, owner);
        const byAgent = h.agents.map((a) => ({ agentId: a.agentId, ...(admin ? { path: src.sessions.path } : {}), count: a.sessions.count, recent: admin ? a.sessions.recent : [] }));
        return {
          // ── OpenClaw's StatusSummary ──
          runtimeVersion: facts.version,
          ...(p.includeCliProjection ? { cliProjection: {
            agents: { defaultId: h.defaultAgentId, ownership: null, selectionRequired: false, rows: agents().map((a) => ({ id: a.id, ...(a.name ? { name: a.name } : {}) })) },
            updateChannel: null,
            memoryPlugin: { enabled: false, slot: null, reason: 'clawgate has no memory plugin' },
          } } : {}),
          heartbeat: { defaultAgentId: h.defaultAgentId, agents: agents().map((a) => ({ agentId: a.id, ...heartbeatOff, waitingForRoute: false })) },
          channelSummary: [] as string[],
          queuedSystemEvents: [] as string[],
          degradedSecretOwners: [] as unknown[],
          degradedPlugins: [] as unknown[],
          tasks: emptyTasks(),
          taskAudit: emptyTaskAudit(),
          sessions: {
            paths: admin ? [src.sessions.path] : [],
            count: src.sessions.count(owner),
            defaults: { model: cfg.agents.defaults.model, contextTokens: null },
            recent: admin ? byAgent.flatMap((a) => a.recent.map((r) => ({ agentId: a.agentId, ...r }))).sort((x, y) => (y.updatedAt ?? 0) - (x.updatedAt ?? 0)).slice(0, RECENT) : [],
            byAgent,
          },
          // ── clawgate's own ──
          version: facts.version,
          host: facts.hostname,
          uptimeMs: now - facts.startedAt,
          authMode: cfg.gateway.auth.mode,
          bind: cfg.gateway.bind,
          port: facts.listenPort(),
          connections: facts.connectionCount(),
          you: {
            principal: principalId(ctx.principal),
            description: describePrincipal(ctx.principal),
            authMethod: ctx.principal.kind,
            role: ctx.role,
            scopes: [...ctx.scopes],
            client: ctx.client,
            // From a verified assertion's groupsClaim (docs/auth.md#signed-identity-assertions).
            ...(ctx.principal.kind === 'trusted-proxy' && ctx.principal.groups ? { groups: [...ctx.principal.groups] } : {}),
            ...(ctx.delegation ? { actingFor: ctx.delegation.actingFor } : {}),
          },
          health: h,
          ...(admin ? { configPath: cfg.configPath, stateDir: cfg.stateDir } : {}),
        };
      },
    }),
    defineMethod({
      name: 'system-presence',
      params: obj({ limit: optional(num({ int: true, min: 1, max: 10_000 })) }),
      handle: (_ctx, p) => {
        const list = s.presence.list().map(({ connId: _c, ...e }) => e);
        return p.limit ? list.slice(0, p.limit) : list;
      },
    }),
  ];
}
