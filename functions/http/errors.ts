// The one place errors become HTTP answers. 5xx answers carry no internals.
import { DomainError } from '../../shared/errors.js';
import { Busy, TransientConflict } from '../store/db.js';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
  requestId: string;
}

export interface ErrorAnswer {
  status: number;
  body: ErrorBody;
  /** A refusal the service meant to give (not logged as a failure). */
  expected: boolean;
  headers?: Record<string, string>;
}

/** Seconds a throttled caller is asked to wait before trying again. */
export const BUSY_RETRY_AFTER_SECONDS = 1;

/** DynamoDB's own names for "too many requests right now" (and the SDK's for a request that timed out). */
const THROTTLED = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TimeoutError',
  'RequestTimeout',
]);

export function isThrottled(err: unknown): boolean {
  return err instanceof Busy || THROTTLED.has((err as Error | undefined)?.name ?? '');
}

export function errorAnswer(err: unknown, requestId: string): ErrorAnswer {
  if (err instanceof DomainError) {
    const error: ErrorBody['error'] = { code: err.code, message: err.message };
    if (err.details !== undefined) error.details = err.details;
    return { status: err.status, body: { error, requestId }, expected: true };
  }
  if (err instanceof TransientConflict) {
    return {
      status: 409,
      body: {
        error: {
          code: 'CONCURRENT_UPDATE',
          message: 'Others were changing the same order at the same moment; try again',
        },
        requestId,
      },
      expected: true,
    };
  }
  if (isThrottled(err)) {
    return {
      status: 503,
      body: { error: { code: 'BUSY', message: 'The service is busy; retry in a moment' }, requestId },
      expected: false,
      headers: { 'retry-after': String(BUSY_RETRY_AFTER_SECONDS) },
    };
  }
  return {
    status: 500,
    body: {
      error: { code: 'INTERNAL', message: 'Something went wrong on our side; the request id helps us find it' },
      requestId,
    },
    expected: false,
  };
}
