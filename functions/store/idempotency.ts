// Idempotency records: one item per caller and key. The middleware claims it before the work (with a
// token of its own); the request's first transaction completes it in the same write
// (idempotencyScope.ts, db.ts `transact`): `done` with the response the handler gave, or `written`
// when it gave none (an answer too big to keep with the key), the response then stored right after.
// The replenishment run carries no claim (withoutCarriedClaim): its answer is stored after it.
// A request that wrote nothing completes it with its 4xx answer, or releases it (5xx). The TTL
// attribute drops records after 24 h.
import { ConditionFailed, type Db, type Item } from './db.js';
import { idempotencyEntity } from './entities.js';
import type { StoredResponse } from './idempotencyScope.js';

export type { StoredResponse } from './idempotencyScope.js';

const TTL_ATTRIBUTE = idempotencyEntity.ttlAttribute;

export const IDEMPOTENCY_WINDOW_SECONDS = 24 * 60 * 60;
/** A claim older than this belongs to a request that died; a retry may take it over. */
export const IN_FLIGHT_SECONDS = 60;

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'replay'; response: StoredResponse }
  /** The first request wrote, then died before its response was stored: nothing may run again. */
  | { kind: 'written' }
  | { kind: 'mismatch' }
  | { kind: 'inFlight' };

export class IdempotencyRecords {
  constructor(private readonly db: Db) {}

  key(caller: string, key: string): { pk: string; sk: string } {
    return idempotencyEntity.key(caller, key);
  }

  /** Takes the key for this request (`token` proves it later) unless another request holds or used it. */
  async claim(caller: string, key: string, fingerprint: string, nowMs: number, token: string): Promise<Claim> {
    const now = Math.floor(nowMs / 1000);
    try {
      await this.db.update({
        Key: idempotencyEntity.key(caller, key),
        UpdateExpression: 'SET #st = :pending, fingerprint = :f, lockedUntil = :lock, #ttl = :ttl, claimToken = :token',
        ConditionExpression: 'attribute_not_exists(pk) OR (#st = :pending AND lockedUntil < :now) OR #ttl < :now',
        ExpressionAttributeNames: { '#st': 'status', '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: {
          ':pending': 'pending',
          ':f': fingerprint,
          ':lock': now + IN_FLIGHT_SECONDS,
          ':ttl': now + IDEMPOTENCY_WINDOW_SECONDS,
          ':now': now,
          ':token': token,
        },
      });
      return { kind: 'claimed' };
    } catch (err) {
      if (!(err instanceof ConditionFailed)) throw err;
      const current = err.current as Item | undefined;
      if (!current) return { kind: 'inFlight' };
      if (current.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (current.status === 'done') return { kind: 'replay', response: current.response as StoredResponse };
      if (current.status === 'written') return { kind: 'written' };
      return { kind: 'inFlight' };
    }
  }

  /**
   * Stores the response, if the record is still as this request left it (`from`: `pending` when
   * nothing was written, `written` after the write's transaction marked it) and the claim is ours.
   * False when it was not (the claim lapsed and another request took it over).
   */
  async complete(
    caller: string,
    key: string,
    token: string,
    response: StoredResponse,
    from: 'pending' | 'written' = 'pending',
  ): Promise<boolean> {
    try {
      await this.db.update({
        Key: idempotencyEntity.key(caller, key),
        UpdateExpression: 'SET #st = :done, #resp = :r REMOVE lockedUntil',
        ConditionExpression: '#st = :from AND claimToken = :token',
        ExpressionAttributeNames: { '#st': 'status', '#resp': 'response' },
        ExpressionAttributeValues: { ':done': 'done', ':r': response, ':from': from, ':token': token },
      });
      return true;
    } catch (err) {
      if (err instanceof ConditionFailed) return false;
      throw err;
    }
  }

  /**
   * The request failed in a way worth retrying (5xx) before writing anything: forget the claim so a
   * retry runs for real. Only a claim still pending and ours: a record its write completed stays.
   */
  async release(caller: string, key: string, token: string): Promise<void> {
    try {
      await this.db.update({
        Key: idempotencyEntity.key(caller, key),
        UpdateExpression: 'SET #ttl = :past, #st = :released',
        ConditionExpression: '#st = :pending AND claimToken = :token',
        ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE, '#st': 'status' },
        ExpressionAttributeValues: { ':past': 0, ':released': 'released', ':pending': 'pending', ':token': token },
      });
    } catch (err) {
      if (!(err instanceof ConditionFailed)) throw err;
    }
  }
}
