import { describe, expect, it } from 'vitest';
import { EVENT_SOURCE, eventFor } from '../../shared/events.js';
import {
  applyMatrixEdits,
  applyOrderPatch,
  createdEntry,
  newOrder,
  transitionOrder,
} from '../../shared/productionOrder.js';
import { applyTechPackPatch, techPackUpdateEntry } from '../../shared/techPack.js';
import type { HistoryEntry } from '../../shared/types.js';
import { LATER, NOW, order, other, planner, settings, techPack } from './fixtures.js';

const h = (over: Partial<HistoryEntry>): HistoryEntry => ({
  at: NOW,
  actor: planner.id,
  action: 'update',
  from: 'Draft',
  to: 'Draft',
  version: 5,
  ...over,
});

describe('eventFor', () => {
  it('the source is garmentflow.production', () => {
    expect(EVENT_SOURCE).toBe('garmentflow.production');
  });

  it('a creation is <Kind>.Created with the links', () => {
    const ev = eventFor('ProductionOrder', 'po-1', h({ action: 'create', from: null, to: 'Draft', version: 1 }), {
      orderId: 'po-1',
      techPackId: 'tp-1',
    });
    expect(ev).toEqual({
      detailType: 'ProductionOrder.Created',
      detail: {
        id: 'po-1',
        from: null,
        to: 'Draft',
        version: 1,
        actor: planner.id,
        at: NOW,
        action: 'create',
        orderId: 'po-1',
        techPackId: 'tp-1',
      },
    });
    expect(eventFor('TechPack', 'tp-1', h({ action: 'create', from: null, to: 'Commercial' }), {})?.detailType).toBe(
      'TechPack.Created',
    );
    expect(eventFor('SalesOrder', 'so-1', h({ action: 'create', from: null, to: 'Draft' }), {})?.detailType).toBe(
      'SalesOrder.Created',
    );
  });

  it('a batch creation is a ProductionBatch.StateChanged (null -> Planned)', () => {
    const ev = eventFor('ProductionBatch', 'b1', h({ action: 'create', from: null, to: 'Planned' }), {
      orderId: 'po-1',
      batchId: 'b1',
    });
    expect(ev?.detailType).toBe('ProductionBatch.StateChanged');
    expect(ev?.detail).toMatchObject({ id: 'b1', from: null, to: 'Planned', orderId: 'po-1', batchId: 'b1' });
  });

  it('an inspection is a ProductionBatch.Inspected with its number and result (no state changes)', () => {
    const entry = h({ action: 'inspect', from: 'Running', to: 'Running', details: { inspection: 2, result: 'fail' } });
    const ev = eventFor('ProductionBatch', 'b1', entry, { orderId: 'po-1', batchId: 'b1' });
    expect(ev?.detailType).toBe('ProductionBatch.Inspected');
    expect(ev?.detail).toMatchObject({
      id: 'b1',
      from: 'Running',
      to: 'Running',
      inspection: 2,
      result: 'fail',
      batchId: 'b1',
    });
  });

  it.each(['ProductionOrder', 'ProductionBatch', 'TechPack', 'SalesOrder'] as const)(
    'a state change of a %s is <Kind>.StateChanged',
    (kind) => {
      const ev = eventFor(kind, 'x-1', h({ action: 'go', from: 'A', to: 'B' }), {});
      expect(ev?.detailType).toBe(`${kind}.StateChanged`);
      expect(ev?.detail).toMatchObject({ from: 'A', to: 'B', version: 5, action: 'go' });
    },
  );

  it('carries the reason when there is one, and no reason key otherwise', () => {
    const withReason = eventFor(
      'ProductionOrder',
      'po-1',
      h({ action: 'cancel', from: 'Draft', to: 'Cancelled', reason: 'customer withdrew' }),
      {},
    );
    expect(withReason?.detail.reason).toBe('customer withdrew');
    const without = eventFor('ProductionOrder', 'po-1', h({ action: 'plan', from: 'Draft', to: 'Planned' }), {});
    expect(without?.detail).not.toHaveProperty('reason');
  });

  it('a matrix edit of an order is ProductionOrder.MatrixChanged', () => {
    expect(eventFor('ProductionOrder', 'po-1', h({ action: 'matrixEdit' }), {})?.detailType).toBe(
      'ProductionOrder.MatrixChanged',
    );
  });

  it.each(['matrix', 'sizes', 'colors'])('an update touching %s is ProductionOrder.MatrixChanged', (field) => {
    expect(eventFor('ProductionOrder', 'po-1', h({ details: { fields: ['notes', field] } }), {})?.detailType).toBe(
      'ProductionOrder.MatrixChanged',
    );
  });

  it('an update touching neither state nor matrix announces nothing', () => {
    expect(
      eventFor('ProductionOrder', 'po-1', h({ details: { fields: ['notes', 'deliveryDate', 'tolerance'] } }), {}),
    ).toBeUndefined();
    expect(eventFor('ProductionOrder', 'po-1', h({}), {})).toBeUndefined();
    expect(
      eventFor('TechPack', 'tp-1', h({ from: 'Design', to: 'Design', details: { fields: ['bom'] } }), {}),
    ).toBeUndefined();
  });

  it('a tech pack update that moved bomRevision is TechPack.BomChanged, with the revision and the previous one', () => {
    const entry = h({
      from: 'Design',
      to: 'Design',
      version: 6,
      details: { fields: ['bom'], bomRevision: 3, previousBomRevision: 2 },
    });
    expect(eventFor('TechPack', 'tp-1', entry, { techPackId: 'tp-1' })).toEqual({
      detailType: 'TechPack.BomChanged',
      detail: {
        id: 'tp-1',
        from: 'Design',
        to: 'Design',
        version: 6,
        actor: planner.id,
        at: NOW,
        action: 'update',
        techPackId: 'tp-1',
        bomRevision: 3,
        previousBomRevision: 2,
      },
    });
  });

  it('a tech pack update that kept bomRevision, and any other kind, announce no BOM change', () => {
    const same = { fields: ['bom', 'name'], bomRevision: 2, previousBomRevision: 2 };
    expect(eventFor('TechPack', 'tp-1', h({ from: 'Design', to: 'Design', details: same }), {})).toBeUndefined();
    const moved = { fields: ['bom'], bomRevision: 3, previousBomRevision: 2 };
    expect(eventFor('ProductionOrder', 'po-1', h({ details: moved }), {})).toBeUndefined();
    // a state change stays a StateChanged, without BOM fields
    const ev = eventFor('TechPack', 'tp-1', h({ from: 'Design', to: 'Approval', details: moved }), {});
    expect(ev?.detailType).toBe('TechPack.StateChanged');
    expect(ev?.detail).not.toHaveProperty('bomRevision');
  });
  it('only orders have matrix events', () => {
    expect(eventFor('SalesOrder', 'so-1', h({ action: 'matrixEdit' }), {})).toBeUndefined();
    expect(eventFor('TechPack', 'tp-1', h({ details: { fields: ['sizes'] } }), {})).toBeUndefined();
  });
});

