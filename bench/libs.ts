// `npm run bench`, second table: the cost of the library swaps against the hand-written code
// they replaced (kept in bench/baseline/), measured in the same run — pino vs the 0.1.0
// logger, prom-client vs the 0.1.0 registry: cold import + first use in a fresh process, and
// in-process throughput of the calls the gateway makes on its hot paths.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createLogger } from '../src/util/log.js';
import { createRegistry } from '../src/metrics/registry.js';
import { createLogger as baselineLogger } from './baseline/handwritten-log.js';
import { createRegistry as baselineRegistry } from './baseline/handwritten-registry.js';
import { alignedTable } from './table.js';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..');
const SLICE_MS = 300;

export const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };
export const fmt = (n: number): string => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));

/** Operations per second of a synchronous `op`, run in batches for SLICE_MS. */
export function rate(op: () => void): number {
  for (let i = 0; i < 1_000; i++) op(); // warm up
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < SLICE_MS) { for (let i = 0; i < 500; i++) op(); n += 500; t = performance.now(); }
  return n / ((t - t0) / 1000);
}

async function rateAsync(op: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 50; i++) await op();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < SLICE_MS) { await op(); n++; }
  return n / ((performance.now() - t0) / 1000);
}

/** Bundles `file` the way scripts/bundle-cli.js bundles the gateway (one ESM file), so cold rows measure what a start pays. */
export async function bundle(file: string, outDir: string): Promise<string> {
  const outfile = join(outDir, `${file.replace(/[/.]/g, '_')}.mjs`);
  await build({
    entryPoints: [join(DIST, file)], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'error',
    banner: { js: "import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);" },
  });
  return outfile;
}

/** ms to import `file` and make its first instance, in a fresh node process (node's own start excluded). */
export function coldImport(file: string, make: string): Promise<number> {
  const code = `const t = performance.now(); const m = await import(${JSON.stringify(pathToFileURL(file).href)}); ${make}; process.stdout.write(String(performance.now() - t));`;
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    p.once('exit', (c) => (c === 0 ? resolve(Number(out)) : reject(new Error(`cold import of ${file} exited ${c}`))));
  });
}

const RUN_FIELDS = { runId: 'r-0123456789', agentId: 'manager', sessionKey: 'agent:manager:main', actingFor: 'trusted-proxy:me@example.com', parentRunId: null, depth: 0 };

/** A registry shaped like the gateway's (docs/metrics.md) with a few series each. */
function fillRegistry(r: { counter: (n: string, h: string, o?: { labelNames?: readonly string[] }) => { inc(l?: Record<string, string>, by?: number): void }; gauge: (n: string, h: string, o?: { collect?: () => number }) => unknown }): void {
  r.gauge('clawgate_connections', 'c', { collect: () => 3 });
  const d = r.counter('clawgate_auth_decisions_total', 'd', { labelNames: ['result', 'reason'] });
  for (const reason of ['token', 'token_missing', 'token_mismatch', 'origin_not_allowed']) d.inc({ result: reason === 'token' ? 'allow' : 'deny', reason }, 5);
  const runs = r.counter('clawgate_runs_total', 'r', { labelNames: ['status'] });
  for (const status of ['ok', 'error', 'aborted', 'interrupted', 'timeout']) runs.inc({ status }, 2);
  const tools = r.counter('clawgate_tool_calls_total', 't', { labelNames: ['tool', 'result'] });
  for (const tool of ['sessions_list', 'sessions_spawn', 'unknown']) tools.inc({ tool, result: 'ok' });
  r.gauge('clawgate_uptime_seconds', 'u', { collect: () => 42 });
}

export async function libBench(rounds: number): Promise<string> {
  const rows: [string, string, string, string][] = [];
  const pairs: Record<string, { ours: number[]; base: number[] }> = {};
  const add = (k: string, ours: number, base: number) => { (pairs[k] ??= { ours: [], base: [] }).ours.push(ours); pairs[k].base.push(base); };
  const sink = (_s: string) => {};
  const ours = createLogger({ level: 'info', format: 'json', write: sink, secrets: ['a-configured-secret-value'] });
  const base = baselineLogger({ level: 'info', format: 'json', write: sink, secrets: ['a-configured-secret-value'] });
  const oursReg = createRegistry();
  const baseReg = baselineRegistry();
  fillRegistry(oursReg);
  fillRegistry(baseReg);
  const oursInc = oursReg.counter('bench_total', 'b', { labelNames: ['result', 'reason'] });
  const baseInc = baseReg.counter('bench_total', 'b', { labelNames: ['result', 'reason'] });
  const hist = oursReg.histogram('bench_seconds', 'b', { labelNames: ['method', 'result'] });
  const tmp = mkdtempSync(join(tmpdir(), 'clawgate-bench-libs-'));
  const [logNow, logOld, regNow, regOld] = await Promise.all(['src/util/log.js', 'bench/baseline/handwritten-log.js', 'src/metrics/registry.js', 'bench/baseline/handwritten-registry.js'].map((f) => bundle(f, tmp)));

  for (let r = 0; r < rounds; r++) {
    add('log lines/s (JSON, 6 fields)', rate(() => ours.info('run accepted', RUN_FIELDS)), rate(() => base.info('run accepted', RUN_FIELDS)));
    add('disabled debug calls/s', rate(() => ours.debug('connected', RUN_FIELDS)), rate(() => base.debug('connected', RUN_FIELDS)));
    add('counter inc/s (2 labels)', rate(() => oursInc.inc({ result: 'allow', reason: 'token' })), rate(() => baseInc.inc({ result: 'allow', reason: 'token' })));
    add('/metrics renders/s (gateway set)', await rateAsync(() => oursReg.render()), await rateAsync(async () => baseReg.render()));
    add('logger cold import + first line (ms)',
      await coldImport(logNow!, "m.createLogger({ format: 'json', write: () => {} }).info('x', { a: 1 })"),
      await coldImport(logOld!, "m.createLogger({ format: 'json', write: () => {} }).info('x', { a: 1 })"));
    add('registry cold import + first render (ms)',
      await coldImport(regNow!, "const r = m.createRegistry(); r.counter('x_total', 'x').inc(); await r.render()"),
      await coldImport(regOld!, "const r = m.createRegistry(); r.counter('x_total', 'x').inc(); r.render()"));
  }
  rmSync(tmp, { recursive: true, force: true });
  const histRate = median(Array.from({ length: rounds }, () => rate(() => hist.observe({ method: 'health', result: 'ok' }, 0.0012))));

  for (const [name, { ours: o, base: b }] of Object.entries(pairs)) {
    const ratio = median(o.map((x, i) => x / b[i]!));
    rows.push([name, fmt(median(o)), fmt(median(b)), ratio.toFixed(2)]);
  }
  rows.push(['histogram observe/s (2 labels; new)', fmt(histRate), '—', '']);
  return [
    ...alignedTable(['library swap', 'now', '0.1.0', 'ratio'], rows), '',
    'now = pino logger / prom-client registry; 0.1.0 = the hand-written code they replaced (bench/baseline/), same run, medians;',
    'ratio = median of per-round now/0.1.0 (for ms rows, > 1 means slower). Cold rows: import of an esbuild bundle (as the CLI is shipped) + first use, in a fresh node process.', '',
  ].join('\n');
}
