// health, status and system-presence.
import { obj, optional, num, bool } from '../../protocol/schema.js';
import { describePrincipal, principalId } from '../../auth/decision.js';
import { hasScope } from '../../protocol/scopes.js';
import { defineMethod, type MethodDef } from '../registry.js';
import type { MethodServices } from '../context.js';

const empty = obj({}, { passthrough: true });

export interface HealthSource {
  /** Extra health sections (agents, sessions, channels) contributed by other services; host paths only when `admin`. */
  readonly sections?: (view: { readonly admin: boolean }) => Record<string, unknown>;
}

export function systemMethods(s: MethodServices, extra: HealthSource = {}): MethodDef[] {
  const { facts } = s;
  const health = (admin: boolean) => {
    const t0 = performance.now();
    const cfg = facts.config;
    const defaultAgent = cfg.agents.list.find((a) => a.default) ?? cfg.agents.list[0];
    return {
      ok: true,
      ts: Date.now(),
      uptimeMs: Date.now() - facts.startedAt,
      version: facts.version,
      authMode: cfg.gateway.auth.mode,
      connections: facts.connectionCount(),
      channels: {},
      channelOrder: [] as string[],
      heartbeatSeconds: 0,
      defaultAgentId: defaultAgent?.id ?? null,
      agents: cfg.agents.list.map((a) => ({ agentId: a.id, name: a.name ?? a.id, isDefault: a.id === defaultAgent?.id })),
      ...extra.sections?.({ admin }),
      durationMs: Math.round((performance.now() - t0) * 1000) / 1000,
    };
  };
  return [
    defineMethod({ name: 'health', params: obj({ probe: optional(bool()) }, { passthrough: true }), handle: (ctx) => health(hasScope(ctx.scopes, 'operator.admin')) }),
    defineMethod({
      name: 'status',
      params: empty,
      handle: (ctx) => {
        const cfg = facts.config;
        const admin = hasScope(ctx.scopes, 'operator.admin');
        return {
          version: facts.version,
          host: facts.hostname,
          uptimeMs: Date.now() - facts.startedAt,
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
          health: health(admin),
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
