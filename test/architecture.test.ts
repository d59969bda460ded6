// Structure checks: imports flow one way between src/ folders (the table below is the
// architecture), files stay small, and the version matches package.json.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../src/version.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = join(ROOT, 'src');

/** Which src/ folders each folder may import from (besides itself). Type-only imports count too. */
const ALLOWED: Record<string, string[]> = {
  protocol: [],
  util: [],
  store: ['util'],
  config: ['protocol', 'util'],
  client: ['protocol', 'util'],
  auth: ['protocol', 'util', 'config', 'transport'],
  transport: ['protocol', 'util', 'config', 'auth', 'rpc'],
  rpc: ['protocol', 'util', 'config', 'auth', 'client', 'store'],
  metrics: ['protocol', 'util'],
  agents: ['protocol', 'util', 'config', 'auth', 'client', 'rpc', 'store'],
  channels: ['protocol', 'util', 'config', 'auth', 'client', 'rpc'],
  doctor: ['protocol', 'util', 'config'],
  ui: [],
  cli: ['protocol', 'util', 'config', 'client', 'doctor', '(root)'],
  '(root)': ['*'],
};

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.tsx?$/.test(name) && !name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const folderOf = (file: string): string => {
  const rel = relative(SRC, file).split('/');
  return rel.length === 1 ? '(root)' : rel[0]!;
};

describe('architecture', () => {
  const files = walk(SRC);

  it('keeps imports flowing one way between src/ folders', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = folderOf(file);
      const allowed = ALLOWED[from];
      assert.ok(allowed, `folder src/${from} is not in the architecture table`);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from\s+|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = resolve(dirname(file), m[1]!);
        if (!target.startsWith(SRC)) continue;
        const to = folderOf(target.replace(/\.js$/, '.ts'));
        if (to === from || allowed.includes('*') || allowed.includes(to)) continue;
        violations.push(`${relative(ROOT, file)} imports src/${to === '(root)' ? relative(SRC, target) : to}`);
      }
    }
    assert.deepEqual(violations, []);
  });

  it('keeps source files under 400 lines', () => {
    const big = files.map((f) => [relative(ROOT, f), readFileSync(f, 'utf8').split('\n').length] as const).filter(([, n]) => n > 400);
    assert.deepEqual(big, []);
  });

  it('starts every source file with a comment saying what it owns', () => {
    const missing = files.filter((f) => !/^(?:\/\/|\/\*)/.test(readFileSync(f, 'utf8'))).map((f) => relative(ROOT, f));
    assert.deepEqual(missing, []);
  });

  it('reports the same version as package.json', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(VERSION, pkg.version);
  });
});
