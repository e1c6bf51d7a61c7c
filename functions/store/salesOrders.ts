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
import { NotFoundError } from '../../shared/errors.js';
import { salesOrderCreatedEntry, type SalesOrder, type SalesOrderState } from '../../shared/salesOrder.js';
import type { FactorySettings, HistoryEntry, Page, ProductionOrder, TechPack } from '../../shared/types.js';
import type { Item, TransactItem } from './db.js';
import type { SalesOrderSummary } from '../../shared/schemas/resources.js';
import {
  decodeSalesOrderSummary,
  decodeSettings,
  productionOrderEntity,
  salesOrderEntity,
  techPackEntity,
} from './entities.js';
import { ifAt, type Expected } from './entity.js';
import { keys } from './keys.js';
import { lostRace, type ListQuery, type Store } from './store.js';

/** What a production order made from a sales order writes: the order, the link, the guarded orders. */
export interface SalesOrderProduction {
  order: ProductionOrder;
  /** The sales order with the new order linked, and the history entry of the link. */
  link: { salesOrder: SalesOrder; history: HistoryEntry };
  /** Linked orders that must still be at these versions (their matrices were counted). */
  guard: { id: string; version: number }[];
}

export class SalesOrderStore {
  constructor(readonly store: Store) {}

  private get db() {
    return this.store.db;
  }

  decode(item: Item): SalesOrder {
    return salesOrderEntity.decode(item);
  }

  links(so: SalesOrder): EventLinks {
    return { salesOrderId: so.id, techPackId: so.techPackId };
  }

  /** 1 round trip. */
  async get(id: string): Promise<SalesOrder | undefined> {
    const item = await this.db.get(keys.entity(id));
    return item ? this.decode(item) : undefined;
  }

  /** 2 round trips: the id, then the sales order `build` makes with it and its history/outbox item. */
  async create(build: (id: string) => SalesOrder): Promise<SalesOrder> {
    const [id] = await this.db.nextIds('SalesOrder');
    const so = build(id);
    await this.db.transact([
      salesOrderEntity.putNew(this.db.table, so),
      this.store.historyPut('SalesOrder', so.id, so.id, salesOrderCreatedEntry(so), this.links(so)),
    ]);
    return so;
  }

  /**
   * 1 round trip: replaces the sales order if still at `expected`, with its history/outbox item.
   * Lost race: TransientConflict.
   */
  async saveTransition(
    so: SalesOrder,
    expected: Expected & { state: SalesOrderState },
    history: HistoryEntry,
  ): Promise<void> {
    await this.db
      .transact([
        salesOrderEntity.putIfAt(this.db.table, so, expected),
        this.store.historyPut('SalesOrder', so.id, so.id, history, this.links(so)),
      ])
      .catch(lostRace);
  }

  /** 1 round trip (BatchGet, strongly consistent): linked production orders, the tech pack, the settings. */
  async loadForProductionOrder(
    so: SalesOrder,
  ): Promise<{ linked: ProductionOrder[]; techPack?: TechPack; settings: FactorySettings }> {
    const wanted = [...so.productionOrderIds.map((id) => keys.entity(id)), keys.entity(so.techPackId), keys.settings()];
    const items = await this.db.getMany(wanted);
    const byPk = new Map(items.map((it) => [it.pk as string, it]));
    const linked = so.productionOrderIds
      .map((id) => byPk.get(keys.entity(id).pk))
      .filter((it): it is Item => !!it)
      .map((it) => productionOrderEntity.decode(it));
    const tp = byPk.get(keys.entity(so.techPackId).pk);
    const st = byPk.get(keys.settings().pk);
    return { linked, techPack: tp ? techPackEntity.decode(tp) : undefined, settings: decodeSettings(st) };
  }

  /**
   * A production order from an Accepted sales order (`so`, as read): 3 round trips. The linked
   * orders, tech pack and settings (one BatchGet); `plan` decides from them what the new order
   * covers (it may refuse: NOTHING_REMAINING, before any id is taken); an order id; `build` makes
   * the order, the link and the guard; one transaction (see the top of this file). No tech pack:
   * NotFoundError. Any failed condition means another request got there first: TransientConflict.
   */
  async createProductionOrder<P>(
    so: SalesOrder,
    plan: (ctx: { linked: ProductionOrder[]; techPack: TechPack; settings: FactorySettings }) => P,
    build: (plan: P, ctx: { orderId: string; techPack: TechPack; settings: FactorySettings }) => SalesOrderProduction,
  ): Promise<ProductionOrder> {
    const { linked, techPack, settings } = await this.loadForProductionOrder(so);
    if (!techPack) throw new NotFoundError('Tech pack', so.techPackId);
    const decided = plan({ linked, techPack, settings });
    const [orderId] = await this.db.nextIds('ProductionOrder');
    const { order, link, guard } = build(decided, { orderId, techPack, settings });
    await this.db
      .transact([
        ...this.store.orderCreation(order, techPack),
        salesOrderEntity.putIfAt(this.db.table, link.salesOrder, { version: so.version, state: 'Accepted' }),
        this.store.historyPut('SalesOrder', so.id, so.id, link.history, this.links(link.salesOrder)),
        ...guard.map(
          (g): TransactItem => ({
            ConditionCheck: { TableName: this.db.table, Key: keys.entity(g.id), ...ifAt({ version: g.version }) },
          }),
        ),
      ])
      .catch(lostRace);
    return order;
  }

  /** 1 round of parallel Queries per page (one per shard): summaries, no matrix or notes. */
  async list(q: ListQuery & { state?: SalesOrderState; techPackId?: string }): Promise<Page<SalesOrderSummary>> {
    return this.store.listEntities('SalesOrder', q, decodeSalesOrderSummary);
  }
}
