// `clawgate gateway run`: load config, start the gateway, print where it listens, and stop
// cleanly on SIGINT/SIGTERM.
import { loadConfig } from '../config/load.js';
import { startGateway } from '../main.js';
import type { Io } from './main.js';

export async function runGateway(v: { config?: string | undefined; port?: string | undefined; bind?: string | undefined }, io: Io): Promise<number> {
  const port = v.port === undefined ? undefined : Number(v.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new Error(`--port must be 0..65535, got "${v.port}"`);
  const cfg = loadConfig({ ...(v.config ? { configPath: v.config } : {}), ...(port !== undefined ? { port } : {}), ...(v.bind ? { bind: v.bind } : {}), generateToken: true });
  const gw = await startGateway(cfg);
  for (const w of cfg.warnings) gw.log.warn(w);
  const httpUrl = gw.url.replace(/^ws/, 'http');
  const a = cfg.gateway.auth;
  const ui = cfg.gateway.controlUi.basePath === '/' ? '/' : `${cfg.gateway.controlUi.basePath}/`;
  io.out(`clawgate listening on ${httpUrl} (auth: ${a.mode}, config: ${cfg.configPath ?? 'embedded defaults'})\n`);
  if (a.mode === 'token' && cfg.generatedToken) {
    io.out(`Generated a gateway token, saved to ${cfg.generatedToken.path} (mode 0600). It is shown once:\n  ${a.token}\n`);
    io.out(`Control UI: ${httpUrl}${ui}#token=${a.token}\n`);
  } else {
    io.out(`Control UI: ${httpUrl}${ui}\n`);
  }
  if (gw.localSocket) io.out(`Local CLI: clawgate call health   (uses ${gw.localSocket})\n`);
  gw.log.info('gateway started', { url: gw.url, authMode: a.mode, bind: cfg.gateway.bind });
  await new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      gw.log.info('stopping', { signal: sig });
      void gw.close().then(resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}
