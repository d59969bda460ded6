// Checks of the agents config that need runtime knowledge (tool names, model references),
// shared by `gateway run` (refuse to start) and `config validate` (report).
import type { FrozenConfig } from '../config/load.js';
import type { Issue } from '../protocol/schema.js';
import { createModelResolver } from './models/index.js';
import { BUILTIN_TOOL_NAMES } from './tools/sessions.js';

export function validateAgentsConfig(config: FrozenConfig): Issue[] {
  const issues: Issue[] = [];
  const resolve = createModelResolver(config.models);
  const check = (ref: string, path: string) => {
    try { resolve(ref); } catch (err) { issues.push({ path, message: (err as Error).message }); }
  };
  check(config.agents.defaults.model, 'agents.defaults.model');
  config.agents.list.forEach((a, i) => {
    a.tools.allow.forEach((t, j) => {
      if (!BUILTIN_TOOL_NAMES.includes(t)) issues.push({ path: `agents.list[${i}].tools.allow[${j}]`, message: `unknown tool "${t}" (known: ${BUILTIN_TOOL_NAMES.join(', ')})` });
    });
    if (a.model) check(a.model, `agents.list[${i}].model`);
  });
  return issues;
}
