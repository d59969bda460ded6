// Reads `trustedProxy.assertion.jwksFile`: the proxy's public signing keys as a JSON Web Key
// Set, resolved relative to the config file. Config is the only reader of files; auth gets the
// parsed set. Private or symmetric keys in the file are refused: it must hold public keys only.
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { JSONWebKeySet } from 'jose';
import type { Issue } from '../protocol/schema.js';

const MAX_JWKS_FILE_BYTES = 256 * 1024;
/** JWK members that only private or symmetric keys have. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'priv'];

export function readJwksFile(file: string, configPath: string | null, path: string, issues: Issue[]): JSONWebKeySet | undefined {
  const full = resolve(configPath ? dirname(configPath) : process.cwd(), file);
  let text: string;
  try {
    if (statSync(full).size > MAX_JWKS_FILE_BYTES) { issues.push({ path, message: `${full} is larger than ${MAX_JWKS_FILE_BYTES / 1024} KiB; a key set is a few KiB` }); return undefined; }
    text = readFileSync(full, 'utf8');
  } catch (err) {
    issues.push({ path, message: `cannot read ${full}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
    return undefined;
  }
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch { issues.push({ path, message: `${full} is not JSON (expected a JSON Web Key Set: {"keys": [...]})` }); return undefined; }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray(keys) || keys.length === 0) {
    issues.push({ path, message: `${full} must be a JSON Web Key Set with at least one key: {"keys": [...]}` });
    return undefined;
  }
  for (const [i, k] of keys.entries()) {
    if (typeof k !== 'object' || k === null || typeof (k as { kty?: unknown }).kty !== 'string') { issues.push({ path, message: `${full}: keys[${i}] is not a JSON Web Key (no "kty")` }); return undefined; }
    if (PRIVATE_MEMBERS.some((m) => m in k)) { issues.push({ path, message: `${full}: keys[${i}] is a private or symmetric key; publish only the public keys` }); return undefined; }
  }
  return parsed as JSONWebKeySet;
}
