// Milestones across orders: the byMilestone index items (entities.ts: milestoneEntity) kept in step
// with each order's own milestones, and the list that reads them.
//
// The order item is the record (its `milestones`); the index items follow it in the same
// transaction as every order write (store.ts: orderCreation, orderChange): a milestone of an open
// order with a due date has an item (open ones under MS#<n>, done ones under MSD#<n>); one that has
// none (the order Completed or Cancelled, no due date) has its item deleted. Only the items that
// differ from the order as read are written, so a write that leaves milestones alone adds nothing.
//
// A page of the list: shards.ts queryShards over the MS#<n> (or MSD#<n>) partitions, the sort key
// (due date, then order id and key) below `dueBefore` when given: one Query per shard, all in
// parallel, each at most `limit` items from where the cursor left that shard, merged in order and cut
// to `limit`; the signed cursor holds each shard's position.
import { isIndexed, type Milestone } from '../../shared/milestones.js';
import type { Page, ProductionOrder } from '../../shared/types.js';
import type { Db, TransactItem } from './db.js';
import { milestoneEntity, type MilestoneEntry } from './entities.js';
import { keys, milestoneShardKeys } from './keys.js';
import { queryShards } from './shards.js';

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

/** One page of milestones across orders, soonest first: one round of parallel Queries (one per shard, shards.ts). */
export async function listMilestones(db: Db, q: MilestoneQuery): Promise<Page<MilestoneEntry>> {
  const page = await queryShards(db, {
    index: 'byMilestone',
    partitionKey: 'msShard',
    partitions: milestoneShardKeys(!q.open),
    sortKey: 'msDue',
    forward: true,
    ...(q.dueBefore ? { sortKeyCondition: { operator: '<' as const, value: q.dueBefore } } : {}),
    limit: q.limit,
    cursor: q.cursor,
    scope: `milestones:${q.open ? 'open' : 'done'}:${q.dueBefore ?? ''}`,
  });
  return { items: page.items.map((item) => milestoneEntity.decode(item)), nextCursor: page.nextCursor };
}
