// The replenishment rules, without I/O. Per style with any cell below its reorder point, one Draft
// order for `target - onHand - open` on the low cells, where `open` is the quantity still to come
// into stock from the style's open production orders:
//
//   open(cell) = sum over orders of the style in Draft, Planned, Released or InProgress whose source
//                is `commercial` or `replenishment`, of max(0, ordered(cell) - produced(cell))
//
// - Completed and Cancelled orders bring nothing more.
// - What an InProgress order already produced is taken to be in the warehouse's on-hand figure (or
//   on its way there): only its remainder counts.
// - Orders made for a sales order (`source.type = salesOrder`) are left out: those garments are
//   already sold to a customer and never refill the shelf, so counting them would under-order.
//
// The order is one a planner can plan: it is due `replenishment.leadTimeDays` after the run (never
// without a date), and each color it orders is raised to at least `replenishment.minQtyPerColor`
// (a cutting / dye-lot minimum), spread over that color's sizes in proportion to their need with
// largest-remainder rounding, so the color's total is exactly the minimum and no size gets less than
// it needed. A color the run orders nothing of is not added: the minimum applies to a color being
// made, it does not start making a color that needs nothing. (raiseToMinimum itself spreads a row
// with no need at all evenly over its sizes, earlier sizes first, should a caller give it one.)
import { isAtLeast } from './techPack.js';
import { OPEN_STATES } from './productionOrder.js';
import { isLow, type Stock, type StockCell } from './stock.js';
import type { FactorySettings, Matrix, OrderSource, OrderState, TechPack } from './types.js';

export type SkipReason =
  | 'REPLENISHMENT_DISABLED'
  | 'NOT_LOW'
  | 'TECH_PACK_MISSING'
  | 'TECH_PACK_TOO_EARLY'
  | 'OPEN_REPLENISHMENT_ORDER'
  | 'COVERED_BY_OPEN_ORDERS'
  | 'CONCURRENT_RUN'
  | 'STOCK_CHANGED'
  | 'TIME_BUDGET'
  | 'ERROR';

export interface Skip {
  techPackId: string;
  reason: SkipReason;
  message: string;
  /** The open replenishment order that blocks this style, or the one a concurrent run created. */
  orderId?: string;
}

/** What the rules read of a production order. */
export interface OpenOrderLike {
  id: string;
  state: OrderState;
  source: OrderSource;
  matrix: Matrix;
  progress?: { produced: Matrix };
}

export const skip = (techPackId: string, reason: SkipReason, message: string, orderId?: string): Skip => ({
  techPackId,
  reason,
  message,
  ...(orderId ? { orderId } : {}),
});

/**
 * The checks that need no order query: the setting, the stock still low, the tech pack far enough,
 * and the style's replenishment marker. `marker` is the order the stock's marker points at (read
 * consistently); a marker whose order is Completed or Cancelled (or gone) no longer blocks.
 */
export function gate(args: {
  stock: Stock;
  techPack: TechPack | undefined;
  settings: FactorySettings;
  marker: { id: string; state: OrderState } | undefined;
}): Skip | undefined {
  const { stock, techPack, settings, marker } = args;
  const id = stock.techPackId;
  if (!settings.replenishment.enabled)
    return skip(id, 'REPLENISHMENT_DISABLED', 'Replenishment is switched off in the factory settings');
  if (!stock.cells.some(isLow)) return skip(id, 'NOT_LOW', 'No cell is below its reorder point any more');
  if (!techPack) return skip(id, 'TECH_PACK_MISSING', `Tech pack ${id} does not exist`);
  if (!isAtLeast(techPack.state, settings.minTechPackStateForOrders)) {
    return skip(
      id,
      'TECH_PACK_TOO_EARLY',
      `Tech pack ${id} is in ${techPack.state}; orders are opened from ${settings.minTechPackStateForOrders} on`,
    );
  }
  if (marker && OPEN_STATES.includes(marker.state)) {
    return skip(id, 'OPEN_REPLENISHMENT_ORDER', `Replenishment order ${marker.id} is still ${marker.state}`, marker.id);
  }
  return undefined;
}

const cellKey = (color: string, size: string) => `${color}\u0000${size}`;

/** The sources whose orders refill stock (made-to-order production for a customer does not). */
export const STOCK_SOURCES: readonly OrderSource['type'][] = ['commercial', 'replenishment'];

/** Per cell, what the style's open stock orders will still deliver. */
export function openQuantities(orders: readonly OpenOrderLike[]): Map<string, number> {
  const open = new Map<string, number>();
  for (const o of orders) {
    if (!OPEN_STATES.includes(o.state) || !STOCK_SOURCES.includes(o.source.type)) continue;
    const produced = o.progress?.produced;
    o.matrix.colors.forEach((color, r) =>
      o.matrix.sizes.forEach((size, c) => {
        const made = produced
          ? (produced.quantities[produced.colors.indexOf(color)]?.[produced.sizes.indexOf(size)] ?? 0)
          : 0;
        const rest = Math.max(0, o.matrix.quantities[r][c] - made);
        if (rest > 0) open.set(cellKey(color, size), (open.get(cellKey(color, size)) ?? 0) + rest);
      }),
    );
  }
  return open;
}

export interface ReplenishmentLine extends StockCell {
  open: number;
  order: number;
}

/** A color raised to the minimum quantity per color. */
export interface RaisedColor {
  color: string;
  from: number;
  to: number;
}

