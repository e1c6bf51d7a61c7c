// How domain objects sit in items. Quantities are packed (packed.ts: varints, deflated when that is
// smaller) rather than DynamoDB lists of numbers: a 20,000-cell order with its three progress
// matrices then stays well below the 400 KB item limit. All-zero quantities are stored as ''.
// Text ("10,20;5,5", an earlier format) is still read.
import { DEFAULT_SETTINGS, withToleranceDefaults } from '../../shared/settings.js';
import type { BomLine, Color, FactorySettings, Matrix, TechPack } from '../../shared/types.js';
import { KEY_ATTRIBUTES } from './keys.js';
import type { Item } from './db.js';
import { packRows, unpackRows } from './packed.js';

export type StoredQuantities = string | Uint8Array;

export interface StoredMatrix {
  sizes: string[];
  colors: string[];
  q: StoredQuantities;
}

export function encodeQuantities(quantities: number[][]): StoredQuantities {
  return quantities.every((row) => row.every((q) => q === 0)) ? '' : packRows(quantities);
}

export function decodeQuantities(q: StoredQuantities, rows: number, cols: number): number[][] {
  if (q instanceof Uint8Array) return unpackRows(q, rows, cols);
  if (q === '') return Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  return q.split(';').map((row) => row.split(',').map(Number));
}

export function encodeMatrix(m: Matrix): StoredMatrix {
  return { sizes: m.sizes, colors: m.colors, q: encodeQuantities(m.quantities) };
}

export function decodeMatrix(s: StoredMatrix): Matrix {
  return { sizes: s.sizes, colors: s.colors, quantities: decodeQuantities(s.q, s.colors.length, s.sizes.length) };
}

/** The domain object without the table's own attributes. */
export function withoutKeys(item: Item): Item {
  const out: Item = { ...item };
  for (const k of KEY_ATTRIBUTES) delete out[k];
  return out;
}

// DynamoDB keeps no attribute order; answers read better with the fields in a stable, logical one.
const TECH_PACK_FIELDS = ['id', 'styleCode', 'name', 'season', 'sizes', 'colors', 'bom', 'iqTemplate', 'state', 'version', 'bomRevision', 'createdAt', 'updatedAt'];
const BOM_FIELDS = [
  'material', 'uom', 'consumption', 'wastagePct', 'variants', 'appliesTo', 'purchaseMultiple', 'minimumOrderQty',
];
export const ORDER_FIELDS = [
  'id', 'techPackId', 'styleCode', 'state', 'version', 'deliveryDate', 'matrix', 'total', 'source', 'tolerance', 'batchPlan',
  'iqTemplate', 'notes', 'releasedBomRevision', 'progress', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy',
];
const SETTINGS_FIELDS = ['minTechPackStateForOrders', 'defaultTolerance', 'defaultMaxBatchQty', 'replenishment', 'version'];

/** The known fields first, in the given order, then any others. */
export function inOrder<T>(obj: Item, fields: readonly string[]): T {
  const out: Item = {};
  for (const f of fields) if (obj[f] !== undefined) out[f] = obj[f];
  for (const [k, v] of Object.entries(obj)) if (!(k in out)) out[k] = v;
  return out as T;
}

export function decodeTechPack(item: Item): TechPack {
  const tp = inOrder<TechPack>(withoutKeys(item), TECH_PACK_FIELDS);
  tp.colors = tp.colors.map((c) => inOrder<Color>(c as unknown as Item, ['code', 'name']));
  tp.bom = tp.bom.map((line) => {
    const l = inOrder<BomLine>(line as unknown as Item, BOM_FIELDS);
    if (typeof l.consumption === 'object') l.consumption = inOrder(l.consumption, tp.sizes);
    return l;
  });
  return tp;
}

export function decodeSettings(item: Item | undefined): FactorySettings {
  if (!item) return structuredClone(DEFAULT_SETTINGS);
  const settings = inOrder<FactorySettings>(withoutKeys(item), SETTINGS_FIELDS);
  // issue 11: settings stored before tolerance scopes read as scope `color`.
  if (settings.defaultTolerance) settings.defaultTolerance = withToleranceDefaults(settings.defaultTolerance);
  return settings;
}
