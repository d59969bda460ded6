// Starts the real OpenClaw gateway (Node 24, from the install scripts/install-openclaw.js prepares) on
// loopback in token mode with an isolated HOME, for the bench's same-run comparison, and stops its
// whole process tree: on stop(), on a failed start, and on exit or SIGINT/SIGTERM of the bench.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenclawPaths } from '../scripts/openclaw-paths.js';
import { handshakeOnce } from './plain-ws.js';

export interface OpenclawStartOptions {
  readonly install: Pick<OpenclawPaths, 'root' | 'nodeBin' | 'nodeBinDir' | 'openclawMjs'>;
  /** Spawn → first hello-ok; OpenClaw loads ~300 MB of modules, so allow minutes on a busy machine. */
  readonly readyTimeoutMs?: number;
  /** OpenClaw refuses upgrades (503) beyond 32 unauthenticated sockets per client IP; raise it for a 50-client run. */
  readonly maxPreauthPerIp?: number;
  readonly progress?: (line: string) => void;
  /** How long stop() waits after SIGTERM before SIGKILL. */
  readonly stopGraceMs?: number;
  /** Extra environment for the child (tests); never a secret. */
  readonly env?: Record<string, string>;
}

export interface OpenclawGateway {
  readonly url: string;
  readonly token: string;
  readonly pid: number;
  readonly startMs: number;
  /** VmRSS of the gateway's largest process, in MB (it runs in a child of the launcher). */
  rssMb(): number;
  stop(): Promise<void>;
}

const OUTPUT_TAIL = 8_192;

/** Every process below `root` (by parent pid in /proc), collected before any of them is signalled. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  let names: string[] = [];
  try { names = readdirSync('/proc'); } catch { return [root]; }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch { /* exited meanwhile */ }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]!) ?? []));
  return out;
}

/** Running, not a zombie (in a container nobody may reap a reparented helper). */
function alive(pid: number): boolean {
  try { const stat = readFileSync(`/proc/${pid}/stat`, 'utf8'); return stat[stat.lastIndexOf(')') + 2] !== 'Z'; } catch { return false; }
}

