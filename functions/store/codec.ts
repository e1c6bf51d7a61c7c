// How domain objects sit in items. Quantities are packed (packed.ts: varints, deflated when that is
// smaller) rather than DynamoDB lists of numbers: a 20,000-cell order with its four progress
// matrices then stays well below the 400 KB item limit. All-zero quantities are stored as ''.
// Text ("10,20;5,5", an earlier format) is still read.
import type { Matrix } from '../../shared/types.js';
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

// DynamoDB keeps no attribute order; answers read better with the fields in a stable, logical one
// (each entity declares its order: entities.ts).
/** The known fields first, in the given order, then any others. */
export function inOrder<T>(obj: Item, fields: readonly string[]): T {
  const out: Item = {};
  for (const f of fields) if (obj[f] !== undefined) out[f] = obj[f];
  for (const [k, v] of Object.entries(obj)) if (!(k in out)) out[k] = v;
  return out as T;
}
