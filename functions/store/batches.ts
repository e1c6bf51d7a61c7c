// Batches in and out of the table (the layout is batchCodec.ts's; keys are keys.ts's).
// Every batch write is one transaction that also writes the order, conditional on the version
// and state it was read at: the order holds progress.batched (the allocation guard), and a batch
// move can then never interleave with an order transition (cancel, complete) that read otherwise.
import type { BatchChange, BatchCreation, ProductionBatch } from '../../shared/batches.js';
import type { Page, ProductionOrder } from '../../shared/types.js';
import { batchesOfSets, batchSetItems, decodeBatch, encodeBatch, MAX_ITEMS_PER_CREATION, type StoredBatch } from './batchCodec.js';
import { decodeCursor, encodeCursor, type Item, type TransactItem } from './db.js';
import { BATCH_PREFIX, batchSetSk, keys, seqOf } from './keys.js';
import type { ListQuery, Store } from './store.js';

/** Above every batch set key of a partition (sort keys are B#<12 digits>). */
const BATCH_END = `${BATCH_PREFIX}~`;

export class BatchStore {
  constructor(readonly store: Store) {}

  private get db() {
    return this.store.db;
  }

  private orderPut(order: ProductionOrder, expected: { version: number; state: string }): TransactItem {
    return {
      Put: {
        TableName: this.db.table,
        Item: this.store.orderItem(order),
        ConditionExpression: 'version = :v AND #state = :s',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':v': expected.version, ':s': expected.state },
      },
    };
  }

  private links(order: ProductionOrder, batchId: string) {
    return { ...this.store.orderLinks(order), batchId };
  }

  /**
   * New batches, all or none, in one transaction: the order (progress.batched grown, conditional on
   * the version it was read at, so two creations racing cannot both allocate the same garments),
   * the batch sets, and one history entry (its event announces the batches: `batchIds` lists them).
   */
  async saveCreation(change: BatchCreation, expected: { version: number; state: string }): Promise<void> {
    const first = change.batches[0];
    const history = this.store.historyPut('ProductionBatch', first.id, change.order.id, change.history, this.links(change.order, first.id), change.order.version);
    const event = (history.Put!.Item as Item).event as { detail: Record<string, unknown> } | undefined;
    if (event && change.batches.length > 1) event.detail.batchIds = change.batches.map((b) => b.id);
    const sets: TransactItem[] = batchSetItems(change.order.id, change.batches, change.order.matrix).map((Item) => ({
      Put: { TableName: this.db.table, Item, ConditionExpression: 'attribute_not_exists(pk)' },
    }));
    const items = [this.orderPut(change.order, expected), ...sets, history];
    // Cannot happen within MAX_GENERATED_BATCHES (see batchCodec.ts); refuse rather than split the plan.
    if (items.length > MAX_ITEMS_PER_CREATION || items.length > 100) throw new Error(`a batch creation needs ${items.length} items in one transaction`);
    await this.db.transact(items);
  }

  /** The order and the batch, read together (one round trip: a GetItem and a Query in parallel). */
  async getOrderAndBatch(orderId: string, batchId: string): Promise<{ order?: ProductionOrder; batch?: ProductionBatch; setKey?: { pk: string; sk: string } }> {
    const [order, page] = await Promise.all([
      this.store.getOrder(orderId),
      this.db.query({
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': keys.entity(orderId).pk, ':from': batchSetSk(batchId), ':to': BATCH_END },
        Limit: 1,
        ConsistentRead: true,
      }),
    ]);
    const set = page.items[0];
    const stored = (set?.batches as Record<string, StoredBatch> | undefined)?.[batchId];
    if (!order || !set || !stored) return { order };
    return { order, batch: decodeBatch(batchId, orderId, stored, order.matrix, order.state), setKey: { pk: set.pk as string, sk: set.sk as string } };
  }

  /**
   * A batch move: the order (version + 1, conditional on the version and state read), the batch's
   * entry in its set (conditional on the state it moves from), the batch's history entry, and the
   * order's when its state changed too (the first start). Four items at most.
   */
  async saveTransition(change: BatchChange, before: { order: ProductionOrder; batch: ProductionBatch }, setKey: { pk: string; sk: string }): Promise<void> {
    const { order } = change;
    const items: TransactItem[] = [
      this.orderPut(order, before.order),
      {
        Update: {
          TableName: this.db.table,
          Key: setKey,
          UpdateExpression: 'SET #b.#id = :batch',
          ConditionExpression: '#b.#id.#state = :from',
          ExpressionAttributeNames: { '#b': 'batches', '#id': change.batch.id, '#state': 'state' },
          ExpressionAttributeValues: { ':batch': encodeBatch(change.batch, order.matrix), ':from': before.batch.state },
        },
      },
      this.store.historyPut('ProductionBatch', change.batch.id, order.id, change.history, this.links(order, change.batch.id), order.version),
    ];
    if (change.orderHistory) items.push(this.store.historyPut('ProductionOrder', order.id, order.id, change.orderHistory, this.store.orderLinks(order)));
    await this.db.transact(items);
  }

  /** A page of the order's batches in id order, with the order (one round trip per page of sets). */
  async list(orderId: string, q: ListQuery): Promise<{ order?: ProductionOrder; page: Page<ProductionBatch> }> {
    const index = `batches:${orderId}`;
    const after = decodeCursor(index, q.cursor)?.after as string | undefined;
    const from = after ? batchSetSk(after) : BATCH_PREFIX;
    const readSets = async (start?: Item) =>
      this.db.query({
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': keys.entity(orderId).pk, ':from': from, ':to': BATCH_END },
        // Every set holds at least one batch: limit + 1 sets hold enough for a page and to know there is more.
        Limit: q.limit + 1,
        ExclusiveStartKey: start,
      });
    const [order, first] = await Promise.all([this.store.getOrder(orderId), readSets()]);
    if (!order) return { page: { items: [], nextCursor: null } };
    const sets = [...first.items];
    let lastKey = first.lastKey;
    const collect = () => batchesOfSets(sets, orderId, order.matrix, order.state).filter((b) => !after || seqOf(b.id) > seqOf(after));
    let batches = collect();
    while (batches.length <= q.limit && lastKey) {
      const more = await readSets(lastKey);
      sets.push(...more.items);
      lastKey = more.lastKey;
      batches = collect();
    }
    const items = batches.slice(0, q.limit);
    const hasMore = batches.length > q.limit || lastKey !== undefined;
    return { order, page: { items, nextCursor: hasMore && items.length ? encodeCursor(index, { after: items[items.length - 1].id }) : null } };
  }
}
