// The add-on's own view of the API's resources (CONTRACT.md) and what it keeps per order sheet.
// Only views: the states, moves and words come from shared/ (productionOrder, batches, vocabulary).
import { matrixTotal } from '../../shared/matrix.js';
import type { Matrix, OrderState, ProductionOrder, TechPack, TechPackState } from '../../shared/types.js';

export type { Matrix, OrderState, ProductionOrder, TechPack, TechPackState };

import type { BatchState, ProductionBatch } from '../../shared/batches.js';
import type { MaterialLine as FullMaterialLine, MaterialsSummary } from '../../shared/materials.js';

export type { BatchState };
/** The parts of the API's answers the add-on reads (the shapes are the domain's own). */
export type ApiBatch = Pick<ProductionBatch, 'id' | 'orderId' | 'state' | 'version' | 'matrix' | 'produced' | 'rejected' | 'total'>;
export type MaterialLine = Pick<FullMaterialLine, 'material' | 'variant' | 'uom' | 'net' | 'gross' | 'purchase'>;
export type ApiMaterials = Pick<MaterialsSummary, 'bomRevision' | 'techPackBomRevision' | 'stale'> & { lines: MaterialLine[] };

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
}

/**
 * What the add-on remembers about an order sheet: the order as last pulled (the base every push
 * diffs against), and the batches and materials shown under it.
 */
export interface OrderSnapshot
  extends Pick<ProductionOrder, 'id' | 'techPackId' | 'styleCode' | 'state' | 'version' | 'deliveryDate' | 'total' | 'updatedBy' | 'updatedAt'> {
  customer: string | null;
  sourceType: string;
  /** The matrix the sheet was last written from, per cell the value the server held then. */
  matrix: Matrix;
  progress: { batched: number; produced: number; rejected: number };
  batches: BatchRow[] | null;
  materials: ApiMaterials | null;
  /** Why batches or materials could not be read, if so. */
  sectionErrors: string[];
  pulledAt: string;
}

/** A matrix's total; 0 for one the API left out (no output recorded yet). */
export function sumMatrix(m: Matrix | null | undefined): number {
  return m ? matrixTotal(m) : 0;
}

export function batchRow(b: ApiBatch): BatchRow {
  return {
    id: b.id,
    state: b.state,
    total: typeof b.total === 'number' ? b.total : sumMatrix(b.matrix),
    produced: sumMatrix(b.produced),
    rejected: sumMatrix(b.rejected),
    sizes: b.matrix.sizes,
    colors: b.matrix.colors,
    quantities: b.matrix.quantities,
  };
}

export function snapshotOf(
  order: ProductionOrder,
  batches: ApiBatch[] | null,
  materials: ApiMaterials | null,
  sectionErrors: string[],
  now: string,
): OrderSnapshot {
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
    matrix: { sizes: [...order.matrix.sizes], colors: [...order.matrix.colors], quantities: order.matrix.quantities.map((r) => [...r]) },
    progress: {
      batched: sumMatrix(order.progress?.batched),
      produced: sumMatrix(order.progress?.produced),
      rejected: sumMatrix(order.progress?.rejected),
    },
    batches: batches ? batches.map(batchRow) : null,
    materials,
    sectionErrors,
    pulledAt: now,
  };
}
