// Batches in and out of the table (the layout is batchCodec.ts's; keys are keys.ts's).
// Every batch write is one transaction that also writes the order, conditional on the version
// and state it was read at: the order holds progress.batched (the allocation guard), and a batch
// move can then never interleave with an order transition (cancel, complete) that read otherwise.
import { NotFoundError } from '../../shared/errors.js';
import type { BatchChange, BatchCreation, ProductionBatch } from '../../shared/batches.js';
import { assertInspectionAllowsFinish } from '../../shared/quality.js';
import type { Matrix, Page, ProductionOrder } from '../../shared/types.js';
import { decodeBatch, encodeBatch, MAX_ITEMS_PER_CREATION, type StoredBatch } from './batchCodec.js';
import { ConditionFailed, decodeCursor, encodeCursor, TransientConflict, type Item, type TransactItem } from './db.js';
import { batchSetEntity, iqTemplateEntity, productionOrderEntity } from './entities.js';
import { BATCH_PREFIX, batchSetSk, ENTITY_SK, keys, seqOf } from './keys.js';
import { lostRace, type ListQuery, type Store } from './store.js';

/** Holds unless the IQ template `code` requires a passing inspection to finish (a missing template does not). */
function inspectionGate(table: string, code: string): TransactItem {
  return {
    ConditionCheck: {
      TableName: table,
      Key: keys.iqTemplate(code),
      ConditionExpression: 'attribute_not_exists(pk) OR requiredForFinish <> :required',
      ExpressionAttributeValues: { ':required': true },
    },
  };
}

/** Above every batch set key of a partition (sort keys are B#<12 digits>). */
const BATCH_END = `${BATCH_PREFIX}~`;

export class BatchStore {
  constructor(readonly store: Store) {}

  private get db() {
    return this.store.db;
  }

  private links(order: ProductionOrder, batchId: string) {
    return { ...this.store.orderLinks(order), batchId };
  }

  /**
   * New batches of an order, all or none. `plan` gives their matrices from the order (it may
   * refuse: no id is taken then, unless `knownCount` let them be fetched with the order); `make`
   * the creation from the order, the matrices and their ids. Round trips: the order (with the ids
   * when `knownCount` is given: 2 in all), the ids (3 in all), then one transaction: the order
   * (progress.batched grown, conditional on the version and state read, so two creations racing
   * cannot both allocate the same garments), the batch sets, one history entry (its event lists the
   * batches in `batchIds`). No order: NotFoundError. Lost race: TransientConflict.
   */
  async createBatches(
    orderId: string,
    plan: (order: ProductionOrder) => readonly Matrix[],
    make: (order: ProductionOrder, matrices: readonly Matrix[], ids: string[]) => BatchCreation,
    knownCount?: number,
  ): Promise<BatchCreation> {
    const reserving = knownCount === undefined ? undefined : this.db.nextIds('ProductionBatch', knownCount);
    const [order, early] = await Promise.all([this.store.getOrder(orderId), reserving]);
    if (!order) throw new NotFoundError('Production order', orderId);
    const matrices = plan(order);
    if (early && early.length !== matrices.length) throw new Error('createBatches: the plan differs from knownCount');
    const ids = early ?? (await this.db.nextIds('ProductionBatch', matrices.length));
    const change = make(order, matrices, ids);
    await this.saveCreation(change, order).catch(lostRace);
    return change;
  }

  private async saveCreation(change: BatchCreation, expected: { version: number; state: string }): Promise<void> {
    const first = change.batches[0];
    const history = this.store.historyPut(
      'ProductionBatch',
      first.id,
      change.order.id,
      change.history,
      this.links(change.order, first.id),
      change.order.version,
    );
    const event = (history.Put!.Item as Item).event as { detail: Record<string, unknown> } | undefined;
    if (event && change.batches.length > 1) event.detail.batchIds = change.batches.map((b) => b.id);
    const setItems = batchSetEntity.items(change.order.id, change.batches, change.order.matrix);
    const sets: TransactItem[] = setItems.map((Item) => ({
      Put: { TableName: this.db.table, Item, ConditionExpression: 'attribute_not_exists(pk)' },
    }));
    const items = [productionOrderEntity.putIfAt(this.db.table, change.order, expected), ...sets, history];
    // Cannot happen within MAX_GENERATED_BATCHES (see batchCodec.ts); refuse rather than split the plan.
    if (items.length > MAX_ITEMS_PER_CREATION || items.length > 100)
      throw new Error(`a batch creation needs ${items.length} items in one transaction`);
    await this.db.transact(items);
  }

  /** The order and the batch, read together (one round trip: a GetItem and a Query in parallel). */
  async getOrderAndBatch(
    orderId: string,
    batchId: string,
  ): Promise<{ order?: ProductionOrder; batch?: ProductionBatch; setKey?: { pk: string; sk: string } }> {
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
    return {
      order,
      batch: decodeBatch(batchId, orderId, stored, order.matrix, order.state),
      setKey: { pk: set.pk as string, sk: set.sk as string },
    };
  }

