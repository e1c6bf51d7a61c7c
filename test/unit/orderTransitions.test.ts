import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConflictError, IllegalTransitionError } from '../../shared/errors.js';
import {
  ORDER_MOVES,
  applyOrderPatch,
  outOfTolerance,
  withOrderDefaults,
  parseOrderTransition,
  toleranceBounds,
  transitionOrder,
  type BatchSummary,
  type TransitionContext,
} from '../../shared/productionOrder.js';
import {
  ORDER_ACTIONS,
  ORDER_STATES,
  TECH_PACK_STATES,
  type OrderAction,
  type OrderState,
  type ProductionOrder,
} from '../../shared/types.js';
import { LATER, badFields, matrix, order, other, problems, techPack, thrown } from './fixtures.js';

const ctx = (over: Partial<TransitionContext> = {}): TransitionContext => ({
  techPack: techPack(),
  batches: [],
  actor: other,
  now: LATER,
  ...over,
});

/** DESIGN's table: the only state each action starts from, and where it leads. */
const TABLE: Record<OrderAction, { from: OrderState[]; to: OrderState }> = {
  plan: { from: ['Draft'], to: 'Planned' },
  reopen: { from: ['Planned'], to: 'Draft' },
  release: { from: ['Planned'], to: 'Released' },
  complete: { from: ['InProgress'], to: 'Completed' },
  cancel: { from: ['Draft', 'Planned', 'Released', 'InProgress'], to: 'Cancelled' },
};

/** An InProgress order whose production exactly matches its matrix. */
function producedOrder(over: Partial<ProductionOrder> = {}): ProductionOrder {
  const o = order({ state: 'InProgress', releasedBomRevision: 2, ...over });
  o.progress.produced = structuredClone(o.matrix);
  o.progress.batched = structuredClone(o.matrix);
  return o;
}

const finished = (id: string): BatchSummary => ({ id, state: 'Finished' });

describe('the state machine matches DESIGN', () => {
  it('ORDER_MOVES is the table', () => {
    for (const action of ORDER_ACTIONS) {
      expect([...ORDER_MOVES[action].from]).toEqual(TABLE[action].from);
      expect(ORDER_MOVES[action].to).toBe(TABLE[action].to);
    }
  });

  const wrong = ORDER_ACTIONS.flatMap((action) =>
    ORDER_STATES.filter((s) => !TABLE[action].from.includes(s)).map(
      (state) => [action, state] as [OrderAction, OrderState],
    ),
  );

  it('there are 30 action x state pairs, 22 of them refused', () => {
    expect(ORDER_ACTIONS.length * ORDER_STATES.length).toBe(30);
    expect(wrong).toHaveLength(22);
  });

  it.each(wrong)('%s from %s is refused with 409 ILLEGAL_TRANSITION', (action, state) => {
    const o = producedOrder({ state });
    const e = thrown(() => transitionOrder(o, { action, reason: 'why' }, ctx()));
    expect(e).toBeInstanceOf(IllegalTransitionError);
    expect(e.status).toBe(409);
    expect(e.code).toBe('ILLEGAL_TRANSITION');
    expect(e.details).toEqual({ from: state, action });
    expect(e.message).toContain(state);
  });

  it.each(['Completed', 'Cancelled'] as const)('%s is final: every action is refused', (state) => {
    for (const action of ORDER_ACTIONS) {
      expect(
        thrown(() => transitionOrder(producedOrder({ state }), { action, reason: 'r', shortClose: true }, ctx())).code,
      ).toBe('ILLEGAL_TRANSITION');
    }
  });

  it('no action leads to InProgress (it is automatic, when a batch starts)', () => {
    expect(Object.values(ORDER_MOVES).map((m) => m.to)).not.toContain('InProgress');
  });
});

