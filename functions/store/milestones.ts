// Milestones across orders: the byMilestone index items (entities.ts: milestoneEntity) kept in step
// with each order's own milestones, and the list that reads them.
//
// The order item is the record (its `milestones`); the index items follow it in the same
// transaction as every order write (store.ts: orderCreation, orderChange): a milestone of an open
// order with a due date has an item (open ones under MS#<n>, done ones under MSD#<n>); one that has
// none (the order Completed or Cancelled, no due date) has its item deleted. Only the items that
// differ from the order as read are written, so a write that leaves milestones alone adds nothing.
//
// A page of the list: one Query per shard, all in parallel, each at most `limit` items from where
// the cursor left that shard; merged by due date (then order id and key) and cut to `limit`. The
// cursor (signed, db.ts) holds each shard's position: its last key taken, null (not started) or
// false (read to the end).
import { isIndexed, type Milestone } from '../../shared/milestones.js';
import type { Page, ProductionOrder } from '../../shared/types.js';
import { type Db, decodeCursor, encodeCursor, InvalidCursorError, type Item, type TransactItem } from './db.js';
import { milestoneEntity, type MilestoneEntry } from './entities.js';
import { keys, milestoneShardKeys } from './keys.js';

/** What the write needs of the order as read (undefined, or no milestones: it had no index items). */
export type MilestonesBefore = Partial<Pick<ProductionOrder, 'milestones' | 'deliveryDate' | 'styleCode'>> & {
  state?: string;
};

type Indexed = Pick<ProductionOrder, 'id' | 'styleCode' | 'deliveryDate'> & {
  state?: string;
  milestones?: Milestone[];
};

function entries(order: Indexed | undefined): Map<string, MilestoneEntry> {
  const out = new Map<string, MilestoneEntry>();
  if (!order?.state) return out;
  for (const m of order.milestones ?? []) {
    if (!isIndexed(order as Pick<ProductionOrder, 'state'>, m)) continue;
    out.set(m.key, {
      orderId: order.id,
      styleCode: order.styleCode,
      key: m.key,
      name: m.name,
      due: m.due,
      done: m.done,
      deliveryDate: order.deliveryDate,
    });
  }
  return out;
}

const same = (a: MilestoneEntry | undefined, b: MilestoneEntry) =>
  a !== undefined &&
  a.due === b.due &&
  a.done === b.done &&
  a.name === b.name &&
  a.deliveryDate === b.deliveryDate &&
  a.styleCode === b.styleCode;

/** The index items an order's write adds: Puts of milestones new or changed, Deletes of those gone. */
export function milestoneWrites(table: string, after: ProductionOrder, before?: MilestonesBefore): TransactItem[] {
  const was = entries(before?.milestones ? ({ ...after, ...before } as Indexed) : undefined);
  const now = entries(after);
  const items: TransactItem[] = [];
  for (const [key, e] of now) if (!same(was.get(key), e)) items.push(milestoneEntity.put(table, e));
  for (const key of was.keys()) {
    if (!now.has(key)) items.push({ Delete: { TableName: table, Key: keys.milestone(after.id, key) } });
  }
  return items;
}

export interface MilestoneQuery {
  /** Due strictly before this date. */
  dueBefore?: string;
  /** true: open milestones; false: done ones (of open orders). */
  open: boolean;
  limit: number;
  cursor?: string;
}

type Position = Item | null | false;

/** One page of milestones across orders, soonest first: one round of parallel Queries (one per shard). */
export async function listMilestones(db: Db, q: MilestoneQuery): Promise<Page<MilestoneEntry>> {
  const shards = milestoneShardKeys(!q.open);
  const scope = `milestones:${q.open ? 'open' : 'done'}:${q.dueBefore ?? ''}`;
  const positions = positionsOf(decodeCursor(scope, q.cursor), shards.length);
  const pages = await Promise.all(
    shards.map((shard, i) => {
      const at = positions[i];
      if (at === false) return { items: [] as Item[], lastKey: undefined };
      return db.query({
        IndexName: 'byMilestone',
        KeyConditionExpression: q.dueBefore ? 'msShard = :s AND msDue < :d' : 'msShard = :s',
        ExpressionAttributeValues: { ':s': shard, ...(q.dueBefore ? { ':d': q.dueBefore } : {}) },
        Limit: q.limit,
        ExclusiveStartKey: at ?? undefined,
      });
    }),
  );
  const merged = pages
    .flatMap((p, shard) => p.items.map((item) => ({ shard, item })))
    .sort((a, b) => (String(a.item.msDue) < String(b.item.msDue) ? -1 : 1))
    .slice(0, q.limit);
  const taken = shards.map(() => 0);
  for (const m of merged) taken[m.shard] += 1;
  const next: Position[] = pages.map((p, i) => {
    if (positions[i] === false) return false;
    if (taken[i] === p.items.length) return p.lastKey ?? false;
    if (taken[i] === 0) return positions[i];
    const last = p.items[taken[i] - 1];
    return { pk: last.pk, sk: last.sk, msShard: last.msShard, msDue: last.msDue };
  });
  const more = next.some((p) => p !== false);
  return {
    items: merged.map((m) => milestoneEntity.decode(m.item)),
    nextCursor: more ? encodeCursor(scope, { p: next }) : null,
  };
}

function positionsOf(cursor: Item | undefined, count: number): Position[] {
  if (cursor === undefined) return Array.from({ length: count }, () => null);
  const p = cursor.p;
  const valid =
    Array.isArray(p) &&
    p.length === count &&
    p.every((x) => x === null || x === false || (typeof x === 'object' && !Array.isArray(x)));
  if (!valid) throw new InvalidCursorError();
  return p as Position[];
}
