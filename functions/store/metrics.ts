// Counts DynamoDB round trips and the capacity they consumed per API request, with a middleware on
// the real SDK client: the request log line reports them, and the benchmark reads them. The one
// place capacity is counted: every request asks DynamoDB for its consumed capacity by table and
// index (ReturnConsumedCapacity INDEXES), and, when asked (`floor`), sizes what it read and wrote by
// DynamoDB's unit rules so the benchmark can set the units consumed beside their floor.
//
// DynamoDB's rules (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
//   - a write: 1 unit per 1 KB of the item (rounded up per item), 2 in a transaction;
//   - a read: 1 unit per 4 KB strongly consistent, half eventually consistent, 2 in a transaction;
//     GetItem and BatchGetItem round up per item, a Query page once over the sum of its items;
//   - every index an item is copied into is written too (its projection's size).
// The floor of a request is the table's own part, sized from the items (plain, as the document client
// sends and returns them; plainSize is DynamoDB's size of their AttributeValues): a Put's item as sent, a read's
// items as returned, at the consistency asked for (1 unit at least per request). An Update, Delete or
// ConditionCheck does not carry the item: its floor is the units DynamoDB charged the table for it
// (it charges the whole item, whatever the update touches). Index copies are not in this table floor:
// they are what it leaves out (`indexWriteUnits`, by index in `byIndex`).
//
// The index floor (indexFloorUnits, priced by the benchmark from the table's stream: the old and new
// image of each item written) is what the contract's lists require of the indexes, at the smallest
// entry they could hold: an entry's keys and what its list answers or filters by
// (tableDefinition.ts LIST_ENTRIES), nothing else. An item that enters a list costs one put of that
// entry, one that leaves it a delete, one whose entry keys change (a state change in byState) both,
// one whose listed attributes change a put; an item whose listed attributes are as before costs
// nothing, whatever else changed. 1 unit per KB of the entry, doubled in a transaction (as the table's).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { INDEXES, LIST_ENTRIES, TABLE_KEYS, type IndexDefinition } from './tableDefinition.js';

export interface DynamoUsage {
  calls: number;
  byOperation: Record<string, number>;
  /** Every unit consumed (table and indexes, reads and writes) as DynamoDB reports it. */
  capacityUnits: number;
  /** Units of the read requests (GetItem, BatchGetItem, Query, Scan), table and indexes. */
  readUnits: number;
  /** Units of the write requests (PutItem, UpdateItem, DeleteItem, TransactWriteItems), table and indexes. */
  writeUnits: number;
  /** The part of writeUnits that went into the indexes (their copies of the items). */
  indexWriteUnits: number;
  /** Units by index (reads and writes): { byState: 12, ... }. */
  byIndex: Record<string, number>;
  /** Present when the tally sizes floors: the units the bytes read and written cost by DynamoDB's rules. */
  floor?: { readUnits: number; writeUnits: number };
}

const current = new AsyncLocalStorage<DynamoUsage>();

/**
 * A new tally. `floor`: also size every item read and written (costs CPU: the benchmark's tallies, and
 * the API's when EXPOSE_DYNAMO_USAGE=1; never in AWS).
 */
export function newUsage(opts: { floor?: boolean } = {}): DynamoUsage {
  const floor = opts.floor ?? process.env.EXPOSE_DYNAMO_USAGE === '1';
  return {
    calls: 0,
    byOperation: {},
    capacityUnits: 0,
    readUnits: 0,
    writeUnits: 0,
    indexWriteUnits: 0,
    byIndex: {},
    ...(floor ? { floor: { readUnits: 0, writeUnits: 0 } } : {}),
  };
}

/** Runs `fn` with its own tally; every DynamoDB command issued inside it is counted there. */
export function measureDynamo<T>(usage: DynamoUsage, fn: () => Promise<T>): Promise<T> {
  return current.run(usage, fn);
}

export function currentUsage(): DynamoUsage | undefined {
  return current.getStore();
}

