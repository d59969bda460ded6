// agents.list, from configuration.
import { obj } from '../../protocol/schema.js';
import { defineMethod, type MethodDef } from '../registry.js';
import type { MethodServices } from '../context.js';

/** A model reference in OpenClaw's "<provider>/<model>" form. */
export const primaryModel = (ref: string): string => (ref.includes('/') ? ref : `clawgate/${ref}`);

export function agentsMethods(s: MethodServices): MethodDef[] {
  return [
    defineMethod({
      name: 'agents.list',
      params: obj({}, { passthrough: true }),
      handle: () => {
        const list = s.facts.config.agents.list;
        const def = list.find((a) => a.default) ?? list[0];
        return {
          defaultId: def?.id ?? 'main',
          mainKey: 'main',
          scope: 'per-sender',
          // model.primary as "<provider>/<model>" (the built-in model is "clawgate/scripted"): without
          // it OpenClaw's Control UI shows "No AI provider configured" and will not send.
          agents: list.map((a) => ({ id: a.id, name: a.name ?? a.id, model: { primary: primaryModel(a.model ?? s.facts.config.agents.defaults.model) } })),
        };
      },
    }),
  ];
}
