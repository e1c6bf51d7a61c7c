// Orders made from another order after the plan moved (DESIGN: "After release the plan still moves"):
//   - a split moves un-batched quantity of an open order to a new order linked by `splitFrom`;
//   - a backorder is the Draft a short-close opens for the shortfall, linked by `backorderOf` (the
//     completed order carries `backorderId`).
// Pure: the store writes the original, the new order and their history entries in one transaction.
import { shiftMilestones } from './milestones.js';
import { ConflictError, IllegalTransitionError } from './errors.js';
import { emptyMatrix, matrixTotal, reshape } from './matrix.js';
import { createdEntry, FINAL_STATES, type OrderTransition } from './productionOrder.js';
import {
  MAX_PRODUCTION_ORDERS_PER_SALES_ORDER,
  type SalesOrder,
  type SalesOrderChange,
  withProductionOrder,
} from './salesOrder.js';
import { collect } from './schemas/core.js';
import { OrderSplit } from './schemas/productionOrder.js';
import type { Actor, HistoryEntry, Matrix, OrderState, ProductionOrder } from './types.js';
import { Problems, requireObject } from './validate.js';

// ---- split --------------------------------------------------------------------------------------

export interface SplitRequest {
  /** What moves, laid out over the order's own sizes and colors (cells left out of the body: 0). */
  matrix: Matrix;
  reason: string;
  deliveryDate?: string;
}

/** The body of `POST /v1/production-orders/{id}/split`: every bad field named (reason required). */
export function parseSplit(raw: unknown): { matrix: Matrix; reason: string; deliveryDate?: string } {
  const body = requireObject(raw);
  const p = new Problems();
  const input = collect(OrderSplit, body, p);
  p.throwIfAny();
  const { matrix, reason, deliveryDate } = input!;
  return deliveryDate === undefined ? { matrix, reason } : { matrix, reason, deliveryDate };
}

/** A cell the split would take below what is already batched. */
export interface BelowBatchedCell {
  color: string;
  size: string;
  ordered: number;
  batched: number;
  /** What may still move: ordered minus batched (never below 0). */
  available: number;
  requested: number;
}

/** The new order's state: the original's before release, Released once it is in production. */
export function splitState(state: OrderState): OrderState {
  return state === 'InProgress' ? 'Released' : state;
}

/**
 * Checks a split against the order as read and returns what moves, over the order's layout. Refuses:
 * a final order (409 ILLEGAL_TRANSITION); sizes or colors not of the order (400 naming them); nothing
 * moved (400 on matrix.quantities); a cell beyond its un-batched quantity (409 BELOW_BATCHED naming
 * the cells and what they have available); the whole order (409 SPLIT_TAKES_ALL: re-promise instead).
 */
export function checkSplit(order: ProductionOrder, body: { matrix: Matrix }): Matrix {
  if (FINAL_STATES.includes(order.state)) throw new IllegalTransitionError('production order', order.state, 'split');
  const m = body.matrix;
  const p = new Problems();
  m.sizes.forEach((s, i) => {
    if (!order.matrix.sizes.includes(s))
      p.add(`matrix.sizes[${i}]`, `${s} is not a size of order ${order.id} (${order.matrix.sizes.join(', ')})`);
  });
  m.colors.forEach((c, i) => {
    if (!order.matrix.colors.includes(c))
      p.add(`matrix.colors[${i}]`, `${c} is not a color of order ${order.id} (${order.matrix.colors.join(', ')})`);
  });
  if (p.ok && matrixTotal(m) === 0) p.add('matrix.quantities', 'must move at least one garment');
  p.throwIfAny();
  const moved = reshape(m, order.matrix.sizes, order.matrix.colors);
  const batched = reshape(order.progress.batched, order.matrix.sizes, order.matrix.colors);
  const below: BelowBatchedCell[] = [];
  order.matrix.colors.forEach((color, r) =>
    order.matrix.sizes.forEach((size, c) => {
      const requested = moved.quantities[r][c];
      const ordered = order.matrix.quantities[r][c];
      const done = batched.quantities[r][c];
      const available = Math.max(0, ordered - done);
      if (requested > available) below.push({ color, size, ordered, batched: done, available, requested });
    }),
  );
  if (below.length) {
    const shown = below
      .slice(0, 3)
      .map((b) => `${b.color}/${b.size} has ${b.available} un-batched (asked ${b.requested})`)
      .join('; ');
    const more = below.length > 3 ? `, and ${below.length - 3} more` : '';
    throw new ConflictError(
      'BELOW_BATCHED',
      `${below.length} cell(s) cannot give that much: only quantity not yet batched can be split off (${shown}${more})`,
      { cells: below.slice(0, 100), more: Math.max(0, below.length - 100) },
    );
  }
  if (matrixTotal(moved) === order.total) {
    throw new ConflictError(
      'SPLIT_TAKES_ALL',
      `The split would move all ${order.total} garments of order ${order.id}: a split leaves some behind ` +
        '(to move the whole order, change its delivery date instead)',
      { total: order.total },
    );
  }
  return moved;
}

