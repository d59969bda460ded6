// The hand-written validator clawgate 0.1.0 shipped (src/protocol/schema.ts before TypeBox), kept
// verbatim as the baseline for `npm run bench`: every problem collected, unknown keys are errors.

export interface Issue { path: string; message: string }
export type Result<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

export interface Schema<T> {
  readonly kind: string;
  /** Appends problems to `issues`; returns the (possibly defaulted) value. */
  check(input: unknown, path: string, issues: Issue[]): T;
  readonly optional?: boolean;
  readonly defaultValue?: () => T;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

const describe = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;

const at = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;

function make<T>(kind: string, check: Schema<T>['check']): Schema<T> {
  return { kind, check };
}

export const str = (opts: { min?: number; max?: number; pattern?: RegExp; patternHint?: string } = {}): Schema<string> =>
  make('string', (v, path, issues) => {
    if (typeof v !== 'string') { issues.push({ path, message: `expected string, got ${describe(v)}` }); return ''; }
    if (opts.min !== undefined && v.length < opts.min) issues.push({ path, message: opts.min === 1 ? 'must not be empty' : `must be at least ${opts.min} characters` });
    if (opts.max !== undefined && v.length > opts.max) issues.push({ path, message: `must be at most ${opts.max} characters` });
    if (opts.pattern && !opts.pattern.test(v)) issues.push({ path, message: opts.patternHint ?? `must match ${opts.pattern}` });
    return v;
  });

export const num = (opts: { int?: boolean; min?: number; max?: number } = {}): Schema<number> =>
  make('number', (v, path, issues) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) { issues.push({ path, message: `expected number, got ${describe(v)}` }); return 0; }
    if (opts.int && !Number.isInteger(v)) issues.push({ path, message: 'must be an integer' });
    if (opts.min !== undefined && v < opts.min) issues.push({ path, message: `must be >= ${opts.min}` });
    if (opts.max !== undefined && v > opts.max) issues.push({ path, message: `must be <= ${opts.max}` });
    return v;
  });

export const bool = (): Schema<boolean> =>
  make('boolean', (v, path, issues) => {
    if (typeof v !== 'boolean') { issues.push({ path, message: `expected boolean, got ${describe(v)}` }); return false; }
    return v;
  });

export const literal = <const T extends readonly string[]>(...values: T): Schema<T[number]> =>
  make('enum', (v, path, issues) => {
    if (typeof v !== 'string' || !values.includes(v)) {
      issues.push({ path, message: `must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}` });
      return values[0] as T[number];
    }
    return v as T[number];
  });

/** Accepts anything (free-form payloads). */
export const any = (): Schema<unknown> => make('any', (v) => v);

export const arr = <T>(item: Schema<T>, opts: { max?: number } = {}): Schema<T[]> =>
  make('array', (v, path, issues) => {
    if (!Array.isArray(v)) { issues.push({ path, message: `expected array, got ${describe(v)}` }); return []; }
    if (opts.max !== undefined && v.length > opts.max) issues.push({ path, message: `must have at most ${opts.max} items` });
    return v.map((x, i) => item.check(x, at(path, i), issues));
  });

export const record = <T>(value: Schema<T>): Schema<Record<string, T>> =>
  make('record', (v, path, issues) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) { issues.push({ path, message: `expected object, got ${describe(v)}` }); return {}; }
    const out: Record<string, T> = {};
    for (const [k, x] of Object.entries(v)) out[k] = value.check(x, at(path, k), issues);
    return out;
  });

export const optional = <T>(s: Schema<T>): Schema<T | undefined> => ({ ...s, optional: true, check: (v, p, i) => (v === undefined ? undefined : s.check(v, p, i)) });

export const withDefault = <T>(s: Schema<T>, def: () => NoInfer<T>): Schema<T> =>
  ({ ...s, optional: true, defaultValue: def, check: (v, p, i) => (v === undefined ? def() : s.check(v, p, i)) });

export const oneOf = <A, B>(a: Schema<A>, b: Schema<B>): Schema<A | B> =>
  make(`${a.kind}|${b.kind}`, (v, path, issues) => {
    const first: Issue[] = [];
    const ra = a.check(v, path, first);
    if (first.length === 0) return ra;
    const second: Issue[] = [];
    const rb = b.check(v, path, second);
    if (second.length === 0) return rb;
    issues.push(...first);
    return ra;
  });

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { optional: true } ? K : undefined extends Infer<S[K]> ? K : never }[keyof S];
export type ObjOf<S extends Shape> =
  { [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> };

export interface ObjOptions {
  /** Unknown keys are errors unless listed here (known-but-ignored keys) or `passthrough` is set. */
  ignoredKeys?: readonly string[];
  passthrough?: boolean;
  onIgnored?: (path: string) => void;
}

export const obj = <S extends Shape>(shape: S, opts: ObjOptions = {}): Schema<ObjOf<S>> => {
  const entries = Object.entries(shape); // computed once: this runs on every connect and request
  return make('object', (v, path, issues) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      issues.push({ path: path || '(root)', message: `expected object, got ${describe(v)}` });
      v = {};
    }
    const input = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, s] of entries) {
      if (input[k] === undefined && !s.optional) { issues.push({ path: at(path, k), message: 'is required' }); continue; }
      const value = s.check(input[k], at(path, k), issues);
      if (value !== undefined) out[k] = value;
    }
    for (const k in input) {
      if (Object.prototype.hasOwnProperty.call(shape, k) || !Object.prototype.hasOwnProperty.call(input, k)) continue;
      if (opts.passthrough) { out[k] = input[k]; continue; }
      if (opts.ignoredKeys?.includes(k)) { opts.onIgnored?.(at(path, k)); continue; }
      issues.push({ path: at(path, k), message: 'unknown key' });
    }
    return out as ObjOf<S>;
  });
};

/** Runs a schema and returns a discriminated result instead of collecting into a caller's list. */
export function validate<T>(schema: Schema<T>, input: unknown, path = ''): Result<T> {
  const issues: Issue[] = [];
  const value = schema.check(input, path, issues);
  return issues.length === 0 ? { ok: true, value } : { ok: false, issues };
}

export const formatIssues = (issues: readonly Issue[]): string =>
  issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
