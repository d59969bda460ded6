// Delegation policy: what a run acting inside another run may start. Checked by the gateway
// when the `agent` method is called from a tool, so a tool cannot skip it; every check runs
// before anything is written.
import type { FrozenConfig } from '../config/load.js';
import { RpcError } from '../protocol/error-codes.js';
import type { Delegation } from '../rpc/registry.js';
import type { Store } from '../store/types.js';
import { agentToAgentAllowed, resolveAllowedTools } from './tool-policy.js';

export type AgentConfig = FrozenConfig['agents']['list'][number];

export function findAgent(cfg: FrozenConfig, id: string): AgentConfig | undefined {
  return cfg.agents.list.find((a) => a.id === id);
}

const limit = (message: string) => new RpcError('INVALID_REQUEST', message, { details: { code: 'LIMIT_EXCEEDED' } });

/** Throws the RpcError a delegated `agent` call gets when policy refuses it. */
export function checkDelegatedRun(cfg: FrozenConfig, store: Store, parent: Delegation, targetAgentId: string, activeSubagentRuns: number, intoExistingSession = false): void {
  const parentAgent = findAgent(cfg, parent.agentId);
  // OpenClaw: an agent's own list, else agents.defaults.subagents.allowAgents, else only itself.
  const allowed = parentAgent?.subagents.allowAgents ?? cfg.agents.defaults.subagents.allowAgents ?? [];
  if (targetAgentId !== parent.agentId && !allowed.includes('*') && !allowed.includes(targetAgentId)) {
    throw new RpcError('FORBIDDEN', `agent "${parent.agentId}" may not start agent "${targetAgentId}" (allowed: ${allowed.length ? allowed.join(', ') : 'none'})`, { details: { code: 'TOOL_DENIED' } });
  }
  // Messages into another agent's existing session also pass tools.agentToAgent (on by default).
  if (intoExistingSession && !agentToAgentAllowed(cfg.tools.agentToAgent, parent.agentId, targetAgentId)) {
    throw new RpcError('FORBIDDEN', `agent "${parent.agentId}" may not reach agent "${targetAgentId}" (tools.agentToAgent)`, { details: { code: 'TOOL_DENIED' } });
  }
  const lim = cfg.agents.defaults.subagents;
  if (parent.depth + 1 > lim.maxDepth) throw limit(`subagent depth limit reached (maxDepth ${lim.maxDepth})`);
  if (store.countChildRuns(parent.owner, parent.runId) >= lim.maxChildrenPerRun) throw limit(`this run already started ${lim.maxChildrenPerRun} subagents (maxChildrenPerRun)`);
  if (activeSubagentRuns >= lim.maxConcurrent) throw limit(`too many subagents running (maxConcurrent ${lim.maxConcurrent}); try again when one finishes`);
}

/** The tool names an agent's run may call: OpenClaw's profile/allow/alsoAllow/deny layers. */
export function allowedToolNames(cfg: FrozenConfig, agent: AgentConfig, tools: readonly string[], subagent: boolean): string[] {
  return resolveAllowedTools({ tools, global: cfg.tools, agent: agent.tools, subagentPolicy: cfg.tools.subagents?.tools, subagent });
}
