// After release the plan still moves, on the record (DESIGN): a Released or InProgress order's
// quantities, sizes and colors can be amended and its delivery date re-promised, each with a
// reason, never below what is already batched. The rules here; productionOrder.ts applies them in
// its PATCH and matrix edits.
import { ConflictError, ValidationError } from './errors.js';
import { computeMaterials } from './materials.js';
import { cellValue, reshape } from './matrix.js';
import type { BomLine, Matrix, OrderState, ProductionOrder } from './types.js';

/** The states in which the plan moves only as an amendment (with a reason). */
export const AMENDABLE_STATES: readonly OrderState[] = ['Released', 'InProgress'];

export function isAmendable(state: OrderState): boolean {
  return AMENDABLE_STATES.includes(state);
}

/** A history entry keeps at most this many changed cells (an item holds 400 KB); `cells` counts them all. */
export const MAX_CELLS_IN_HISTORY = 1000;

export interface ChangedCell {
  color: string;
  size: string;
  from: number;
  to: number;
}

/** Every cell whose quantity differs, over both layouts (a cell only in one of them counts 0 in the other). */
export function changedCells(before: Matrix, after: Matrix): ChangedCell[] {
  const out: ChangedCell[] = [];
  const colors = [...new Set([...before.colors, ...after.colors])];
  const sizes = [...new Set([...before.sizes, ...after.sizes])];
  for (const color of colors) {
    for (const size of sizes) {
      const from = cellValue(before, color, size) ?? 0;
      const to = cellValue(after, color, size) ?? 0;
      if (from !== to) out.push({ color, size, from, to });
    }
  }
  return out;
}

/** The history details of an amendment: the changed cells (at most MAX_CELLS_IN_HISTORY) and their count. */
export function amendDetails(cells: readonly ChangedCell[], extra: Record<string, unknown> = {}) {
  return {
    ...extra,
    amendment: true,
    cells: cells.length,
    changes: cells.slice(0, MAX_CELLS_IN_HISTORY),
    ...(cells.length > MAX_CELLS_IN_HISTORY ? { moreChanges: cells.length - MAX_CELLS_IN_HISTORY } : {}),
  };
}

/** 400 naming `reason` when an amendment or re-promise comes without one. */
export function requireReason(reason: string | undefined, doing: string, state: OrderState): void {
  if (!reason) throw new ValidationError([{ field: 'reason', message: `is required to ${doing} a ${state} order` }]);
}

export interface BelowBatchedCell {
  color: string;
  size: string;
  batched: number;
  requested: number;
}

/**
 * Never below what is batched: every cell of the order with batched garments keeps at least that many
 * in `next` (a cell left out of `next` asks for 0). 409 BELOW_BATCHED naming each cell and its batched.
 */
export function requireNotBelowBatched(order: ProductionOrder, next: Matrix): void {
  const batched = reshape(order.progress.batched, order.matrix.sizes, order.matrix.colors);
  const cells: BelowBatchedCell[] = [];
  order.matrix.colors.forEach((color, r) =>
    order.matrix.sizes.forEach((size, c) => {
      const done = batched.quantities[r][c];
      if (done === 0) return;
      const requested = cellValue(next, color, size) ?? 0;
      if (requested < done) cells.push({ color, size, batched: done, requested });
    }),
  );
  if (cells.length === 0) return;
  const shown = cells
    .slice(0, 3)
    .map((x) => `${x.color}/${x.size} has ${x.batched} batched`)
    .join('; ');
  throw new ConflictError(
    'BELOW_BATCHED',
    `${cells.length} cell(s) would go below what is already batched (${shown}${cells.length > 3 ? '; ...' : ''}): ` +
      'cancel Planned batches first, or amend to at least the batched quantity',
    { cells: cells.slice(0, 1000), moreCells: Math.max(0, cells.length - 1000) },
  );
}

/**
 * The amended order's materials follow from its release BOM snapshot (pinned): a new size or color it
 * does not cover would leave the order without a materials summary, so the amendment is refused (409
 * BOM_INCOMPLETE naming the gaps). An order whose snapshot already failed to cover it is not held to it.
 */
export function requireCoveredBySnapshot(
  before: Matrix,
  after: Matrix,
  snapshot: readonly BomLine[] | undefined,
): void {
  if (!snapshot) return;
  try {
    computeMaterials(after, snapshot);
  } catch (err) {
    if (!(err instanceof ConflictError) || err.code !== 'BOM_INCOMPLETE') throw err;
    try {
      computeMaterials(before, snapshot);
    } catch {
      return;
    }
    throw err;
  }
}

/** The order's progress laid over a new layout (amended sizes or colors): the cells kept keep their counts. */
export function reshapeProgress(order: ProductionOrder, next: Matrix): ProductionOrder['progress'] {
  const over = (m: Matrix) => reshape(m, next.sizes, next.colors);
  const p = order.progress;
  return { batched: over(p.batched), produced: over(p.produced), rejected: over(p.rejected), missing: over(p.missing) };
}
