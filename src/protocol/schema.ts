// Named schema builders over TypeBox, compiled once per schema with TypeCompiler, shared by
// config and protocol params. The builders keep call sites short and carry clawgate's own
// error wording; validation output is bounded whatever the input (docs/reference/errors.md).
// Named imports (not the `Type`/`Value` namespaces) so the bundle carries only what is used.
import {
  Array as TArray, Boolean as TBoolean, Integer, Kind, Literal, Number as TNumber, Object as TObject, Optional, OptionalKind,
  Record as TRecord, String as TString, Union, Unknown, type Static, type TSchema,
} from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { Default } from '@sinclair/typebox/value';

export interface Issue { path: string; message: string }
export type Result<T> =
  | { ok: true; value: T; ignored: string[] }
  /** `value` is the input after dropping ignored keys and filling defaults (still invalid). */
  | { ok: false; issues: Issue[]; omitted: number; ignored: string[]; value: unknown };

/** A TypeBox schema whose validated value has type T. */
export type Schema<T = unknown> = TSchema & { static: T };
export type Infer<S> = S extends TSchema ? Static<S> : never;

/** Caps on what a validation failure can produce, whatever the input. */
export const LIMITS = { issues: 20, counted: 1000, path: 200, message: 300, ignored: 20 } as const;

const HINT = 'x-hint';
const ENUM = 'x-enum';
const IGNORED = 'x-ignored';
const ON_IGNORED = 'x-on-ignored';
const LENIENT = 'x-lenient';

export const str = (opts: { min?: number; max?: number; pattern?: RegExp; patternHint?: string } = {}) =>
  TString({
    ...(opts.min !== undefined ? { minLength: opts.min } : {}),
    ...(opts.max !== undefined ? { maxLength: opts.max } : {}),
    ...(opts.pattern ? { pattern: opts.pattern.source } : {}),
    ...(opts.patternHint ? { [HINT]: opts.patternHint } : {}),
  });

export const num = (opts: { int?: boolean; min?: number; max?: number } = {}) => {
  const o = { ...(opts.min !== undefined ? { minimum: opts.min } : {}), ...(opts.max !== undefined ? { maximum: opts.max } : {}) };
  return (opts.int ? Integer(o) : TNumber(o)) as Schema<number>;
};

export const bool = () => TBoolean();

export const literal = <const T extends readonly string[]>(...values: T): Schema<T[number]> =>
  Union(values.map((v) => Literal(v)), { [ENUM]: values }) as unknown as Schema<T[number]>;

/** Accepts anything (free-form payloads). */
export const any = () => Unknown();

export const arr = <S extends TSchema>(item: S, opts: { max?: number } = {}) =>
  TArray(item, opts.max !== undefined ? { maxItems: opts.max } : {});

export const record = <S extends TSchema>(value: S) => TRecord(TString(), value);

export const optional = <S extends TSchema>(s: S) => Optional(s);

/** Optional on input, always present in the validated value (the default fills it in). */
export const withDefault = <S extends TSchema>(s: S, def: () => NoInfer<Static<S>>): S =>
  ({ ...s, [OptionalKind]: 'Optional', default: def }) as S;

export const oneOf = <A extends TSchema, B extends TSchema>(a: A, b: B) => Union([a, b]);

export interface ObjOptions {
  /** Known-but-ignored keys: accepted, reported to `onIgnored` (config warnings) and dropped. */
  ignoredKeys?: readonly string[];
  onIgnored?: (path: string) => void;
  /** Unknown keys are kept as they are. */
  passthrough?: boolean;
  /** Unknown keys are dropped and reported in `Result.ignored` (logged at debug by callers). */
  ignoreUnknown?: boolean;
}

/** An object; unknown keys are errors unless an option says otherwise. */
export const obj = <S extends Record<string, TSchema>>(shape: S, opts: ObjOptions = {}) =>
  TObject(shape, {
    additionalProperties: opts.passthrough === true,
    ...(opts.ignoredKeys?.length ? { [IGNORED]: opts.ignoredKeys, [ON_IGNORED]: opts.onIgnored } : {}),
    ...(opts.ignoreUnknown ? { [LENIENT]: true } : {}),
  });