  /**
   * A batch move: 2 round trips (the order and the batch, then one transaction). `decide` makes the
   * change from them. The transaction: the order (version + 1, conditional on the version and state
   * read), the batch's entry in its set (conditional on the state it moves from), the batch's
   * history entry, the order's when its state changed too (the first start), and on a finish without a
   * passing latest inspection the check that the order's IQ template does not require one. Five items at most.
   * No order or batch: NotFoundError. Lost race: TransientConflict.
   */
  async transitionBatch(
    orderId: string,
    batchId: string,
    decide: (order: ProductionOrder, batch: ProductionBatch) => BatchChange,
  ): Promise<BatchChange> {
    const { order, batch, setKey } = await this.getOrderAndBatch(orderId, batchId);
    if (!order) throw new NotFoundError('Production order', orderId);
    if (!batch || !setKey) throw new NotFoundError('Production batch', batchId);
    const change = decide(order, batch);
    const next = change.order;
    const items: TransactItem[] = [
      productionOrderEntity.putIfAt(this.db.table, next, order),
      {
        Update: {
          TableName: this.db.table,
          Key: setKey,
          UpdateExpression: 'SET #b.#id = :batch',
          ConditionExpression: '#b.#id.#state = :from',
          ExpressionAttributeNames: { '#b': 'batches', '#id': change.batch.id, '#state': 'state' },
          ExpressionAttributeValues: { ':batch': encodeBatch(change.batch, next.matrix), ':from': batch.state },
        },
      },
      this.store.historyPut(
        'ProductionBatch',
        change.batch.id,
        next.id,
        change.history,
        this.links(next, change.batch.id),
        next.version,
      ),
    ];
    if (change.orderHistory) {
      items.push(
        this.store.historyPut('ProductionOrder', next.id, next.id, change.orderHistory, this.store.orderLinks(next)),
      );
    }
    // The first start moves the order to InProgress: its requirement follows (nothing otherwise).
    items.push(...(await this.store.requirements.forChange(next, order)));
    // The inspection gate (shared/quality.ts), without a read: unless the batch's latest inspection
    // passed, a finish checks in the same transaction that the order's template does not require one.
    const gated = change.batch.state === 'Finished' && order.iqTemplate && batch.inspection?.result !== 'pass';
    const gate = gated ? items.push(inspectionGate(this.db.table, order.iqTemplate!)) - 1 : -1;
    await this.db.transact(items).catch((err) => {
      if (err instanceof ConditionFailed && err.index === gate) {
        const template = err.current ? iqTemplateEntity.decode(err.current) : undefined;
        assertInspectionAllowsFinish(template, batch.inspection ? [batch.inspection] : []);
        throw new TransientConflict(); // the template changed meanwhile: decide again
      }
      return lostRace(err);
    });
    return change;
  }

  /**
   * A page of the order's batches in id order, with the order, eventually consistent (nothing is
   * decided from it). The first page: 1 Query from the order's item (#ENTITY) to its last batch set
   * (the order's requirement items sort between them and are read along). A later page: the order
   * and the sets after the cursor, 2 requests in parallel. One more Query per 1 MB of sets.
   */
  async list(orderId: string, q: ListQuery): Promise<{ order?: ProductionOrder; page: Page<ProductionBatch> }> {
    const index = `batches:${orderId}`;
    const after = decodeCursor(index, q.cursor)?.after as string | undefined;
    const from = after ? batchSetSk(after) : ENTITY_SK;
    const readSets = async (start?: Item) =>
      this.db.query({
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': keys.entity(orderId).pk, ':from': from, ':to': BATCH_END },
        // Every set holds at least one batch: limit + 1 sets hold enough for a page and to know there is
        // more (+ the order's own items on the first page: #ENTITY, #REQ, #REQBOM).
        Limit: q.limit + 1 + (after ? 0 : 3),
        ExclusiveStartKey: start,
      });
    const [first, readOrder] = after
      ? await Promise.all([readSets(), this.store.readOrder(orderId)])
      : [await readSets(), undefined];
    const orderItem = after ? undefined : first.items.find((it) => it.sk === ENTITY_SK);
    const order = after ? readOrder : orderItem && productionOrderEntity.decode(orderItem);
    if (!order) return { page: { items: [], nextCursor: null } };
    first.items = first.items.filter((it) => String(it.sk).startsWith(BATCH_PREFIX));
    const sets = [...first.items];
    let lastKey = first.lastKey;
    const collect = () =>
      batchSetEntity
        .batches(sets, orderId, order.matrix, order.state)
        .filter((b) => !after || seqOf(b.id) > seqOf(after));
    let batches = collect();
    while (batches.length <= q.limit && lastKey) {
      const more = await readSets(lastKey);
      sets.push(...more.items.filter((it) => String(it.sk).startsWith(BATCH_PREFIX)));
      lastKey = more.lastKey;
      batches = collect();
    }
    const items = batches.slice(0, q.limit);
    const hasMore = batches.length > q.limit || lastKey !== undefined;
    return {
      order,
      page: {
        items,
        nextCursor: hasMore && items.length ? encodeCursor(index, { after: items[items.length - 1].id }) : null,
      },
    };
  }
}
