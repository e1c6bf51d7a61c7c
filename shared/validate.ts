// Field-level input checking. Collects every problem so one 400 names each bad field. The shapes
// themselves are valibot schemas in shared/schemas/ (see shared/schemas/core.ts); the helpers below
// check one value with those same schemas, for code that checks a single field.
import { ValidationError, type FieldProblem } from './errors.js';
import * as s from './schemas/core.js';

export class Problems {
  readonly list: FieldProblem[] = [];

  add(field: string, message: string): void {
    this.list.push({ field, message });
  }

  get ok(): boolean {
    return this.list.length === 0;
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new ValidationError(this.list);
  }
}

export type Json = Record<string, unknown>;

export const isObject = s.isPlainObject as (value: unknown) => value is Json;

export function requireObject(value: unknown, field = 'body'): Json {
  if (!isObject(value)) throw new ValidationError([{ field, message: 'must be a JSON object' }]);
  return value;
}

/** Names each own key of `body` not in `allowed` (the `strict` schemas do this for whole bodies). */
export function rejectUnknown(body: Json, allowed: readonly string[], p: Problems, prefix = ''): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) p.add(prefix + key, `is not a known field (expected one of: ${allowed.join(', ')})`);
  }
}

export function str(
  body: Json,
  key: string,
  p: Problems,
  opts: { required?: boolean; max?: number; prefix?: string } = {},
): string | undefined {
  const schema = opts.required ? s.requiredText(opts.max ?? 200) : s.optionalText(opts.max ?? 200);
  const value = Object.prototype.hasOwnProperty.call(body, key) ? body[key] : undefined;
  return s.collect(schema, value, p, (opts.prefix ?? '') + key) ?? undefined;
}

export function num(
  value: unknown,
  field: string,
  p: Problems,
  opts: { min?: number; max?: number; integer?: boolean } = {},
): number | undefined {
  return s.collect(s.number(opts), value, p, field);
}

export function oneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  field: string,
  p: Problems,
): T | undefined {
  return s.collect(s.oneOf(allowed), value, p, field) as T | undefined;
}

/** A calendar date `YYYY-MM-DD` that exists (no 2026-02-30). */
export function isoDate(value: unknown, field: string, p: Problems): string | undefined {
  return s.collect(s.isoDate, value, p, field);
}

/** A list of distinct short codes (sizes, colors). */
export function codeList(value: unknown, field: string, p: Problems, max: number): string[] | undefined {
  return s.collect(s.codeList(max), value, p, field);
}
