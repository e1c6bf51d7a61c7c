// Production order: the plan for one style, and the state machine with every gate from DESIGN.md.
import { ConflictError, IllegalTransitionError, ValidationError } from './errors.js';
import { cellValue, checkCellCount, emptyMatrix, matrixTotal, requireCellCount, reshape } from './matrix.js';
import { withToleranceDefaults, type ToleranceInput } from './settings.js';
import { isAtLeast } from './techPack.js';
import type {
  Actor,
  BatchPlan,
  BomLine,
  FactorySettings,
  HistoryEntry,
  Matrix,
  OrderAction,
  OrderSource,
  OrderState,
  ProductionOrder,
  TechPack,
  Tolerance,
  ToleranceScope,
} from './types.js';
import { ORDER_ACTIONS } from './types.js';
import type * as v from 'valibot';
import { collect, parseWith, quiet } from './schemas/core.js';
import {
  MatrixEdits as MatrixEditsSchema,
  OrderCreate,
  OrderPatch as OrderPatchSchema,
  OrderTransition as OrderTransitionSchema,
} from './schemas/productionOrder.js';
import { Problems, requireObject } from './validate.js';
import {
  amendDetails,
  changedCells,
  isAmendable,
  requireCoveredBySnapshot,
  requireNotBelowBatched,
  requireReason,
  reshapeProgress,
} from './amend.js';
import { milestonesFor, movedMilestones, shiftMilestones } from './milestones.js';

export const FINAL_STATES: readonly OrderState[] = ['Completed', 'Cancelled'];
export const EDITABLE_STATES: readonly OrderState[] = ['Draft', 'Planned'];
export const OPEN_STATES: readonly OrderState[] = ['Draft', 'Planned', 'Released', 'InProgress'];

export interface OrderInput {
  techPackId: string;
  deliveryDate?: string | null;
  matrix?: Matrix;
  sizes?: string[];
  colors?: string[];
  batchPlan?: BatchPlan;
  tolerance?: ToleranceInput;
  notes?: string;
  iqTemplate?: string;
}

export function parseOrderCreate(raw: unknown): OrderInput {
  const body = requireObject(raw);
  const p = new Problems();
  const input = collect(OrderCreate, body, p);
  if (input) checkOrderFields(input, p);
  p.throwIfAny();
  return { techPackId: input!.techPackId, ...orderFields(input!) };
}

export type OrderPatch = Omit<OrderInput, 'techPackId'> & {
  /** Why the plan of a Released or InProgress order moves (amend, re-promise): required then. */
  reason?: string;
};

export function parseOrderPatch(raw: unknown): OrderPatch {
  const body = requireObject(raw);
  const p = new Problems();
  const input = collect(OrderPatchSchema, body, p);
  if (input) checkOrderFields(input, p);
  if (Object.keys(body).filter((k) => k !== 'reason').length === 0) p.add('body', 'names nothing to change');
  p.throwIfAny();
  return orderFields(input!);
}

type OrderFieldsInput = v.InferOutput<typeof OrderPatchSchema>;

/**
 * The checks that span fields: matrix or a reshape, not both; a reshape within the cell limit; a
 * planned extra cut within the tolerance sent with it (checkExtraCut checks it against the order's
 * own or the factory's tolerance otherwise).
 */
function checkOrderFields(input: OrderFieldsInput, p: Problems): void {
  if (input.matrix && (input.sizes || input.colors)) p.add('matrix', 'give either matrix or sizes/colors, not both');
  else if (input.sizes && input.colors) checkCellCount(input.sizes, input.colors, 'colors', p);
  const extra = input.batchPlan?.extraCutPct;
  if (extra !== undefined && input.tolerance && extra > input.tolerance.overPct) {
    p.add('batchPlan.extraCutPct', extraCutMessage(input.tolerance.overPct));
  }
}

