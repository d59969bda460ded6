// agents.list, from configuration.
import { obj } from '../../protocol/schema.js';
import { defineMethod, type MethodDef } from '../registry.js';
import type { MethodServices } from '../context.js';

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
          agents: list.map((a) => ({ id: a.id, name: a.name ?? a.id })),
        };
      },
    }),
  ];
}
