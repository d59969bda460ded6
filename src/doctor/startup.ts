// Doctor findings that come from running start-up's own checks rather than re-deriving them:
// every issue `gateway run` would refuse on (loadConfig plus the agents' tool and model checks,
// computed by the caller), the state dir's ownership and mode, and an empty agent list.
import type { StateDirProblem } from '../config/state-dir.js';
import { describeProblem, fixFor } from '../config/state-dir.js';
import type { Issue } from '../protocol/schema.js';
import type { Finding } from './checks.js';

export interface StartupFacts {
  /** What loadConfig + validateAgentsConfig report for this config and environment. */
  readonly issues: readonly Issue[];
  /** Agents the gateway would run with, when the config loads. */
  readonly agentCount: number | undefined;
  readonly stateDirProblem: StateDirProblem | undefined;
}

const related = (a: string, b: string): boolean => a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`) || b.startsWith(`${a}.`) || b.startsWith(`${a}[`);

/** Findings for start-up problems `already` does not cover (same or a related key). */
export function startupFindings(facts: StartupFacts, already: readonly Finding[]): Finding[] {
  const out: Finding[] = [];
  for (const i of facts.issues) {
    const key = i.path || '(root)';
    if (already.some((f) => f.severity === 'critical' && related(f.key, key))) continue;
    out.push({ id: 'config-invalid', severity: 'critical', key, title: `${key} is invalid (startup refuses this)`, detail: i.message, fix: `Change ${key}: ${i.message}.` });
  }
  if (facts.agentCount === 0) {
    out.push({ id: 'no-agents', severity: 'warn', key: 'agents.list', title: 'No agents are configured',
      detail: 'agents.list is empty: the gateway starts, but every agent request fails with unknown agent (the Control UI\'s first message included).',
      fix: 'Add at least one agent to agents.list, e.g. { id: "main", default: true }, or remove the agents section to get the embedded manager and worker.' });
  }
  const p = facts.stateDirProblem;
  if (p) {
    out.push({ id: 'state-dir-permissions', severity: 'critical', key: 'CLAWGATE_STATE_DIR',
      title: p.kind === 'too-open' ? 'The state directory is readable by other users (startup refuses this)' : 'The state directory cannot be used (startup refuses this)',
      detail: `${describeProblem(p)}. It holds the database (every transcript), the gateway token and the local listener's secret.`,
      fix: `${fixFor(p)[0]!.toUpperCase()}${fixFor(p).slice(1)} (the directory named by CLAWGATE_STATE_DIR, default ~/.clawgate).` });
  }
  return out;
}