function orderFields(input: OrderFieldsInput): OrderPatch {
  const out: OrderPatch = {};
  if (input.deliveryDate !== undefined) out.deliveryDate = input.deliveryDate;
  if (input.matrix !== undefined) out.matrix = input.matrix;
  if (input.sizes !== undefined) out.sizes = input.sizes;
  if (input.colors !== undefined) out.colors = input.colors;
  if (input.batchPlan !== undefined) {
    const { maxBatchQty, extraCutPct } = input.batchPlan;
    out.batchPlan = extraCutPct === undefined ? { maxBatchQty } : { maxBatchQty, extraCutPct };
  }
  if (input.tolerance !== undefined) {
    const { overPct, underPct, scope } = input.tolerance;
    out.tolerance = scope === undefined ? { overPct, underPct } : { overPct, underPct, scope };
  }
  if (input.notes !== undefined) out.notes = input.notes ?? '';
  if (input.iqTemplate !== undefined) out.iqTemplate = input.iqTemplate ?? undefined;
  if (input.reason) out.reason = input.reason;
  return out;
}

function emptyProgress(m: Matrix) {
  const empty = () => emptyMatrix(m.sizes, m.colors);
  return { batched: empty(), produced: empty(), rejected: empty(), missing: empty() };
}

/**
 * The planned extra cut must stay within the over-tolerance: batches cannot be cut beyond it
 * (the allocation cap), so a larger share could never be generated. 400 on batchPlan.extraCutPct.
 */
export function checkExtraCut(order: Pick<ProductionOrder, 'batchPlan' | 'tolerance'>): void {
  const extra = order.batchPlan.extraCutPct ?? 0;
  if (extra > order.tolerance.overPct) {
    throw new ValidationError([{ field: 'batchPlan.extraCutPct', message: extraCutMessage(order.tolerance.overPct) }]);
  }
}

function extraCutMessage(overPct: number): string {
  return `must be at most the order's over-tolerance (${overPct}%): batches are never cut beyond it`;
}

/**
 * An order as stored before tolerance scopes, planned extra cuts and missing pieces existed reads
 * with their defaults: scope `color`, extraCutPct 0 (the order entity's decode applies this, and
 * reads a missing progress.missing as zeros).
 */
export function withOrderDefaults<T extends Pick<ProductionOrder, 'tolerance' | 'batchPlan'>>(order: T): T {
  if (order.tolerance.scope && order.batchPlan.extraCutPct !== undefined) return order;
  return {
    ...order,
    tolerance: withToleranceDefaults(order.tolerance),
    batchPlan: { ...order.batchPlan, extraCutPct: order.batchPlan.extraCutPct ?? 0 },
  };
}

/** A new Draft order, its sizes and colors defaulting from the tech pack. */
export function newOrder(args: {
  id: string;
  input: OrderInput;
  techPack: TechPack;
  settings: FactorySettings;
  source: OrderSource;
  actor: Actor;
  now: string;
}): ProductionOrder {
  const { id, input, techPack, settings, source, actor, now } = args;
  if (!isAtLeast(techPack.state, settings.minTechPackStateForOrders)) {
    throw new ConflictError(
      'TECH_PACK_TOO_EARLY',
      `Tech pack ${techPack.id} is in ${techPack.state}; this factory opens production orders from ${settings.minTechPackStateForOrders} on`,
      { techPackState: techPack.state, minTechPackStateForOrders: settings.minTechPackStateForOrders },
    );
  }
  const sizes = input.sizes ?? techPack.sizes;
  const colors = input.colors ?? techPack.colors.map((c) => c.code);
  if (!input.matrix) requireCellCount(sizes, colors, input.colors ? 'colors' : input.sizes ? 'sizes' : 'matrix');
  const matrix = input.matrix ?? emptyMatrix(sizes, colors);
  const fallback = settings.defaultTolerance;
  const tolerance = withToleranceDefaults(input.tolerance ?? fallback, fallback.scope);
  const batchPlan = { maxBatchQty: settings.defaultMaxBatchQty, extraCutPct: 0, ...input.batchPlan };
  checkExtraCut({ tolerance, batchPlan });
  return {
    id,
    techPackId: techPack.id,
    styleCode: techPack.styleCode,
    state: 'Draft',
    version: 1,
    deliveryDate: input.deliveryDate ?? null,
    originalDeliveryDate: input.deliveryDate ?? null,
    matrix,
    total: matrixTotal(matrix),
    source,
    tolerance,
    batchPlan,
    iqTemplate: input.iqTemplate ?? techPack.iqTemplate ?? null,
    notes: input.notes ?? '',
    releasedBomRevision: null,
    progress: emptyProgress(matrix),
    milestones: milestonesFor(settings.milestoneTemplate ?? [], input.deliveryDate ?? null),
    createdAt: now,
    createdBy: actor.id,
    updatedAt: now,
    updatedBy: actor.id,
  };
}

