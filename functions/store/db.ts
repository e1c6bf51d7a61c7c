// Low-level table access: the document client, paging cursors, and the translation of DynamoDB's
// conditional-write failures into something the domain layer can act on.
import {
  DynamoDBClient,
  TransactionCanceledException,
  ConditionalCheckFailedException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type QueryCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../../shared/errors.js';
import { formatId, keys, type IdKind } from './keys.js';
import { claimCompletion, pendingClaim } from './idempotencyScope.js';
import { countRoundTrips } from './metrics.js';

export type Item = Record<string, unknown>;

/** A condition of a write did not hold; `current` is the item as it stood (when DynamoDB returned it). */
export class ConditionFailed extends Error {
  constructor(
    readonly index: number,
    readonly current: Item | undefined,
  ) {
    super('ConditionalCheckFailed');
  }
}

/** Another transaction touched the same items at the same moment: the whole operation may run again. */
export class TransientConflict extends Error {
  constructor() {
    super('TransactionConflict');
  }
}

/** The request's idempotency claim is no longer its own (it lapsed and a retry took it over): nothing was written. */
export class IdempotencyClaimLost extends DomainError {
  constructor() {
    super(409, 'IDEMPOTENCY_IN_FLIGHT', 'A request with this Idempotency-Key is still running');
  }
}

/** DynamoDB throttled the request (a transaction cancelled for throttling): 503 BUSY, try again later. */
export class Busy extends Error {
  constructor(readonly reason: string) {
    super(`Throttled: ${reason}`);
  }
}

/** Cancellation reasons (and error names) that mean throttling, not a failed condition. */
const THROTTLING_CODES = new Set([
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
]);

/**
 * Every request to DynamoDB fails fast instead of hanging on a stuck connection: connecting may take
 * 1 s, the whole request 3 s (the SDK then retries, within the Lambda's 29 s).
 */
export const DYNAMO_TIMEOUTS = { connectionTimeout: 1_000, requestTimeout: 3_000 };

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export function createDocumentClient(endpoint?: string): DynamoDBDocumentClient {
  // DYNAMODB_REQUEST_TIMEOUT_MS: the local stack's DynamoDB Local on a loaded laptop is slower than DynamoDB.
  const requestTimeout = Number(process.env.DYNAMODB_REQUEST_TIMEOUT_MS) || DYNAMO_TIMEOUTS.requestTimeout;
  const requestHandler = { ...DYNAMO_TIMEOUTS, requestTimeout, throwOnRequestTimeout: true };
  const client = new DynamoDBClient(
    endpoint
      ? {
          endpoint,
          region: process.env.AWS_REGION ?? 'local',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          requestHandler,
        }
      : { requestHandler },
  );
  countRoundTrips(client);
  // convertClassInstanceToMap: a map with a key named `constructor` (a size code) is still a map.
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
  });
}

export class Db {
  constructor(
    readonly doc: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  /** `projection`: the attributes wanted (a ProjectionExpression of plain names), else the whole item. */
  async get(key: { pk: string; sk: string }, consistent = true, projection?: string): Promise<Item | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: key,
        ConsistentRead: consistent,
        ...(projection ? { ProjectionExpression: projection } : {}),
      }),
    );
    return out.Item;
  }

  /**
   * The items of `keyList` that exist, in any order: one BatchGet per 100 keys (DynamoDB's limit), all
   * in parallel, unprocessed keys retried. `consistent` false: eventually consistent (half the units).
   */
  async getMany(keyList: { pk: string; sk: string }[], consistent = true): Promise<Item[]> {
    const chunks: { pk: string; sk: string }[][] = [];
    for (let i = 0; i < keyList.length; i += 100) chunks.push(keyList.slice(i, i + 100));
    const found = await Promise.all(chunks.map((chunk) => this.getChunk(chunk, consistent)));
    return found.flat();
  }

  private async getChunk(keyList: { pk: string; sk: string }[], consistent: boolean): Promise<Item[]> {
    const found: Item[] = [];
    let pending: Record<string, unknown>[] = keyList;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const out = await this.doc.send(
        new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending, ConsistentRead: consistent } } }),
      );
      found.push(...(out.Responses?.[this.table] ?? []));
      pending = (out.UnprocessedKeys?.[this.table]?.Keys as Record<string, unknown>[] | undefined) ?? [];
      if (pending.length && attempt > 5) throw new Error('BatchGet left keys unprocessed');
      if (pending.length) await sleep(20 * 2 ** attempt);
    }
    return found;
  }

  async query(input: Omit<QueryCommandInput, 'TableName'>): Promise<{ items: Item[]; lastKey?: Item }> {
    try {
      const out = await this.doc.send(new QueryCommand({ TableName: this.table, ...input }));
      return { items: out.Items ?? [], lastKey: out.LastEvaluatedKey };
    } catch (err) {
      // A start key DynamoDB refuses can only have come from a cursor (ours are signed; belt and braces).
      if (input.ExclusiveStartKey && (err as Error).name === 'ValidationException') throw new InvalidCursorError();
      throw err;
    }
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

  /**
   * All-or-nothing write of several items; failed conditions surface as ConditionFailed. The first
   * transaction of a request holding an idempotency claim also completes the claim (one more item,
   * conditional on the claim still being this request's): the write and the key's record land
   * together, so a retry after a crash at any point never writes twice (functions/store/idempotencyScope.ts).
   */
  async transact(items: TransactItem[]): Promise<void> {
    const claim = pendingClaim();
    const carries = claim !== undefined && !claim.settled && !claim.carrying && items.length < 100;
    if (carries) claim.carrying = true;
    const all = carries ? [...items, claimCompletion(this.table, claim)] : items;
    const TransactItems = all.map((it) => withFailureValues(it, this.table));
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems }));
      if (carries) claim.settled = claim.response ? 'done' : 'written';
    } catch (err) {
      if (err instanceof TransactionCanceledException || (err as Error).name === 'TransactionCanceledException') {
        const reasons = (err as TransactionCanceledException).CancellationReasons ?? [];
        const failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
        // The claim lapsed and another request with the same key took it over: it does the work.
        if (carries && failed === items.length) throw new IdempotencyClaimLost();
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
    } finally {
      if (carries) claim.carrying = false;
    }
  }

  async put(item: Item): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: item }));
  }

  /** One conditional update; a failed condition surfaces as ConditionFailed with the current item. */
  async update(input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName'>): Promise<Item | undefined> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({ TableName: this.table, ReturnValuesOnConditionCheckFailure: 'ALL_OLD', ...input }),
      );
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
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.counter(kind),
        UpdateExpression: 'ADD #n :count',
        ExpressionAttributeNames: { '#n': 'value' },
        ExpressionAttributeValues: { ':count': count },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const last = Number(out.Attributes?.value);
    return Array.from({ length: count }, (_, i) => formatId(kind, last - count + 1 + i));
  }
}

