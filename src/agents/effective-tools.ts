// The tools an agent's runs in a session get, for `tools.effective`: the same policy the run
// loop applies (profile, allow, alsoAllow, deny, subagent layer) over clawgate's built-in tools.
import type { FrozenConfig } from '../config/load.js';
import { allowedToolNames, findAgent } from './policy.js';
import { parseSessionKey } from './session-keys.js';
import { BUILTIN_TOOLS } from './tools/sessions.js';

export function effectiveTools(config: FrozenConfig) {
  return (agentId: string, sessionKey: string): { profile: string; tools: { name: string; description: string }[] } | undefined => {
    const agent = findAgent(config, agentId);
    if (!agent) return undefined;
    const names = allowedToolNames(config, agent, BUILTIN_TOOLS.map((t) => t.name), parseSessionKey(sessionKey)?.kind === 'subagent');
    return {
      profile: agent.tools?.profile ?? config.tools.profile ?? 'full',
      tools: BUILTIN_TOOLS.filter((t) => names.includes(t.name)).map((t) => ({ name: t.name, description: t.description })),
    };
  };
}