export function requireEditable(order: ProductionOrder, what: string): void {
  if (!EDITABLE_STATES.includes(order.state)) {
    throw new ConflictError(
      'NOT_EDITABLE',
      `The ${what} of an order in ${order.state} can no longer change (only in Draft or Planned)`,
      { state: order.state },
    );
  }
}

function touched(order: ProductionOrder, actor: Actor, now: string): ProductionOrder {
  return { ...order, version: order.version + 1, updatedAt: now, updatedBy: actor.id };
}

function entry(
  order: ProductionOrder,
  actor: Actor,
  now: string,
  action: string,
  from: string | null,
  to: string | null,
  extra: Partial<HistoryEntry> = {},
): HistoryEntry {
  return { at: now, actor: actor.id, action, from, to, version: order.version, ...extra };
}

export interface OrderChange {
  order: ProductionOrder;
  history: HistoryEntry;
}

export function createdEntry(order: ProductionOrder): HistoryEntry {
  return {
    at: order.createdAt,
    actor: order.createdBy,
    action: 'create',
    from: null,
    to: order.state,
    version: order.version,
    details: { source: order.source },
  };
}

/**
 * A PATCH. In Draft and Planned every field; once Released or InProgress the plan still moves with a
 * `reason` (checkAfterRelease): the delivery date re-promised (originalDeliveryDate kept), or the
 * matrix, sizes and colors amended (never below batched). `snapshot`: the order's release BOM, which
 * an amended matrix must still be covered by (its materials stay pinned to it).
 */
export function applyOrderPatch(
  order: ProductionOrder,
  patch: OrderPatch,
  actor: Actor,
  now: string,
  snapshot?: readonly BomLine[],
): OrderChange {
  if (FINAL_STATES.includes(order.state))
    throw new ConflictError('NOT_EDITABLE', `An order in ${order.state} can no longer change`, { state: order.state });
  const planning = (['deliveryDate', 'matrix', 'sizes', 'colors', 'batchPlan', 'tolerance'] as const).filter(
    (k) => patch[k] !== undefined,
  );
  const afterRelease = planning.length > 0 && isAmendable(order.state);
  if (afterRelease) checkAfterRelease(order, patch, planning);
  else if (planning.length > 0) requireEditable(order, planning.join(', '));
  const next = touched(order, actor, now);
  if (patch.deliveryDate !== undefined) {
    next.deliveryDate = patch.deliveryDate;
    // While the plan is editable the promise is not made yet, so it moves too; after release it is kept.
    if (!afterRelease) next.originalDeliveryDate = patch.deliveryDate;
    next.milestones = shiftMilestones(order.milestones ?? [], order.deliveryDate, next.deliveryDate);
  }
  if (patch.matrix) next.matrix = patch.matrix;
  else if (patch.sizes || patch.colors) {
    const sizes = patch.sizes ?? order.matrix.sizes;
    const colors = patch.colors ?? order.matrix.colors;
    requireCellCount(sizes, colors, patch.colors ? 'colors' : 'sizes');
    next.matrix = reshape(order.matrix, sizes, colors);
  }
  // Left out of a patch, a tolerance's scope and a batch plan's extra cut keep the order's own.
  if (patch.batchPlan) {
    const extraCutPct = patch.batchPlan.extraCutPct ?? order.batchPlan.extraCutPct ?? 0;
    next.batchPlan = { ...patch.batchPlan, extraCutPct };
  }
  if (patch.tolerance) next.tolerance = withToleranceDefaults(patch.tolerance, order.tolerance.scope);
  if (patch.batchPlan || patch.tolerance) checkExtraCut(next);
  if (patch.notes !== undefined) next.notes = patch.notes;
  if (patch.iqTemplate !== undefined) next.iqTemplate = patch.iqTemplate;
  next.total = matrixTotal(next.matrix);
  if (afterRelease) return afterReleaseChange(order, next, patch, actor, now, snapshot);
  if (next.matrix !== order.matrix) next.progress = emptyProgress(next.matrix);
  const fields = Object.keys(patch).filter((k) => k !== 'reason');
  return {
    order: next,
    history: entry(next, actor, now, 'update', order.state, order.state, {
      details: { fields },
      ...(patch.reason ? { reason: patch.reason } : {}),
    }),
  };
}

