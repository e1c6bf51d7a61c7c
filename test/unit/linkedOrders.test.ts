// Split and backorder rules (shared/linkedOrders.ts), the transition parser's backorder rule, and the
// events they announce: pure, no I/O.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventFor } from '../../shared/events.js';
import {
  checkSplit,
  linkToSalesOrder,
  openBackorder,
  parseSplit,
  requireShortfall,
  shortfall,
  splitOrder,
  splitState,
} from '../../shared/linkedOrders.js';
import { matrixTotal } from '../../shared/matrix.js';
import { parseOrderTransition, toleranceBounds, transitionOrder } from '../../shared/productionOrder.js';
import type { SalesOrder } from '../../shared/salesOrder.js';
import type { Matrix, ProductionOrder } from '../../shared/types.js';
import { badFields, LATER, matrix, order, planner, thrown } from './fixtures.js';

const SIZES = ['S', 'M', 'L'];
const COLORS = ['NAVY', 'RED'];

/** A Released order (released BOM revision 2) with `batched` already cut. */
function released(batched: number[][], over: Partial<ProductionOrder> = {}): ProductionOrder {
  const o = order({ state: 'Released', releasedBomRevision: 2, ...over });
  return { ...o, progress: { ...o.progress, batched: matrix(SIZES, COLORS, batched) } };
}

const body = (m: Matrix, extra: Record<string, unknown> = {}) => ({ matrix: m, reason: 'RED later', ...extra });

describe('parseSplit', () => {
  it('takes matrix, reason and an optional delivery date; names every bad field', () => {
    const m = matrix(['M'], ['RED'], [[5]]);
    expect(parseSplit(body(m))).toEqual({ matrix: m, reason: 'RED later' });
    expect(parseSplit(body(m, { deliveryDate: '2026-08-01', reason: '  trimmed ' }))).toEqual({
      matrix: m,
      reason: 'trimmed',
      deliveryDate: '2026-08-01',
    });
    expect(badFields(() => parseSplit({ matrix: m }))).toEqual(['reason']);
    expect(badFields(() => parseSplit({ matrix: m, reason: ' ' }))).toEqual(['reason']);
    expect(badFields(() => parseSplit({ reason: 'x', deliveryDate: '2026-02-30' }))).toEqual([
      'matrix',
      'deliveryDate',
    ]);
    expect(badFields(() => parseSplit({ ...body(m), extra: 1 }))).toEqual(['extra']);
    expect(badFields(() => parseSplit([]))).toEqual(['body']);
  });
});

