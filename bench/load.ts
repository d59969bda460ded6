// `npm run load`: holds N authenticated WebSocket connections to a gateway it starts as a child
// process (`clawgate gateway run`, token auth, temp state dir) and drives a steady rate of
// `health` / `sessions.list` calls spread over them for a bounded time; reports errors, p50/p99
// latency and the gateway's RSS after warm-up and at the end, with PASS/MISS (docs/load.md).
// A last phase, on a fresh gateway, opens `--stalled` connections that ask for big answers and
// stop reading while `--stalled-readers` others are driven: readers are served, RSS stays bounded.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { PROTOCOL_VERSION } from '../src/protocol/frames.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TOKEN = 'load-token-0123456789abcdefghij';
/** File descriptors each process needs besides one per connection (node, pipes, sqlite, slack). */
const FD_HEADROOM = 256;
/** Connections opened at once per source address: under the default maxPreAuthConnectionsPerIp (64). */
const RAMP_CONCURRENCY = 32;
const CONNECTIONS_PER_SOURCE = 1_000;
const REQUEST_TIMEOUT_MS = 10_000;

const { values: flags } = parseArgs({ options: {
  connections: { type: 'string', default: '2000' },
  seconds: { type: 'string', default: '30' },
  rps: { type: 'string', default: '500' },
  warmup: { type: 'string', default: '10' },
  'ramp-seconds': { type: 'string', default: '120' },
  stalled: { type: 'string', default: '200' },
  'stalled-requests': { type: 'string', default: '100' },
  'stalled-seconds': { type: 'string', default: '15' },
  'stalled-readers': { type: 'string', default: '300' },
} });
const num = (name: keyof typeof flags, min: number): number => {
  const v = Number(flags[name]);
  if (!Number.isFinite(v) || v < min) { process.stderr.write(`load: --${name} must be a number >= ${min}\n`); process.exit(2); }
  return v;
};
let connections = Math.floor(num('connections', 1));
const seconds = num('seconds', 1);
const rps = num('rps', 1);
const warmupSeconds = num('warmup', 0);
const rampSeconds = num('ramp-seconds', 1);
const stalledCount = Math.floor(num('stalled', 0));
const stalledRequests = Math.floor(num('stalled-requests', 1));
const stalledSeconds = num('stalled-seconds', 1);
const stalledReaders = Math.floor(num('stalled-readers', 1));
/** The RSS bound while connections stop reading (issue 9: 80 of them once took 3.2 GB). */
const STALLED_RSS_LIMIT_MB = 300;

/** The soft "Max open files" limit of this process (children inherit it), from /proc/self/limits. */
function fdLimit(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m ? (m[1] === 'unlimited' ? Infinity : Number(m[1])) : undefined;
  } catch { return undefined; }
}

const rssMb = (pid: number): number => {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};

const pct = (sorted: readonly number[], p: number): number => sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Gateway { proc: ChildProcess; port: number; warnings: string[]; logLines: () => number; slowConsumers: () => number; stop(): Promise<void> }

