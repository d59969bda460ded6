// Human-readable doctor output: findings grouped by severity, each with its one-line title,
// why it matters and the fix, then a summary line with the exit code. Pure string building.
import { SEVERITIES, exitCodeFor, type Finding, type Severity } from './checks.js';

const HEADINGS: Record<Severity, string> = { critical: 'CRITICAL', warn: 'WARN', info: 'INFO' };

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function formatFindings(findings: readonly Finding[], source: string): string {
  const lines = [`clawgate doctor: ${source}`, ''];
  if (findings.length === 0) lines.push('No findings.', '');
  for (const severity of SEVERITIES) {
    const group = findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    lines.push(`${HEADINGS[severity]} (${group.length})`);
    for (const f of group) lines.push(`  [${f.id}] ${f.title}`, `      ${f.detail}`, `      fix: ${f.fix}`);
    lines.push('');
  }
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  lines.push(`${plural(count('critical'), 'critical finding')}, ${plural(count('warn'), 'warning')}, ${count('info')} info (exit ${exitCodeFor(findings)})`);
  return `${lines.join('\n')}\n`;
}
