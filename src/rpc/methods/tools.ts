// tools.effective: the tools a session's agent may call, after the tool policy
// (docs/agents.md#tool-policy), in OpenClaw's inventory shape. The Control UI shows it next to
// a chat once a tool ran. clawgate has only core tools: one "core" group.
import { obj, optional, str } from '../../protocol/schema.js';
import { RpcError } from '../../protocol/error-codes.js';
import { defineMethod, type MethodDef } from '../registry.js';

export interface EffectiveTools { profile: string; tools: readonly { name: string; description: string }[] }

/** Resolved by main.ts from the config and the agents' tool policy; undefined for an unknown agent. */
export type EffectiveToolsResolver = (agentId: string, sessionKey: string) => EffectiveTools | undefined;

export function toolsMethods(resolve: EffectiveToolsResolver, defaultAgentId: () => string | undefined): MethodDef[] {
  return [
    defineMethod({
      name: 'tools.effective',
      params: obj({ sessionKey: str({ min: 1, max: 500 }), agentId: optional(str({ min: 1, max: 64 })) }),
      handle: (_ctx, p) => {
        const agentId = /^agent:([a-z0-9][a-z0-9_-]{0,63}):/.exec(p.sessionKey)?.[1] ?? p.agentId ?? defaultAgentId();
        const r = agentId ? resolve(agentId, p.sessionKey) : undefined;
        if (!agentId || !r) throw new RpcError('INVALID_REQUEST', `unknown agent "${agentId ?? ''}"`, { details: { code: 'NOT_FOUND' } });
        const tools = r.tools.map((t) => ({ id: t.name, label: t.name, description: t.description, rawDescription: t.description, source: 'core' }));
        return { agentId, profile: r.profile, groups: tools.length ? [{ id: 'core', label: 'Built-in tools', source: 'core', tools }] : [] };
      },
    }),
  ];
}
