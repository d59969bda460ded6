// models.list: the models clawgate's agents can run — the built-in `scripted` model plus every
// `<provider>/<model>` reference in agents.defaults.model and agents.list[].model — in
// OpenClaw's ModelChoice shape. Registering it makes hello-ok advertise the
// `published-model-catalog` capability, which `openclaw models list` requires.
import { bool, literal, obj, optional, str } from '../../protocol/schema.js';
import { RpcError } from '../../protocol/error-codes.js';
import type { FrozenConfig } from '../../config/load.js';
import { defineMethod, type MethodDef } from '../registry.js';

export const PUBLISHED_MODEL_CATALOG = 'published-model-catalog';

export interface ModelChoice { id: string; name: string; provider: string; available: boolean; input: string[]; local: boolean; tags?: string[] }

function choiceOf(ref: string, config: FrozenConfig): ModelChoice {
  if (ref === 'scripted') return { id: 'scripted', name: 'scripted (built-in, deterministic)', provider: 'clawgate', available: true, input: ['text'], local: true, tags: ['builtin'] };
  const slash = ref.indexOf('/');
  const provider = slash > 0 ? ref.slice(0, slash) : 'unknown';
  const id = slash > 0 ? ref.slice(slash + 1) : ref;
  return { id, name: id, provider, available: Object.hasOwn(config.models.providers, provider), input: ['text'], local: false };
}

/** Every model reference the config names, default first, each once. */
export function modelCatalog(config: FrozenConfig, agentId?: string): ModelChoice[] {
  const refs = new Set<string>();
  const modelOf = (m: unknown) => (typeof m === 'string' ? m : undefined);
  const agents = agentId ? config.agents.list.filter((a) => a.id === agentId) : config.agents.list;
  for (const a of agents) { const m = modelOf(a.model); if (m) refs.add(m); }
  refs.add(config.agents.defaults.model);
  refs.add('scripted');
  return [...refs].map((r) => choiceOf(r, config));
}

export function modelsMethods(config: FrozenConfig): MethodDef[] {
  return [
    defineMethod({
      name: 'models.list',
      params: obj({
        agentId: optional(str({ min: 1, max: 64 })),
        sessionKey: optional(str({ min: 1, max: 500 })),
        provider: optional(str({ min: 1, max: 200 })),
        view: optional(literal('default', 'configured', 'provider-config', 'all')),
        includeDetails: optional(bool()),
        includeProviderCapabilities: optional(bool()),
        includeDefaultModels: optional(bool()),
        preparedOnly: optional(bool()),
        refresh: optional(bool()),
      }, { passthrough: true }),
      handle: (_ctx, p) => {
        const agentId = p.agentId ?? (p.sessionKey ? /^agent:([^:]+):/.exec(p.sessionKey)?.[1] : undefined);
        if (agentId && !config.agents.list.some((a) => a.id === agentId)) {
          throw new RpcError('INVALID_REQUEST', `unknown agent "${agentId}"`, { details: { code: 'NOT_FOUND' } });
        }
        const models = modelCatalog(config, agentId).filter((m) => !p.provider || m.provider === p.provider);
        return { models, defaultModels: { automaticUtilityModel: null }, providerOutcomes: [] };
      },
    }),
  ];
}
