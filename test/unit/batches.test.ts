import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BATCH_ACTIONS,
  BATCH_MOVES,
  BATCH_STATES,
  MAX_GENERATED_BATCHES,
  addOnto,
  allocate,
  checkSubMatrix,
  countGenerated,
  createBatches,
  effectiveBatchState,
  overAllocated,
  parseBatchCreate,
  parseBatchTransition,
  parseGenerate,
  planBatches,
  remainingToBatch,
  splitRow,
  transitionBatch,
  withMissing,
  cutTarget,
  type BatchState,
  type ProductionBatch,
} from '../../shared/batches.js';
import { ConflictError, IllegalTransitionError } from '../../shared/errors.js';
import { emptyMatrix, matrixTotal } from '../../shared/matrix.js';
import { outOfTolerance, toleranceBounds, transitionOrder } from '../../shared/productionOrder.js';
import type { Matrix, ProductionOrder } from '../../shared/types.js';
import { LATER, NOW, badFields, matrix, order, other, planner, problems, thrown } from './fixtures.js';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** A Released order: NAVY 10/20/10, RED 5/10/5 (S/M/L), tolerance +5% / -3%. */
function released(over: Partial<ProductionOrder> = {}): ProductionOrder {
  return order({ state: 'Released', releasedBomRevision: 2, ...over });
}

function batch(over: Partial<ProductionBatch> = {}): ProductionBatch {
  const m = over.matrix ?? matrix(['S', 'M'], ['NAVY'], [[4, 6]]);
  return {
    id: 'B-000001',
    orderId: 'po-1',
    state: 'Planned',
    version: 1,
    origin: 'manual',
    matrix: m,
    total: matrixTotal(m),
    createdAt: NOW,
    createdBy: planner.id,
    updatedAt: NOW,
    updatedBy: planner.id,
    ...over,
  };
}

/** The order after `b` was created on it (batched counts it). */
function withBatched(o: ProductionOrder, ...subs: Matrix[]): ProductionOrder {
  return { ...o, progress: { ...o.progress, batched: subs.reduce((acc, m) => addOnto(acc, m), o.progress.batched) } };
}

// ---- generation: splitRow ------------------------------------------------------------------------

