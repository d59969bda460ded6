// Files the gateway keeps in its state dir: the generated gateway token (0600) and the
// per-boot local credential in a 0700 runtime folder. Secrets never go to argv, URLs or env.
import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { newSecret } from '../util/secret.js';

export const TOKEN_FILE = 'gateway-token';
export const RUNTIME_DIR = 'run';
export const LOCAL_SOCKET = 'gateway.sock';
export const LOCAL_SECRET_FILE = 'local-secret';

/** Creates `dir` with `mode` if missing; with `force`, also tightens an existing folder. */
export function ensureDir(dir: string, mode = 0o700, force = false): void {
  const created = !existsSync(dir);
  mkdirSync(dir, { recursive: true, mode });
  if (created || force) chmodSync(dir, mode);
}

/** Writes a file atomically with mode 0600 (temp file + rename, never world-readable). */
export function writePrivateFile(path: string, content: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  const fd = openSync(tmp, 'wx', 0o600);
  try { writeSync(fd, content); } finally { closeSync(fd); }
  renameSync(tmp, path);
}

export function readStateToken(stateDir: string): string | undefined {
  const p = join(stateDir, TOKEN_FILE);
  if (!existsSync(p)) return undefined;
  const t = readFileSync(p, 'utf8').trim();
  return t.length > 0 ? t : undefined;
}

/** Returns the stored gateway token, creating one (0600) on first start. */
export function ensureGatewayToken(stateDir: string): { token: string; path: string; created: boolean } {
  const path = join(stateDir, TOKEN_FILE);
  const existing = readStateToken(stateDir);
  if (existing) return { token: existing, path, created: false };
  ensureDir(stateDir);
  const token = newSecret(24);
  writePrivateFile(path, `${token}\n`);
  return { token, path, created: true };
}

export interface LocalEndpoint { socketPath: string; secretPath: string; runtimeDir: string }

export function localEndpoint(stateDir: string): LocalEndpoint {
  const runtimeDir = join(stateDir, RUNTIME_DIR);
  return { runtimeDir, socketPath: join(runtimeDir, LOCAL_SOCKET), secretPath: join(runtimeDir, LOCAL_SECRET_FILE) };
}

/** Creates the 0700 runtime folder and a fresh per-boot local secret (0600). */
export function publishLocalCredential(stateDir: string): { endpoint: LocalEndpoint; secret: string } {
  const endpoint = localEndpoint(stateDir);
  ensureDir(stateDir);
  ensureDir(endpoint.runtimeDir, 0o700, true);
  if (existsSync(endpoint.socketPath) && lstatSync(endpoint.socketPath).isSocket()) rmSync(endpoint.socketPath);
  const secret = newSecret(32);
  writePrivateFile(endpoint.secretPath, `${secret}\n`);
  return { endpoint, secret };
}

/** Reads the local credential; undefined when the gateway is not running or the caller may not read it. */
export function readLocalCredential(stateDir: string): { endpoint: LocalEndpoint; secret: string } | undefined {
  const endpoint = localEndpoint(stateDir);
  try {
    const secret = readFileSync(endpoint.secretPath, 'utf8').trim();
    return secret ? { endpoint, secret } : undefined;
  } catch {
    return undefined;
  }
}

export function removeLocalCredential(endpoint: LocalEndpoint): void {
  rmSync(endpoint.secretPath, { force: true });
  rmSync(endpoint.socketPath, { force: true });
}
