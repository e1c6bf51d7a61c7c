// The store: entities in and out of the single table. Each method is one round trip unless its
// comment says otherwise; every write that depends on what was read is conditional on `version`.
import { eventFor, type EventLinks } from '../../shared/events.js';
import type {
  FactorySettings, HistoryEntry, Page, ProductionOrder, Role, TechPack, TechPackState,
} from '../../shared/types.js';
import { withOrderDefaults, type BatchSummary } from '../../shared/productionOrder.js';
import { decodeMatrix, decodeQuantities, decodeSettings, decodeTechPack, encodeMatrix, encodeQuantities, inOrder, ORDER_FIELDS, withoutKeys, type StoredMatrix, type StoredQuantities } from './codec.js';
import { summariesOfSets } from './batchCodec.js';
import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ConditionFailed, Db, decodeCursor, encodeCursor, type Item, type TransactItem } from './db.js';
import { BATCH_PREFIX, ENTITY_SK, HISTORY_PREFIX, keys, seqOf, stateKey, techPackKey } from './keys.js';

export interface ListQuery {
  limit: number;
  cursor?: string;
}

/** The entity was no longer at the version the write expected; `current` is how it stands now. */
export class VersionConflict<T> extends Error {
  constructor(readonly current: T | undefined) {
    super('VersionConflict');
  }
}

type HistoryKind = 'ProductionOrder' | 'ProductionBatch' | 'TechPack' | 'SalesOrder';

export class Store {
  constructor(readonly db: Db) {}

  // ---- history and the outbox ----

  /**
   * The history entry of a change, written in the change's own transaction; it carries the event.
   * A batch's entry sits in its order's partition under `orderVersion`, the order version the same
   * write produced (every batch write bumps the order), so the order's history lists it in time order.
   */
  historyPut(kind: HistoryKind, entityId: string, partitionOf: string, entry: HistoryEntry, links: EventLinks, orderVersion?: number): TransactItem {
    const event = eventFor(kind, entityId, entry, links);
    const sk = kind === 'ProductionBatch' ? keys.batchHistory(partitionOf, orderVersion ?? entry.version, entityId).sk : keys.history(partitionOf, entry.version).sk;
    return {
      Put: {
        TableName: this.db.table,
        Item: { pk: keys.entity(partitionOf).pk, sk, kind: 'History', entity: kind, entityId, ...entry, ...(event ? { event } : {}) },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  async listHistory(entityId: string, q: ListQuery): Promise<Page<HistoryEntry>> {
    const index = `history:${entityId}`;
    const page = await this.db.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :h)',
      ExpressionAttributeValues: { ':pk': keys.entity(entityId).pk, ':h': HISTORY_PREFIX },
      Limit: q.limit,
      ExclusiveStartKey: decodeCursor(index, q.cursor),
    });
    return {
      items: page.items.map((it) => {
        const { at, actor, action, from, to, version, reason, details, entityId: subject } = it as Item & HistoryEntry & { entityId: string };
        return { at, actor, action, from, to, version, ...(reason ? { reason } : {}), ...(details !== undefined ? { details } : {}), ...(subject !== entityId ? { subject } : {}) } as HistoryEntry;
      }),
      nextCursor: encodeCursor(index, page.lastKey),
    };
  }

  // ---- settings ----

  async getSettings(): Promise<FactorySettings> {
    return decodeSettings(await this.db.get(keys.settings()));
  }

  async putSettings(next: FactorySettings, expectedVersion: number): Promise<void> {
    await this.db.transact([{
      Put: {
        TableName: this.db.table,
        Item: { ...keys.settings(), ...next, version: expectedVersion + 1 },
        ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
        ExpressionAttributeValues: expectedVersion === 0 ? undefined : { ':v': expectedVersion },
      },
    }]);
  }

  // ---- tech packs ----

  private techPackItem(tp: TechPack): Item {
    return { ...keys.entity(tp.id), type: 'TechPack', seq: seqOf(tp.id), stateKey: stateKey('TechPack', tp.state), ...tp };
  }

  async getTechPack(id: string): Promise<TechPack | undefined> {
    const item = await this.db.get(keys.entity(id));
    return item ? decodeTechPack(item) : undefined;
  }

  /** The tech pack and the factory settings in one round trip. */
  async getTechPackAndSettings(id: string): Promise<{ techPack?: TechPack; settings: FactorySettings }> {
    const items = await this.db.getMany([keys.entity(id), keys.settings()]);
    const tp = items.find((it) => it.pk === keys.entity(id).pk);
    const st = items.find((it) => it.pk === keys.settings().pk);
    return {
      techPack: tp ? decodeTechPack(tp) : undefined,
      settings: decodeSettings(st),
    };
  }

