// Sharded index partitions: no table-wide hot key. An index partition that would take every write of a
// kind or state (byType "ProductionOrder", byState "PO#Draft", "STOCK#Low") is spread over N keys
// `<base>#<shard>`, shard = a stable function of the item's id (shardOf). A list reads one page by
// querying every shard of its base at once (one round of parallel Queries) and merging them in sort
// key order; its cursor (HMAC-signed like every cursor: db.ts) carries each shard's position.
//
// Any index can use it: give its partition values (`partitionsOf(base, n)`), the index's key
// attribute names, and a page size. `mergeShardPages` is the pure part (unit tested on its own).
import { decodeCursor, encodeCursor, InvalidCursorError, type Db, type Item } from './db.js';

/**
 * How many partitions each sharded family of index keys is spread over. Changing a count moves items
 * to other keys: run `npm run reindex` after (infra/ops/reindex.ts). docs/scale.md explains the numbers.
 */
export const SHARDS = {
  ProductionOrder: 8,
  SalesOrder: 4,
  TechPack: 4,
  Stock: 8,
  /** The requirement items (#REQ) of open orders in byRequirement: keys.ts requirementKey, the same function. */
  Requirement: 4,
  RawMaterial: 1,
  RoleMapping: 1,
  IqTemplate: 1,
} as const;

export type ShardFamily = keyof typeof SHARDS;

/**
 * The shard of an id: a key ending in a number (PO-000042, "PO#PO-000042") takes that number mod n,
 * so consecutive ids go round-robin over the shards; any other (an email, a material code) its FNV-1a
 * hash mod n. Stable: an item stays on its shard for life.
 */
export function shardOf(id: string, shards: number): number {
  if (shards <= 1) return 0;
  const digits = /(\d+)$/.exec(id);
  if (digits && digits[1].length <= 15) return Number(digits[1]) % shards;
  return fnv1a(id) % shards;
}

/** 32-bit FNV-1a: a stable, well-spread hash (keys.ts's milestone shards hash the whole order id with it). */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The index partition value of one item: `<base>#<shard>`. */
export function shardedKey(base: string, id: string, shards: number): string {
  return `${base}#${shardOf(id, shards)}`;
}

/** Every partition value of a base, shard 0 first. */
export function partitionsOf(base: string, shards: number): string[] {
  return Array.from({ length: Math.max(1, shards) }, (_, i) => `${base}#${i}`);
}

// ---- the merge (pure) ------------------------------------------------------------------------------

/**
 * Where a shard stands between pages: `null` not read yet (start from its first item), `0` read to its
 * end, or the key of the last item handed out from it (the next page starts after it).
 */
export type ShardPosition = null | 0 | Item;

export interface ShardPage {
  /** The shard's items as its Query returned them (in the index's order). */
  items: Item[];
  /** DynamoDB's LastEvaluatedKey: the shard has more beyond `items`. */
  lastKey?: Item;
  /** Where the shard stood before this page (what its Query started from). */
  from: ShardPosition;
}

export interface MergeOptions {
  limit: number;
  /** The index's sort key attribute. */
  sortKey: string;
  /** false (the lists): highest sort key first. */
  forward: boolean;
  /** The key of an item as an ExclusiveStartKey (table keys and the index's keys). */
  keyOf: (item: Item) => Item;
}

/**
 * At most `limit` items in index order across the shards, and each shard's position after them. The
 * merge never hands out an item past a point it cannot see: when a shard's Query stopped early (its
 * 1 MB page, or a filter) and all it returned is used, the page ends there, short, with a cursor.
 */
export function mergeShardPages(pages: ShardPage[], opts: MergeOptions): { items: Item[]; positions: ShardPosition[] } {
  const heads = pages.map(() => 0);
  const out: Item[] = [];
  const before = (a: Item, ai: number, b: Item, bi: number) => {
    const x = a[opts.sortKey] as number | string;
    const y = b[opts.sortKey] as number | string;
    if (x !== y) return opts.forward ? x < y : x > y;
    return ai < bi;
  };
  while (out.length < opts.limit) {
    let best = -1;
    let blocked = false;
    for (let i = 0; i < pages.length; i++) {
      const p = pages[i];
      if (heads[i] >= p.items.length) {
        if (p.lastKey) blocked = true;
        continue;
      }
      if (best < 0 || before(p.items[heads[i]], i, pages[best].items[heads[best]], best)) best = i;
    }
    if (blocked || best < 0) break;
    out.push(pages[best].items[heads[best]]);
    heads[best]++;
  }
  const positions = pages.map((p, i): ShardPosition => {
    if (heads[i] >= p.items.length) return p.lastKey ? opts.keyOf(p.lastKey) : 0;
    if (heads[i] > 0) return opts.keyOf(p.items[heads[i] - 1]);
    return p.from;
  });
  return { items: out, positions };
}

