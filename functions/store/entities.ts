// Every entity of the single table, declared once (how a declaration works: entity.ts; the key
// grammar: keys.ts). Item builders and decoders come from these declarations, nowhere else.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { OutboxEvent } from '../../shared/events.js';
import type { BomRecord } from '../../shared/materials.js';
import { INSPECTION_RECORD_FIELDS, type InspectionRecord, type IqTemplateRecord } from '../../shared/quality.js';
import {
  REQUIREMENT_STATES,
  type GrossLine,
  type OrderRequirement,
  type RawMaterial,
} from '../../shared/requirements.js';
import type { SalesOrder } from '../../shared/salesOrder.js';
import { withOrderDefaults } from '../../shared/productionOrder.js';
import {
  DEFAULT_SETTINGS,
  type ToleranceInput,
  withSettingsDefaults,
  withToleranceDefaults,
} from '../../shared/settings.js';
import { isLow, type Stock, type StockCell } from '../../shared/stock.js';
import type {
  BomLine,
  Color,
  FactorySettings,
  HistoryEntry,
  ProductionOrder,
  Role,
  TechPack,
} from '../../shared/types.js';
import {
  ORDER_SUMMARY_FIELDS,
  type ProductionOrderSummary,
  SALES_ORDER_SUMMARY_FIELDS,
  type SalesOrderSummary,
  TECH_PACK_SUMMARY_FIELDS,
  type TechPackSummary,
} from '../../shared/schemas/resources.js';
import { TTL_ATTRIBUTE } from './tableDefinition.js';
import { batchSetItems, batchesOfSets, summariesOfSets } from './batchCodec.js';
import {
  decodeMatrix,
  decodeQuantities,
  encodeMatrix,
  encodeQuantities,
  inOrder,
  type StoredMatrix,
  type StoredQuantities,
} from './codec.js';
import type { Item } from './db.js';
import { defineEntity } from './entity.js';
import { SHARDS, shardedKey } from './shards.js';
import {
  keys,
  milestoneDueKey,
  milestoneShardKey,
  requirementKey,
  seqOf,
  stateKey,
  stockStateKey,
  techPackKey,
  type IdKind,
} from './keys.js';

// ---- tech pack -----------------------------------------------------------------------------------

const BOM_FIELDS = [
  'material',
  'uom',
  'consumption',
  'wastagePct',
  'variants',
  'appliesTo',
  'purchaseMultiple',
  'minimumOrderQty',
];

export const techPackEntity = defineEntity<TechPack>({
  type: 'TechPack',
  shards: SHARDS.TechPack,
  key: (tp) => keys.entity(tp.id),
  indexes: (tp) => ({
    seq: seqOf(tp.id),
    stateKey: shardedKey(stateKey('TechPack', tp.state), tp.id, SHARDS.TechPack),
  }),
  fields: [
    'id',
    'styleCode',
    'name',
    'season',
    'sizes',
    'colors',
    'bom',
    'iqTemplate',
    'state',
    'version',
    'bomRevision',
    'createdAt',
    'updatedAt',
  ],
  decode: (raw) => {
    const tp = raw as unknown as TechPack;
    return {
      colors: tp.colors.map((c) => inOrder<Color>(c as unknown as Item, ['code', 'name'])),
      bom: tp.bom.map((line) => {
        const l = inOrder<BomLine>(line as unknown as Item, BOM_FIELDS);
        if (typeof l.consumption === 'object') l.consumption = inOrder(l.consumption, tp.sizes);
        return l;
      }),
    };
  },
});

// ---- production order ------------------------------------------------------------------------------

const MILESTONE_FIELDS = ['key', 'name', 'due', 'done', 'daysBeforeDelivery'];

// `missing` (issue 11) is absent from orders stored before it: they read none (the default below).
type StoredProgress = Record<'batched' | 'produced' | 'rejected', StoredQuantities> & { missing?: StoredQuantities };

