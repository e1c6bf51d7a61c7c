// Orders made from another, each in ONE transaction with the change to the order they came from
// (shared/linkedOrders.ts decides; this file writes):
//   - split: the original with its matrix reduced (conditional on the version read: a batch creation
//     racing it on the same cells makes one of them run again on fresh data, so the cells are never
//     over-allocated), its history entry, its requirement recomputed; the new order, its `create`
//     entry (the Created event), its requirement from the original's requirement BOM and, when the
//     original has one, a copy of its materials BOM (#BOM: the release snapshot once released, so the
//     split's summary is pinned to it);
//   - backorder: the completion (conditional on version and state), its history entry and
//     requirement; the Draft backorder with its `create` entry and its requirement from the tech
//     pack's current BOM (like any new order).
// A sales order's production order passes the link on: the sales order lists the new order too
// (conditional on its version), so what its production orders cover stays right (an open order
// covers its matrix). Any failed condition: TransientConflict, the request runs again.
import { milestoneWrites } from './milestones.js';
import type { SalesOrderChange, SalesOrder } from '../../shared/salesOrder.js';
import type { Backorder, Split } from '../../shared/linkedOrders.js';
import type { BatchSummary, OrderTransition } from '../../shared/productionOrder.js';
import type { ProductionOrder, TechPack } from '../../shared/types.js';
import { NotFoundError } from '../../shared/errors.js';
import type { Item, TransactItem } from './db.js';
import {
  bomRecordEntity,
  productionOrderEntity,
  requirementBomEntity,
  salesOrderEntity,
  techPackEntity,
  type RequirementBom,
} from './entities.js';
import { keys } from './keys.js';
import { lostRace, type Store } from './store.js';

/** The new order's write: the order and its entry, the BOM its requirement uses, its #BOM copy. */
interface NewOrderWrite {
  order: ProductionOrder;
  history: Split['splitHistory'];
  requirementBom: Omit<RequirementBom, 'orderId' | 'bomVersion'>;
  /** The #BOM item of the original, to copy (split only). */
  bomRecord?: Item;
}

export class LinkedOrderStore {
  constructor(readonly store: Store) {}

  private get db() {
    return this.store.db;
  }

  /**
   * A split: 3 round trips (one BatchGet: the order, its #BOM and #REQBOM; the id counter and, for a
   * sales order's production order, the sales order, in parallel; the transaction). `check` decides
   * from the order as read before any id is taken (it may refuse); `make` builds the split with the
   * new id and the sales order link. No order: NotFoundError.
   */
  async split<M>(
    orderId: string,
    check: (order: ProductionOrder) => M,
    make: (
      order: ProductionOrder,
      checked: M,
      id: string,
      salesOrder?: SalesOrder,
    ) => Split & { link?: SalesOrderChange },
  ): Promise<Split> {
    const items = await this.db.getMany([keys.entity(orderId), keys.bomRecord(orderId), keys.requirementBom(orderId)]);
    const orderItem = items.find((it) => it.sk === keys.entity(orderId).sk);
    if (!orderItem) throw new NotFoundError('Production order', orderId);
    this.store.requirements.remember(orderId, items);
    const order = productionOrderEntity.decode(orderItem);
    const checked = check(order);
    const recordItem = items.find((it) => it.sk === keys.bomRecord(orderId).sk);
    const reqBomItem = items.find((it) => it.sk === keys.requirementBom(orderId).sk);
    const [[id], salesOrder, requirementBom] = await Promise.all([
      this.db.nextIds('ProductionOrder'),
      this.salesOrderOf(order),
      reqBomItem ? bomOf(requirementBomEntity.decode(reqBomItem)) : this.legacyRequirementBom(order, recordItem),
    ]);
    const split = make(order, checked, id, salesOrder);
    await this.commit(
      split,
      order,
      { order: split.split, history: split.splitHistory, requirementBom, bomRecord: recordItem },
      split.link,
    );
    return split;
  }

