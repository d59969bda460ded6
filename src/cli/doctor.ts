// `clawgate doctor [--config PATH] [--json]`: audits the config without starting anything and
// prints the findings (docs/doctor.md). Exit code: 0 = no findings or info only, 1 = at least
// one warning, 2 = at least one critical finding (including a config that cannot be read).
import { ConfigError } from '../config/errors.js';
import { inspectConfig } from '../config/inspect.js';
import { diagnose, diagnoseReadFailure, exitCodeFor, type Finding } from '../doctor/checks.js';
import { formatFindings } from '../doctor/format.js';
import type { Io } from './main.js';

export function runDoctor(v: { config?: string | undefined; json?: boolean | undefined }, io: Io): number {
  let findings: Finding[];
  let source: string;
  try {
    const inspected = inspectConfig({ configPath: v.config });
    source = inspected.source;
    findings = diagnose(inspected);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    source = err.source;
    findings = diagnoseReadFailure(err);
  }
  const ordered = findings.map(({ id, severity, title, detail, fix, key }) => ({ id, severity, title, detail, fix, key }));
  io.out(v.json ? `${JSON.stringify(ordered, null, 2)}\n` : formatFindings(findings, source));
  return exitCodeFor(findings);
}