export const productionOrderEntity = defineEntity<ProductionOrder>({
  type: 'ProductionOrder',
  shards: SHARDS.ProductionOrder,
  key: (o) => keys.entity(o.id),
  indexes: (o) => ({
    seq: seqOf(o.id),
    stateKey: shardedKey(stateKey('ProductionOrder', o.state), o.id, SHARDS.ProductionOrder),
    techPackKey: techPackKey('ProductionOrder', o.techPackId),
  }),
  fields: [
    'id',
    'techPackId',
    'styleCode',
    'state',
    'version',
    'deliveryDate',
    'originalDeliveryDate',
    'matrix',
    'total',
    'source',
    'tolerance',
    'batchPlan',
    'iqTemplate',
    'notes',
    'releasedBomRevision',
    'progress',
    'milestones',
    'createdAt',
    'createdBy',
    'updatedAt',
    'updatedBy',
  ],
  // Orders stored before milestones existed have none.
  defaults: { milestones: [] },
  // Packed (packed.ts): a 20,000-cell order with full progress stays under 400 KB. '' while all zero.
  encode: (o) => ({
    matrix: encodeMatrix(o.matrix),
    progress: {
      batched: encodeQuantities(o.progress.batched.quantities),
      produced: encodeQuantities(o.progress.produced.quantities),
      rejected: encodeQuantities(o.progress.rejected.quantities),
      missing: encodeQuantities(o.progress.missing.quantities),
    },
  }),
  decode: (raw) => {
    const matrix = decodeMatrix(raw.matrix as StoredMatrix);
    const stored = raw.progress as StoredProgress;
    const shaped = (q: StoredQuantities) => ({
      sizes: matrix.sizes,
      colors: matrix.colors,
      quantities: decodeQuantities(q, matrix.colors.length, matrix.sizes.length),
    });
    // Orders stored before tolerance scopes and planned extra cuts read scope `color`, extraCutPct 0.
    const { tolerance, batchPlan } = withOrderDefaults(raw as unknown as ProductionOrder);
    return {
      matrix,
      // Orders stored before originalDeliveryDate existed were never re-promised: their date is the original.
      originalDeliveryDate: raw.originalDeliveryDate === undefined ? raw.deliveryDate : raw.originalDeliveryDate,
      milestones: ((raw.milestones ?? []) as Item[]).map((m) => inOrder(m, MILESTONE_FIELDS)),
      tolerance,
      batchPlan,
      progress: {
        batched: shaped(stored.batched),
        produced: shaped(stored.produced),
        rejected: shaped(stored.rejected),
        missing: shaped(stored.missing ?? ''),
      },
    };
  },
});

// ---- an order's milestone as the byMilestone index lists it (M#<key>) ------------------------------
//
// The order item holds its milestones; each one of an open order that has a due date also has its
// own small item, written in the same transaction as the order's change, so the list across orders
// is a few parallel Queries of the index (sharded: keys.ts), never a read of the orders.

export interface MilestoneEntry {
  orderId: string;
  styleCode: string;
  key: string;
  name: string;
  due: string;
  done: string | null;
  deliveryDate: string | null;
}

export const milestoneEntity = defineEntity<MilestoneEntry>({
  key: (m) => keys.milestone(m.orderId, m.key),
  indexes: (m) => ({
    msShard: milestoneShardKey(m.orderId, m.done !== null),
    msDue: milestoneDueKey(m.due, m.orderId, m.key),
  }),
  encode: () => ({ kind: 'Milestone' }),
  fields: ['orderId', 'styleCode', 'key', 'name', 'due', 'done', 'deliveryDate'],
  others: 'drop',
  decode: (raw) => ({ done: raw.done ?? null, deliveryDate: raw.deliveryDate ?? null }),
});

// ---- batch sets: 1..25 batches of an order per item (the layout is batchCodec.ts's) -----------------

export const batchSetEntity = {
  key: keys.batchSet,
  items: batchSetItems,
  batches: batchesOfSets,
  summaries: summariesOfSets,
};

// ---- the order's BOM record (#BOM: the BOM its materials summary uses; the release snapshot) --------

