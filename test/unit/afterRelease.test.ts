// After release (issue 14), the rules without I/O: amendments (reason, never below batched, still
// covered by the release snapshot, progress kept), re-promises (reason, original date kept,
// milestones moved) and milestones (template, shift, PUT), and the events they announce.
import { describe, expect, it } from 'vitest';
import { changedCells, requireCoveredBySnapshot, requireNotBelowBatched } from '../../shared/amend.js';
import { eventFor } from '../../shared/events.js';
import {
  applyMilestoneUpdate,
  milestonesFor,
  parseMilestoneUpdate,
  shiftMilestones,
  type Milestone,
} from '../../shared/milestones.js';
import { applyMatrixEdits, applyOrderPatch, newOrder } from '../../shared/productionOrder.js';
import type { ProductionOrder } from '../../shared/types.js';
import { LATER, NOW, matrix, order, other, planner, settings, techPack, thrown } from './fixtures.js';

const TEMPLATE = [
  { key: 'FABRIC-IN', name: 'Fabric in house', daysBeforeDelivery: 30 },
  { key: 'EX-FACTORY', name: 'Ex-factory', daysBeforeDelivery: 2 },
];

/** A Released order with NAVY/S 6 of 10 batched. */
function released(over: Partial<ProductionOrder> = {}): ProductionOrder {
  const o = order({ state: 'Released', releasedBomRevision: 2, milestones: milestonesFor(TEMPLATE, '2026-06-30') });
  o.progress.batched.quantities[0][0] = 6;
  return { ...o, ...over };
}

const fieldsOf = (e: ReturnType<typeof thrown>) =>
  (e.details as { fields: { field: string }[] }).fields.map((f) => f.field);

