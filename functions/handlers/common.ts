// Small helpers every route handler shares: paging limits, If-Match, 404s, answers with ETags.
import {
  NotFoundError,
  PreconditionFailedError,
  PreconditionRequiredError,
  ValidationError,
} from '../../shared/errors.js';
import { VersionConflict } from '../store/store.js';
import { isIdOf, type IdKind } from '../store/keys.js';
import type { ApiResponse } from '../http/types.js';
import type * as v from 'valibot';
import { MAX_PAGE, PageQuery, parseQuery } from '../../shared/schemas/queries.js';

export const DEFAULT_PAGE = 25;
export { MAX_PAGE };

/** limit and cursor, checked by `schema` (PageQuery or a list route's own, shared/schemas/queries.ts). */
export function pageQuery<S extends v.GenericSchema<unknown, { limit?: string; cursor?: string }> = typeof PageQuery>(
  query: Record<string, string>,
  schema: S = PageQuery as unknown as S,
): Omit<v.InferOutput<S>, 'limit' | 'cursor'> & { limit: number; cursor?: string } {
  const q = parseQuery(schema, query);
  return { ...q, limit: q.limit === undefined ? DEFAULT_PAGE : Number(q.limit), cursor: q.cursor || undefined };
}

/** The version a PATCH was based on, from If-Match: "3" (W/"3" and 3 accepted too). */
export function ifMatchVersion(headers: Record<string, string>): number {
  const raw = headers['if-match'];
  if (raw === undefined) throw new PreconditionRequiredError();
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(raw.trim());
  if (!m) throw new ValidationError([{ field: 'If-Match', message: 'must be the ETag you read, e.g. "3"' }]);
  return Number(m[1]);
}

export function requireId(kind: IdKind, id: string, label: string): string {
  if (!isIdOf(kind, id)) throw new NotFoundError(label, id);
  return id;
}

export function found<T>(value: T | undefined, label: string, id: string): T {
  if (value === undefined) throw new NotFoundError(label, id);
  return value;
}

export function resource(status: number, body: { version: number }, headers: Record<string, string> = {}): ApiResponse {
  return { status, body, etag: body.version, headers };
}

export const now = () => new Date().toISOString();

export function badRequestIf(cond: boolean, field: string, message: string): void {
  if (cond) throw new ValidationError([{ field, message }]);
}

/** A PATCH based on an old version: 412 with the resource as it stands now. */
export function preconditionFailedOnConflict(err: unknown): never {
  if (err instanceof VersionConflict && err.current) throw new PreconditionFailedError(err.current);
  throw err;
}