/**
 * What a Released or InProgress order's PATCH may do: re-promise the date or amend the matrix, sizes
 * or colors, each with a reason (400 naming `reason`), one at a time (each its own history entry and
 * event); batch plan and tolerance no longer change (409 NOT_EDITABLE); the date is never cleared.
 */
function checkAfterRelease(order: ProductionOrder, patch: OrderPatch, planning: readonly string[]): void {
  const frozen = planning.filter((k) => k === 'batchPlan' || k === 'tolerance');
  if (frozen.length) requireEditable(order, frozen.join(', '));
  const repromise = patch.deliveryDate !== undefined;
  requireReason(patch.reason, repromise ? 're-promise the delivery date of' : 'amend', order.state);
  const p = new Problems();
  if (repromise && patch.deliveryDate === null) p.add('deliveryDate', 'cannot be cleared once the order is released');
  if (repromise && planning.length > 1) {
    p.add('deliveryDate', 'is re-promised on its own after release: send the matrix, sizes or colors in another PATCH');
  }
  p.throwIfAny();
}

/** The re-promise or amendment of a Released or InProgress order, as `next` has it: checks and history. */
function afterReleaseChange(
  order: ProductionOrder,
  next: ProductionOrder,
  patch: OrderPatch,
  actor: Actor,
  now: string,
  snapshot: readonly BomLine[] | undefined,
): OrderChange {
  const reason = patch.reason!;
  if (patch.deliveryDate !== undefined) {
    const details = {
      deliveryDate: { from: order.deliveryDate, to: next.deliveryDate },
      originalDeliveryDate: next.originalDeliveryDate,
      movedMilestones: movedMilestones(order.milestones ?? [], next.milestones ?? []),
    };
    return {
      order: next,
      history: entry(next, actor, now, 'repromise', order.state, order.state, { reason, details }),
    };
  }
  if (next.matrix !== order.matrix) {
    requireNotBelowBatched(order, next.matrix);
    requireCoveredBySnapshot(order.matrix, next.matrix, snapshot);
    next.progress = reshapeProgress(order, next.matrix);
  }
  const fields = Object.keys(patch).filter((k) => k !== 'reason');
  const details = amendDetails(changedCells(order.matrix, next.matrix), { fields });
  return { order: next, history: entry(next, actor, now, 'amend', order.state, order.state, { reason, details }) };
}

// ---- transitions ------------------------------------------------------------------------------

export interface TransitionRequest {
  action: OrderAction;
  reason?: string;
  shortClose?: boolean;
  /** With a short-close: open a Draft backorder for the shortfall (shared/linkedOrders.ts). */
  backorder?: boolean;
}

export function parseOrderTransition(raw: unknown): TransitionRequest {
  const body = requireObject(raw);
  const p = new Problems();
  const input = collect(OrderTransitionSchema, body, p);
  // The reason rules read the fields that parsed (a bad action is named once, by the schema).
  const action = input?.action ?? quiet(OrderTransitionSchema.entries.action, body.action);
  const reason = (input ? input.reason : quiet(OrderTransitionSchema.entries.reason, body.reason)) ?? undefined;
  if (action === 'cancel' && !reason) p.add('reason', 'is required to cancel an order');
  if (body.shortClose === true && action !== 'complete') p.add('shortClose', 'only applies to complete');
  if (body.shortClose === true && !reason) p.add('reason', 'is required to short-close an order');
  if (body.backorder === true && (action !== 'complete' || body.shortClose !== true))
    p.add('backorder', 'only applies to complete with "shortClose": true (and a reason)');
  p.throwIfAny();
  const out: TransitionRequest = {
    action: action!,
    reason: reason || undefined,
    shortClose: input!.shortClose === true,
  };
  if (input!.backorder === true) out.backorder = true;
  return out;
}