async function startGateway(stateDir: string, maxConnections: number): Promise<Gateway> {
  const configPath = join(stateDir, 'clawgate.json');
  // Every connection comes from one token principal and a few addresses: lift the connection caps (default 256).
  const limits = { maxConnectionsPerIp: maxConnections, maxConnectionsPerPrincipal: maxConnections };
  writeFileSync(configPath, JSON.stringify({ gateway: { port: 0, auth: { mode: 'token', token: TOKEN }, limits }, logging: { level: 'warn', format: 'json' } }));
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CLAWGATE_')) env[k] = v;
  const proc = spawn(process.execPath, [join(ROOT, 'bin', 'clawgate.js'), 'gateway', 'run', '--config', configPath], {
    cwd: ROOT, env: { ...env, CLAWGATE_STATE_DIR: stateDir }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const warnings: string[] = [];
  let lines = 0;
  let slow = 0;
  let partial = '';
  // Drain stderr (JSON logs) so a full pipe never stalls the gateway; keep warn/error lines.
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => {
    const parts = (partial + d).split('\n');
    partial = parts.pop()!;
    for (const l of parts) {
      lines++;
      if (l.includes('"msg":"slow consumer dropped"')) { slow++; continue; } // expected in the stalled phase
      if (/"level":"(warn|error)"/.test(l) && warnings.length < 20) warnings.push(l.slice(0, 300));
    }
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const port = await new Promise<number>((res, rej) => {
    let out = '';
    const timer = setTimeout(() => rej(new Error('gateway printed no banner within 15 s')), 15_000);
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /clawgate listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) { clearTimeout(timer); res(Number(m[1])); }
    });
    void exited.then(() => { clearTimeout(timer); rej(new Error(`gateway exited before its banner: ${warnings.join('\n')}`)); });
  });
  return {
    proc, port, warnings, logLines: () => lines, slowConsumers: () => slow,
    // SIGKILL: the measurement is over, and a clean stop with thousands of sockets only measures teardown.
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGKILL');
      const t = setTimeout(() => proc.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/**
 * A lean protocol client for the load generator: the connect handshake, then requests matched
 * by id. Event frames (ticks, presence broadcasts) are recognised by their first bytes and
 * dropped unparsed, so the generator's CPU goes to requests and the gateway is what is measured.
 */
class LoadConn {
  private readonly pending = new Map<string, { resolve(): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  private seq = 0;
  private closeCb: () => void = () => {};
  private constructor(private readonly ws: WebSocket) {}

  static open(url: string, localAddress: string, timeoutMs: number): Promise<LoadConn> {
    const ws = new WebSocket(url, { perMessageDeflate: false, localAddress, maxPayload: 256 * 1024 * 1024, handshakeTimeout: timeoutMs });
    const conn = new LoadConn(ws);
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (e: Error) => { if (!settled) { settled = true; clearTimeout(timer); ws.terminate(); reject(e); } };
      const timer = setTimeout(() => fail(new Error('connect timed out')), timeoutMs);
      ws.on('error', (e) => fail(e));
      ws.on('close', () => { fail(new Error('closed during handshake')); conn.onClosed(); });
      ws.on('message', (data: Buffer) => {
        if (data.subarray(0, 16).toString('latin1') === '{"type":"event",') {
          if (!settled && data.length < 512 && data.includes('connect.challenge')) {
            ws.send(JSON.stringify({ type: 'req', id: 'connect', method: 'connect', params: {
              minProtocol: PROTOCOL_VERSION, maxProtocol: PROTOCOL_VERSION, role: 'operator', scopes: ['operator.read'],
              client: { id: 'cli', version: '0.1.0', platform: process.platform, mode: 'cli' }, auth: { token: TOKEN },
            } }));
          }
          return;
        }
        const f = JSON.parse(data.toString()) as { id?: string; ok?: boolean; error?: { message?: string } };
        if (f.id === 'connect' && !settled) {
          if (!f.ok) { fail(new Error(`connect refused: ${f.error?.message ?? '?'}`)); return; }
          settled = true;
          clearTimeout(timer);
          resolve(conn);
          return;
        }
        const p = f.id ? conn.pending.get(f.id) : undefined;
        if (!p) return;
        conn.pending.delete(f.id!);
        clearTimeout(p.timer);
        if (f.ok) p.resolve(); else p.reject(new Error(f.error?.message ?? 'request failed'));
      });
    });
  }

  request(method: string, params: unknown, opts: { timeoutMs: number }): Promise<void> {
    if (this.ws.readyState !== WebSocket.OPEN) return Promise.reject(new Error('closed'));
    const id = `r${(++this.seq).toString(36)}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.pending.delete(id); reject(new Error(`${method} timed out after ${opts.timeoutMs} ms`)); }, opts.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.ws.send(JSON.stringify({ type: 'req', id, method, params }));
    });
  }

  /** Stops reading, then sends `n` requests whose answers will pile up on the gateway. */
  stall(method: string, params: unknown, n: number): void {
    (this.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const text = JSON.stringify({ type: 'req', id: 's', method, params });
    for (let i = 0; i < n && this.ws.readyState === WebSocket.OPEN; i++) this.ws.send(text);
  }

  on(_event: 'close', cb: () => void): void { this.closeCb = cb; }
  close(): void { this.ws.terminate(); }

  private onClosed(): void {
    for (const p of this.pending.values()) { clearTimeout(p.timer); p.reject(new Error('closed')); }
    this.pending.clear();
    this.closeCb();
  }
}

interface Phase { sent: number; ok: number; timeouts: number; failed: number; latencies: number[]; byMethod: Record<string, number>; ms: number }

/** Sends `rate` requests per second, round-robin over `clients`, for `ms`; waits for the stragglers. */
async function drive(clients: readonly LoadConn[], rate: number, ms: number): Promise<Phase> {
  const p: Phase = { sent: 0, ok: 0, timeouts: 0, failed: 0, latencies: [], byMethod: { health: 0, 'sessions.list': 0 }, ms: 0 };
  const inflight = new Set<Promise<void>>();
  const t0 = performance.now();
  let next = 0;
  await new Promise<void>((done) => {
    const tick = setInterval(() => {
      const elapsed = performance.now() - t0;
      const due = Math.min(Math.floor((Math.min(elapsed, ms) * rate) / 1000), Math.floor((ms * rate) / 1000));
      while (p.sent < due) {
        const client = clients[next++ % clients.length]!;
        const method = p.sent % 2 === 0 ? 'health' : 'sessions.list';
        const params = method === 'health' ? {} : { limit: 20 };
        p.sent++;
        p.byMethod[method]!++;
        const start = performance.now();
        const req: Promise<void> = client.request(method, params, { timeoutMs: REQUEST_TIMEOUT_MS }).then(
          () => { p.ok++; p.latencies.push(performance.now() - start); },
          (e: Error & { code?: string }) => { if (/timed out/.test(e.message)) p.timeouts++; else p.failed++; },
        ).finally(() => { inflight.delete(req); });
        inflight.add(req);
      }
      if (elapsed >= ms) { clearInterval(tick); done(); }
    }, 5);
  });
  await Promise.allSettled([...inflight]);
  p.ms = performance.now() - t0;
  p.latencies.sort((a, b) => a - b);
  return p;
}

/**
 * The non-reading case, on a fresh gateway so its RSS is not the held connections': opens
 * `--stalled-readers` reading connections and drives them at `--rps`; meanwhile opens
 * `--stalled` connections (from their own source address) which, as each connects, ask for the
 * full presence list `--stalled-requests` times and never read again. Samples the gateway's RSS
 * throughout.
 */
async function stalledPhase(sources: number): Promise<{
  readers: number; opened: number; failed: number; dropped: number; readersClosed: number; drive: Phase; rssBefore: number; rssPeak: number; rssAfter: number;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'clawgate-load-stalled-'));
  const gw = await startGateway(dir, stalledReaders + stalledCount + 100);
  const url = `ws://127.0.0.1:${gw.port}`;
  const readers: LoadConn[] = [];
  const stalled: LoadConn[] = [];
  let readersClosed = 0;
  let measuring = false;
  const openAll = async (n: number, localAddress: string, out: LoadConn[], onOpen: (c: LoadConn) => void = () => {}): Promise<number> => {
    let next = 0;
    let failed = 0;
    await Promise.all(Array.from({ length: RAMP_CONCURRENCY }, async () => {
      while (next < n) {
        next++;
        try { const c = await LoadConn.open(url, localAddress, 15_000); onOpen(c); out.push(c); } catch { failed++; }
      }
    }));
    return failed;
  };
  try {
    await openAll(stalledReaders, `127.0.0.${20 + sources}`, readers, (c) => c.on('close', () => { if (measuring) readersClosed++; }));
    if (readers.length === 0) throw new Error('no reading connection for the stalled phase');
    process.stderr.write(`load: fresh gateway: ${stalledCount} connections stop reading for ${stalledSeconds} s while ${readers.length} keep reading\n`);
    await sleep(500);
    const rssBefore = rssMb(gw.proc.pid!);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => { rssPeak = Math.max(rssPeak, rssMb(gw.proc.pid!)); }, 100);
    measuring = true;
    const driving = drive(readers, rps, stalledSeconds * 1000);
    // Each stops reading as soon as it is connected, so the connections stall one after another.
    const failed = await openAll(stalledCount, `127.0.0.${21 + sources}`, stalled, (c) => c.stall('system-presence', {}, stalledRequests));
    const result = await driving;
    measuring = false;
    await sleep(1_000);
    clearInterval(sampler);
    const rssAfter = rssMb(gw.proc.pid!);
    rssPeak = Math.max(rssPeak, rssAfter);
    return { readers: readers.length, opened: stalled.length, failed, dropped: gw.slowConsumers(), readersClosed, drive: result, rssBefore, rssPeak, rssAfter };
  } finally {
    measuring = false;
    await gw.stop();
    for (const c of [...readers, ...stalled]) c.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const limit = fdLimit();
  const requested = connections;
  if (limit !== undefined && limit !== Infinity && connections + FD_HEADROOM > limit) {
    connections = Math.max(1, limit - FD_HEADROOM);
    process.stderr.write(`load: the open-file limit is ${limit} (ulimit -n); each process needs ~1 fd per connection plus ${FD_HEADROOM}, so holding ${connections} instead of ${requested} connections\n`);
  }
  const sources = Math.max(1, Math.ceil(connections / CONNECTIONS_PER_SOURCE));
  const stateDir = mkdtempSync(join(tmpdir(), 'clawgate-load-'));
  process.stderr.write(`load: ${connections} connections from ${sources} source address(es), ${rps} rps, ${warmupSeconds} s warm-up + ${seconds} s measured\n`);
  const gw = await startGateway(stateDir, connections + 100);
  const url = `ws://127.0.0.1:${gw.port}`;
  const clients: LoadConn[] = [];
  let connectFailures = 0;
  let unexpectedCloses = 0;
  let measuring = false;
  const firstErrors: string[] = [];
  try {
    // Ramp: RAMP_CONCURRENCY connects in flight per source address, none started after the ramp bound.
    const rampT0 = performance.now();
    const rampDeadline = rampT0 + rampSeconds * 1000;
    let notStarted = 0;
    await Promise.all(Array.from({ length: sources }, async (_, s) => {
      const localAddress = `127.0.0.${20 + s}`;
      const quota = Math.floor(connections / sources) + (s < connections % sources ? 1 : 0);
      let opened = 0;
      await Promise.all(Array.from({ length: RAMP_CONCURRENCY }, async () => {
        while (opened < quota) {
          opened++;
          if (performance.now() > rampDeadline) { notStarted++; continue; }
          try {
            const client = await LoadConn.open(url, localAddress, 15_000);
            client.on('close', () => { if (measuring) unexpectedCloses++; });
            clients.push(client);
          } catch (e) {
            connectFailures++;
            if (firstErrors.length < 5) firstErrors.push(`connect: ${(e as Error).message}`);
          }
        }
      }));
    }));
    const rampS = (performance.now() - rampT0) / 1000;
    process.stderr.write(`load: ${clients.length} connected in ${rampS.toFixed(1)} s (${connectFailures} failed, ${notStarted} not started within ${rampSeconds} s); warming up\n`);
    if (clients.length === 0) throw new Error(`no connection succeeded: ${firstErrors.join('; ')}`);

    // Settle: wait (bounded) until the gateway answers promptly again, so the warm-up does not
    // start inside the backlog the ramp left behind.
    const settleT0 = performance.now();
    for (;;) {
      const t = performance.now();
      const ok = await clients[0]!.request('health', {}, { timeoutMs: 5_000 }).then(() => true, () => false);
      if ((ok && performance.now() - t < 50) || performance.now() - settleT0 > 60_000) break;
      await sleep(200);
    }
    const settleS = (performance.now() - settleT0) / 1000;

    measuring = true;
    const warm = warmupSeconds > 0 ? await drive(clients, rps, warmupSeconds * 1000) : undefined;
    await sleep(200);
    const rssStart = rssMb(gw.proc.pid!);
    let rssPeak = rssStart;
    const trace: number[] = [];
    let tick = 0;
    const sampler = setInterval(() => {
      const r = rssMb(gw.proc.pid!);
      rssPeak = Math.max(rssPeak, r);
      if (++tick % 5 === 0) trace.push(r);
    }, 1_000);
    process.stderr.write(`load: measuring for ${seconds} s\n`);
    const run = await drive(clients, rps, seconds * 1000);
    clearInterval(sampler);
    const rssEnd = rssMb(gw.proc.pid!);
    rssPeak = Math.max(rssPeak, rssEnd);
    measuring = false;
    const stalled = stalledCount > 0 ? await stalledPhase(sources) : undefined;

    const errors = connectFailures + notStarted + unexpectedCloses + run.timeouts + run.failed + (warm ? warm.timeouts + warm.failed : 0);
    const growth = (rssEnd - rssStart) / rssStart;
    const rows: [string, string][] = [
      ['machine', `${cpus().length} CPU(s), node ${process.version}, open-file limit ${limit ?? 'unknown'}`],
      ['connections held', `${clients.length} of ${requested} requested${connections !== requested ? ` (reduced to ${connections} by the fd limit)` : ''}, ${sources} source address(es), ramp ${rampS.toFixed(1)} s, then ${settleS.toFixed(1)} s until health answered in < 50 ms`],
      ['load', `${rps} rps target for ${seconds} s (${(run.sent / (run.ms / 1000)).toFixed(1)} sent/s), after ${warmupSeconds} s warm-up`],
      ['requests (measured)', `${run.sent} (health ${run.byMethod.health}, sessions.list ${run.byMethod['sessions.list']}), ${run.ok} ok`],
      ['errors', `${errors} (connect ${connectFailures}, not connected within the ${rampSeconds} s ramp bound ${notStarted}, closed ${unexpectedCloses}, timeouts ${run.timeouts + (warm?.timeouts ?? 0)}, failed ${run.failed + (warm?.failed ?? 0)})`],
      ['latency p50 / p99 / max', `${pct(run.latencies, 50).toFixed(2)} / ${pct(run.latencies, 99).toFixed(2)} / ${(run.latencies.at(-1) ?? NaN).toFixed(2)} ms`],
      ['gateway RSS after warm-up / end / peak', `${rssStart.toFixed(1)} / ${rssEnd.toFixed(1)} / ${rssPeak.toFixed(1)} MB`],
      ['gateway RSS every 5 s (MB)', trace.map((r) => r.toFixed(0)).join(' ')],
      ['RSS growth after warm-up', `${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)} %`],
      ['gateway warn/error log lines', `${gw.warnings.length} (besides slow-consumer drops)`],
      ...(stalled ? [
        ['stalled phase (fresh gateway)', `${stalled.opened} of ${stalledCount} connections stopped reading after ${stalledRequests} × system-presence each (${stalled.failed} failed to connect); ${stalled.dropped} dropped as slow consumers`] as [string, string],
        ['  reading clients meanwhile', `${stalled.readers} connections, ${stalled.drive.sent} requests at ${rps} rps for ${stalledSeconds} s, ${stalled.drive.ok} ok, p50 / p99 / max ${pct(stalled.drive.latencies, 50).toFixed(2)} / ${pct(stalled.drive.latencies, 99).toFixed(2)} / ${(stalled.drive.latencies.at(-1) ?? NaN).toFixed(2)} ms, ${stalled.drive.timeouts} timeouts, ${stalled.drive.failed} failed, ${stalled.readersClosed} closed`] as [string, string],
        ['  gateway RSS before / peak / after', `${stalled.rssBefore.toFixed(1)} / ${stalled.rssPeak.toFixed(1)} / ${stalled.rssAfter.toFixed(1)} MB (sampled every 100 ms)`] as [string, string],
      ] : []),
    ];
    const w = Math.max(...rows.map(([k]) => k.length));
    process.stdout.write(`\n${rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n')}\n\n`);
    const verdicts: [boolean, string][] = [
      [errors === 0, 'zero errors'],
      [growth < 0.1, 'RSS growth < 10% after warm-up'],
      ...(stalled ? [
        [stalled.drive.timeouts + stalled.drive.failed + stalled.readersClosed === 0 && stalled.drive.ok > 0, `reading clients served while ${stalled.opened} connections stop reading`] as [boolean, string],
        [stalled.rssPeak < STALLED_RSS_LIMIT_MB, `RSS < ${STALLED_RSS_LIMIT_MB} MB with ${stalled.opened} non-reading connections`] as [boolean, string],
      ] : []),
    ];
    for (const [ok, what] of verdicts) process.stdout.write(`${ok ? 'PASS' : 'MISS'}  ${what}\n`);
    for (const e of firstErrors) process.stdout.write(`  first errors: ${e}\n`);
    for (const l of gw.warnings.slice(0, 5)) process.stdout.write(`  gateway: ${l}\n`);
    process.exitCode = verdicts.every(([ok]) => ok) ? 0 : 1;
  } finally {
    measuring = false;
    await gw.stop();
    for (const c of clients) c.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

// A hard stop: every phase is already bounded, this only guards against a wedge.
setTimeout(() => { process.stderr.write('load: gave up after the time bound\n'); process.exit(1); }, (rampSeconds + warmupSeconds + seconds + stalledSeconds) * 1000 + 150_000).unref();

main().catch((err: unknown) => {
  process.stderr.write(`load failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
