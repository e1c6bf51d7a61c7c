// Production batches: what runs on the floor. Sub-matrix checks, the allocation rule, generation
// from the batch plan, the batch state machine, and the order's progress (batched, produced,
// rejected). Pure: no storage, no transport.
import { ConflictError, IllegalTransitionError } from './errors.js';
import { byRemainder, emptyMatrix, matrixTotal, reshape } from './matrix.js';
import { toleranceBounds, type BatchSummary } from './productionOrder.js';
import type { Actor, HistoryEntry, Matrix, OrderState, ProductionOrder } from './types.js';
import type * as v from 'valibot';
import {
  BATCH_ACTIONS,
  BATCH_STATES,
  BatchCreate,
  BatchTransition as BatchTransitionSchema,
  GenerateBatches,
  type ProductionBatch as ProductionBatchSchema,
} from './schemas/batches.js';
import { collect, parseWith, quiet } from './schemas/core.js';
import { Problems, isObject, requireObject } from './validate.js';

export type BatchState = BatchSummary['state'];
export { BATCH_ACTIONS, BATCH_STATES };
export type BatchAction = (typeof BATCH_ACTIONS)[number];

/** DESIGN: Planned -> Running -> Finished, Planned -> Cancelled. */
export const BATCH_MOVES: Record<BatchAction, { from: BatchState; to: BatchState }> = {
  start: { from: 'Planned', to: 'Running' },
  finish: { from: 'Running', to: 'Finished' },
  cancel: { from: 'Planned', to: 'Cancelled' },
};

/** Batches are created and moved only while their order is in one of these states. */
export const PRODUCTION_STATES: readonly OrderState[] = ['Released', 'InProgress'];

/** The batch actions that start from a state (BATCH_MOVES read by state). */
export function batchActionsFrom(state: BatchState): BatchAction[] {
  return BATCH_ACTIONS.filter((action) => BATCH_MOVES[action].from === state);
}

/** May the order's batches be created (generated) and moved now? */
export function isInProduction(state: OrderState): boolean {
  return PRODUCTION_STATES.includes(state);
}

/**
 * At most this many batches from one generate call. It keeps the call one transaction (the store
 * packs generated batches into shared items: see functions/store/batchCodec.ts) and the answer a
 * sensible size; a plan that needs more is refused with TOO_MANY_BATCHES.
 */
export const MAX_GENERATED_BATCHES = 2_000;

/** The resource (shared/schemas/batches.ts). */
export type ProductionBatch = v.InferOutput<typeof ProductionBatchSchema>;

/**
 * A Planned batch of a Cancelled order is Cancelled: the order's cancellation cancels its Planned
 * batches in the order's own write (whatever their number), not by rewriting each batch.
 */
export function effectiveBatchState(stored: BatchState, orderState: OrderState): BatchState {
  return stored === 'Planned' && orderState === 'Cancelled' ? 'Cancelled' : stored;
}

// ---- input ------------------------------------------------------------------------------------

/** `{"matrix": {sizes, colors, quantities}}`: the shape only; checkSubMatrix checks it against the order. */
export function parseBatchCreate(raw: unknown): Matrix {
  const body = requireObject(raw);
  const p = new Problems();
  const input = collect(BatchCreate, body, p);
  if (body.matrix === undefined) {
    p.list.splice(0, p.list.length, ...p.list.filter((x) => x.field !== 'matrix'));
    p.add('matrix', 'is required: the sizes, colors and quantities of the batch');
  }
  if (input && isObject(body.matrix) && body.matrix.quantities === undefined) p.add('matrix.quantities', 'is required');
  p.throwIfAny();
  return input!.matrix;
}

/**
 * The optional body of a generate call: `{"maxBatchQty": n}` overrides the order's batch plan for
 * this call only (the plan itself is frozen once the order is released).
 */
export function parseGenerate(raw: unknown): { maxBatchQty?: number } {
  if (raw === undefined || raw === null) return {};
  const { maxBatchQty } = parseWith(GenerateBatches, requireObject(raw));
  return maxBatchQty === undefined ? {} : { maxBatchQty };
}

export interface BatchTransitionRequest {
  action: BatchAction;
  produced?: Matrix;
  rejected?: Matrix;
  reason?: string;
}

