// The metrics facade: counters, gauges and histograms with fixed label names, backed by
// prom-client and rendered in the Prometheus text exposition format, version 0.0.4. Code that
// wants a metric asks a Registry for one; only this file imports prom-client.
// One module each, not the package index (prom-client-lib.d.ts says why).
import PromCounter from 'prom-client/lib/counter.js';
import PromGauge from 'prom-client/lib/gauge.js';
import PromHistogram from 'prom-client/lib/histogram.js';
import PromRegistry from 'prom-client/lib/registry.js';

export const PROMETHEUS_CONTENT_TYPE = PromRegistry.PROMETHEUS_CONTENT_TYPE;

export type Labels = Readonly<Record<string, string>>;

export interface Counter {
  inc(labels?: Labels, by?: number): void;
}

export interface Gauge {
  set(value: number, labels?: Labels): void;
  inc(labels?: Labels, by?: number): void;
  dec(labels?: Labels, by?: number): void;
}

export interface Histogram {
  /** Records one observation (seconds, for latencies). */
  observe(labels: Labels | undefined, value: number): void;
}

export interface MetricOptions {
  readonly labelNames?: readonly string[];
  /** Label sets exported as 0 before anything is observed (a known, bounded set). */
  readonly initial?: readonly Labels[];
}

export interface HistogramOptions {
  readonly labelNames?: readonly string[];
  /** Upper bounds, ascending; default LATENCY_BUCKETS. */
  readonly buckets?: readonly number[];
}

export interface Registry {
  counter(name: string, help: string, opts?: MetricOptions): Counter;
  /** `collect`, when given, is read at render time (an unlabelled gauge such as uptime). */
  gauge(name: string, help: string, opts?: MetricOptions & { collect?: () => number }): Gauge;
  histogram(name: string, help: string, opts?: HistogramOptions): Histogram;
  /** The exposition text. */
  render(): Promise<string>;
}

/** Seconds: 1 ms to 10 s, for handshakes and RPCs answered in-process or over loopback. */
export const LATENCY_BUCKETS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function createRegistry(): Registry {
  const reg = new PromRegistry();

  const names = (name: string, labelNames: readonly string[] = []): string[] => {
    if (!METRIC_NAME.test(name)) throw new TypeError(`invalid metric name "${name}"`);
    if (reg.getSingleMetric(name)) throw new TypeError(`metric "${name}" is already registered`);
    for (const l of labelNames) if (!LABEL_NAME.test(l) || l.startsWith('__')) throw new TypeError(`invalid label name "${l}" on ${name}`);
    return [...labelNames];
  };
  /** prom-client accepts a partial label set; this facade wants exactly the declared names. */
  const strict = (name: string, labelNames: readonly string[]) => (labels: Labels = {}): Labels => {
    const keys = Object.keys(labels);
    if (keys.length !== labelNames.length || !labelNames.every((n) => typeof labels[n] === 'string')) {
      throw new TypeError(`${name} takes labels [${labelNames.join(', ')}], got [${keys.join(', ')}]`);
    }
    return labels;
  };

  return {
    counter(name, help, opts = {}) {
      const labelNames = names(name, opts.labelNames);
      const check = strict(name, labelNames);
      const c = new PromCounter({ name, help, labelNames, registers: [reg] });
      for (const l of opts.initial ?? []) c.inc(check(l), 0);
      return {
        inc(labels, by = 1) {
          if (!(by >= 0)) throw new RangeError(`${name}: a counter only goes up (got ${by})`);
          c.inc(check(labels), by);
        },
      };
    },
    gauge(name, help, opts = {}) {
      const labelNames = names(name, opts.labelNames);
      const check = strict(name, labelNames);
      const collect = opts.collect;
      const g = new PromGauge({ name, help, labelNames, registers: [reg], ...(collect ? { collect(this: InstanceType<typeof PromGauge>) { this.set(collect()); } } : {}) });
      for (const l of opts.initial ?? []) g.set(check(l), 0);
      return {
        set(value, labels) { g.set(check(labels), value); },
        inc(labels, by = 1) { g.inc(check(labels), by); },
        dec(labels, by = 1) { g.dec(check(labels), by); },
      };
    },
    histogram(name, help, opts = {}) {
      const labelNames = names(name, opts.labelNames);
      const check = strict(name, labelNames);
      const h = new PromHistogram({ name, help, labelNames, buckets: [...(opts.buckets ?? LATENCY_BUCKETS)], registers: [reg] });
      return { observe(labels, value) { h.observe(check(labels), value); } };
    },
    render: () => reg.metrics(),
  };
}
