// Sales orders in the single table, and the one transaction that turns an Accepted sales order
// into a production order.
//
// The double-click guard: the sales order item carries `productionOrderIds` and `version`. Making a
// production order reads the sales order and its linked orders (strongly consistent), computes what
// remains, and writes in ONE transaction: the new order (+ its history/outbox item), the sales order
// with the new id appended (condition: still this version and Accepted), its history item, and a
// ConditionCheck per linked order that can still change (condition: still this version). Two racing
// calls read the same version: one commits, the other's condition fails and the handler reruns on
// fresh data, where the first order now holds the quantities (409 NOTHING_REMAINING). A linked order
// cancelled or edited in between fails its ConditionCheck the same way, so held quantities are never
// computed from a stale matrix. Cancelled orders hold nothing: their quantities come back by
// themselves, without writing to the sales order when an order is cancelled.
import type { EventLinks } from '../../shared/events.js';
import type { SalesOrder, SalesOrderState } from '../../shared/salesOrder.js';
import type { FactorySettings, HistoryEntry, Page, ProductionOrder, TechPack } from '../../shared/types.js';
import { decodeMatrix, decodeSettings, decodeTechPack, encodeMatrix, inOrder, withoutKeys, type StoredMatrix } from './codec.js';
import { ConditionFailed, type Item, type TransactItem } from './db.js';
import { keys, seqOf, stateKey, techPackKey } from './keys.js';
import { VersionConflict, type ListQuery, type Store } from './store.js';

const SALES_ORDER_FIELDS = [
  'id', 'customer', 'techPackId', 'styleCode', 'state', 'version', 'matrix', 'total', 'deliveryDate', 'notes', 'productionOrderIds',
  'createdAt', 'createdBy', 'updatedAt', 'updatedBy',
];

export class SalesOrderStore {
  constructor(readonly store: Store) {}

  private get db() {
    return this.store.db;
  }

  item(so: SalesOrder): Item {
    const { matrix, ...rest } = so;
    return {
      ...keys.entity(so.id),
      type: 'SalesOrder',
      seq: seqOf(so.id),
      stateKey: stateKey('SalesOrder', so.state),
      techPackKey: techPackKey('SalesOrder', so.techPackId),
      ...rest,
      matrix: encodeMatrix(matrix),
    };
  }

  decode(item: Item): SalesOrder {
    const raw = withoutKeys(item) as Item & { matrix: StoredMatrix };
    return inOrder<SalesOrder>({ ...raw, matrix: decodeMatrix(raw.matrix), productionOrderIds: (raw.productionOrderIds as string[] | undefined) ?? [] }, SALES_ORDER_FIELDS);
  }

  links(so: SalesOrder): EventLinks {
    return { salesOrderId: so.id, techPackId: so.techPackId };
  }

  /** 1 round trip. */
  async get(id: string): Promise<SalesOrder | undefined> {
    const item = await this.db.get(keys.entity(id));
    return item ? this.decode(item) : undefined;
  }

  /** 1 round trip: the sales order and its history/outbox item. */
  async create(so: SalesOrder, history: HistoryEntry): Promise<void> {
    await this.db.transact([
      { Put: { TableName: this.db.table, Item: this.item(so), ConditionExpression: 'attribute_not_exists(pk)' } },
      this.store.historyPut('SalesOrder', so.id, so.id, history, this.links(so)),
    ]);
  }

  private putIfAt(so: SalesOrder, expected: { version: number; state: SalesOrderState }): TransactItem {
    return {
      Put: {
        TableName: this.db.table,
        Item: this.item(so),
        ConditionExpression: 'version = :v AND #state = :s',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':v': expected.version, ':s': expected.state },
      },
    };
  }

  /** 1 round trip: replaces the sales order if still at `expected`, with its history/outbox item. */
  async save(so: SalesOrder, expected: { version: number; state: SalesOrderState }, history: HistoryEntry): Promise<void> {
    await this.db.transact([this.putIfAt(so, expected), this.store.historyPut('SalesOrder', so.id, so.id, history, this.links(so))]).catch((err) => {
      if (err instanceof ConditionFailed && err.index === 0) throw new VersionConflict(err.current && this.decode(err.current));
      throw err;
    });
  }

  /** 1 round trip (BatchGet, strongly consistent): linked production orders, the tech pack, the settings. */
  async loadForProductionOrder(so: SalesOrder): Promise<{ linked: ProductionOrder[]; techPack?: TechPack; settings: FactorySettings }> {
    const wanted = [...so.productionOrderIds.map((id) => keys.entity(id)), keys.entity(so.techPackId), keys.settings()];
    const items = await this.db.getMany(wanted);
    const byPk = new Map(items.map((it) => [it.pk as string, it]));
    const linked = so.productionOrderIds.map((id) => byPk.get(keys.entity(id).pk)).filter((it): it is Item => !!it).map((it) => this.store.decodeOrder(it));
    const tp = byPk.get(keys.entity(so.techPackId).pk);
    const st = byPk.get(keys.settings().pk);
    return { linked, techPack: tp ? decodeTechPack(tp) : undefined, settings: decodeSettings(st) };
  }

  /**
   * 1 round trip: the production order and the sales order's link in one transaction (see the top
   * of this file). Any failed condition means another request got there first: ConditionFailed.
   */
  async createProductionOrder(args: {
    order: ProductionOrder;
    orderHistory: HistoryEntry;
    salesOrder: SalesOrder;
    expectedVersion: number;
    salesOrderHistory: HistoryEntry;
    guard: { id: string; version: number }[];
  }): Promise<void> {
    const { order, orderHistory, salesOrder, expectedVersion, salesOrderHistory, guard } = args;
    await this.store.createOrder(order, orderHistory, [
      this.putIfAt(salesOrder, { version: expectedVersion, state: 'Accepted' }),
      this.store.historyPut('SalesOrder', salesOrder.id, salesOrder.id, salesOrderHistory, this.links(salesOrder)),
      ...guard.map((g): TransactItem => ({
        ConditionCheck: { TableName: this.db.table, Key: keys.entity(g.id), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': g.version } },
      })),
    ]);
  }

  /** 1 round trip per page. */
  async list(q: ListQuery & { state?: SalesOrderState; techPackId?: string }): Promise<Page<SalesOrder>> {
    return this.store.listEntities('SalesOrder', q, (item) => this.decode(item));
  }
}
