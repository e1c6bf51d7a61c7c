// Stock in the single table: one item per style (entities.ts: stockEntity, the grid codec), and
// the use-cases of the stock push and the replenishment job.
import type { Stock } from '../../shared/stock.js';
import { OPEN_STATES } from '../../shared/productionOrder.js';
import type { FactorySettings, OrderState, ProductionOrder, TechPack } from '../../shared/types.js';
import { mapLimit } from './concurrency.js';
import { ConditionFailed, TransientConflict, type Item, type TransactItem } from './db.js';
import { ifAt } from './entity.js';
import {
  decodeSettings,
  emptyStock,
  productionOrderEntity,
  stockEntity,
  techPackEntity,
  type StockWrite,
} from './entities.js';
import { keys, stockStateKey, techPackKey } from './keys.js';
import { partitionsOf, queryShards, SHARDS } from './shards.js';
import type { Store } from './store.js';

/**
 * Styles with a low cell per page of the replenishment job: ids, ~100 bytes each in the index, so a
 * shard's Query stays near DynamoDB's 1 MB page; 2,000 low styles are one round of Queries.
 */
export const LOW_STYLES_PAGE = 5_000;

export { GRID_COMPRESS_AT, decodeStockGrid, encodeStockGrid, type StoredGrid } from './entities.js';

/** How one replenishment order's transaction ended. */
export type ReplenishmentOutcome =
  | { kind: 'created'; order: ProductionOrder }
  /** The stock moved on or another run claimed the style: `current` is the stock as it stands. */
  | { kind: 'claimLost'; current?: Stock }
  /** Another transaction touched the same items at the same moment: worth another try. */
  | { kind: 'collided' }
  | { kind: 'failed'; error: unknown };

export class StockStore {
  constructor(readonly store: Store) {}

  private get db() {
    return this.store.db;
  }

  decode(item: Item): Stock {
    return stockEntity.decode(item);
  }

  static empty(techPackId: string): Stock {
    return emptyStock(techPackId);
  }

  /** 1 round trip (BatchGet): the style's stock (if any was pushed) and its tech pack. */
  async getWithTechPack(techPackId: string): Promise<{ stock?: Stock; techPack?: TechPack }> {
    const items = await this.db.getMany([keys.stock(techPackId), keys.entity(techPackId)]);
    const s = items.find((it) => it.pk === keys.stock(techPackId).pk);
    const tp = items.find((it) => it.pk === keys.entity(techPackId).pk);
    return { stock: s ? this.decode(s) : undefined, techPack: tp ? techPackEntity.decode(tp) : undefined };
  }

  /**
   * 1 round trip: replaces the style's cells (not its replenishment marker). With `expectedVersion`
   * (If-Match) the write only happens at that version (0: no stock yet); VersionMismatch otherwise.
   */
  async put(args: StockWrite & { expectedVersion?: number }): Promise<Stock> {
    const { techPack, expectedVersion } = args;
    const attrs = this.attributes(args);
    const names = Object.keys(attrs);
    const removed = attrs.gridZ ? 'grid' : 'gridZ';
    const values: Record<string, unknown> = { ':zero': 0, ':one': 1 };
    names.forEach((n, i) => (values[`:a${i}`] = attrs[n]));
    const condition = expectedVersion === undefined ? undefined : ifAt({ version: expectedVersion });
    Object.assign(values, condition?.ExpressionAttributeValues);
    try {
      const out = await this.db.update({
        Key: keys.stock(techPack.id),
        // Every attribute of the push, the version bumped; the replenishment marker is left as it is.
        UpdateExpression: `SET ${names.map((_, i) => `#a${i} = :a${i}`).join(', ')}, version = if_not_exists(version, :zero) + :one REMOVE ${removed}`,
        ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#a${i}`, n])),
        ExpressionAttributeValues: values,
        ...(condition ? { ConditionExpression: condition.ConditionExpression } : {}),
        ReturnValues: 'ALL_NEW',
      });
      return this.decode(out!);
    } catch (err) {
      if (err instanceof ConditionFailed) {
        throw new StockVersionMismatch(err.current ? this.decode(err.current) : StockStore.empty(techPack.id));
      }
      throw err;
    }
  }

  /** A whole new stock item (version 1, no marker), for bulk loads with BatchWrite. */
  newItem(args: StockWrite): Item {
    return { ...stockEntity.item(args), version: 1 };
  }

  /** What a push writes: the index attributes, the encoded grid, counts, who and when (not the key). */
  private attributes(args: StockWrite): Item {
    const { pk: _pk, sk: _sk, ...attrs } = stockEntity.item(args);
    return attrs;
  }

  // ---- what the replenishment job needs -------------------------------------------------------

  /**
   * 1 round of parallel Queries per page (one per `STOCK#Low#<shard>`): up to LOW_STYLES_PAGE styles with
   * a low cell (ids only; the index is eventually consistent). `startKey`: the last page's `lastKey`.
   */
  async lowStylesPage(startKey?: string): Promise<{ techPackIds: string[]; lastKey?: string }> {
    const page = await queryShards(this.db, {
      index: 'byState',
      partitionKey: 'stateKey',
      partitions: partitionsOf(stockStateKey(true), SHARDS.Stock),
      sortKey: 'seq',
      forward: true,
      limit: LOW_STYLES_PAGE,
      cursor: startKey,
      scope: 'lowStyles',
      projection: ['techPackId'],
    });
    return { techPackIds: page.items.map((it) => it.techPackId as string), lastKey: page.nextCursor ?? undefined };
  }

