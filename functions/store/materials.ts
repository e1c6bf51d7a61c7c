// The BOM an order's materials summary is computed from, kept in the order's partition (#BOM).
// The summary's lines are not stored: they follow from the order's matrix and this BOM (pure,
// shared/materials.ts), so they cannot drift from either and no item grows with colors x lines.
//   - before release: the BOM of the tech pack as it was at the first read or the last refresh
//     (`stale` once the tech pack's bomRevision moved past it);
//   - at release: the release transaction writes the tech pack's BOM as the order's snapshot, so a
//     later BOM edit cannot move a released order's materials (pinned to releasedBomRevision).
import type { BomRecord } from '../../shared/materials.js';
import type { ProductionOrder } from '../../shared/types.js';
import { withoutKeys } from './codec.js';
import type { TransactItem } from './db.js';
import { keys } from './keys.js';
import type { Store } from './store.js';

/** How a record is written: the first read only when none exists; a refresh only before release; a snapshot always. */
export type RecordWrite = 'first' | 'refresh' | 'snapshot';

export function bomRecordItem(orderId: string, record: BomRecord) {
  return { ...keys.bomRecord(orderId), kind: 'BomRecord', orderId, ...record };
}

/** The Put that snapshots the BOM in the release transaction (functions/handlers/orders.ts). */
export function bomSnapshotPut(store: Store, order: ProductionOrder, record: BomRecord): TransactItem {
  return { Put: { TableName: store.db.table, Item: bomRecordItem(order.id, record) } };
}

export class MaterialsStore {
  constructor(readonly store: Store) {}

  /** The order and its BOM record: one BatchGet. */
  async read(orderId: string): Promise<{ order?: ProductionOrder; record?: BomRecord }> {
    const items = await this.store.db.getMany([keys.entity(orderId), keys.bomRecord(orderId)]);
    const orderItem = items.find((it) => it.sk === keys.entity(orderId).sk);
    const recordItem = items.find((it) => it.sk === keys.bomRecord(orderId).sk);
    return { order: orderItem ? this.store.decodeOrder(orderItem) : undefined, record: recordItem ? decodeRecord(recordItem) : undefined };
  }

  /**
   * Writes the record. `first`: only if none exists (two first reads: one wins, the other re-runs).
   * `refresh`: only while the order is not released (a refresh racing the release must not replace
   * the snapshot). `snapshot`: unconditionally (it is the release's BOM, the same whoever writes it).
   */
  async write(orderId: string, record: BomRecord, how: RecordWrite): Promise<void> {
    const put: TransactItem = { Put: { TableName: this.store.db.table, Item: bomRecordItem(orderId, record) } };
    if (how === 'first') put.Put!.ConditionExpression = 'attribute_not_exists(pk)';
    const items = [put];
    if (how === 'refresh') {
      items.push({
        ConditionCheck: {
          TableName: this.store.db.table,
          Key: keys.entity(orderId),
          ConditionExpression: 'attribute_type(releasedBomRevision, :null)',
          ExpressionAttributeValues: { ':null': 'NULL' },
        },
      });
    }
    await this.store.db.transact(items);
  }
}

function decodeRecord(item: Record<string, unknown>): BomRecord {
  const { techPackId, bomRevision, bom, source, recordedAt, recordedBy } = withoutKeys(item) as unknown as BomRecord;
  return { techPackId, bomRevision, bom, source, recordedAt, recordedBy };
}