/** Which states each action starts from, and where it leads. */
export const ORDER_MOVES: Record<OrderAction, { from: readonly OrderState[]; to: OrderState }> = {
  plan: { from: ['Draft'], to: 'Planned' },
  reopen: { from: ['Planned'], to: 'Draft' },
  release: { from: ['Planned'], to: 'Released' },
  complete: { from: ['InProgress'], to: 'Completed' },
  cancel: { from: OPEN_STATES, to: 'Cancelled' },
};

/** The same table read by state: the actions that start from it (what a client may offer). */
export function orderActionsFrom(state: OrderState): OrderAction[] {
  return ORDER_ACTIONS.filter((action) => ORDER_MOVES[action].from.includes(state));
}

/** Matrix, sizes, colors, delivery date, batch plan and tolerance change only in these states. */
export function isEditableState(state: OrderState): boolean {
  return EDITABLE_STATES.includes(state);
}

export interface BatchSummary {
  id: string;
  state: 'Planned' | 'Running' | 'Finished' | 'Cancelled';
  /** The batch's sub-matrix; when given, cancelling the order takes its Planned batches out of progress.batched. */
  matrix?: Matrix;
}

export interface TransitionContext {
  techPack?: TechPack;
  /**
   * plan: the tech pack was not read; the write's check of its state is the gate (the store answers a
   * failed check with requireReadyTechPack's error, from the tech pack as it stands).
   */
  techPackGateAtWrite?: boolean;
  batches: BatchSummary[];
  actor: Actor;
  now: string;
}

export interface OrderTransition extends OrderChange {
  /** Planned batches the cancellation cancels with the order. */
  cancelBatches: string[];
  /** What the write must still find true of the tech pack (the gate holds at write time). */
  requireTechPackState?: TechPack['state'];
}

/** One group at the tolerance's scope: the whole order (no color), a color, or a cell (color and size). */
export interface ToleranceGroup {
  color?: string;
  size?: string;
  /** Summed over the group's cells. */
  ordered: number;
  produced: number;
  /** ordered x (1 - underPct), rounded up. */
  min: number;
  /** The sum of the group's cell caps (what allocation lets a cell be cut: toleranceBounds max). */
  max: number;
}

/** A cell of a group outside tolerance that pulls it out: below its ordered quantity (short) or above its cap. */
export interface ShortCell {
  color: string;
  size: string;
  ordered: number;
  produced: number;
}

export interface ToleranceCheck {
  scope: ToleranceScope;
  /** The groups outside tolerance (none: the order may complete). */
  groups: ToleranceGroup[];
  cells: ShortCell[];
}

export function requireReadyTechPack(order: ProductionOrder, techPack: TechPack | undefined, verb: string): void {
  if (techPack?.state !== 'ProductionReady') {
    const state = techPack?.state ?? 'missing';
    throw new ConflictError(
      'TECH_PACK_NOT_READY',
      `The tech pack ${order.techPackId} is still in ${state}: it must be ProductionReady before this order can be ${verb}`,
      { techPackId: order.techPackId, techPackState: state },
    );
  }
}

/** The plan gate's own part: some quantity ordered, a delivery date set. */
function requireComplete(order: ProductionOrder, verb: string): void {
  const missing: string[] = [];
  if (order.total <= 0) missing.push('the matrix has no quantities');
  if (!order.deliveryDate) missing.push('the delivery date is not set');
  if (missing.length)
    throw new ConflictError('ORDER_INCOMPLETE', `This order cannot be ${verb} yet: ${missing.join('; ')}`, { missing });
}