describe('events of real order changes', () => {
  it('created, updated (matrix / not), matrix-edited, planned, cancelled', () => {
    const created = newOrder({
      id: 'po-9',
      input: { techPackId: 'tp-1' },
      techPack: techPack(),
      settings: settings(),
      source: { type: 'replenishment' },
      actor: planner,
      now: NOW,
    });
    expect(eventFor('ProductionOrder', created.id, createdEntry(created), { orderId: created.id })?.detailType).toBe(
      'ProductionOrder.Created',
    );

    const resized = applyOrderPatch(order(), { sizes: ['S', 'M'] }, other, LATER);
    expect(eventFor('ProductionOrder', 'po-1', resized.history, {})?.detailType).toBe('ProductionOrder.MatrixChanged');

    const noted = applyOrderPatch(order(), { notes: 'n' }, other, LATER);
    expect(eventFor('ProductionOrder', 'po-1', noted.history, {})).toBeUndefined();

    const edited = applyMatrixEdits(
      order(),
      { baseVersion: 4, edits: [{ color: 'NAVY', size: 'S', from: 10, to: 1 }] },
      other,
      LATER,
    );
    const ev = eventFor('ProductionOrder', 'po-1', edited.history, {});
    expect(ev?.detailType).toBe('ProductionOrder.MatrixChanged');
    expect(ev?.detail.version).toBe(5);

    const planned = transitionOrder(
      order(),
      { action: 'plan' },
      { techPack: techPack(), batches: [], actor: other, now: LATER },
    );
    expect(eventFor('ProductionOrder', 'po-1', planned.history, { techPackId: 'tp-1' })).toEqual({
      detailType: 'ProductionOrder.StateChanged',
      detail: {
        id: 'po-1',
        from: 'Draft',
        to: 'Planned',
        version: 5,
        actor: other.id,
        at: LATER,
        action: 'plan',
        techPackId: 'tp-1',
      },
    });

    const cancelled = transitionOrder(
      order(),
      { action: 'cancel', reason: 'dup' },
      { batches: [], actor: other, now: LATER },
    );
    expect(eventFor('ProductionOrder', 'po-1', cancelled.history, {})?.detail).toMatchObject({
      from: 'Draft',
      to: 'Cancelled',
      reason: 'dup',
    });
    expect(eventFor('ProductionOrder', 'po-1', cancelled.history, {})?.detail).not.toHaveProperty('cancelledBatchIds');
  });

  it('a tech pack patch announces TechPack.BomChanged only when the BOM really changed', () => {
    const design = techPack({ state: 'Design', bomRevision: 2 });
    const bom = [{ ...design.bom[0], wastagePct: 8 }];
    const changed = applyTechPackPatch(design, { bom }, LATER);
    const ev = eventFor('TechPack', design.id, techPackUpdateEntry(design, changed, { bom }, other, LATER), {
      techPackId: design.id,
    });
    expect(ev).toMatchObject({
      detailType: 'TechPack.BomChanged',
      detail: { bomRevision: 3, previousBomRevision: 2, version: 4, actor: other.id },
    });
    const same = applyTechPackPatch(design, { bom: design.bom, name: 'x' }, LATER);
    expect(
      eventFor(
        'TechPack',
        design.id,
        techPackUpdateEntry(design, same, { bom: design.bom, name: 'x' }, other, LATER),
        {},
      ),
    ).toBeUndefined();
  });
  it("an order's cancellation names the Planned batches cancelled with it", () => {
    const released = { ...order(), state: 'InProgress' as const };
    const batches = [
      { id: 'B-000001', state: 'Planned' as const },
      { id: 'B-000002', state: 'Finished' as const },
      { id: 'B-000003', state: 'Planned' as const },
    ];
    const cancelled = transitionOrder(
      released,
      { action: 'cancel', reason: 'style dropped' },
      { batches, actor: other, now: LATER },
    );
    expect(eventFor('ProductionOrder', 'po-1', cancelled.history, {})?.detail).toMatchObject({
      to: 'Cancelled',
      cancelledBatchIds: ['B-000001', 'B-000003'],
    });
  });
});
