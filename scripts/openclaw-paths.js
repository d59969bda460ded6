// Where the real OpenClaw install lives (Node 24 + openclaw@2026.9.6 in a cache folder outside
// node_modules) and whether it is finished. Pure: it reads the file system and installs nothing.
// One implementation shared by scripts/install-openclaw.js (which installs into these paths),
// test/fixtures/openclaw.fixture.ts and bench/openclaw-gateway.ts (which only read them).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const OPENCLAW_VERSION = '2026.9.6';
export const NODE_MAJOR = '24';
export const NODE_PKG = `node-${process.platform}-${process.arch}`;

/** The cache root: env CLAWGATE_OPENCLAW_CACHE, default ~/.cache/clawgate-openclaw. */
export function cacheDir(env = process.env) {
  return env.CLAWGATE_OPENCLAW_CACHE || join(homedir(), '.cache', 'clawgate-openclaw');
}

/** Where the parts live once installed; `ready` is true only for a finished install. */
export function openclawPaths(env = process.env) {
  const root = cacheDir(env);
  const nodeDir = join(root, `node-${NODE_MAJOR}`);
  const ocDir = join(root, `openclaw-${OPENCLAW_VERSION}`);
  const nodeBinDir = join(nodeDir, 'node_modules', NODE_PKG, 'bin');
  const nodeBin = join(nodeBinDir, 'node');
  const openclawPkgDir = join(ocDir, 'node_modules', 'openclaw');
  const openclawMjs = join(openclawPkgDir, 'openclaw.mjs');
  const ready = existsSync(join(nodeDir, '.complete')) && existsSync(join(ocDir, '.complete')) && existsSync(nodeBin) && existsSync(openclawMjs);
  return { root, nodeDir, ocDir, nodeBin, nodeBinDir, openclawMjs, openclawPkgDir, ready };
}
