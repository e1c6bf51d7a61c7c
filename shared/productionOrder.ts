// Production order: the plan for one style, and the state machine with every gate from DESIGN.md.
import { ConflictError, IllegalTransitionError, ValidationError } from './errors.js';
import { cellValue, checkCellCount, emptyMatrix, matrixTotal, parseMatrix, requireCellCount, reshape } from './matrix.js';
import { parseTolerance, withToleranceDefaults, type ToleranceInput } from './settings.js';
import { isAtLeast } from './techPack.js';
import type {
  Actor, BatchPlan, FactorySettings, HistoryEntry, Matrix, OrderAction, OrderSource, OrderState, ProductionOrder,
  TechPack, Tolerance, ToleranceScope,
} from './types.js';
import { ORDER_ACTIONS } from './types.js';
import { Problems, codeList, isObject, isoDate, num, oneOf, rejectUnknown, requireObject, str } from './validate.js';

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

const CREATE_FIELDS = ['techPackId', 'deliveryDate', 'matrix', 'sizes', 'colors', 'batchPlan', 'tolerance', 'notes', 'iqTemplate'] as const;
const PATCH_FIELDS = ['deliveryDate', 'matrix', 'sizes', 'colors', 'batchPlan', 'tolerance', 'notes', 'iqTemplate'] as const;

export function parseOrderCreate(raw: unknown): OrderInput {
  const body = requireObject(raw);
  const p = new Problems();
  rejectUnknown(body, CREATE_FIELDS, p);
  const techPackId = str(body, 'techPackId', p, { required: true, max: 40 });
  const fields = parseOrderFields(body, p);
  p.throwIfAny();
  return { techPackId: techPackId!, ...fields };
}

export type OrderPatch = Omit<OrderInput, 'techPackId'>;

export function parseOrderPatch(raw: unknown): OrderPatch {
  const body = requireObject(raw);
  const p = new Problems();
  rejectUnknown(body, PATCH_FIELDS, p);
  const patch = parseOrderFields(body, p);
  if (Object.keys(body).length === 0) p.add('body', 'names nothing to change');
  p.throwIfAny();
  return patch;
}

function parseOrderFields(body: Record<string, unknown>, p: Problems): OrderPatch {
  const out: OrderPatch = {};
  if (body.deliveryDate === null) out.deliveryDate = null;
  else if (body.deliveryDate !== undefined) out.deliveryDate = isoDate(body.deliveryDate, 'deliveryDate', p);
  if (body.matrix !== undefined) out.matrix = parseMatrix(body.matrix, 'matrix', p);
  if (body.sizes !== undefined) out.sizes = codeList(body.sizes, 'sizes', p, 100);
  if (body.colors !== undefined) out.colors = codeList(body.colors, 'colors', p, 500);
  if (out.matrix && (out.sizes || out.colors)) p.add('matrix', 'give either matrix or sizes/colors, not both');
  else if (out.sizes && out.colors) checkCellCount(out.sizes, out.colors, 'colors', p);
  if (body.batchPlan !== undefined) {
    if (!isObject(body.batchPlan)) p.add('batchPlan', 'must be an object {maxBatchQty, extraCutPct?}');
    else {
      const maxBatchQty = num(body.batchPlan.maxBatchQty, 'batchPlan.maxBatchQty', p, { integer: true, min: 1, max: 10_000_000 });
      const extra = body.batchPlan.extraCutPct;
      const extraCutPct = extra === undefined
        ? undefined
        : num(extra, 'batchPlan.extraCutPct', p, { min: 0, max: 100 });
      if (maxBatchQty !== undefined) {
        out.batchPlan = extraCutPct === undefined ? { maxBatchQty } : { maxBatchQty, extraCutPct };
      }
    }
  }
  if (body.tolerance !== undefined) out.tolerance = parseTolerance(body.tolerance, 'tolerance', p);
  if (body.notes !== undefined) out.notes = str(body, 'notes', p, { max: 4000 }) ?? '';
  if (body.iqTemplate !== undefined) out.iqTemplate = str(body, 'iqTemplate', p, { max: 80 });
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
    throw new ValidationError([{
      field: 'batchPlan.extraCutPct',
      message: `must be at most the order's over-tolerance (${order.tolerance.overPct}%): `
        + 'batches are never cut beyond it',
    }]);
  }
}

/**
 * An order as stored before tolerance scopes, planned extra cuts and missing pieces existed reads
 * with their defaults: scope `color`, extraCutPct 0 (progress.missing is the store's to fill).
 */
export function withOrderDefaults(order: ProductionOrder): ProductionOrder {
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
    matrix,
    total: matrixTotal(matrix),
    source,
    tolerance,
    batchPlan,
    iqTemplate: input.iqTemplate ?? techPack.iqTemplate ?? null,
    notes: input.notes ?? '',
    releasedBomRevision: null,
    progress: emptyProgress(matrix),
    createdAt: now,
    createdBy: actor.id,
    updatedAt: now,
    updatedBy: actor.id,
  };
}

