// The server's refusals, in words a planner understands. Pure.
import type { BatchAction } from '../../shared/batches.js';
import { EDITABLE_STATES } from '../../shared/productionOrder.js';
import type { TechPackState } from '../../shared/types.js';
import {
  BATCH_ACTION_WORDS,
  isOrderCommand,
  ORDER_COMMAND_WORDS,
  plural,
  stateWord,
  type OrderCommand,
} from '../../shared/vocabulary.js';
import { ApiError } from './api.js';

export interface Friendly {
  code: string;
  message: string;
  details?: unknown;
}

/** The add-on's own tasks (no state-machine move): reading lists, opening, pushing the sheet, ... */
export type SheetTask = 'settings' | 'list' | 'open' | 'create' | 'refresh' | 'push' | 'refreshMaterials' | 'inspect';

/** What the planner was doing: an order command, a batch action (`batch.start`), or a sheet task. */
export type Activity = OrderCommand | `batch.${BatchAction}` | SheetTask;

/** What the planner was doing, so the message can say it. */
export interface ErrorContext {
  action?: Activity;
  /** The batch the action was about, when a batch's. */
  batchId?: string;
}

/** How a message names the activity: "may not {verb} this order", "cannot be {done}". */
function wordsOf(a: Activity | undefined): { verb: string; done: string; batch: boolean } {
  if (isOrderCommand(a)) return { ...ORDER_COMMAND_WORDS[a], batch: false };
  if (a?.startsWith('batch.')) return { ...BATCH_ACTION_WORDS[a.slice('batch.'.length) as BatchAction], batch: true };
  if (a === 'push') return { verb: 'change the quantities of', done: 'changed', batch: false };
  if (a === 'create') return { verb: 'create', done: 'created', batch: false };
  return { verb: 'change', done: 'moved on', batch: false };
}

const FIELD_WORDS: Record<string, string> = {
  deliveryDate: 'Delivery date',
  techPackId: 'Tech pack',
  matrix: 'Quantity table',
  sizes: 'Sizes',
  colors: 'Colors',
  reason: 'Reason',
  baseVersion: 'Version',
  edits: 'Changes',
  batchPlan: 'Batch plan',
  'batchPlan.maxBatchQty': 'Maximum batch size',
  tolerance: 'Tolerance',
  produced: 'Produced quantities',
  rejected: 'Rejected quantities',
};

