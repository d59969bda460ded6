// CLI entry: parses argv with node's parseArgs and dispatches to one command module.
// Every failure is one clear line on stderr and a non-zero exit code.
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/errors.js';
import { runGateway } from './gateway-run.js';
import { runCall } from './call.js';
import { runConfigValidate } from './config-validate.js';
import { runDoctor } from './doctor.js';
import { VERSION } from '../version.js';

export const USAGE = `clawgate ${VERSION} — a self-hosted gateway for teams of AI agents

Usage:
  clawgate gateway run [--config PATH] [--port N] [--bind loopback|lan|auto|custom]
  clawgate call METHOD [--params JSON] [--url URL] [--token T | --password P] [--json] [--timeout MS]
  clawgate config validate [--config PATH]
  clawgate doctor [--config PATH] [--json]
  clawgate --version | --help

\`doctor\` audits the config; exit 0 = fine or info only, 1 = warnings, 2 = critical (docs/doctor.md).
Without --url, \`call\` uses the gateway's local listener in the state dir (any auth mode).
Environment: CLAWGATE_CONFIG, CLAWGATE_STATE_DIR, CLAWGATE_GATEWAY_TOKEN, CLAWGATE_GATEWAY_PASSWORD.
`;

export interface Io { out(s: string): void; err(s: string): void }
const stdio: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

const VALUE_OPTIONS = new Set(['--config', '--port', '--bind', '--params', '--url', '--token', '--password', '--timeout']);

/** Joins `--token -abc` into `--token=-abc`, so secrets and values may start with "-". */
export function joinOptionValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (VALUE_OPTIONS.has(a) && i + 1 < argv.length) { out.push(`${a}=${argv[++i]!}`); continue; }
    out.push(a);
  }
  return out;
}

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: joinOptionValues(argv),
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string' }, port: { type: 'string' }, bind: { type: 'string' },
        params: { type: 'string' }, url: { type: 'string' }, token: { type: 'string' }, password: { type: 'string' },
        json: { type: 'boolean' }, timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (err) {
    io.err(`clawgate: ${(err as Error).message}\n`);
    return 2;
  }
  const { values: v, positionals: pos } = parsed;
  if (v.version) { io.out(`${VERSION}\n`); return 0; }
  if (v.help || pos.length === 0) { io.out(USAGE); return pos.length === 0 && !v.help ? 2 : 0; }
  const cmd = pos.join(' ');
  try {
    if (cmd === 'gateway run' || cmd === 'gateway') return await runGateway(v, io);
    if (pos[0] === 'call') {
      if (pos.length !== 2) { io.err('clawgate: usage: clawgate call METHOD [--params JSON]\n'); return 2; }
      return await runCall(pos[1]!, v, io);
    }
    if (cmd === 'config validate') return runConfigValidate(v, io);
    if (cmd === 'doctor') return runDoctor(v, io);
    io.err(`clawgate: unknown command "${cmd}" (see clawgate --help)\n`);
    return 2;
  } catch (err) {
    if (err instanceof ConfigError) { io.err(`clawgate: ${err.describe()}\n`); return 1; }
    io.err(`clawgate: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
