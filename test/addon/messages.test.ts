import { describe, expect, it } from 'vitest';
import { ApiError } from '../../addon/src/api.js';
import { ContextError, friendly, friendlyApiError, UserError, type Activity } from '../../addon/src/messages.js';

const err = (status: number, code: string, details?: unknown, message = 'server words') => new ApiError(status, code, message, details, 'req-1');

describe('friendly messages', () => {
  it('TECH_PACK_NOT_READY names the tech pack state and what the planner tried', () => {
    expect(friendlyApiError(err(409, 'TECH_PACK_NOT_READY', { techPackState: 'Design' }), { action: 'plan' }).message).toBe(
      'The tech pack is still in Design: it must be Production ready before this order can be planned.',
    );
    expect(friendly(new ContextError(err(409, 'TECH_PACK_NOT_READY', { techPackState: 'Approval' }), 'release')).message).toContain('before this order can be released');
  });

  it('explains each refusal the planner can meet', () => {
    const m = (code: string, details?: unknown, action: Activity = 'plan', status = 409) =>
      friendlyApiError(err(status, code, details), { action }).message;
    expect(m('ORDER_INCOMPLETE', { missing: ['the matrix has no quantities', 'the delivery date is not set'] })).toBe(
      'This order cannot be planned yet: the matrix has no quantities; the delivery date is not set. Fill it in, push, and try again.',
    );
    expect(m('ILLEGAL_TRANSITION', { from: 'Released', action: 'plan' })).toMatch(/^An order that is Released cannot be planned/);
    expect(m('BATCH_RUNNING', { batches: ['B-7'] }, 'cancel')).toBe('Batch B-7 is still running: finish it before you cancel the order.');
    expect(m('EDIT_CONFLICT', { conflicts: [{}, {}], updatedBy: 'bo@example.com' }, 'push')).toMatch(/^2 cell\(s\) were changed by bo@example.com.*marked in red.*other changes are kept/);
    expect(m('NOT_EDITABLE', { state: 'InProgress' }, 'push')).toBe(
      'This order is In progress: its quantities, sizes and colors can no longer change (only while Draft or Planned).',
    );
    expect(m('PRECONDITION_FAILED', {}, 'push', 412)).toMatch(/Someone else changed this order/);
    expect(m('VALIDATION_FAILED', { fields: [{ field: 'deliveryDate', message: 'must be a date as YYYY-MM-DD' }, { field: 'matrix.quantities[0][1]', message: 'must be a whole number' }] }, 'create', 400)).toBe(
      'Some values were not accepted: Delivery date must be a date as YYYY-MM-DD, Quantity table (matrix.quantities[0][1]) must be a whole number.',
    );
    expect(m('OUT_OF_TOLERANCE', { cells: [{ color: 'NAVY', size: 'S', produced: 90, ordered: 100 }] }, 'complete')).toMatch(/NAVY\/S made 90 of 100.*short-close/);
    expect(m('BATCHES_EXIST', undefined, 'reopen')).toMatch(/already has batches/);
    const early = { techPackState: 'Commercial', minTechPackStateForOrders: 'ProductionReady' };
    expect(m('TECH_PACK_TOO_EARLY', early, 'create')).toMatch(/once tech packs reach Production ready/);
  });

  it('never shows a stack, and says what to do on transport trouble', () => {
    expect(friendlyApiError(err(503, 'INTERNAL')).message).toMatch(/had a problem \(request req-1\)/);
    expect(friendlyApiError(err(0, 'NETWORK', undefined, 'Could not reach the GarmentFlow API (https://x)')).message).toMatch(/Check the API URL/);
    expect(friendlyApiError(err(401, 'UNAUTHORIZED')).message).toMatch(/Google sign-in/);
    expect(friendly(new UserError('BUSY', 'wait'))).toEqual({ code: 'BUSY', message: 'wait', details: undefined });
    expect(friendly(new TypeError('x is undefined')).message).toBe('Something went wrong in the add-on: x is undefined');
  });
});
