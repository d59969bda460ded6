// The error config loading throws: every problem, each with its key path.
import type { Issue } from '../protocol/schema.js';

export class ConfigError extends Error {
  readonly issues: readonly Issue[];
  readonly source: string;
  constructor(source: string, issues: readonly Issue[]) {
    super(`invalid config (${source}): ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
    this.source = source;
  }
  /** One line per problem, for terminals. */
  describe(): string {
    return [`invalid config (${this.source}):`, ...this.issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`)].join('\n');
  }
}
