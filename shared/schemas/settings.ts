// Factory settings: the PUT body and the resource.
import * as v from 'valibot';
import { TECH_PACK_STATES } from '../types.js';
import { number, oneOf, strict } from './core.js';
import { LIMITS } from './matrix.js';
import { MilestoneTemplate, MilestoneTemplateInput } from './milestones.js';
import { Tolerance, ToleranceInput } from './productionOrder.js';

export const SettingsUpdate = v.pipe(
  strict({
    minTechPackStateForOrders: v.optional(oneOf(TECH_PACK_STATES)),
    defaultTolerance: v.optional(ToleranceInput),
    defaultMaxBatchQty: v.optional(number({ integer: true, min: 1, max: LIMITS.cellMax })),
    replenishment: v.optional(
      strict(
        {
          enabled: v.optional(v.boolean('must be true or false')),
          leadTimeDays: v.optional(number({ integer: true, min: 0, max: 3650 })),
          minQtyPerColor: v.optional(number({ integer: true, min: 0, max: LIMITS.cellMax })),
        },
        'must be an object {enabled?, leadTimeDays?, minQtyPerColor?}',
      ),
    ),
    productionLeadDays: v.optional(
      v.pipe(
        number({ integer: true, min: 0, max: 365 }),
        v.description('Days before delivery a material must be in house (requirements\u2019 needBy)'),
      ),
    ),
    milestoneTemplate: v.optional(MilestoneTemplateInput),
    /** Read-only: GET's body may be sent back as it is; its version makes the write conditional. */
    version: v.optional(number({ integer: true, min: 0 })),
  }),
  v.description(
    'Fields left out keep their current value (inside replenishment too); version, or If-Match, makes the write conditional',
  ),
);

export const FactorySettings = v.object({
  minTechPackStateForOrders: v.picklist(TECH_PACK_STATES),
  defaultTolerance: Tolerance,
  defaultMaxBatchQty: v.number(),
  replenishment: v.object({ enabled: v.boolean(), leadTimeDays: v.number(), minQtyPerColor: v.number() }),
  /** Days before delivery a material must be in house (requirements' needBy); default 14. */
  productionLeadDays: v.pipe(
    v.number(),
    v.description('Days before delivery a material must be in house (requirements\u2019 needBy)'),
  ),
  /** The milestones a new order gets, due daysBeforeDelivery before its delivery date; default none. */
  milestoneTemplate: v.pipe(MilestoneTemplate, v.description('The milestones a new order gets (default none)')),
  version: v.number(),
});
