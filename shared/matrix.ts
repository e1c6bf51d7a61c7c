// Size x color quantity matrices: one row per color, one column per size.
import type { Matrix } from './types.js';
import { ValidationError } from './errors.js';
import { Problems, codeList, isObject, rejectUnknown } from './validate.js';

export const LIMITS = { sizes: 100, colors: 500, cells: 20_000, cellMax: 10_000_000 } as const;

export function emptyMatrix(sizes: string[], colors: string[]): Matrix {
  return { sizes: [...sizes], colors: [...colors], quantities: colors.map(() => sizes.map(() => 0)) };
}

export function matrixTotal(m: Matrix): number {
  let total = 0;
  for (const row of m.quantities) for (const q of row) total += q;
  return total;
}

export function cellValue(m: Matrix, color: string, size: string): number | undefined {
  const r = m.colors.indexOf(color);
  const c = m.sizes.indexOf(size);
  if (r < 0 || c < 0) return undefined;
  return m.quantities[r][c];
}

/**
 * The same cells laid out over other sizes and colors: cells present in both keep their
 * quantity, new cells start at 0, cells no longer present are dropped.
 */
export function reshape(m: Matrix, sizes: string[], colors: string[]): Matrix {
  const colIndex = sizes.map((s) => m.sizes.indexOf(s));
  return {
    sizes: [...sizes],
    colors: [...colors],
    quantities: colors.map((color) => {
      const row = m.quantities[m.colors.indexOf(color)];
      return colIndex.map((c) => (row && c >= 0 ? row[c] : 0));
    }),
  };
}

/** Checks shape, limits and every cell; returns the matrix or undefined with problems recorded. */
export function parseMatrix(value: unknown, field: string, p: Problems): Matrix | undefined {
  if (!isObject(value)) {
    p.add(field, 'must be an object with sizes, colors and quantities');
    return undefined;
  }
  const before = p.list.length;
  // An unknown key (say `quantity` for `quantities`) must not silently become a matrix of zeros.
  rejectUnknown(value, ['sizes', 'colors', 'quantities'], p, `${field}.`);
  const sizes = codeList(value.sizes, `${field}.sizes`, p, LIMITS.sizes);
  const colors = codeList(value.colors, `${field}.colors`, p, LIMITS.colors);
  if (!sizes || !colors) return undefined;
  if (!checkCellCount(sizes, colors, field, p) || p.list.length > before) return undefined;
  const q = value.quantities;
  if (q === undefined) return emptyMatrix(sizes, colors);
  if (!Array.isArray(q) || q.length !== colors.length) {
    p.add(`${field}.quantities`, `must have one row per color (${colors.length} rows)`);
    return undefined;
  }
  let reported = 0;
  q.forEach((row, r) => {
    if (!Array.isArray(row) || row.length !== sizes.length) {
      p.add(`${field}.quantities[${r}]`, `must have one quantity per size (${sizes.length})`);
      return;
    }
    row.forEach((cell, c) => {
      if (!isCellQuantity(cell) && reported++ < 20) {
        p.add(`${field}.quantities[${r}][${c}]`, `must be a whole number from 0 to ${LIMITS.cellMax} (color ${colors[r]}, size ${sizes[c]})`);
      }
    });
  });
  if (reported > 20) p.add(`${field}.quantities`, `${reported - 20} more cells are invalid`);
  return p.list.length === before ? { sizes: [...sizes], colors: [...colors], quantities: q.map((row) => [...row]) } : undefined;
}

/** At most LIMITS.cells cells; records a problem on `field` otherwise. */
export function checkCellCount(sizes: readonly string[], colors: readonly string[], field: string, p: Problems): boolean {
  const cells = sizes.length * colors.length;
  if (cells <= LIMITS.cells) return true;
  p.add(field, `has ${cells} cells (${colors.length} colors x ${sizes.length} sizes); at most ${LIMITS.cells} are allowed`);
  return false;
}

/** The same check for a layout built from parts (defaults, reshapes): a 400 naming `field`. */
export function requireCellCount(sizes: readonly string[], colors: readonly string[], field: string): void {
  const p = new Problems();
  if (!checkCellCount(sizes, colors, field, p)) throw new ValidationError(p.list);
}

export function isCellQuantity(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= LIMITS.cellMax;
}

export function addMatrices(a: Matrix, b: Matrix): Matrix {
  const bb = reshape(b, a.sizes, a.colors);
  return { ...a, quantities: a.quantities.map((row, r) => row.map((q, c) => q + bb.quantities[r][c])) };
}

export function sameCells(a: Matrix, b: Matrix): boolean {
  return JSON.stringify([a.sizes, a.colors, a.quantities]) === JSON.stringify([b.sizes, b.colors, b.quantities]);
}