describe('checkSplit', () => {
  it('returns what moves over the order’s layout: sizes and colors a subset, in any order, cells left out 0', () => {
    const o = order();
    const moved = checkSplit(o, { matrix: matrix(['L', 'S'], ['RED'], [[5, 1]]) });
    expect(moved).toEqual(
      matrix(SIZES, COLORS, [
        [0, 0, 0],
        [1, 0, 5],
      ]),
    );
  });

  it('refuses sizes and colors not of the order, and a split that moves nothing (400)', () => {
    const o = order();
    expect(
      badFields(() =>
        checkSplit(o, {
          matrix: matrix(
            ['XL', 'M'],
            ['RED', 'TEAL'],
            [
              [1, 1],
              [1, 1],
            ],
          ),
        }),
      ),
    ).toEqual(['matrix.sizes[0]', 'matrix.colors[1]']);
    expect(badFields(() => checkSplit(o, { matrix: matrix(['M'], ['RED'], [[0]]) }))).toEqual(['matrix.quantities']);
  });

  it('only un-batched quantity moves: 409 BELOW_BATCHED names each cell with its available quantity', () => {
    const o = released([
      [10, 15, 0],
      [0, 12, 0],
    ]);
    // NAVY/M: 20 ordered, 15 batched: 5 available. RED/M: 12 batched of 10 (the over-tolerance): none.
    const ask = matrix(['M'], ['NAVY', 'RED'], [[6], [1]]);
    const e = thrown(() => checkSplit(o, { matrix: ask }));
    expect(e.status).toBe(409);
    expect(e.code).toBe('BELOW_BATCHED');
    expect(e.details).toEqual({
      cells: [
        { color: 'NAVY', size: 'M', ordered: 20, batched: 15, available: 5, requested: 6 },
        { color: 'RED', size: 'M', ordered: 10, batched: 12, available: 0, requested: 1 },
      ],
      more: 0,
    });
    expect(e.message).toContain('NAVY/M has 5 un-batched (asked 6); RED/M has 0 un-batched (asked 1)');
    expect(
      checkSplit(o, {
        matrix: matrix(
          ['M', 'L'],
          ['NAVY', 'RED'],
          [
            [5, 10],
            [0, 5],
          ],
        ),
      }).quantities,
    ).toEqual([
      [0, 5, 10],
      [0, 0, 5],
    ]);
  });

  it('refuses the whole order (409 SPLIT_TAKES_ALL) and final orders (409 ILLEGAL_TRANSITION)', () => {
    const o = order();
    expect(thrown(() => checkSplit(o, { matrix: o.matrix })).code).toBe('SPLIT_TAKES_ALL');
    const one = matrix(['M'], ['RED'], [[1]]);
    for (const state of ['Completed', 'Cancelled'] as const) {
      const e = thrown(() => checkSplit(order({ state }), { matrix: one }));
      expect([e.status, e.code]).toEqual([409, 'ILLEGAL_TRANSITION']);
    }
    for (const state of ['Draft', 'Planned', 'Released', 'InProgress'] as const)
      expect(matrixTotal(checkSplit(order({ state }), { matrix: one }))).toBe(1);
  });

  it('property: after any accepted split no cell of the original holds more batched than its allocation cap', () => {
    let accepted = 0;
    const cells = fc.array(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 3, maxLength: 3 }), {
      minLength: 2,
      maxLength: 2,
    });
    fc.assert(
      fc.property(cells, cells, cells, fc.boolean(), (ordered, batchedShare, asked, withinAvailable) => {
        // A reachable state: batches within each cell's cap (ordered plus the over-tolerance).
        const cap = (q: number) => toleranceBounds(q, { overPct: 5, underPct: 3 }).max;
        const batched = ordered.map((row, r) => row.map((q, c) => Math.min(batchedShare[r][c], cap(q))));
        const m = matrix(SIZES, COLORS, ordered);
        const o = released(batched, { matrix: m, total: matrixTotal(m) });
        // Half the cases ask only what is available (mostly accepted), half anything (mostly refused).
        const ask = withinAvailable
          ? asked.map((row, r) => row.map((a, c) => Math.min(a, Math.max(0, ordered[r][c] - batched[r][c]))))
          : asked;
        let moved: Matrix;
        try {
          moved = checkSplit(o, { matrix: matrix(SIZES, COLORS, ask) });
        } catch (e) {
          const code = (e as { code?: string }).code;
          expect(['BELOW_BATCHED', 'SPLIT_TAKES_ALL', 'VALIDATION_FAILED']).toContain(code);
          return true;
        }
        accepted++;
        const s = splitOrder(o, body(moved), moved, { id: 'po-2', actor: planner, now: LATER });
        s.order.matrix.quantities.forEach((row, r) =>
          row.forEach((q, c) => {
            expect(s.order.progress.batched.quantities[r][c]).toBeLessThanOrEqual(cap(q));
            expect(q + moved.quantities[r][c]).toBe(ordered[r][c]);
          }),
        );
        expect(s.order.total + s.split.total).toBe(o.total);
        return true;
      }),
      { numRuns: 300, seed: 14 },
    );
    // Not vacuous: many of the cases were splits the rule let through.
    expect(accepted).toBeGreaterThan(50);
  });
});

