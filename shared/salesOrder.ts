// Sales order: what a customer bought of one style, and how much of it production orders still
// have to cover. States `Draft -> Sent -> Accepted`, and `-> Cancelled` from any of those three.
//
// Quantities "held" by production orders are never stored on the sales order: they are recomputed
// from the linked production orders every time (open ones their current matrices, Completed ones
// what they produced, Cancelled ones nothing). A cancelled or shrunk production order therefore
// gives its quantities back, and a short-closed one its shortfall, without any extra write, and the
// store guards the computation with conditional writes (see functions/store/salesOrders.ts).
import { ConflictError, IllegalTransitionError } from './errors.js';
import { emptyMatrix, matrixTotal, reshape } from './matrix.js';
import type { Actor, HistoryEntry, Matrix, OrderState } from './types.js';
import { collect, parseWith, quiet } from './schemas/core.js';
import type * as v from 'valibot';
import {
  SALES_ORDER_STATES,
  type SalesOrder as SalesOrderSchema,
  SalesOrderCreate,
  SalesOrderProductionOrder,
  SalesOrderTransition,
} from './schemas/salesOrder.js';
import { Problems, requireObject } from './validate.js';

export { SALES_ORDER_STATES };
export type SalesOrderState = (typeof SALES_ORDER_STATES)[number];

/** The resource (shared/schemas/salesOrder.ts). */
export type SalesOrder = v.InferOutput<typeof SalesOrderSchema>;

/** Where each state may go. Cancelled is final; an Accepted order may still be cancelled. */
export const SALES_ORDER_MOVES: Record<SalesOrderState, readonly SalesOrderState[]> = {
  Draft: ['Sent', 'Cancelled'],
  Sent: ['Accepted', 'Cancelled'],
  Accepted: ['Cancelled'],
  Cancelled: [],
};

/** A transaction holds at most 100 items; each linked open order costs one condition check. */
export const MAX_PRODUCTION_ORDERS_PER_SALES_ORDER = 90;

export interface SalesOrderInput {
  customer: string;
  techPackId: string;
  matrix: Matrix;
  deliveryDate?: string;
  notes?: string;
}

export function parseSalesOrderCreate(raw: unknown): SalesOrderInput {
  const body = requireObject(raw);
  const p = new Problems();
  const input = collect(SalesOrderCreate, body, p);
  if (body.matrix === undefined) {
    p.list.splice(0, p.list.length, ...p.list.filter((x) => x.field !== 'matrix'));
    p.add('matrix', 'is required: {sizes, colors, quantities}');
  }
  const matrix = input?.matrix ?? quiet(SalesOrderCreate.entries.matrix, body.matrix);
  if (matrix && matrixTotal(matrix) === 0) p.add('matrix.quantities', 'must order at least one garment');
  p.throwIfAny();
  const { customer, techPackId, deliveryDate, notes } = input!;
  const optional = { ...(deliveryDate ? { deliveryDate } : {}), ...(notes ? { notes } : {}) };
  return { customer, techPackId, matrix: input!.matrix, ...optional };
}

export function newSalesOrder(args: {
  id: string;
  input: SalesOrderInput;
  styleCode: string;
  actor: Actor;
  now: string;
}): SalesOrder {
  const { id, input, styleCode, actor, now } = args;
  return {
    id,
    customer: input.customer,
    techPackId: input.techPackId,
    styleCode,
    state: 'Draft',
    version: 1,
    matrix: input.matrix,
    total: matrixTotal(input.matrix),
    deliveryDate: input.deliveryDate ?? null,
    notes: input.notes ?? '',
    productionOrderIds: [],
    createdAt: now,
    createdBy: actor.id,
    updatedAt: now,
    updatedBy: actor.id,
  };
}

export function salesOrderCreatedEntry(so: SalesOrder): HistoryEntry {
  return {
    at: so.createdAt,
    actor: so.createdBy,
    action: 'create',
    from: null,
    to: so.state,
    version: so.version,
    details: { customer: so.customer, total: so.total },
  };
}

