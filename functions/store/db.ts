// Low-level table access: the document client, paging cursors, and the translation of DynamoDB's
// conditional-write failures into something the domain layer can act on.
import { DynamoDBClient, TransactionCanceledException, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand,
  type QueryCommandInput, type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ValidationError } from '../../shared/errors.js';
import { formatId, keys, type IdKind } from './keys.js';
import { countRoundTrips } from './metrics.js';

export type Item = Record<string, unknown>;

/** A condition of a write did not hold; `current` is the item as it stood (when DynamoDB returned it). */
export class ConditionFailed extends Error {
  constructor(readonly index: number, readonly current: Item | undefined) {
    super('ConditionalCheckFailed');
  }
}

/** Another transaction touched the same items at the same moment: the whole operation may run again. */
export class TransientConflict extends Error {
  constructor() {
    super('TransactionConflict');
  }
}

/** DynamoDB throttled the request (a transaction cancelled for throttling): 503 BUSY, try again later. */
export class Busy extends Error {
  constructor(readonly reason: string) {
    super(`Throttled: ${reason}`);
  }
}

/** Cancellation reasons (and error names) that mean throttling, not a failed condition. */
const THROTTLING_CODES = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded', 'ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded']);

/**
 * Every request to DynamoDB fails fast instead of hanging on a stuck connection: connecting may take
 * 1 s, the whole request 3 s (the SDK then retries, within the Lambda's 29 s).
 */
export const DYNAMO_TIMEOUTS = { connectionTimeout: 1_000, requestTimeout: 3_000 };

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export function createDocumentClient(endpoint?: string): DynamoDBDocumentClient {
  const requestHandler = { ...DYNAMO_TIMEOUTS, throwOnRequestTimeout: true };
  const client = new DynamoDBClient(
    endpoint
      ? { endpoint, region: process.env.AWS_REGION ?? 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, requestHandler }
      : { requestHandler },
  );
  countRoundTrips(client);
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export class Db {
  constructor(readonly doc: DynamoDBDocumentClient, readonly table: string) {}

  async get(key: { pk: string; sk: string }, consistent = true): Promise<Item | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: consistent }));
    return out.Item;
  }

  /** Up to 100 keys in one round trip (retrying what DynamoDB leaves unprocessed). */
  async getMany(keyList: { pk: string; sk: string }[]): Promise<Item[]> {
    const found: Item[] = [];
    let pending: Record<string, unknown>[] = keyList;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const out = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending, ConsistentRead: true } } }));
      found.push(...(out.Responses?.[this.table] ?? []));
      pending = (out.UnprocessedKeys?.[this.table]?.Keys as Record<string, unknown>[] | undefined) ?? [];
      if (pending.length && attempt > 5) throw new Error('BatchGet left keys unprocessed');
      if (pending.length) await sleep(20 * 2 ** attempt);
    }
    return found;
  }

  async query(input: Omit<QueryCommandInput, 'TableName'>): Promise<{ items: Item[]; lastKey?: Item }> {
    const out = await this.doc.send(new QueryCommand({ TableName: this.table, ...input }));
    return { items: out.Items ?? [], lastKey: out.LastEvaluatedKey };
  }

  /** Every item of a query, following DynamoDB's 1 MB pages. */
  async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await this.query({ ...input, ExclusiveStartKey: start });
      items.push(...page.items);
      start = page.lastKey;
    } while (start);
    return items;
  }

  /** All-or-nothing write of several items; failed conditions surface as ConditionFailed. */
  async transact(items: TransactItem[]): Promise<void> {
    const TransactItems = items.map((it) => withFailureValues(it, this.table));
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems }));
    } catch (err) {
      if (err instanceof TransactionCanceledException || (err as Error).name === 'TransactionCanceledException') {
        const reasons = (err as TransactionCanceledException).CancellationReasons ?? [];
        const failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
        if (failed >= 0) {
          const raw = reasons[failed].Item;
          throw new ConditionFailed(failed, raw ? unmarshall(raw as never) : undefined);
        }
        if (reasons.some((r) => r.Code === 'TransactionConflict')) throw new TransientConflict();
        const throttled = reasons.find((r) => THROTTLING_CODES.has(r.Code ?? ''));
        if (throttled) throw new Busy(throttled.Code!);
      }
      if ((err as Error).name === 'TransactionConflictException') throw new TransientConflict();
      throw err;
    }
  }

  async put(item: Item): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: item }));
  }

  /** One conditional update; a failed condition surfaces as ConditionFailed with the current item. */
  async update(input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName'>): Promise<Item | undefined> {
    try {
      const out = await this.doc.send(new UpdateCommand({ TableName: this.table, ReturnValuesOnConditionCheckFailure: 'ALL_OLD', ...input }));
      return out.Attributes;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException || (err as Error).name === 'ConditionalCheckFailedException') {
        const raw = (err as ConditionalCheckFailedException).Item;
        throw new ConditionFailed(0, raw ? unmarshall(raw as never) : undefined);
      }
      throw err;
    }
  }

  /** Reserves `count` consecutive ids of a kind with one atomic counter update. */
  async nextIds(kind: IdKind, count = 1): Promise<string[]> {
    const out = await this.doc.send(new UpdateCommand({
      TableName: this.table,
      Key: keys.counter(kind),
      UpdateExpression: 'ADD #n :count',
      ExpressionAttributeNames: { '#n': 'value' },
      ExpressionAttributeValues: { ':count': count },
      ReturnValues: 'UPDATED_NEW',
    }));
    const last = Number(out.Attributes?.value);
    return Array.from({ length: count }, (_, i) => formatId(kind, last - count + 1 + i));
  }
}

function withFailureValues(item: TransactItem, table: string): TransactItem {
  const [kind, body] = Object.entries(item)[0] as [string, Record<string, unknown>];
  const withTable = { TableName: table, ...body };
  if ('ConditionExpression' in body) (withTable as Record<string, unknown>).ReturnValuesOnConditionCheckFailure = 'ALL_OLD';
  return { [kind]: withTable } as TransactItem;
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

// ---- paging ------------------------------------------------------------------------------------

/** Opaque to callers; tied to the index it came from so it cannot be replayed against another. */
export function encodeCursor(index: string, lastKey: Item | undefined): string | null {
  if (!lastKey) return null;
  return Buffer.from(JSON.stringify({ i: index, k: lastKey })).toString('base64url');
}

export function decodeCursor(index: string, cursor: string | undefined): Item | undefined {
  if (!cursor) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed?.i === index && parsed.k && typeof parsed.k === 'object') return parsed.k as Item;
  } catch {
    // fall through
  }
  throw new ValidationError([{ field: 'cursor', message: 'is not a cursor this list produced' }]);
}
