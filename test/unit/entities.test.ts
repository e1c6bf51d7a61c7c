// The entity declarations (functions/store/entities.ts): each builds its item and decodes it back,
// through DynamoDB's own marshalling (binary attributes included), and an older item that lacks a
// field decodes with the declared default. No I/O.
import { describe, expect, it } from 'vitest';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { createBatches } from '../../shared/batches.js';
import { eventFor } from '../../shared/events.js';
import { DEFAULT_SETTINGS } from '../../shared/settings.js';
import type { SalesOrder } from '../../shared/salesOrder.js';
import type { StockCell } from '../../shared/stock.js';
import type { HistoryEntry } from '../../shared/types.js';
import {
  batchSetEntity,
  bomRecordEntity,
  counterEntity,
  decodeOrderSummary,
  decodeSalesOrderSummary,
  decodeSettings,
  decodeTechPackSummary,
  emptyStock,
  historyEntity,
  idempotencyEntity,
  productionOrderEntity,
  requirementEntity,
  type RequirementRecord,
  roleMappingEntity,
  salesOrderEntity,
  settingsEntity,
  stockEntity,
  techPackEntity,
} from '../../functions/store/entities.js';
import { ifAt } from '../../functions/store/entity.js';
import { INDEXES, LIST_ENTRIES, TABLE_KEYS } from '../../functions/store/tableDefinition.js';
import {
  ORDER_SUMMARY_FIELDS,
  SALES_ORDER_SUMMARY_FIELDS,
  TECH_PACK_SUMMARY_FIELDS,
} from '../../shared/schemas/resources.js';
import type { Item } from '../../functions/store/db.js';
import { NOW, matrix, order, planner, settings, techPack } from './fixtures.js';

/** What the table gives back: the item marshalled to DynamoDB's format and read again. */
const stored = (item: Item): Item => unmarshall(marshall(item, { removeUndefinedValues: true }));
const without = (item: Item, ...names: string[]): Item =>
  Object.fromEntries(Object.entries(item).filter(([k]) => !names.includes(k)));
/** What an index holds of an item: its projection (the table's and every index's keys, the INCLUDE list). */
const projected = (name: string, item: Item): Item => {
  const ix = INDEXES.find((i) => i.name === name)!;
  const keep = new Set<string>([TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey]);
  for (const i of INDEXES) keep.add(i.partitionKey.name).add(i.sortKey.name);
  if (ix.projection.type === 'INCLUDE') for (const a of ix.projection.attributes) keep.add(a);
  return stored(Object.fromEntries(Object.entries(item).filter(([k]) => keep.has(k))));
};

const TP = techPack({ id: 'TP-000007' });
const PO = order({ id: 'PO-000042', techPackId: TP.id, state: 'InProgress', releasedBomRevision: 2 });

describe('tech pack', () => {
  it('is keyed by its id, indexed by type, state and number, and round-trips in the declared field order', () => {
    const item = techPackEntity.item(TP);
    expect(item).toMatchObject({
      pk: 'TP#TP-000007',
      sk: '#ENTITY',
      type: 'TechPack',
      typeKey: 'TechPack#3',
      seq: 7,
      stateKey: 'TP#ProductionReady#3',
    });
    const back = techPackEntity.decode(stored(item));
    expect(back).toEqual(TP);
    expect(Object.keys(back)).toEqual(techPackEntity.spec.fields.filter((f) => f in TP));
  });

  it('answers colors and BOM lines in their logical order whatever order the item holds them in', () => {
    const item = techPackEntity.item({
      ...TP,
      colors: [{ name: 'Navy', code: 'NAVY' } as never],
      bom: [{ wastagePct: 5, consumption: { L: 3, S: 1 }, uom: 'm', material: 'F' } as never],
    });
    const back = techPackEntity.decode(stored(item));
    expect(Object.keys(back.colors[0])).toEqual(['code', 'name']);
    expect(Object.keys(back.bom[0])).toEqual(['material', 'uom', 'consumption', 'wastagePct']);
    expect(Object.keys(back.bom[0].consumption as object)).toEqual(['S', 'L']);
  });

  it('an older item without a field decodes without it (no default declared)', () => {
    const back = techPackEntity.decode(stored(without(techPackEntity.item(TP), 'iqTemplate')));
    expect(back).toEqual(without(TP as unknown as Item, 'iqTemplate'));
  });
});

