// Which of an order's actions can succeed now, and why not: read off the shared state machines
// (shared/vocabulary.ts orderCommandsFrom) and the same gates the API applies (shared/
// productionOrder.ts: the tech pack must be Production ready to plan or release, a complete order
// needs quantities and a delivery date, batches block a reopen, running batches and output block a
// cancel, open batches block a complete, produced below the tolerance fails a complete). An action
// the state offers but a gate refuses is shown disabled with the reason; one the state does not
// offer is not shown. Unknown facts (a tech pack not read) never disable anything. Pure.
import { batchActionsFrom, isInProduction, type BatchAction, type BatchState } from '../../shared/batches.js';
import { isAmendable } from '../../shared/amend.js';
import { FINAL_STATES, isEditableState, toleranceBounds } from '../../shared/productionOrder.js';
import type { OrderState, TechPackState } from '../../shared/types.js';
import { ORDER_COMMAND_WORDS, orderCommandsFrom, stateWord, type OrderCommand } from '../../shared/vocabulary.js';

export interface Availability<A extends string = OrderCommand> {
  action: A;
  enabled: boolean;
  /** Why it cannot succeed now (only when disabled). */
  reason?: string;
}

/** What the gates look at; everything optional is "not known" (then that gate is not applied). */
export interface OrderFacts {
  state: OrderState;
  total: number;
  deliveryDate: string | null;
  techPackState?: TechPackState | null;
  batches: readonly { id: string; state: BatchState }[] | null;
  progress: { batched: number; produced: number; rejected: number };
  tolerance?: { underPct: number; overPct: number } | null;
  /** Garments still to batch (cut target minus batched, summed over cells), when known. */
  toBatch?: number | null;
  /** Unpushed changes on the sheet, when known. */
  pending?: number | null;
}

const fmt = (n: number) => n.toLocaleString('en-US');
const list = (ids: readonly string[]) => (ids.length > 3 ? `${ids.slice(0, 3).join(', ')}…` : ids.join(', '));

function why(action: OrderCommand, f: OrderFacts): string | undefined {
  const verb = ORDER_COMMAND_WORDS[action].done;
  const batches = f.batches ?? [];
  const open = batches.filter((b) => b.state === 'Planned' || b.state === 'Running').map((b) => b.id);
  const running = batches.filter((b) => b.state === 'Running').map((b) => b.id);
  switch (action) {
    case 'plan':
    case 'release': {
      if (f.techPackState && f.techPackState !== 'ProductionReady')
        return `The tech pack is still in ${stateWord(f.techPackState)}: it must be ${stateWord('ProductionReady')} before this order can be ${verb}.`;
      const missing: string[] = [];
      if (f.total <= 0) missing.push('the matrix has no quantities');
      if (!f.deliveryDate) missing.push('the delivery date is not set');
      if (missing.length) return `It cannot be ${verb} yet: ${missing.join('; ')}.`;
      if (f.pending) return `Push your ${fmt(f.pending)} unpushed change${f.pending === 1 ? '' : 's'} first.`;
      return undefined;
    }
    case 'reopen':
      if (f.batches && batches.length) return 'It has batches, so it cannot go back to Draft.';
      return undefined;
    case 'complete':
    case 'shortClose': {
      if (open.length)
        return `${open.length === 1 ? 'Batch' : 'Batches'} ${list(open)} ${open.length === 1 ? 'is' : 'are'} not Finished or Cancelled yet.`;
      if (action === 'complete' && f.tolerance) {
        const { min } = toleranceBounds(f.total, f.tolerance);
        if (f.progress.produced < min)
          return `${fmt(f.progress.produced)} of ${fmt(f.total)} produced (at least ${fmt(min)} needed): short-close it instead.`;
      }
      return undefined;
    }
    case 'cancel': {
      if (running.length)
        return `Batch ${list(running)} ${running.length === 1 ? 'is' : 'are'} running: finish ${running.length === 1 ? 'it' : 'them'} first.`;
      const { produced, rejected } = f.progress;
      if (produced || rejected)
        return `It already has output (${fmt(produced)} produced, ${fmt(rejected)} rejected): short-close it instead.`;
      return undefined;
    }
    case 'generateBatches':
      if (f.toBatch === 0) return 'Every garment of this order is already in a batch.';
      return undefined;
  }
}

/** The commands the order's state offers, each enabled or disabled with the reason. */
export function orderAvailability(f: OrderFacts): Availability[] {
  return orderCommandsFrom(f.state).map((action) => {
    const reason = why(action, f);
    return reason ? { action, enabled: false, reason } : { action, enabled: true };
  });
}

/** A batch's actions by its state machine; batches move only while their order is in production. */
export function batchAvailability(b: { state: BatchState }, orderState: OrderState): Availability<BatchAction>[] {
  return batchActionsFrom(b.state).map((action) =>
    isInProduction(orderState)
      ? { action, enabled: true }
      : {
          action,
          enabled: false,
          reason: `Batches move only while the order is in production; it is ${stateWord(orderState)}.`,
        },
  );
}

/**
 * Push: only on an order whose matrix may change. A count of 0 does not disable it: the count is
 * read when the sidebar is shown, and the planner may have typed since (the push itself then says).
 */
export function pushAvailability(editable: boolean): Availability<'push'> {
  if (!editable) return { action: 'push', enabled: false, reason: 'The quantities are frozen in this state.' };
  return { action: 'push', enabled: true };
}

/**
 * Whether the order's quantities can change from the sheet: freely in Draft/Planned, as an amendment
 * (a reason, never below batched) in Released/InProgress; frozen once Completed or Cancelled.
 */
export function quantitiesOpen(state: OrderState): boolean {
  return isEditableState(state) || isAmendable(state);
}

/** A push of this order's quantities is an amendment: it asks for a reason first. */
export function pushNeedsReason(state: OrderState): boolean {
  return isAmendable(state);
}

// ---- after release (issue 14): re-promise, split, backorder ---------------------------------------

/**
 * The delivery date: changed freely in Draft/Planned, re-promised with a reason in Released/
 * InProgress (the API keeps the first promise), final once Completed or Cancelled (null: not offered).
 */
export function deliveryDateAvailability(state: OrderState): { needsReason: boolean } | null {
  if (isEditableState(state)) return { needsReason: false };
  if (isAmendable(state)) return { needsReason: true };
  return null;
}

/**
 * Split the selection off into a new order: any open order (shared/linkedOrders.ts checkSplit refuses
 * a final one), only un-batched garments move, and the sheet must match the server (push first).
 */
export function splitAvailability(f: {
  state: OrderState;
  unbatched?: number | null;
  pending?: number | null;
}): Availability<'split'> | null {
  if (FINAL_STATES.includes(f.state)) return null;
  if (f.unbatched === 0)
    return {
      action: 'split',
      enabled: false,
      reason: 'Every garment is already in a batch: nothing can be split off.',
    };
  if (f.pending)
    return {
      action: 'split',
      enabled: false,
      reason: `Push your ${fmt(f.pending)} unpushed change${f.pending === 1 ? '' : 's'} first.`,
    };
  return { action: 'split', enabled: true };
}

/** The short-close's backorder choice: only when some cell is short of its ordered quantity. */
export function backorderAvailability(shortfall: number | null | undefined): Availability<'backorder'> {
  if (shortfall === 0)
    return {
      action: 'backorder',
      enabled: false,
      reason: 'Every cell produced its ordered quantity: there is no shortfall to backorder.',
    };
  return { action: 'backorder', enabled: true };
}
