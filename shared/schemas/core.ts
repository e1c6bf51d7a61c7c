// The building blocks every schema in shared/schemas/ is made of, and the bridge from valibot's
// issues to the 400's field list. One schema gives three things: the TypeScript type
// (v.InferOutput), the parser (collect/parseWith below) and the OpenAPI component
// (functions/http/openapi.ts runs @valibot/to-json-schema over shared/schemas/index.ts).
//
// Three blocks run their own code instead of valibot's, keeping valibot's shape for the JSON
// schema: `strict` (an object that names EVERY unknown field, reads own properties only, and builds
// its output with defineProperty so `__proto__` or `constructor` are plain data), `map` (a record
// of codes, same rules) and `list` (length checked before the items, duplicates named by index).
// No Node API here: the add-on bundles this for Apps Script.
import * as v from 'valibot';
import { ValidationError, type FieldProblem } from '../errors.js';

export type Schema = v.GenericSchema;
type Dataset = { typed: boolean; value: unknown; issues?: v.BaseIssue<unknown>[] };
type Config = v.Config<v.BaseIssue<unknown>>;
type PathItem = { type: 'object' | 'array'; origin: 'key' | 'value'; input: unknown; key: unknown; value: unknown };

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own, enumerable data property, whatever its name (`__proto__` included). */
export function defineField(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function issue(message: string, input: unknown, path?: PathItem[]): v.BaseIssue<unknown> {
  return {
    kind: 'schema',
    type: 'custom',
    input,
    expected: null,
    received: typeof input,
    message,
    path,
  } as v.BaseIssue<unknown>;
}

function prefixed(issues: readonly v.BaseIssue<unknown>[], item: PathItem): v.BaseIssue<unknown>[] {
  return issues.map((i) => ({ ...i, path: [item, ...((i.path ?? []) as PathItem[])] }) as v.BaseIssue<unknown>);
}

/** The schema as valibot built it (its type and JSON schema), run by `run` instead. */
function withRun<S extends Schema>(schema: S, run: (dataset: Dataset, config: Config) => Dataset): S {
  return { ...schema, '~run': run } as S;
}

const isOptional = (s: Schema) => s.type === 'optional' || s.type === 'nullish' || s.type === 'exact_optional';

/**
 * An object with exactly these fields. Every unknown field is named (own properties only), before
 * the known ones; a missing required field is run as `undefined`, so its own message says why
 * ("is required", "must be a number"). The output is a fresh object of own data properties.
 */
export function strict<E extends v.ObjectEntries>(
  entries: E,
  notObject = 'must be an object',
  o: { notObjectAt?: string } = {},
) {
  const base = v.strictObject(entries, notObject);
  const known = Object.keys(entries);
  return withRun(base, (dataset, config) => {
    const input = dataset.value;
    if (!isPlainObject(input)) {
      const at =
        o.notObjectAt === undefined
          ? undefined
          : [{ type: 'object', origin: 'value', input, key: o.notObjectAt, value: undefined } as PathItem];
      return { typed: false, value: input, issues: [issue(notObject, input, at)] };
    }
    const issues: v.BaseIssue<unknown>[] = [];
    for (const key of Object.keys(input)) {
      if (!known.includes(key)) {
        issues.push(
          issue(`is not a known field (expected one of: ${known.join(', ')})`, input[key], [
            { type: 'object', origin: 'key', input, key, value: input[key] },
          ]),
        );
      }
    }
    const out: Record<string, unknown> = {};
    for (const key of known) {
      const schema = entries[key] as Schema;
      const present = hasOwn(input, key);
      if (!present && isOptional(schema) && (schema as { default?: unknown }).default === undefined) continue;
      const r = schema['~run']({ value: present ? input[key] : undefined }, config) as Dataset;
      if (r.issues)
        issues.push(...prefixed(r.issues, { type: 'object', origin: 'value', input, key, value: input[key] }));
      else if (present || r.value !== undefined) defineField(out, key, r.value);
    }
    return issues.length ? { typed: false, value: input, issues } : { typed: true, value: out };
  });
}

/**
 * A map from a code (size, color) to a value: keys are data, so `constructor` or `__proto__` are
 * keys like any other. Own properties only; the output is built with defineProperty.
 */
export function map<S extends Schema>(value: S, notObject: string, opts: { nonEmpty?: boolean; whole?: boolean } = {}) {
  const base = opts.nonEmpty
    ? v.pipe(v.record(v.string(), value, notObject), v.minEntries(1, notObject))
    : v.record(v.string(), value, notObject);
  return withRun(base as v.GenericSchema<unknown, Record<string, v.InferOutput<S>>>, (dataset, config) => {
    const input = dataset.value;
    if (!isPlainObject(input) || (opts.nonEmpty && Object.keys(input).length === 0)) {
      return { typed: false, value: input, issues: [issue(notObject, input)] };
    }
    const issues: v.BaseIssue<unknown>[] = [];
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(input)) {
      const r = value['~run']({ value: input[key] }, config) as Dataset;
      if (r.issues)
        issues.push(...prefixed(r.issues, { type: 'object', origin: 'value', input, key, value: input[key] }));
      else defineField(out, key, r.value);
    }
    // `whole`: a bad value is named as the map's own problem (the message says what the map must be).
    if (issues.length && opts.whole) return { typed: false, value: input, issues: [issue(notObject, input)] };
    return issues.length ? { typed: false, value: input, issues } : { typed: true, value: out };
  });
}

