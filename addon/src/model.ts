// The add-on's own view of the API's resources (CONTRACT.md) and what it keeps per order sheet.
// Only views: the states, moves and words come from shared/ (productionOrder, batches, vocabulary).
import { matrixTotal } from '../../shared/matrix.js';
import type { Matrix, OrderState, ProductionOrder, TechPack, TechPackState } from '../../shared/types.js';

export type { Matrix, OrderState, ProductionOrder, TechPack, TechPackState };

import type { BatchState, ProductionBatch } from '../../shared/batches.js';
import type { MaterialLine as FullMaterialLine, MaterialsSummary } from '../../shared/materials.js';

export type { BatchState };
/** The parts of the API's answers the add-on reads (the shapes are the domain's own). */
type BatchFields = 'id' | 'orderId' | 'state' | 'version' | 'matrix' | 'produced' | 'rejected' | 'total';
export type ApiBatch = Pick<ProductionBatch, BatchFields> & {
  /** Finished with fewer garments than planned and a reason: the rest per cell (CONTRACT "Added shapes"). */
  missing?: Matrix | null;
  missingTotal?: number;
  inspection?: InspectionSummary | null;
};

/** The latest inspection of a batch, as the batch resource carries it. */
export interface InspectionSummary {
  count: number;
  result: 'pass' | 'fail';
  at: string;
}

/** Accept and reject numbers for one defect class. */
export interface PlanClass {
  aql: number;
  accept: number;
  reject: number;
  codeLetter?: string;
  sampleSize?: number;
}

export const DEFECT_CLASSES = ['critical', 'major', 'minor'] as const;
export type DefectClass = (typeof DEFECT_CLASSES)[number];

/** `GET .../inspection-plan`: the batch's ISO 2859-1 sampling plan. */
export interface InspectionPlan {
  lotSize: number;
  inspectionLevel: string;
  codeLetter: string;
  sampleSize: number;
  critical?: PlanClass;
  major?: PlanClass;
  minor?: PlanClass;
}

/** `POST .../inspections`. */
export interface InspectionInput {
  sampleSize?: number;
  criticalDefects?: number;
  majorDefects?: number;
  minorDefects?: number;
  inspector?: string;
  notes?: string;
}

/** What the API answers for an inspection (the fields the add-on reads). */
export interface Inspection extends InspectionInput {
  result: 'pass' | 'fail';
  at?: string;
}

/** The order's tolerance as the add-on reads it (`scope` may be absent on older servers: color). */
export interface ToleranceView {
  overPct: number;
  underPct: number;
  scope: 'order' | 'color' | 'cell';
}
export type MaterialLine = Pick<FullMaterialLine, 'material' | 'variant' | 'uom' | 'net' | 'gross' | 'purchase'>;
export type ApiMaterials = Pick<MaterialsSummary, 'bomRevision' | 'techPackBomRevision' | 'stale'> & {
  lines: MaterialLine[];
};

/** One batch as the order sheet and the sidebar show it. */
export interface BatchRow {
  id: string;
  state: BatchState;
  total: number;
  produced: number;
  rejected: number;
  sizes: string[];
  colors: string[];
  /** The batch's quantities, kept so an output sheet can be laid out without another request. */
  quantities: number[][];
  /** Garments recorded as missing when it finished (0 when all were accounted for). */
  missing: number;
  inspection: InspectionSummary | null;
  /** Its sampling plan, once fetched (on demand: opening its inspection form). */
  plan: InspectionPlan | null;
}

/**
 * What the add-on remembers about an order sheet: the order as last pulled (the base every push
 * diffs against), and the batches and materials shown under it.
 */
export interface OrderSnapshot
  extends Pick<
    ProductionOrder,
    'id' | 'techPackId' | 'styleCode' | 'state' | 'version' | 'deliveryDate' | 'total' | 'updatedBy' | 'updatedAt'
  > {
  customer: string | null;
  sourceType: string;
  /** The matrix the sheet was last written from, per cell the value the server held then. */
  matrix: Matrix;
  progress: { batched: number; produced: number; rejected: number; missing: number };
  tolerance: ToleranceView | null;
  /** The batch plan's extra cut (percent over the ordered quantity); 0 when none. */
  extraCutPct: number;
  batches: BatchRow[] | null;
  materials: ApiMaterials | null;
  /** Why batches or materials could not be read, if so. */
  sectionErrors: string[];
  pulledAt: string;
  /** Per-cell progress (the order's progress matrices); absent in records written before it was kept. */
  cells?: ProgressCells;
  /** Fingerprints of what the add-on last wrote into the sheet (sheets.ts: only changed layers are rewritten). */
  written?: WrittenLayers;
  /** After release (issue 14): the date first promised and the linked orders; absent in older records. */
  originalDeliveryDate?: string | null;
  splitFrom?: string | null;
  backorderOf?: string | null;
  backorderId?: string | null;
  /** The order's milestones (addon/src/milestonesBlock.ts); absent in records written before they were kept. */
  milestones?: MilestoneView[];
}

