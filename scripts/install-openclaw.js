#!/usr/bin/env node
// Installs the real OpenClaw clients the compatibility tests and the bench drive: Node 24 (from
// the npm package node-<platform>-<arch>@24) and openclaw@2026.9.6, into a cache folder outside
// the project's node_modules (env CLAWGATE_OPENCLAW_CACHE, default ~/.cache/clawgate-openclaw).
// Installs once: a finished install leaves a marker and is reused. A lock directory serialises
// concurrent installers (parallel tests, CI); each part is installed into a temp folder and
// renamed into place, so a reader never sees half an install. `.ci/run` calls this before
// `npm test`; test/fixtures/openclaw.fixture.ts calls it when the cache is empty.
//
// Usage: node scripts/install-openclaw.js [--check]   (--check: exit 0 if installed, 1 if not)
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { NODE_MAJOR, NODE_PKG, OPENCLAW_VERSION, openclawPaths } from './openclaw-paths.js';

// Where things live is scripts/openclaw-paths.js (pure, shared with the tests and the bench).
export { NODE_MAJOR, OPENCLAW_VERSION, cacheDir, openclawPaths } from './openclaw-paths.js';

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function alive(pid) {
  try { process.kill(pid, 0); return true; } catch (err) { return err.code === 'EPERM'; }
}

/** Takes `<root>/.lock` (mkdir is atomic); steals it from a dead owner; waits up to `waitMs`. */
function lock(root, waitMs) {
  const dir = join(root, '.lock');
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'pid'), String(process.pid));
      return () => rmSync(dir, { recursive: true, force: true });
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    let owner = NaN;
    try { owner = Number(readFileSync(join(dir, 'pid'), 'utf8')); } catch { /* being written or removed */ }
    if (Number.isInteger(owner) && owner > 0 && !alive(owner)) { rmSync(dir, { recursive: true, force: true }); continue; }
    if (Date.now() > deadline) throw new Error(`timed out waiting for the install lock ${dir} (held by pid ${owner})`);
    sleep(500);
  }
}

/** npm's own config variables from a surrounding `npm test` must not steer these installs. */
function cleanEnv(extraPath) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'NODE_ENV' && v !== undefined) env[k] = v;
  if (extraPath) env.PATH = `${extraPath}:${env.PATH ?? ''}`;
  return env;
}

function npmInstall(dir, spec, args, extraPath, log) {
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  writeFileSync(join(tmp, 'package.json'), JSON.stringify({ name: 'clawgate-openclaw-cache', private: true }, null, 2));
  log(`installing ${spec} into ${dir} ...`);
  const t0 = Date.now();
  const r = spawnSync('npm', ['install', spec, '--no-audit', '--no-fund', '--no-package-lock', ...args], {
    cwd: tmp, env: cleanEnv(extraPath), stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 15 * 60_000,
  });
  if (r.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`npm install ${spec} failed (${r.error?.message ?? `exit ${r.status}`}):\n${(r.stderr ?? '').slice(-4000)}`);
  }
  writeFileSync(join(tmp, '.complete'), `${spec}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  log(`installed ${spec} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/** Installs what is missing; returns the paths. Throws with npm's output when an install fails. */
export function ensureOpenclaw({ env = process.env, log = (m) => process.stderr.write(`[install-openclaw] ${m}\n`), waitMs = 20 * 60_000 } = {}) {
  let p = openclawPaths(env);
  if (p.ready) return p;
  mkdirSync(p.root, { recursive: true });
  const unlock = lock(p.root, waitMs);
  try {
    p = openclawPaths(env); // another process may have finished while we waited
    if (p.ready) return p;
    if (!existsSync(join(p.nodeDir, '.complete')) || !existsSync(p.nodeBin)) {
      npmInstall(p.nodeDir, `${NODE_PKG}@${NODE_MAJOR}`, ['--ignore-scripts'], undefined, log);
    }
    if (!existsSync(join(p.ocDir, '.complete')) || !existsSync(p.openclawMjs)) {
      // npm runs on Node 24 here so engine checks see the runtime OpenClaw will run on.
      npmInstall(p.ocDir, `openclaw@${OPENCLAW_VERSION}`, ['--ignore-scripts', '--legacy-peer-deps'], p.nodeBinDir, log);
    }
    const v = spawnSync(p.nodeBin, ['--version'], { encoding: 'utf8' });
    if (!v.stdout?.startsWith(`v${NODE_MAJOR}.`)) throw new Error(`${p.nodeBin} is not Node ${NODE_MAJOR}: ${v.stdout || v.error?.message}`);
  } finally {
    unlock();
  }
  p = openclawPaths(env);
  if (!p.ready) throw new Error(`OpenClaw install in ${p.root} is incomplete`);
  return p;
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  if (process.argv.includes('--check')) {
    const p = openclawPaths();
    console.log(p.ready ? `OpenClaw ${OPENCLAW_VERSION} and Node ${NODE_MAJOR} ready in ${p.root}` : `not installed in ${p.root}`);
    process.exit(p.ready ? 0 : 1);
  }
  try {
    const p = ensureOpenclaw();
    console.log(`OpenClaw ${OPENCLAW_VERSION} and Node ${NODE_MAJOR} ready in ${p.root}`);
  } catch (err) {
    console.error(`[install-openclaw] ${err.message}`);
    process.exit(1);
  }
}