export interface ListOptions {
  /** Message when the value is not an array. */
  notArray: string;
  min?: number;
  /** Message when the list is shorter than `min`. */
  tooShort?: string;
  max: number;
  tooLong?: string;
  /** Names each entry that repeats an earlier one (by this key), by index. */
  unique?: (item: unknown) => string | undefined;
  duplicate?: (key: string, item: unknown) => { message: string; field?: string };
}

/** An array whose length is checked before its items; each bad or repeated item is named by index. */
export function list<S extends Schema>(item: S, o: ListOptions) {
  const tooLong = o.tooLong ?? `must have at most ${o.max} entries`;
  const tooShort = o.tooShort ?? o.notArray;
  const base = v.pipe(v.array(item, o.notArray), v.minLength(o.min ?? 0, tooShort), v.maxLength(o.max, tooLong));
  return withRun(base as unknown as v.GenericSchema<unknown, v.InferOutput<S>[]>, (dataset, config) => {
    const input = dataset.value;
    if (!Array.isArray(input)) return { typed: false, value: input, issues: [issue(o.notArray, input)] };
    if (input.length < (o.min ?? 0)) return { typed: false, value: input, issues: [issue(tooShort, input)] };
    if (input.length > o.max) return { typed: false, value: input, issues: [issue(tooLong, input)] };
    const issues: v.BaseIssue<unknown>[] = [];
    const out: unknown[] = [];
    const seen = new Set<string>();
    input.forEach((raw, i) => {
      const r = item['~run']({ value: raw }, config) as Dataset;
      const at: PathItem = { type: 'array', origin: 'value', input, key: i, value: raw };
      if (r.issues) return issues.push(...prefixed(r.issues, at));
      out.push(r.value);
      const key = o.unique?.(r.value);
      if (key === undefined) return;
      if (seen.has(key)) {
        const d = o.duplicate?.(key, r.value) ?? { message: `duplicates ${JSON.stringify(key)}` };
        const path = d.field
          ? [at, { type: 'object', origin: 'value', input: raw, key: d.field, value: undefined } as PathItem]
          : [at];
        issues.push(issue(d.message, raw, path));
      } else seen.add(key);
    });
    return issues.length ? { typed: false, value: input, issues } : { typed: true, value: out };
  });
}

// ---- the common fields ----------------------------------------------------------------------------

const missing = (i: v.BaseIssue<unknown>) => i.input === undefined || i.input === null;

/**
 * A required string: trimmed, not blank, at most `max` characters (after trimming). Missing or
 * null: "is required".
 */
export function requiredText(max = 200) {
  return v.pipe(
    v.string((i) => (missing(i) ? 'is required' : 'must be a string')),
    v.regex(/\S/, 'must not be empty'),
    v.trim(),
    v.maxLength(max, `must be at most ${max} characters`),
  );
}

/** An optional string (null reads as left out): trimmed, at most `max` characters. */
export function optionalText(max = 200) {
  return v.nullish(
    v.pipe(v.string('must be a string'), v.trim(), v.maxLength(max, `must be at most ${max} characters`)),
  );
}

/** A number; `integer` asks a whole one. The first broken bound is the message. */
export function number(o: { min?: number; max?: number; integer?: boolean; gt?: number } = {}) {
  const actions: v.PipeItem<number, number, v.BaseIssue<unknown>>[] = [v.finite('must be a number')];
  if (o.integer) actions.push(v.integer('must be a whole number'));
  if (o.min !== undefined) actions.push(v.minValue(o.min, `must be at least ${o.min}`));
  if (o.gt !== undefined) actions.push(v.gtValue(o.gt, `must be greater than ${o.gt}`));
  if (o.max !== undefined) actions.push(v.maxValue(o.max, `must be at most ${o.max}`));
  return v.pipe(v.number('must be a number'), ...actions) as v.GenericSchema<number, number>;
}

