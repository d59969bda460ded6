// `clawgate call METHOD`: one request to a gateway. Without --url it uses the local listener
// (Unix socket + per-boot secret read from the state dir), which works in every auth mode.
import { readLocalCredential } from '../config/state-files.js';
import { resolveStateDir } from '../config/load.js';
import { resolveCliSecrets } from '../config/cli-env.js';
import { connectWs, ConnectError, GatewayRequestError } from '../client/ws.js';
import type { Io } from './main.js';

interface CallFlags { params?: string | undefined; url?: string | undefined; token?: string | undefined; password?: string | undefined; json?: boolean | undefined; timeout?: string | undefined }

export async function runCall(method: string, v: CallFlags, io: Io): Promise<number> {
  let params: unknown = {};
  if (v.params !== undefined) {
    try { params = JSON.parse(v.params); } catch { throw new Error('--params must be valid JSON'); }
  }
  const timeoutMs = v.timeout ? Number(v.timeout) : 30_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new Error('--timeout must be a positive number of milliseconds');
  let conn;
  try {
    if (v.url) {
      const secrets = resolveCliSecrets({ token: v.token, password: v.password });
      conn = await connectWs({ url: v.url, ...secrets, timeoutMs });
    } else {
      if (v.token || v.password) throw new Error('--token/--password need --url (without --url the local listener is used)');
      const stateDir = resolveStateDir();
      const local = readLocalCredential(stateDir);
      if (!local) throw new Error(`no local gateway credential in ${stateDir}/run (is the gateway running on this host, as this user?); or pass --url and --token`);
      conn = await connectWs({ url: 'ws://localhost/', socketPath: local.endpoint.socketPath, token: local.secret, timeoutMs });
    }
  } catch (err) {
    if (err instanceof ConnectError) {
      const reason = err.authReason ? ` (${err.authReason})` : '';
      throw new Error(`connect failed: ${err.message}${reason}`);
    }
    throw err;
  }
  try {
    const payload = await conn.client.request(method, params, { timeoutMs, expectFinal: true });
    io.out(v.json ? `${JSON.stringify(payload)}\n` : `${JSON.stringify(payload, null, 2)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof GatewayRequestError) {
      io.err(`clawgate: ${method} failed: ${err.code} ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    conn.client.close();
  }
}
