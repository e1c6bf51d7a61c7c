// Builders shared by the add-on's unit tests.
import type { OrderSnapshot } from '../../addon/src/model.js';

export function snap(over: Partial<OrderSnapshot> = {}): OrderSnapshot {
  return {
    id: 'PO-000001',
    techPackId: 'TP-000001',
    styleCode: 'TEE-01',
    state: 'Draft',
    version: 3,
    deliveryDate: '2027-03-01',
    customer: null,
    sourceType: 'commercial',
    total: 75,
    updatedBy: 'ana@example.com',
    updatedAt: '2026-11-30T10:00:00.000Z',
    matrix: { sizes: ['S', 'M', 'L'], colors: ['NAVY', 'RED'], quantities: [[10, 20, 30], [5, 5, 5]] },
    progress: { batched: 0, produced: 0, rejected: 0 },
    batches: [],
    materials: { bomRevision: 1, techPackBomRevision: 1, stale: false, lines: [{ material: 'FAB-JERSEY', variant: 'NAVY', uom: 'm', net: 72, gross: 75.6, purchase: 100 }] },
    sectionErrors: [],
    pulledAt: '2026-11-30T10:01:00.000Z',
    ...over,
  };
}
