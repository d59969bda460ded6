// The metrics registry: exact Prometheus 0.0.4 text, escaping, bounded labels, and the
// gateway metric set fed by auth decisions and agent bus events.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRegistry, formatValue } from './registry.js';
import { createGatewayMetrics } from './gateway.js';

describe('metrics registry', () => {
  it('renders HELP and TYPE lines, labelled series and collected gauges in registration order', () => {
    const r = createRegistry();
    const c = r.counter('x_total', 'Things.', { labelNames: ['kind', 'result'] });
    r.gauge('g', 'A gauge.', { collect: () => 2.5 });
    r.gauge('idle', 'Never set.');
    c.inc({ kind: 'a', result: 'ok' });
    c.inc({ kind: 'a', result: 'ok' }, 2);
    c.inc({ kind: 'b', result: 'error' });
    assert.equal(r.render(), [
      '# HELP x_total Things.', '# TYPE x_total counter', 'x_total{kind="a",result="ok"} 3', 'x_total{kind="b",result="error"} 1',
      '# HELP g A gauge.', '# TYPE g gauge', 'g 2.5',
      '# HELP idle Never set.', '# TYPE idle gauge', 'idle 0', '',
    ].join('\n'));
    assert.equal(c.value({ kind: 'a', result: 'ok' }), 3);
    assert.equal(c.value({ kind: 'z', result: 'ok' }), 0);
  });

  it('exports initial label sets as 0 before anything is observed', () => {
    const r = createRegistry();
    r.counter('runs_total', 'Runs.', { labelNames: ['status'], initial: [{ status: 'ok' }, { status: 'error' }] });
    assert.match(r.render(), /runs_total\{status="ok"\} 0\nruns_total\{status="error"\} 0\n$/);
  });

  it('escapes label values and help text', () => {
    const r = createRegistry();
    r.counter('e_total', 'Line one\nback\\slash', { labelNames: ['v'] }).inc({ v: 'say "hi"\\\n' });
    assert.equal(r.render(), '# HELP e_total Line one\\nback\\\\slash\n# TYPE e_total counter\ne_total{v="say \\"hi\\"\\\\\\n"} 1\n');
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
  });

  it('spells special values the way the format does', () => {
    assert.deepEqual([NaN, Infinity, -Infinity, 0, 1.5].map(formatValue), ['NaN', '+Inf', '-Inf', '0', '1.5']);
  });
});

describe('gateway metrics', () => {
  const agent = (runId: string, stream: string, data: Record<string, unknown>) => ({ event: 'agent', payload: { runId, stream, data } });

  it('counts runs by final status and tracks the ones executing', () => {
    const m = createGatewayMetrics({ startedAt: 0, connections: () => 0, toolNames: [] });
    const active = () => m.registry.render().match(/^clawgate_runs_active (\d+)$/m)?.[1];
    m.observe(agent('r1', 'lifecycle', { phase: 'start' }));
    m.observe(agent('r2', 'lifecycle', { phase: 'start' }));
    m.observe(agent('r3', 'lifecycle', { phase: 'start' }));
    assert.equal(active(), '3');
    m.observe(agent('r1', 'lifecycle', { phase: 'end' }));
    m.observe(agent('r2', 'lifecycle', { phase: 'error', status: 'timeout' }));
    m.observe(agent('r3', 'lifecycle', { phase: 'error', status: 'something-new' }));
    assert.equal(active(), '0');
    const text = m.render();
    for (const [status, n] of [['ok', 1], ['error', 1], ['aborted', 0], ['interrupted', 0], ['timeout', 1]] as const) {
      assert.ok(text.includes(`clawgate_runs_total{status="${status}"} ${n}\n`), `${status} ${n}`);
    }
  });

  it('labels tool calls by known tool name and folds unknown names into "unknown"', () => {
    const m = createGatewayMetrics({ startedAt: 0, connections: () => 0, toolNames: ['sessions_list'] });
    m.observe(agent('r', 'tool', { phase: 'start', name: 'sessions_list' }));
    m.observe(agent('r', 'tool', { phase: 'result', name: 'sessions_list', isError: false }));
    m.observe(agent('r', 'tool', { phase: 'result', name: 'sessions_list', isError: true }));
    m.observe(agent('r', 'tool', { phase: 'result', name: 'made_up_by_the_model_1', isError: true }));
    m.observe({ event: 'chat', payload: { runId: 'r' } });
    const text = m.render();
    assert.ok(text.includes('clawgate_tool_calls_total{tool="sessions_list",result="ok"} 1\n'));
    assert.ok(text.includes('clawgate_tool_calls_total{tool="sessions_list",result="error"} 1\n'));
    assert.ok(text.includes('clawgate_tool_calls_total{tool="unknown",result="error"} 1\n'));
    assert.ok(!text.includes('made_up'));
  });

  it('reports connections and uptime when rendered', () => {
    let n = 4;
    let now = 10_000;
    const m = createGatewayMetrics({ startedAt: 2_500, now: () => now, connections: () => n, toolNames: [] });
    assert.match(m.render(), /^clawgate_connections 4$/m);
    assert.match(m.render(), /^clawgate_uptime_seconds 7\.5$/m);
    n = 1; now = 12_500;
    assert.match(m.render(), /^clawgate_connections 1$/m);
    assert.match(m.render(), /^clawgate_uptime_seconds 10$/m);
  });
});
