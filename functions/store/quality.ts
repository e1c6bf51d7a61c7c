// IQ templates and batch inspections in and out of the table (keys: keys.ts; declarations: entities.ts).
// An inspection is written like a batch move (batches.ts): one transaction with the order (version + 1,
// conditional on the version and state read), the batch's entry in its set (conditional on its state and
// inspection count), the inspection item and the batch's history entry (its event: ProductionBatch.Inspected).
import type { ProductionBatch } from '../../shared/batches.js';
import { ConflictError, NotFoundError } from '../../shared/errors.js';
import type { InspectionChange, InspectionRecord, IqTemplateRecord } from '../../shared/quality.js';
import type { Page, ProductionOrder } from '../../shared/types.js';
import { encodeBatch } from './batchCodec.js';
import { BatchStore } from './batches.js';
import { ConditionFailed, decodeCursor, encodeCursor, type TransactItem } from './db.js';
import { inspectionEntity, iqTemplateEntity, productionOrderEntity } from './entities.js';
import { inspectionsSkPrefix, keys } from './keys.js';
import { partitionsOf, queryShards, SHARDS } from './shards.js';
import { type ListQuery, lostRace, type Store, VersionConflict } from './store.js';

export interface BatchInspectionContext {
  order: ProductionOrder;
  batch: ProductionBatch;
  /** The order's template; undefined when it names none or one that does not exist. */
  template?: IqTemplateRecord;
}

export class QualityStore {
  private readonly batches: BatchStore;

  constructor(readonly store: Store) {
    this.batches = new BatchStore(store);
  }

  private get db() {
    return this.store.db;
  }

  // ---- templates ----

  /** 1 round trip. A code already taken: 409 IQ_TEMPLATE_EXISTS. */
  async createTemplate(template: IqTemplateRecord): Promise<void> {
    await this.db.transact([iqTemplateEntity.putNew(this.db.table, template)]).catch((err) => {
      if (err instanceof ConditionFailed) {
        throw new ConflictError('IQ_TEMPLATE_EXISTS', `IQ template ${template.code} already exists`, {
          code: template.code,
        });
      }
      throw err;
    });
  }

  async getTemplate(code: string): Promise<IqTemplateRecord | undefined> {
    const item = await this.db.get(keys.iqTemplate(code));
    return item ? iqTemplateEntity.decode(item) : undefined;
  }

  /** Replaces the template if it is still at `expectedVersion` (If-Match): VersionConflict otherwise. */
  async saveTemplate(template: IqTemplateRecord, expectedVersion: number): Promise<void> {
    const put = iqTemplateEntity.putIfAt(this.db.table, template, { version: expectedVersion });
    await this.db.transact([put]).catch((err) => {
      if (err instanceof ConditionFailed) {
        throw new VersionConflict(err.current && iqTemplateEntity.decode(err.current));
      }
      throw err;
    });
  }

  /** Newest first, from the byType index (one round trip per page per shard: SHARDS.IqTemplate). */
  async listTemplates(q: ListQuery): Promise<Page<IqTemplateRecord>> {
    const page = await queryShards(this.db, {
      index: 'byType',
      partitionKey: 'typeKey',
      partitions: partitionsOf('IqTemplate', SHARDS.IqTemplate),
      sortKey: 'seq',
      limit: q.limit,
      cursor: q.cursor,
      scope: 'iqTemplates',
    });
    return { items: page.items.map((it) => iqTemplateEntity.decode(it)), nextCursor: page.nextCursor };
  }

  // ---- a batch's plan and inspections ----

  /**
   * The order, the batch and the order's template. 2 round trips: the order and the batch (in parallel),
   * then the template the order names. No order or batch: NotFoundError.
   */
  async getBatchWithTemplate(orderId: string, batchId: string): Promise<BatchInspectionContext> {
    const { order, batch, setKey } = await this.batches.getOrderAndBatch(orderId, batchId);
    if (!order) throw new NotFoundError('Production order', orderId);
    if (!batch || !setKey) throw new NotFoundError('Production batch', batchId);
    const template = order.iqTemplate ? await this.getTemplate(order.iqTemplate) : undefined;
    return { order, batch, template };
  }

  /**
   * Records an inspection `decide` makes from the order, the batch and the template. 3 round trips: the
   * order and the batch, the template, one transaction (the order conditional on its version and state, the
   * batch's entry on its state and inspection count, the new inspection, the history entry with its event).
   * Lost race: TransientConflict (the request runs again on fresh data).
   */
  async recordInspection(
    orderId: string,
    batchId: string,
    decide: (ctx: BatchInspectionContext) => InspectionChange,
  ): Promise<InspectionChange> {
    const { order, batch, setKey } = await this.batches.getOrderAndBatch(orderId, batchId);
    if (!order) throw new NotFoundError('Production order', orderId);
    if (!batch || !setKey) throw new NotFoundError('Production batch', batchId);
    const template = order.iqTemplate ? await this.getTemplate(order.iqTemplate) : undefined;
    const change = decide({ order, batch, template });
    const next = change.order;
    const count = batch.inspection?.count;
    const items: TransactItem[] = [
      productionOrderEntity.putIfAt(this.db.table, next, order),
      {
        Update: {
          TableName: this.db.table,
          Key: setKey,
          UpdateExpression: 'SET #b.#id = :batch',
          ConditionExpression:
            count === undefined
              ? '#b.#id.#state = :from AND attribute_not_exists(#b.#id.#insp)'
              : '#b.#id.#state = :from AND #b.#id.#insp.#count = :count',
          ExpressionAttributeNames: {
            '#b': 'batches',
            '#id': batch.id,
            '#state': 'state',
            '#insp': 'inspection',
            ...(count === undefined ? {} : { '#count': 'count' }),
          },
          ExpressionAttributeValues: {
            ':batch': encodeBatch(change.batch, next.matrix),
            ':from': batch.state,
            ...(count === undefined ? {} : { ':count': count }),
          },
        },
      },
      inspectionEntity.putNew(this.db.table, change.record),
      this.store.historyPut(
        'ProductionBatch',
        batch.id,
        next.id,
        change.history,
        { ...this.store.orderLinks(next), batchId: batch.id },
        next.version,
      ),
    ];
    await this.db.transact(items).catch(lostRace);
    return change;
  }

  /**
   * A page of a batch's inspections, oldest first: 1 round trip (one more, to tell an unknown order or batch
   * from one not inspected yet, when the first page is empty).
   */
  async listInspections(orderId: string, batchId: string, q: ListQuery): Promise<Page<InspectionRecord>> {
    const index = `inspections:${orderId}:${batchId}`;
    const page = await this.db.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': keys.entity(orderId).pk, ':p': inspectionsSkPrefix(batchId) },
      Limit: q.limit,
      ExclusiveStartKey: decodeCursor(index, q.cursor),
      ConsistentRead: true,
    });
    if (page.items.length === 0 && !q.cursor) {
      const { order, batch } = await this.batches.getOrderAndBatch(orderId, batchId);
      if (!order) throw new NotFoundError('Production order', orderId);
      if (!batch) throw new NotFoundError('Production batch', batchId);
    }
    return {
      items: page.items.map((it) => inspectionEntity.decode(it)),
      nextCursor: encodeCursor(index, page.lastKey),
    };
  }
}