export function parseBatchTransition(raw: unknown): BatchTransitionRequest {
  const body = requireObject(raw);
  const p = new Problems();
  const input = collect(BatchTransitionSchema, body, p);
  const action = input?.action ?? quiet(BatchTransitionSchema.entries.action, body.action);
  const out: BatchTransitionRequest = { action: action! };
  if (input?.reason) out.reason = input.reason;
  for (const key of ['produced', 'rejected'] as const) {
    if (body[key] === undefined) continue;
    if (action && action !== 'finish') {
      p.list.splice(0, p.list.length, ...p.list.filter((x) => x.field !== key && !x.field.startsWith(`${key}.`)));
      p.add(key, 'only applies to finish');
    } else if (input?.[key]) out[key] = input[key];
  }
  if (action === 'finish' && body.produced === undefined)
    p.add('produced', 'is required to finish a batch: the good garments per cell');
  p.throwIfAny();
  return out;
}

// ---- rules ------------------------------------------------------------------------------------

export function requireInProduction(order: ProductionOrder, doing: string): void {
  if (!PRODUCTION_STATES.includes(order.state)) {
    throw new ConflictError(
      'ORDER_NOT_IN_PRODUCTION',
      `Order ${order.id} is ${order.state}: batches can only be ${doing} while the order is Released or InProgress`,
      { state: order.state },
    );
  }
}

/** The batch's sizes and colors must be the order's; at least one garment. Returns the matrix. */
export function checkSubMatrix(order: ProductionOrder, m: Matrix, field = 'matrix'): Matrix {
  const p = new Problems();
  m.sizes.forEach((s, i) => {
    if (!order.matrix.sizes.includes(s))
      p.add(`${field}.sizes[${i}]`, `${s} is not a size of order ${order.id} (${order.matrix.sizes.join(', ')})`);
  });
  m.colors.forEach((c, i) => {
    if (!order.matrix.colors.includes(c)) p.add(`${field}.colors[${i}]`, `${c} is not a color of order ${order.id}`);
  });
  if (p.ok && matrixTotal(m) === 0) p.add(`${field}.quantities`, 'must hold at least one garment');
  p.throwIfAny();
  return m;
}

export interface OverAllocatedCell {
  color: string;
  size: string;
  ordered: number;
  /** Ordered plus the over-tolerance: what all batches of the cell may add up to. */
  max: number;
  batched: number;
  requested: number;
  available: number;
}

/** `target` (in its own layout) plus or minus `sub` laid over it; cells of `sub` outside `target` are ignored. */
export function addOnto(target: Matrix, sub: Matrix, sign: 1 | -1 = 1): Matrix {
  const rowOf = new Map(target.colors.map((c, i) => [c, i]));
  const colOf = new Map(target.sizes.map((s, i) => [s, i]));
  const quantities = target.quantities.map((row) => [...row]);
  sub.colors.forEach((color, r) => {
    const tr = rowOf.get(color);
    if (tr === undefined) return;
    sub.sizes.forEach((size, c) => {
      const tc = colOf.get(size);
      if (tc !== undefined) quantities[tr][tc] += sign * sub.quantities[r][c];
    });
  });
  return { sizes: [...target.sizes], colors: [...target.colors], quantities };
}

/**
 * The allocation rule: in every cell, what is already batched plus what is asked for stays within
 * the ordered quantity plus the over-tolerance (toleranceBounds(...).max). Returns the cells that
 * would break it.
 */
export function overAllocated(order: ProductionOrder, additions: readonly Matrix[]): OverAllocatedCell[] {
  const batched = reshape(order.progress.batched, order.matrix.sizes, order.matrix.colors);
  const requested = additions.reduce((acc, m) => addOnto(acc, m), emptyMatrix(order.matrix.sizes, order.matrix.colors));
  const out: OverAllocatedCell[] = [];
  order.matrix.colors.forEach((color, r) =>
    order.matrix.sizes.forEach((size, c) => {
      const asked = requested.quantities[r][c];
      if (asked === 0) return;
      const ordered = order.matrix.quantities[r][c];
      const { max } = toleranceBounds(ordered, order.tolerance);
      const done = batched.quantities[r][c];
      if (done + asked > max)
        out.push({ color, size, ordered, max, batched: done, requested: asked, available: Math.max(0, max - done) });
    }),
  );
  return out;
}