export function transitionOrder(
  order: ProductionOrder,
  req: TransitionRequest,
  ctx: TransitionContext,
): OrderTransition {
  const move = ORDER_MOVES[req.action];
  if (!move.from.includes(order.state)) throw new IllegalTransitionError('production order', order.state, req.action);
  const next = touched(order, ctx.actor, ctx.now);
  next.state = move.to;
  const result: OrderTransition = {
    order: next,
    history: entry(
      next,
      ctx.actor,
      ctx.now,
      req.action,
      order.state,
      move.to,
      req.reason ? { reason: req.reason } : {},
    ),
    cancelBatches: [],
  };

  switch (req.action) {
    case 'plan':
      if (!ctx.techPackGateAtWrite) requireReadyTechPack(order, ctx.techPack, 'planned');
      requireComplete(order, 'planned');
      result.requireTechPackState = 'ProductionReady';
      break;
    case 'reopen':
      if (ctx.batches.length > 0)
        throw new ConflictError('BATCHES_EXIST', 'This order has batches and cannot go back to Draft');
      break;
    case 'release':
      requireReadyTechPack(order, ctx.techPack, 'released');
      // A Planned order stays editable: the plan gate may no longer hold (date cleared, matrix zeroed).
      requireComplete(order, 'released');
      next.releasedBomRevision = ctx.techPack!.bomRevision;
      result.requireTechPackState = 'ProductionReady';
      result.history.details = { bomRevision: next.releasedBomRevision };
      break;
    case 'complete': {
      const open = ctx.batches.filter((b) => b.state === 'Planned' || b.state === 'Running');
      if (open.length) {
        throw new ConflictError('BATCHES_OPEN', `${open.length} batch(es) are not Finished or Cancelled yet`, {
          batches: open.map((b) => b.id),
        });
      }
      const out = outOfTolerance(order);
      if (out.groups.length && !req.shortClose) {
        const message = `${describeOutOfTolerance(order.tolerance, out)}; complete with shortClose and a reason to close anyway`;
        throw new ConflictError('OUT_OF_TOLERANCE', message, {
          scope: out.scope,
          groups: out.groups.slice(0, 100),
          cells: out.cells.slice(0, 100),
          moreCells: Math.max(0, out.cells.length - 100),
        });
      }
      if (out.groups.length) {
        const details = { scope: out.scope, shortGroups: out.groups, shortCells: out.cells };
        result.history = { ...result.history, action: 'shortClose', details };
      }
      break;
    }
    case 'cancel': {
      const running = ctx.batches.filter((b) => b.state === 'Running');
      if (running.length)
        throw new ConflictError(
          'BATCH_RUNNING',
          `Batch ${running.map((b) => b.id).join(', ')} is running: finish it before cancelling the order`,
          { batches: running.map((b) => b.id) },
        );
      requireNoOutput(order);
      result.cancelBatches = ctx.batches.filter((b) => b.state === 'Planned').map((b) => b.id);
      if (result.cancelBatches.length) result.history.details = { cancelledBatches: result.cancelBatches };
      // The garments of the batches cancelled with the order are no longer batched.
      const released = ctx.batches.filter((b) => b.state === 'Planned' && b.matrix);
      if (released.length) {
        const batched = reshape(order.progress.batched, order.matrix.sizes, order.matrix.colors).quantities.map(
          (row) => [...row],
        );
        for (const b of released) {
          b.matrix!.colors.forEach((color, r) => {
            const row = order.matrix.colors.indexOf(color);
            b.matrix!.sizes.forEach((size, c) => {
              const col = order.matrix.sizes.indexOf(size);
              if (row >= 0 && col >= 0) batched[row][col] -= b.matrix!.quantities[r][c];
            });
          });
        }
        next.progress = {
          ...order.progress,
          batched: { sizes: [...order.matrix.sizes], colors: [...order.matrix.colors], quantities: batched },
        };
      }
      break;
    }
  }
  return result;
}

/**
 * Output cannot be cancelled away: an order with any produced or rejected garment refuses `cancel`
 * (409 ORDER_HAS_OUTPUT). Cancelling it would give its whole quantity back to its sales order and
 * have it produced twice; a short-close (`complete` with `shortClose` and a reason) closes it instead.
 */
