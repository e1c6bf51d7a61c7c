// Small helpers every route handler shares: paging limits, If-Match, 404s, answers with ETags.
import { NotFoundError, PreconditionFailedError, PreconditionRequiredError, ValidationError } from '../../shared/errors.js';
import { ConditionFailed, TransientConflict } from '../store/db.js';
import { VersionConflict } from '../store/store.js';
import { isIdOf, type IdKind } from '../store/keys.js';
import type { ApiResponse } from '../http/types.js';

export const DEFAULT_PAGE = 25;
export const MAX_PAGE = 100;

export function pageQuery(query: Record<string, string>): { limit: number; cursor?: string } {
  let limit = DEFAULT_PAGE;
  if (query.limit !== undefined) {
    // Decimal digits only: `0x10`, `1e2` or ` 5` are not a page size.
    limit = /^\d{1,3}$/.test(query.limit) ? Number(query.limit) : Number.NaN;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new ValidationError([{ field: 'limit', message: `must be a whole number from 1 to ${MAX_PAGE}` }]);
  }
  return { limit, cursor: query.cursor || undefined };
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

/** A conditional write lost a race: the caller's whole read-decide-write runs again. */
export function retryOnLostRace(err: unknown): never {
  if (err instanceof ConditionFailed || err instanceof VersionConflict) throw new TransientConflict();
  throw err;
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