/** One of a fixed list of words (states, actions). */
export function oneOf<const T extends readonly string[]>(options: T) {
  return v.picklist(options, `must be one of: ${options.join(', ')}`);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isRealDate(value: string): boolean {
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** A calendar date `YYYY-MM-DD` that exists (no 2026-02-30). */
export const isoDate = v.pipe(
  v.string('must be a date as YYYY-MM-DD'),
  v.regex(DATE, 'must be a date as YYYY-MM-DD'),
  v.check(isRealDate, 'is not a real calendar date'),
  v.metadata({ format: 'date' }),
);

/** A size or color code: a non-blank string of at most 40 characters (taken as sent). */
export const code = v.pipe(
  v.string('must be a non-empty string of at most 40 characters'),
  v.regex(/\S/, 'must be a non-empty string of at most 40 characters'),
  v.maxLength(40, 'must be a non-empty string of at most 40 characters'),
);

/** A list of distinct codes (sizes, colors). */
export function codeList(max: number) {
  return v.pipe(
    list(code, {
      notArray: 'must be a list of strings',
      min: 1,
      tooShort: 'must not be empty',
      max,
      unique: (c) => c as string,
    }),
    v.description(`Distinct codes, at most ${max} (distinctness is checked in code)`),
  );
}

// ---- issues -> field problems ---------------------------------------------------------------------

/** `bom[2].consumption.S` from valibot's path; `prefix` names where the value sits in the body. */
export function fieldOf(issue: v.BaseIssue<unknown>, prefix = ''): string {
  let out = prefix;
  for (const item of (issue.path ?? []) as PathItem[]) {
    if (item.type === 'array') out += `[${String(item.key)}]`;
    else out += out === '' ? String(item.key) : `.${String(item.key)}`;
  }
  return out === '' ? 'body' : out;
}

export const PARSE_CONFIG = { abortPipeEarly: true } as const;

export interface ProblemSink {
  add(field: string, message: string): void;
}

/** Runs `schema` over `value`: its output, or undefined with one problem per bad field added to `p`. */
export function collect<S extends Schema>(
  schema: S,
  value: unknown,
  p: ProblemSink,
  prefix = '',
): v.InferOutput<S> | undefined {
  const r = v.safeParse(schema, value, PARSE_CONFIG);
  if (r.success) return r.output;
  for (const i of r.issues) p.add(fieldOf(i, prefix), i.message);
  return undefined;
}

/** The parsed body, or a 400 naming every bad field. */
export function parseWith<S extends Schema>(schema: S, value: unknown, prefix = ''): v.InferOutput<S> {
  const problems: FieldProblem[] = [];
  const out = collect(schema, value, { add: (field, message) => problems.push({ field, message }) }, prefix);
  if (problems.length) throw new ValidationError(problems);
  return out as v.InferOutput<S>;
}

/** An issue at `path` (keys and indexes below the value being checked), for checks written as code. */
export function issueAt(path: readonly (string | number)[], message: string): v.BaseIssue<unknown> {
  return issue(
    message,
    undefined,
    path.map((key) => ({
      type: typeof key === 'number' ? 'array' : 'object',
      origin: 'value',
      input: undefined,
      key,
      value: undefined,
    })),
  );
}

/** The output, or undefined (no problems recorded): for cross-checks on the parts that are valid. */
export function quiet<S extends Schema>(schema: S, value: unknown): v.InferOutput<S> | undefined {
  const r = v.safeParse(schema, value, PARSE_CONFIG);
  return r.success ? r.output : undefined;
}

/**
 * One of two schemas, picked by the input's JSON type (`number` or `object`), so the problems are
 * those of the one meant: `{"S": -1}` names `S`, not "must be a number or an object".
 */
export function either<A extends Schema, B extends Schema>(
  a: A,
  b: B,
  pick: (input: unknown) => 0 | 1 | undefined,
  message: string,
) {
  const base = v.union([a, b], message);
  return withRun(base, (dataset, config) => {
    const which = pick(dataset.value);
    if (which === undefined) return { typed: false, value: dataset.value, issues: [issue(message, dataset.value)] };
    return (which === 0 ? a : b)['~run']({ value: dataset.value }, config) as Dataset;
  });
}

/** Checked by code (the parser's own run), described to OpenAPI by `schema`. */
export function checkedBy<S extends Schema>(
  schema: S,
  run: (input: unknown) => { value?: unknown; issues?: v.BaseIssue<unknown>[] },
): S {
  return withRun(schema, (dataset) => {
    const r = run(dataset.value);
    return r.issues?.length
      ? { typed: false, value: dataset.value, issues: r.issues }
      : { typed: true, value: r.value };
  });
}
