// Resolves a model reference ("scripted" or "<provider>/<model>") to a provider, once per
// reference, from the configured providers.
import type { FrozenConfig } from '../../config/load.js';
import { createOpenAiProvider } from './openai.js';
import { createScriptedModel } from './scripted.js';
import type { ModelProvider } from './types.js';

export interface ResolvedModel { provider: ModelProvider; model: string; ref: string }

export function createModelResolver(models: FrozenConfig['models']): (ref: string) => ResolvedModel {
  const scripted = createScriptedModel();
  const providers = new Map<string, ModelProvider>();
  for (const [id, p] of Object.entries(models.providers)) {
    providers.set(id, createOpenAiProvider({ id, baseUrl: p.baseUrl, apiKey: p.apiKeyValue, timeoutMs: p.timeoutMs }));
  }
  return (ref) => {
    if (ref === 'scripted') return { provider: scripted, model: 'scripted', ref };
    const slash = ref.indexOf('/');
    const provider = slash > 0 ? providers.get(ref.slice(0, slash)) : undefined;
    if (!provider) throw new Error(`unknown model "${ref}": use "scripted" or "<provider>/<model>" with a provider under models.providers`);
    return { provider, model: ref.slice(slash + 1), ref };
  };
}
