// Production order: requests (create, patch, transition, matrix edits) and the resource.
import * as v from 'valibot';
import { ORDER_ACTIONS, ORDER_STATES, TOLERANCE_SCOPES } from '../types.js';
import { codeList, isoDate, list, number, oneOf, optionalText, requiredText, strict } from './core.js';
import { LIMITS, Matrix, MatrixInput } from './matrix.js';
import { Milestone } from './milestones.js';

const quantity = number({ integer: true, min: 0, max: LIMITS.cellMax });

export const ToleranceInput = strict(
  {
    overPct: number({ min: 0, max: 100 }),
    underPct: number({ min: 0, max: 100 }),
    scope: v.optional(
      v.pipe(
        oneOf(TOLERANCE_SCOPES),
        v.description(
          'The level completion compares produced with ordered at (summed per group). Left out: the factory ' +
            'default on create, the order\u2019s own on a patch, the current default in settings',
        ),
      ),
    ),
  },
  'must be an object {overPct, underPct, scope?}',
);

export const BatchPlanInput = strict(
  {
    maxBatchQty: number({ integer: true, min: 1, max: LIMITS.cellMax }),
    extraCutPct: v.optional(
      v.pipe(
        number({ min: 0, max: 100 }),
        v.description(
          'Generated batches cover ordered + this share, rounded up per cell; at most tolerance.overPct ' +
            '(checked in code). Left out: 0 on create, the order\u2019s own on a patch',
        ),
      ),
    ),
  },
  'must be an object {maxBatchQty, extraCutPct?}',
);

const orderFields = {
  deliveryDate: v.nullish(isoDate),
  matrix: v.optional(MatrixInput),
  sizes: v.optional(
    v.pipe(
      codeList(LIMITS.sizes),
      v.description('Reshape the matrix to these sizes (cells kept where they still exist); not with matrix'),
    ),
  ),
  colors: v.optional(
    v.pipe(
      codeList(LIMITS.colors),
      v.description('Reshape the matrix to these colors; not with matrix; sizes x colors at most 20000 cells (code)'),
    ),
  ),
  batchPlan: v.optional(BatchPlanInput),
  tolerance: v.optional(ToleranceInput),
  notes: optionalText(4000),
  iqTemplate: optionalText(80),
};

export const OrderCreate = strict({ techPackId: requiredText(40), ...orderFields });

/** Why a Released or InProgress order's plan moves (amend, re-promise): required then (checked in code). */
const afterReleaseReason = v.pipe(
  optionalText(2000),
  v.description(
    'Required to change deliveryDate, matrix, sizes or colors once Released or InProgress (checked in code)',
  ),
);

export const OrderPatch = v.pipe(
  strict({ ...orderFields, reason: afterReleaseReason }),
  v.description('At least one field (checked in code)'),
);

export const OrderTransition = v.pipe(
  strict({
    action: oneOf(ORDER_ACTIONS),
    reason: optionalText(2000),
    shortClose: v.optional(v.boolean('must be true or false')),
    backorder: v.optional(
      v.pipe(
        v.boolean('must be true or false'),
        v.description('With complete and shortClose: opens a Draft order holding the shortfall (see OrderSplit)'),
      ),
    ),
  }),
  v.description(
    'cancel and shortClose need a reason; shortClose only with complete; backorder only with shortClose ' +
      '(checked in code)',
  ),
);

export const MatrixEdit = strict(
  { color: requiredText(40), size: requiredText(40), from: quantity, to: quantity },
  'must be an object {color, size, from, to}',
);

export const MatrixEdits = strict({
  baseVersion: number({ integer: true, min: 1 }),
  reason: afterReleaseReason,
  edits: v.pipe(
    list(MatrixEdit, {
      notArray: 'must be a non-empty list of {color, size, from, to}',
      min: 1,
      max: LIMITS.cells,
      tooLong: `must have at most ${LIMITS.cells} entries`,
      unique: (e) => `${(e as { color: string }).color}\u0000${(e as { size: string }).size}`,
      duplicate: (_key, e) => ({
        message: `edits cell ${(e as { color: string }).color}/${(e as { size: string }).size} twice`,
      }),
    }),
    v.description('Each cell at most once (checked in code)'),
  ),
});

