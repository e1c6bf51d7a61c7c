// Milestones (time and action): the factory's template (settings), an order's milestones, the PUT
// that marks one done or re-dates it, and the list across orders.
import * as v from 'valibot';
import { isoDate, list, number, optionalText, requiredText, strict } from './core.js';

/** At most this many milestones in the template (each order's writes carry its milestones). */
export const MAX_MILESTONES = 20;

/** A milestone key: it names the milestone in URLs (`.../milestones/{key}`). */
export const MILESTONE_KEY = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;

const milestoneKey = v.pipe(
  v.string('must be a key of letters, digits, - and _ (at most 40, starting with a letter or digit)'),
  v.regex(MILESTONE_KEY, 'must be a key of letters, digits, - and _ (at most 40, starting with a letter or digit)'),
);

export const MilestoneTemplateEntry = strict(
  {
    key: milestoneKey,
    name: requiredText(120),
    daysBeforeDelivery: v.pipe(
      number({ integer: true, min: -365, max: 3650 }),
      v.description('Due this many days before the delivery date (negative: after it)'),
    ),
  },
  'must be an object {key, name, daysBeforeDelivery}',
);

export const MilestoneTemplateInput = v.pipe(
  list(MilestoneTemplateEntry, {
    notArray: 'must be a list of {key, name, daysBeforeDelivery}',
    max: MAX_MILESTONES,
    unique: (m) => (m as { key: string }).key,
    duplicate: (key) => ({ message: `repeats the key ${key}`, field: 'key' }),
  }),
  v.description(`New orders get one milestone per entry; keys distinct, at most ${MAX_MILESTONES} (checked in code)`),
);

export const MilestoneTemplate = v.array(
  v.object({ key: v.string(), name: v.string(), daysBeforeDelivery: v.number() }),
);

const date = v.pipe(v.string(), v.metadata({ format: 'date' }));

export const Milestone = v.object({
  key: v.string(),
  name: v.string(),
  /** null while the order has no delivery date. */
  due: v.pipe(v.nullable(date), v.description('null while the order has no delivery date')),
  done: v.pipe(v.nullable(date), v.description('The day it was done; null while open')),
  /** From the template: where a due date comes from when the delivery date is first set. */
  daysBeforeDelivery: v.number(),
});

export const MilestoneUpdate = v.pipe(
  strict({
    due: v.optional(v.pipe(isoDate, v.description('Re-date it; later than now needs a reason'))),
    done: v.optional(v.pipe(v.nullable(isoDate), v.description('The day it was done; null reopens it'))),
    reason: optionalText(2000),
  }),
  v.description('due or done (at least one); reason required when due moves later (checked in code)'),
);

/** One open milestone in the list across orders (what the index projects). */
export const MilestoneListItem = v.object({
  orderId: v.string(),
  styleCode: v.string(),
  key: v.string(),
  name: v.string(),
  due: date,
  done: v.nullable(date),
  deliveryDate: v.nullable(date),
});