export interface Split {
  /** The original, its matrix reduced (version + 1), and its `split` history entry. */
  order: ProductionOrder;
  history: HistoryEntry;
  /** The new order (version 1, `splitFrom`), and its `create` history entry (the Created event). */
  split: ProductionOrder;
  splitHistory: HistoryEntry;
}

/**
 * The split itself, from the order as read, what moves (checkSplit) and the new order's id. The new
 * order keeps the source, tolerance, batch plan, IQ template, notes and the released BOM revision;
 * its state is splitState's; its delivery date the request's or the original's. Before release its
 * promise follows its date; once released it keeps the original's first promise
 * (`originalDeliveryDate`).
 */
export function splitOrder(
  order: ProductionOrder,
  req: SplitRequest,
  moved: Matrix,
  ctx: { id: string; actor: Actor; now: string },
): Split {
  const { id, actor, now } = ctx;
  const quantities = order.matrix.quantities.map((row, r) => row.map((q, c) => q - moved.quantities[r][c]));
  const next: ProductionOrder = {
    ...order,
    matrix: { ...order.matrix, quantities },
    total: order.total - matrixTotal(moved),
    version: order.version + 1,
    updatedAt: now,
    updatedBy: actor.id,
  };
  const matrix = compact(moved);
  const state = splitState(order.state);
  const deliveryDate = req.deliveryDate ?? order.deliveryDate;
  const released = order.releasedBomRevision !== null;
  const { backorderOf: _of, backorderId: _id, ...rest } = order;
  const split: ProductionOrder = {
    ...rest,
    id,
    state,
    version: 1,
    deliveryDate,
    originalDeliveryDate: released ? (order.originalDeliveryDate ?? deliveryDate) : deliveryDate,
    // The same milestones, moved with the split's own delivery date (the done ones stay done).
    milestones: shiftMilestones(order.milestones ?? [], order.deliveryDate, deliveryDate),
    matrix,
    total: matrixTotal(matrix),
    progress: emptyProgress(matrix),
    splitFrom: order.id,
    createdAt: now,
    createdBy: actor.id,
    updatedAt: now,
    updatedBy: actor.id,
  };
  const total = split.total;
  const history: HistoryEntry = {
    at: now,
    actor: actor.id,
    action: 'split',
    from: order.state,
    to: order.state,
    version: next.version,
    reason: req.reason,
    // The moved cells themselves are the split's matrix; a small one is repeated here for the reader.
    details: { splitId: id, total, deliveryDate, ...(cellsOf(matrix) <= 500 ? { matrix } : {}) },
  };
  const created = createdEntry(split);
  const splitHistory: HistoryEntry = {
    ...created,
    reason: req.reason,
    details: { ...(created.details as object), splitFrom: order.id, total },
  };
  return { order: next, history, split, splitHistory };
}

const cellsOf = (m: Matrix) => m.sizes.length * m.colors.length;

/** The moved cells over the sizes and colors that hold any (in the order's own order). */
function compact(m: Matrix): Matrix {
  const rows = m.colors.map((_, r) => r).filter((r) => m.quantities[r].some((q) => q > 0));
  const cols = m.sizes.map((_, c) => c).filter((c) => rows.some((r) => m.quantities[r][c] > 0));
  return {
    sizes: cols.map((c) => m.sizes[c]),
    colors: rows.map((r) => m.colors[r]),
    quantities: rows.map((r) => cols.map((c) => m.quantities[r][c])),
  };
}