function withFailureValues(item: TransactItem, table: string): TransactItem {
  const [kind, body] = Object.entries(item)[0] as [string, Record<string, unknown>];
  const withTable = { TableName: table, ...body };
  if ('ConditionExpression' in body)
    (withTable as Record<string, unknown>).ReturnValuesOnConditionCheckFailure = 'ALL_OLD';
  return { [kind]: withTable } as TransactItem;
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

// ---- paging ------------------------------------------------------------------------------------

/** A cursor this service did not hand out for this very query: 400 INVALID_CURSOR. */
export class InvalidCursorError extends DomainError {
  constructor() {
    super(400, 'INVALID_CURSOR', 'cursor is not one this list handed out for this query', {
      fields: [{ field: 'cursor', message: 'is not a cursor this list produced for this query' }],
    });
  }
}

const MAX_CURSOR_CHARS = 2_048;
let cursorKey: Buffer | undefined;

/**
 * The key cursors are signed with: CURSOR_SECRET (the local stack keeps one in DATA_DIR; in AWS the
 * stack passes one). Without it a random key per process: cursors then only work within it.
 */
function cursorSecret(): Buffer {
  if (cursorKey) return cursorKey;
  const secret = process.env.CURSOR_SECRET;
  if (!secret) process.emitWarning('CURSOR_SECRET is not set: paging cursors are signed with a per-process key');
  cursorKey = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  return cursorKey;
}

/** Forgets the key read from the environment (tests that change CURSOR_SECRET). */
export function resetCursorSecret(): void {
  cursorKey = undefined;
}

function cursorMac(scope: string, payload: string): Buffer {
  return createHmac('sha256', cursorSecret()).update(`${scope}\n${payload}`).digest().subarray(0, 18);
}

/**
 * Opaque to callers: the last key, signed (HMAC-SHA256) together with the scope it came from (the
 * index and the query's own values), so it can be neither forged nor replayed against another query.
 */
export function encodeCursor(index: string, lastKey: Item | undefined): string | null {
  if (!lastKey) return null;
  const payload = Buffer.from(JSON.stringify(lastKey)).toString('base64url');
  return `${payload}.${cursorMac(index, payload).toString('base64url')}`;
}

export function decodeCursor(index: string, cursor: string | undefined): Item | undefined {
  if (!cursor) return undefined;
  const [payload, mac, ...rest] = cursor.length <= MAX_CURSOR_CHARS ? cursor.split('.') : [];
  if (!payload || !mac || rest.length) throw new InvalidCursorError();
  const given = Buffer.from(mac, 'base64url');
  const expected = cursorMac(index, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new InvalidCursorError();
  try {
    const key = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (key && typeof key === 'object' && !Array.isArray(key)) return key as Item;
  } catch {
    // fall through: signed by us, so this cannot happen short of a key leak
  }
  throw new InvalidCursorError();
}