describe('production order', () => {
  it('stores its matrix and progress packed, is indexed by state and tech pack, and round-trips', () => {
    const o = {
      ...PO,
      progress: {
        ...PO.progress,
        batched: matrix(PO.matrix.sizes, PO.matrix.colors, [
          [10, 0, 1],
          [0, 0, 5],
        ]),
      },
    };
    const item = productionOrderEntity.item(o);
    expect(item).toMatchObject({
      pk: 'PO#PO-000042',
      sk: '#ENTITY',
      type: 'ProductionOrder',
      typeKey: 'ProductionOrder#2',
      seq: 42,
      stateKey: 'PO#InProgress#2',
      techPackKey: 'PO#TP-000007',
    });
    expect((item.matrix as { q: unknown }).q).toBeInstanceOf(Uint8Array);
    expect(item.progress).toMatchObject({ produced: '', rejected: '' });
    expect((item.progress as { batched: unknown }).batched).toBeInstanceOf(Uint8Array);
    const back = productionOrderEntity.decode(stored(item));
    expect(back).toEqual(o);
    expect(Object.keys(back)).toEqual(productionOrderEntity.spec.fields);
  });

  it('a field the declaration does not list yet is stored and answered after the declared ones (no store edit)', () => {
    const withNew = { ...PO, customerRef: 'PO-4711' };
    const item = productionOrderEntity.item(withNew);
    expect(item.customerRef).toBe('PO-4711');
    const back = productionOrderEntity.decode(stored(item)) as typeof withNew;
    expect(back.customerRef).toBe('PO-4711');
    expect(Object.keys(back).at(-1)).toBe('customerRef');
  });

  it('an order stored before originalDeliveryDate existed reads its delivery date as the original', () => {
    const older = without(productionOrderEntity.item({ ...PO, deliveryDate: '2026-08-01' }), 'originalDeliveryDate');
    const back = productionOrderEntity.decode(stored(older));
    expect(back.originalDeliveryDate).toBe('2026-08-01');
    expect(Object.keys(back)).toEqual(productionOrderEntity.spec.fields);
  });

  it('an older item without the field decodes without it', () => {
    const back = productionOrderEntity.decode(stored(without(productionOrderEntity.item(PO), 'iqTemplate')));
    expect(back).toEqual(without(PO as unknown as Item, 'iqTemplate'));
  });

  it("packs progress.missing like the other progress matrices ('' while none)", () => {
    const missing = matrix(PO.matrix.sizes, PO.matrix.colors, [
      [0, 2, 0],
      [1, 0, 0],
    ]);
    const o = { ...PO, progress: { ...PO.progress, missing } };
    const item = productionOrderEntity.item(o);
    expect((item.progress as { missing: unknown }).missing).toBeInstanceOf(Uint8Array);
    expect(productionOrderEntity.decode(stored(item))).toEqual(o);
    expect((productionOrderEntity.item(PO).progress as { missing: unknown }).missing).toBe('');
  });

  it('an order stored before scopes, extra cuts and missing pieces: scope color, extraCutPct 0, none missing', () => {
    const item = productionOrderEntity.item(PO);
    const progress = item.progress as Item;
    const legacy = {
      ...item,
      tolerance: { overPct: 5, underPct: 3 },
      batchPlan: { maxBatchQty: 500 },
      progress: without(progress, 'missing'),
    };
    const back = productionOrderEntity.decode(stored(legacy));
    expect(back.tolerance).toEqual({ overPct: 5, underPct: 3, scope: 'color' });
    expect(back.batchPlan).toEqual({ maxBatchQty: 500, extraCutPct: 0 });
    expect(back.progress.missing).toEqual(
      matrix(PO.matrix.sizes, PO.matrix.colors, [
        [0, 0, 0],
        [0, 0, 0],
      ]),
    );
    expect(back).toEqual({ ...PO, tolerance: { overPct: 5, underPct: 3, scope: 'color' } });
  });

  it('puts only if still at the version and state read', () => {
    expect(productionOrderEntity.putIfAt('t', PO, { version: 4, state: 'Released' }).Put).toMatchObject({
      TableName: 't',
      ConditionExpression: 'version = :v AND #state = :s',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':v': 4, ':s': 'Released' },
    });
    expect(productionOrderEntity.putNew('t', PO).Put?.ConditionExpression).toBe('attribute_not_exists(pk)');
  });
});