function emptyProgress(m: Matrix): ProductionOrder['progress'] {
  const empty = () => emptyMatrix(m.sizes, m.colors);
  return { batched: empty(), produced: empty(), rejected: empty(), missing: empty() };
}

// ---- backorder ------------------------------------------------------------------------------------

/** Ordered minus produced, per cell, where positive (0 elsewhere), over the order's layout. */
export function shortfall(order: ProductionOrder): Matrix {
  const produced = reshape(order.progress.produced, order.matrix.sizes, order.matrix.colors);
  return {
    sizes: [...order.matrix.sizes],
    colors: [...order.matrix.colors],
    quantities: order.matrix.quantities.map((row, r) => row.map((q, c) => Math.max(0, q - produced.quantities[r][c]))),
  };
}

/**
 * What a `complete` with `backorder` opens: the shortfall of the order as read (409 NOTHING_SHORT when
 * every cell produced its ordered quantity: no backorder, nothing written). Called after
 * transitionOrder accepted the completion.
 */
export function requireShortfall(order: ProductionOrder): Matrix {
  const short = shortfall(order);
  if (matrixTotal(short) === 0) {
    throw new ConflictError(
      'NOTHING_SHORT',
      `Order ${order.id} produced every cell's ordered quantity: there is no shortfall to backorder ` +
        '(complete it without "backorder")',
      { ordered: order.total, produced: matrixTotal(order.progress.produced) },
    );
  }
  return compact(short);
}

export interface Backorder {
  /** The completion, the completed order carrying `backorderId`, its history entry naming it. */
  completion: OrderTransition;
  /** The Draft holding the shortfall (`backorderOf`), and its `create` history entry. */
  backorder: ProductionOrder;
  backorderHistory: HistoryEntry;
}

/**
 * The backorder of a completion (`change`, from transitionOrder on `order` as read): a Draft with the
 * shortfall, the same tech pack, source, tolerance, batch plan, IQ template, notes and delivery date,
 * linked both ways.
 */
export function openBackorder(
  order: ProductionOrder,
  change: OrderTransition,
  short: Matrix,
  ctx: { id: string; reason?: string; actor: Actor; now: string },
): Backorder {
  const { id, actor, now } = ctx;
  const { splitFrom: _from, backorderOf: _of, backorderId: _id, ...rest } = order;
  const backorder: ProductionOrder = {
    ...rest,
    id,
    state: 'Draft',
    version: 1,
    originalDeliveryDate: order.deliveryDate,
    matrix: short,
    total: matrixTotal(short),
    releasedBomRevision: null,
    progress: emptyProgress(short),
    backorderOf: order.id,
    createdAt: now,
    createdBy: actor.id,
    updatedAt: now,
    updatedBy: actor.id,
  };
  const details = { ...((change.history.details as object | undefined) ?? {}), backorderId: id };
  const completion: OrderTransition = {
    ...change,
    order: { ...change.order, backorderId: id },
    history: { ...change.history, details },
  };
  const created = createdEntry(backorder);
  const backorderHistory: HistoryEntry = {
    ...created,
    ...(ctx.reason ? { reason: ctx.reason } : {}),
    details: { ...(created.details as object), backorderOf: order.id, total: backorder.total },
  };
  return { completion, backorder, backorderHistory };
}

// ---- the sales order's link ----------------------------------------------------------------------

/**
 * A split or backorder of a sales order's production order is one of its production orders too (it
 * covers its matrix while open): the sales order lists it (version + 1) with a history entry.
 */
export function linkToSalesOrder(
  so: SalesOrder,
  orderId: string,
  link: { splitFrom?: string; backorderOf?: string; total: number },
  actor: Actor,
  now: string,
): SalesOrderChange {
  if (so.productionOrderIds.length >= MAX_PRODUCTION_ORDERS_PER_SALES_ORDER) {
    throw new ConflictError(
      'TOO_MANY_PRODUCTION_ORDERS',
      `Sales order ${so.id} already has ${so.productionOrderIds.length} production orders`,
      { count: so.productionOrderIds.length },
    );
  }
  return withProductionOrder(so, orderId, link, actor, now);
}
