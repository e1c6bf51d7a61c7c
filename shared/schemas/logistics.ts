// Logistics: a raw material's supply (the PUT body and the resource) and the requirement lines
// across orders (GET /v1/material-requirements). The netting itself is shared/requirements.ts.
import * as v from 'valibot';
import { ORDER_STATES, type OrderState } from '../types.js';
import { isoDate, list, number, requiredText, strict } from './core.js';

export const MATERIAL_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;
export const MAX_VARIANTS = 500;
export const MAX_ON_ORDER = 100;
const MAX_QTY = 1_000_000_000;
const MAX_LEAD_DAYS = 3650;

export const FIRM_STATES: readonly OrderState[] = ['Planned', 'Released', 'InProgress'];
export const TENTATIVE_STATES: readonly OrderState[] = ['Draft'];
/** The states whose orders count (Completed and Cancelled count nothing). */
export const REQUIREMENT_STATES: readonly OrderState[] = [...TENTATIVE_STATES, ...FIRM_STATES];

/** `states=Draft,Planned` as its distinct states (blanks around each dropped). */
export function statesOf(list: string): OrderState[] {
  return [...new Set(list.split(',').map((x) => x.trim()))] as OrderState[];
}

const badStates = (list: string) => statesOf(list).filter((x) => !REQUIREMENT_STATES.includes(x));

/** The query of GET /v1/material-requirements (besides limit and cursor). */
export const requirementQueryEntries = {
  material: v.optional(v.pipe(v.string(), v.regex(MATERIAL_CODE, 'must be a material code'))),
  states: v.optional(
    v.pipe(
      v.string(),
      v.check(
        (x) => badStates(x).length === 0,
        (i) =>
          `must be among ${REQUIREMENT_STATES.join(', ')} (Completed and Cancelled orders count nothing); ` +
          `got ${badStates(String(i.input)).join(', ')}`,
      ),
      v.description(`Comma-separated, some of ${REQUIREMENT_STATES.join(', ')} (default all)`),
    ),
  ),
};

const quantity = number({ min: 0, max: MAX_QTY });

export const OnOrderInput = strict({ qty: quantity, eta: isoDate }, 'must be an object {qty, eta}');

export const RawMaterialVariantInput = strict(
  {
    variant: v.pipe(
      requiredText(80),
      v.description('The code the materials summary uses (the material itself without a color mapping)'),
    ),
    uom: requiredText(20),
    onHand: quantity,
    onOrder: v.optional(list(OnOrderInput, { notArray: 'must be a list of {qty, eta}', max: MAX_ON_ORDER })),
  },
  'must be an object {variant, uom, onHand, onOrder}',
);

/**
 * The whole supply of one raw material. The body a GET answered is accepted back: `material` must be
 * the path's (checked in code), `version` makes the write conditional like If-Match, `updatedAt` and
 * `updatedBy` are ignored.
 */
export const RawMaterialPut = strict({
  material: v.optional(v.pipe(v.string('must be a string'), v.description('When given: the path\u2019s material'))),
  leadTimeDays: number({ integer: true, min: 0, max: MAX_LEAD_DAYS }),
  variants: v.pipe(
    list(RawMaterialVariantInput, {
      notArray: 'must be a list of {variant, uom, onHand, onOrder}',
      max: MAX_VARIANTS,
    }),
    v.description('Each variant and uom once (checked in code)'),
  ),
  version: v.optional(
    v.pipe(
      number({ integer: true, min: 0 }),
      v.description('The version read: the write happens only at it (like If-Match)'),
    ),
  ),
  updatedAt: v.optional(v.pipe(v.nullable(v.string('must be a string')), v.description('Read-only: ignored'))),
  updatedBy: v.optional(v.pipe(v.nullable(v.string('must be a string')), v.description('Read-only: ignored'))),
});

export const OnOrderLine = v.object({ qty: v.number(), eta: v.pipe(v.string(), v.metadata({ format: 'date' })) });

export const RawMaterialVariant = v.object({
  variant: v.string(),
  uom: v.string(),
  onHand: v.number(),
  /** By eta, earliest first. */
  onOrder: v.array(OnOrderLine),
});

export const RawMaterial = v.object({
  material: v.string(),
  leadTimeDays: v.number(),
  variants: v.array(RawMaterialVariant),
  /** 0 until the first PUT. */
  version: v.number(),
  updatedAt: v.nullable(v.string()),
  updatedBy: v.nullable(v.string()),
});

export const RequirementLine = v.object({
  material: v.string(),
  variant: v.string(),
  uom: v.string(),
  required: v.object({
    firm: v.pipe(v.number(), v.description('Planned, Released, InProgress')),
    tentative: v.pipe(v.number(), v.description('Drafts')),
  }),
  onHand: v.number(),
  onOrder: v.pipe(v.number(), v.description('What arrives by needBy')),
  net: v.pipe(v.number(), v.description('max(0, firm + tentative - onHand - onOrder)')),
  purchase: v.pipe(v.number(), v.description('net rounded like the materials summary')),
  needBy: v.pipe(v.nullable(v.string()), v.description('Earliest contributing delivery date - productionLeadDays')),
  orderBy: v.pipe(v.nullable(v.string()), v.description('needBy - the material\u2019s leadTimeDays')),
  stale: v.boolean(),
  orders: v.array(
    v.object({
      id: v.string(),
      state: v.picklist(ORDER_STATES),
      deliveryDate: v.nullable(v.string()),
      gross: v.number(),
    }),
  ),
});
