// Answers that are computed, not stored from a request: the materials summary, a replenishment run,
// and the shapes every answer shares (pages, errors).
import * as v from 'valibot';

export const MaterialLine = v.object({
  /** Index of the BOM line (two lines may name the same material). */
  line: v.number(),
  material: v.string(),
  variant: v.string(),
  uom: v.string(),
  garments: v.number(),
  consumption: v.union([v.number(), v.record(v.string(), v.number())]),
  wastagePct: v.number(),
  purchaseMultiple: v.nullable(v.number()),
  net: v.number(),
  gross: v.number(),
  purchase: v.number(),
});

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
