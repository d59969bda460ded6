// Types for the prom-client modules registry.ts imports one by one (instead of the package
// index, which also loads default process metrics, Summary, Pushgateway and cluster support:
// about 50 ms more on every cold start, see docs/benchmarks.md). Each file's module.exports
// is the class the package index re-exports under the same name.
declare module 'prom-client/lib/registry.js' {
  import { Registry } from 'prom-client';
  const R: typeof Registry;
  export default R;
}
declare module 'prom-client/lib/counter.js' {
  import { Counter } from 'prom-client';
  const C: typeof Counter;
  export default C;
}
declare module 'prom-client/lib/gauge.js' {
  import { Gauge } from 'prom-client';
  const G: typeof Gauge;
  export default G;
}
declare module 'prom-client/lib/histogram.js' {
  import { Histogram } from 'prom-client';
  const H: typeof Histogram;
  export default H;
}
