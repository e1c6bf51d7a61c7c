// Marking an order's milestone done and re-dating it from the sidebar: one conditional PUT
// (`PUT /v1/production-orders/{id}/milestones/{key}`, If-Match with the version the sheet was
// pulled at). The rules are the domain's (shared/milestones.ts): a closed order's milestones no
// longer change, and a due date moved later needs a reason, asked for before anything is sent.
import { milestonesChangeable, movesLater } from '../../shared/milestones.js';
import { MILESTONE_WORDS, stateWord } from '../../shared/vocabulary.js';
import { ApiError, type ApiClient } from './api.js';
import { ContextError, UserError } from './messages.js';
import type { MilestoneView, OrderSnapshot, ProductionOrder } from './model.js';

/** What the sidebar asks for: done on a day (today when none is given), open again, or a new due date. */
export type MilestoneChange =
  | { action: 'done'; date?: string | null }
  | { action: 'reopen' }
  | { action: 'redate'; due: string; reason?: string | null };

export interface MilestoneBody {
  due?: string;
  done?: string | null;
  reason?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isDate(s: unknown): s is string {
  return typeof s === 'string' && DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));
}

/** The PUT body for a change, checked before it is sent (`today` in the spreadsheet's time zone). */
export function milestoneBody(m: MilestoneView, change: MilestoneChange, today: string): MilestoneBody {
  const c = (change ?? {}) as Partial<Record<string, unknown>>;
  if (c.action === 'done') {
    const date = typeof c.date === 'string' && c.date.trim() ? c.date.trim() : today;
    if (!isDate(date)) throw new UserError('VALIDATION_FAILED', `"${date}" is not a date: use YYYY-MM-DD.`);
    return { done: date };
  }
  if (c.action === 'reopen') return { done: null };
  if (c.action === 'redate') {
    const due = typeof c.due === 'string' ? c.due.trim() : '';
    if (!isDate(due)) throw new UserError('VALIDATION_FAILED', 'Pick the new due date first.');
    const reason = typeof c.reason === 'string' ? c.reason.trim() : '';
    if (movesLater(m.due, due) && !reason) {
      throw new UserError(
        'REASON_REQUIRED',
        `${m.name} moves later (from ${m.due} to ${due}): ${MILESTONE_WORDS.reasonPrompt.replace(/^Why/, 'why')}`,
        { key: m.key, field: 'reason' },
      );
    }
    return reason ? { due, reason } : { due };
  }
  throw new UserError('UNKNOWN_ACTION', 'Unknown milestone action.');
}

/**
 * Sends one change against the version the sheet holds. When the order moved on meanwhile (412)
 * but this milestone did not, it goes again against the current version; a milestone someone
 * else changed is not overwritten.
 */
export function sendMilestoneChange(
  api: ApiClient,
  snap: Pick<OrderSnapshot, 'id' | 'state' | 'version' | 'milestones'>,
  key: string,
  change: MilestoneChange,
  today: string,
): { order: ProductionOrder; milestone: MilestoneView; body: MilestoneBody } {
  if (!milestonesChangeable(snap.state))
    throw new UserError('NOT_EDITABLE', `${MILESTONE_WORDS.final} (${stateWord(snap.state)})`);
  const m = (snap.milestones ?? []).find((x) => x.key === key);
  if (!m) throw new UserError('NOT_FOUND', `Milestone ${key} is not on this order's sheet: Refresh it first.`);
  const body = milestoneBody(m, change, today);
  const path = `/production-orders/${encodeURIComponent(snap.id)}/milestones/${encodeURIComponent(key)}`;
  const put = (version: number) =>
    api.send<ProductionOrder>(api.req('PUT', path, body, { 'If-Match': `"${version}"` }));
  try {
    try {
      return { order: put(snap.version), milestone: m, body };
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 412)) throw e;
      const current = (e.details as { current?: ProductionOrder } | undefined)?.current;
      const now = current?.milestones?.find((x) => x.key === key);
      if (!current || !now || now.due !== m.due || now.done !== m.done) {
        throw new UserError(
          'MILESTONE_CHANGED',
          `${current?.updatedBy || 'Someone else'} changed ${m.name} since you pulled the order: Refresh to see it.`,
        );
      }
      return { order: put(current.version), milestone: m, body };
    }
  } catch (e) {
    if (e instanceof ApiError) throw new ContextError(e, 'refresh');
    throw e;
  }
}

/** What the status line says after a change: "Fabric in house marked done on 2026-12-01." */
export function milestoneDone(m: MilestoneView, body: MilestoneBody): string {
  if (body.done === null) return `${m.name} is open again.`;
  if (body.done) return `${m.name} marked done on ${body.done}.`;
  return `${m.name} re-dated from ${m.due ?? 'no date'} to ${body.due}.`;
}
