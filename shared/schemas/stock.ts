// Stock per SKU cell: the PUT body and the resource.
import * as v from 'valibot';
import { checkedBy, list, number, requiredText, strict } from './core.js';
import { LIMITS } from './matrix.js';

const quantity = number({ integer: true, min: 0, max: LIMITS.cellMax });

export const StockCellInput = strict(
  {
    color: requiredText(40),
    size: requiredText(40),
    onHand: quantity,
    reorderPoint: v.pipe(quantity, v.description('The cell is low when onHand is below this')),
    target: v.pipe(quantity, v.description('At least reorderPoint (checked in code); replenishment orders up to it')),
  },
  'must be an object {color, size, onHand, reorderPoint, target}',
);

const CELLS = list(StockCellInput, {
  notArray: 'must be a list of {color, size, onHand, reorderPoint, target}',
  max: LIMITS.cells,
});

/**
 * `cells` is checked cell by cell by parseStockPut (shared/stock.ts): each against the tech pack's
 * colors and sizes, at most 50 problems named; here only that it is a list of at most 20000.
 */
export const StockPut = strict({
  cells: v.pipe(
    checkedBy(CELLS, (input) => {
      if (!Array.isArray(input)) return { issues: v.safeParse(CELLS, input).issues };
      if (input.length > LIMITS.cells) return { issues: v.safeParse(CELLS, input).issues };
      return { value: input as v.InferOutput<typeof CELLS> };
    }),
    v.description('Each cell names a color and a size of the tech pack, once (checked in code)'),
  ),
});

export const StockCell = v.object({
  color: v.string(),
  size: v.string(),
  onHand: v.number(),
  reorderPoint: v.number(),
  target: v.number(),
});

export const Stock = v.object({
  techPackId: v.string(),
  /** Ordered by the tech pack's colors, then its sizes. */
  cells: v.array(StockCell),
  /** 0 until the first push. */
  version: v.number(),
  /** True when any cell is below its reorder point. */
  low: v.boolean(),
  /** The replenishment order created for this style and not yet seen Completed or Cancelled. */
  openReplenishmentOrderId: v.nullable(v.string()),
  updatedAt: v.nullable(v.string()),
  updatedBy: v.nullable(v.string()),
});
