// The idempotency claim of the request being served, for the store: the first transaction the
// request writes also completes the claim (functions/store/db.ts `transact`), so the write and the
// key's record land together or not at all. Set by the idempotency middleware (functions/http).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { TransactItem } from './db.js';

export interface StoredResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** A key this request claimed: the item, the token that proves the claim is still ours, and what to keep. */
export interface PendingClaim {
  key: { pk: string; sk: string };
  token: string;
  /** The answer the write's transaction stores with the key (the handler gives it before writing). */
  response?: StoredResponse;
  /** A transaction is carrying the completion right now (one at a time: concurrent writes of a request). */
  carrying?: boolean;
  /**
   * What the request's transaction left in the record: `done` (the response stored with the write),
   * `written` (the write marked, the response still to store).
   */
  settled?: 'done' | 'written';
}

const scope = new AsyncLocalStorage<{ claim?: PendingClaim }>();

/** Runs one request with its own (empty) idempotency scope. */
export function idempotencyScope<T>(fn: () => Promise<T>): Promise<T> {
  return scope.run({}, fn);
}

/**
 * Runs `fn` with no claim for its transactions to carry: for an operation that is idempotent by
 * itself and writes in many transactions (the replenishment run: one per order), where no single
 * transaction can hold the answer. Its claim then stays `pending` until the answer is stored after
 * the work; a process dying in between leaves the claim to lapse (IN_FLIGHT_SECONDS), and the retry
 * that takes it over runs the operation again, which writes only what the first run did not.
 */
export function withoutCarriedClaim<T>(fn: () => Promise<T>): Promise<T> {
  return scope.run({}, fn);
}

export function setPendingClaim(claim: PendingClaim): void {
  const holder = scope.getStore();
  if (holder) holder.claim = claim;
}

export function pendingClaim(): PendingClaim | undefined {
  return scope.getStore()?.claim;
}

/**
 * The Update a transaction appends to complete the claim: `done` with the response when the handler
 * gave one, else `written`; only while the claim is still this request's (pending, our token).
 */
export function claimCompletion(table: string, claim: PendingClaim): TransactItem {
  const names: Record<string, string> = { '#st': 'status' };
  const values: Record<string, unknown> = { ':pending': 'pending', ':token': claim.token };
  let set = '#st = :written';
  values[':written'] = 'written';
  if (claim.response) {
    set = '#st = :done, #resp = :r';
    delete values[':written'];
    values[':done'] = 'done';
    values[':r'] = claim.response;
    names['#resp'] = 'response';
  }
  return {
    Update: {
      TableName: table,
      Key: claim.key,
      UpdateExpression: `SET ${set} REMOVE lockedUntil`,
      ConditionExpression: '#st = :pending AND claimToken = :token',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}