describe('plan (Draft -> Planned)', () => {
  it('moves a complete order on a ProductionReady tech pack', () => {
    const before = order();
    const r = transitionOrder(before, { action: 'plan' }, ctx());
    expect(r.order.state).toBe('Planned');
    expect(r.order.version).toBe(before.version + 1);
    expect(r.order.updatedBy).toBe(other.id);
    expect(r.order.updatedAt).toBe(LATER);
    expect(r.history).toEqual({
      at: LATER,
      actor: other.id,
      action: 'plan',
      from: 'Draft',
      to: 'Planned',
      version: before.version + 1,
    });
    expect(r.requireTechPackState).toBe('ProductionReady');
    expect(r.cancelBatches).toEqual([]);
    expect(before.state).toBe('Draft');
    expect(before.version).toBe(4);
  });

  it.each(TECH_PACK_STATES.filter((s) => s !== 'ProductionReady'))(
    'refuses with TECH_PACK_NOT_READY while the tech pack is in %s',
    (state) => {
      const e = thrown(() => transitionOrder(order(), { action: 'plan' }, ctx({ techPack: techPack({ state }) })));
      expect(e).toBeInstanceOf(ConflictError);
      expect(e.status).toBe(409);
      expect(e.code).toBe('TECH_PACK_NOT_READY');
      expect(e.details).toEqual({ techPackId: 'tp-1', techPackState: state });
    },
  );

  it('refuses with TECH_PACK_NOT_READY when the tech pack is missing', () => {
    const e = thrown(() => transitionOrder(order(), { action: 'plan' }, ctx({ techPack: undefined })));
    expect(e.code).toBe('TECH_PACK_NOT_READY');
    expect(e.details).toEqual({ techPackId: 'tp-1', techPackState: 'missing' });
  });

  it('refuses an empty matrix (total 0) with ORDER_INCOMPLETE', () => {
    const e = thrown(() =>
      transitionOrder(order({ matrix: matrix(['S'], ['NAVY'], [[0]]) }), { action: 'plan' }, ctx()),
    );
    expect(e.status).toBe(409);
    expect(e.code).toBe('ORDER_INCOMPLETE');
    expect(e.details).toEqual({ missing: ['the matrix has no quantities'] });
  });

  it('refuses a missing delivery date with ORDER_INCOMPLETE', () => {
    const e = thrown(() => transitionOrder(order({ deliveryDate: null }), { action: 'plan' }, ctx()));
    expect(e.code).toBe('ORDER_INCOMPLETE');
    expect(e.details).toEqual({ missing: ['the delivery date is not set'] });
  });

  it('names both gaps at once', () => {
    const e = thrown(() =>
      transitionOrder(order({ deliveryDate: null, matrix: matrix(['S'], ['NAVY']) }), { action: 'plan' }, ctx()),
    );
    expect((e.details as { missing: string[] }).missing).toHaveLength(2);
  });

  it('a total of one garment is enough', () => {
    expect(
      transitionOrder(order({ matrix: matrix(['S', 'M'], ['NAVY'], [[0, 1]]) }), { action: 'plan' }, ctx()).order.state,
    ).toBe('Planned');
  });
});

describe('reopen (Planned -> Draft)', () => {
  it('goes back to Draft when there are no batches', () => {
    const r = transitionOrder(order({ state: 'Planned' }), { action: 'reopen' }, ctx());
    expect(r.order.state).toBe('Draft');
    expect(r.history).toMatchObject({ action: 'reopen', from: 'Planned', to: 'Draft' });
  });

  it.each(['Planned', 'Running', 'Finished', 'Cancelled'] as const)(
    'refuses with BATCHES_EXIST when a %s batch exists',
    (state) => {
      const e = thrown(() =>
        transitionOrder(order({ state: 'Planned' }), { action: 'reopen' }, ctx({ batches: [{ id: 'b1', state }] })),
      );
      expect(e.status).toBe(409);
      expect(e.code).toBe('BATCHES_EXIST');
    },
  );

  it('does not need the tech pack to be ready', () => {
    expect(
      transitionOrder(
        order({ state: 'Planned' }),
        { action: 'reopen' },
        ctx({ techPack: techPack({ state: 'Design' }) }),
      ).order.state,
    ).toBe('Draft');
  });
});

