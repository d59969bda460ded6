// `clawgate config validate`: load and validate without starting anything.
import { loadConfig } from '../config/load.js';
import { ConfigError } from '../config/errors.js';
import { validateAgentsConfig } from '../main.js';
import type { Io } from './main.js';

export function runConfigValidate(v: { config?: string | undefined }, io: Io): number {
  const cfg = loadConfig(v.config ? { configPath: v.config } : {});
  const issues = validateAgentsConfig(cfg);
  if (issues.length > 0) throw new ConfigError(cfg.configPath ?? 'embedded defaults', issues);
  for (const w of cfg.warnings) io.err(`warning: ${w}\n`);
  if (cfg.agents.list.length === 0) io.err('warning: agents.list is empty: every agent request will fail with unknown agent (remove the agents section to get the embedded manager and worker)\n');
  io.out(`config ok (${cfg.configPath ?? 'embedded defaults'}): auth ${cfg.gateway.auth.mode}, bind ${cfg.gateway.bind}, port ${cfg.gateway.port}, ${cfg.agents.list.length} agents\n`);
  return 0;
}
