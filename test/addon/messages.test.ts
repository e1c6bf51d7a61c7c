import { describe, expect, it } from 'vitest';
import { ApiError } from '../../addon/src/api.js';
import {
  ContextError,
  friendly,
  friendlyApiError,
  toleranceWords,
  UserError,
  type Activity,
} from '../../addon/src/messages.js';

const err = (status: number, code: string, details?: unknown, message = 'server words') =>
  new ApiError(status, code, message, details, 'req-1');

describe('friendly messages', () => {
  it('TECH_PACK_NOT_READY names the tech pack state and what the planner tried', () => {
    expect(
      friendlyApiError(err(409, 'TECH_PACK_NOT_READY', { techPackState: 'Design' }), { action: 'plan' }).message,
    ).toBe('The tech pack is still in Design: it must be Production ready before this order can be planned.');
    expect(
      friendly(new ContextError(err(409, 'TECH_PACK_NOT_READY', { techPackState: 'Approval' }), 'release')).message,
    ).toContain('before this order can be released');
  });

  it('explains each refusal the planner can meet', () => {
    const m = (code: string, details?: unknown, action: Activity = 'plan', status = 409) =>
      friendlyApiError(err(status, code, details), { action }).message;
    expect(m('ORDER_INCOMPLETE', { missing: ['the matrix has no quantities', 'the delivery date is not set'] })).toBe(
      'This order cannot be planned yet: the matrix has no quantities; the delivery date is not set. Fill it in, push, and try again.',
    );
    expect(m('ILLEGAL_TRANSITION', { from: 'Released', action: 'plan' })).toMatch(
      /^An order that is Released cannot be planned/,
    );
    expect(m('BATCH_RUNNING', { batches: ['B-7'] }, 'cancel')).toBe(
      'Batch B-7 is still running: finish it before you cancel the order.',
    );
    expect(m('EDIT_CONFLICT', { conflicts: [{}, {}], updatedBy: 'bo@example.com' }, 'push')).toMatch(
      /^2 cells were changed by bo@example.com.*marked in red.*other changes are kept/,
    );
    expect(m('EDIT_CONFLICT', { conflicts: [{}], updatedBy: 'bo@example.com' }, 'push')).toMatch(
      /^1 cell was changed by/,
    );
    expect(m('NOT_EDITABLE', { state: 'InProgress' }, 'push')).toBe(
      'This order is In progress: its quantities, sizes and colors can no longer change (only while Draft or Planned).',
    );
    expect(m('PRECONDITION_FAILED', {}, 'push', 412)).toMatch(/Someone else changed this order/);
    expect(
      m(
        'VALIDATION_FAILED',
        {
          fields: [
            { field: 'deliveryDate', message: 'must be a date as YYYY-MM-DD' },
            { field: 'matrix.quantities[0][1]', message: 'must be a whole number' },
          ],
        },
        'create',
        400,
      ),
    ).toBe(
      'Some values were not accepted: Delivery date must be a date as YYYY-MM-DD, Quantity table (matrix.quantities[0][1]) must be a whole number.',
    );
    expect(
      m('OUT_OF_TOLERANCE', { cells: [{ color: 'NAVY', size: 'S', produced: 90, ordered: 100 }] }, 'complete'),
    ).toMatch(/NAVY\/S made 90 of 100.*short-close/);
    expect(m('BATCHES_EXIST', undefined, 'reopen')).toMatch(/already has batches/);
    const early = { techPackState: 'Commercial', minTechPackStateForOrders: 'ProductionReady' };
    expect(m('TECH_PACK_TOO_EARLY', early, 'create')).toMatch(/once tech packs reach Production ready/);
  });

  it('words the sign-off, output, reconciliation, tolerance and quality refusals (issues 11 and 16)', () => {
    const m = (code: string, details?: unknown, action: Activity = 'plan', status = 409, message?: string) =>
      friendlyApiError(err(status, code, details, message), { action }).message;
    expect(m('TECH_PACK_LOCKED', { state: 'ProductionReady' }, 'push')).toBe(
      'This tech pack is signed off (or in approval): its sizes, colors, BOM and IQ template cannot change. ' +
        'Move it back to Design to change them.',
    );
    expect(m('ORDER_HAS_OUTPUT', { produced: 5 }, 'cancel')).toBe(
      'This order already has produced or rejected garments and cannot be cancelled. Short-close it instead.',
    );
    const unreconciled = {
      batchId: 'B-000003',
      cells: [{ color: 'RED', size: 'M', quantity: 40, produced: 36, rejected: 1, missing: 3 }],
      missingTotal: 3,
    };
    expect(m('UNRECONCILED', unreconciled, 'batch.finish')).toBe(
      '3 garments are not accounted for in batch B-000003 (RED/M: 36 made + 1 rejected of 40 (3 unaccounted)). ' +
        'Count again, or give a reason to record them as missing.',
    );
    const color = {
      scope: 'color',
      groups: [{ color: 'RED', ordered: 1200, produced: 1151, min: 1164, max: 1260 }],
      cells: [{ color: 'RED', size: 'XS', ordered: 12, produced: 9 }],
      moreCells: 0,
    };
    expect(m('OUT_OF_TOLERANCE', color, 'complete')).toBe(
      "RED made 1,151 of 1,200 (at least 1,164 needed): outside the order's tolerance per color. " +
        'Finish more batches, or short-close with a reason.',
    );
    const groups = [{ ordered: 100, produced: 120, min: 97, max: 105 }];
    const whole = { scope: 'order', groups, cells: [], moreCells: 0 };
    expect(m('OUT_OF_TOLERANCE', whole, 'complete')).toMatch(
      /^The order made 120 of 100 \(at most 105 allowed\).*for the whole order/,
    );
    expect(m('INSPECTION_REQUIRED', { batchId: 'B-000003' }, 'batch.finish')).toBe(
      'Batch B-000003 needs a passing inspection before it can finish: record one from the sidebar.',
    );
    const ctx = new ContextError(err(409, 'INSPECTION_REQUIRED', {}), 'batch.finish', 'B-000004');
    expect(friendly(ctx).message).toMatch(/^Batch B-000004 needs a passing inspection/);
    expect(m('NO_IQ_TEMPLATE', {}, 'inspect')).toMatch(/names no IQ template/);
    expect(m('BELOW_BATCHED', {}, 'push')).toMatch(/below what is already in batches/);
    const signOff = m('FORBIDDEN', { to: 'ProductionReady' }, 'open', 403, 'approver role required');
    expect(signOff).toBe('Only an approver can sign this tech pack off.');
    const cancel = m('FORBIDDEN', {}, 'cancel', 403, 'planner role required');
    expect(cancel).toMatch(/^Your account may not cancel this order/);
    expect(toleranceWords({ underPct: 3, overPct: 5, scope: 'color' })).toBe('\u22123% / +5% per color');
    expect(toleranceWords({ underPct: 2.5, overPct: 0, scope: 'cell' })).toBe('\u22122.5% / +0% per cell');
    expect(toleranceWords({ underPct: 1, overPct: 1 })).toBe('\u22121% / +1% per color');
  });

  it('never shows a stack, and says what to do on transport trouble', () => {
    expect(friendlyApiError(err(503, 'INTERNAL')).message).toMatch(/had a problem \(request req-1\)/);
    expect(
      friendlyApiError(err(0, 'NETWORK', undefined, 'Could not reach the GarmentFlow API (https://x)')).message,
    ).toMatch(/Check the API URL/);
    expect(friendlyApiError(err(401, 'UNAUTHORIZED')).message).toMatch(/Google sign-in/);
    expect(friendly(new UserError('BUSY', 'wait'))).toEqual({ code: 'BUSY', message: 'wait', details: undefined });
    expect(friendly(new TypeError('x is undefined')).message).toBe(
      'Something went wrong in the add-on: x is undefined',
    );
  });
});