// ---- transitions ------------------------------------------------------------------------------

export interface SalesOrderTransitionRequest {
  to: SalesOrderState;
  reason?: string;
}

export function parseSalesOrderTransition(raw: unknown): SalesOrderTransitionRequest {
  const { to, reason } = parseWith(SalesOrderTransition, requireObject(raw));
  return { to, ...(reason ? { reason } : {}) };
}

export interface SalesOrderChange {
  salesOrder: SalesOrder;
  history: HistoryEntry;
}

export function transitionSalesOrder(
  so: SalesOrder,
  req: SalesOrderTransitionRequest,
  actor: Actor,
  now: string,
): SalesOrderChange {
  if (!SALES_ORDER_MOVES[so.state].includes(req.to))
    throw new IllegalTransitionError('sales order', so.state, `move to ${req.to}`);
  const next: SalesOrder = { ...so, state: req.to, version: so.version + 1, updatedAt: now, updatedBy: actor.id };
  const history: HistoryEntry = {
    at: now,
    actor: actor.id,
    action: req.to === 'Cancelled' ? 'cancel' : 'transition',
    from: so.state,
    to: req.to,
    version: next.version,
  };
  if (req.reason) history.reason = req.reason;
  // Production orders already created stay as they are: cancelling them is the planners' decision.
  if (req.to === 'Cancelled' && so.productionOrderIds.length)
    history.details = { productionOrderIds: so.productionOrderIds };
  return { salesOrder: next, history };
}

// ---- production orders from a sales order -------------------------------------------------------

/** What this module needs to know of a linked production order. */
export interface LinkedOrder {
  id: string;
  state: OrderState;
  version: number;
  matrix: Matrix;
  /** What the order produced; a Completed order covers exactly this. */
  progress?: { produced: Matrix };
}

/**
 * What one linked order covers of its sales order: an open order its matrix (it will deliver that),
 * a Completed order what it produced (a short-close delivered less, an over-run more), a Cancelled
 * order nothing. Cancelling is refused once there is output (ORDER_HAS_OUTPUT), so nothing produced
 * is ever given back by a cancellation.
 */
export function coveredBy(order: LinkedOrder): Matrix | undefined {
  if (order.state === 'Cancelled') return undefined;
  if (order.state === 'Completed') {
    return order.progress?.produced ?? emptyMatrix(order.matrix.sizes, order.matrix.colors);
  }
  return order.matrix;
}

export interface Coverage {
  /** Sum of what the linked orders cover (coveredBy), on the sales order's layout. */
  held: Matrix;
  /** Sales order minus held, never below 0 per cell. */
  remaining: Matrix;
}

/**
 * What production orders already hold of the sales order, and what remains: open orders hold their
 * matrix, Completed orders what they produced, Cancelled orders nothing (coveredBy). Cells an order
 * has outside the sales order's sizes and colors are ignored.
 */
export function coverage(so: SalesOrder, linked: readonly LinkedOrder[]): Coverage {
  const held = emptyMatrix(so.matrix.sizes, so.matrix.colors);
  for (const order of linked) {
    const covered = coveredBy(order);
    if (!covered) continue;
    const q = reshape(covered, so.matrix.sizes, so.matrix.colors).quantities;
    q.forEach((row, r) => row.forEach((v, c) => (held.quantities[r][c] += v)));
  }
  const remaining: Matrix = {
    sizes: [...so.matrix.sizes],
    colors: [...so.matrix.colors],
    quantities: so.matrix.quantities.map((row, r) => row.map((v, c) => Math.max(0, v - held.quantities[r][c]))),
  };
  return { held, remaining };
}

export interface ProductionOrderRequest {
  deliveryDate?: string;
  notes?: string;
}