describe('release (Planned -> Released)', () => {
  it('snapshots the tech pack BOM revision', () => {
    const r = transitionOrder(
      order({ state: 'Planned' }),
      { action: 'release' },
      ctx({ techPack: techPack({ bomRevision: 7 }) }),
    );
    expect(r.order.state).toBe('Released');
    expect(r.order.releasedBomRevision).toBe(7);
    expect(r.history).toMatchObject({
      action: 'release',
      from: 'Planned',
      to: 'Released',
      details: { bomRevision: 7 },
    });
    expect(r.requireTechPackState).toBe('ProductionReady');
  });

  it.each(TECH_PACK_STATES.filter((s) => s !== 'ProductionReady'))(
    'checks the tech pack again: refused while it is in %s',
    (state) => {
      const e = thrown(() =>
        transitionOrder(order({ state: 'Planned' }), { action: 'release' }, ctx({ techPack: techPack({ state }) })),
      );
      expect(e.status).toBe(409);
      expect(e.code).toBe('TECH_PACK_NOT_READY');
      expect(e.details).toEqual({ techPackId: 'tp-1', techPackState: state });
    },
  );

  it('refused when the tech pack is missing', () => {
    expect(
      thrown(() => transitionOrder(order({ state: 'Planned' }), { action: 'release' }, ctx({ techPack: undefined })))
        .code,
    ).toBe('TECH_PACK_NOT_READY');
  });

  it('the plan gate still holds: a Planned order edited to no date or no quantities is refused with ORDER_INCOMPLETE', () => {
    const planned = order({ state: 'Planned' });
    const undated = applyOrderPatch(planned, { deliveryDate: null }, other, LATER).order;
    const e = thrown(() => transitionOrder(undated, { action: 'release' }, ctx()));
    expect(e.status).toBe(409);
    expect(e.code).toBe('ORDER_INCOMPLETE');
    expect(e.details).toEqual({ missing: ['the delivery date is not set'] });
    const emptied = applyOrderPatch(planned, { matrix: matrix(['S'], ['NAVY'], [[0]]) }, other, LATER).order;
    expect(thrown(() => transitionOrder(emptied, { action: 'release' }, ctx())).details).toEqual({
      missing: ['the matrix has no quantities'],
    });
  });
});

