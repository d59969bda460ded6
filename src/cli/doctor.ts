// `clawgate doctor [--config PATH] [--json]`: audits the config without starting anything and
// prints the findings (docs/doctor.md). It runs every check `gateway run` runs (loadConfig and
// the agents' tool/model checks, the state dir's mode and owner) plus its own audits.
// Exit code: 0 = no findings or info only, 1 = at least one warning, 2 = at least one critical
// finding (including a config that cannot be read).
import { ConfigError } from '../config/errors.js';
import { inspectConfig, resolveStateDir, type Env } from '../config/inspect.js';
import { loadConfig } from '../config/load.js';
import { stateDirProblem } from '../config/state-dir.js';
import { bySeverity, diagnose, diagnoseReadFailure, exitCodeFor, type Finding } from '../doctor/checks.js';
import { formatFindings } from '../doctor/format.js';
import { startupFindings, type StartupFacts } from '../doctor/startup.js';
import type { Issue } from '../protocol/schema.js';
import { validateAgentsConfig } from '../main.js';
import type { Io } from './main.js';

/** What start-up itself would say about this config (no file is written: no token is generated). */
function startupFacts(configPath: string | undefined, env: Env): StartupFacts {
  let issues: readonly Issue[];
  let agentCount: number | undefined;
  try {
    const cfg = loadConfig({ ...(configPath ? { configPath } : {}), env });
    issues = validateAgentsConfig(cfg);
    agentCount = cfg.agents.list.length;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    issues = err.issues;
  }
  return { issues, agentCount, stateDirProblem: stateDirProblem(resolveStateDir(env)) };
}

export function runDoctor(v: { config?: string | undefined; json?: boolean | undefined }, io: Io, env: Env = process.env): number {
  let findings: Finding[];
  let source: string;
  try {
    const inspected = inspectConfig({ configPath: v.config, env });
    source = inspected.source;
    const audited = diagnose(inspected);
    findings = bySeverity([...audited, ...startupFindings(startupFacts(v.config, env), audited)]);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    source = err.source;
    findings = diagnoseReadFailure(err);
  }
  const ordered = findings.map(({ id, severity, title, detail, fix, key }) => ({ id, severity, title, detail, fix, key }));
  io.out(v.json ? `${JSON.stringify(ordered, null, 2)}\n` : formatFindings(findings, source));
  return exitCodeFor(findings);
}