function fieldWord(field: string): string {
  if (FIELD_WORDS[field]) return FIELD_WORDS[field];
  const head = field.split(/[.[]/)[0];
  return FIELD_WORDS[head] ? `${FIELD_WORDS[head]} (${field})` : field;
}

function list(items: string[], max = 5): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

function obj(d: unknown): Record<string, unknown> {
  return typeof d === 'object' && d !== null ? (d as Record<string, unknown>) : {};
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const n = (v: unknown): string => num(v).toLocaleString('en-US');

function pctWord(p: unknown): string {
  return `${Math.round(num(p) * 10) / 10}%`;
}

const SCOPE_WORDS: Record<string, string> = { order: 'for the whole order', color: 'per color', cell: 'per cell' };

/** "−3% / +5% per color": a tolerance as the order sheet and the messages say it. */
export function toleranceWords(
  t: { underPct?: unknown; overPct?: unknown; scope?: unknown } | null | undefined,
): string {
  if (!t) return '';
  const scope = SCOPE_WORDS[String(t.scope ?? 'color')] ?? SCOPE_WORDS.color;
  return `\u2212${pctWord(t.underPct)} / +${pctWord(t.overPct)} ${scope}`;
}

/** "RED", "RED/M", "the order": one tolerance group. */
function groupName(g: Record<string, unknown>): string {
  if (typeof g.color === 'string' && typeof g.size === 'string') return `${g.color}/${g.size}`;
  if (typeof g.color === 'string') return g.color;
  if (typeof g.size === 'string') return `size ${g.size}`;
  return 'The order';
}

function outOfTolerance(d: Record<string, unknown>): string {
  const groups = Array.isArray(d.groups) ? (d.groups as Record<string, unknown>[]) : [];
  const cells = Array.isArray(d.cells) ? (d.cells as Record<string, unknown>[]) : [];
  const scope = typeof d.scope === 'string' ? d.scope : groups.length ? 'color' : 'cell';
  const rows = groups.length ? groups : cells;
  const said = rows.slice(0, 4).map((g) => {
    const made = `${groupName(g)} made ${n(g.produced)} of ${n(g.ordered)}`;
    if (typeof g.min === 'number' && num(g.produced) < g.min) return `${made} (at least ${n(g.min)} needed)`;
    if (typeof g.max === 'number' && num(g.produced) > g.max) return `${made} (at most ${n(g.max)} allowed)`;
    return made;
  });
  const more = rows.length > 4 ? `, and ${rows.length - 4} more` : '';
  const extra = num(d.moreCells) > 0 ? ` (${n(d.moreCells)} more cells not listed)` : '';
  const where = SCOPE_WORDS[scope] ?? SCOPE_WORDS.color;
  const head = said.length ? `${said.join('; ')}${more}${extra}` : 'Some quantities are outside the tolerance';
  return `${head}: outside the order's tolerance ${where}. Finish more batches, or short-close with a reason.`;
}

function unreconciled(d: Record<string, unknown>): string {
  const cells = Array.isArray(d.cells) ? (d.cells as Record<string, unknown>[]) : [];
  const said = cells.slice(0, 5).map((c) => {
    const gone = num(c.missing) || num(c.quantity) - num(c.produced) - num(c.rejected);
    const counted = `${n(c.produced)} made + ${n(c.rejected)} rejected of ${n(c.quantity)}`;
    return `${c.color}/${c.size}: ${counted} (${n(gone)} unaccounted)`;
  });
  const more = cells.length > 5 ? ` and ${cells.length - 5} more cells` : '';
  const total = num(d.missingTotal) ? `${n(d.missingTotal)} garments are` : 'Some garments are';
  const batch = typeof d.batchId === 'string' ? ` in batch ${d.batchId}` : '';
  const where = said.length ? ` (${said.join('; ')}${more})` : '';
  return `${total} not accounted for${batch}${where}. Count again, or give a reason to record them as missing.`;
}

/** The message for one API error. */
export function friendlyApiError(e: ApiError, ctx: ErrorContext = {}): Friendly {
  const d = obj(e.details);
  const { done: past, verb, batch } = wordsOf(ctx.action);
  const say = (message: string): Friendly => ({ code: e.code, message, details: e.details });
  switch (e.code) {
    case 'TECH_PACK_NOT_READY': {
      const ready = stateWord('ProductionReady' satisfies TechPackState);
      const now = stateWord(d.techPackState);
      return say(`The tech pack is still in ${now}: it must be ${ready} before this order can be ${past}.`);
    }
    case 'TECH_PACK_TOO_EARLY':
      return say(
        `The tech pack is still in ${stateWord(d.techPackState)}: this factory only opens production orders once tech packs reach ${stateWord(d.minTechPackStateForOrders)}.`,
      );
    case 'ORDER_INCOMPLETE': {
      const missing = Array.isArray(d.missing) ? (d.missing as unknown[]).map(String) : [];
      return say(
        `This order cannot be ${past} yet: ${missing.length ? missing.join('; ') : e.message}. Fill it in, push, and try again.`,
      );
    }
    case 'ILLEGAL_TRANSITION': {
      const from = d.from ?? d.state;
      const what = batch ? 'A batch' : 'An order';
      const cannot = `${what} that is ${stateWord(from)} cannot be ${past}.`;
      return say(`${cannot} Refresh the sheet: someone may have moved it on already.`);
    }
    case 'BATCH_RUNNING': {
      const ids = Array.isArray(d.batches) ? (d.batches as unknown[]).map(String) : [];
      return say(
        `${ids.length === 1 ? `Batch ${ids[0]} is` : ids.length ? `Batches ${list(ids)} are` : 'A batch is'} still running: finish ${ids.length === 1 ? 'it' : 'them'} before you cancel the order.`,
      );
    }
    case 'BATCHES_EXIST':
      return say(
        'This order already has batches, so it cannot go back to Draft. Cancel the batches first, or cancel the order.',
      );
    case 'BATCHES_OPEN': {
      const ids = Array.isArray(d.batches) ? (d.batches as unknown[]).map(String) : [];
      return say(
        `Some batches are not Finished or Cancelled yet${ids.length ? ` (${list(ids)})` : ''}: finish or cancel them before completing the order.`,
      );
    }
    case 'OUT_OF_TOLERANCE':
      return say(outOfTolerance(d));
    case 'UNRECONCILED':
      return say(unreconciled(d));
    case 'TECH_PACK_LOCKED':
      return say(
        'This tech pack is signed off (or in approval): its sizes, colors, BOM and IQ template cannot change. ' +
          'Move it back to Design to change them.',
      );
    case 'ORDER_HAS_OUTPUT':
      return say(
        'This order already has produced or rejected garments and cannot be cancelled. Short-close it instead.',
      );
    case 'INSPECTION_REQUIRED': {
      const id = typeof d.batchId === 'string' ? d.batchId : ctx.batchId;
      const last = d.latestResult === 'fail' || d.last === 'fail' ? ' (its latest inspection failed)' : '';
      const which = id ? `Batch ${id}` : 'This batch';
      return say(`${which} needs a passing inspection${last} before it can finish: record one from the sidebar.`);
    }
    case 'NO_IQ_TEMPLATE':
      return say(
        "This order's tech pack names no IQ template, so there is no sampling plan to inspect by. " +
          'Set an IQ template on the tech pack first.',
      );
    case 'BELOW_BATCHED':
      return say(
        'A quantity cannot go below what is already in batches. Cancel or finish those batches first, ' +
          'or keep the quantity at least at what is batched.',
      );
    case 'EDIT_CONFLICT': {
      const n = Array.isArray(d.conflicts) ? d.conflicts.length : 0;
      const who = typeof d.updatedBy === 'string' ? d.updatedBy : 'someone else';
      return say(
        `${n ? plural(n, 'cell was', 'cells were') : 'Some cells were'} changed by ${who} since you pulled the order. They are marked in red with the new value; your other changes are kept on the sheet. Check the red cells, then push again.`,
      );
    }
    case 'NOT_EDITABLE': {
      const while_ = EDITABLE_STATES.map(stateWord).join(' or ');
      const frozen = 'its quantities, sizes and colors can no longer change';
      return say(`This order is ${stateWord(d.state)}: ${frozen} (only while ${while_}).`);
    }
    case 'PRECONDITION_FAILED':
      return say('Someone else changed this order since you pulled it. Refresh the sheet and make your change again.');
    case 'PRECONDITION_REQUIRED':
      return say(
        'The server needs the version you read before it accepts this change. Refresh the sheet and try again.',
      );
    case 'VALIDATION_FAILED': {
      const fields = Array.isArray(d.fields) ? (d.fields as Record<string, unknown>[]) : [];
      const lines = fields.map((f) => `${fieldWord(String(f.field))} ${String(f.message)}`);
      return say(
        lines.length
          ? `Some values were not accepted: ${list(lines, 6)}.`
          : `Some values were not accepted: ${e.message}`,
      );
    }
    case 'NOTHING_REMAINING':
      return say('Everything on that sales order is already in production orders: nothing is left to produce.');
    case 'NOT_FOUND':
      return say(
        `${typeof d.kind === 'string' ? d.kind : 'That record'} ${typeof d.id === 'string' ? d.id : ''} no longer exists (or you cannot see it). Refresh the list.`.replace(
          /\s+/g,
          ' ',
        ),
      );
    case 'UNAUTHORIZED':
      return say(
        'The GarmentFlow API did not accept your Google sign-in. Reload the spreadsheet; if it persists, ask an admin to register your account.',
      );
    case 'FORBIDDEN':
      if (d.to === 'ProductionReady' || /approver/i.test(e.message)) {
        return say('Only an approver can sign this tech pack off.');
      }
      return say(`Your account may not ${verb} this order: ${e.message}`);
    case 'NETWORK':
      return say(`${e.message}. Check the API URL in GarmentFlow > Settings and your connection.`);
    case 'BAD_RESPONSE':
      return say('The GarmentFlow API answered with something unexpected. Try again; if it persists, tell your admin.');
    default:
      break;
  }
  if (e.status === 409) return say(`The order changed while you worked (${e.message}). Refresh and try again.`);
  if (e.status === 413) return say('That is too much to send at once: the API refused its size.');
  if (e.status === 429) return say('The GarmentFlow API is busy: wait a few seconds and try again.');
  if (e.status >= 500)
    return say(
      `The GarmentFlow API had a problem${e.requestId ? ` (request ${e.requestId})` : ''}. Try again in a moment; nothing was changed if it failed.`,
    );
  return say(e.message || `The API refused the request (${e.status}).`);
}

/** Any error raised while serving the sidebar, as a message (never a stack). */
export function friendly(e: unknown, ctx: ErrorContext = {}): Friendly {
  if (e instanceof ContextError) {
    return friendlyApiError(e.error, { ...ctx, action: e.action, batchId: e.batchId ?? ctx.batchId });
  }
  if (e instanceof ApiError) return friendlyApiError(e, ctx);
  if (e instanceof UserError) return { code: e.code, message: e.message, details: e.details };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'ADDON_ERROR', message: `Something went wrong in the add-on: ${message}` };
}

/** A refusal the add-on itself makes (no request sent), with a planner-facing message. */
export class UserError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** An API refusal, with the action it refused (so the message can name it). */
export class ContextError extends Error {
  constructor(
    readonly error: ApiError,
    readonly action: Activity,
    readonly batchId?: string,
  ) {
    super(error.message);
    this.name = 'ContextError';
  }
}