describe('batch sets', () => {
  it('are keyed in the order partition by their last batch, and give the batches back', () => {
    const released = order({ id: 'PO-000042', state: 'Released', matrix: matrix(['S', 'M'], ['NAVY'], [[5, 5]]) });
    const change = createBatches(released, [matrix(['S', 'M'], ['NAVY'], [[2, 3]])], {
      ids: ['B-000009'],
      origin: 'manual',
      actor: planner,
      now: NOW,
    });
    const [item] = batchSetEntity.items(released.id, change.batches, released.matrix);
    expect(item).toMatchObject(batchSetEntity.key(released.id, 'B-000009'));
    expect(item.sk).toBe('B#000000000009');
    expect(batchSetEntity.batches([stored(item)], released.id, released.matrix, change.order.state)).toEqual(
      change.batches,
    );
  });
});

describe('BOM record', () => {
  const record = {
    techPackId: TP.id,
    bomRevision: 2,
    bom: TP.bom,
    source: 'release' as const,
    recordedAt: NOW,
    recordedBy: planner.id,
  };

  it('sits in the order partition (#BOM) and answers only the record fields', () => {
    const item = bomRecordEntity.item({ orderId: PO.id, ...record });
    expect(item).toMatchObject({ pk: 'PO#PO-000042', sk: '#BOM', kind: 'BomRecord', orderId: PO.id });
    expect(bomRecordEntity.decode(stored(item))).toEqual(record);
    expect(bomRecordEntity.put('t', { orderId: PO.id, ...record }).Put?.ConditionExpression).toBeUndefined();
  });
});

describe('sales order', () => {
  const so: SalesOrder = {
    id: 'SO-000003',
    customer: 'ACME',
    techPackId: TP.id,
    styleCode: TP.styleCode,
    state: 'Accepted',
    version: 2,
    matrix: matrix(['S', 'M'], ['NAVY'], [[4, 6]]),
    total: 10,
    deliveryDate: null,
    notes: '',
    productionOrderIds: ['PO-000042'],
    createdAt: NOW,
    createdBy: planner.id,
    updatedAt: NOW,
    updatedBy: planner.id,
  };

  it('is indexed by state and tech pack, stores its matrix packed, and round-trips', () => {
    const item = salesOrderEntity.item(so);
    expect(item).toMatchObject({
      pk: 'SO#SO-000003',
      type: 'SalesOrder',
      typeKey: 'SalesOrder#3',
      seq: 3,
      stateKey: 'SO#Accepted#3',
      techPackKey: 'SO#TP-000007',
    });
    const back = salesOrderEntity.decode(stored(item));
    expect(back).toEqual(so);
    expect(Object.keys(back)).toEqual(salesOrderEntity.spec.fields);
  });

  it('an older item without productionOrderIds has none (a fresh list each time)', () => {
    const old = stored(without(salesOrderEntity.item(so), 'productionOrderIds'));
    const a = salesOrderEntity.decode(old);
    expect(a.productionOrderIds).toEqual([]);
    a.productionOrderIds.push('PO-1');
    expect(salesOrderEntity.decode(old).productionOrderIds).toEqual([]);
    expect(Object.keys(a)).toEqual(salesOrderEntity.spec.fields);
  });
});