// ---- the resource -------------------------------------------------------------------------------

export const Tolerance = v.object({
  overPct: v.number(),
  underPct: v.number(),
  /** The level completion compares produced with ordered at: the whole order, each color, or each cell. */
  scope: v.pipe(
    v.picklist(TOLERANCE_SCOPES),
    v.description('The level completion compares produced with ordered at (stored before scopes existed: color)'),
  ),
});
export const BatchPlan = v.object({
  maxBatchQty: v.number(),
  /** Generated batches cover the ordered quantity plus this share (0 up to the over-tolerance). */
  extraCutPct: v.optional(
    v.pipe(v.number(), v.description('Generated batches cover ordered + this share (0 up to tolerance.overPct)')),
  ),
});

export const OrderSource = v.variant('type', [
  v.object({ type: v.literal('commercial') }),
  v.object({ type: v.literal('salesOrder'), salesOrderId: v.string(), customer: v.string() }),
  v.object({ type: v.literal('replenishment') }),
]);

export const OrderProgress = v.object({
  batched: Matrix,
  produced: Matrix,
  rejected: Matrix,
  /** Neither produced nor rejected when a batch finished (recorded with a reason). */
  missing: v.pipe(Matrix, v.description('Neither produced nor rejected when their batches finished')),
});

/** How an order is linked to the one it came from (a split, a backorder) or to its backorder. */
export const OrderLinks = v.object({
  splitFrom: v.optional(v.pipe(v.string(), v.description('The order this one was split off (POST .../split)'))),
  backorderOf: v.optional(v.pipe(v.string(), v.description('The short-closed order whose shortfall this Draft holds'))),
  backorderId: v.optional(
    v.pipe(v.string(), v.description('On a short-closed order: the backorder opened for its shortfall')),
  ),
});

export const ProductionOrder = v.object({
  id: v.string(),
  techPackId: v.string(),
  styleCode: v.string(),
  state: v.picklist(ORDER_STATES),
  version: v.number(),
  deliveryDate: v.nullable(v.pipe(v.string(), v.metadata({ format: 'date' }))),
  /** The date first promised: follows deliveryDate while the plan is editable, kept once released. */
  originalDeliveryDate: v.nullable(v.pipe(v.string(), v.metadata({ format: 'date' }))),
  matrix: Matrix,
  total: v.number(),
  source: OrderSource,
  tolerance: Tolerance,
  batchPlan: BatchPlan,
  iqTemplate: v.nullable(v.string()),
  notes: v.string(),
  /** The tech pack's BOM revision frozen at release; null before. */
  releasedBomRevision: v.nullable(v.number()),
  progress: OrderProgress,
  milestones: v.pipe(v.array(Milestone), v.description('From the settings\u2019 milestoneTemplate when created')),
  ...OrderLinks.entries,
  createdAt: v.string(),
  createdBy: v.string(),
  updatedAt: v.string(),
  updatedBy: v.string(),
});

export const HistoryEntry = v.object({
  at: v.string(),
  actor: v.string(),
  action: v.string(),
  from: v.nullable(v.string()),
  to: v.nullable(v.string()),
  version: v.number(),
  reason: v.optional(v.string()),
  details: v.optional(v.unknown()),
});

// ---- after release: split (and the backorder, on OrderTransition) ---------------------------------

export const OrderSplit = v.pipe(
  strict({
    matrix: v.pipe(
      MatrixInput,
      v.description(
        'What moves to the new order: sizes and colors among the order\u2019s, cells left out move nothing; ' +
          'at most the un-batched quantity of each cell, at least one garment, not the whole order (checked in code)',
      ),
    ),
    reason: requiredText(2000),
    deliveryDate: v.optional(
      v.pipe(isoDate, v.description('The new order\u2019s delivery date; left out: the original\u2019s')),
    ),
  }),
  v.description('Moves un-batched quantity of an open order to a new order linked by splitFrom'),
);

export const OrderSplitResult = v.object({
  /** The original order, its matrix reduced by what moved. */
  order: ProductionOrder,
  /** The new order (splitFrom: the original's id). */
  split: ProductionOrder,
});