/** Signals the child's process group and every process of its tree (OpenClaw starts a helper in its own session). */
function signalTree(pids: readonly number[], pgid: number, sig: NodeJS.Signals): void {
  try { process.kill(-pgid, sig); } catch { /* group gone */ }
  for (const pid of pids) { try { process.kill(pid, sig); } catch { /* gone */ } }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Spawns `openclaw gateway run` and resolves once a token-auth client gets hello-ok; rejects (after cleaning up) otherwise. */
export async function startOpenclawGateway(opts: OpenclawStartOptions): Promise<OpenclawGateway> {
  const { install } = opts;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 180_000;
  const progress = opts.progress ?? (() => {});
  // The secret goes to the child only in its config file (0600 in a 0700 HOME): never argv or env.
  const token = randomBytes(24).toString('base64url');
  const home = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'clawgate-bench-openclaw-'));
  chmodSync(home, 0o700);
  mkdirSync(join(home, '.openclaw'), { mode: 0o700 });
  mkdirSync(join(home, 'tmp'), { mode: 0o700 });
  const port = await freePort();
  const config = {
    gateway: { mode: 'local', auth: { mode: 'token', token } },
    update: { checkOnStart: false }, // no update check, feature statistics or notices
    models: { catalogRefresh: { enabled: false } }, // no hosted model catalog download
    logging: { file: join(home, 'openclaw.log') },
  };
  writeFileSync(join(home, '.openclaw', 'openclaw.json'), JSON.stringify(config, null, 2), { mode: 0o600 });
  const env: Record<string, string> = {
    PATH: `${install.nodeBinDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: home, TMPDIR: join(home, 'tmp'), LANG: 'C.UTF-8', TZ: 'UTC', NO_COLOR: '1',
    OPENCLAW_SKIP_CHANNELS: '1', OPENCLAW_DISABLE_BONJOUR: '1', OPENCLAW_NO_RESPAWN: '1',
    OPENCLAW_NO_AUTO_UPDATE: '1', OPENCLAW_EXEC_SHELL_SNAPSHOT: '0', DO_NOT_TRACK: '1',
    OPENCLAW_MAX_PREAUTH_CONNECTIONS_PER_IP: String(opts.maxPreauthPerIp ?? 32),
    // Node's on-disk compile cache, shared with the compatibility tests' OpenClaw runs.
    NODE_COMPILE_CACHE: join(install.root, 'compile-cache'),
    ...opts.env,
  };
  const t0 = performance.now();
  const child = spawn(install.nodeBin, [install.openclawMjs, 'gateway', 'run', '--port', String(port), '--bind', 'loopback', '--auth', 'token'], {
    cwd: home, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  let output = '';
  const keep = (d: Buffer) => { output = (output + d.toString()).slice(-OUTPUT_TAIL); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exitCode: string | null = null;
  child.once('exit', (code, sig) => { exitCode = sig ?? String(code); });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${install.nodeBin}`);

  // Last resort for a bench that dies or is interrupted: synchronous, so it works in an 'exit' handler.
  // `seen` keeps helpers found while it ran, in case the launcher is already gone and they were reparented.
  const seen = new Set<number>([pid]);
  const killNow = () => { signalTree([...new Set([...seen, ...processTree(pid)])].filter(alive), pid, 'SIGKILL'); rmSync(home, { recursive: true, force: true }); };
  const onSignal = (sig: NodeJS.Signals) => { killNow(); process.exit(sig === 'SIGINT' ? 130 : 143); };
  process.once('exit', killNow);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopped ??= (async () => {
    const tree = processTree(pid);
    signalTree(tree, pid, 'SIGTERM');
    const deadline = Date.now() + (opts.stopGraceMs ?? 10_000);
    while (Date.now() < deadline && (exitCode === null || tree.some(alive))) await new Promise((r) => setTimeout(r, 100));
    // Whatever is left, including anything started since the first look, gets SIGKILL; then wait until it is gone.
    const left = [...new Set([...tree, ...processTree(pid)])].filter(alive);
    signalTree(left, pid, 'SIGKILL');
    const killDeadline = Date.now() + 2_000;
    while (Date.now() < killDeadline && (exitCode === null || left.some(alive))) await new Promise((r) => setTimeout(r, 20));
    rmSync(home, { recursive: true, force: true });
    process.removeListener('exit', killNow);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  })());

  const url = `ws://127.0.0.1:${port}`;
  const params = {
    minProtocol: 4, maxProtocol: 4, client: { id: 'cli', version: 'bench', platform: process.platform, mode: 'cli' },
    role: 'operator', scopes: ['operator.read'], caps: [], auth: { token },
  };
  const lastLine = () => output.trimEnd().split('\n').pop()?.slice(0, 160) ?? '';
  let lastError = 'not listening yet';
  let nextReport = 15_000;
  try {
    for (;;) {
      const elapsed = performance.now() - t0;
      if (exitCode !== null) throw new Error(`exited (${exitCode}) before it accepted a connection`);
      if (elapsed > readyTimeoutMs) throw new Error(`no hello-ok within ${(readyTimeoutMs / 1000).toFixed(0)} s (last: ${lastError})`);
      if (elapsed > nextReport) { progress(`OpenClaw: still starting after ${(elapsed / 1000).toFixed(0)} s; last output: ${lastLine()}`); nextReport += 15_000; }
      try {
        await handshakeOnce(url, params);
        break;
      } catch (err) {
        lastError = (err as Error).message;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  } catch (err) {
    const tail = output.trimEnd().split('\n').slice(-15).join('\n');
    await stop();
    throw new Error(`OpenClaw gateway ${(err as Error).message}; its output ended with:\n${tail}`);
  }
  const startMs = performance.now() - t0;
  for (const p of processTree(pid)) seen.add(p);
  return {
    url, token, pid, startMs, stop,
    rssMb: () => Math.max(0, ...processTree(pid).map((p) => {
      try { return Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0) / 1024; } catch { return 0; }
    })),
  };
}

/** `v24.x.y` of the Node that runs OpenClaw, for the report. */
export function nodeVersion(nodeBin: string): string {
  return spawnSync(nodeBin, ['--version'], { encoding: 'utf8' }).stdout?.trim() || 'unknown';
}