// ── validation ──

interface Compiled { check: TypeCheck<TSchema>; prune: boolean; defaults: boolean }
const compiled = new WeakMap<TSchema, Compiled>();

const children = (s: TSchema): TSchema[] => {
  const out: TSchema[] = [];
  if (s.properties) out.push(...Object.values(s.properties as Record<string, TSchema>));
  if (s.items && !Array.isArray(s.items)) out.push(s.items as TSchema);
  if (s.patternProperties) out.push(...Object.values(s.patternProperties as Record<string, TSchema>));
  if (Array.isArray(s.anyOf)) out.push(...(s.anyOf as TSchema[]));
  return out;
};
const some = (s: TSchema, pred: (s: TSchema) => boolean): boolean => pred(s) || children(s).some((c) => some(c, pred));
const prunable = new WeakMap<TSchema, boolean>();
const needsPrune = (s: TSchema): boolean => {
  let r = prunable.get(s);
  if (r === undefined) prunable.set(s, (r = some(s, (x) => x[IGNORED] !== undefined || x[LENIENT] === true)));
  return r;
};

/** Compiles a schema once (cached); exported for the benchmark's cold-start figure. */
export function compile(schema: TSchema): Compiled {
  let c = compiled.get(schema);
  if (!c) {
    c = {
      check: TypeCompiler.Compile(schema),
      prune: needsPrune(schema),
      defaults: some(schema, (s) => 'default' in s),
    };
    compiled.set(schema, c);
  }
  return c;
}

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** Drops ignored and (where allowed) unknown keys before checking; returns a copy where it changed anything. */
function prune(s: TSchema, v: unknown, path: string, lenientRoot: boolean, ignored: { list: string[]; count: number }): unknown {
  if (s[Kind] === 'Object' && isPlain(v)) {
    const props = s.properties as Record<string, TSchema>;
    const listed = s[IGNORED] as readonly string[] | undefined;
    let out: Record<string, unknown> | undefined;
    for (const k of Object.keys(v)) {
      if (has(props, k)) {
        const child = props[k]!;
        if (!needsPrune(child)) continue;
        const next = prune(child, v[k], at(path, k), false, ignored);
        if (next !== v[k]) (out ??= { ...v })[k] = next;
      } else if (listed?.includes(k)) {
        (s[ON_IGNORED] as ((p: string) => void) | undefined)?.(at(path, k));
        delete (out ??= { ...v })[k];
      } else if (s[LENIENT] === true || (lenientRoot && s.additionalProperties !== true)) {
        if (ignored.count++ < LIMITS.ignored) ignored.list.push(at(path, k));
        delete (out ??= { ...v })[k];
      }
    }
    return out ?? v;
  }
  if (s[Kind] === 'Array' && Array.isArray(v)) {
    const item = s.items as TSchema;
    let out: unknown[] | undefined;
    v.forEach((x, i) => { const n = prune(item, x, at(path, i), false, ignored); if (n !== x) (out ??= [...v])[i] = n; });
    return out ?? v;
  }
  if (s[Kind] === 'Record' && isPlain(v)) {
    const item = Object.values(s.patternProperties as Record<string, TSchema>)[0]!;
    let out: Record<string, unknown> | undefined;
    for (const k of Object.keys(v)) { const n = prune(item, v[k], at(path, k), false, ignored); if (n !== v[k]) (out ??= { ...v })[k] = n; }
    return out ?? v;
  }
  return v;
}

export interface ValidateOptions {
  /** Unknown keys at the top level are dropped and reported in `ignored` (method params). */
  lenientRoot?: boolean;
  /** Most issues to report (default LIMITS.issues). */
  maxIssues?: number;
}