// ---- item sizes (DynamoDB's, as counted against capacity and the 400 KB item limit) --------------

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** A number: 1 byte per two significant digits (sign, exponent, leading and trailing zeros aside) + 1. */
export function numberSize(n: string): number {
  const digits = n
    .replace(/^[-+]/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

/** An attribute value: S its UTF-8 bytes, N as above, B its bytes, BOOL/NULL 1, M and L 3 + 1 per element + the elements. */
export function valueSize(v: AttributeValue): number {
  if (v.S !== undefined) return utf8(v.S);
  if (v.N !== undefined) return numberSize(v.N);
  if (v.M !== undefined) {
    let size = 3;
    for (const k in v.M) size += 1 + utf8(k) + valueSize(v.M[k]);
    return size;
  }
  if (v.L !== undefined) {
    let size = 3 + v.L.length;
    for (const x of v.L) size += valueSize(x);
    return size;
  }
  if (v.B !== undefined) return v.B.byteLength;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS !== undefined) return v.SS.reduce((s, x) => s + utf8(x), 0);
  if (v.NS !== undefined) return v.NS.reduce((s, x) => s + numberSize(x), 0);
  if (v.BS !== undefined) return v.BS.reduce((s, x) => s + x.byteLength, 0);
  return 0;
}

/** An item as DynamoDB holds it (AttributeValues): its attribute names and values. */
export function itemSize(item: Record<string, AttributeValue>): number {
  let size = 0;
  for (const k in item) size += utf8(k) + valueSize(item[k]);
  return size;
}

/** Bytes of an ASCII-only string without encoding it (most of ours), else its UTF-8 bytes. */
function textSize(s: string): number {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return utf8(s);
  return s.length;
}

/**
 * A plain value as the document client marshals it (removeUndefinedValues, class instances as maps):
 * the same size as valueSize of its AttributeValue, without marshalling it.
 */
export function plainSize(v: unknown): number {
  switch (typeof v) {
    case 'string':
      return textSize(v);
    case 'number':
    case 'bigint':
      return numberSize(String(v));
    case 'boolean':
      return 1;
    case 'object': {
      if (v === null) return 1;
      if (Array.isArray(v)) {
        let size = 3 + v.length;
        for (const x of v) size += plainSize(x);
        return size;
      }
      if (v instanceof Uint8Array) return v.byteLength;
      if (v instanceof Set) {
        let size = 0;
        for (const x of v) size += typeof x === 'string' ? textSize(x) : plainSize(x);
        return size;
      }
      // lib-dynamodb's NumberValue (a number kept as its string)
      if ((v as { constructor?: { name?: string } }).constructor?.name === 'NumberValue')
        return numberSize(String((v as { value: string }).value));
      let size = 3;
      const o = v as Record<string, unknown>;
      for (const k in o) if (o[k] !== undefined) size += 1 + textSize(k) + plainSize(o[k]);
      return size;
    }
    default:
      return 0;
  }
}

/** A plain item (as the document client sends and returns it): its attribute names and values. */
export function plainItemSize(item: Record<string, unknown> | undefined): number {
  if (!item) return 0;
  let size = 0;
  for (const k in item) if (item[k] !== undefined) size += textSize(k) + plainSize(item[k]);
  return size;
}

const KB = 1024;
const READ_BLOCK = 4 * KB;

/** Write units of one item of `bytes` (1 per KB, at least 1). */
export function writeUnitsOf(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / KB));
}

/** Read units of `bytes` read at once (1 per 4 KB strongly consistent, half eventually; at least one block). */
export function readUnitsOf(bytes: number, consistent: boolean): number {
  return Math.max(1, Math.ceil(bytes / READ_BLOCK)) * (consistent ? 1 : 0.5);
}

// ---- the index floor: what the lists require of the indexes --------------------------------------

type Image = Record<string, AttributeValue>;

/**
 * The smallest entry of `img` a list of `ix` needs (its keys and the attributes its list answers), with
 * its index key; undefined when the item is not in the index (no partition or sort key: sparse).
 */
export function minimalEntry(ix: IndexDefinition, img: Image | undefined): { key: string; entry: Image } | undefined {
  if (!img) return undefined;
  const pk = img[ix.partitionKey.name];
  const sk = img[ix.sortKey.name];
  if (pk === undefined || sk === undefined) return undefined;
  const kind = img.type?.S ?? img.kind?.S ?? '';
  const wanted = [
    TABLE_KEYS.partitionKey,
    TABLE_KEYS.sortKey,
    ix.partitionKey.name,
    ix.sortKey.name,
    ...(LIST_ENTRIES[ix.name]?.[kind] ?? []),
  ];
  const entry: Image = {};
  for (const a of wanted) if (img[a] !== undefined) entry[a] = img[a];
  return { key: JSON.stringify([pk, sk]), entry };
}

const canonical = (img: Image) => JSON.stringify(Object.entries(img).sort(([a], [b]) => (a < b ? -1 : 1)));

/**
 * The index units one item's write must cost at least, from its image before and after (undefined:
 * created / deleted), per index: { byState: 2, ... } (only indexes with units). `transactional`
 * doubles them, as DynamoDB (and DynamoDB Local) bills a transaction's writes.
 */
export function indexFloorUnits(
  before: Image | undefined,
  after: Image | undefined,
  transactional: boolean,
  indexes: readonly IndexDefinition[] = INDEXES,
): Record<string, number> {
  const out: Record<string, number> = {};
  const factor = transactional ? 2 : 1;
  for (const ix of indexes) {
    const was = minimalEntry(ix, before);
    const now = minimalEntry(ix, after);
    let units = 0;
    if (was && now && was.key === now.key) {
      if (canonical(was.entry) !== canonical(now.entry)) units = writeUnitsOf(itemSize(now.entry));
    } else {
      if (was) units += writeUnitsOf(itemSize(was.entry));
      if (now) units += writeUnitsOf(itemSize(now.entry));
    }
    if (units) out[ix.name] = units * factor;
  }
  return out;
}

// ---- the middleware ------------------------------------------------------------------------------