export const bomRecordEntity = defineEntity<BomRecord, BomRecord & { orderId: string }>({
  key: (r) => keys.bomRecord(r.orderId),
  fields: ['techPackId', 'bomRevision', 'bom', 'source', 'recordedAt', 'recordedBy'],
  others: 'drop',
  encode: () => ({ kind: 'BomRecord' }),
});

// ---- the order's material requirement (#REQ) and the BOM it is computed from (#REQBOM) -------------
//
// Written in the same transaction as every order change that moves what it needs (create, matrix,
// delivery date, state, release, a materials refresh): see functions/store/requirements.ts. While
// the order is open the #REQ item is listed in the byRequirement index (REQ#<shard>), which holds
// its keys and `materials` only: the requirements across orders are a few parallel Queries for the
// keys, then BatchGets of the items (the lines as one JSON string, no BOM), never a read of the
// orders. A matrix edit or a move between open states leaves the index entry as it is; only opening
// and closing the order (and a change of its material set) writes it. `bomVersion` counts the writes
// of #REQBOM: a change computed from the BOM as read is conditional on it.

export interface RequirementRecord extends OrderRequirement {
  bomVersion: number;
}

type LineTuple = [string, string, string, number, number | null, number | null];

export const requirementEntity = defineEntity<RequirementRecord>({
  key: (r) => keys.requirement(r.orderId),
  indexes: (r) =>
    REQUIREMENT_STATES.includes(r.state) ? { reqKey: requirementKey(seqOf(r.orderId)), seq: seqOf(r.orderId) } : {},
  spread: false,
  encode: (r) => {
    const materials = [...new Set(r.lines.map((l) => l.material))];
    return {
      kind: 'Requirement',
      orderId: r.orderId,
      techPackId: r.techPackId,
      state: r.state,
      deliveryDate: r.deliveryDate,
      bomRevision: r.bomRevision,
      pinned: r.pinned,
      incomplete: r.incomplete,
      bomVersion: r.bomVersion,
      lines: JSON.stringify(
        r.lines.map((l): LineTuple => [l.material, l.variant, l.uom, l.gross, l.purchaseMultiple, l.minimumOrderQty]),
      ),
      // For the `material` filter (contains): a string set, absent when empty (DynamoDB has no empty sets).
      ...(materials.length ? { materials: new Set(materials) } : {}),
    };
  },
  fields: [
    'orderId',
    'techPackId',
    'state',
    'deliveryDate',
    'bomRevision',
    'pinned',
    'incomplete',
    'bomVersion',
    'lines',
  ],
  others: 'drop',
  decode: (raw) => ({
    lines: (JSON.parse(raw.lines as string) as LineTuple[]).map(
      ([material, variant, uom, gross, purchaseMultiple, minimumOrderQty]): GrossLine => ({
        material,
        variant,
        uom,
        gross,
        purchaseMultiple,
        minimumOrderQty,
      }),
    ),
  }),
});

export interface RequirementBom {
  orderId: string;
  bom: BomLine[];
  bomRevision: number;
  pinned: boolean;
  bomVersion: number;
}

export const requirementBomEntity = defineEntity<RequirementBom>({
  key: (r) => keys.requirementBom(r.orderId),
  encode: () => ({ kind: 'RequirementBom' }),
  fields: ['orderId', 'bom', 'bomRevision', 'pinned', 'bomVersion'],
  others: 'drop',
});

// ---- raw material: the supply of one material (on hand, on order), kept by logistics ---------------

export const rawMaterialEntity = defineEntity<RawMaterial>({
  type: 'RawMaterial',
  shards: SHARDS.RawMaterial,
  key: (m) => keys.rawMaterial(m.material),
  indexes: () => ({ seq: 0 }),
  fields: ['material', 'leadTimeDays', 'variants', 'version', 'updatedAt', 'updatedBy'],
  others: 'drop',
});

// ---- sales order -------------------------------------------------------------------------------------