describe('list items: what the indexes project decodes as the summary', () => {
  it('an order: every summary field from each index it is in, no matrix, progress or notes', () => {
    // Linked to the order it was split from and to its backorder (backorderOf left out: optional).
    const o = { ...PO, notes: 'x'.repeat(4000), splitFrom: 'PO-000001', backorderId: 'PO-000009' };
    const whole = productionOrderEntity.decode(stored(productionOrderEntity.item(o)));
    for (const ix of ['byState', 'byTechPack', 'byType']) {
      const entry = projected(ix, productionOrderEntity.item(o));
      expect(entry).not.toHaveProperty('matrix');
      expect(entry).not.toHaveProperty('notes');
      const summary = decodeOrderSummary(entry);
      expect(Object.keys(summary)).toEqual(ORDER_SUMMARY_FIELDS.filter((f) => f !== 'backorderOf'));
      for (const f of ORDER_SUMMARY_FIELDS) expect(summary[f]).toEqual(whole[f]);
    }
  });

  it('an older order item without originalDeliveryDate or tolerance scope reads the defaults the order reads', () => {
    const old = without(productionOrderEntity.item(PO), 'originalDeliveryDate');
    (old.tolerance as Item).scope = undefined;
    const summary = decodeOrderSummary(projected('byState', old));
    const whole = productionOrderEntity.decode(stored(old));
    expect(summary.originalDeliveryDate).toBe(PO.deliveryDate);
    expect(summary.tolerance).toEqual(whole.tolerance);
  });

  it('a tech pack and a sales order: their summary fields, no sizes, colors, BOM or matrix', () => {
    const tp = decodeTechPackSummary(projected('byType', techPackEntity.item(TP)));
    expect(tp).toEqual(Object.fromEntries(TECH_PACK_SUMMARY_FIELDS.filter((f) => f in TP).map((f) => [f, TP[f]])));
    const so = {
      id: 'SO-000003',
      customer: 'Acme',
      techPackId: TP.id,
      styleCode: TP.styleCode,
      state: 'Accepted',
      version: 1,
      matrix: PO.matrix,
      total: 1,
      deliveryDate: null,
      notes: '',
      productionOrderIds: ['PO-000042'],
      createdAt: NOW,
      createdBy: planner.id,
      updatedAt: NOW,
      updatedBy: planner.id,
    } as SalesOrder;
    const summary = decodeSalesOrderSummary(projected('byTechPack', salesOrderEntity.item(so)));
    expect(Object.keys(summary)).toEqual([...SALES_ORDER_SUMMARY_FIELDS]);
    expect(summary).not.toHaveProperty('matrix');
    expect(summary.productionOrderIds).toEqual(['PO-000042']);
  });
});