describe('splitOrder', () => {
  it('reduces the original and builds the linked order: same source and plan, its own matrix and history', () => {
    const o = released(
      [
        [10, 0, 0],
        [0, 0, 0],
      ],
      {
        source: { type: 'salesOrder', salesOrderId: 'SO-000001', customer: 'ACME' },
        notes: 'n',
        originalDeliveryDate: '2026-06-01',
      },
    );
    const moved = checkSplit(o, { matrix: matrix(['L', 'M'], ['RED'], [[5, 10]]) });
    const s = splitOrder(o, { ...body(moved), deliveryDate: '2026-07-15' }, moved, {
      id: 'po-9',
      actor: planner,
      now: LATER,
    });
    expect(s.order).toMatchObject({ version: 5, total: 45, updatedAt: LATER, state: 'Released' });
    expect(s.order.matrix.quantities).toEqual([
      [10, 20, 10],
      [5, 0, 0],
    ]);
    expect(s.order.progress).toEqual(o.progress);
    expect(s.split).toMatchObject({
      id: 'po-9',
      state: 'Released',
      version: 1,
      splitFrom: o.id,
      matrix: matrix(['M', 'L'], ['RED'], [[10, 5]]),
      total: 15,
      deliveryDate: '2026-07-15',
      originalDeliveryDate: '2026-06-01',
      source: o.source,
      tolerance: o.tolerance,
      batchPlan: o.batchPlan,
      iqTemplate: o.iqTemplate,
      notes: 'n',
      releasedBomRevision: 2,
      createdAt: LATER,
      createdBy: planner.id,
    });
    expect(s.split.progress.batched).toEqual(matrix(['M', 'L'], ['RED']));
    expect(s.history).toEqual({
      at: LATER,
      actor: planner.id,
      action: 'split',
      from: 'Released',
      to: 'Released',
      version: 5,
      reason: 'RED later',
      details: { splitId: 'po-9', total: 15, deliveryDate: '2026-07-15', matrix: s.split.matrix },
    });
    expect(s.splitHistory).toMatchObject({
      action: 'create',
      from: null,
      to: 'Released',
      version: 1,
      reason: 'RED later',
      details: { source: o.source, splitFrom: o.id, total: 15 },
    });
  });

  it('the new state: Draft, Planned stay; Released, InProgress give Released; a Draft’s promise follows', () => {
    expect(['Draft', 'Planned', 'Released', 'InProgress'].map((s) => splitState(s as never))).toEqual([
      'Draft',
      'Planned',
      'Released',
      'Released',
    ]);
    const o = order({ originalDeliveryDate: '2026-01-01' });
    const moved = checkSplit(o, { matrix: matrix(['M'], ['RED'], [[1]]) });
    const s = splitOrder(o, { ...body(moved), deliveryDate: '2026-09-01' }, moved, {
      id: 'po-2',
      actor: planner,
      now: LATER,
    });
    expect(s.split).toMatchObject({ state: 'Draft', deliveryDate: '2026-09-01', originalDeliveryDate: '2026-09-01' });
    const same = splitOrder(o, body(moved), moved, { id: 'po-3', actor: planner, now: LATER });
    expect(same.split.deliveryDate).toBe(o.deliveryDate);
    // A backorder split again is a split, no longer the backorder.
    const bo = splitOrder({ ...o, backorderOf: 'po-0' }, body(moved), moved, {
      id: 'po-4',
      actor: planner,
      now: LATER,
    });
    expect(bo.split.backorderOf).toBeUndefined();
    expect(bo.split.splitFrom).toBe(o.id);
  });

  it('announces MatrixChanged for the original and Created for the new order, each naming the other', () => {
    const o = order();
    const moved = checkSplit(o, { matrix: matrix(['M'], ['RED'], [[1]]) });
    const s = splitOrder(o, body(moved), moved, { id: 'po-2', actor: planner, now: LATER });
    expect(eventFor('ProductionOrder', o.id, s.history, { orderId: o.id })).toMatchObject({
      detailType: 'ProductionOrder.MatrixChanged',
      detail: { id: o.id, action: 'split', splitId: 'po-2', reason: 'RED later' },
    });
    expect(eventFor('ProductionOrder', 'po-2', s.splitHistory, { orderId: 'po-2' })).toMatchObject({
      detailType: 'ProductionOrder.Created',
      detail: { id: 'po-2', to: 'Draft', splitFrom: o.id },
    });
  });
});