export function requireEditable(order: ProductionOrder, what: string): void {
  if (!EDITABLE_STATES.includes(order.state)) {
    throw new ConflictError('NOT_EDITABLE', `The ${what} of an order in ${order.state} can no longer change (only in Draft or Planned)`, { state: order.state });
  }
}

function touched(order: ProductionOrder, actor: Actor, now: string): ProductionOrder {
  return { ...order, version: order.version + 1, updatedAt: now, updatedBy: actor.id };
}

function entry(order: ProductionOrder, actor: Actor, now: string, action: string, from: string | null, to: string | null, extra: Partial<HistoryEntry> = {}): HistoryEntry {
  return { at: now, actor: actor.id, action, from, to, version: order.version, ...extra };
}

export interface OrderChange {
  order: ProductionOrder;
  history: HistoryEntry;
}

export function createdEntry(order: ProductionOrder): HistoryEntry {
  return { at: order.createdAt, actor: order.createdBy, action: 'create', from: null, to: order.state, version: order.version, details: { source: order.source } };
}

export function applyOrderPatch(order: ProductionOrder, patch: OrderPatch, actor: Actor, now: string): OrderChange {
  if (FINAL_STATES.includes(order.state)) throw new ConflictError('NOT_EDITABLE', `An order in ${order.state} can no longer change`, { state: order.state });
  const planning = (['deliveryDate', 'matrix', 'sizes', 'colors', 'batchPlan', 'tolerance'] as const).filter((k) => patch[k] !== undefined);
  if (planning.length > 0) requireEditable(order, planning.join(', '));
  const next = touched(order, actor, now);
  if (patch.deliveryDate !== undefined) next.deliveryDate = patch.deliveryDate;
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
  if (next.matrix !== order.matrix) next.progress = emptyProgress(next.matrix);
  return { order: next, history: entry(next, actor, now, 'update', order.state, order.state, { details: { fields: Object.keys(patch) } }) };
}

// ---- transitions ------------------------------------------------------------------------------

export interface TransitionRequest {
  action: OrderAction;
  reason?: string;
  shortClose?: boolean;
}

export function parseOrderTransition(raw: unknown): TransitionRequest {
  const body = requireObject(raw);
  const p = new Problems();
  rejectUnknown(body, ['action', 'reason', 'shortClose'], p);
  const action = oneOf(body.action, ORDER_ACTIONS, 'action', p);
  const reason = str(body, 'reason', p, { max: 2000 });
  if (body.shortClose !== undefined && typeof body.shortClose !== 'boolean') p.add('shortClose', 'must be true or false');
  if (action === 'cancel' && !reason) p.add('reason', 'is required to cancel an order');
  if (body.shortClose === true && action !== 'complete') p.add('shortClose', 'only applies to complete');
  if (body.shortClose === true && !reason) p.add('reason', 'is required to short-close an order');
  p.throwIfAny();
  return { action: action!, reason: reason || undefined, shortClose: body.shortClose === true };
}

/** Which states each action starts from, and where it leads. */
export const ORDER_MOVES: Record<OrderAction, { from: readonly OrderState[]; to: OrderState }> = {
  plan: { from: ['Draft'], to: 'Planned' },
  reopen: { from: ['Planned'], to: 'Draft' },
  release: { from: ['Planned'], to: 'Released' },
  complete: { from: ['InProgress'], to: 'Completed' },
  cancel: { from: OPEN_STATES, to: 'Cancelled' },
};

export interface BatchSummary {
  id: string;
  state: 'Planned' | 'Running' | 'Finished' | 'Cancelled';
  /** The batch's sub-matrix; when given, cancelling the order takes its Planned batches out of progress.batched. */
  matrix?: Matrix;
}