describe('complete (InProgress -> Completed)', () => {
  it('completes when every batch is Finished or Cancelled and every cell is within tolerance', () => {
    const r = transitionOrder(
      producedOrder(),
      { action: 'complete' },
      ctx({ batches: [finished('b1'), { id: 'b2', state: 'Cancelled' }] }),
    );
    expect(r.order.state).toBe('Completed');
    expect(r.history).toMatchObject({ action: 'complete', from: 'InProgress', to: 'Completed' });
    expect(r.history.details).toBeUndefined();
  });

  it.each(['Planned', 'Running'] as const)(
    'refuses with BATCHES_OPEN while a batch is %s, listing the open ones',
    (state) => {
      const e = thrown(() =>
        transitionOrder(
          producedOrder(),
          { action: 'complete', shortClose: true, reason: 'r' },
          ctx({ batches: [finished('b1'), { id: 'b2', state }] }),
        ),
      );
      expect(e.status).toBe(409);
      expect(e.code).toBe('BATCHES_OPEN');
      expect(e.details).toEqual({ batches: ['b2'] });
    },
  );

  it('accepts production anywhere within [ordered - under%, ordered + over%]', () => {
    // tolerance 5% over, 3% under: 100 ordered -> 97..105
    const o = producedOrder({ matrix: matrix(['S', 'M'], ['NAVY'], [[100, 100]]) });
    o.progress.produced = matrix(['S', 'M'], ['NAVY'], [[97, 105]]);
    expect(transitionOrder(o, { action: 'complete' }, ctx({ batches: [finished('b1')] })).order.state).toBe(
      'Completed',
    );
  });

  it('refuses with OUT_OF_TOLERANCE naming each short or over cell', () => {
    const o = producedOrder({ matrix: matrix(['S', 'M', 'L'], ['NAVY'], [[100, 100, 100]]) });
    o.progress.produced = matrix(['S', 'M', 'L'], ['NAVY'], [[96, 100, 106]]);
    const e = thrown(() => transitionOrder(o, { action: 'complete' }, ctx({ batches: [finished('b1')] })));
    expect(e.status).toBe(409);
    expect(e.code).toBe('OUT_OF_TOLERANCE');
    expect(e.details).toEqual({
      scope: 'cell',
      groups: [
        { color: 'NAVY', size: 'S', ordered: 100, produced: 96, min: 97, max: 105 },
        { color: 'NAVY', size: 'L', ordered: 100, produced: 106, min: 97, max: 105 },
      ],
      cells: [
        { color: 'NAVY', size: 'S', ordered: 100, produced: 96 },
        { color: 'NAVY', size: 'L', ordered: 100, produced: 106 },
      ],
      moreCells: 0,
    });
    expect(e.message).toMatch(
      /^2 cell\(s\) are outside the tolerance \(-3% \/ \+5% per cell\): NAVY\/S made 96 of 100 \(at least 97\); NAVY\/L made 106 of 100 \(at most 105\)/,
    );
  });

  it('short-closes with a reason, recording the short cells', () => {
    const o = producedOrder({ matrix: matrix(['S', 'M'], ['NAVY'], [[100, 50]]) });
    o.progress.produced = matrix(['S', 'M'], ['NAVY'], [[100, 20]]);
    const r = transitionOrder(
      o,
      { action: 'complete', shortClose: true, reason: 'fabric ran out' },
      ctx({ batches: [finished('b1')] }),
    );
    expect(r.order.state).toBe('Completed');
    expect(r.history).toEqual({
      at: LATER,
      actor: other.id,
      action: 'shortClose',
      from: 'InProgress',
      to: 'Completed',
      version: o.version + 1,
      reason: 'fabric ran out',
      details: {
        scope: 'cell',
        shortGroups: [{ color: 'NAVY', size: 'M', ordered: 50, produced: 20, min: 49, max: 53 }],
        shortCells: [{ color: 'NAVY', size: 'M', ordered: 50, produced: 20 }],
      },
    });
  });

  it('shortClose on an order within tolerance is a plain complete', () => {
    const r = transitionOrder(
      producedOrder(),
      { action: 'complete', shortClose: true, reason: 'just in case' },
      ctx({ batches: [finished('b1')] }),
    );
    expect(r.history.action).toBe('complete');
    expect(r.history.reason).toBe('just in case');
  });

  it('with nothing produced and no batches, every ordered cell is short', () => {
    const o = order({ state: 'InProgress' });
    const e = thrown(() => transitionOrder(o, { action: 'complete' }, ctx()));
    expect(e.code).toBe('OUT_OF_TOLERANCE');
    expect((e.details as { cells: unknown[] }).cells).toHaveLength(6);
  });
});

