#!/usr/bin/env node
// Entry point installed as `clawgate`. It loads the single-file bundle built at install time
// (fast cold start), or the plain compiled modules when the bundle is absent.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/bundle/clawgate.mjs', import.meta.url);
const { main } = await import(existsSync(bundle) ? bundle.href : '../dist/src/cli/main.js');

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`clawgate: ${err instanceof Error ? err.message : String(err)}\n`); process.exitCode = 1; },
);