describe('index projections: what the lists answer, nothing more', () => {
  it('each index projects exactly the union of what its lists answer or filter by (LIST_ENTRIES)', () => {
    expect(INDEXES.map((ix) => ix.name).sort()).toEqual(Object.keys(LIST_ENTRIES).sort());
    for (const ix of INDEXES) {
      expect(ix.projection.type).toBe('INCLUDE');
      const attrs = ix.projection.type === 'INCLUDE' ? ix.projection.attributes : [];
      expect(new Set(attrs)).toEqual(new Set(Object.values(LIST_ENTRIES[ix.name]).flat()));
      expect(attrs, ix.name).not.toContain('lines');
      expect(attrs, ix.name).not.toContain('matrix');
      expect(attrs, ix.name).not.toContain('bom');
    }
    expect(LIST_ENTRIES.byRequirement).toEqual({ Requirement: ['materials'] });
  });

  const requirement = (state: RequirementRecord['state']): RequirementRecord => ({
    orderId: 'PO-000042',
    techPackId: TP.id,
    state,
    deliveryDate: '2027-03-01',
    bomRevision: 2,
    pinned: false,
    incomplete: false,
    bomVersion: 1,
    lines: Array.from({ length: 50 }, (_, i) => ({
      material: `FAB-${i % 5}`,
      variant: `FAB-${i}`,
      uom: 'm',
      gross: 100 + i,
      purchaseMultiple: 50,
      minimumOrderQty: null,
    })),
  });

  it('a requirement is in byRequirement by its keys and materials only, under one key in every open state', () => {
    const entries = (['Draft', 'Planned', 'Released', 'InProgress'] as const).map((s) =>
      projected('byRequirement', requirementEntity.item(requirement(s))),
    );
    for (const e of entries) {
      expect(e).toEqual(entries[0]);
      expect(Object.keys(e).sort()).toEqual(['materials', 'pk', 'reqKey', 'seq', 'sk']);
      expect(e.reqKey).toBe('REQ#2');
      expect([...(e.materials as Set<string>)].sort()).toEqual(['FAB-0', 'FAB-1', 'FAB-2', 'FAB-3', 'FAB-4']);
    }
    // A move between open states changes the #REQ item, not its index entry; it is never in byState.
    expect(requirementEntity.item(requirement('Draft'))).not.toHaveProperty('stateKey');
    // Closed orders are not listed (sparse: no reqKey); the item itself still reads back whole.
    for (const s of ['Completed', 'Cancelled'] as const) {
      const item = requirementEntity.item(requirement(s));
      expect(item).not.toHaveProperty('reqKey');
      expect(requirementEntity.decode(stored(item))).toEqual(requirement(s));
    }
  });
});

describe('stock', () => {
  const cells: StockCell[] = [
    { color: 'NAVY', size: 'S', onHand: 1, reorderPoint: 2, target: 10 },
    { color: 'RED', size: 'L', onHand: 9, reorderPoint: 2, target: 10 },
  ];
  const write = { techPack: TP, cells, actor: planner.id, now: NOW };

  it('stores one grid per style, is indexed Low while a cell is below its reorder point, and decodes the cells', () => {
    const item = stockEntity.item(write);
    expect(item).toMatchObject({
      pk: 'STOCK#TP-000007',
      sk: '#STOCK',
      type: 'Stock',
      seq: 7,
      stateKey: 'STOCK#Low#7',
      cellCount: 2,
      lowCount: 1,
    });
    expect(item).not.toHaveProperty('cells');
    expect(item).not.toHaveProperty('typeKey');
    const back = stockEntity.decode(
      stored({ ...item, version: 3, openReplenishmentOrderId: 'PO-000042', replenishedAt: NOW }),
    );
    expect(back).toEqual({
      techPackId: TP.id,
      cells,
      version: 3,
      low: true,
      openReplenishmentOrderId: 'PO-000042',
      updatedAt: NOW,
      updatedBy: planner.id,
    });
    expect(stockEntity.item({ ...write, cells: [cells[1]] }).stateKey).toBe('STOCK#Ok#7');
    // An item written before the shards (infra/ops/reindex.ts moves it) still reads as low.
    expect(stockEntity.decode(stored({ ...item, stateKey: 'STOCK#Low' })).low).toBe(true);
  });

  it('an older item without version, marker or author decodes with 0 and nulls', () => {
    const item = stored(without(stockEntity.item(write), 'updatedAt', 'updatedBy'));
    expect(stockEntity.decode(item)).toEqual({ ...emptyStock(TP.id), cells, low: true });
  });
});