describe('cancel', () => {
  it.each(['Draft', 'Planned', 'Released', 'InProgress'] as const)('cancels from %s, recording the reason', (state) => {
    const r = transitionOrder(order({ state }), { action: 'cancel', reason: 'customer withdrew' }, ctx());
    expect(r.order.state).toBe('Cancelled');
    expect(r.history).toMatchObject({ action: 'cancel', from: state, to: 'Cancelled', reason: 'customer withdrew' });
    expect(r.cancelBatches).toEqual([]);
  });

  it('refuses with BATCH_RUNNING while a batch runs, naming it', () => {
    const batches: BatchSummary[] = [
      { id: 'b1', state: 'Running' },
      { id: 'b2', state: 'Planned' },
      { id: 'b3', state: 'Running' },
    ];
    const e = thrown(() =>
      transitionOrder(order({ state: 'InProgress' }), { action: 'cancel', reason: 'r' }, ctx({ batches })),
    );
    expect(e.status).toBe(409);
    expect(e.code).toBe('BATCH_RUNNING');
    expect(e.details).toEqual({ batches: ['b1', 'b3'] });
  });

  it('cancels the Planned batches with the order, leaving Finished and Cancelled ones', () => {
    const batches: BatchSummary[] = [
      { id: 'b1', state: 'Finished' },
      { id: 'b2', state: 'Planned' },
      { id: 'b3', state: 'Cancelled' },
      { id: 'b4', state: 'Planned' },
    ];
    const r = transitionOrder(order({ state: 'InProgress' }), { action: 'cancel', reason: 'r' }, ctx({ batches }));
    expect(r.order.state).toBe('Cancelled');
    expect(r.cancelBatches).toEqual(['b2', 'b4']);
    expect(r.history.details).toEqual({ cancelledBatches: ['b2', 'b4'] });
  });

  it('does not need a ready tech pack', () => {
    expect(transitionOrder(order(), { action: 'cancel', reason: 'r' }, ctx({ techPack: undefined })).order.state).toBe(
      'Cancelled',
    );
  });

  it.each([
    [
      'one produced garment',
      [
        [0, 1, 0],
        [0, 0, 0],
      ],
      [
        [0, 0, 0],
        [0, 0, 0],
      ],
      1,
      0,
    ],
    [
      'only rejects',
      [
        [0, 0, 0],
        [0, 0, 0],
      ],
      [
        [0, 0, 0],
        [2, 0, 0],
      ],
      0,
      2,
    ],
  ])(
    'refuses with ORDER_HAS_OUTPUT once there is output (%s), pointing to a short-close',
    (_what, produced, rejected, p, r) => {
      const o = order({ state: 'InProgress' });
      o.progress.produced = matrix(['S', 'M', 'L'], ['NAVY', 'RED'], produced);
      o.progress.rejected = matrix(['S', 'M', 'L'], ['NAVY', 'RED'], rejected);
      const e = thrown(() => transitionOrder(o, { action: 'cancel', reason: 'r' }, ctx({ batches: [finished('b1')] })));
      expect(e).toBeInstanceOf(ConflictError);
      expect(e).toMatchObject({
        status: 409,
        code: 'ORDER_HAS_OUTPUT',
        details: { produced: p, rejected: r, instead: { action: 'complete', shortClose: true } },
      });
      expect(e.message).toMatch(/short-close/);
    },
  );

  it('an order with output short-closes instead of cancelling', () => {
    const o = producedOrder();
    o.progress.produced.quantities[0][0] = 1; // NAVY/S: 1 of 10
    const r = transitionOrder(
      o,
      { action: 'complete', shortClose: true, reason: 'fabric ran out' },
      ctx({ batches: [finished('b1')] }),
    );
    expect(r.order.state).toBe('Completed');
    expect(r.history.action).toBe('shortClose');
  });
});

describe('parseOrderTransition', () => {
  it.each(ORDER_ACTIONS.filter((a) => a !== 'cancel'))('accepts %s without a reason', (action) => {
    expect(parseOrderTransition({ action })).toEqual({ action, reason: undefined, shortClose: false });
  });

  it('cancel requires a reason', () => {
    expect(problems(() => parseOrderTransition({ action: 'cancel' }))).toEqual([
      { field: 'reason', message: 'is required to cancel an order' },
    ]);
    expect(badFields(() => parseOrderTransition({ action: 'cancel', reason: '   ' }))).toEqual(['reason']);
    expect(parseOrderTransition({ action: 'cancel', reason: ' late fabric ' })).toEqual({
      action: 'cancel',
      reason: 'late fabric',
      shortClose: false,
    });
  });

  it('shortClose needs complete and a reason, and must be a boolean', () => {
    expect(parseOrderTransition({ action: 'complete', shortClose: true, reason: 'r' })).toEqual({
      action: 'complete',
      reason: 'r',
      shortClose: true,
    });
    expect(badFields(() => parseOrderTransition({ action: 'complete', shortClose: true }))).toEqual(['reason']);
    expect(badFields(() => parseOrderTransition({ action: 'release', shortClose: true, reason: 'r' }))).toEqual([
      'shortClose',
    ]);
    expect(badFields(() => parseOrderTransition({ action: 'complete', shortClose: 'yes', reason: 'r' }))).toEqual([
      'shortClose',
    ]);
    expect(parseOrderTransition({ action: 'complete', shortClose: false }).shortClose).toBe(false);
  });

  it('refuses unknown and missing actions and unknown fields', () => {
    expect(problems(() => parseOrderTransition({ action: 'start' }))).toEqual([
      { field: 'action', message: 'must be one of: plan, reopen, release, complete, cancel' },
    ]);
    expect(badFields(() => parseOrderTransition({}))).toEqual(['action']);
    expect(badFields(() => parseOrderTransition({ action: 'plan', to: 'Planned' }))).toEqual(['to']);
    expect(badFields(() => parseOrderTransition('plan'))).toEqual(['body']);
    expect(badFields(() => parseOrderTransition({ action: 'plan', reason: 'x'.repeat(2001) }))).toEqual(['reason']);
  });
});

