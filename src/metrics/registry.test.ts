// The metrics facade over prom-client: exact Prometheus 0.0.4 text, escaping, bounded labels,
// histograms, and the gateway metric set fed by auth decisions, RPCs and agent bus events.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRegistry, PROMETHEUS_CONTENT_TYPE } from './registry.js';
import { createGatewayMetrics } from './gateway.js';

/** Sample lines only (HELP/TYPE and blank lines dropped). */
const samples = (text: string): string[] => text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));

describe('metrics registry', () => {
  it('renders HELP and TYPE lines, labelled series and collected gauges in registration order', async () => {
    const r = createRegistry();
    const c = r.counter('x_total', 'Things.', { labelNames: ['kind', 'result'] });
    r.gauge('g', 'A gauge.', { collect: () => 2.5 });
    r.gauge('idle', 'Never set.');
    c.inc({ kind: 'a', result: 'ok' });
    c.inc({ kind: 'a', result: 'ok' }, 2);
    c.inc({ kind: 'b', result: 'error' });
    assert.equal(await r.render(), [
      '# HELP x_total Things.', '# TYPE x_total counter', 'x_total{kind="a",result="ok"} 3', 'x_total{kind="b",result="error"} 1', '',
      '# HELP g A gauge.', '# TYPE g gauge', 'g 2.5', '',
      '# HELP idle Never set.', '# TYPE idle gauge', 'idle 0', '',
    ].join('\n'));
    assert.equal(PROMETHEUS_CONTENT_TYPE, 'text/plain; version=0.0.4; charset=utf-8');
  });

  it('exports initial label sets as 0 before anything is observed', async () => {
    const r = createRegistry();
    r.counter('runs_total', 'Runs.', { labelNames: ['status'], initial: [{ status: 'ok' }, { status: 'error' }] });
    assert.deepEqual(samples(await r.render()), ['runs_total{status="ok"} 0', 'runs_total{status="error"} 0']);
  });

  it('escapes label values and help text', async () => {
    const r = createRegistry();
    r.counter('e_total', 'Line one\nback\\slash', { labelNames: ['v'] }).inc({ v: 'say "hi"\\\n' });
    assert.equal(await r.render(), '# HELP e_total Line one\\nback\\\\slash\n# TYPE e_total counter\ne_total{v="say \\"hi\\"\\\\\\n"} 1\n');
  });

  it('renders histograms with cumulative buckets, sum and count', async () => {
    const r = createRegistry();
    const h = r.histogram('lat_seconds', 'Latency.', { labelNames: ['method'], buckets: [0.01, 0.1] });
    h.observe({ method: 'health' }, 0.005);
    h.observe({ method: 'health' }, 0.05);
    h.observe({ method: 'health' }, 3);
    assert.deepEqual(samples(await r.render()), [
      'lat_seconds_bucket{le="0.01",method="health"} 1', 'lat_seconds_bucket{le="0.1",method="health"} 2',
      'lat_seconds_bucket{le="+Inf",method="health"} 3', 'lat_seconds_sum{method="health"} 3.055', 'lat_seconds_count{method="health"} 3',
    ]);
  });

  it('refuses undeclared labels, bad names, duplicates and decreasing counters', () => {
    const r = createRegistry();
    const c = r.counter('ok_total', 'x', { labelNames: ['a'] });
    assert.throws(() => c.inc({ b: '1' }), /takes labels \[a\]/);
    assert.throws(() => c.inc(), /takes labels \[a\]/);
    assert.throws(() => c.inc({ a: '1' }, -1), RangeError);
    assert.throws(() => r.counter('ok_total', 'again'), /already registered/);
    assert.throws(() => r.counter('bad-name', 'x'), /invalid metric name/);
    assert.throws(() => r.gauge('g', 'x', { labelNames: ['__reserved'] }), /invalid label name/);
    assert.throws(() => r.histogram('h', 'x', { labelNames: ['m'] }).observe({}, 1), /takes labels \[m\]/);
  });

  it('two registries are independent (no global default registry)', async () => {
    createRegistry().counter('same_total', 'x');
    const b = createRegistry();
    b.counter('same_total', 'x').inc();
    assert.deepEqual(samples(await b.render()), ['same_total 1']);
  });
});

