// Change events other systems follow. They are written in the same transaction as the change
// (as part of the history entry: an outbox), and published from the table's stream.
import type { HistoryEntry } from './types.js';

export const EVENT_SOURCE = 'garmentflow.production';

export type EventDetailType =
  | 'ProductionOrder.Created'
  | 'ProductionOrder.StateChanged'
  | 'ProductionOrder.MatrixChanged'
  | 'ProductionOrder.DeliveryDateChanged'
  | 'ProductionBatch.StateChanged'
  | 'ProductionBatch.Inspected'
  | 'TechPack.Created'
  | 'TechPack.StateChanged'
  | 'TechPack.BomChanged'
  | 'SalesOrder.Created'
  | 'SalesOrder.StateChanged'
  | 'RawMaterial.Changed';

export interface EventLinks {
  orderId?: string;
  techPackId?: string;
  salesOrderId?: string;
  batchId?: string;
  /** A raw material's code (RawMaterial.Changed). */
  material?: string;
}

export interface EventDetail extends EventLinks {
  id: string;
  from: string | null;
  to: string | null;
  version: number;
  actor: string;
  at: string;
  action: string;
  reason?: string;
  /** On an order's cancellation: its Planned batches, cancelled with it in the same write. */
  cancelledBatchIds?: string[];
  /** On TechPack.BomChanged: the BOM revision now, and the one it replaced. */
  bomRevision?: number;
  previousBomRevision?: number;
  /** Orders linked by a split or a backorder (shared/linkedOrders.ts): on the new order's Created, on the
   * original's MatrixChanged (split) or StateChanged (completed with a backorder). */
  splitFrom?: string;
  splitId?: string;
  backorderOf?: string;
  backorderId?: string;
  /** On an inspection: the batch's inspection number and its result. */
  inspection?: number;
  result?: 'pass' | 'fail';
  /** On ProductionOrder.MatrixChanged: true when a Released or InProgress order was amended (with `reason`). */
  amendment?: boolean;
  /** On ProductionOrder.DeliveryDateChanged (a re-promise): the date now, the one it replaced, the first promised. */
  deliveryDate?: string | null;
  previousDeliveryDate?: string | null;
  originalDeliveryDate?: string | null;
}

export interface OutboxEvent {
  detailType: EventDetailType;
  detail: EventDetail;
}

type Kind = 'ProductionOrder' | 'ProductionBatch' | 'TechPack' | 'SalesOrder' | 'RawMaterial';

/**
 * The event a history entry announces, if any: creations, state changes, matrix and BOM changes;
 * every change of a raw material's supply (it has no states).
 */
export function eventFor(kind: Kind, entityId: string, h: HistoryEntry, links: EventLinks): OutboxEvent | undefined {
  let detailType: EventDetailType | undefined;
  if (kind === 'RawMaterial') detailType = 'RawMaterial.Changed';
  else if (h.action === 'create')
    detailType = kind === 'ProductionBatch' ? 'ProductionBatch.StateChanged' : (`${kind}.Created` as EventDetailType);
  else if (h.from !== h.to) detailType = `${kind}.StateChanged` as EventDetailType;
  else if (
    kind === 'ProductionOrder' &&
    (h.action === 'matrixEdit' || h.action === 'amend' || h.action === 'split' || changedMatrix(h))
  )
    detailType = 'ProductionOrder.MatrixChanged';
  else if (kind === 'ProductionOrder' && h.action === 'repromise') detailType = 'ProductionOrder.DeliveryDateChanged';
  const bom = kind === 'TechPack' ? bomChange(h) : undefined;
  if (!detailType && bom) detailType = 'TechPack.BomChanged';
  // An inspection changes no state: announced on its own.
  if (kind === 'ProductionBatch' && h.action === 'inspect') detailType = 'ProductionBatch.Inspected';
  if (!detailType) return undefined;
  const detail: EventDetail = {
    id: entityId,
    from: h.from,
    to: h.to,
    version: h.version,
    actor: h.actor,
    at: h.at,
    action: h.action,
    ...links,
  };
  if (h.reason) detail.reason = h.reason;
  if (detailType === 'TechPack.BomChanged' && bom) Object.assign(detail, bom);
  const cancelled = (h.details as { cancelledBatches?: string[] } | undefined)?.cancelledBatches;
  if (kind === 'ProductionOrder' && cancelled?.length) detail.cancelledBatchIds = cancelled;
  if (kind === 'ProductionOrder' && h.action === 'amend') detail.amendment = true;
  if (detailType === 'ProductionOrder.DeliveryDateChanged') {
    const d = h.details as {
      deliveryDate: { from: string | null; to: string | null };
      originalDeliveryDate: string | null;
    };
    detail.deliveryDate = d.deliveryDate.to;
    detail.previousDeliveryDate = d.deliveryDate.from;
    detail.originalDeliveryDate = d.originalDeliveryDate;
  }
  if (kind === 'ProductionOrder') Object.assign(detail, orderLinksOf(h));
  if (detailType === 'ProductionBatch.Inspected') {
    const d = h.details as { inspection: number; result: 'pass' | 'fail' };
    detail.inspection = d.inspection;
    detail.result = d.result;
  }
  return { detailType, detail };
}

/** A tech pack update whose details record a new BOM revision (`bomRevision` != `previousBomRevision`). */
function bomChange(h: HistoryEntry): { bomRevision: number; previousBomRevision: number } | undefined {
  const d = h.details as { bomRevision?: unknown; previousBomRevision?: unknown } | undefined;
  if (typeof d?.bomRevision !== 'number' || typeof d.previousBomRevision !== 'number') return undefined;
  if (d.bomRevision === d.previousBomRevision) return undefined;
  return { bomRevision: d.bomRevision, previousBomRevision: d.previousBomRevision };
}

/** The split and backorder links a history entry's details name. */
function orderLinksOf(h: HistoryEntry): Pick<EventDetail, 'splitFrom' | 'splitId' | 'backorderOf' | 'backorderId'> {
  const d = (h.details ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const k of ['splitFrom', 'splitId', 'backorderOf', 'backorderId'] as const) {
    if (typeof d[k] === 'string') out[k] = d[k] as string;
  }
  return out;
}

function changedMatrix(h: HistoryEntry): boolean {
  const fields = (h.details as { fields?: string[] } | undefined)?.fields ?? [];
  return fields.some((f) => f === 'matrix' || f === 'sizes' || f === 'colors');
}
