// The BOM an order's materials summary is computed from, kept in the order's partition (#BOM).
// The summary's lines are not stored: they follow from the order's matrix and this BOM (pure,
// shared/materials.ts), so they cannot drift from either and no item grows with colors x lines.
//   - before release: the BOM of the tech pack as it was at the first read or the last refresh
//     (`stale` once the tech pack's bomRevision moved past it);
//   - at release: the release transaction writes the tech pack's BOM as the order's snapshot, so a
//     later BOM edit cannot move a released order's materials (pinned to releasedBomRevision).
import type { BomRecord } from '../../shared/materials.js';
import type { ProductionOrder } from '../../shared/types.js';
import type { TransactItem } from './db.js';
import { bomRecordEntity, productionOrderEntity } from './entities.js';
import { keys } from './keys.js';
import { lostRace, type Store } from './store.js';

/** How a record is written: the first read only when none exists; a refresh only before release; a snapshot always. */
export type RecordWrite = 'first' | 'refresh' | 'snapshot';

export class MaterialsStore {
  constructor(readonly store: Store) {}

  /** The order and its BOM record (and the BOM its requirement uses, for the write): one BatchGet. */
  async read(orderId: string): Promise<{ order?: ProductionOrder; record?: BomRecord }> {
    const items = await this.store.db.getMany([
      keys.entity(orderId),
      keys.bomRecord(orderId),
      keys.requirementBom(orderId),
    ]);
    this.store.requirements.remember(orderId, items);
    const orderItem = items.find((it) => it.sk === keys.entity(orderId).sk);
    const recordItem = items.find((it) => it.sk === keys.bomRecord(orderId).sk);
    return {
      order: orderItem ? productionOrderEntity.decode(orderItem) : undefined,
      record: recordItem ? bomRecordEntity.decode(recordItem) : undefined,
    };
  }

  /**
   * Writes the record. `first`: only if none exists (two first reads: one wins, the other re-runs).
   * `refresh`: only while the order is not released (a refresh racing the release must not replace
   * the snapshot). `snapshot`: unconditionally (it is the release's BOM, the same whoever writes it).
   * The order's requirement is computed from the same BOM from now on, in the same transaction, on
   * condition that the order is still at the version read (its matrix is the one computed from).
   * Lost race: TransientConflict.
   */
  async write(order: ProductionOrder, record: BomRecord, how: RecordWrite): Promise<void> {
    const orderId = order.id;
    const value = { orderId, ...record };
    const table = this.store.db.table;
    const items: TransactItem[] = [
      how === 'first' ? bomRecordEntity.putNew(table, value) : bomRecordEntity.put(table, value),
    ];
    items.push({
      ConditionCheck: {
        TableName: table,
        Key: keys.entity(orderId),
        ...(how === 'refresh'
          ? {
              ConditionExpression: 'attribute_type(releasedBomRevision, :null) AND version = :v',
              ExpressionAttributeValues: { ':null': 'NULL', ':v': order.version },
            }
          : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': order.version } }),
      },
    });
    items.push(...(await this.store.requirements.forMaterialsWrite(order, record, order.releasedBomRevision !== null)));
    await this.store.db.transact(items).catch(lostRace);
  }
}
