// Field-level input checking. Collects every problem so one 400 names each bad field.
import { ValidationError, type FieldProblem } from './errors.js';

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

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireObject(value: unknown, field = 'body'): Json {
  if (!isObject(value)) throw new ValidationError([{ field, message: 'must be a JSON object' }]);
  return value;
}

export function rejectUnknown(body: Json, allowed: readonly string[], p: Problems, prefix = ''): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) p.add(prefix + key, `is not a known field (expected one of: ${allowed.join(', ')})`);
  }
}

export function str(body: Json, key: string, p: Problems, opts: { required?: boolean; max?: number; prefix?: string } = {}): string | undefined {
  const field = (opts.prefix ?? '') + key;
  const value = body[key];
  if (value === undefined || value === null) {
    if (opts.required) p.add(field, 'is required');
    return undefined;
  }
  if (typeof value !== 'string') {
    p.add(field, 'must be a string');
    return undefined;
  }
  const trimmed = value.trim();
  if (opts.required && trimmed === '') {
    p.add(field, 'must not be empty');
    return undefined;
  }
  const max = opts.max ?? 200;
  if (trimmed.length > max) {
    p.add(field, `must be at most ${max} characters`);
    return undefined;
  }
  return trimmed;
}

export function num(
  value: unknown,
  field: string,
  p: Problems,
  opts: { min?: number; max?: number; integer?: boolean } = {},
): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    p.add(field, 'must be a number');
    return undefined;
  }
  if (opts.integer && !Number.isInteger(value)) {
    p.add(field, 'must be a whole number');
    return undefined;
  }
  if (opts.min !== undefined && value < opts.min) {
    p.add(field, `must be at least ${opts.min}`);
    return undefined;
  }
  if (opts.max !== undefined && value > opts.max) {
    p.add(field, `must be at most ${opts.max}`);
    return undefined;
  }
  return value;
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string, p: Problems): T | undefined {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    p.add(field, `must be one of: ${allowed.join(', ')}`);
    return undefined;
  }
  return value as T;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date `YYYY-MM-DD` that exists (no 2026-02-30). */
export function isoDate(value: unknown, field: string, p: Problems): string | undefined {
  if (typeof value !== 'string' || !DATE.test(value)) {
    p.add(field, 'must be a date as YYYY-MM-DD');
    return undefined;
  }
  const d = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) {
    p.add(field, 'is not a real calendar date');
    return undefined;
  }
  return value;
}

/** A list of distinct short codes (sizes, colors). */
export function codeList(value: unknown, field: string, p: Problems, max: number): string[] | undefined {
  if (!Array.isArray(value)) {
    p.add(field, 'must be a list of strings');
    return undefined;
  }
  if (value.length === 0) {
    p.add(field, 'must not be empty');
    return undefined;
  }
  if (value.length > max) {
    p.add(field, `must have at most ${max} entries`);
    return undefined;
  }
  const seen = new Set<string>();
  let ok = true;
  value.forEach((v, i) => {
    if (typeof v !== 'string' || v.trim() === '' || v.length > 40) {
      p.add(`${field}[${i}]`, 'must be a non-empty string of at most 40 characters');
      ok = false;
    } else if (seen.has(v)) {
      p.add(`${field}[${i}]`, `duplicates ${JSON.stringify(v)}`);
      ok = false;
    } else seen.add(v);
  });
  return ok ? (value as string[]) : undefined;
}
