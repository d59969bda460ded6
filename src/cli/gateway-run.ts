// `clawgate gateway run`: take the state dir (private, one gateway at a time), load config,
// start the gateway, print where it listens and what to open, and stop cleanly on SIGINT/SIGTERM.
import { loadConfig, resolveStateDir, type FrozenConfig } from '../config/load.js';
import { join } from 'node:path';
import { TOKEN_FILE } from '../config/state-files.js';
import { acquireStateLock, prepareStateDir } from '../config/state-dir.js';
import { startGateway } from '../main.js';
import { installLastResort } from '../util/last-resort.js';
import type { Io } from './main.js';

export async function runGateway(v: { config?: string | undefined; port?: string | undefined; bind?: string | undefined }, io: Io): Promise<number> {
  const port = v.port === undefined ? undefined : Number(v.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new Error(`--port must be 0..65535, got "${v.port}"`);
  // Everything this process creates (database, -wal/-shm, token, secrets) is private to its user.
  process.umask(0o077);
  // The state dir is checked and locked before anything is written to it (e.g. a generated token).
  const stateDir = resolveStateDir(process.env);
  prepareStateDir(stateDir);
  const stateLock = acquireStateLock(stateDir);
  let cfg: FrozenConfig;
  try {
    cfg = loadConfig({ ...(v.config ? { configPath: v.config } : {}), ...(port !== undefined ? { port } : {}), ...(v.bind ? { bind: v.bind } : {}), generateToken: true });
  } catch (err) {
    stateLock.release();
    throw err;
  }
  const gw = await startGateway(cfg, { stateLock });
  // Installed once serving: a start-up failure still exits with its clear message.
  const uninstall = installLastResort(process, gw.log);
  for (const w of cfg.warnings) gw.log.warn(w);
  io.out(banner(cfg, gw.url.replace(/^ws/, 'http'), gw.localSocket));
  gw.log.info('gateway started', { url: gw.url, authMode: cfg.gateway.auth.mode, bind: cfg.gateway.bind });
  await new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      gw.log.info('stopping', { signal: sig });
      void gw.close().then(() => { uninstall(); resolve(); });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}

/** The start banner: where it listens, where the token is (whenever one is stored), and what to open. */
export function banner(cfg: FrozenConfig, httpUrl: string, localSocket: string | undefined): string {
  const a = cfg.gateway.auth;
  const ui = cfg.gateway.controlUi;
  const path = ui.basePath === '/' ? '/' : `${ui.basePath}/`;
  const lines = [`clawgate listening on ${httpUrl} (auth: ${a.mode}, config: ${cfg.configPath ?? 'embedded defaults'})`];
  if (a.mode === 'token' && cfg.generatedToken) {
    lines.push(`Generated a gateway token, saved to ${cfg.generatedToken.path} (mode 0600). It is shown once:`, `  ${a.token}`);
    if (ui.enabled) lines.push(`Control UI: ${httpUrl}${path}#token=${a.token}`);
  } else if (a.mode === 'token' && a.tokenSource === 'generated') {
    lines.push(`Gateway token: in ${join(cfg.stateDir, TOKEN_FILE)} (mode 0600); the Control UI asks for it`);
    if (ui.enabled) lines.push(`Control UI: ${httpUrl}${path}`);
  } else if (a.mode === 'token') {
    lines.push(a.tokenSource === 'env' ? 'Gateway token: from the CLAWGATE_GATEWAY_TOKEN environment variable' : `Gateway token: gateway.auth.token in ${cfg.configPath ?? 'the config'}`);
    if (ui.enabled) lines.push(`Control UI: ${httpUrl}${path}`);
  } else if (a.mode === 'trusted-proxy') {
    // Direct connections carry no proxy identity and are always refused: point at the proxy.
    const origin = ui.allowedOrigins.find((o) => o !== '*');
    if (ui.enabled) {
      lines.push(origin
        ? `Control UI: ${origin.replace(/\/+$/, '')}${path}  (through your identity-aware proxy; direct connections to this port are refused)`
        : 'Control UI: open it through your identity-aware proxy (direct connections to this port are refused); set gateway.controlUi.allowedOrigins to the proxy\'s URL to see it here');
    }
  } else if (ui.enabled) {
    lines.push(`Control UI: ${httpUrl}${path}`);
  }
  if (localSocket) lines.push(`Local CLI: clawgate call health   (uses ${localSocket})`);
  return `${lines.join('\n')}\n`;
}