export interface TransitionContext {
  techPack?: TechPack;
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
  if (!techPack || techPack.state !== 'ProductionReady') {
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
  if (missing.length) throw new ConflictError('ORDER_INCOMPLETE', `This order cannot be ${verb} yet: ${missing.join('; ')}`, { missing });
}

export function transitionOrder(order: ProductionOrder, req: TransitionRequest, ctx: TransitionContext): OrderTransition {
  const move = ORDER_MOVES[req.action];
  if (!move.from.includes(order.state)) throw new IllegalTransitionError('production order', order.state, req.action);
  const next = touched(order, ctx.actor, ctx.now);
  next.state = move.to;
  const result: OrderTransition = { order: next, history: entry(next, ctx.actor, ctx.now, req.action, order.state, move.to, req.reason ? { reason: req.reason } : {}), cancelBatches: [] };

  switch (req.action) {
    case 'plan':
      requireReadyTechPack(order, ctx.techPack, 'planned');
      requireComplete(order, 'planned');
      result.requireTechPackState = 'ProductionReady';
      break;
    case 'reopen':
      if (ctx.batches.length > 0) throw new ConflictError('BATCHES_EXIST', 'This order has batches and cannot go back to Draft');
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
        throw new ConflictError('BATCHES_OPEN', `${open.length} batch(es) are not Finished or Cancelled yet`, { batches: open.map((b) => b.id) });
      }
      const out = outOfTolerance(order);
      if (out.groups.length && !req.shortClose) {
        const message = `${describeOutOfTolerance(order.tolerance, out)}; `
          + 'complete with shortClose and a reason to close anyway';
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
      if (running.length) throw new ConflictError('BATCH_RUNNING', `Batch ${running.map((b) => b.id).join(', ')} is running: finish it before cancelling the order`, { batches: running.map((b) => b.id) });
      result.cancelBatches = ctx.batches.filter((b) => b.state === 'Planned').map((b) => b.id);
      if (result.cancelBatches.length) result.history.details = { cancelledBatches: result.cancelBatches };
      // The garments of the batches cancelled with the order are no longer batched.
      const released = ctx.batches.filter((b) => b.state === 'Planned' && b.matrix);
      if (released.length) {
        const batched = reshape(order.progress.batched, order.matrix.sizes, order.matrix.colors).quantities.map((row) => [...row]);
        for (const b of released) {
          b.matrix!.colors.forEach((color, r) => {
            const row = order.matrix.colors.indexOf(color);
            b.matrix!.sizes.forEach((size, c) => {
              const col = order.matrix.sizes.indexOf(size);
              if (row >= 0 && col >= 0) batched[row][col] -= b.matrix!.quantities[r][c];
            });
          });
        }
        next.progress = { ...order.progress, batched: { sizes: [...order.matrix.sizes], colors: [...order.matrix.colors], quantities: batched } };
      }
      break;
    }
  }
  return result;
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
  const shown = out.groups.slice(0, 3).map((g) =>
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
  ordered: number, t: Pick<Tolerance, 'overPct' | 'underPct'>,
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
}

export interface CellConflict {
  color: string;
  size: string;
  from: number;
  to: number;
  current: number;
}

export function parseMatrixEdits(raw: unknown): MatrixEditsRequest {
  const body = requireObject(raw);
  const p = new Problems();
  rejectUnknown(body, ['baseVersion', 'edits'], p);
  const baseVersion = num(body.baseVersion, 'baseVersion', p, { integer: true, min: 1 });
  const edits: MatrixEdit[] = [];
  if (!Array.isArray(body.edits) || body.edits.length === 0) p.add('edits', 'must be a non-empty list of {color, size, from, to}');
  else if (body.edits.length > 20_000) p.add('edits', 'must have at most 20000 entries');
  else {
    const seen = new Set<string>();
    body.edits.forEach((e, i) => {
      const f = `edits[${i}]`;
      if (!isObject(e)) return p.add(f, 'must be an object {color, size, from, to}');
      const color = str(e, 'color', p, { required: true, max: 40, prefix: `${f}.` });
      const size = str(e, 'size', p, { required: true, max: 40, prefix: `${f}.` });
      const from = num(e.from, `${f}.from`, p, { integer: true, min: 0, max: 10_000_000 });
      const to = num(e.to, `${f}.to`, p, { integer: true, min: 0, max: 10_000_000 });
      const key = `${color}\u0000${size}`;
      if (seen.has(key)) p.add(f, `edits cell ${color}/${size} twice`);
      seen.add(key);
      if (color && size && from !== undefined && to !== undefined) edits.push({ color, size, from, to });
    });
  }
  p.throwIfAny();
  return { baseVersion: baseVersion!, edits };
}

/**
 * Applies every edit whose cell still holds `from`. Any cell that moved under the planner
 * refuses the whole request: the caller gets the cells' current values and nothing changes.
 */
export function applyMatrixEdits(order: ProductionOrder, req: MatrixEditsRequest, actor: Actor, now: string): OrderChange {
  requireEditable(order, 'matrix');
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
    throw new ConflictError('EDIT_CONFLICT', `${conflicts.length} cell(s) were changed by someone else since version ${req.baseVersion}`, {
      conflicts,
      version: order.version,
      updatedBy: order.updatedBy,
      updatedAt: order.updatedAt,
    });
  }
  const quantities = order.matrix.quantities.map((row) => [...row]);
  for (const e of req.edits) quantities[rowOf.get(e.color)!][colOf.get(e.size)!] = e.to;
  const next = touched(order, actor, now);
  next.matrix = { ...order.matrix, quantities };
  next.total = matrixTotal(next.matrix);
  next.progress = emptyProgress(next.matrix);
  const changed = req.edits.filter((e) => cellValue(order.matrix, e.color, e.size) !== e.to).length;
  return { order: next, history: entry(next, actor, now, 'matrixEdit', order.state, order.state, { details: { baseVersion: req.baseVersion, cells: changed } }) };
}