/** The optional body of `POST /v1/sales-orders/{id}/production-orders`. */
export function parseProductionOrderRequest(raw: unknown): ProductionOrderRequest {
  if (raw === undefined || raw === null) return {};
  const { deliveryDate, notes } = parseWith(SalesOrderProductionOrder, requireObject(raw));
  return { ...(deliveryDate ? { deliveryDate } : {}), ...(notes ? { notes } : {}) };
}

export interface ProductionOrderPlan {
  /** The quantities the new production order gets: everything that remains. */
  matrix: Matrix;
  total: number;
  /** What the non-cancelled linked orders held before. */
  heldBefore: number;
  deliveryDate: string | null;
  notes: string;
  /** Linked orders that can still change: the write checks they are still at these versions. */
  guard: { id: string; version: number }[];
}

/**
 * Decides the production order an Accepted sales order gets now: whatever the non-cancelled
 * linked orders do not already hold. Refuses with 409 NOTHING_REMAINING when that is nothing.
 */
export function requireAccepted(so: SalesOrder): void {
  if (so.state !== 'Accepted') {
    throw new ConflictError(
      'SALES_ORDER_NOT_ACCEPTED',
      `Sales order ${so.id} is ${so.state}: only an Accepted sales order can become a production order`,
      { state: so.state },
    );
  }
}

export function planProductionOrder(
  so: SalesOrder,
  linked: readonly LinkedOrder[],
  request: ProductionOrderRequest = {},
): ProductionOrderPlan {
  requireAccepted(so);
  const missing = so.productionOrderIds.filter((id) => !linked.some((o) => o.id === id));
  if (missing.length) throw new Error(`linked production orders not loaded: ${missing.join(', ')}`);
  const { held, remaining } = coverage(so, linked);
  const total = matrixTotal(remaining);
  if (total === 0) {
    const holding = linked.filter((o) => o.state !== 'Cancelled').map((o) => o.id);
    throw new ConflictError(
      'NOTHING_REMAINING',
      `Production orders ${holding.join(', ')} already cover every garment of sales order ${so.id}`,
      {
        salesOrderId: so.id,
        productionOrderIds: holding,
        held: matrixTotal(held),
        ordered: so.total,
      },
    );
  }
  if (so.productionOrderIds.length >= MAX_PRODUCTION_ORDERS_PER_SALES_ORDER) {
    throw new ConflictError(
      'TOO_MANY_PRODUCTION_ORDERS',
      `Sales order ${so.id} already has ${so.productionOrderIds.length} production orders`,
      { count: so.productionOrderIds.length },
    );
  }
  return {
    matrix: remaining,
    total,
    heldBefore: matrixTotal(held),
    deliveryDate: request.deliveryDate ?? so.deliveryDate,
    notes: request.notes ?? `Sales order ${so.id} for ${so.customer}`,
    guard: linked
      .filter((o) => o.state !== 'Cancelled' && o.state !== 'Completed')
      .map((o) => ({ id: o.id, version: o.version })),
  };
}

/** The sales order once the new production order is linked (version + 1), and its history entry (no event: same state). */
export function linkProductionOrder(
  so: SalesOrder,
  orderId: string,
  plan: ProductionOrderPlan,
  actor: Actor,
  now: string,
): SalesOrderChange {
  return withProductionOrder(so, orderId, { total: plan.total, heldBefore: plan.heldBefore }, actor, now);
}

/**
 * The sales order listing one more production order (version + 1) and the history entry saying so,
 * with `details` beside the order's id: what every way of adding a production order shares.
 */
export function withProductionOrder(
  so: SalesOrder,
  orderId: string,
  details: Record<string, unknown>,
  actor: Actor,
  now: string,
): SalesOrderChange {
  const next: SalesOrder = {
    ...so,
    productionOrderIds: [...so.productionOrderIds, orderId],
    version: so.version + 1,
    updatedAt: now,
    updatedBy: actor.id,
  };
  return {
    salesOrder: next,
    history: {
      at: now,
      actor: actor.id,
      action: 'productionOrder',
      from: so.state,
      to: so.state,
      version: next.version,
      details: { productionOrderId: orderId, ...details },
    },
  };
}
