// Checks of the agents config that need runtime knowledge (tool names, model references),
// shared by `gateway run` (refuse to start) and `config validate` (report).
import type { FrozenConfig } from '../config/load.js';
import type { Issue } from '../protocol/schema.js';
import { createModelResolver } from './models/index.js';
import { classifyToolEntry } from './tool-policy.js';
import { BUILTIN_TOOL_NAMES } from './tools/sessions.js';

/** Tool policy entries: clawgate tools, OpenClaw tool names and groups, or `*` patterns. A typo is an error. */
function checkToolEntries(lists: Record<string, readonly string[] | undefined>, path: string, issues: Issue[]): void {
  for (const [key, list] of Object.entries(lists)) {
    list?.forEach((t, j) => {
      if (classifyToolEntry(t, BUILTIN_TOOL_NAMES) === 'unknown') {
        issues.push({ path: `${path}.${key}[${j}]`, message: `unknown tool "${t}" (clawgate has: ${BUILTIN_TOOL_NAMES.join(', ')}; OpenClaw tool names, "group:<name>" and "*" patterns are also accepted)` });
      }
    });
  }
}

export function validateAgentsConfig(config: FrozenConfig): Issue[] {
  const issues: Issue[] = [];
  const resolve = createModelResolver(config.models);
  const check = (ref: string, path: string) => {
    try { resolve(ref); } catch (err) { issues.push({ path, message: (err as Error).message }); }
  };
  check(config.agents.defaults.model, 'agents.defaults.model');
  const t = config.tools;
  checkToolEntries({ allow: t.allow, alsoAllow: t.alsoAllow, deny: t.deny }, 'tools', issues);
  checkToolEntries({ allow: t.subagents?.tools?.allow, deny: t.subagents?.tools?.deny }, 'tools.subagents.tools', issues);
  config.agents.list.forEach((a, i) => {
    if (a.tools) checkToolEntries({ allow: a.tools.allow, alsoAllow: a.tools.alsoAllow, deny: a.tools.deny }, `agents.list[${i}].tools`, issues);
    if (a.model) check(a.model, `agents.list[${i}].model`);
  });
  return issues;
}