export function requireNoOutput(order: ProductionOrder): void {
  const produced = matrixTotal(order.progress.produced);
  const rejected = matrixTotal(order.progress.rejected);
  if (produced === 0 && rejected === 0) return;
  throw new ConflictError(
    'ORDER_HAS_OUTPUT',
    `Order ${order.id} already has output (${produced} produced, ${rejected} rejected) and cannot be cancelled: ` +
      'finish or cancel its open batches, then short-close it (complete with "shortClose": true and a reason)',
    { produced, rejected, instead: { action: 'complete', shortClose: true } },
  );
}

/**
 * Completion at the tolerance's scope (DESIGN: buyers accept "NAVY within 3%", not every cell):
 * produced and ordered are summed per group (`order`: one group; `color`: one per color; `cell`:
 * each cell) and a group is out when its produced is below ordered x (1 - underPct) rounded up, or
 * above the sum of its cells' caps. The cells named are those of the out groups that pull them
 * out: below their ordered quantity (short), or above their cap.
 */
export function outOfTolerance(order: ProductionOrder): ToleranceCheck {
  const scope = order.tolerance.scope ?? 'color';
  const produced = reshape(order.progress.produced, order.matrix.sizes, order.matrix.colors);
  const groups = new Map<string, ToleranceGroup & { members: (ShortCell & { cap: number })[] }>();
  order.matrix.colors.forEach((color, r) =>
    order.matrix.sizes.forEach((size, c) => {
      const ordered = order.matrix.quantities[r][c];
      const made = produced.quantities[r][c];
      const cap = toleranceBounds(ordered, order.tolerance).max;
      const key = scope === 'order' ? '' : scope === 'color' ? color : `${color}\u0000${size}`;
      let g = groups.get(key);
      if (!g) {
        const where = scope === 'order' ? {} : scope === 'color' ? { color } : { color, size };
        g = { ...where, ordered: 0, produced: 0, min: 0, max: 0, members: [] };
        groups.set(key, g);
      }
      g.ordered += ordered;
      g.produced += made;
      g.max += cap;
      g.members.push({ color, size, ordered, produced: made, cap });
    }),
  );
  const out: ToleranceCheck = { scope, groups: [], cells: [] };
  for (const { members, ...g } of groups.values()) {
    g.min = toleranceBounds(g.ordered, order.tolerance).min;
    if (g.produced >= g.min && g.produced <= g.max) continue;
    out.groups.push(g);
    const short = g.produced < g.min;
    for (const { cap, ...cell } of members) {
      if (short ? cell.produced < cell.ordered : cell.produced > cap) out.cells.push(cell);
    }
  }
  return out;
}

function describeOutOfTolerance(t: Tolerance, out: ToleranceCheck): string {
  const n = out.groups.length;
  const what = { order: 'The order is', color: `${n} color(s) are`, cell: `${n} cell(s) are` }[out.scope];
  const name = (g: ToleranceGroup) => (g.size ? `${g.color}/${g.size}` : (g.color ?? 'the order'));
  const shown = out.groups
    .slice(0, 3)
    .map(
      (g) =>
        `${name(g)} made ${g.produced} of ${g.ordered} (${g.produced < g.min ? `at least ${g.min}` : `at most ${g.max}`})`,
    );
  const more = out.groups.length > 3 ? `, and ${out.groups.length - 3} more` : '';
  const bounds = `-${t.underPct}% / +${t.overPct}% per ${out.scope}`;
  return `${what} outside the tolerance (${bounds}): ${shown.join('; ')}${more}`;
}

/**
 * Whole-garment bounds of one quantity; integer arithmetic on hundredths so 5% of 1,000 is
 * exactly 50. `max` is also a cell's allocation cap, rounded UP so a small cell keeps some
 * over-tolerance (12 at 5% may be cut to 13, where rounding down would leave it none); `min` is
 * rounded up too (whole garments at or above the lowest share accepted).
 */
export function toleranceBounds(
  ordered: number,
  t: Pick<Tolerance, 'overPct' | 'underPct'>,
): { min: number; max: number } {
  const hundredths = (pct: number) => Math.round(pct * 100);
  return {
    min: Math.ceil((ordered * (10_000 - hundredths(t.underPct))) / 10_000),
    max: Math.ceil((ordered * (10_000 + hundredths(t.overPct))) / 10_000),
  };
}