describe('toleranceBounds', () => {
  it.each([
    [1000, { overPct: 5, underPct: 3 }, 970, 1050],
    [100, { overPct: 7, underPct: 7 }, 93, 107],
    [100, { overPct: 0, underPct: 0 }, 100, 100],
    [1000, { overPct: 2.5, underPct: 2.5 }, 975, 1025],
    // The max rounds up: a small cell keeps some over-tolerance (33 x 1.05 = 34.65 -> 35; 10.5 -> 11).
    [33, { overPct: 5, underPct: 3 }, 33, 35],
    [10, { overPct: 5, underPct: 3 }, 10, 11],
    [12, { overPct: 5, underPct: 3 }, 12, 13],
    [1, { overPct: 0.1, underPct: 3 }, 1, 2],
    [0, { overPct: 5, underPct: 3 }, 0, 0],
    [50, { overPct: 100, underPct: 100 }, 0, 100],
    [10_000_000, { overPct: 5, underPct: 3 }, 9_700_000, 10_500_000],
    [300, { overPct: 0.1, underPct: 0.3 }, 300, 301],
    [1000, { overPct: 0.1, underPct: 0.3 }, 997, 1001],
  ])('%i ordered at %j -> %i..%i', (ordered, t, min, max) => {
    expect(toleranceBounds(ordered, t)).toEqual({ min, max });
  });

  const pct = fc.integer({ min: 0, max: 100 });
  const qty = fc.integer({ min: 0, max: 10_000_000 });

  it('is exact for integer percentages (property, against BigInt arithmetic)', () => {
    fc.assert(
      fc.property(qty, pct, pct, (ordered, over, under) => {
        const o = BigInt(ordered);
        const minTimes100 = o * BigInt(100 - under);
        const expectedMin = Number(minTimes100 / 100n + (minTimes100 % 100n === 0n ? 0n : 1n));
        const maxTimes100 = o * BigInt(100 + over);
        const expectedMax = Number(maxTimes100 / 100n + (maxTimes100 % 100n === 0n ? 0n : 1n));
        expect(toleranceBounds(ordered, { overPct: over, underPct: under })).toEqual({
          min: expectedMin,
          max: expectedMax,
        });
      }),
    );
  });

  it('brackets the ordered quantity and is monotonic in quantity and percentage (property)', () => {
    fc.assert(
      fc.property(qty, qty, pct, pct, pct, (a, b, over, under, more) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const t = { overPct: over, underPct: under };
        const x = toleranceBounds(lo, t);
        const y = toleranceBounds(hi, t);
        expect(x.min).toBeLessThanOrEqual(lo);
        expect(x.max).toBeGreaterThanOrEqual(lo);
        expect(x.min).toBeLessThanOrEqual(y.min);
        expect(x.max).toBeLessThanOrEqual(y.max);
        expect(Number.isInteger(x.min) && Number.isInteger(x.max)).toBe(true);
        const wider = toleranceBounds(lo, { overPct: Math.max(over, more), underPct: Math.max(under, more) });
        expect(wider.min).toBeLessThanOrEqual(x.min);
        expect(wider.max).toBeGreaterThanOrEqual(x.max);
      }),
    );
  });

  it('zero tolerance means exactly the ordered quantity (property)', () => {
    fc.assert(
      fc.property(qty, (q) => {
        expect(toleranceBounds(q, { overPct: 0, underPct: 0 })).toEqual({ min: q, max: q });
      }),
    );
  });
});

