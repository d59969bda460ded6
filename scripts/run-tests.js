#!/usr/bin/env node
// Runs every compiled test file (dist/**/*.test.js) with node's test runner. Node 20's
// `--test` takes no globs, so the list is collected here. Extra args are passed through
// (e.g. `npm test -- --test-name-pattern=origin`).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { clearLeakLogs, reportLeaks } from './leak-check.js';

function collect(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collect(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const roots = ['dist/src', 'dist/test'];
const only = process.env.CLAWGATE_TEST_FILTER;
const files = roots.flatMap((r) => { try { return collect(r); } catch { return []; } })
  .filter((f) => !only || f.includes(only))
  .sort();
if (files.length === 0) { console.error('no test files found under dist/'); process.exit(1); }
const args = ['--test', '--test-concurrency=2', ...process.argv.slice(2), ...files];
clearLeakLogs();
const r = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } });
const clean = reportLeaks();
process.exit(clean ? (r.status ?? 1) : 1);
