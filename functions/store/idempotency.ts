// Idempotency records: one item per caller and key, claimed before the work and completed with
// the response after it. The TTL attribute lets DynamoDB drop them after 24 hours.
import { ConditionFailed, type Db, type Item } from './db.js';
import { keys } from './keys.js';
import { TTL_ATTRIBUTE } from './tableDefinition.js';

export const IDEMPOTENCY_WINDOW_SECONDS = 24 * 60 * 60;
/** A claim older than this belongs to a request that died; a retry may take it over. */
export const IN_FLIGHT_SECONDS = 60;

export interface StoredResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' }
  | { kind: 'inFlight' };

export class IdempotencyRecords {
  constructor(private readonly db: Db) {}

  async claim(caller: string, key: string, fingerprint: string, nowMs: number): Promise<Claim> {
    const now = Math.floor(nowMs / 1000);
    try {
      await this.db.update({
        Key: keys.idempotency(caller, key),
        UpdateExpression: 'SET #st = :pending, fingerprint = :f, lockedUntil = :lock, #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(pk) OR (#st = :pending AND lockedUntil < :now) OR #ttl < :now',
        ExpressionAttributeNames: { '#st': 'status', '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':pending': 'pending', ':f': fingerprint, ':lock': now + IN_FLIGHT_SECONDS, ':ttl': now + IDEMPOTENCY_WINDOW_SECONDS, ':now': now },
      });
      return { kind: 'claimed' };
    } catch (err) {
      if (!(err instanceof ConditionFailed)) throw err;
      const current = err.current as Item | undefined;
      if (!current) return { kind: 'inFlight' };
      if (current.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (current.status === 'done') return { kind: 'replay', response: current.response as StoredResponse };
      return { kind: 'inFlight' };
    }
  }

  async complete(caller: string, key: string, response: StoredResponse): Promise<void> {
    await this.db.update({
      Key: keys.idempotency(caller, key),
      UpdateExpression: 'SET #st = :done, #resp = :r REMOVE lockedUntil',
      ExpressionAttributeNames: { '#st': 'status', '#resp': 'response' },
      ExpressionAttributeValues: { ':done': 'done', ':r': response },
    });
  }

  /** The request failed in a way worth retrying (5xx): forget the claim so a retry runs for real. */
  async release(caller: string, key: string): Promise<void> {
    await this.db.update({
      Key: keys.idempotency(caller, key),
      UpdateExpression: 'SET #ttl = :past, #st = :released',
      ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE, '#st': 'status' },
      ExpressionAttributeValues: { ':past': 0, ':released': 'released' },
    });
  }
}
