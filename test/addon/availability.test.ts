import { describe, expect, it } from 'vitest';
import {
  batchAvailability,
  orderAvailability,
  pushAvailability,
  type OrderFacts,
} from '../../addon/src/availability.js';

const facts = (over: Partial<OrderFacts> = {}): OrderFacts => ({
  state: 'Draft',
  total: 100,
  deliveryDate: '2027-03-01',
  techPackState: 'ProductionReady',
  batches: [],
  progress: { batched: 0, produced: 0, rejected: 0 },
  tolerance: { underPct: 3, overPct: 5 },
  pending: 0,
  ...over,
});

const byAction = (f: OrderFacts) => Object.fromEntries(orderAvailability(f).map((a) => [a.action, a]));

describe('action availability', () => {
  it('offers what the state machine allows, enabled when every gate holds', () => {
    expect(orderAvailability(facts())).toEqual([
      { action: 'plan', enabled: true },
      { action: 'cancel', enabled: true },
    ]);
    expect(orderAvailability(facts({ state: 'Completed' }))).toEqual([]);
  });

  it('disables plan and release with the reason: tech pack, quantities, date, unpushed changes', () => {
    expect(byAction(facts({ techPackState: 'Design' })).plan).toEqual({
      action: 'plan',
      enabled: false,
      reason: 'The tech pack is still in Design: it must be Production ready before this order can be planned.',
    });
    expect(byAction(facts({ state: 'Planned', total: 0, deliveryDate: null })).release.reason).toBe(
      'It cannot be released yet: the matrix has no quantities; the delivery date is not set.',
    );
    expect(byAction(facts({ pending: 12 })).plan.reason).toBe('Push your 12 unpushed changes first.');
    // Unknown facts never disable: the API decides.
    expect(byAction(facts({ techPackState: null, pending: null })).plan.enabled).toBe(true);
    expect(byAction(facts({ state: 'Planned', batches: [{ id: 'B-1', state: 'Cancelled' }] })).reopen.reason).toBe(
      'It has batches, so it cannot go back to Draft.',
    );
  });

  it('disables cancel with running batches or output, complete with open batches or too little produced', () => {
    const running = facts({
      state: 'InProgress',
      batches: [
        { id: 'B-1', state: 'Running' },
        { id: 'B-2', state: 'Finished' },
      ],
      progress: { batched: 100, produced: 40, rejected: 1 },
    });
    const a = byAction(running);
    expect(a.cancel.reason).toBe('Batch B-1 is running: finish it first.');
    expect(a.complete.reason).toBe('Batch B-1 is not Finished or Cancelled yet.');
    expect(a.shortClose.reason).toBe('Batch B-1 is not Finished or Cancelled yet.');
    const finished = byAction({ ...running, batches: [{ id: 'B-1', state: 'Finished' }] });
    expect(finished.cancel.reason).toBe('It already has output (40 produced, 1 rejected): short-close it instead.');
    expect(finished.complete.reason).toBe('40 of 100 produced (at least 97 needed): short-close it instead.');
    expect(finished.shortClose.enabled).toBe(true);
    const enough = byAction({ ...running, batches: [], progress: { batched: 100, produced: 97, rejected: 0 } });
    expect(enough.complete.enabled).toBe(true);
    const released = byAction(facts({ state: 'Released', toBatch: 0 }));
    expect(released.generateBatches.reason).toBe('Every garment of this order is already in a batch.');
    expect(byAction(facts({ state: 'Released', toBatch: 5 })).generateBatches.enabled).toBe(true);
  });

  it('batch actions follow the batch state machine; push needs an editable order', () => {
    expect(batchAvailability({ state: 'Planned' }, 'Released').map((a) => a.action)).toEqual(['start', 'cancel']);
    expect(batchAvailability({ state: 'Running' }, 'Completed')[0]).toMatchObject({ action: 'finish', enabled: false });
    expect(pushAvailability(true)).toEqual({ action: 'push', enabled: true });
    expect(pushAvailability(false)).toMatchObject({ enabled: false, reason: expect.stringMatching(/frozen/) });
  });
});
