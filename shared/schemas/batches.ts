// Production batches: requests (create, generate, transition) and the resource.
import * as v from 'valibot';
import { number, oneOf, optionalText, strict } from './core.js';
import { LIMITS, Matrix, MatrixInput } from './matrix.js';
import { BatchInspectionSummary } from './quality.js';

export const BATCH_STATES = ['Planned', 'Running', 'Finished', 'Cancelled'] as const;
export const BATCH_ACTIONS = ['start', 'finish', 'cancel'] as const;

export const BatchCreate = strict({
  matrix: v.pipe(MatrixInput, v.description('Sizes and colors of the order; quantities required (checked in code)')),
});

export const GenerateBatches = strict({
  maxBatchQty: v.optional(
    v.pipe(
      number({ integer: true, min: 1, max: LIMITS.cellMax }),
      v.description("Overrides the order's batch plan for this call"),
    ),
  ),
});

export const BatchTransition = v.pipe(
  strict({
    action: oneOf(BATCH_ACTIONS),
    produced: v.optional(
      v.pipe(
        MatrixInput,
        v.description('finish only (required): good garments, over the batch\u2019s sizes and colors'),
      ),
    ),
    rejected: v.optional(
      v.pipe(
        MatrixInput,
        v.description('finish only: rejected garments (default none); produced + rejected <= the batch per cell'),
      ),
    ),
    reason: v.pipe(
      optionalText(2000),
      v.description(
        'Required to finish when produced + rejected is below the batch in a cell (409 UNRECONCILED without; ' +
          'checked in code): the rest is recorded as missing',
      ),
    ),
  }),
  v.description('produced and rejected only with finish; finish needs produced (checked in code)'),
);

export const ProductionBatch = v.object({
  id: v.string(),
  orderId: v.string(),
  state: v.picklist(BATCH_STATES),
  version: v.number(),
  /** `manual` (a sub-matrix sent by a planner) or `generated` (from the order's batch plan). */
  origin: v.picklist(['manual', 'generated']),
  /** Over the batch's own sizes and colors: a sub-matrix of the order's. */
  matrix: Matrix,
  total: v.number(),
  /** Recorded when the batch finishes, shaped like `matrix`. */
  produced: v.optional(Matrix),
  rejected: v.optional(Matrix),
  producedTotal: v.optional(v.number()),
  rejectedTotal: v.optional(v.number()),
  /** Finished batches: neither produced nor rejected (batch - produced - rejected per cell); derived, not stored. */
  missing: v.optional(
    v.pipe(Matrix, v.description('Finished batches: the batch minus produced minus rejected, per cell')),
  ),
  missingTotal: v.optional(v.number()),
  reason: v.optional(v.string()),
  createdAt: v.string(),
  createdBy: v.string(),
  updatedAt: v.string(),
  updatedBy: v.string(),
  startedAt: v.optional(v.string()),
  finishedAt: v.optional(v.string()),
  cancelledAt: v.optional(v.string()),
  /** Its inspections so far and the latest one's result (the finish gate reads it: shared/quality.ts). */
  inspection: v.optional(BatchInspectionSummary),
});