describe('amendments', () => {
  it('matrix edits on a Released order: reason in the history with the changed cells, progress kept', () => {
    const before = released();
    const { order: next, history } = applyMatrixEdits(
      before,
      { baseVersion: 4, reason: 'buyer +5', edits: [{ color: 'NAVY', size: 'M', from: 20, to: 25 }] },
      other,
      LATER,
    );
    expect(next.matrix.quantities[0][1]).toBe(25);
    expect(next.total).toBe(before.total + 5);
    expect(next.progress.batched.quantities[0][0]).toBe(6);
    expect(history).toMatchObject({
      action: 'amend',
      reason: 'buyer +5',
      from: 'Released',
      to: 'Released',
      version: 5,
      details: { amendment: true, cells: 1, changes: [{ color: 'NAVY', size: 'M', from: 20, to: 25 }] },
    });
    const event = eventFor('ProductionOrder', before.id, history, { orderId: before.id });
    expect(event?.detailType).toBe('ProductionOrder.MatrixChanged');
    expect(event?.detail).toMatchObject({ amendment: true, reason: 'buyer +5' });
  });

  it('never below batched: 409 BELOW_BATCHED with each cell and its batched quantity; down to it is fine', () => {
    const e = thrown(() =>
      applyMatrixEdits(
        released(),
        { baseVersion: 4, reason: 'cut', edits: [{ color: 'NAVY', size: 'S', from: 10, to: 5 }] },
        other,
        LATER,
      ),
    );
    expect(e.code).toBe('BELOW_BATCHED');
    expect(e.details).toEqual({ cells: [{ color: 'NAVY', size: 'S', batched: 6, requested: 5 }], moreCells: 0 });
    const { order: next } = applyMatrixEdits(
      released(),
      { baseVersion: 4, reason: 'cut', edits: [{ color: 'NAVY', size: 'S', from: 10, to: 6 }] },
      other,
      LATER,
    );
    expect(next.matrix.quantities[0][0]).toBe(6);
    // Removing the size counts as 0 for its cells.
    expect(() => requireNotBelowBatched(released(), matrix(['M', 'L'], ['NAVY', 'RED']))).toThrow(/batched/);
  });

  it('a PATCH amendment reshapes progress over the new layout; a re-promise keeps the original date', () => {
    const { order: wider, history } = applyOrderPatch(
      released(),
      { colors: ['NAVY', 'RED', 'GREEN'], reason: 'buyer adds GREEN' },
      other,
      LATER,
    );
    expect(wider.progress.batched.colors).toEqual(['NAVY', 'RED', 'GREEN']);
    expect(wider.progress.batched.quantities[0][0]).toBe(6);
    expect(history).toMatchObject({ action: 'amend', details: { fields: ['colors'], cells: 0 } });

    const { order: later, history: h } = applyOrderPatch(
      released(),
      { deliveryDate: '2026-07-10', reason: 'fabric late' },
      other,
      LATER,
    );
    expect(later).toMatchObject({ deliveryDate: '2026-07-10', originalDeliveryDate: '2026-06-30' });
    expect(later.milestones.map((m) => m.due)).toEqual(['2026-06-10', '2026-07-08']);
    expect(h).toMatchObject({
      action: 'repromise',
      reason: 'fabric late',
      details: {
        deliveryDate: { from: '2026-06-30', to: '2026-07-10' },
        originalDeliveryDate: '2026-06-30',
        movedMilestones: ['FABRIC-IN', 'EX-FACTORY'],
      },
    });
    const event = eventFor('ProductionOrder', later.id, h, { orderId: later.id });
    expect(event?.detailType).toBe('ProductionOrder.DeliveryDateChanged');
    expect(event?.detail).toMatchObject({
      deliveryDate: '2026-07-10',
      previousDeliveryDate: '2026-06-30',
      originalDeliveryDate: '2026-06-30',
      reason: 'fabric late',
    });
  });

  it('a re-promise comes alone and is never a clearing; without a reason it is a 400 naming reason', () => {
    expect(fieldsOf(thrown(() => applyOrderPatch(released(), { deliveryDate: '2026-07-10' }, other, LATER)))).toEqual([
      'reason',
    ]);
    const both = thrown(() =>
      applyOrderPatch(released(), { deliveryDate: '2026-07-10', sizes: ['S'], reason: 'r' }, other, LATER),
    );
    expect(fieldsOf(both)).toEqual(['deliveryDate']);
    expect(
      fieldsOf(thrown(() => applyOrderPatch(released(), { deliveryDate: null, reason: 'r' }, other, LATER))),
    ).toEqual(['deliveryDate']);
  });

  it('an amended matrix must stay covered by the release snapshot (409 BOM_INCOMPLETE), unless it never was', () => {
    const bom = [{ material: 'FAB', uom: 'm', consumption: { S: 1, M: 1 }, wastagePct: 0 }];
    const before = matrix(['S', 'M'], ['NAVY'], [[1, 1]]);
    expect(() => requireCoveredBySnapshot(before, matrix(['S', 'M'], ['NAVY'], [[5, 5]]), bom)).not.toThrow();
    const withXl = matrix(['S', 'M', 'XL'], ['NAVY'], [[1, 1, 1]]);
    expect(thrown(() => requireCoveredBySnapshot(before, withXl, bom)).code).toBe('BOM_INCOMPLETE');
    // A zero XL column is still covered (no garments need it).
    expect(() => requireCoveredBySnapshot(before, matrix(['S', 'M', 'XL'], ['NAVY'], [[1, 1, 0]]), bom)).not.toThrow();
    expect(() => requireCoveredBySnapshot(withXl, withXl, bom)).not.toThrow();
    expect(() => requireCoveredBySnapshot(before, withXl, undefined)).not.toThrow();
  });

  it('changedCells covers both layouts', () => {
    expect(changedCells(matrix(['S'], ['NAVY'], [[3]]), matrix(['M'], ['NAVY'], [[2]]))).toEqual([
      { color: 'NAVY', size: 'S', from: 3, to: 0 },
      { color: 'NAVY', size: 'M', from: 0, to: 2 },
    ]);
  });
});

