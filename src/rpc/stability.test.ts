// The stability recorder: a bounded ring in OpenClaw's snapshot shape, with real memory samples,
// run outcomes, refused connects and event-loop liveness warnings, and nothing identifying.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createStabilityRecorder, type StabilityRecorder } from './stability.js';

describe('stability recorder', () => {
  const made: StabilityRecorder[] = [];
  const make = (opts: Parameters<typeof createStabilityRecorder>[0] = {}) => { const r = createStabilityRecorder({ sampleMs: 3_600_000, ...opts }); made.push(r); return r; };
  after(() => { for (const r of made) r.stop(); });

  it('starts with a memory sample and a heartbeat of this process, summarised as OpenClaw does', () => {
    const s = make({ now: () => 5_000, startedAt: 1_000, connections: () => 3, activeRuns: () => 1 }).snapshot();
    assert.equal(s.capacity, 1000);
    assert.equal(s.count, 2);
    assert.equal(s.dropped, 0);
    assert.equal(s.events[0]!.type, 'diagnostic.memory.sample');
    const { seq: _s, ts: _t, eventLoopUtilization, eventLoopDelayP99Ms: _p, eventLoopDelayMaxMs: _m, ...beat } = s.events[1]!;
    assert.deepEqual(beat, { type: 'diagnostic.heartbeat', active: 1, waiting: 0, queued: 0, webhooks: { received: 0, processed: 0, errors: 0 }, connections: 3, uptimeMs: 4_000 });
    assert.ok(eventLoopUtilization! >= 0 && eventLoopUtilization! <= 1);
    const mem = s.summary.memory!;
    assert.ok(mem.latest!.rssBytes > 1_000_000 && mem.latest!.heapUsedBytes > 0, JSON.stringify(mem));
    assert.equal(mem.maxRssBytes, mem.latest!.rssBytes);
    assert.deepEqual(s.summary.byType, { 'diagnostic.memory.sample': 1, 'diagnostic.heartbeat': 1 });
    assert.ok(!Number.isNaN(Date.parse(s.generatedAt)));
  });

  it('records run outcomes with their durations and refused connects with their reason only', () => {
    let t = 1_000;
    const r = make({ now: () => t });
    r.observeAgent({ runId: 'r1', stream: 'lifecycle', data: { phase: 'start' }, sessionKey: 'agent:manager:secret-name' });
    t += 250;
    r.observeAgent({ runId: 'r1', stream: 'assistant', data: { delta: 'private text' } });
    r.observeAgent({ runId: 'r1', stream: 'lifecycle', data: { phase: 'end' } });
    r.observeAgent({ runId: 'r2', stream: 'lifecycle', data: { phase: 'error', status: 'timeout', error: 'model said something private' } });
    r.authDecision('allow', 'token');
    r.authDecision('deny', 'token_mismatch');
    r.authDecision('deny', 'bad reason with spaces\n');
    const events = r.snapshot().events.slice(2).map(({ seq: _s, ts: _t, ...e }) => e);
    assert.deepEqual(events, [
      { type: 'run.started' },
      { type: 'run.completed', outcome: 'completed', durationMs: 250 },
      { type: 'run.completed', outcome: 'timeout', reason: 'timeout' },
      { type: 'security.event', source: 'auth', action: 'connect', target: 'websocket', outcome: 'denied', level: 'warning', count: 1, reason: 'token_mismatch' },
      { type: 'security.event', source: 'auth', action: 'connect', target: 'websocket', outcome: 'denied', level: 'warning', count: 1 },
    ]);
    assert.doesNotMatch(JSON.stringify(r.snapshot()), /secret-name|private/);
  });

  it('counts a burst of refusals in one record per second, so guessing cannot flush the ring', () => {
    let t = 10_000;
    const r = make({ now: () => t });
    for (let i = 0; i < 5_000; i++) r.authDecision('deny', 'token_mismatch');
    r.authDecision('deny', 'rate_limited');
    t += 1_500;
    r.authDecision('deny', 'rate_limited');
    const s = r.snapshot();
    assert.deepEqual(s.events.slice(2).map((e) => [e.reason, e.count]), [['token_mismatch', 5_000], ['rate_limited', 1], ['rate_limited', 1]]);
    assert.equal(s.events[0]!.type, 'diagnostic.memory.sample', 'the memory sample is still there');
    assert.equal(s.dropped, 0);
  });

  it('refusals alternating between reasons, for minutes, cannot flush memory samples and run records out of the ring', () => {
    let t = 10_000;
    const r = make({ now: () => t, capacity: 100 });
    r.observeAgent({ runId: 'r1', stream: 'lifecycle', data: { phase: 'start' } });
    r.observeAgent({ runId: 'r1', stream: 'lifecycle', data: { phase: 'end' } });
    // A client alternating a missing and a wrong token (and the lockout that follows), 50 a second for 10 minutes.
    const reasons = ['token_missing', 'token_mismatch', 'rate_limited'];
    let refused = 0;
    for (let sec = 0; sec < 600; sec++) {
      for (let i = 0; i < 50; i++) { r.authDecision('deny', reasons[i % 3]!); refused++; }
      t += 1_000;
    }
    const s = r.snapshot({ limit: 100 });
    const types = s.events.map((e) => e.type);
    assert.ok(types.includes('diagnostic.memory.sample'), 'the memory sample survived');
    assert.ok(types.includes('run.completed') && types.includes('run.started'), 'the run records survived');
    const counted = s.events.filter((e) => e.type === 'security.event').reduce((n, e) => n + (e.count ?? 0), 0);
    assert.equal(counted, refused, 'every refusal is still counted');
    assert.ok(s.events.filter((e) => e.type === 'security.event').length <= 25, 'refusals take at most a quarter of the ring');
    // A new reason at the budget takes the place of the oldest refusal record.
    r.authDecision('deny', 'origin_not_allowed');
    const after = r.snapshot({ limit: 100 }).events.filter((e) => e.type === 'security.event');
    assert.equal(after.length, 25);
    assert.deepEqual([after.at(-1)!.reason, after.at(-1)!.count], ['origin_not_allowed', 1]);
  });

  it('filters by type and sinceSeq, returns the newest `limit`, and counts what the ring dropped', () => {
    let t = 0;
    const r = make({ capacity: 5, now: () => (t += 2_000) });
    for (let i = 0; i < 7; i++) r.observeAgent({ runId: `r${i}`, stream: 'lifecycle', data: { phase: 'start' } });
    const all = r.snapshot({ limit: 1000 });
    assert.equal(all.count, 5);
    assert.equal(all.dropped, 4);
    assert.deepEqual([all.firstSeq, all.lastSeq], [5, 9]);
    const page = r.snapshot({ limit: 2, sinceSeq: 6 });
    assert.deepEqual(page.events.map((e) => e.seq), [8, 9]);
    assert.equal(page.count, 3);
    assert.equal(r.snapshot({ type: 'telemetry.exporter' }).count, 0);
    assert.deepEqual(r.snapshot({ type: 'telemetry.exporter' }).events, []);
  });

  it('records a liveness warning when the event loop was blocked past the threshold', async () => {
    const r = make({ livenessWarnMs: 40, activeRuns: () => 2 });
    await new Promise((res) => setTimeout(res, 50));
    const until = Date.now() + 120;
    while (Date.now() < until) { /* block the event loop */ }
    await new Promise((res) => setTimeout(res, 60)); // the delay monitor measures it once its timer runs
    r.sample();
    const warn = r.snapshot({ type: 'diagnostic.liveness.warning' }).events[0];
    assert.ok(warn, 'a warning was recorded');
    assert.equal(warn.level, 'warning');
    assert.equal(warn.active, 2);
    assert.ok(warn.eventLoopDelayMaxMs! >= 40, JSON.stringify(warn));
  });
});
