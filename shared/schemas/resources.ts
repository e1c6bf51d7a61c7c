// Answers that are computed, not stored from a request: the materials summary, a replenishment run,
// the list items (summaries), and the shapes every answer shares (pages, errors).
import * as v from 'valibot';
import { ProductionOrder } from './productionOrder.js';
import { SalesOrder } from './salesOrder.js';
import { TechPack } from './techPack.js';

const Consumption = v.union([v.number(), v.record(v.string(), v.number())]);

/** One BOM line's share of a summed material line. */
export const MaterialSource = v.object({
  line: v.number(),
  garments: v.number(),
  consumption: Consumption,
  wastagePct: v.number(),
  net: v.number(),
  gross: v.number(),
});

export const MaterialLine = v.pipe(
  v.object({
    line: v.pipe(v.number(), v.description('The first BOM line summed into this one')),
    /** Every BOM line summed into this one, in BOM order. */
    lines: v.array(v.number()),
    material: v.string(),
    variant: v.string(),
    uom: v.string(),
    /** Garments of the order that use this material and variant (each counted once). */
    garments: v.number(),
    consumption: v.optional(v.pipe(Consumption, v.description('When one BOM line makes this line'))),
    wastagePct: v.optional(v.pipe(v.number(), v.description('When one BOM line makes this line'))),
    purchaseMultiple: v.pipe(v.nullable(v.number()), v.description('The largest of the summed lines')),
    minimumOrderQty: v.pipe(v.nullable(v.number()), v.description('The largest of the summed lines')),
    net: v.number(),
    gross: v.number(),
    purchase: v.number(),
    sources: v.optional(
      v.pipe(v.array(MaterialSource), v.description('When two or more BOM lines are summed: each one\u2019s figures')),
    ),
  }),
  v.description('One material, variant and uom: the BOM lines of the three summed before the purchase is rounded'),
);

export const MaterialsSummary = v.object({
  orderId: v.string(),
  techPackId: v.string(),
  bomRevision: v.number(),
  techPackBomRevision: v.number(),
  stale: v.boolean(),
  pinned: v.boolean(),
  recordedAt: v.string(),
  recordedBy: v.string(),
  source: v.picklist(['read', 'refresh', 'release']),
  rounding: v.string(),
  lines: v.array(MaterialLine),
});

export const SKIP_REASONS = [
  'REPLENISHMENT_DISABLED',
  'NOT_LOW',
  'TECH_PACK_MISSING',
  'TECH_PACK_TOO_EARLY',
  'OPEN_REPLENISHMENT_ORDER',
  'COVERED_BY_OPEN_ORDERS',
  'CONCURRENT_RUN',
  'STOCK_CHANGED',
  'TIME_BUDGET',
  'ERROR',
] as const;

export const ReplenishmentRun = v.object({
  created: v.pipe(v.array(v.string()), v.description('Ids of the Draft production orders created')),
  skipped: v.array(
    v.object({
      techPackId: v.string(),
      reason: v.picklist(SKIP_REASONS),
      message: v.string(),
      orderId: v.optional(v.string()),
    }),
  ),
  examined: v.number(),
  startedAt: v.string(),
  durationMs: v.number(),
});

export const Health = v.object({ status: v.literal('ok') });

export const ErrorBody = v.object({
  error: v.object({ code: v.string(), message: v.string(), details: v.optional(v.unknown()) }),
  requestId: v.string(),
});

// ---- list items: summaries -------------------------------------------------------------------------
//
// A list answers each item's summary, not the whole resource: its matrices, BOM and notes stay out
// (a 20,000-cell order is ~56 KB; its summary well under 1 KB), so a page of 100 is far below 1 MB of
// JSON, and the table's indexes project only these fields (tableDefinition.ts), never a whole item.
// The whole resource is one GET by id away. These field lists are the one definition: the schemas,
// the indexes' projections and the store's decoders all follow from them.

/** A production order in a list: everything but `matrix`, `progress`, `milestones` and `notes`. */
export const ORDER_SUMMARY_FIELDS = [
  'id',
  'techPackId',
  'styleCode',
  'state',
  'version',
  'deliveryDate',
  'originalDeliveryDate',
  'total',
  'source',
  'tolerance',
  'batchPlan',
  'iqTemplate',
  'releasedBomRevision',
  'splitFrom',
  'backorderOf',
  'backorderId',
  'createdAt',
  'createdBy',
  'updatedAt',
  'updatedBy',
] as const satisfies readonly (keyof typeof ProductionOrder.entries)[];

/** A tech pack in a list: everything but `sizes`, `colors` and `bom`. */
export const TECH_PACK_SUMMARY_FIELDS = [
  'id',
  'styleCode',
  'name',
  'season',
  'iqTemplate',
  'state',
  'version',
  'bomRevision',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof typeof TechPack.entries)[];

/** A sales order in a list: everything but `matrix` and `notes`. */
export const SALES_ORDER_SUMMARY_FIELDS = [
  'id',
  'customer',
  'techPackId',
  'styleCode',
  'state',
  'version',
  'total',
  'deliveryDate',
  'productionOrderIds',
  'createdAt',
  'createdBy',
  'updatedAt',
  'updatedBy',
] as const satisfies readonly (keyof typeof SalesOrder.entries)[];

export const ProductionOrderSummary = v.pipe(
  v.pick(ProductionOrder, ORDER_SUMMARY_FIELDS),
  v.description('A production order in a list (no matrix, progress or notes: GET /v1/production-orders/{id})'),
);
export const TechPackSummary = v.pipe(
  v.pick(TechPack, TECH_PACK_SUMMARY_FIELDS),
  v.description('A tech pack in a list (no sizes, colors or BOM: GET /v1/tech-packs/{id})'),
);
export const SalesOrderSummary = v.pipe(
  v.pick(SalesOrder, SALES_ORDER_SUMMARY_FIELDS),
  v.description('A sales order in a list (no matrix or notes: GET /v1/sales-orders/{id})'),
);

export type ProductionOrderSummary = v.InferOutput<typeof ProductionOrderSummary>;
export type TechPackSummary = v.InferOutput<typeof TechPackSummary>;
export type SalesOrderSummary = v.InferOutput<typeof SalesOrderSummary>;

export function pageOf<S extends v.GenericSchema>(item: S) {
  return v.object({ items: v.array(item), nextCursor: v.nullable(v.string()) });
}