describe('milestones', () => {
  it('a new order gets the template, due from its delivery date (none without one)', () => {
    const input = { techPackId: 'tp-1', deliveryDate: '2026-06-30' };
    const args = {
      id: 'po-9',
      techPack: techPack(),
      source: { type: 'commercial' as const },
      actor: planner,
      now: NOW,
    };
    const o = newOrder({ ...args, input, settings: settings({ milestoneTemplate: TEMPLATE }) });
    expect(o.milestones).toEqual([
      { key: 'FABRIC-IN', name: 'Fabric in house', due: '2026-05-31', done: null, daysBeforeDelivery: 30 },
      { key: 'EX-FACTORY', name: 'Ex-factory', due: '2026-06-28', done: null, daysBeforeDelivery: 2 },
    ]);
    const undated = newOrder({
      ...args,
      input: { techPackId: 'tp-1' },
      settings: settings({ milestoneTemplate: TEMPLATE }),
    });
    expect(undated.milestones.map((m) => m.due)).toEqual([null, null]);
    expect(newOrder({ ...args, input, settings: settings() }).milestones).toEqual([]);
  });

  it('moving the date moves the open ones by as many days; done ones stay; a first date dates them', () => {
    const ms: Milestone[] = milestonesFor(TEMPLATE, '2026-06-30');
    ms[0] = { ...ms[0], done: '2026-05-20' };
    ms[1] = { ...ms[1], due: '2026-06-25' };
    expect(shiftMilestones(ms, '2026-06-30', '2026-07-03').map((m) => m.due)).toEqual(['2026-05-31', '2026-06-28']);
    expect(shiftMilestones(ms, '2026-06-30', null).map((m) => m.due)).toEqual(['2026-05-31', null]);
    const undated = milestonesFor(TEMPLATE, null);
    expect(shiftMilestones(undated, null, '2026-03-01').map((m) => m.due)).toEqual(['2026-01-30', '2026-02-27']);
  });

  it('PUT: done, reopen, re-date; later needs a reason; unknown key 404; final orders 409', () => {
    const o = released();
    const done = applyMilestoneUpdate(o, 'FABRIC-IN', { done: '2026-05-30' }, other, LATER);
    expect(done.order.milestones[0].done).toBe('2026-05-30');
    expect(done.order.version).toBe(o.version + 1);
    expect(done.history).toMatchObject({
      action: 'milestone',
      version: o.version + 1,
      details: { key: 'FABRIC-IN', done: { from: null, to: '2026-05-30' } },
    });
    expect(eventFor('ProductionOrder', o.id, done.history, {})).toBeUndefined();
    const reopened = applyMilestoneUpdate(done.order, 'FABRIC-IN', { done: null }, other, LATER);
    expect(reopened.order.milestones[0].done).toBeNull();
    expect(fieldsOf(thrown(() => applyMilestoneUpdate(o, 'EX-FACTORY', { due: '2026-06-29' }, other, LATER)))).toEqual([
      'reason',
    ]);
    const earlier = applyMilestoneUpdate(o, 'EX-FACTORY', { due: '2026-06-20' }, other, LATER);
    expect(earlier.order.milestones[1].due).toBe('2026-06-20');
    expect(thrown(() => applyMilestoneUpdate(o, 'NOPE', { done: '2026-05-30' }, other, LATER)).status).toBe(404);
    const cancelled = { ...o, state: 'Cancelled' as const };
    expect(thrown(() => applyMilestoneUpdate(cancelled, 'FABRIC-IN', { done: '2026-05-30' }, other, LATER)).code).toBe(
      'NOT_EDITABLE',
    );
  });

  it('the PUT body names due or done', () => {
    expect(parseMilestoneUpdate({ done: '2026-05-30', reason: ' ok ' })).toEqual({ done: '2026-05-30', reason: 'ok' });
    expect(fieldsOf(thrown(() => parseMilestoneUpdate({ reason: 'x' })))).toEqual(['body']);
    expect(fieldsOf(thrown(() => parseMilestoneUpdate({ due: '2026-02-30' })))).toEqual(['due']);
  });
});