  /**
   * Strongly consistent reads of the stock and tech pack of each style, and with `withSettings` the
   * factory settings in the same BatchGets: ceil((2 x styles + 1) / 100) of them, in parallel.
   */
  async loadStyles(
    techPackIds: string[],
    withSettings = false,
  ): Promise<{ stocks: Map<string, Stock>; techPacks: Map<string, TechPack>; settings?: FactorySettings }> {
    const wanted = techPackIds.flatMap((id) => [keys.stock(id), keys.entity(id)]);
    if (withSettings) wanted.push(keys.settings());
    const items = await this.getAll(wanted);
    const stocks = new Map<string, Stock>();
    const techPacks = new Map<string, TechPack>();
    let settings: Item | undefined;
    for (const it of items) {
      if (it.type === 'Stock') stocks.set(it.techPackId as string, this.decode(it));
      else if (it.type === 'TechPack') techPacks.set(it.id as string, techPackEntity.decode(it));
      else if (it.pk === keys.settings().pk && it.sk === keys.settings().sk) settings = it;
    }
    return { stocks, techPacks, ...(withSettings ? { settings: decodeSettings(settings) } : {}) };
  }

  /** ceil(ids / 100) BatchGets (strongly consistent): the state of each order that exists. */
  async orderStates(orderIds: string[]): Promise<Map<string, OrderState>> {
    const items = await this.getAll(orderIds.map((id) => keys.entity(id)));
    return new Map(items.map((it) => [it.id as string, it.state as OrderState]));
  }

  /**
   * The style's production orders in an open state: their ids from the byTechPack index (every page;
   * 1 round trip per 1 MB of summaries), then the orders themselves (their matrices: the index
   * projects summaries only), ceil(n / 100) BatchGets. The index is eventually consistent: an order
   * created a moment ago may be missing.
   */
  async openOrdersOfStyle(techPackId: string): Promise<ProductionOrder[]> {
    const values: Record<string, unknown> = { ':v': techPackKey('ProductionOrder', techPackId) };
    OPEN_STATES.forEach((s, i) => (values[`:s${i}`] = s));
    const ids = await this.db.queryAll({
      IndexName: 'byTechPack',
      KeyConditionExpression: 'techPackKey = :v',
      FilterExpression: `#state IN (${OPEN_STATES.map((_, i) => `:s${i}`).join(', ')})`,
      ProjectionExpression: 'id',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: values,
    });
    if (ids.length === 0) return [];
    const items = await this.getAll(ids.map((it) => keys.entity(it.id as string)));
    const byId = new Map(items.map((it) => [it.id as string, productionOrderEntity.decode(it)]));
    // Index order (oldest first), only those still open when read by key.
    return ids
      .map((it) => byId.get(it.id as string))
      .filter((o): o is ProductionOrder => o !== undefined && (OPEN_STATES as readonly string[]).includes(o.state));
  }

  /** BatchGets of 100 keys (strongly consistent), in parallel. */
  async getAll(wanted: { pk: string; sk: string }[]): Promise<Item[]> {
    return this.db.getMany(wanted);
  }

  /**
   * Replenishment orders, one transaction each (at most `concurrency` in flight) after one counter
   * update for all their ids. `build` makes the order from its id (it may throw: `failed`). Each
   * transaction: the order, its history (outbox), and the stock's marker pointed at the order, on
   * condition that the stock is still the version the order was computed from and the marker still
   * is what the run saw (nothing, or a finished order). Of two runs, one wins (`claimLost`).
   */
  async createReplenishmentOrders(
    plans: readonly { stock: Stock; techPack: TechPack; build: (orderId: string) => ProductionOrder }[],
    concurrency: number,
  ): Promise<ReplenishmentOutcome[]> {
    const outcomes: ReplenishmentOutcome[] = [];
    if (plans.length === 0) return outcomes;
    const orderIds = await this.db.nextIds('ProductionOrder', plans.length);
    await mapLimit(plans, concurrency, async ({ stock, techPack, build }, i) => {
      let claimAt = -1;
      try {
        const order = build(orderIds[i]);
        const claim = this.claimItem(stock, order.id, order.createdAt);
        const items = [...this.store.orderCreation(order, techPack), claim];
        claimAt = items.indexOf(claim);
        await this.db.transact(items);
        outcomes[i] = { kind: 'created', order };
      } catch (err) {
        if (err instanceof ConditionFailed && err.index === claimAt) {
          outcomes[i] = { kind: 'claimLost', current: err.current && this.decode(err.current) };
        } else if (err instanceof TransientConflict) outcomes[i] = { kind: 'collided' };
        else outcomes[i] = { kind: 'failed', error: err };
      }
    });
    return outcomes;
  }

  private claimItem(stock: Stock, orderId: string, at: string): TransactItem {
    const previous = stock.openReplenishmentOrderId;
    return {
      Update: {
        TableName: this.db.table,
        Key: keys.stock(stock.techPackId),
        UpdateExpression: 'SET openReplenishmentOrderId = :id, replenishedAt = :at',
        ConditionExpression: `version = :v AND ${previous ? 'openReplenishmentOrderId = :prev' : 'attribute_not_exists(openReplenishmentOrderId)'}`,
        ExpressionAttributeValues: {
          ':id': orderId,
          ':at': at,
          ':v': stock.version,
          ...(previous ? { ':prev': previous } : {}),
        },
      },
    };
  }
}

/** The stock was not at the version the caller expected (If-Match). */
export class StockVersionMismatch extends Error {
  constructor(readonly current: Stock) {
    super('StockVersionMismatch');
  }
}
