// Baseline for `npm run bench` only: clawgate 0.1.0's hand-written Prometheus registry, kept
// verbatim to measure the prom-client swap against it in the same run. Not used by the gateway.
// A tiny metrics registry (counters and gauges with fixed label names) and its rendering in
// the Prometheus text exposition format, version 0.0.4. No dependency; no histograms.

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type Labels = Readonly<Record<string, string>>;

export interface Counter {
  inc(labels?: Labels, by?: number): void;
  value(labels?: Labels): number;
}

export interface Gauge {
  set(value: number, labels?: Labels): void;
  inc(labels?: Labels, by?: number): void;
  dec(labels?: Labels, by?: number): void;
  value(labels?: Labels): number;
}

export interface MetricOptions {
  readonly labelNames?: readonly string[];
  /** Label sets exported as 0 before anything is observed (a known, bounded set). */
  readonly initial?: readonly Labels[];
}

export interface Registry {
  counter(name: string, help: string, opts?: MetricOptions): Counter;
  /** `collect`, when given, is read at render time (an unlabelled gauge such as uptime). */
  gauge(name: string, help: string, opts?: MetricOptions & { collect?: () => number }): Gauge;
  render(): string;
}

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly labelNames: readonly string[];
  readonly series: Map<string, { labels: string[]; value: number }>;
  readonly collect?: () => number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const escapeHelp = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const escapeLabel = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/** Sample values as the format spells them (NaN, +Inf, -Inf, else a plain number). */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

export function createRegistry(): Registry {
  const families = new Map<string, Family>();

  const register = (name: string, help: string, type: Family['type'], opts: MetricOptions & { collect?: () => number }): Family => {
    if (!METRIC_NAME.test(name)) throw new TypeError(`invalid metric name "${name}"`);
    if (families.has(name)) throw new TypeError(`metric "${name}" is already registered`);
    const labelNames = [...(opts.labelNames ?? [])];
    for (const l of labelNames) if (!LABEL_NAME.test(l) || l.startsWith('__')) throw new TypeError(`invalid label name "${l}" on ${name}`);
    const f: Family = { name, help, type, labelNames, series: new Map(), ...(opts.collect ? { collect: opts.collect } : {}) };
    families.set(name, f);
    for (const l of opts.initial ?? []) slot(f, l);
    return f;
  };

  /** The series for a label set; label names must be exactly the declared ones. */
  const slot = (f: Family, labels: Labels = {}) => {
    const keys = Object.keys(labels);
    if (keys.length !== f.labelNames.length || !f.labelNames.every((n) => typeof labels[n] === 'string')) {
      throw new TypeError(`${f.name} takes labels [${f.labelNames.join(', ')}], got [${keys.join(', ')}]`);
    }
    const values = f.labelNames.map((n) => labels[n]!);
    const key = JSON.stringify(values);
    let s = f.series.get(key);
    if (!s) { s = { labels: values, value: 0 }; f.series.set(key, s); }
    return s;
  };

  const read = (f: Family, labels?: Labels): number => f.series.get(JSON.stringify(f.labelNames.map((n) => labels?.[n] ?? '')))?.value ?? 0;

  return {
    counter(name, help, opts = {}) {
      const f = register(name, help, 'counter', opts);
      return {
        inc(labels, by = 1) {
          if (!(by >= 0)) throw new RangeError(`${name}: a counter only goes up (got ${by})`);
          slot(f, labels).value += by;
        },
        value: (labels) => read(f, labels),
      };
    },
    gauge(name, help, opts = {}) {
      const f = register(name, help, 'gauge', opts);
      return {
        set(value, labels) { slot(f, labels).value = value; },
        inc(labels, by = 1) { slot(f, labels).value += by; },
        dec(labels, by = 1) { slot(f, labels).value -= by; },
        value: (labels) => (f.collect ? f.collect() : read(f, labels)),
      };
    },
    render() {
      const lines: string[] = [];
      for (const f of families.values()) {
        lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
        if (f.collect) { lines.push(`${f.name} ${formatValue(f.collect())}`); continue; }
        if (f.labelNames.length === 0 && f.series.size === 0) { lines.push(`${f.name} 0`); continue; }
        for (const s of f.series.values()) {
          const labels = f.labelNames.map((n, i) => `${n}="${escapeLabel(s.labels[i]!)}"`).join(',');
          lines.push(`${f.name}${labels ? `{${labels}}` : ''} ${formatValue(s.value)}`);
        }
      }
      return `${lines.join('\n')}\n`;
    },
  };
}
