// The one place errors become HTTP answers. 5xx answers carry no internals.
import { DomainError } from '../../shared/errors.js';
import { TransientConflict } from '../store/db.js';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
  requestId: string;
}

export function errorAnswer(err: unknown, requestId: string): { status: number; body: ErrorBody; expected: boolean } {
  if (err instanceof DomainError) {
    const error: ErrorBody['error'] = { code: err.code, message: err.message };
    if (err.details !== undefined) error.details = err.details;
    return { status: err.status, body: { error, requestId }, expected: true };
  }
  if (err instanceof TransientConflict) {
    return { status: 409, body: { error: { code: 'CONCURRENT_UPDATE', message: 'Others were changing the same order at the same moment; try again' }, requestId }, expected: true };
  }
  const name = (err as Error | undefined)?.name ?? '';
  if (name === 'ProvisionedThroughputExceededException' || name === 'ThrottlingException' || name === 'RequestLimitExceeded') {
    return { status: 503, body: { error: { code: 'BUSY', message: 'The service is busy; retry in a moment' }, requestId }, expected: false };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'Something went wrong on our side; the request id helps us find it' }, requestId }, expected: false };
}