/** Validates `input`; never throws and never builds more than a bounded amount of output. */
export function validate<T>(schema: Schema<T>, input: unknown, opts: ValidateOptions = {}): Result<T> {
  const c = compile(schema);
  const ignored = { list: [] as string[], count: 0 };
  let value = c.prune || opts.lenientRoot ? prune(schema, input, '', opts.lenientRoot === true, ignored) : input;
  if (ignored.count > LIMITS.ignored) ignored.list.push(`… and ${ignored.count - LIMITS.ignored} more`);
  if (c.defaults) value = Default(schema, value);
  if (c.check.Check(value)) return { ok: true, value: value as T, ignored: ignored.list };
  const { issues, omitted } = collectIssues(c.check.Errors(value), opts.maxIssues ?? LIMITS.issues);
  return { ok: false, issues, omitted, ignored: ignored.list, value };
}

function collectIssues(errors: Iterable<ValueError>, max: number): { issues: Issue[]; omitted: number } {
  const issues: Issue[] = [];
  const required = new Set<string>();
  let seen = 0;
  for (const e of errors) {
    const path = pointerToPath(e.path) || (e.type === ValueErrorType.Object ? '(root)' : '');
    if (e.type === ValueErrorType.ObjectRequiredProperty) {
      if (required.has(path)) continue;
      required.add(path);
    } else if (e.value === undefined && required.has(path)) continue;
    seen++;
    if (issues.length < max) issues.push({ path, message: bound(messageFor(e), LIMITS.message) });
    if (seen >= LIMITS.counted) break;
  }
  if (issues.length === 0) issues.push({ path: '', message: 'is invalid' });
  return { issues, omitted: seen - issues.length };
}

const describe = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' && !Number.isFinite(v) ? String(v) : typeof v;

function messageFor(e: ValueError): string {
  const s = e.schema as TSchema & Record<string, unknown>;
  const v = e.value;
  switch (e.type) {
    case ValueErrorType.String: return `expected string, got ${describe(v)}`;
    case ValueErrorType.StringMinLength: return s.minLength === 1 ? 'must not be empty' : `must be at least ${s.minLength} characters`;
    case ValueErrorType.StringMaxLength: return `must be at most ${s.maxLength} characters`;
    case ValueErrorType.StringPattern: return typeof s[HINT] === 'string' ? s[HINT] : `must match /${s.pattern}/`;
    case ValueErrorType.Number:
    case ValueErrorType.Integer:
      return typeof v === 'number' && Number.isFinite(v) ? 'must be an integer' : `expected number, got ${describe(v)}`;
    case ValueErrorType.NumberMinimum: case ValueErrorType.IntegerMinimum: return `must be >= ${s.minimum}`;
    case ValueErrorType.NumberMaximum: case ValueErrorType.IntegerMaximum: return `must be <= ${s.maximum}`;
    case ValueErrorType.Boolean: return `expected boolean, got ${describe(v)}`;
    case ValueErrorType.Array: return `expected array, got ${describe(v)}`;
    case ValueErrorType.ArrayMaxItems: return `must have at most ${s.maxItems} items`;
    case ValueErrorType.Object: return `expected object, got ${describe(v)}`;
    case ValueErrorType.ObjectRequiredProperty: return 'is required';
    case ValueErrorType.ObjectAdditionalProperties: return 'unknown key';
    case ValueErrorType.Union:
    case ValueErrorType.Literal: {
      const values = s[ENUM] as readonly string[] | undefined;
      if (values) return `must be one of ${bound(values.map((x) => JSON.stringify(x)).join(', '), LIMITS.message - 20)}`;
      return 'does not match any accepted form';
    }
    default: return 'is invalid';
  }
}

/** Escapes control characters and caps length, so any text is safe in a reply or a log line. */
export function bound(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const escaped = text.slice(0, max + 1).replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}

const at = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;

function pointerToPath(pointer: string): string {
  let path = '';
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path = /^(?:0|[1-9]\d*)$/.test(key) ? at(path, Number(key)) : at(path, key);
    if (path.length > LIMITS.path) break;
  }
  return bound(path, LIMITS.path);
}

/** One line for errors and logs: the first issues, then how many more. */
export const formatIssues = (issues: readonly Issue[], omitted = 0): string =>
  issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ') +
  (omitted > 0 ? `; and ${omitted}${issues.length + omitted >= LIMITS.counted ? '+' : ''} more` : '');