type OneCapacity = {
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
  LocalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
};
type Capacity = OneCapacity | OneCapacity[] | undefined;

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems', 'BatchWriteItem']);

type Plain = Record<string, unknown>;

/** What the sizing reads of a request and its answer (plain items, as the document client has them). */
interface Io {
  Item?: Plain;
  Items?: Plain[];
  ConsistentRead?: boolean;
  TransactItems?: { Put?: { Item: Plain } }[];
  RequestItems?: Record<string, { ConsistentRead?: boolean } | { PutRequest?: { Item: Plain } }[]>;
  Responses?: Record<string, Plain[]> | { Item?: Plain }[];
}

/** The table's own floor of a write request, from what it sends (Puts) and what the table was charged. */
function writeFloor(op: string, input: Io, tableUnits: number): number {
  if (op === 'PutItem') return writeUnitsOf(plainItemSize(input.Item as Plain));
  if (op === 'TransactWriteItems') {
    const items = input.TransactItems ?? [];
    let puts = 0;
    let others = false;
    for (const it of items) {
      if (it.Put) puts += 2 * writeUnitsOf(plainItemSize(it.Put.Item as Plain));
      else others = true;
    }
    // The other items' size is not in the request: what the table was charged beyond the Puts.
    return others ? Math.max(puts, tableUnits) : puts;
  }
  if (op === 'BatchWriteItem') {
    let units = 0;
    for (const reqs of Object.values((input.RequestItems ?? {}) as Record<string, { PutRequest?: { Item: Plain } }[]>))
      for (const r of reqs) units += r.PutRequest ? writeUnitsOf(plainItemSize(r.PutRequest.Item as Plain)) : 1;
    return units;
  }
  return tableUnits;
}

/** The table's own floor of a read request, from the items it returned. */
function readFloor(op: string, input: Io, output: Io): number {
  if (op === 'GetItem') {
    return readUnitsOf(plainItemSize(output.Item as Plain | undefined), input.ConsistentRead === true);
  }
  if (op === 'BatchGetItem') {
    let units = 0;
    for (const [table, items] of Object.entries((output.Responses ?? {}) as Record<string, Plain[]>)) {
      const consistent =
        (input.RequestItems?.[table] as { ConsistentRead?: boolean } | undefined)?.ConsistentRead === true;
      for (const it of items) units += readUnitsOf(plainItemSize(it), consistent);
    }
    return units;
  }
  if (op === 'Query' || op === 'Scan') {
    let bytes = 0;
    for (const it of (output.Items ?? []) as Plain[]) bytes += plainItemSize(it);
    return readUnitsOf(bytes, input.ConsistentRead === true);
  }
  if (op === 'TransactGetItems') {
    let units = 0;
    for (const r of (output.Responses ?? []) as { Item?: Plain }[])
      units += 2 * readUnitsOf(plainItemSize(r.Item), true);
    return units;
  }
  return 0;
}

function tally(usage: DynamoUsage, op: string, capacity: Capacity, input: Io, output: Io | undefined): void {
  const list = !capacity ? [] : Array.isArray(capacity) ? capacity : [capacity];
  let total = 0;
  let table = 0;
  let indexes = 0;
  for (const c of list) {
    total += c.CapacityUnits ?? 0;
    table += c.Table?.CapacityUnits ?? 0;
    for (const group of [c.GlobalSecondaryIndexes, c.LocalSecondaryIndexes]) {
      for (const [name, u] of Object.entries(group ?? {})) {
        indexes += u.CapacityUnits ?? 0;
        usage.byIndex[name] = (usage.byIndex[name] ?? 0) + (u.CapacityUnits ?? 0);
      }
    }
  }
  // TOTAL-only answers (no breakdown): all of it is the table's.
  if (list.length && table === 0 && indexes === 0) table = total;
  usage.capacityUnits += total;
  const write = WRITES.has(op);
  if (write) {
    usage.writeUnits += total;
    usage.indexWriteUnits += indexes;
  } else usage.readUnits += total;
  if (usage.floor && output) {
    if (write) usage.floor.writeUnits += writeFloor(op, input, table);
    else usage.floor.readUnits += readFloor(op, input, output);
  }
}

/** One count per command sent (SDK retries of the same command are not new round trips we chose). */
export function countRoundTrips(client: DynamoDBClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const usage = current.getStore();
      const input = args.input as Record<string, unknown>;
      if (usage && input && !('ReturnConsumedCapacity' in input) && context.commandName !== 'DescribeTableCommand')
        input.ReturnConsumedCapacity = 'INDEXES';
      const op = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      if (usage) {
        usage.calls += 1;
        usage.byOperation[op] = (usage.byOperation[op] ?? 0) + 1;
      }
      // A refused conditional write is a round trip too: counted above, before it can throw.
      const result = await next(args);
      if (usage) {
        const output = result.output as Io & { ConsumedCapacity?: Capacity };
        tally(usage, op, output.ConsumedCapacity, input as Io, output);
      }
      return result;
    },
    { step: 'initialize', name: 'garmentflowRoundTrips' },
  );
}
