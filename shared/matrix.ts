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

/** Indexes by remainder, largest first (ties: the earlier index). Batch planning and apportion use it. */
export function byRemainder(fracs: readonly number[]): number[] {
  return fracs.map((_, i) => i).sort((a, b) => fracs[b] - fracs[a] || a - b);
}

/**
 * `total` whole units shared in proportion to `weights` by largest remainder (Hamilton): each share
 * is its exact quota rounded down, and the units still missing go one each to the largest
 * remainders. The shares add up to `total` exactly and none is further than one unit from its
 * quota. All weights 0 (or none): all zero shares, and `total` must be 0.
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  if (!Number.isInteger(total) || total < 0) throw new Error('apportion: total must be a whole number >= 0');
  if (weights.some((w) => !Number.isFinite(w) || w < 0)) throw new Error('apportion: weights must be >= 0');
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) {
    if (total !== 0) throw new Error('apportion: no weight to share a non-zero total over');
    return weights.map(() => 0);
  }
  // Quotas rounded to 1e-9 so that 0.1 + 0.2 style noise never decides a remainder.
  const quota = weights.map((w) => Math.round(((total * w) / sum) * 1e9) / 1e9);
  const shares = quota.map((q) => Math.floor(q));
  let left = total - shares.reduce((a, b) => a + b, 0);
  for (const i of byRemainder(quota.map((q, i) => q - shares[i]))) {
    if (left <= 0) break;
    if (weights[i] === 0) continue;
    shares[i] += 1;
    left -= 1;
  }
  return shares;
}
