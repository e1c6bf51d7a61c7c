// Factory settings: the PUT body and the resource.
import * as v from 'valibot';
import { TECH_PACK_STATES } from '../types.js';
import { number, oneOf, strict } from './core.js';
import { LIMITS } from './matrix.js';
import { Tolerance, ToleranceInput } from './productionOrder.js';

export const SettingsUpdate = v.pipe(
  strict({
    minTechPackStateForOrders: v.optional(oneOf(TECH_PACK_STATES)),
    defaultTolerance: v.optional(ToleranceInput),
    defaultMaxBatchQty: v.optional(number({ integer: true, min: 1, max: LIMITS.cellMax })),
    replenishment: v.optional(
      strict({ enabled: v.boolean('must be true or false') }, 'must be true or false', { notObjectAt: 'enabled' }),
    ),
  }),
  v.description('Fields left out keep their current value'),
);

export const FactorySettings = v.object({
  minTechPackStateForOrders: v.picklist(TECH_PACK_STATES),
  defaultTolerance: Tolerance,
  defaultMaxBatchQty: v.number(),
  replenishment: v.object({ enabled: v.boolean() }),
  version: v.number(),
});