describe('gateway metrics', () => {
  const agent = (runId: string, stream: string, data: Record<string, unknown>) => ({ event: 'agent', payload: { runId, stream, data } });

  it('counts runs by final status and tracks the ones executing', async () => {
    const m = createGatewayMetrics({ startedAt: 0, connections: () => 0, toolNames: [] });
    const active = async () => (await m.render()).match(/^clawgate_runs_active (\d+)$/m)?.[1];
    m.observe(agent('r1', 'lifecycle', { phase: 'start' }));
    m.observe(agent('r2', 'lifecycle', { phase: 'start' }));
    m.observe(agent('r3', 'lifecycle', { phase: 'start' }));
    assert.equal(await active(), '3');
    m.observe(agent('r1', 'lifecycle', { phase: 'end' }));
    m.observe(agent('r2', 'lifecycle', { phase: 'error', status: 'timeout' }));
    m.observe(agent('r3', 'lifecycle', { phase: 'error', status: 'something-new' }));
    assert.equal(await active(), '0');
    const text = await m.render();
    for (const [status, n] of [['ok', 1], ['error', 1], ['aborted', 0], ['interrupted', 0], ['timeout', 1]] as const) {
      assert.ok(text.includes(`clawgate_runs_total{status="${status}"} ${n}\n`), `${status} ${n}`);
    }
  });

  it('labels tool calls by known tool name and folds unknown names into "unknown"', async () => {
    const m = createGatewayMetrics({ startedAt: 0, connections: () => 0, toolNames: ['sessions_list'] });
    m.observe(agent('r', 'tool', { phase: 'start', name: 'sessions_list' }));
    m.observe(agent('r', 'tool', { phase: 'result', name: 'sessions_list', isError: false }));
    m.observe(agent('r', 'tool', { phase: 'result', name: 'sessions_list', isError: true }));
    m.observe(agent('r', 'tool', { phase: 'result', name: 'made_up_by_the_model_1', isError: true }));
    m.observe({ event: 'chat', payload: { runId: 'r' } });
    const text = await m.render();
    assert.ok(text.includes('clawgate_tool_calls_total{tool="sessions_list",result="ok"} 1\n'));
    assert.ok(text.includes('clawgate_tool_calls_total{tool="sessions_list",result="error"} 1\n'));
    assert.ok(text.includes('clawgate_tool_calls_total{tool="unknown",result="error"} 1\n'));
    assert.ok(!text.includes('made_up'));
  });

  it('times RPCs by known method and folds caller-chosen names into "unknown"', async () => {
    const m = createGatewayMetrics({ startedAt: 0, connections: () => 0, toolNames: [], methodNames: () => ['health'] });
    m.rpc('health', true, 0.002);
    m.rpc('health', false, 0.2);
    for (let i = 0; i < 100; i++) m.rpc(`made.up.${i}`, false, 0.001);
    const text = await m.render();
    assert.ok(text.includes('clawgate_rpc_duration_seconds_count{method="health",result="ok"} 1\n'));
    assert.ok(text.includes('clawgate_rpc_duration_seconds_count{method="health",result="error"} 1\n'));
    assert.ok(text.includes('clawgate_rpc_duration_seconds_count{method="unknown",result="error"} 100\n'));
    assert.ok(!text.split('\n').some((l) => l.startsWith('clawgate_rpc_duration_seconds') && l.includes('made.up')));
    // Unknown names are counted by name in their own counter, capped at 50 series plus "other".
    const unknown = text.split('\n').filter((l) => l.startsWith('clawgate_unknown_method_calls_total{'));
    assert.equal(unknown.length, 51);
    assert.ok(unknown.includes('clawgate_unknown_method_calls_total{method="made.up.0"} 1'));
    assert.ok(unknown.includes('clawgate_unknown_method_calls_total{method="other"} 50'));
  });

  it('times handshakes by result alongside the auth decision counter', async () => {
    const m = createGatewayMetrics({ startedAt: 0, connections: () => 0, toolNames: [] });
    m.authDecision('allow', 'token', 0.0004);
    m.authDecision('deny', 'token_mismatch', 0.0003);
    m.authDecision('deny', 'token_missing', 0.0002);
    const text = await m.render();
    assert.ok(text.includes('clawgate_handshake_duration_seconds_bucket{le="0.001",result="allow"} 1\n'));
    assert.ok(text.includes('clawgate_handshake_duration_seconds_count{result="deny"} 2\n'));
  });

  it('reports connections and uptime when rendered', async () => {
    let n = 4;
    let now = 10_000;
    const m = createGatewayMetrics({ startedAt: 2_500, now: () => now, connections: () => n, toolNames: [] });
    assert.match(await m.render(), /^clawgate_connections 4$/m);
    assert.match(await m.render(), /^clawgate_uptime_seconds 7\.5$/m);
    n = 1; now = 12_500;
    assert.match(await m.render(), /^clawgate_connections 1$/m);
    assert.match(await m.render(), /^clawgate_uptime_seconds 10$/m);
  });
});