/** The order's batched matrix with the additions, or 409 OVER_ALLOCATED naming the cells. */
export function allocate(order: ProductionOrder, additions: readonly Matrix[]): Matrix {
  const over = overAllocated(order, additions);
  if (over.length) {
    throw new ConflictError(
      'OVER_ALLOCATED',
      `${over.length} cell(s) would be batched beyond the ordered quantity plus the ${order.tolerance.overPct}% over-tolerance`,
      { cells: over.slice(0, 50), more: Math.max(0, over.length - 50) },
    );
  }
  const batched = reshape(order.progress.batched, order.matrix.sizes, order.matrix.colors);
  return additions.reduce((acc, m) => addOnto(acc, m), batched);
}

// ---- generation -------------------------------------------------------------------------------

/**
 * What generation cuts in a cell: the ordered quantity plus the batch plan's planned extra cut
 * (`extraCutPct`, 0 by default), rounded up, and never beyond the cell's allocation cap (ordered
 * plus the over-tolerance, toleranceBounds max): 600 with a 2% extra cut is 612; 12 is 12.24 -> 13.
 */
export function cutTarget(ordered: number, order: Pick<ProductionOrder, 'batchPlan' | 'tolerance'>): number {
  const extra = Math.round((order.batchPlan.extraCutPct ?? 0) * 100);
  if (extra <= 0) return ordered;
  const { max } = toleranceBounds(ordered, order.tolerance);
  return Math.min(max, Math.ceil((ordered * (10_000 + extra)) / 10_000));
}

/** What is still to batch: the cut target (cutTarget) minus batched, per cell (never below 0). */
export function remainingToBatch(order: ProductionOrder): Matrix {
  const batched = reshape(order.progress.batched, order.matrix.sizes, order.matrix.colors);
  return {
    sizes: [...order.matrix.sizes],
    colors: [...order.matrix.colors],
    quantities: order.matrix.quantities.map((row, r) =>
      row.map((q, c) => Math.max(0, cutTarget(q, order) - batched.quantities[r][c])),
    ),
  };
}