/** One milestone of an order, as the sheet and the sidebar show it. */
export type MilestoneView = { key: string; name: string; due: string | null; done: string | null };

/** The order's per-cell progress, each over the order's sizes and colors (null: none yet). */
export interface ProgressCells {
  batched: Matrix | null;
  produced: Matrix | null;
  rejected: Matrix | null;
  missing: Matrix | null;
}

/** What the add-on's block of an order sheet was last written with: its size and one hash per layer. */
export interface WrittenLayers {
  rows: number;
  cols: number;
  layers: Record<string, string>;
}

/** A matrix's total; 0 for one the API left out (no output recorded yet). */
export function sumMatrix(m: Matrix | null | undefined): number {
  return m ? matrixTotal(m) : 0;
}

export function batchRow(b: ApiBatch, plan: InspectionPlan | null = null): BatchRow {
  return {
    id: b.id,
    state: b.state,
    total: typeof b.total === 'number' ? b.total : sumMatrix(b.matrix),
    produced: sumMatrix(b.produced),
    rejected: sumMatrix(b.rejected),
    sizes: b.matrix.sizes,
    colors: b.matrix.colors,
    quantities: b.matrix.quantities,
    missing: typeof b.missingTotal === 'number' ? b.missingTotal : sumMatrix(b.missing),
    inspection: b.inspection ?? null,
    plan,
  };
}

function toleranceOf(t: unknown): ToleranceView | null {
  const o = (t ?? null) as Partial<ToleranceView> | null;
  if (!o || typeof o.overPct !== 'number' || typeof o.underPct !== 'number') return null;
  const scope = o.scope === 'order' || o.scope === 'cell' ? o.scope : 'color';
  return { overPct: o.overPct, underPct: o.underPct, scope };
}

export function snapshotOf(
  order: ProductionOrder,
  batches: ApiBatch[] | null,
  materials: ApiMaterials | null,
  sectionErrors: string[],
  now: string,
  /** Plans fetched before, by batch id (a batch's plan only changes with its quantity, which is fixed). */
  plans: Record<string, InspectionPlan> = {},
): OrderSnapshot {
  const progress = (order.progress ?? {}) as { missing?: Matrix | null };
  const plan = order.batchPlan as { extraCutPct?: unknown } | undefined;
  const source = (order.source ?? { type: 'commercial' }) as { type: string; customer?: string };
  return {
    id: order.id,
    techPackId: order.techPackId,
    styleCode: order.styleCode ?? '',
    state: order.state,
    version: order.version,
    deliveryDate: order.deliveryDate ?? null,
    customer: source.customer ?? null,
    sourceType: source.type,
    total: typeof order.total === 'number' ? order.total : sumMatrix(order.matrix),
    updatedBy: order.updatedBy ?? '',
    updatedAt: order.updatedAt ?? '',
    matrix: {
      sizes: [...order.matrix.sizes],
      colors: [...order.matrix.colors],
      quantities: order.matrix.quantities.map((r) => [...r]),
    },
    progress: {
      batched: sumMatrix(order.progress?.batched),
      produced: sumMatrix(order.progress?.produced),
      rejected: sumMatrix(order.progress?.rejected),
      missing: sumMatrix(progress.missing),
    },
    tolerance: toleranceOf(order.tolerance),
    extraCutPct: typeof plan?.extraCutPct === 'number' ? plan.extraCutPct : 0,
    batches: batches ? batches.map((b) => batchRow(b, plans[b.id] ?? null)) : null,
    materials,
    sectionErrors,
    pulledAt: now,
    cells: {
      batched: order.progress?.batched ?? null,
      produced: order.progress?.produced ?? null,
      rejected: order.progress?.rejected ?? null,
      missing: progress.missing ?? null,
    },
    originalDeliveryDate: order.originalDeliveryDate ?? null,
    splitFrom: order.splitFrom ?? null,
    backorderOf: order.backorderOf ?? null,
    backorderId: order.backorderId ?? null,
    milestones: (order.milestones ?? []).map((m) => ({ key: m.key, name: m.name, due: m.due, done: m.done })),
  };
}
