// The words for every state and action, in one place: the add-on's sidebar, its sheets and its
// messages all read them here. Every table is a Record over the domain's own unions, so a new state
// or action without words does not compile. Pure data; safe in Apps Script and in the browser.
import { PRODUCTION_STATES, type BatchAction, type BatchState } from './batches.js';
import { ORDER_MOVES } from './productionOrder.js';
import { ORDER_ACTIONS, type OrderAction, type OrderState, type TechPackState } from './types.js';
import type { MilestoneStatus } from './milestones.js';

/**
 * What a planner can do to an order: its state-machine actions (POST .../transitions), a
 * short-close (`complete` with `shortClose: true` and a reason), and generating its batches.
 */
export type OrderCommand = OrderAction | 'shortClose' | 'generateBatches';

/** The states each command starts from, read off the state machines themselves (never restated). */
type From = readonly OrderState[];
export const ORDER_COMMAND_FROM: Readonly<Record<OrderCommand, From>> = {
  ...(Object.fromEntries(ORDER_ACTIONS.map((a) => [a, ORDER_MOVES[a].from])) as Record<OrderAction, From>),
  shortClose: ORDER_MOVES.complete.from,
  generateBatches: PRODUCTION_STATES,
};

interface Words {
  /** On its button: "Plan", "Cancel order…". */
  label: string;
  /** While it runs: "Planning", "Generating batches". */
  doing: string;
  /** What it made of the order (or batch), after "can be" / "was": "planned", "short-closed". */
  done: string;
  /** After "may not" / "before you", with "this order" following: "plan", "generate batches for". */
  verb: string;
}

/** The words of one action; an action that needs a reason says what to ask for. */
export type ActionWords = Words & ({ needsReason: false } | { needsReason: true; reasonPrompt: string });

/** Every order command, in the order the sidebar offers them (the dangerous one last). */
export const ORDER_COMMAND_WORDS: Readonly<Record<OrderCommand, ActionWords>> = {
  plan: { label: 'Plan', doing: 'Planning', done: 'planned', verb: 'plan', needsReason: false },
  reopen: { label: 'Reopen (back to Draft)', doing: 'Reopening', done: 'reopened', verb: 'reopen', needsReason: false },
  release: { label: 'Release', doing: 'Releasing', done: 'released', verb: 'release', needsReason: false },
  complete: { label: 'Complete', doing: 'Completing', done: 'completed', verb: 'complete', needsReason: false },
  shortClose: {
    label: 'Short-close…',
    doing: 'Short-closing',
    done: 'short-closed',
    verb: 'short-close',
    needsReason: true,
    reasonPrompt: 'Why is it closed short?',
  },
  generateBatches: {
    label: 'Generate batches',
    doing: 'Generating batches',
    done: 'batched',
    verb: 'generate batches for',
    needsReason: false,
  },
  cancel: {
    label: 'Cancel order…',
    doing: 'Cancelling',
    done: 'cancelled',
    verb: 'cancel',
    needsReason: true,
    reasonPrompt: 'Why is this order cancelled?',
  },
};

/**
 * After release (issue 14) the plan still moves, each time with a reason: an amendment of the
 * quantities (a push of a Released or InProgress order's sheet), a re-promised delivery date.
 */
export const AFTER_RELEASE_WORDS = {
  amend: {
    label: 'Push amendment',
    doing: 'Amending',
    done: 'amended',
    reasonPrompt: 'Why are the quantities amended after release? (kept in the order history)',
    note: 'After release a quantity change is an amendment: it needs a reason and never goes below what is batched.',
  },
  repromise: {
    label: 'Re-promise delivery',
    doing: 'Re-promising',
    done: 're-promised',
    reasonPrompt: 'Why does the delivery date move? (kept in the order history)',
  },
  /** Draft or Planned: the date changes freely, without a reason. */
  redate: { label: 'Change delivery date', doing: 'Changing the delivery date', done: 'changed' },
  split: {
    label: 'Split selection…',
    doing: 'Splitting',
    done: 'split',
    reasonPrompt: "Why is this quantity split off? (kept in both orders' history)",
  },
  backorder: {
    label: 'Open a backorder for the shortfall',
    done: 'opened',
  },
} as const;

