// How domain objects sit in items. Matrices are stored as compact text ("10,20;5,5") rather than
// DynamoDB lists of numbers: a 20,000-cell order then stays far below the 400 KB item limit.
import type { Matrix } from '../../shared/types.js';
import { KEY_ATTRIBUTES } from './keys.js';
import type { Item } from './db.js';

export interface StoredMatrix {
  sizes: string[];
  colors: string[];
  q: string;
}

export function encodeQuantities(quantities: number[][]): string {
  if (quantities.every((row) => row.every((q) => q === 0))) return '';
  return quantities.map((row) => row.join(',')).join(';');
}

export function decodeQuantities(q: string, rows: number, cols: number): number[][] {
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