export type ReplenishmentDecision =
  | { kind: 'order'; matrix: Matrix; lines: ReplenishmentLine[]; raised: RaisedColor[]; notes: string }
  | { kind: 'skip'; skip: Skip };

/** What planReplenishment takes from the factory settings (`replenishment`). */
export interface ReplenishmentPolicy {
  minQtyPerColor: number;
}

/** The delivery date of a replenishment order: the run's date (UTC) plus `leadTimeDays`. */
export function replenishmentDeliveryDate(runAt: string, leadTimeDays: number): string {
  const d = new Date(`${runAt.slice(0, 10)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + leadTimeDays);
  return d.toISOString().slice(0, 10);
}

/**
 * One color's quantities over its sizes, raised to a total of at least `min`: `min` is spread in
 * proportion to each size's need (its quantity), largest remainder first (ties: the earlier size), so
 * the total is exactly `min` and every size keeps at least what it had. A row with no need at all is
 * spread evenly, earlier sizes taking the remainder. A row already at or above `min` is unchanged.
 */
export function raiseToMinimum(row: readonly number[], min: number): number[] {
  const total = row.reduce((s, v) => s + v, 0);
  if (total >= min || row.length === 0) return [...row];
  const weights = total > 0 ? row : row.map(() => 1);
  const weightSum = total > 0 ? total : row.length;
  // Integer arithmetic: min x weight stays far below 2^53 within the matrix limits.
  const out = weights.map((w) => Math.floor((min * w) / weightSum));
  const rest = weights.map((w, i) => ({ i, r: (min * w) % weightSum }));
  let left = min - out.reduce((s, v) => s + v, 0);
  for (const { i } of rest.sort((a, b) => b.r - a.r || a.i - b.i)) {
    if (left === 0) break;
    out[i] += 1;
    left -= 1;
  }
  return out;
}

/**
 * The order for one style once its open orders are known: `target - onHand - open` on each low
 * cell (cells at or above their reorder point get nothing). The matrix holds only the colors and
 * sizes that get something, in the tech pack's order.
 */
export function planReplenishment(
  stock: Stock,
  techPack: Pick<TechPack, 'sizes' | 'colors'>,
  orders: readonly OpenOrderLike[],
  policy: ReplenishmentPolicy = { minQtyPerColor: 0 },
): ReplenishmentDecision {
  const id = stock.techPackId;
  const openRepl = orders.find((o) => o.source.type === 'replenishment' && OPEN_STATES.includes(o.state));
  if (openRepl)
    return {
      kind: 'skip',
      skip: skip(
        id,
        'OPEN_REPLENISHMENT_ORDER',
        `Replenishment order ${openRepl.id} is still ${openRepl.state}`,
        openRepl.id,
      ),
    };
  const open = openQuantities(orders);
  const lines: ReplenishmentLine[] = stock.cells.filter(isLow).map((cell) => {
    const inOrders = open.get(cellKey(cell.color, cell.size)) ?? 0;
    return { ...cell, open: inOrders, order: Math.max(0, cell.target - cell.onHand - inOrders) };
  });
  const ordered = lines.filter((l) => l.order > 0);
  if (ordered.length === 0) {
    return {
      kind: 'skip',
      skip: skip(
        id,
        'COVERED_BY_OPEN_ORDERS',
        `Open orders already bring the ${lines.length} low cell(s) up to target`,
      ),
    };
  }
  const rank = (list: string[]) => (v: string) => (list.indexOf(v) < 0 ? Number.MAX_SAFE_INTEGER : list.indexOf(v));
  const colorRank = rank(techPack.colors.map((c) => c.code));
  const sizeRank = rank(techPack.sizes);
  const colors = [...new Set(ordered.map((l) => l.color))].sort((a, b) => colorRank(a) - colorRank(b));
  const sizes = [...new Set(ordered.map((l) => l.size))].sort((a, b) => sizeRank(a) - sizeRank(b));
  const needed = colors.map(() => sizes.map(() => 0));
  for (const l of ordered) needed[colors.indexOf(l.color)][sizes.indexOf(l.size)] = l.order;
  const total = ordered.reduce((s, l) => s + l.order, 0);
  const raised: RaisedColor[] = [];
  const quantities = needed.map((row, r) => {
    const next = raiseToMinimum(row, policy.minQtyPerColor);
    const [from, to] = [row, next].map((q) => q.reduce((s, v) => s + v, 0));
    if (to !== from) raised.push({ color: colors[r], from, to });
    return next;
  });
  const notes =
    `Replenishment: ${lines.length} cell(s) below reorder point, ${total} garment(s) = target - on hand - open orders. ` +
    ordered
      .slice(0, 50)
      .map((l) => `${l.color}/${l.size}: ${l.target} - ${l.onHand} - ${l.open} = ${l.order}`)
      .join('; ') +
    (ordered.length > 50 ? `; ${ordered.length - 50} more` : '') +
    (raised.length
      ? `. Raised to the minimum of ${policy.minQtyPerColor} per color: ` +
        raised
          .slice(0, 50)
          .map((c) => `${c.color} ${c.from} -> ${c.to}`)
          .join('; ') +
        (raised.length > 50 ? `; ${raised.length - 50} more` : '')
      : '');
  return { kind: 'order', matrix: { sizes, colors, quantities }, lines, raised, notes };
}