describe('backorder', () => {
  const inProgress = (produced: number[][]) => {
    const o = order({
      state: 'InProgress',
      releasedBomRevision: 2,
      tolerance: { overPct: 5, underPct: 3, scope: 'color' },
    });
    return {
      ...o,
      progress: { ...o.progress, batched: o.matrix, produced: matrix(SIZES, COLORS, produced) },
    };
  };

  it('the shortfall is ordered minus produced per cell where positive; none is 409 NOTHING_SHORT', () => {
    const o = inProgress([
      [10, 25, 4],
      [5, 10, 0],
    ]);
    expect(shortfall(o).quantities).toEqual([
      [0, 0, 6],
      [0, 0, 5],
    ]);
    expect(requireShortfall(o)).toEqual(matrix(['L'], ['NAVY', 'RED'], [[6], [5]]));
    const full = inProgress(o.matrix.quantities);
    const e = thrown(() => requireShortfall(full));
    expect([e.status, e.code]).toEqual([409, 'NOTHING_SHORT']);
  });

  it('opens a Draft with the shortfall, linked both ways, the completion naming it; events say so', () => {
    const o = inProgress([
      [10, 20, 4],
      [5, 10, 0],
    ]);
    const change = transitionOrder(
      o,
      { action: 'complete', shortClose: true, reason: 'fabric', backorder: true },
      { batches: [], actor: planner, now: LATER },
    );
    const b = openBackorder(o, change, requireShortfall(o), {
      id: 'po-7',
      reason: 'fabric',
      actor: planner,
      now: LATER,
    });
    expect(b.completion.order).toMatchObject({ state: 'Completed', backorderId: 'po-7', version: 5 });
    expect(b.completion.history).toMatchObject({ action: 'shortClose', details: { backorderId: 'po-7' } });
    expect(b.backorder).toMatchObject({
      id: 'po-7',
      state: 'Draft',
      version: 1,
      backorderOf: o.id,
      matrix: matrix(['L'], ['NAVY', 'RED'], [[6], [5]]),
      total: 11,
      releasedBomRevision: null,
      source: o.source,
      deliveryDate: o.deliveryDate,
      originalDeliveryDate: o.deliveryDate,
    });
    expect(b.backorderHistory).toMatchObject({
      action: 'create',
      to: 'Draft',
      details: { backorderOf: o.id, total: 11 },
    });
    expect(eventFor('ProductionOrder', o.id, b.completion.history, {})).toMatchObject({
      detailType: 'ProductionOrder.StateChanged',
      detail: { backorderId: 'po-7', to: 'Completed' },
    });
    expect(eventFor('ProductionOrder', 'po-7', b.backorderHistory, {})).toMatchObject({
      detailType: 'ProductionOrder.Created',
      detail: { backorderOf: o.id },
    });
  });

  it('the transition parser: backorder only with complete and shortClose (400 naming backorder)', () => {
    expect(parseOrderTransition({ action: 'complete', shortClose: true, reason: 'x', backorder: true })).toEqual({
      action: 'complete',
      reason: 'x',
      shortClose: true,
      backorder: true,
    });
    expect(parseOrderTransition({ action: 'complete', backorder: false })).toEqual({
      action: 'complete',
      reason: undefined,
      shortClose: false,
    });
    expect(badFields(() => parseOrderTransition({ action: 'complete', backorder: true }))).toEqual(['backorder']);
    expect(
      badFields(() => parseOrderTransition({ action: 'release', shortClose: true, reason: 'x', backorder: true })),
    ).toEqual(['shortClose', 'backorder']);
    expect(badFields(() => parseOrderTransition({ action: 'complete', backorder: 1 }))).toEqual(['backorder']);
  });
});

describe('linkToSalesOrder', () => {
  const so = (ids: string[]): SalesOrder =>
    ({ id: 'SO-000001', state: 'Accepted', version: 3, productionOrderIds: ids }) as unknown as SalesOrder;

  it('lists the new order on the sales order (version + 1) with a history entry naming the link', () => {
    const c = linkToSalesOrder(so(['po-1']), 'po-2', { splitFrom: 'po-1', total: 15 }, planner, LATER);
    expect(c.salesOrder).toMatchObject({ productionOrderIds: ['po-1', 'po-2'], version: 4, updatedAt: LATER });
    expect(c.history).toEqual({
      at: LATER,
      actor: planner.id,
      action: 'productionOrder',
      from: 'Accepted',
      to: 'Accepted',
      version: 4,
      details: { productionOrderId: 'po-2', splitFrom: 'po-1', total: 15 },
    });
  });

  it('refuses beyond the production orders a sales order may hold (409 TOO_MANY_PRODUCTION_ORDERS)', () => {
    const ids = Array.from({ length: 90 }, (_, i) => `po-${i}`);
    expect(thrown(() => linkToSalesOrder(so(ids), 'po-x', { total: 1 }, planner, LATER)).code).toBe(
      'TOO_MANY_PRODUCTION_ORDERS',
    );
  });
});
