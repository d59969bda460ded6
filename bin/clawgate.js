#!/usr/bin/env node
// Entry point installed as `clawgate`; the CLI itself is compiled to dist/ at install time.
import { main } from '../dist/src/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`clawgate: ${err instanceof Error ? err.message : String(err)}\n`); process.exitCode = 1; },
);
