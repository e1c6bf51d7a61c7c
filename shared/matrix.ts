// Size x color quantity matrices: one row per color, one column per size.
import type { Matrix } from './types.js';
import { ValidationError } from './errors.js';
import { Problems } from './validate.js';
import { collect } from './schemas/core.js';
import { LIMITS, MatrixInput, cellCountProblem, isCellQuantity } from './schemas/matrix.js';

export { LIMITS, isCellQuantity };

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

/**
 * Checks shape, limits and every cell (the MatrixInput schema, shared/schemas/matrix.ts); returns
 * the matrix or undefined with problems recorded under `field`.
 */
export function parseMatrix(value: unknown, field: string, p: Problems): Matrix | undefined {
  return collect(MatrixInput, value, p, field);
}

/** At most LIMITS.cells cells; records a problem on `field` otherwise. */
export function checkCellCount(
  sizes: readonly string[],
  colors: readonly string[],
  field: string,
  p: Problems,
): boolean {
  const problem = cellCountProblem(sizes.length, colors.length);
  if (problem) p.add(field, problem);
  return problem === undefined;
}

/** The same check for a layout built from parts (defaults, reshapes): a 400 naming `field`. */
export function requireCellCount(sizes: readonly string[], colors: readonly string[], field: string): void {
  const p = new Problems();
  if (!checkCellCount(sizes, colors, field, p)) throw new ValidationError(p.list);
}

export function addMatrices(a: Matrix, b: Matrix): Matrix {
  const bb = reshape(b, a.sizes, a.colors);
  return { ...a, quantities: a.quantities.map((row, r) => row.map((q, c) => q + bb.quantities[r][c])) };
}

export function sameCells(a: Matrix, b: Matrix): boolean {
  return JSON.stringify([a.sizes, a.colors, a.quantities]) === JSON.stringify([b.sizes, b.colors, b.quantities]);
}