/** floor(a / b) for non-negative safe integers, exact even where a / b rounds in floating point. */
function idiv(a: number, b: number): number {
  let q = Math.floor(a / b);
  if (q * b > a) q--;
  else if ((q + 1) * b <= a) q++;
  return q;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * Splits one color's quantities per size into batches of at most `maxBatchQty` garments.
 *
 * - As few batches as the limit allows, k = ceil(T / maxBatchQty), their totals as even as
 *   possible (T / k rounded down or up: they differ by at most one garment).
 * - The size ratio is kept: a batch of t garments holds, of size s, t x r_s / T rounded down or
 *   up — never further than one garment from its exact share.
 * - Largest-remainder rounding in both directions, so every batch's total and every size's total
 *   come out exact: the batches add up to `remaining`, cell by cell.
 *
 * Rounding both ways at once: each cell starts at its share rounded down; the garments still
 * missing (per batch and per size) are handed out one per cell, only to cells whose share has a
 * remainder, largest remainders first. Batches of the same total have the same shares, so the
 * hand-out works per group of equal batches (at most two groups) and, inside a group, deals each
 * size's extra garments to consecutive batches, so no batch gets two from one size. Such a rounding
 * always exists (a matrix with whole row and column totals can be rounded cell by cell keeping
 * them); the unit tests check it property-based.
 */
export function splitRow(remaining: readonly number[], maxBatchQty: number): number[][] {
  if (!Number.isInteger(maxBatchQty) || maxBatchQty < 1)
    throw new Error('splitRow: maxBatchQty must be a whole number >= 1');
  const total = sum(remaining);
  if (total === 0) return [];
  const k = Math.ceil(total / maxBatchQty);
  const base = Math.floor(total / k);
  const bigger = total - base * k;
  const groups = [
    { size: base + 1, count: bigger },
    { size: base, count: k - bigger },
  ].filter((g) => g.count > 0);

  const floors = groups.map((g) => remaining.map((r) => idiv(g.size * r, total)));
  const fracs = groups.map((g, gi) => remaining.map((r, s) => g.size * r - floors[gi][s] * total));
  const perBatch = groups.map((g, gi) => g.size - sum(floors[gi]));
  const perSize = remaining.map((r, s) => r - groups.reduce((acc, g, gi) => acc + g.count * floors[gi][s], 0));

  // share[gi][s]: how many batches of group gi get one extra garment of size s.
  let share: number[][];
  if (groups.length === 1) share = [perSize];
  else {
    const [g0, g1] = groups;
    const lo = perSize.map((e, s) => Math.max(0, e - (fracs[1][s] > 0 ? g1.count : 0)));
    const hi = perSize.map((e, s) => Math.min(e, fracs[0][s] > 0 ? g0.count : 0));
    let left = g0.count * perBatch[0] - sum(lo);
    if (left < 0 || left > sum(hi) - sum(lo)) throw new Error('splitRow: no exact rounding found');
    const u = [...lo];
    for (const s of byRemainder(fracs[0])) {
      const add = Math.min(hi[s] - u[s], left);
      u[s] += add;
      left -= add;
    }
    share = [u, perSize.map((e, s) => e - u[s])];
  }

  const out: number[][] = [];
  groups.forEach((g, gi) => {
    const rows = Array.from({ length: g.count }, () => [...floors[gi]]);
    let at = 0;
    for (const s of byRemainder(fracs[gi])) {
      for (let n = 0; n < share[gi][s]; n++) rows[at++ % g.count][s] += 1;
    }
    out.push(...rows);
  });
  return out;
}

/** How many batches generating would create: per color, ceil(remaining / maxBatchQty). */
export function countGenerated(remaining: Matrix, maxBatchQty: number): number {
  return remaining.quantities.reduce((n, row) => n + Math.ceil(sum(row) / maxBatchQty), 0);
}

/**
 * The batches the order's batch plan asks for: per color, chunks of at most maxBatchQty covering
 * exactly what is still to batch, the planned extra cut included (remainingToBatch, splitRow).
 * Each batch's matrix is one color over the sizes that color still has to batch. 409
 * NOTHING_REMAINING when all is batched, TOO_MANY_BATCHES when the plan needs more than
 * MAX_GENERATED_BATCHES.
 */
export function planBatches(order: ProductionOrder, maxBatchQty = order.batchPlan.maxBatchQty): Matrix[] {
  requireInProduction(order, 'generated');
  const remaining = remainingToBatch(order);
  const count = countGenerated(remaining, maxBatchQty);
  if (count === 0)
    throw new ConflictError('NOTHING_REMAINING', `Every garment of order ${order.id} is already in a batch`);
  if (count > MAX_GENERATED_BATCHES) {
    throw new ConflictError(
      'TOO_MANY_BATCHES',
      `At most ${maxBatchQty} a batch, the plan needs ${count} batches; one call generates at most ${MAX_GENERATED_BATCHES}. Generate with a larger {"maxBatchQty": n}, or create some batches by hand first`,
      { batches: count, max: MAX_GENERATED_BATCHES, maxBatchQty },
    );
  }
  const out: Matrix[] = [];
  remaining.colors.forEach((color, r) => {
    const row = remaining.quantities[r];
    const cols = row.map((q, c) => (q > 0 ? c : -1)).filter((c) => c >= 0);
    if (cols.length === 0) return;
    const sizes = cols.map((c) => remaining.sizes[c]);
    for (const chunk of splitRow(
      cols.map((c) => row[c]),
      maxBatchQty,
    ))
      out.push({ sizes, colors: [color], quantities: [chunk] });
  });
  return out;
}

// ---- creation ---------------------------------------------------------------------------------

export interface BatchCreation {
  /** The order with the new batches counted in progress.batched (version + 1). */
  order: ProductionOrder;
  batches: ProductionBatch[];
  /** One entry for the creation: `create` (one batch by hand) or `generate` (all batches of one call). */
  history: HistoryEntry;
}

function touched(order: ProductionOrder, actor: Actor, now: string): ProductionOrder {
  return { ...order, version: order.version + 1, updatedAt: now, updatedBy: actor.id };
}

export function createBatches(
  order: ProductionOrder,
  matrices: readonly Matrix[],
  opts: { ids: readonly string[]; origin: ProductionBatch['origin']; actor: Actor; now: string; maxBatchQty?: number },
): BatchCreation {
  requireInProduction(order, 'created');
  if (opts.ids.length !== matrices.length) throw new Error('createBatches: one id per batch');
  const batched = allocate(order, matrices);
  const next = touched(order, opts.actor, opts.now);
  next.progress = { ...order.progress, batched };
  const batches: ProductionBatch[] = matrices.map((m, i) => ({
    id: opts.ids[i],
    orderId: order.id,
    state: 'Planned',
    version: 1,
    origin: opts.origin,
    matrix: m,
    total: matrixTotal(m),
    createdAt: opts.now,
    createdBy: opts.actor.id,
    updatedAt: opts.now,
    updatedBy: opts.actor.id,
  }));
  const total = batches.reduce((n, b) => n + b.total, 0);
  const history: HistoryEntry =
    opts.origin === 'generated'
      ? {
          at: opts.now,
          actor: opts.actor.id,
          action: 'generate',
          from: null,
          to: 'Planned',
          version: 1,
          details: {
            batches: batches.length,
            total,
            maxBatchQty: opts.maxBatchQty ?? order.batchPlan.maxBatchQty,
            extraCutPct: order.batchPlan.extraCutPct ?? 0,
            batchIds: batches.map((b) => b.id),
          },
        }
      : {
          at: opts.now,
          actor: opts.actor.id,
          action: 'create',
          from: null,
          to: 'Planned',
          version: 1,
          details: { total },
        };
  return { order: next, batches, history };
}

// ---- transitions ------------------------------------------------------------------------------

export interface BatchChange {
  order: ProductionOrder;
  batch: ProductionBatch;
  history: HistoryEntry;
  /** Set when the order's state changed too (the first start: Released -> InProgress). */
  orderHistory?: HistoryEntry;
}

/** A produced or rejected matrix over exactly the batch's sizes and colors, laid out like the batch. */
function overBatch(batch: ProductionBatch, m: Matrix | undefined, field: string, p: Problems): Matrix | undefined {
  if (!m) return emptyMatrix(batch.matrix.sizes, batch.matrix.colors);
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
  let ok = true;
  if (!same(m.sizes, batch.matrix.sizes)) {
    p.add(`${field}.sizes`, `must be the batch's sizes: ${batch.matrix.sizes.join(', ')}`);
    ok = false;
  }
  if (!same(m.colors, batch.matrix.colors)) {
    p.add(`${field}.colors`, `must be the batch's colors: ${batch.matrix.colors.join(', ')}`);
    ok = false;
  }
  return ok ? reshape(m, batch.matrix.sizes, batch.matrix.colors) : undefined;
}

/** A cell of a batch whose produced and rejected do not add up to the batch's quantity. */
export interface UnreconciledCell {
  color: string;
  size: string;
  quantity: number;
  produced: number;
  rejected: number;
  missing: number;
}

/**
 * What a finish leaves unaccounted for, per cell of the batch: quantity - produced - rejected (the
 * matrices laid out like the batch, produced + rejected never above the quantity).
 */
export function missingOf(batch: Pick<ProductionBatch, 'matrix'>, produced: Matrix, rejected: Matrix): Matrix {
  return {
    sizes: [...batch.matrix.sizes],
    colors: [...batch.matrix.colors],
    quantities: batch.matrix.quantities.map((row, r) =>
      row.map((q, c) => q - produced.quantities[r][c] - rejected.quantities[r][c]),
    ),
  };
}

/** A Finished batch with its `missing` matrix and total, derived from what it recorded (nothing stored twice). */
export function withMissing(batch: ProductionBatch): ProductionBatch {
  if (batch.state !== 'Finished' || !batch.produced) return batch;
  const rejected = batch.rejected ?? emptyMatrix(batch.matrix.sizes, batch.matrix.colors);
  const missing = missingOf(batch, batch.produced, rejected);
  return { ...batch, missing, missingTotal: matrixTotal(missing) };
}

/**
 * Every piece accounted for: a finish whose produced + rejected is below the batch in any cell
 * needs a reason (the rest is then recorded as missing); without one, 409 UNRECONCILED naming the cells.
 */
export function requireReconciled(
  batch: ProductionBatch,
  produced: Matrix,
  rejected: Matrix,
  reason: string | undefined,
): Matrix {
  const missing = missingOf(batch, produced, rejected);
  if (reason) return missing;
  const cells: UnreconciledCell[] = [];
  batch.matrix.colors.forEach((color, r) =>
    batch.matrix.sizes.forEach((size, c) => {
      const gone = missing.quantities[r][c];
      if (gone > 0) {
        cells.push({
          color,
          size,
          quantity: batch.matrix.quantities[r][c],
          produced: produced.quantities[r][c],
          rejected: rejected.quantities[r][c],
          missing: gone,
        });
      }
    }),
  );
  if (cells.length === 0) return missing;
  const shown = cells
    .slice(0, 3)
    .map(
      (x) =>
        `${x.color}/${x.size} ${x.quantity} cut, ${x.produced} produced + ${x.rejected} rejected (${x.missing} missing)`,
    );
  const more = cells.length > 3 ? `; and ${cells.length - 3} more` : '';
  throw new ConflictError(
    'UNRECONCILED',
    `${cells.length} cell(s) of batch ${batch.id} are not accounted for: ${shown.join('; ')}${more}. ` +
      'Count again, or finish with a reason to record the difference as missing',
    {
      batchId: batch.id,
      cells: cells.slice(0, 100),
      more: Math.max(0, cells.length - 100),
      missingTotal: matrixTotal(missing),
    },
  );
}

/**
 * start / finish / cancel one batch of `order`. Every move updates the order too (version + 1), so
 * a batch move and an order transition can never both win a race: start (Released -> InProgress on
 * the first one), finish (produced and rejected added to the order's progress), cancel (its
 * garments no longer count as batched).
 */
export function transitionBatch(
  order: ProductionOrder,
  batch: ProductionBatch,
  req: BatchTransitionRequest,
  actor: Actor,
  now: string,
): BatchChange {
  const move = BATCH_MOVES[req.action];
  const state = effectiveBatchState(batch.state, order.state);
  if (state !== move.from) throw new IllegalTransitionError('production batch', state, req.action);
  requireInProduction(order, req.action === 'start' ? 'started' : req.action === 'finish' ? 'finished' : 'cancelled');

  const nextBatch: ProductionBatch = {
    ...batch,
    state: move.to,
    version: batch.version + 1,
    updatedAt: now,
    updatedBy: actor.id,
  };
  if (req.reason) nextBatch.reason = req.reason;
  const nextOrder = touched(order, actor, now);
  const history: HistoryEntry = {
    at: now,
    actor: actor.id,
    action: req.action,
    from: state,
    to: move.to,
    version: nextBatch.version,
    ...(req.reason ? { reason: req.reason } : {}),
  };
  const change: BatchChange = { order: nextOrder, batch: nextBatch, history };

  switch (req.action) {
    case 'start':
      nextBatch.startedAt = now;
      if (order.state === 'Released') {
        nextOrder.state = 'InProgress';
        change.orderHistory = {
          at: now,
          actor: actor.id,
          action: 'start',
          from: 'Released',
          to: 'InProgress',
          version: nextOrder.version,
          details: { batchId: batch.id },
        };
      }
      break;
    case 'finish': {
      const p = new Problems();
      const produced = overBatch(batch, req.produced, 'produced', p);
      const rejected = overBatch(batch, req.rejected, 'rejected', p);
      if (produced && rejected) {
        let reported = 0;
        batch.matrix.colors.forEach((color, r) =>
          batch.matrix.sizes.forEach((size, c) => {
            const made = produced.quantities[r][c] + rejected.quantities[r][c];
            if (made > batch.matrix.quantities[r][c] && reported++ < 20) {
              p.add(
                'produced',
                `${color}/${size}: produced ${produced.quantities[r][c]} + rejected ${rejected.quantities[r][c]} is more than the batch's ${batch.matrix.quantities[r][c]}`,
              );
            }
          }),
        );
        if (reported > 20) p.add('produced', `${reported - 20} more cells exceed the batch`);
      }
      p.throwIfAny();
      const missing = requireReconciled(batch, produced!, rejected!, req.reason);
      nextBatch.produced = produced!;
      nextBatch.rejected = rejected!;
      nextBatch.producedTotal = matrixTotal(produced!);
      nextBatch.rejectedTotal = matrixTotal(rejected!);
      nextBatch.missing = missing;
      nextBatch.missingTotal = matrixTotal(missing);
      nextBatch.finishedAt = now;
      const { sizes, colors } = order.matrix;
      const layout = (m: Matrix | undefined) => reshape(m ?? emptyMatrix(sizes, colors), sizes, colors);
      nextOrder.progress = {
        ...order.progress,
        produced: addOnto(layout(order.progress.produced), produced!),
        rejected: addOnto(layout(order.progress.rejected), rejected!),
        missing: addOnto(layout(order.progress.missing), missing),
      };
      history.details = {
        produced: nextBatch.producedTotal,
        rejected: nextBatch.rejectedTotal,
        missing: nextBatch.missingTotal,
      };
      break;
    }
    case 'cancel':
      nextBatch.cancelledAt = now;
      nextOrder.progress = {
        ...order.progress,
        batched: addOnto(reshape(order.progress.batched, order.matrix.sizes, order.matrix.colors), batch.matrix, -1),
      };
      break;
  }
  return change;
}