// ---- cell-level matrix edits ---------------------------------------------------------------------

export interface MatrixEdit {
  color: string;
  size: string;
  from: number;
  to: number;
}

export interface MatrixEditsRequest {
  baseVersion: number;
  edits: MatrixEdit[];
  /** Required on a Released or InProgress order (an amendment). */
  reason?: string;
}

export interface CellConflict {
  color: string;
  size: string;
  from: number;
  to: number;
  current: number;
}

export function parseMatrixEdits(raw: unknown): MatrixEditsRequest {
  const input = parseWith(MatrixEditsSchema, requireObject(raw));
  const edits = input.edits.map((e) => ({ color: e.color, size: e.size, from: e.from, to: e.to }));
  return input.reason
    ? { baseVersion: input.baseVersion, edits, reason: input.reason }
    : { baseVersion: input.baseVersion, edits };
}

/**
 * Applies every edit whose cell still holds `from`. Any cell that moved under the planner
 * refuses the whole request: the caller gets the cells' current values and nothing changes.
 * On a Released or InProgress order it is an amendment (reason, never below batched, still covered
 * by `snapshot`, the release BOM).
 */
export function applyMatrixEdits(
  order: ProductionOrder,
  req: MatrixEditsRequest,
  actor: Actor,
  now: string,
  snapshot?: readonly BomLine[],
): OrderChange {
  const amending = isAmendable(order.state);
  if (amending) requireReason(req.reason, 'amend', order.state);
  else requireEditable(order, 'matrix');
  const p = new Problems();
  const rowOf = new Map(order.matrix.colors.map((c, i) => [c, i]));
  const colOf = new Map(order.matrix.sizes.map((s, i) => [s, i]));
  const conflicts: CellConflict[] = [];
  for (const [i, e] of req.edits.entries()) {
    if (!rowOf.has(e.color)) p.add(`edits[${i}].color`, `${e.color} is not a color of this order`);
    if (!colOf.has(e.size)) p.add(`edits[${i}].size`, `${e.size} is not a size of this order`);
  }
  p.throwIfAny();
  for (const e of req.edits) {
    const current = order.matrix.quantities[rowOf.get(e.color)!][colOf.get(e.size)!];
    if (current !== e.from && current !== e.to) conflicts.push({ ...e, current });
  }
  if (conflicts.length) {
    throw new ConflictError(
      'EDIT_CONFLICT',
      `${conflicts.length} cell(s) were changed by someone else since version ${req.baseVersion}`,
      {
        conflicts,
        version: order.version,
        updatedBy: order.updatedBy,
        updatedAt: order.updatedAt,
      },
    );
  }
  const quantities = order.matrix.quantities.map((row) => [...row]);
  for (const e of req.edits) quantities[rowOf.get(e.color)!][colOf.get(e.size)!] = e.to;
  const next = touched(order, actor, now);
  next.matrix = { ...order.matrix, quantities };
  next.total = matrixTotal(next.matrix);
  if (amending) return amendedByEdits(order, next, req, actor, now, snapshot);
  next.progress = emptyProgress(next.matrix);
  const changed = req.edits.filter((e) => cellValue(order.matrix, e.color, e.size) !== e.to).length;
  return {
    order: next,
    history: entry(next, actor, now, 'matrixEdit', order.state, order.state, {
      details: { baseVersion: req.baseVersion, cells: changed },
    }),
  };
}

/** Matrix edits of a Released or InProgress order: an amendment (never below batched; progress kept). */
function amendedByEdits(
  order: ProductionOrder,
  next: ProductionOrder,
  req: MatrixEditsRequest,
  actor: Actor,
  now: string,
  snapshot: readonly BomLine[] | undefined,
): OrderChange {
  requireNotBelowBatched(order, next.matrix);
  requireCoveredBySnapshot(order.matrix, next.matrix, snapshot);
  const details = amendDetails(changedCells(order.matrix, next.matrix), { baseVersion: req.baseVersion });
  return {
    order: next,
    history: entry(next, actor, now, 'amend', order.state, order.state, { reason: req.reason, details }),
  };
}