  /**
   * A completion that opens a backorder: 3 round trips (the order's partition Query: the order, its
   * batches, its #REQBOM; the tech pack, the id counter and the sales order, in parallel; the
   * transaction). `decide` makes the completion from the order and its batches and returns the
   * shortfall check's result (it may refuse before any id is taken); `make` the backorder.
   */
  async completeWithBackorder<D>(
    orderId: string,
    decide: (order: ProductionOrder, batches: BatchSummary[]) => D,
    make: (
      order: ProductionOrder,
      decided: D,
      id: string,
      salesOrder?: SalesOrder,
    ) => Backorder & { link?: SalesOrderChange },
  ): Promise<Backorder> {
    const { order, batches } = await this.store.getOrderWithBatches(orderId);
    if (!order) throw new NotFoundError('Production order', orderId);
    const decided = decide(order, batches);
    const [[id], salesOrder, techPack] = await Promise.all([
      this.db.nextIds('ProductionOrder'),
      this.salesOrderOf(order),
      this.store.getTechPack(order.techPackId),
    ]);
    if (!techPack) throw new NotFoundError('Tech pack', order.techPackId);
    const made = make(order, decided, id, salesOrder);
    const requirementBom = { bom: techPack.bom, bomRevision: techPack.bomRevision, pinned: false };
    await this.commit(
      made.completion,
      order,
      { order: made.backorder, history: made.backorderHistory, requirementBom },
      made.link,
    );
    return made;
  }

  /** The one transaction: the original's change, the new order, the sales order's link. */
  private async commit(
    change: Pick<OrderTransition, 'order' | 'history'>,
    before: ProductionOrder,
    created: NewOrderWrite,
    link: SalesOrderChange | undefined,
  ): Promise<void> {
    const table = this.db.table;
    const { order, history } = created;
    const items: TransactItem[] = [
      // The order as read (its milestones too): the milestone index follows the change (a completion drops them).
      ...this.store.orderChange(change.order, before, change.history),
      ...(await this.store.requirements.forChange(change.order, before)),
      productionOrderEntity.putNew(table, order),
      this.store.historyPut('ProductionOrder', order.id, order.id, history, this.store.orderLinks(order)),
      ...this.store.requirements.withBom(order, created.requirementBom, 0),
      ...milestoneWrites(table, order),
    ];
    if (created.bomRecord) {
      const record = bomRecordEntity.decode(created.bomRecord);
      items.push(bomRecordEntity.putNew(table, { orderId: order.id, ...record }));
    }
    if (link) {
      const so = link.salesOrder;
      items.push(
        salesOrderEntity.putIfAt(table, so, { version: so.version - 1 }),
        this.store.historyPut('SalesOrder', so.id, so.id, link.history, {
          salesOrderId: so.id,
          techPackId: so.techPackId,
        }),
      );
    }
    await this.db.transact(items).catch(lostRace);
  }

  /** The sales order a production order was made from (undefined for other sources, or if it is gone). */
  private async salesOrderOf(order: ProductionOrder): Promise<SalesOrder | undefined> {
    if (order.source.type !== 'salesOrder') return undefined;
    const item = await this.db.get(keys.entity(order.source.salesOrderId));
    return item ? salesOrderEntity.decode(item) : undefined;
  }

  /**
   * An order from before requirements existed has no #REQBOM: the split's requirement uses the BOM its
   * summary uses (the release snapshot, or the BOM first read), else the tech pack's current one.
   */
  private async legacyRequirementBom(
    order: ProductionOrder,
    recordItem: Item | undefined,
  ): Promise<Omit<RequirementBom, 'orderId' | 'bomVersion'>> {
    const pinned = order.releasedBomRevision !== null;
    if (recordItem) {
      const record = bomRecordEntity.decode(recordItem);
      return { bom: record.bom, bomRevision: record.bomRevision, pinned };
    }
    const tpItem = await this.db.get(keys.entity(order.techPackId));
    const tp: TechPack | undefined = tpItem ? techPackEntity.decode(tpItem) : undefined;
    return { bom: tp?.bom ?? [], bomRevision: tp?.bomRevision ?? 0, pinned };
  }
}

function bomOf(r: RequirementBom): Omit<RequirementBom, 'orderId' | 'bomVersion'> {
  return { bom: r.bom, bomRevision: r.bomRevision, pinned: r.pinned };
}