// ---- the cursor: each shard's position, signed ----------------------------------------------------

/** Compact: `[pk, sk, sort key value]` per shard (the partition value is the shard's own). */
type StoredPosition = null | 0 | [string, string, number | string];

export function encodePositions(scope: string, positions: ShardPosition[], sortKey: string): string | null {
  if (positions.every((p) => p === 0)) return null;
  const s = positions.map(
    (p): StoredPosition => (p === null || p === 0 ? p : [String(p.pk), String(p.sk), p[sortKey] as number]),
  );
  return encodeCursor(scope, { s });
}

export function decodePositions(
  scope: string,
  cursor: string | undefined,
  partitions: { attribute: string; values: string[] },
  sortKey: string,
): ShardPosition[] {
  const n = partitions.values.length;
  if (!cursor) return Array.from({ length: n }, () => null);
  const raw = decodeCursor(scope, cursor)?.s;
  if (!Array.isArray(raw) || raw.length !== n) throw new InvalidCursorError();
  return raw.map((p: unknown, i): ShardPosition => {
    if (p === null || p === 0) return p;
    const ok =
      Array.isArray(p) &&
      p.length === 3 &&
      typeof p[0] === 'string' &&
      typeof p[1] === 'string' &&
      (typeof p[2] === 'number' || typeof p[2] === 'string');
    if (!ok) throw new InvalidCursorError();
    const [pk, sk, sort] = p as [string, string, number | string];
    return { pk, sk, [partitions.attribute]: partitions.values[i], [sortKey]: sort };
  });
}

// ---- one page across the shards ------------------------------------------------------------------

export interface ShardedQuery {
  index: string;
  /** The index's partition key attribute and the partition values to merge (one per shard). */
  partitionKey: string;
  partitions: string[];
  sortKey: string;
  limit: number;
  cursor?: string;
  /** What the cursor is valid for (the list and its filters); the shard count is added. */
  scope: string;
  /** Default false: highest sort key first (newest first). */
  forward?: boolean;
  /** A condition on the sort key besides the partition (e.g. milestones due before a date). */
  sortKeyCondition?: { operator: '<' | '<=' | '>' | '>=' | '='; value: string | number };
  filter?: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> };
  /** Attributes to read (the index's keys are added: the merge and the cursor need them). */
  projection?: string[];
}

/**
 * One page: one Query per shard not yet read to its end, all in parallel, each asking for `limit`
 * items (any shard may hold the whole page), merged. Eventually consistent, like every index read.
 */
export async function queryShards(db: Db, q: ShardedQuery): Promise<{ items: Item[]; nextCursor: string | null }> {
  const scope = `${q.scope}|${q.index}|${q.partitions.length}`;
  const forward = q.forward ?? false;
  const from = decodePositions(scope, q.cursor, { attribute: q.partitionKey, values: q.partitions }, q.sortKey);
  const names: Record<string, string> = { '#ipk': q.partitionKey, ...q.filter?.names };
  const sortCondition = q.sortKeyCondition;
  if (sortCondition) names['#isk'] = q.sortKey;
  let projection: string | undefined;
  if (q.projection) {
    const attrs = [...new Set(['pk', 'sk', q.partitionKey, q.sortKey, ...q.projection])];
    attrs.forEach((a, i) => (names[`#p${i}`] = a));
    projection = attrs.map((_, i) => `#p${i}`).join(', ');
  }
  const pages = await Promise.all(
    q.partitions.map(async (value, i): Promise<ShardPage> => {
      const start = from[i];
      if (start === 0) return { items: [], from: 0 };
      const page = await db.query({
        IndexName: q.index,
        KeyConditionExpression: sortCondition ? `#ipk = :ipk AND #isk ${sortCondition.operator} :isk` : '#ipk = :ipk',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: {
          ':ipk': value,
          ...(sortCondition ? { ':isk': sortCondition.value } : {}),
          ...q.filter?.values,
        },
        ...(q.filter ? { FilterExpression: q.filter.expression } : {}),
        ...(projection ? { ProjectionExpression: projection } : {}),
        ScanIndexForward: forward,
        Limit: q.limit,
        ExclusiveStartKey: start ?? undefined,
      });
      return { items: page.items, lastKey: page.lastKey, from: start };
    }),
  );
  const keyOf = (it: Item): Item => ({
    pk: it.pk,
    sk: it.sk,
    [q.partitionKey]: it[q.partitionKey],
    [q.sortKey]: it[q.sortKey],
  });
  const merged = mergeShardPages(pages, { limit: q.limit, sortKey: q.sortKey, forward, keyOf });
  return { items: merged.items, nextCursor: encodePositions(scope, merged.positions, q.sortKey) };
}