describe('settings', () => {
  it('round-trip in the declared order; none stored yet: the defaults', () => {
    const s = settings({ defaultMaxBatchQty: 250, version: 4 });
    const item = settingsEntity.item(s);
    expect(item).toMatchObject({ pk: 'SETTINGS', sk: '#ENTITY' });
    expect(decodeSettings(stored(item))).toEqual(s);
    expect(Object.keys(decodeSettings(stored(item)))).toEqual(settingsEntity.spec.fields);
    expect(decodeSettings(undefined)).toEqual(DEFAULT_SETTINGS);
    expect(decodeSettings(undefined)).not.toBe(DEFAULT_SETTINGS);
  });

  it('settings stored before tolerance scopes read scope color; a stored scope stays', () => {
    const item = settingsEntity.item(settings({ version: 2 }));
    const legacy = { ...item, defaultTolerance: { overPct: 4, underPct: 2 } };
    expect(decodeSettings(stored(legacy)).defaultTolerance).toEqual({ overPct: 4, underPct: 2, scope: 'color' });
    const cell = settingsEntity.item(settings({ defaultTolerance: { overPct: 4, underPct: 2, scope: 'cell' } }));
    expect(decodeSettings(stored(cell)).defaultTolerance.scope).toBe('cell');
  });

  it('a first write expects no item, later ones the version read', () => {
    expect(ifAt({ version: 0 })).toEqual({ ConditionExpression: 'attribute_not_exists(pk)' });
    expect(settingsEntity.putIfAt('t', settings(), { version: 2 }).Put).toMatchObject({
      ConditionExpression: 'version = :v',
      ExpressionAttributeValues: { ':v': 2 },
    });
  });
});

describe('role mapping', () => {
  it('is keyed by the lower-cased email, listed by type, and round-trips', () => {
    const m = { email: 'ana@example.com', roles: ['planner' as const], updatedAt: NOW, updatedBy: 'admin@example.com' };
    const item = roleMappingEntity.item({ ...m, email: 'Ana@Example.com' });
    expect(item).toMatchObject({ pk: 'USER#ana@example.com', sk: '#ENTITY', type: 'RoleMapping', seq: 0 });
    expect(roleMappingEntity.decode(stored(roleMappingEntity.item(m)))).toEqual(m);
  });
});

describe('history entry', () => {
  const entry: HistoryEntry = {
    at: NOW,
    actor: planner.id,
    action: 'release',
    from: 'Planned',
    to: 'Released',
    version: 5,
    details: { bomRevision: 2 },
  };

  it('sits under the entity version, carries its event, and answers the entry', () => {
    const event = eventFor('ProductionOrder', PO.id, entry, { orderId: PO.id, techPackId: TP.id });
    const item = historyEntity.item({ kind: 'ProductionOrder', entityId: PO.id, partitionOf: PO.id, entry, event });
    expect(item).toMatchObject({
      pk: 'PO#PO-000042',
      sk: 'H#0000000005',
      kind: 'History',
      entity: 'ProductionOrder',
      entityId: PO.id,
      event,
    });
    const back = historyEntity.decode(stored(item));
    expect(back).toEqual(entry);
    expect(Object.keys(back)).toEqual(['at', 'actor', 'action', 'from', 'to', 'version', 'details']);
  });

  it("a batch's entry sits under the order version in the order's partition and names its subject", () => {
    const batchEntry: HistoryEntry = {
      at: NOW,
      actor: planner.id,
      action: 'start',
      from: 'Planned',
      to: 'InProgress',
      version: 2,
      reason: '',
    };
    const item = historyEntity.item({
      kind: 'ProductionBatch',
      entityId: 'B-000009',
      partitionOf: PO.id,
      entry: batchEntry,
      orderVersion: 12,
    });
    expect(item).toMatchObject({ pk: 'PO#PO-000042', sk: 'H#0000000012#B-000009' });
    expect(item).not.toHaveProperty('event');
    // An empty reason is not answered (as before): an older entry without details has none.
    expect(historyEntity.decode(stored(item))).toEqual({
      ...without(batchEntry as unknown as Item, 'reason'),
      subject: 'B-000009',
    });
  });
});

describe('idempotency record and id counter', () => {
  it('have their keys and attributes declared', () => {
    expect(idempotencyEntity.key('ana@example.com', 'k-1')).toEqual({ pk: 'IDEM#ana@example.com#k-1', sk: '#IDEM' });
    expect(idempotencyEntity.ttlAttribute).toBe('expiresAt');
    expect(counterEntity.key('ProductionOrder')).toEqual({ pk: 'COUNTER#PO', sk: '#COUNTER' });
  });
});