  async createTechPack(tp: TechPack, history: HistoryEntry): Promise<void> {
    await this.db.transact([
      { Put: { TableName: this.db.table, Item: this.techPackItem(tp), ConditionExpression: 'attribute_not_exists(pk)' } },
      this.historyPut('TechPack', tp.id, tp.id, history, { techPackId: tp.id }),
    ]);
  }

  /** Replaces the tech pack if it is still at `expectedVersion`. */
  async saveTechPack(tp: TechPack, expectedVersion: number, history: HistoryEntry): Promise<void> {
    await this.db
      .transact([
        { Put: { TableName: this.db.table, Item: this.techPackItem(tp), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expectedVersion } } },
        this.historyPut('TechPack', tp.id, tp.id, history, { techPackId: tp.id }),
      ])
      .catch((err) => {
        if (err instanceof ConditionFailed && err.index === 0) throw new VersionConflict(err.current && decodeTechPack(err.current));
        throw err;
      });
  }

  async listTechPacks(q: ListQuery & { state?: TechPackState }): Promise<Page<TechPack>> {
    return this.listEntities('TechPack', q, decodeTechPack);
  }

  /**
   * One page of an entity kind, newest first, from the index that answers the question: by tech
   * pack (state filtered within it), by state, or all of the kind. Never a Scan.
   */
  async listEntities<T>(kind: 'TechPack' | 'ProductionOrder' | 'SalesOrder', q: ListQuery & { state?: string; techPackId?: string }, decode: (item: Item) => T): Promise<Page<T>> {
    let input: Omit<QueryCommandInput, 'TableName'>;
    if (q.techPackId) {
      input = {
        IndexName: 'byTechPack',
        KeyConditionExpression: 'techPackKey = :v',
        ExpressionAttributeValues: { ':v': techPackKey(kind, q.techPackId), ...(q.state ? { ':s': q.state } : {}) },
        ...(q.state ? { FilterExpression: '#state = :s', ExpressionAttributeNames: { '#state': 'state' } } : {}),
      };
    } else if (q.state) {
      input = { IndexName: 'byState', KeyConditionExpression: 'stateKey = :v', ExpressionAttributeValues: { ':v': stateKey(kind, q.state) } };
    } else {
      input = { IndexName: 'byType', KeyConditionExpression: '#t = :v', ExpressionAttributeNames: { '#t': 'type' }, ExpressionAttributeValues: { ':v': kind } };
    }
    const cursorScope = `${kind}:${input.IndexName}`;
    const page = await this.db.query({ ...input, ScanIndexForward: false, Limit: q.limit, ExclusiveStartKey: decodeCursor(cursorScope, q.cursor) });
    return { items: page.items.map(decode), nextCursor: encodeCursor(cursorScope, page.lastKey) };
  }

  // ---- production orders ----

  orderItem(o: ProductionOrder): Item {
    const { matrix, progress, ...rest } = o;
    return {
      ...keys.entity(o.id),
      type: 'ProductionOrder',
      seq: seqOf(o.id),
      stateKey: stateKey('ProductionOrder', o.state),
      techPackKey: techPackKey('ProductionOrder', o.techPackId),
      ...rest,
      matrix: encodeMatrix(matrix),
      // Packed (packed.ts): with the text matrix, a 20,000-cell order with full progress stays under 400 KB.
      progress: {
        batched: encodeQuantities(progress.batched.quantities),
        produced: encodeQuantities(progress.produced.quantities),
        rejected: encodeQuantities(progress.rejected.quantities),
        // issue 11 (missing pieces): '' while none, like the others.
        missing: encodeQuantities(progress.missing.quantities),
      },
    };
  }

  decodeOrder(item: Item): ProductionOrder {
    type StoredProgress = Record<'batched' | 'produced' | 'rejected' | 'missing', StoredQuantities>;
    const raw = withoutKeys(item) as Item & { matrix: StoredMatrix; progress: StoredProgress };
    const matrix = decodeMatrix(raw.matrix);
    const shaped = (q: StoredQuantities) => ({ sizes: matrix.sizes, colors: matrix.colors, quantities: decodeQuantities(q, matrix.colors.length, matrix.sizes.length) });
    // issue 11: orders stored before `missing` read none.
    const { batched, produced, rejected, missing = '' } = raw.progress;
    // issue 11: withOrderDefaults fills tolerance.scope and batchPlan.extraCutPct of orders stored before them.
    return withOrderDefaults(inOrder<ProductionOrder>(
      {
        ...raw, matrix,
        progress: {
          batched: shaped(batched), produced: shaped(produced), rejected: shaped(rejected), missing: shaped(missing),
        },
      },
      ORDER_FIELDS,
    ));
  }

  orderLinks(o: ProductionOrder): EventLinks {
    return { orderId: o.id, techPackId: o.techPackId, ...(o.source.type === 'salesOrder' ? { salesOrderId: o.source.salesOrderId } : {}) };
  }

  async getOrder(id: string): Promise<ProductionOrder | undefined> {
    const item = await this.db.get(keys.entity(id));
    return item ? this.decodeOrder(item) : undefined;
  }

  /** The order and a summary of its batches (from their batch sets), in one Query (they share a partition; history sorts after). */
  async getOrderWithBatches(id: string): Promise<{ order?: ProductionOrder; batches: BatchSummary[]; batchItems: Item[] }> {
    const items = await this.db.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk < :h',
      ExpressionAttributeValues: { ':pk': keys.entity(id).pk, ':h': HISTORY_PREFIX },
      ConsistentRead: true,
    });
    const orderItem = items.find((it) => it.sk === ENTITY_SK);
    const batchItems = items.filter((it) => String(it.sk).startsWith(BATCH_PREFIX));
    const order = orderItem ? this.decodeOrder(orderItem) : undefined;
    return {
      order,
      batches: order ? summariesOfSets(batchItems, order.id, order.matrix, order.state) : [],
      batchItems,
    };
  }

  async createOrder(order: ProductionOrder, history: HistoryEntry, extra: TransactItem[] = []): Promise<void> {
    await this.db.transact([
      { Put: { TableName: this.db.table, Item: this.orderItem(order), ConditionExpression: 'attribute_not_exists(pk)' } },
      this.historyPut('ProductionOrder', order.id, order.id, history, this.orderLinks(order)),
      ...extra,
    ]);
  }

  /**
   * Replaces the order if it is still at `expected` (version and state), with its history entry,
   * optionally checking the tech pack's state in the same transaction. VersionConflict: the order
   * moved on (how it stands now attached); ConditionFailed: another item's condition failed.
   */
  async saveOrder(
    order: ProductionOrder,
    expected: { version: number; state: string },
    history: HistoryEntry,
    opts: { techPackState?: TechPackState; extra?: TransactItem[] } = {},
  ): Promise<void> {
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.db.table,
          Item: this.orderItem(order),
          ConditionExpression: 'version = :v AND #state = :s',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':v': expected.version, ':s': expected.state },
        },
      },
      this.historyPut('ProductionOrder', order.id, order.id, history, this.orderLinks(order)),
    ];
    if (opts.techPackState) {
      items.push({
        ConditionCheck: {
          TableName: this.db.table,
          Key: keys.entity(order.techPackId),
          ConditionExpression: '#state = :tps',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':tps': opts.techPackState },
        },
      });
    }
    await this.db.transact([...items, ...(opts.extra ?? [])]).catch((err) => {
      if (err instanceof ConditionFailed && err.index === 0) throw new VersionConflict(err.current && this.decodeOrder(err.current));
      throw err;
    });
  }

  async listOrders(q: ListQuery & { state?: string; techPackId?: string }): Promise<Page<ProductionOrder>> {
    return this.listEntities('ProductionOrder', q, (item) => this.decodeOrder(item));
  }

  // ---- role mappings (Google users have no roles claim: the admin maps emails to roles) ----

  async getRoleMapping(email: string): Promise<{ email: string; roles: Role[]; version: number } | undefined> {
    const item = await this.db.get(keys.roleMapping(email), false);
    return item ? (withoutKeys(item) as { email: string; roles: Role[]; version: number }) : undefined;
  }

  async putRoleMapping(email: string, roles: Role[], actor: string, now: string): Promise<{ email: string; roles: Role[]; updatedAt: string; updatedBy: string }> {
    const mapping = { email: email.toLowerCase(), roles, updatedAt: now, updatedBy: actor };
    // Last writer wins: a mapping is a whole statement of someone's roles, not a merge.
    await this.db.put({ ...keys.roleMapping(email), type: 'RoleMapping', seq: 0, ...mapping });
    return mapping;
  }

  async listRoleMappings(q: ListQuery): Promise<Page<{ email: string; roles: Role[] }>> {
    const index = 'roleMappings';
    const page = await this.db.query({
      IndexName: 'byType',
      KeyConditionExpression: '#t = :v',
      ExpressionAttributeNames: { '#t': 'type' },
      ExpressionAttributeValues: { ':v': 'RoleMapping' },
      Limit: q.limit,
      ExclusiveStartKey: decodeCursor(index, q.cursor),
    });
    return { items: page.items.map((it) => withoutKeys(it) as { email: string; roles: Role[] }), nextCursor: encodeCursor(index, page.lastKey) };
  }
}

/** Progress matrices: '' while all zero (as before), packed binary once anything is counted. */