/** Order commands in the sidebar's order. */
export const ORDER_COMMANDS = Object.keys(ORDER_COMMAND_WORDS) as OrderCommand[];

export function isOrderCommand(value: unknown): value is OrderCommand {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ORDER_COMMAND_WORDS, value);
}

/** The commands an order in `state` offers. */
export function orderCommandsFrom(state: OrderState): OrderCommand[] {
  return ORDER_COMMANDS.filter((c) => ORDER_COMMAND_FROM[c].includes(state));
}

export const BATCH_ACTION_WORDS: Readonly<Record<BatchAction, ActionWords>> = {
  start: { label: 'Start', doing: 'Starting batch', done: 'started', verb: 'start a batch of', needsReason: false },
  finish: {
    label: 'Finish',
    doing: 'Finishing batch',
    done: 'finished',
    verb: 'finish a batch of',
    needsReason: false,
  },
  cancel: {
    label: 'Cancel batch',
    doing: 'Cancelling batch',
    done: 'cancelled',
    verb: 'cancel a batch of',
    needsReason: false,
  },
};

export const ORDER_STATE_WORDS: Readonly<Record<OrderState, string>> = {
  Draft: 'Draft',
  Planned: 'Planned',
  Released: 'Released',
  InProgress: 'In progress',
  Completed: 'Completed',
  Cancelled: 'Cancelled',
};

export const BATCH_STATE_WORDS: Readonly<Record<BatchState, string>> = {
  Planned: 'Planned',
  Running: 'Running',
  Finished: 'Finished',
  Cancelled: 'Cancelled',
};

export const TECH_PACK_STATE_WORDS: Readonly<Record<TechPackState, string>> = {
  Commercial: 'Commercial',
  Design: 'Design',
  Approval: 'Approval',
  ProductionReady: 'Production ready',
};

const ALL_STATE_WORDS: Readonly<Record<string, string>> = {
  ...TECH_PACK_STATE_WORDS,
  ...ORDER_STATE_WORDS,
  ...BATCH_STATE_WORDS,
};

/** Any state of an order, batch or tech pack in words; an unknown one as it came. */
export function stateWord(state: unknown): string {
  if (typeof state !== 'string') return 'an unknown state';
  return Object.prototype.hasOwnProperty.call(ALL_STATE_WORDS, state) ? ALL_STATE_WORDS[state] : state;
}

/** Milestones (time and action): the words of the order sheet's block and the sidebar's section. */
export const MILESTONE_WORDS = {
  title: 'Milestones',
  due: 'Due',
  done: 'Done',
  status: 'Status',
  open: 'Open',
  noDate: 'no date yet',
  markDone: 'Mark done',
  redate: 'Re-date',
  reopen: 'Reopen',
  reasonPrompt: 'Why does it move later? (kept in the order history)',
  final: 'The order is closed: its milestones no longer change.',
} as const;

/** "Overdue 3 days", "Due today", "Due in 5 days", "Done", "Done 2 days late". */
export function milestoneStatusWords(s: MilestoneStatus): string {
  const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
  switch (s.kind) {
    case 'done':
      return s.late > 0 ? `Done ${days(s.late)} late` : 'Done';
    case 'undated':
      return 'No date yet';
    case 'overdue':
      return `Overdue ${days(s.days)}`;
    case 'dueToday':
      return 'Due today';
    case 'upcoming':
      return `Due in ${days(s.days)}`;
  }
}

/** A count as a spreadsheet user reads it: `20,000`, never `20000` (en-US grouping everywhere). */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** `1 cell`, `2 cells`, `20,000 garments`: a count with its noun. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}