describe('outOfTolerance: completion at the tolerance scope', () => {
  const scoped = (scope: 'order' | 'color' | 'cell') => ({ overPct: 5, underPct: 3, scope });
  /** The example: RED ordered XS 12, M 600, XL 588; produced 9, 600, 578. */
  const red = (scope: 'order' | 'color' | 'cell') => {
    const o = order({
      state: 'InProgress',
      matrix: matrix(['XS', 'M', 'XL'], ['RED'], [[12, 600, 588]]),
      tolerance: scoped(scope),
    });
    o.progress.produced = matrix(['XS', 'M', 'XL'], ['RED'], [[9, 600, 578]]);
    return o;
  };

  it('the color 1.1% short completes at color scope; XS 25% short refuses at cell scope', () => {
    // 1,187 of 1,200 is 1.1% short: within 3% for the color, while XS made 9 of 12.
    expect(outOfTolerance(red('color'))).toEqual({ scope: 'color', groups: [], cells: [] });
    expect(transitionOrder(red('color'), { action: 'complete' }, ctx({ batches: [finished('b1')] })).order.state).toBe(
      'Completed',
    );
    expect(transitionOrder(red('order'), { action: 'complete' }, ctx({ batches: [finished('b1')] })).order.state).toBe(
      'Completed',
    );

    const e = thrown(() => transitionOrder(red('cell'), { action: 'complete' }, ctx({ batches: [finished('b1')] })));
    expect(e.code).toBe('OUT_OF_TOLERANCE');
    expect(e.details).toEqual({
      scope: 'cell',
      groups: [{ color: 'RED', size: 'XS', ordered: 12, produced: 9, min: 12, max: 13 }],
      cells: [{ color: 'RED', size: 'XS', ordered: 12, produced: 9 }],
      moreCells: 0,
    });
  });

  it('at color scope names the short colors and the short cells within them', () => {
    const o = order({
      state: 'InProgress',
      tolerance: scoped('color'),
      matrix: matrix(
        ['S', 'M'],
        ['NAVY', 'RED'],
        [
          [100, 100],
          [100, 100],
        ],
      ),
    });
    // NAVY 188 of 200 (min 194) is short; RED 197 of 200 is within, though its S is 3 short.
    o.progress.produced = matrix(
      ['S', 'M'],
      ['NAVY', 'RED'],
      [
        [90, 98],
        [97, 100],
      ],
    );
    expect(outOfTolerance(o)).toEqual({
      scope: 'color',
      groups: [{ color: 'NAVY', ordered: 200, produced: 188, min: 194, max: 210 }],
      cells: [
        { color: 'NAVY', size: 'S', ordered: 100, produced: 90 },
        { color: 'NAVY', size: 'M', ordered: 100, produced: 98 },
      ],
    });
    const r = transitionOrder(
      o,
      { action: 'complete', shortClose: true, reason: 'fabric lot rejected' },
      ctx({ batches: [finished('b1')] }),
    );
    expect(r.history).toMatchObject({
      action: 'shortClose',
      details: {
        scope: 'color',
        shortGroups: [{ color: 'NAVY', produced: 188, min: 194 }],
        shortCells: [{ size: 'S' }, { size: 'M' }],
      },
    });
    const e = thrown(() => transitionOrder(o, { action: 'complete' }, ctx({ batches: [finished('b1')] })));
    expect(e.message).toMatch(
      /^1 color\(s\) are outside the tolerance \(-3% \/ \+5% per color\): NAVY made 188 of 200 \(at least 194\)/,
    );
  });

  it('at order scope one group for the whole order, named "the order"', () => {
    const o = order({
      state: 'InProgress',
      tolerance: scoped('order'),
      matrix: matrix(
        ['S', 'M'],
        ['NAVY', 'RED'],
        [
          [100, 100],
          [100, 100],
        ],
      ),
    });
    o.progress.produced = matrix(
      ['S', 'M'],
      ['NAVY', 'RED'],
      [
        [90, 98],
        [97, 100],
      ],
    ); // 385 of 400: min 388
    const out = outOfTolerance(o);
    expect(out.groups).toEqual([{ ordered: 400, produced: 385, min: 388, max: 420 }]);
    expect(out.cells.map((c) => `${c.color}/${c.size}`)).toEqual(['NAVY/S', 'NAVY/M', 'RED/S']);
    expect(
      thrown(() => transitionOrder(o, { action: 'complete' }, ctx({ batches: [finished('b1')] }))).message,
    ).toMatch(/^The order is outside the tolerance .*the order made 385 of 400/);
  });

  it('an order stored without a scope reads as color', () => {
    const o = red('color');
    const legacy = { ...o, tolerance: { overPct: 5, underPct: 3 } } as unknown as ProductionOrder;
    expect(outOfTolerance(legacy).scope).toBe('color');
    expect(withOrderDefaults(legacy).tolerance).toEqual({ overPct: 5, underPct: 3, scope: 'color' });
    expect(withOrderDefaults(legacy).batchPlan).toEqual({ maxBatchQty: 500, extraCutPct: 0 });
  });

  it('reads production laid out over the order matrix (missing cells count 0)', () => {
    const o = order({
      state: 'InProgress',
      matrix: matrix(
        ['S', 'M'],
        ['NAVY', 'RED'],
        [
          [10, 0],
          [0, 0],
        ],
      ),
    });
    o.progress.produced = matrix(['M', 'S'], ['NAVY'], [[0, 10]]);
    expect(outOfTolerance(o).groups).toEqual([]);
    o.progress.produced = matrix(['S'], ['RED'], [[10]]);
    expect(outOfTolerance(o).groups).toEqual([
      { color: 'NAVY', size: 'S', ordered: 10, produced: 0, min: 10, max: 11 },
      { color: 'RED', size: 'S', ordered: 0, produced: 10, min: 0, max: 0 },
    ]);
  });

  it('a cell is out at cell scope exactly when produced is outside its bounds (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 6000 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        (ordered, made, over, under) => {
          const o = order({
            state: 'InProgress',
            matrix: matrix(['S'], ['NAVY'], [[ordered]]),
            tolerance: { overPct: over, underPct: under, scope: 'cell' },
          });
          o.progress.produced = matrix(['S'], ['NAVY'], [[made]]);
          const { min, max } = toleranceBounds(ordered, o.tolerance);
          expect(outOfTolerance(o).groups.length).toBe(made < min || made > max ? 1 : 0);
        },
      ),
    );
  });

  it('wider scopes never refuse what a narrower one accepts when nothing is over (property)', () => {
    const row = fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 3, maxLength: 3 });
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 2, maxLength: 2 }),
        fc.array(fc.array(fc.nat(100), { minLength: 3, maxLength: 3 }), { minLength: 2, maxLength: 2 }),
        (ordered, shortPct) => {
          const produced = ordered.map((r, i) => r.map((q, j) => Math.floor((q * (100 - shortPct[i][j])) / 100)));
          const at = (scope: 'order' | 'color' | 'cell') => {
            const o = order({
              state: 'InProgress',
              matrix: matrix(['S', 'M', 'L'], ['NAVY', 'RED'], ordered),
              tolerance: scoped(scope),
            });
            o.progress.produced = matrix(['S', 'M', 'L'], ['NAVY', 'RED'], produced);
            return outOfTolerance(o).groups.length === 0;
          };
          if (at('cell')) expect(at('color')).toBe(true);
          if (at('color')) expect(at('order')).toBe(true);
        },
      ),
    );
  });
});