export const salesOrderEntity = defineEntity<SalesOrder>({
  type: 'SalesOrder',
  shards: SHARDS.SalesOrder,
  key: (so) => keys.entity(so.id),
  indexes: (so) => ({
    seq: seqOf(so.id),
    stateKey: shardedKey(stateKey('SalesOrder', so.state), so.id, SHARDS.SalesOrder),
    techPackKey: techPackKey('SalesOrder', so.techPackId),
  }),
  fields: [
    'id',
    'customer',
    'techPackId',
    'styleCode',
    'state',
    'version',
    'matrix',
    'total',
    'deliveryDate',
    'notes',
    'productionOrderIds',
    'createdAt',
    'createdBy',
    'updatedAt',
    'updatedBy',
  ],
  encode: (so) => ({ matrix: encodeMatrix(so.matrix) }),
  decode: (raw) => ({ matrix: decodeMatrix(raw.matrix as StoredMatrix) }),
  defaults: { productionOrderIds: [] },
});

// ---- list items: the summaries the indexes project (shared/schemas/resources.ts) ------------------
//
// Decoded from an index item (which holds only the summary fields and keys), with the same defaults
// the whole entity's decoder gives older items.

function pick<T>(item: Item, fields: readonly string[]): T {
  const out: Item = {};
  for (const f of fields) if (item[f] !== undefined) out[f] = item[f];
  return out as T;
}

export function decodeOrderSummary(item: Item): ProductionOrderSummary {
  const raw = pick<ProductionOrderSummary>(item, ORDER_SUMMARY_FIELDS);
  const { tolerance, batchPlan } = withOrderDefaults(raw);
  const originalDeliveryDate = raw.originalDeliveryDate === undefined ? raw.deliveryDate : raw.originalDeliveryDate;
  return inOrder({ ...raw, tolerance, batchPlan, originalDeliveryDate }, ORDER_SUMMARY_FIELDS);
}

export function decodeTechPackSummary(item: Item): TechPackSummary {
  return pick<TechPackSummary>(item, TECH_PACK_SUMMARY_FIELDS);
}

export function decodeSalesOrderSummary(item: Item): SalesOrderSummary {
  return pick<SalesOrderSummary>({ productionOrderIds: [], ...item }, SALES_ORDER_SUMMARY_FIELDS);
}

// ---- stock: one item per style, every cell in one compact grid -----------------------------------
//
// The grid: one row per color, `;` between rows, `,` between sizes, each cell `onHand/reorderPoint/target`
// or empty when the warehouse gave no such cell ("5/10/40,,0/2/8;..."). Above GRID_COMPRESS_AT
// characters it is stored deflated (binary `gridZ`), which keeps a 20,000-cell style far below
// DynamoDB's 400 KB item limit even with 7-digit quantities. Items of styles with a low cell sit in
// the byState index under `STOCK#Low`, so the replenishment job finds them with a Query.

export const GRID_COMPRESS_AT = 32 * 1024;

export interface StoredGrid {
  sizes: string[];
  colors: string[];
  grid?: string;
  gridZ?: Uint8Array;
}

/** Lays the cells out over the tech pack's order of colors and sizes (only those used). */
export function encodeStockGrid(
  cells: readonly StockCell[],
  order?: { sizes: string[]; colors: string[] },
): StoredGrid {
  const used = (all: string[] | undefined, present: string[]) => {
    const set = new Set(present);
    const ordered = (all ?? []).filter((v) => set.has(v));
    return [...ordered, ...[...set].filter((v) => !ordered.includes(v))];
  };
  const colors = used(
    order?.colors,
    cells.map((c) => c.color),
  );
  const sizes = used(
    order?.sizes,
    cells.map((c) => c.size),
  );
  const rowOf = new Map(colors.map((c, i) => [c, i]));
  const colOf = new Map(sizes.map((s, i) => [s, i]));
  const rows = colors.map(() => new Array<string>(sizes.length).fill(''));
  for (const c of cells) rows[rowOf.get(c.color)!][colOf.get(c.size)!] = `${c.onHand}/${c.reorderPoint}/${c.target}`;
  const grid = rows.map((r) => r.join(',')).join(';');
  return grid.length > GRID_COMPRESS_AT
    ? { sizes, colors, gridZ: deflateRawSync(Buffer.from(grid, 'utf8'), { level: 9 }) }
    : { sizes, colors, grid };
}

