// `npm run bench`, validation table: TypeBox (compiled once, behind src/protocol/schema.ts's
// builders) against the hand-written validator 0.1.0 shipped (bench/baseline/), same run.
// Cold: a fresh node process imports the bundled builders, builds every schema of the set
// (bench/schema-set.ts), compiles and validates one typical value with each. Throughput: the
// gateway's own connect and sessions.list schemas on a typical frame, against the 0.1.0 ones.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate } from '../src/protocol/schema.js';
import { connectParamsSchema } from '../src/protocol/connect.js';
import { sessionsListParams } from '../src/rpc/methods/sessions.js';
import * as legacy from './baseline/handwritten-schema.js';
import { bundle, coldImport, fmt, median, rate } from './libs.js';
import { defineSet, SAMPLES } from './schema-set.js';
import { alignedTable } from './table.js';

export async function validationBench(rounds: number): Promise<string> {
  const old = defineSet(legacy) as Record<string, legacy.Schema<unknown>>;
  const pairs: Record<string, { ours: number[]; base: number[] }> = {};
  const add = (k: string, ours: number, base: number) => { (pairs[k] ??= { ours: [], base: [] }).ours.push(ours); pairs[k].base.push(base); };
  const connect = SAMPLES.connect;
  const list = SAMPLES.sessionsList;
  const bad = { ...(list as object), limit: 'ten', kinds: [1, 2, 3] };
  if (!validate(connectParamsSchema, connect).ok || !validate(sessionsListParams, list, { lenientRoot: true }).ok) throw new Error('bench samples must validate');
  const tmp = mkdtempSync(join(tmpdir(), 'clawgate-bench-schema-'));
  const [coldNow, coldOld] = await Promise.all(['bench/schema-cold-typebox.js', 'bench/schema-cold-handwritten.js'].map((f) => bundle(f, tmp)));
  for (let r = 0; r < rounds; r++) {
    add('connect params validations/s', rate(() => validate(connectParamsSchema, connect)), rate(() => legacy.validate(old.connect!, connect)));
    add('sessions.list params validations/s', rate(() => validate(sessionsListParams, list, { lenientRoot: true })), rate(() => legacy.validate(old.sessionsList!, list)));
    add('invalid sessions.list (3 issues)/s', rate(() => validate(sessionsListParams, bad, { lenientRoot: true })), rate(() => legacy.validate(old.sessionsList!, bad)));
    const make = 'if (m.buildAndValidateAll() !== 6) throw new Error("sample did not validate")';
    add('cold: import + build + compile all + first validation (ms)', await coldImport(coldNow!, make), await coldImport(coldOld!, make));
  }
  rmSync(tmp, { recursive: true, force: true });
  const rows: [string, string, string, string][] = [];
  for (const [name, { ours, base }] of Object.entries(pairs)) {
    rows.push([name, fmt(median(ours)), fmt(median(base)), median(ours.map((x, i) => x / base[i]!)).toFixed(2)]);
  }
  return [
    ...alignedTable(['validation', 'TypeBox', '0.1.0', 'ratio'], rows), '',
    'TypeBox = src/protocol/schema.ts (TypeCompiler, bounded issues); 0.1.0 = the hand-written validator it replaced (bench/baseline/), same run, medians;',
    'throughput rows use the gateway\'s real connect and sessions.list schemas (with unknown-key leniency) against 0.1.0\'s; ratio > 1 = TypeBox faster.',
    'cold row: a fresh node process imports the esbuild-bundled builders and builds, compiles and validates six schemas incl. the config (bench/schema-set.ts); ratio > 1 = slower.', '',
  ].join('\n');
}