describe('splitRow: one color into batches of at most maxBatchQty', () => {
  it('keeps the size ratio and the totals (worked example)', () => {
    // 55 garments (S 5, M 20, L 30), at most 40 a batch: 2 batches of 28 and 27.
    // Shares of the 28: 2.55 / 10.18 / 15.27 -> 3 / 10 / 15; the 27 gets the rest: 2 / 10 / 15.
    expect(splitRow([5, 20, 30], 40)).toEqual([
      [3, 10, 15],
      [2, 10, 15],
    ]);
  });

  it('one batch when everything fits; none when nothing remains', () => {
    expect(splitRow([1, 2, 3], 6)).toEqual([[1, 2, 3]]);
    expect(splitRow([0, 0], 5)).toEqual([]);
  });

  it('even totals: 1,000 at most 300 a batch is 250 x 4, not 300 + 300 + 300 + 100', () => {
    const rows = splitRow([100, 400, 500], 300);
    expect(rows.map(sum)).toEqual([250, 250, 250, 250]);
    expect(rows).toEqual([
      [25, 100, 125],
      [25, 100, 125],
      [25, 100, 125],
      [25, 100, 125],
    ]);
  });

  it('largest remainders get the extra garment', () => {
    // 10 garments, 1/3/6, in batches of at most 5: two of 5, shares 0.5 / 1.5 / 3.
    const rows = splitRow([1, 3, 6], 5);
    expect(rows.map(sum)).toEqual([5, 5]);
    expect(rows[0][2] + rows[1][2]).toBe(6);
    for (const r of rows) expect(r[2]).toBe(3);
  });

  it('maxBatchQty 1: one garment a batch', () => {
    const rows = splitRow([2, 1], 1);
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => sum(r) === 1)).toBe(true);
    expect([sum(rows.map((r) => r[0])), sum(rows.map((r) => r[1]))]).toEqual([2, 1]);
  });

  it('handles large quantities exactly (10,000,000 per cell)', () => {
    const rows = splitRow([10_000_000, 9_999_999, 1], 333_333);
    expect(rows.map((r) => r[0]).reduce((a, b) => a + b, 0)).toBe(10_000_000);
    expect(rows.map((r) => r[1]).reduce((a, b) => a + b, 0)).toBe(9_999_999);
    expect(rows.every((r) => sum(r) <= 333_333)).toBe(true);
  });

  const cases = fc
    .record({
      remaining: fc.array(fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 100_000 })), {
        minLength: 1,
        maxLength: 12,
      }),
      max: fc.oneof(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 200_000 })),
    })
    .filter(({ remaining, max }) => Math.ceil(sum(remaining) / max) <= 3_000);

  it('property: every size adds up exactly to what remained', () => {
    fc.assert(
      fc.property(cases, ({ remaining, max }) => {
        const rows = splitRow(remaining, max);
        expect(remaining.map((_, s) => sum(rows.map((row) => row[s])))).toEqual(remaining);
      }),
      { numRuns: 400 },
    );
  });

  it('property: never above the limit, as few batches as the limit allows, totals within one garment of each other', () => {
    fc.assert(
      fc.property(cases, ({ remaining, max }) => {
        const rows = splitRow(remaining, max);
        const total = sum(remaining);
        expect(rows).toHaveLength(Math.ceil(total / max));
        const totals = rows.map(sum);
        expect(totals.filter((t) => t > max)).toEqual([]);
        if (rows.length) expect(Math.max(...totals) - Math.min(...totals)).toBeLessThanOrEqual(1);
        expect(rows.flat().filter((q) => q < 0 || !Number.isInteger(q))).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('property: the size ratio is kept: each cell is its exact share rounded down or up', () => {
    fc.assert(
      fc.property(cases, ({ remaining, max }) => {
        const rows = splitRow(remaining, max);
        const total = sum(remaining);
        // Each q is floor or ceil of t * r / total, checked in integers: |q * total - t * r| < total.
        const off = rows
          .flatMap((row) => row.map((q, s) => ({ q, t: sum(row), r: remaining[s] })))
          .filter(({ q, t, r }) => Math.abs(q * total - t * r) >= total);
        expect(off).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });
});

// ---- generation: planBatches ---------------------------------------------------------------------

describe('planBatches: the order\u2019s batch plan', () => {
  it('per color, sizes of that color only, covering exactly what is not yet batched', () => {
    const o = released({
      batchPlan: { maxBatchQty: 15 },
      matrix: matrix(
        ['S', 'M', 'L'],
        ['NAVY', 'RED'],
        [
          [10, 20, 10],
          [0, 10, 5],
        ],
      ),
    });
    const plan = planBatches(o);
    expect(plan.map((m) => [m.colors[0], m.sizes.join(), matrixTotal(m)])).toEqual([
      ['NAVY', 'S,M,L', 14],
      ['NAVY', 'S,M,L', 13],
      ['NAVY', 'S,M,L', 13],
      ['RED', 'M,L', 15],
    ]);
    const sumUp = plan.reduce((acc, m) => addOnto(acc, m), emptyMatrix(o.matrix.sizes, o.matrix.colors));
    expect(sumUp.quantities).toEqual(o.matrix.quantities);
  });

  it('leaves out what is already batched (and over-batched cells count as nothing remaining)', () => {
    const o = withBatched(released({ batchPlan: { maxBatchQty: 100 } }), matrix(['S', 'M'], ['NAVY'], [[10, 21]]));
    expect(remainingToBatch(o).quantities).toEqual([
      [0, 0, 10],
      [5, 10, 5],
    ]);
    expect(planBatches(o).map((m) => [m.colors, m.sizes, m.quantities])).toEqual([
      [['NAVY'], ['L'], [[10]]],
      [['RED'], ['S', 'M', 'L'], [[5, 10, 5]]],
    ]);
  });

  it('409 NOTHING_REMAINING when every garment is batched', () => {
    const o = withBatched(
      released(),
      matrix(
        ['S', 'M', 'L'],
        ['NAVY', 'RED'],
        [
          [10, 20, 10],
          [5, 10, 5],
        ],
      ),
    );
    const e = thrown(() => planBatches(o));
    expect(e.status).toBe(409);
    expect(e.code).toBe('NOTHING_REMAINING');
  });

  it(`409 TOO_MANY_BATCHES beyond ${MAX_GENERATED_BATCHES} batches in one call`, () => {
    const o = released({
      batchPlan: { maxBatchQty: 1 },
      matrix: matrix(['S'], ['NAVY'], [[MAX_GENERATED_BATCHES + 1]]),
    });
    const e = thrown(() => planBatches(o));
    expect(e.code).toBe('TOO_MANY_BATCHES');
    expect(e.details).toEqual({ batches: MAX_GENERATED_BATCHES + 1, max: MAX_GENERATED_BATCHES, maxBatchQty: 1 });
    expect(
      planBatches(
        released({ batchPlan: { maxBatchQty: 1 }, matrix: matrix(['S'], ['NAVY'], [[MAX_GENERATED_BATCHES]]) }),
      ),
    ).toHaveLength(MAX_GENERATED_BATCHES);
  });

  it('one call may override maxBatchQty (the plan itself is frozen after release)', () => {
    expect(parseGenerate(undefined)).toEqual({});
    expect(parseGenerate({})).toEqual({});
    expect(parseGenerate({ maxBatchQty: 25 })).toEqual({ maxBatchQty: 25 });
    expect(badFields(() => parseGenerate({ maxBatchQty: 0 }))).toEqual(['maxBatchQty']);
    expect(badFields(() => parseGenerate({ maxBatchQty: 2.5 }))).toEqual(['maxBatchQty']);
    expect(badFields(() => parseGenerate({ size: 5 }))).toEqual(['size']);
    const o = released({ batchPlan: { maxBatchQty: 1 } });
    expect(() => planBatches(o, 0.5)).toThrow('maxBatchQty'); // a programming error, not a 4xx: parseGenerate checks input
    expect(planBatches(o, 40).map(matrixTotal)).toEqual([40, 20]);
    const r = createBatches(o, planBatches(o, 40), {
      ids: ['B-1', 'B-2'],
      origin: 'generated',
      actor: planner,
      now: LATER,
      maxBatchQty: 40,
    });
    expect(r.history.details).toMatchObject({ maxBatchQty: 40 });
  });

  it.each(['Draft', 'Planned', 'Completed', 'Cancelled'] as const)(
    '409 ORDER_NOT_IN_PRODUCTION for a %s order',
    (state) => {
      const e = thrown(() => planBatches(order({ state })));
      expect(e.status).toBe(409);
      expect(e.code).toBe('ORDER_NOT_IN_PRODUCTION');
      expect(e.details).toEqual({ state });
    },
  );

  it('a planned extra cut: ordered plus extraCutPct, rounded up per cell, within the allocation cap', () => {
    const o = released({
      matrix: matrix(['XS', 'M', 'XL'], ['RED'], [[12, 600, 588]]),
      tolerance: { overPct: 5, underPct: 3, scope: 'color' },
      batchPlan: { maxBatchQty: 2000, extraCutPct: 2 },
    });
    // 12.24 -> 13, 612, 599.76 -> 600.
    expect(o.matrix.quantities[0].map((q) => cutTarget(q, o))).toEqual([13, 612, 600]);
    expect(planBatches(o)).toEqual([matrix(['XS', 'M', 'XL'], ['RED'], [[13, 612, 600]])]);
    // Never beyond the cap: a 5% extra cut at 5% over-tolerance is the cap itself (12 -> 13, not 12.6 -> 13 + more).
    expect(cutTarget(12, { ...o, batchPlan: { maxBatchQty: 10, extraCutPct: 5 } })).toBe(13);
    expect(
      cutTarget(12, {
        ...o,
        tolerance: { ...o.tolerance, overPct: 1 },
        batchPlan: { maxBatchQty: 10, extraCutPct: 5 },
      }),
    ).toBe(13);
    expect(
      cutTarget(100, {
        ...o,
        tolerance: { ...o.tolerance, overPct: 1 },
        batchPlan: { maxBatchQty: 10, extraCutPct: 5 },
      }),
    ).toBe(101);
    // Without one (orders stored before it too) generation covers exactly the ordered quantity.
    expect(cutTarget(12, { ...o, batchPlan: { maxBatchQty: 10 } })).toBe(12);
    // The generated plan passes the allocation rule and is recorded in the history.
    const r = createBatches(o, planBatches(o), { ids: ['B-000001'], origin: 'generated', actor: planner, now: LATER });
    expect(r.order.progress.batched.quantities).toEqual([[13, 612, 600]]);
    expect(r.history.details).toMatchObject({ total: 1225, extraCutPct: 2 });
  });

  it('property: with an extra cut, batched + generated = min(cap, ceil(ordered x (1 + extra))) per cell, never beyond the cap', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.array(fc.nat(100), { minLength: 3, maxLength: 3 }),
        (ordered, overH, extraH, donePct) => {
          const overPct = overH / 100;
          const extraCutPct = Math.min(overPct, extraH / 100);
          const base = released({
            matrix: matrix(['S', 'M', 'L'], ['NAVY'], [ordered]),
            tolerance: { overPct, underPct: 3, scope: 'color' },
            batchPlan: { maxBatchQty: 1_000_000, extraCutPct },
          });
          const batched = ordered.map((q, i) => Math.floor((q * donePct[i]) / 100));
          const o = { ...base, progress: { ...base.progress, batched: matrix(['S', 'M', 'L'], ['NAVY'], [batched]) } };
          const remaining = remainingToBatch(o);
          if (countGenerated(remaining, 1_000_000) === 0) return;
          const after = allocate(o, planBatches(o));
          after.quantities[0].forEach((q, i) => {
            const exact = Math.ceil((ordered[i] * (10_000 + Math.round(extraCutPct * 100))) / 10_000);
            expect(q).toBe(Math.min(toleranceBounds(ordered[i], o.tolerance).max, exact));
            expect(q).toBeGreaterThanOrEqual(ordered[i]);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: generated + already batched = ordered in every cell; no batch above the limit; within the allocation rule', () => {
    const arb = fc
      .record({
        sizes: fc.integer({ min: 1, max: 6 }),
        colors: fc.integer({ min: 1, max: 5 }),
        max: fc.integer({ min: 1, max: 400 }),
      })
      .chain(({ sizes, colors, max }) =>
        fc.record({
          ordered: fc.array(fc.array(fc.integer({ min: 0, max: 500 }), { minLength: sizes, maxLength: sizes }), {
            minLength: colors,
            maxLength: colors,
          }),
          done: fc.array(fc.array(fc.integer({ min: 0, max: 500 }), { minLength: sizes, maxLength: sizes }), {
            minLength: colors,
            maxLength: colors,
          }),
          max: fc.constant(max),
        }),
      );
    fc.assert(
      fc.property(arb, ({ ordered, done, max }) => {
        const sizes = ordered[0].map((_, i) => `S${i}`);
        const colors = ordered.map((_, i) => `C${i}`);
        const batched = done.map((row, r) => row.map((q, c) => Math.min(q, ordered[r][c])));
        const o = released({
          batchPlan: { maxBatchQty: max },
          matrix: matrix(sizes, colors, ordered),
          progress: {
            batched: matrix(sizes, colors, batched),
            produced: emptyMatrix(sizes, colors),
            rejected: emptyMatrix(sizes, colors),
            missing: emptyMatrix(sizes, colors),
          },
        });
        const remaining = remainingToBatch(o);
        if (countGenerated(remaining, max) === 0 || countGenerated(remaining, max) > MAX_GENERATED_BATCHES) return;
        const plan = planBatches(o);
        for (const m of plan) {
          expect(m.colors).toHaveLength(1);
          expect(matrixTotal(m)).toBeLessThanOrEqual(max);
        }
        const after = allocate(o, plan);
        expect(after.quantities).toEqual(ordered);
      }),
      { numRuns: 300 },
    );
  });
});

// ---- hand-made batches -----------------------------------------------------------------------------

describe('a batch from a sub-matrix', () => {
  it('parses the shape and requires quantities', () => {
    expect(parseBatchCreate({ matrix: { sizes: ['S'], colors: ['NAVY'], quantities: [[3]] } })).toEqual(
      matrix(['S'], ['NAVY'], [[3]]),
    );
    expect(badFields(() => parseBatchCreate({}))).toEqual(['matrix']);
    expect(badFields(() => parseBatchCreate({ matrix: { sizes: ['S'], colors: ['NAVY'] } }))).toEqual([
      'matrix.quantities',
    ]);
    expect(
      badFields(() => parseBatchCreate({ matrix: { sizes: ['S'], colors: ['NAVY'], quantities: [[-1]] } })),
    ).toEqual(['matrix.quantities[0][0]']);
    expect(
      badFields(() => parseBatchCreate({ matrix: { sizes: ['S'], colors: ['NAVY'], quantities: [[1]] }, extra: 1 })),
    ).toEqual(['extra']);
  });

  it('sizes and colors must be the order\u2019s; at least one garment', () => {
    const o = released();
    expect(checkSubMatrix(o, matrix(['L', 'S'], ['RED'], [[1, 0]]))).toBeTruthy();
    expect(
      problems(() =>
        checkSubMatrix(
          o,
          matrix(
            ['S', 'XL'],
            ['NAVY', 'PINK'],
            [
              [1, 1],
              [1, 1],
            ],
          ),
        ),
      ),
    ).toEqual([
      { field: 'matrix.sizes[1]', message: 'XL is not a size of order po-1 (S, M, L)' },
      { field: 'matrix.colors[1]', message: 'PINK is not a color of order po-1' },
    ]);
    expect(badFields(() => checkSubMatrix(o, matrix(['S'], ['NAVY'], [[0]])))).toEqual(['matrix.quantities']);
  });
});

describe('the allocation rule: batched + new <= ordered + over-tolerance, per cell', () => {
  // NAVY/S ordered 10, +5% -> at most floor(10.5) = 10; NAVY/M 20 -> 21.
  it('allows up to the over-tolerance and no further', () => {
    const o = released();
    expect(allocate(o, [matrix(['M'], ['NAVY'], [[21]])]).quantities[0][1]).toBe(21);
    const e = thrown(() => allocate(o, [matrix(['M', 'S'], ['NAVY'], [[22, 10]])]));
    expect(e).toBeInstanceOf(ConflictError);
    expect(e.code).toBe('OVER_ALLOCATED');
    expect(e.details).toEqual({
      cells: [{ color: 'NAVY', size: 'M', ordered: 20, max: 21, batched: 0, requested: 22, available: 21 }],
      more: 0,
    });
  });

  it('counts what is already batched and what one request asks twice', () => {
    const o = withBatched(released(), matrix(['M'], ['NAVY'], [[15]]));
    expect(overAllocated(o, [matrix(['M'], ['NAVY'], [[6]])])).toEqual([]);
    expect(overAllocated(o, [matrix(['M'], ['NAVY'], [[3]]), matrix(['M'], ['NAVY'], [[4]])])).toEqual([
      { color: 'NAVY', size: 'M', ordered: 20, max: 21, batched: 15, requested: 7, available: 6 },
    ]);
  });

  it('a cell ordered at 0 takes nothing', () => {
    const o = released({ matrix: matrix(['S', 'M'], ['NAVY'], [[0, 5]]) });
    expect(thrown(() => allocate(o, [matrix(['S'], ['NAVY'], [[1]])])).code).toBe('OVER_ALLOCATED');
  });

  it('property: whatever is asked, what allocate accepts never exceeds toleranceBounds max in any cell', () => {
    const arb = fc.record({
      ordered: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 3, maxLength: 3 }),
      over: fc.integer({ min: 0, max: 100 }),
      asks: fc.array(fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 3, maxLength: 3 }), {
        minLength: 1,
        maxLength: 12,
      }),
    });
    fc.assert(
      fc.property(arb, ({ ordered, over, asks }) => {
        let o = released({
          matrix: matrix(['S', 'M', 'L'], ['NAVY'], [ordered]),
          tolerance: { overPct: over, underPct: 0, scope: 'cell' },
        });
        o = { ...o, progress: { ...o.progress, batched: emptyMatrix(o.matrix.sizes, o.matrix.colors) } };
        for (const ask of asks) {
          try {
            o = { ...o, progress: { ...o.progress, batched: allocate(o, [matrix(['S', 'M', 'L'], ['NAVY'], [ask])]) } };
          } catch (e) {
            expect((e as ConflictError).code).toBe('OVER_ALLOCATED');
          }
        }
        o.progress.batched.quantities[0].forEach((q, i) =>
          expect(q).toBeLessThanOrEqual(toleranceBounds(ordered[i], o.tolerance).max),
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('createBatches', () => {
  it('a hand-made batch: Planned, version 1, counted in progress.batched, order version + 1, history `create`', () => {
    const o = released();
    const r = createBatches(o, [matrix(['S', 'M'], ['NAVY'], [[4, 6]])], {
      ids: ['B-000007'],
      origin: 'manual',
      actor: other,
      now: LATER,
    });
    expect(r.batches).toEqual([
      batch({
        id: 'B-000007',
        orderId: 'po-1',
        createdAt: LATER,
        createdBy: other.id,
        updatedAt: LATER,
        updatedBy: other.id,
      }),
    ]);
    expect(r.order.version).toBe(o.version + 1);
    expect(r.order.updatedBy).toBe(other.id);
    expect(r.order.state).toBe('Released');
    expect(r.order.progress.batched.quantities).toEqual([
      [4, 6, 0],
      [0, 0, 0],
    ]);
    expect(r.history).toEqual({
      at: LATER,
      actor: other.id,
      action: 'create',
      from: null,
      to: 'Planned',
      version: 1,
      details: { total: 10 },
    });
    expect(o.progress.batched.quantities).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('generated batches: one `generate` history entry listing them', () => {
    const o = released({ batchPlan: { maxBatchQty: 20 } });
    const plan = planBatches(o);
    const r = createBatches(o, plan, {
      ids: plan.map((_, i) => `B-00000${i + 1}`),
      origin: 'generated',
      actor: planner,
      now: LATER,
    });
    expect(r.batches.map((b) => b.total)).toEqual([20, 20, 20]);
    expect(r.history).toMatchObject({
      action: 'generate',
      from: null,
      to: 'Planned',
      version: 1,
      details: { batches: 3, total: 60, maxBatchQty: 20, batchIds: ['B-000001', 'B-000002', 'B-000003'] },
    });
    expect(r.order.progress.batched.quantities).toEqual(o.matrix.quantities);
  });

  it('refuses over-allocation and orders not in production', () => {
    expect(
      thrown(() =>
        createBatches(released(), [matrix(['S'], ['NAVY'], [[12]])], {
          ids: ['B-1'],
          origin: 'manual',
          actor: planner,
          now: LATER,
        }),
      ).code,
    ).toBe('OVER_ALLOCATED');
    expect(
      thrown(() =>
        createBatches(order({ state: 'Planned' }), [matrix(['S'], ['NAVY'], [[1]])], {
          ids: ['B-1'],
          origin: 'manual',
          actor: planner,
          now: LATER,
        }),
      ).code,
    ).toBe('ORDER_NOT_IN_PRODUCTION');
  });
});

// ---- the batch state machine ------------------------------------------------------------------------

describe('batch transitions', () => {
  const TABLE = {
    start: ['Planned', 'Running'],
    finish: ['Running', 'Finished'],
    cancel: ['Planned', 'Cancelled'],
  } as const;

  it('BATCH_MOVES is DESIGN\u2019s Planned -> Running -> Finished, Planned -> Cancelled', () => {
    for (const a of BATCH_ACTIONS) expect([BATCH_MOVES[a].from, BATCH_MOVES[a].to]).toEqual(TABLE[a]);
  });

  const wrong = BATCH_ACTIONS.flatMap((a) =>
    BATCH_STATES.filter((s) => s !== TABLE[a][0]).map((s) => [a, s] as [typeof a, BatchState]),
  );
  it.each(wrong)('%s from %s is refused with 409 ILLEGAL_TRANSITION', (action, state) => {
    const o = withBatched(released({ state: 'InProgress' }), batch().matrix);
    const e = thrown(() => transitionBatch(o, batch({ state }), { action, produced: batch().matrix }, planner, LATER));
    expect(e).toBeInstanceOf(IllegalTransitionError);
    expect(e.details).toEqual({ from: state, action });
  });

  it('the first start moves the order Released -> InProgress in the same change', () => {
    const o = withBatched(released(), batch().matrix);
    const r = transitionBatch(o, batch(), { action: 'start' }, other, LATER);
    expect(r.batch).toMatchObject({ state: 'Running', version: 2, startedAt: LATER, updatedBy: other.id });
    expect(r.order).toMatchObject({ state: 'InProgress', version: o.version + 1 });
    expect(r.history).toEqual({
      at: LATER,
      actor: other.id,
      action: 'start',
      from: 'Planned',
      to: 'Running',
      version: 2,
    });
    expect(r.orderHistory).toEqual({
      at: LATER,
      actor: other.id,
      action: 'start',
      from: 'Released',
      to: 'InProgress',
      version: o.version + 1,
      details: { batchId: 'B-000001' },
    });
  });

  it('later starts leave the order InProgress (its version still moves)', () => {
    const o = withBatched(released({ state: 'InProgress' }), batch().matrix);
    const r = transitionBatch(o, batch(), { action: 'start' }, other, LATER);
    expect(r.order.state).toBe('InProgress');
    expect(r.order.version).toBe(o.version + 1);
    expect(r.orderHistory).toBeUndefined();
  });

  it('finish records produced and rejected per cell, on the batch and in the order\u2019s progress', () => {
    const o = withBatched(released({ state: 'InProgress' }), batch().matrix);
    // Sent with sizes in another order: laid out like the batch.
    const r = transitionBatch(
      o,
      batch({ state: 'Running' }),
      {
        action: 'finish',
        produced: matrix(['M', 'S'], ['NAVY'], [[5, 4]]),
        rejected: matrix(['S', 'M'], ['NAVY'], [[0, 1]]),
      },
      other,
      LATER,
    );
    expect(r.batch).toMatchObject({
      state: 'Finished',
      version: 2,
      finishedAt: LATER,
      produced: matrix(['S', 'M'], ['NAVY'], [[4, 5]]),
      rejected: matrix(['S', 'M'], ['NAVY'], [[0, 1]]),
      producedTotal: 9,
      rejectedTotal: 1,
    });
    expect(r.order.progress.produced.quantities).toEqual([
      [4, 5, 0],
      [0, 0, 0],
    ]);
    expect(r.order.progress.rejected.quantities).toEqual([
      [0, 1, 0],
      [0, 0, 0],
    ]);
    expect(r.order.progress.batched).toEqual(o.progress.batched);
    expect(r.history).toMatchObject({
      action: 'finish',
      from: 'Running',
      to: 'Finished',
      details: { produced: 9, rejected: 1 },
    });
  });

  it('finish: rejected defaults to none; the matrices must be over the batch\u2019s own sizes and colors', () => {
    const o = withBatched(released({ state: 'InProgress' }), batch().matrix);
    const running = batch({ state: 'Running' });
    expect(
      transitionBatch(
        o,
        running,
        { action: 'finish', produced: matrix(['S', 'M'], ['NAVY'], [[4, 6]]) },
        planner,
        LATER,
      ).batch.rejected,
    ).toEqual(matrix(['S', 'M'], ['NAVY'], [[0, 0]]));
    expect(
      badFields(() =>
        transitionBatch(o, running, { action: 'finish', produced: matrix(['S'], ['NAVY'], [[4]]) }, planner, LATER),
      ),
    ).toEqual(['produced.sizes']);
    expect(
      badFields(() =>
        transitionBatch(
          o,
          running,
          { action: 'finish', produced: matrix(['S', 'M'], ['RED'], [[4, 6]]) },
          planner,
          LATER,
        ),
      ),
    ).toEqual(['produced.colors']);
  });

  it('finish: produced + rejected cannot exceed the batch in a cell', () => {
    const o = withBatched(released({ state: 'InProgress' }), batch().matrix);
    expect(
      problems(() =>
        transitionBatch(
          o,
          batch({ state: 'Running' }),
          {
            action: 'finish',
            produced: matrix(['S', 'M'], ['NAVY'], [[4, 6]]),
            rejected: matrix(['S', 'M'], ['NAVY'], [[1, 0]]),
          },
          planner,
          LATER,
        ),
      ),
    ).toEqual([{ field: 'produced', message: "NAVY/S: produced 4 + rejected 1 is more than the batch's 4" }]);
  });

  it('finish: every piece accounted for; short without a reason is 409 UNRECONCILED naming the cells', () => {
    const o = withBatched(released({ state: 'InProgress' }), batch().matrix);
    const running = batch({ state: 'Running' });
    const req = {
      action: 'finish' as const,
      produced: matrix(['S', 'M'], ['NAVY'], [[3, 5]]),
      rejected: matrix(['S', 'M'], ['NAVY'], [[0, 1]]),
    };
    const e = thrown(() => transitionBatch(o, running, req, planner, LATER));
    expect(e.status).toBe(409);
    expect(e.code).toBe('UNRECONCILED');
    expect(e.details).toEqual({
      batchId: 'B-000001',
      cells: [{ color: 'NAVY', size: 'S', quantity: 4, produced: 3, rejected: 0, missing: 1 }],
      more: 0,
      missingTotal: 1,
    });
    expect(e.message).toBe(
      '1 cell(s) of batch B-000001 are not accounted for: NAVY/S 4 cut, 3 produced + 0 rejected (1 missing). Count again, or finish with a reason to record the difference as missing',
    );
  });

  it('finish with a reason records the difference as missing, on the batch and in the order\u2019s progress', () => {
    const o = withBatched(released({ state: 'InProgress' }), batch().matrix);
    const r = transitionBatch(
      o,
      batch({ state: 'Running' }),
      {
        action: 'finish',
        produced: matrix(['S', 'M'], ['NAVY'], [[3, 2]]),
        rejected: matrix(['S', 'M'], ['NAVY'], [[0, 1]]),
        reason: 'bundle lost in washing',
      },
      planner,
      LATER,
    );
    expect(r.batch).toMatchObject({
      state: 'Finished',
      missing: matrix(['S', 'M'], ['NAVY'], [[1, 3]]),
      missingTotal: 4,
      reason: 'bundle lost in washing',
    });
    expect(r.order.progress.missing.quantities).toEqual([
      [1, 3, 0],
      [0, 0, 0],
    ]);
    expect(r.history).toMatchObject({
      action: 'finish',
      reason: 'bundle lost in washing',
      details: { produced: 5, rejected: 1, missing: 4 },
    });
    // Derived again from what the batch recorded (the store keeps produced and rejected only).
    expect(withMissing({ ...r.batch, missing: undefined, missingTotal: undefined })).toEqual(r.batch);
    // A second short batch adds up; an order stored before `missing` (none recorded) counts from zero.
    const legacy = { ...r.order, progress: { ...r.order.progress, missing: undefined } } as unknown as ProductionOrder;
    const again = transitionBatch(
      legacy,
      batch({ state: 'Running' }),
      { action: 'finish', produced: matrix(['S', 'M'], ['NAVY'], [[4, 5]]), reason: 'one lost' },
      planner,
      LATER,
    );
    expect(again.order.progress.missing.quantities).toEqual([
      [0, 1, 0],
      [0, 0, 0],
    ]);
  });

  it('finish: when everything adds up, missing is all zeros and no reason is needed', () => {
    const o = withBatched(released({ state: 'InProgress' }), batch().matrix);
    const r = transitionBatch(
      o,
      batch({ state: 'Running' }),
      { action: 'finish', produced: matrix(['S', 'M'], ['NAVY'], [[4, 6]]) },
      planner,
      LATER,
    );
    expect(r.batch).toMatchObject({ missing: matrix(['S', 'M'], ['NAVY'], [[0, 0]]), missingTotal: 0 });
    expect(r.order.progress.missing.quantities).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('property: produced + rejected + missing = the batch, cell by cell', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(50), fc.nat(50), fc.nat(50)), { minLength: 2, maxLength: 2 }), (cells) => {
        const qty = cells.map(([a, b, c]) => a + b + c);
        const b = batch({ state: 'Running', matrix: matrix(['S', 'M'], ['NAVY'], [qty]), total: sum(qty) });
        const o = withBatched(
          released({
            state: 'InProgress',
            matrix: matrix(
              ['S', 'M', 'L'],
              ['NAVY', 'RED'],
              [
                [200, 200, 0],
                [0, 0, 0],
              ],
            ),
          }),
          b.matrix,
        );
        const r = transitionBatch(
          o,
          b,
          {
            action: 'finish',
            produced: matrix(['S', 'M'], ['NAVY'], [cells.map((x) => x[0])]),
            rejected: matrix(['S', 'M'], ['NAVY'], [cells.map((x) => x[1])]),
            reason: 'count',
          },
          planner,
          LATER,
        );
        expect(r.batch.missing!.quantities).toEqual([cells.map((x) => x[2])]);
        expect(r.batch.producedTotal! + r.batch.rejectedTotal! + r.batch.missingTotal!).toBe(b.total);
      }),
    );
  });

  it('cancel takes the batch\u2019s garments out of progress.batched, keeping the reason', () => {
    const o = withBatched(released(), batch().matrix, matrix(['S'], ['NAVY'], [[3]]));
    const r = transitionBatch(o, batch(), { action: 'cancel', reason: 'fabric short' }, planner, LATER);
    expect(r.batch).toMatchObject({ state: 'Cancelled', reason: 'fabric short', cancelledAt: LATER });
    expect(r.order.progress.batched.quantities).toEqual([
      [3, 0, 0],
      [0, 0, 0],
    ]);
    expect(r.history).toMatchObject({ action: 'cancel', from: 'Planned', to: 'Cancelled', reason: 'fabric short' });
  });

  it('a Planned batch of a Cancelled order is Cancelled, and cannot start', () => {
    expect(effectiveBatchState('Planned', 'Cancelled')).toBe('Cancelled');
    expect(effectiveBatchState('Finished', 'Cancelled')).toBe('Finished');
    expect(effectiveBatchState('Planned', 'InProgress')).toBe('Planned');
    const e = thrown(() =>
      transitionBatch(order({ state: 'Cancelled' }), batch(), { action: 'start' }, planner, LATER),
    );
    expect(e.code).toBe('ILLEGAL_TRANSITION');
    expect(e.details).toEqual({ from: 'Cancelled', action: 'start' });
  });

  it('409 ORDER_NOT_IN_PRODUCTION when the order is not Released or InProgress', () => {
    expect(
      thrown(() => transitionBatch(order({ state: 'Planned' }), batch(), { action: 'start' }, planner, LATER)).code,
    ).toBe('ORDER_NOT_IN_PRODUCTION');
  });

  it('parses the request: produced required for finish, only for finish', () => {
    expect(parseBatchTransition({ action: 'start' })).toEqual({ action: 'start' });
    expect(parseBatchTransition({ action: 'cancel', reason: ' no fabric ' })).toEqual({
      action: 'cancel',
      reason: 'no fabric',
    });
    expect(badFields(() => parseBatchTransition({ action: 'finish' }))).toEqual(['produced']);
    expect(
      badFields(() => parseBatchTransition({ action: 'start', produced: matrix(['S'], ['NAVY'], [[1]]) })),
    ).toEqual(['produced']);
    expect(badFields(() => parseBatchTransition({ action: 'run' }))).toEqual(['action']);
    expect(
      badFields(() =>
        parseBatchTransition({ action: 'finish', produced: { sizes: ['S'], colors: ['NAVY'], quantities: [[1.5]] } }),
      ),
    ).toEqual(['produced.quantities[0][0]']);
  });
});

// ---- reconciliation with the order --------------------------------------------------------------------

describe('reconciliation: batches -> progress -> complete / cancel', () => {
  /** Generates the plan, starts and finishes every batch with produced = f(batch). */
  function runAll(o: ProductionOrder, produce: (b: ProductionBatch) => Matrix, reason?: string) {
    const plan = planBatches(o);
    const created = createBatches(o, plan, {
      ids: plan.map((_, i) => `B-${String(i + 1).padStart(6, '0')}`),
      origin: 'generated',
      actor: planner,
      now: LATER,
    });
    let current = created.order;
    const done: ProductionBatch[] = [];
    for (const b of created.batches) {
      const started = transitionBatch(current, b, { action: 'start' }, planner, LATER);
      const finished = transitionBatch(
        started.order,
        started.batch,
        { action: 'finish', produced: produce(b), reason },
        planner,
        LATER,
      );
      current = finished.order;
      done.push(finished.batch);
    }
    return { order: current, batches: done };
  }

  it('everything produced: InProgress, progress = ordered, complete succeeds', () => {
    const { order: o, batches } = runAll(released({ batchPlan: { maxBatchQty: 7 } }), (b) => b.matrix);
    expect(o.state).toBe('InProgress');
    expect(o.progress.batched.quantities).toEqual(o.matrix.quantities);
    expect(o.progress.produced.quantities).toEqual(o.matrix.quantities);
    expect(outOfTolerance(o).groups).toEqual([]);
    const r = transitionOrder(
      o,
      { action: 'complete' },
      { batches: batches.map((b) => ({ id: b.id, state: b.state })), actor: planner, now: LATER },
    );
    expect(r.order.state).toBe('Completed');
  });

  it('short production: complete is refused naming the cells; shortClose records them', () => {
    const { order: o, batches } = runAll(
      released({ batchPlan: { maxBatchQty: 100 } }),
      (b) => ({ ...b.matrix, quantities: b.matrix.quantities.map((row) => row.map((q) => Math.floor(q / 2))) }),
      'half lost',
    );
    const ctx = { batches: batches.map((b) => ({ id: b.id, state: b.state })), actor: planner, now: LATER };
    const e = thrown(() => transitionOrder(o, { action: 'complete' }, ctx));
    expect(e.code).toBe('OUT_OF_TOLERANCE');
    expect((e.details as { cells: unknown[] }).cells).toHaveLength(6);
    const r = transitionOrder(o, { action: 'complete', shortClose: true, reason: 'fabric shortage' }, ctx);
    expect(r.history).toMatchObject({ action: 'shortClose', reason: 'fabric shortage' });
    expect((r.history.details as { shortCells: unknown[] }).shortCells).toContainEqual({
      color: 'NAVY',
      size: 'M',
      ordered: 20,
      produced: 10,
    });
  });

  it('cancelling the order takes its Planned batches out of progress.batched', () => {
    const o = withBatched(
      released({ state: 'InProgress' }),
      matrix(['S'], ['NAVY'], [[4]]),
      matrix(['M'], ['RED'], [[6]]),
    );
    const r = transitionOrder(
      o,
      { action: 'cancel', reason: 'customer withdrew' },
      {
        batches: [
          { id: 'B-1', state: 'Finished', matrix: matrix(['S'], ['NAVY'], [[4]]) },
          { id: 'B-2', state: 'Planned', matrix: matrix(['M'], ['RED'], [[6]]) },
        ],
        actor: planner,
        now: LATER,
      },
    );
    expect(r.order.progress.batched.quantities).toEqual([
      [4, 0, 0],
      [0, 0, 0],
    ]);
    expect(r.cancelBatches).toEqual(['B-2']);
  });
});