export function decodeStockGrid(stored: StoredGrid): StockCell[] {
  const text = stored.gridZ ? inflateRawSync(Buffer.from(stored.gridZ)).toString('utf8') : (stored.grid ?? '');
  if (text === '' || stored.colors.length === 0) return [];
  const cells: StockCell[] = [];
  text.split(';').forEach((row, r) =>
    row.split(',').forEach((cell, c) => {
      if (cell === '') return;
      const [onHand, reorderPoint, target] = cell.split('/').map(Number);
      cells.push({ color: stored.colors[r], size: stored.sizes[c], onHand, reorderPoint, target });
    }),
  );
  return cells;
}

/** What a stock push writes: the style's cells, laid out over its tech pack, by whom and when. */
export interface StockWrite {
  techPack: Pick<TechPack, 'id' | 'sizes' | 'colors'>;
  cells: StockCell[];
  actor: string;
  now: string;
}

export const stockEntity = defineEntity<Stock, StockWrite>({
  type: 'Stock',
  // Read by key, or by the byState `STOCK#Low#<shard>` partitions; never listed by kind.
  typeIndex: false,
  key: (w) => keys.stock(w.techPack.id),
  indexes: (w) => ({
    seq: seqOf(w.techPack.id),
    stateKey: shardedKey(stockStateKey(w.cells.some(isLow)), w.techPack.id, SHARDS.Stock),
  }),
  spread: false,
  // Not the replenishment marker (openReplenishmentOrderId, replenishedAt): only its claim writes it.
  encode: ({ techPack, cells, actor, now }) => {
    const stored = encodeStockGrid(cells, { sizes: techPack.sizes, colors: techPack.colors.map((c) => c.code) });
    return {
      techPackId: techPack.id,
      sizes: stored.sizes,
      colors: stored.colors,
      ...(stored.gridZ ? { gridZ: stored.gridZ } : { grid: stored.grid }),
      cellCount: cells.length,
      lowCount: cells.filter(isLow).length,
      updatedAt: now,
      updatedBy: actor,
    };
  },
  fields: ['techPackId', 'cells', 'version', 'low', 'openReplenishmentOrderId', 'updatedAt', 'updatedBy'],
  others: 'drop',
  decode: (raw, item) => ({
    cells: decodeStockGrid(raw as unknown as StoredGrid),
    // "STOCK#Low#<shard>" (or "STOCK#Low", written before the shards: infra/ops/reindex.ts moves it).
    low: String(item.stateKey ?? '').startsWith(stockStateKey(true)),
  }),
  defaults: { version: 0, openReplenishmentOrderId: null, updatedAt: null, updatedBy: null },
});

export function emptyStock(techPackId: string): Stock {
  return {
    techPackId,
    cells: [],
    version: 0,
    low: false,
    openReplenishmentOrderId: null,
    updatedAt: null,
    updatedBy: null,
  };
}

// ---- factory settings (one item; none stored yet: the defaults) -----------------------------------

export const settingsEntity = defineEntity<FactorySettings>({
  key: () => keys.settings(),
  fields: [
    'minTechPackStateForOrders',
    'defaultTolerance',
    'defaultMaxBatchQty',
    'replenishment',
    'productionLeadDays',
    'milestoneTemplate',
    'version',
  ],
  defaults: { productionLeadDays: DEFAULT_SETTINGS.productionLeadDays, milestoneTemplate: [] },
  // Settings stored before tolerance scopes read scope `color`.
  decode: (raw) => ({
    ...(raw.defaultTolerance
      ? { defaultTolerance: withToleranceDefaults(raw.defaultTolerance as ToleranceInput) }
      : {}),
    milestoneTemplate: ((raw.milestoneTemplate ?? []) as Item[]).map((m) =>
      inOrder(m, ['key', 'name', 'daysBeforeDelivery']),
    ),
  }),
});

