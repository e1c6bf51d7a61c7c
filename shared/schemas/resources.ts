// Answers that are computed, not stored from a request: the materials summary, a replenishment run,
// and the shapes every answer shares (pages, errors).
import * as v from 'valibot';

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

export function pageOf<S extends v.GenericSchema>(item: S) {
  return v.object({ items: v.array(item), nextCursor: v.nullable(v.string()) });
}
