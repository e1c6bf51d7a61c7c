// Query strings of the list routes. Every value arrives as a string; an empty one reads as left
// out (`?state=` filters nothing). Unknown query parameters are ignored.
import * as v from 'valibot';
import { ORDER_STATES, TECH_PACK_STATES } from '../types.js';
import { isoDate, oneOf, parseWith } from './core.js';
import { requirementQueryEntries } from './logistics.js';
import { SALES_ORDER_STATES } from './salesOrder.js';

export const MAX_PAGE = 100;
const LIMIT = `must be a whole number from 1 to ${MAX_PAGE}`;

/** 1 to 100 in decimal digits only: `0x10`, `1e1`, ` 5` are refused. */
export const Limit = v.pipe(
  v.string(LIMIT),
  v.regex(/^(?:[1-9][0-9]?|100)$/, LIMIT),
  v.description(`Page size, 1 to ${MAX_PAGE} (default 25)`),
);
export const Cursor = v.pipe(v.string(), v.description('nextCursor of the previous page'));
const techPackId = v.pipe(v.string(), v.regex(/^TP-\d{6,12}$/, 'must be a tech pack id such as TP-000001'));

const page = { limit: v.optional(Limit), cursor: v.optional(Cursor) };

export const PageQuery = v.object(page);
export const TechPackListQuery = v.object({ state: v.optional(oneOf(TECH_PACK_STATES)), ...page });
export const OrderListQuery = v.object({
  state: v.optional(oneOf(ORDER_STATES)),
  techPackId: v.optional(techPackId),
  ...page,
});
export const SalesOrderListQuery = v.object({
  state: v.optional(oneOf(SALES_ORDER_STATES)),
  techPackId: v.optional(techPackId),
  ...page,
});
export const RequirementListQuery = v.object({ ...requirementQueryEntries, ...page });
export const MilestoneListQuery = v.object({
  dueBefore: v.optional(v.pipe(isoDate, v.description('Only milestones due before this date (not on it)'))),
  open: v.optional(
    v.pipe(
      v.picklist(['true', 'false'], 'must be true or false'),
      v.description('true (default): open milestones; false: those done (of orders still open)'),
    ),
  ),
  ...page,
});

/** The query of each list route (by route id); PageQuery for the others. */
export const QUERY_SCHEMAS: Record<string, v.ObjectSchema<v.ObjectEntries, undefined>> = {
  listTechPacks: TechPackListQuery,
  listOrders: OrderListQuery,
  listSalesOrders: SalesOrderListQuery,
  listMaterialRequirements: RequirementListQuery,
  listMilestones: MilestoneListQuery,
};

/** The query's known, non-empty parameters, checked: a 400 names each bad one. */
export function parseQuery<S extends v.GenericSchema>(
  schema: S,
  query: Readonly<Record<string, string>>,
): v.InferOutput<S> {
  const present: Record<string, string> = {};
  for (const [k, val] of Object.entries(query)) if (val !== '') present[k] = val;
  return parseWith(schema, present);
}
