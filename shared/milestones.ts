// Milestones (time and action): each order carries its own, made from the factory's template when
// the order is created (due = delivery date - daysBeforeDelivery). Moving the delivery date moves
// the milestones not done yet by as many days (a milestone re-dated by hand keeps its distance);
// a planner marks one done (or reopens it) and re-dates it, with a reason when it moves later.
import { ConflictError, NotFoundError, ValidationError } from './errors.js';
import { addDays } from './requirements.js';
import { parseWith } from './schemas/core.js';
import type * as v from 'valibot';
import { MILESTONE_KEY, type Milestone as MilestoneSchema, MilestoneUpdate } from './schemas/milestones.js';
import type { Actor, HistoryEntry, OrderState, ProductionOrder } from './types.js';
import { requireObject } from './validate.js';

export type Milestone = v.InferOutput<typeof MilestoneSchema>;
export type MilestoneTemplateEntry = Pick<Milestone, 'key' | 'name' | 'daysBeforeDelivery'>;

/** An order's milestones from the template, due from its delivery date (null while it has none). */
export function milestonesFor(template: readonly MilestoneTemplateEntry[], deliveryDate: string | null): Milestone[] {
  return template.map((t) => ({
    key: t.key,
    name: t.name,
    due: deliveryDate === null ? null : addDays(deliveryDate, -t.daysBeforeDelivery),
    done: null,
    daysBeforeDelivery: t.daysBeforeDelivery,
  }));
}

/** Whole days from `a` to `b` (both YYYY-MM-DD). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/**
 * The milestones after the delivery date moved from `from` to `to`: the open ones move by as many
 * days; one without a due date (the order had no date) gets delivery - daysBeforeDelivery; with
 * the date cleared, the open ones have none. Done ones stay where they were.
 */
export function shiftMilestones(milestones: readonly Milestone[], from: string | null, to: string | null): Milestone[] {
  if (from === to) return [...milestones];
  return milestones.map((m) => {
    if (m.done !== null) return m;
    if (to === null) return { ...m, due: null };
    if (m.due === null || from === null) return { ...m, due: addDays(to, -m.daysBeforeDelivery) };
    return { ...m, due: addDays(m.due, daysBetween(from, to)) };
  });
}

/** The keys whose due date differs between two lists of the same milestones. */
export function movedMilestones(before: readonly Milestone[], after: readonly Milestone[]): string[] {
  const was = new Map(before.map((m) => [m.key, m.due]));
  return after.filter((m) => was.get(m.key) !== m.due).map((m) => m.key);
}

export interface MilestoneUpdateRequest {
  due?: string;
  done?: string | null;
  reason?: string;
}

export function isMilestoneKey(key: string): boolean {
  return MILESTONE_KEY.test(key);
}

export function parseMilestoneUpdate(raw: unknown): MilestoneUpdateRequest {
  const body = requireObject(raw);
  const input = parseWith(MilestoneUpdate, body);
  if (input.due === undefined && input.done === undefined) {
    throw new ValidationError([{ field: 'body', message: 'names nothing to change: give due or done' }]);
  }
  const out: MilestoneUpdateRequest = {};
  if (input.due !== undefined) out.due = input.due;
  if (input.done !== undefined) out.done = input.done;
  if (input.reason) out.reason = input.reason;
  return out;
}

/**
 * Marks one milestone done (or reopens it: done null) and/or re-dates it. The order must be open
 * (Completed and Cancelled are final: 409 NOT_EDITABLE); an unknown key is 404; a due date later
 * than the milestone's needs a reason (400 naming `reason`). One history entry, action `milestone`.
 */
export function applyMilestoneUpdate(
  order: ProductionOrder,
  key: string,
  req: MilestoneUpdateRequest,
  actor: Actor,
  now: string,
): { order: ProductionOrder; history: HistoryEntry } {
  if (!milestonesChangeable(order.state)) {
    throw new ConflictError('NOT_EDITABLE', `The milestones of an order in ${order.state} can no longer change`, {
      state: order.state,
    });
  }
  const milestones = order.milestones ?? [];
  const at = milestones.findIndex((m) => m.key === key);
  if (at < 0) throw new NotFoundError('Milestone', key);
  const current = milestones[at];
  const later = req.due !== undefined && movesLater(current.due, req.due);
  if (later && !req.reason) {
    const message = `is required to move ${key} later (from ${current.due} to ${req.due})`;
    throw new ValidationError([{ field: 'reason', message }]);
  }
  const next: Milestone = { ...current };
  const details: Record<string, unknown> = { key };
  if (req.due !== undefined && req.due !== current.due) {
    next.due = req.due;
    details.due = { from: current.due, to: req.due };
  }
  if (req.done !== undefined && req.done !== current.done) {
    next.done = req.done;
    details.done = { from: current.done, to: req.done };
  }
  const nextOrder: ProductionOrder = {
    ...order,
    milestones: milestones.map((m, i) => (i === at ? next : m)),
    version: order.version + 1,
    updatedAt: now,
    updatedBy: actor.id,
  };
  const history: HistoryEntry = {
    at: now,
    actor: actor.id,
    action: 'milestone',
    from: order.state,
    to: order.state,
    version: nextOrder.version,
    ...(req.reason ? { reason: req.reason } : {}),
    details,
  };
  return { order: nextOrder, history };
}

/** A milestone is in the list across orders (open or done) while its order is open and it has a due date. */
export function isIndexed(order: Pick<ProductionOrder, 'state'>, m: Milestone): m is Milestone & { due: string } {
  return order.state !== 'Completed' && order.state !== 'Cancelled' && m.due !== null;
}

/** Completed and Cancelled are final: their milestones no longer change (the PUT answers 409). */
export function milestonesChangeable(state: OrderState): boolean {
  return state !== 'Completed' && state !== 'Cancelled';
}

/** Does re-dating a milestone due `due` to `next` move it later (and so need a reason)? */
export function movesLater(due: string | null, next: string): boolean {
  return due !== null && next > due;
}

/** Where an order's milestone stands on `today` (YYYY-MM-DD, in the planner's time zone). */
export type MilestoneStatus =
  | { kind: 'done'; late: number }
  | { kind: 'undated' }
  | { kind: 'overdue'; days: number }
  | { kind: 'dueToday' }
  | { kind: 'upcoming'; days: number };

export function milestoneStatus(m: Pick<Milestone, 'due' | 'done'>, today: string): MilestoneStatus {
  if (m.done !== null) return { kind: 'done', late: m.due === null ? 0 : Math.max(0, daysBetween(m.due, m.done)) };
  if (m.due === null) return { kind: 'undated' };
  const days = daysBetween(today, m.due);
  if (days < 0) return { kind: 'overdue', days: -days };
  return days === 0 ? { kind: 'dueToday' } : { kind: 'upcoming', days };
}