export function decodeSettings(item: Item | undefined): FactorySettings {
  // Settings saved before a field existed read that field's default.
  return item ? withSettingsDefaults(settingsEntity.decode(item)) : structuredClone(DEFAULT_SETTINGS);
}

// ---- role mapping (Google users have no roles claim: the admin maps emails to roles) --------------

export interface RoleMapping {
  email: string;
  roles: Role[];
  updatedAt: string;
  updatedBy: string;
}

export const roleMappingEntity = defineEntity<RoleMapping>({
  type: 'RoleMapping',
  shards: SHARDS.RoleMapping,
  key: (m) => keys.roleMapping(m.email),
  indexes: () => ({ seq: 0 }),
  fields: ['email', 'roles', 'updatedAt', 'updatedBy'],
});

// ---- IQ templates (named by their code) and a batch's inspections (in its order's partition) ------

export const iqTemplateEntity = defineEntity<IqTemplateRecord>({
  type: 'IqTemplate',
  shards: SHARDS.IqTemplate,
  key: (t) => keys.iqTemplate(t.code),
  // Listed newest first, like every other list.
  indexes: (t) => ({ seq: Date.parse(t.createdAt) }),
  fields: [
    'code',
    'name',
    'inspectionLevel',
    'aql',
    'checkpoints',
    'requiredForFinish',
    'version',
    'createdAt',
    'createdBy',
    'updatedAt',
    'updatedBy',
  ],
  decode: (raw) => ({ aql: inOrder(raw.aql as Item, ['critical', 'major', 'minor']) }),
  defaults: { checkpoints: [], requiredForFinish: false },
});

export const inspectionEntity = defineEntity<InspectionRecord>({
  key: (r) => keys.inspection(r.orderId, r.batchId, r.number),
  encode: () => ({ kind: 'Inspection' }),
  fields: INSPECTION_RECORD_FIELDS,
  others: 'drop',
});

// ---- history entry (and the outbox: the entry carries its event) -----------------------------------

export type HistoryKind = 'ProductionOrder' | 'ProductionBatch' | 'TechPack' | 'SalesOrder' | 'RawMaterial';

export interface HistoryWrite {
  kind: HistoryKind;
  entityId: string;
  /** The entity whose partition holds the entry (a batch's entry sits in its order's). */
  partitionOf: string;
  entry: HistoryEntry;
  /** A batch's entry sorts under the order version its write produced. */
  orderVersion?: number;
  event?: OutboxEvent;
}

export const historyEntity = defineEntity<HistoryEntry, HistoryWrite>({
  key: (h) => {
    if (h.kind === 'ProductionBatch')
      return keys.batchHistory(h.partitionOf, h.orderVersion ?? h.entry.version, h.entityId);
    if (h.kind === 'RawMaterial') return keys.rawMaterialHistory(h.entityId, h.entry.version);
    return keys.history(h.partitionOf, h.entry.version);
  },
  spread: false,
  encode: (h) => ({
    kind: 'History',
    entity: h.kind,
    entityId: h.entityId,
    ...h.entry,
    ...(h.event ? { event: h.event } : {}),
  }),
  fields: ['at', 'actor', 'action', 'from', 'to', 'version', 'reason', 'details', 'subject'],
  others: 'drop',
  // `subject`: the entry is another entity's (a batch's, in its order's history).
  decode: (raw, item) => ({
    reason: raw.reason || undefined,
    subject: raw.entityId !== String(item.pk).slice(String(item.pk).indexOf('#') + 1) ? raw.entityId : undefined,
  }),
});

// ---- idempotency record and id counter (written by update expressions: key and attributes only) ---

export const idempotencyEntity = {
  key: keys.idempotency,
  /** DynamoDB drops the record after this epoch second. */
  ttlAttribute: TTL_ATTRIBUTE,
};

export const counterEntity = {
  key: (kind: IdKind) => keys.counter(kind),
  valueAttribute: 'value',
};
