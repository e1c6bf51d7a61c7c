import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConflictError, ValidationError } from '../../shared/errors.js';
import { matrixTotal } from '../../shared/matrix.js';
import {
  EDITABLE_STATES,
  FINAL_STATES,
  OPEN_STATES,
  applyOrderPatch,
  createdEntry,
  newOrder,
  parseOrderCreate,
  parseOrderPatch,
  requireEditable,
  type OrderPatch,
} from '../../shared/productionOrder.js';
import { ORDER_STATES, TECH_PACK_STATES, type OrderState, type TechPackState } from '../../shared/types.js';
import {
  LATER,
  NOW,
  badFields,
  matrix,
  order,
  other,
  planner,
  problems,
  settings,
  techPack,
  thrown,
} from './fixtures.js';

const codes = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

function create(
  over: {
    input?: Parameters<typeof newOrder>[0]['input'];
    pack?: ReturnType<typeof techPack>;
    s?: ReturnType<typeof settings>;
  } = {},
) {
  return newOrder({
    id: 'po-9',
    input: over.input ?? { techPackId: 'tp-1', deliveryDate: '2026-07-15' },
    techPack: over.pack ?? techPack(),
    settings: over.s ?? settings(),
    source: { type: 'commercial' },
    actor: planner,
    now: NOW,
  });
}

describe('state lists', () => {
  it('Completed and Cancelled are final; Draft and Planned editable; four open states', () => {
    expect([...FINAL_STATES].sort()).toEqual(['Cancelled', 'Completed']);
    expect([...EDITABLE_STATES]).toEqual(['Draft', 'Planned']);
    expect([...OPEN_STATES]).toEqual(['Draft', 'Planned', 'Released', 'InProgress']);
    expect(ORDER_STATES).toEqual(['Draft', 'Planned', 'Released', 'InProgress', 'Completed', 'Cancelled']);
  });
});

describe('newOrder', () => {
  it('a Draft at version 1 whose sizes and colors default from the tech pack, quantities 0', () => {
    const o = create();
    expect(o).toMatchObject({
      id: 'po-9',
      techPackId: 'tp-1',
      styleCode: 'TEE-01',
      state: 'Draft',
      version: 1,
      deliveryDate: '2026-07-15',
      total: 0,
      source: { type: 'commercial' },
      notes: '',
      releasedBomRevision: null,
      createdAt: NOW,
      updatedAt: NOW,
      createdBy: planner.id,
      updatedBy: planner.id,
    });
    expect(o.matrix).toEqual({
      sizes: ['S', 'M', 'L'],
      colors: ['NAVY', 'RED'],
      quantities: [
        [0, 0, 0],
        [0, 0, 0],
      ],
    });
    expect(o.progress.batched).toEqual(o.matrix);
    expect(o.progress.produced).toEqual(o.matrix);
    expect(o.progress.rejected).toEqual(o.matrix);
  });

  it('tolerance and batch plan default from the settings, the IQ template from the tech pack', () => {
    const o = create({
      s: settings({ defaultTolerance: { overPct: 8, underPct: 2, scope: 'order' }, defaultMaxBatchQty: 120 }),
    });
    expect(o.tolerance).toEqual({ overPct: 8, underPct: 2, scope: 'order' });
    expect(o.batchPlan).toEqual({ maxBatchQty: 120, extraCutPct: 0 });
    expect(o.iqTemplate).toBe('IQ-TEE');
    expect(create({ pack: techPack({ iqTemplate: undefined }) }).iqTemplate).toBeNull();
  });

  it('the creator may override every default', () => {
    const o = create({
      input: {
        techPackId: 'tp-1',
        tolerance: { overPct: 1, underPct: 1 },
        batchPlan: { maxBatchQty: 40 },
        iqTemplate: 'IQ-OTHER',
        notes: 'rush',
        sizes: ['M', 'XL'],
        colors: ['BLACK'],
      },
    });
    expect(o.tolerance).toEqual({ overPct: 1, underPct: 1, scope: 'color' });
    expect(o.batchPlan).toEqual({ maxBatchQty: 40, extraCutPct: 0 });
    expect(o.iqTemplate).toBe('IQ-OTHER');
    expect(o.notes).toBe('rush');
    expect(o.deliveryDate).toBeNull();
    expect(o.matrix).toEqual({ sizes: ['M', 'XL'], colors: ['BLACK'], quantities: [[0, 0]] });
  });

  it('only sizes or only colors changes that axis alone', () => {
    expect(create({ input: { techPackId: 'tp-1', sizes: ['XS'] } }).matrix).toEqual({
      sizes: ['XS'],
      colors: ['NAVY', 'RED'],
      quantities: [[0], [0]],
    });
    expect(create({ input: { techPackId: 'tp-1', colors: ['RED'] } }).matrix.sizes).toEqual(['S', 'M', 'L']);
  });

  it('a given matrix is used as is and totals', () => {
    const m = matrix(['S', 'M'], ['NAVY'], [[10, 15]]);
    const o = create({ input: { techPackId: 'tp-1', matrix: m } });
    expect(o.matrix).toEqual(m);
    expect(o.total).toBe(25);
    expect(o.progress.produced).toEqual(matrix(['S', 'M'], ['NAVY']));
  });

  const pairs = TECH_PACK_STATES.flatMap((state) =>
    TECH_PACK_STATES.map((min) => [state, min] as [TechPackState, TechPackState]),
  );

  it.each(pairs)('tech pack in %s with minTechPackStateForOrders %s', (state, min) => {
    const tooEarly = TECH_PACK_STATES.indexOf(state) < TECH_PACK_STATES.indexOf(min);
    const run = () => create({ pack: techPack({ state }), s: settings({ minTechPackStateForOrders: min }) });
    if (!tooEarly) {
      expect(run().state).toBe('Draft');
      return;
    }
    const e = thrown(run);
    expect(e).toBeInstanceOf(ConflictError);
    expect(e.status).toBe(409);
    expect(e.code).toBe('TECH_PACK_TOO_EARLY');
    expect(e.details).toEqual({ techPackState: state, minTechPackStateForOrders: min });
  });

  it('with default settings an order may be opened on a Commercial tech pack', () => {
    expect(create({ pack: techPack({ state: 'Commercial' }), s: settings() }).state).toBe('Draft');
  });

  it('refuses a default matrix past 20,000 cells (100 sizes x 500 colors on the tech pack)', () => {
    const pack = techPack({ sizes: codes('S', 100), colors: codes('C', 500).map((code) => ({ code, name: code })) });
    const e = thrown(() => create({ pack }));
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.status).toBe(400);
    expect((e as ValidationError).problems).toEqual([
      { field: 'matrix', message: 'has 50000 cells (500 colors x 100 sizes); at most 20000 are allowed' },
    ]);
    // Narrowing the colors at creation makes it fit.
    expect(create({ pack, input: { techPackId: 'tp-1', colors: codes('C', 200) } }).matrix.quantities).toHaveLength(
      200,
    );
  });

  it('refuses sizes x colors past 20,000 cells given at creation', () => {
    const e = thrown(() => create({ input: { techPackId: 'tp-1', sizes: codes('S', 100), colors: codes('C', 201) } }));
    expect(e.status).toBe(400);
    expect(e.code).toBe('VALIDATION_FAILED');
    expect((e as ValidationError).problems.map((p) => p.field)).toEqual(['colors']);
    const pack = techPack({ colors: codes('C', 300).map((code) => ({ code, name: code })) });
    expect(
      (
        thrown(() => create({ pack, input: { techPackId: 'tp-1', sizes: codes('S', 67) } })) as ValidationError
      ).problems.map((p) => p.field),
    ).toEqual(['sizes']);
    expect(
      create({ input: { techPackId: 'tp-1', sizes: codes('S', 100), colors: codes('C', 200) } }).matrix.quantities,
    ).toHaveLength(200);
  });

  it('createdEntry announces the creation with its source', () => {
    const o = create();
    expect(createdEntry(o)).toEqual({
      at: NOW,
      actor: planner.id,
      action: 'create',
      from: null,
      to: 'Draft',
      version: 1,
      details: { source: { type: 'commercial' } },
    });
  });
});

describe('originalDeliveryDate (the date first promised)', () => {
  it('a new order starts with its delivery date as the original', () => {
    expect(create().originalDeliveryDate).toBe('2026-07-15');
    expect(create({ input: { techPackId: 'tp-1' } }).originalDeliveryDate).toBeNull();
  });

  it('moves with the delivery date while the plan is editable (Draft, Planned)', () => {
    for (const state of EDITABLE_STATES) {
      const { order: next } = applyOrderPatch(order({ state }), { deliveryDate: '2026-09-01' }, planner, LATER);
      expect(next.deliveryDate).toBe('2026-09-01');
      expect(next.originalDeliveryDate).toBe('2026-09-01');
    }
  });

  it('is not an input: callers cannot set it', () => {
    expect(badFields(() => parseOrderPatch({ originalDeliveryDate: '2026-09-01' }))).toContain('originalDeliveryDate');
  });
});

describe('newOrder and applyOrderPatch: tolerance scope and planned extra cut (issue 11)', () => {
  it('a tolerance without a scope takes the factory default scope; the extra cut defaults to 0', () => {
    const s = settings({ defaultTolerance: { overPct: 5, underPct: 3, scope: 'cell' } });
    expect(create({ s }).tolerance).toEqual({ overPct: 5, underPct: 3, scope: 'cell' });
    expect(create({ s, input: { techPackId: 'tp-1', tolerance: { overPct: 2, underPct: 2 } } }).tolerance).toEqual({
      overPct: 2,
      underPct: 2,
      scope: 'cell',
    });
    expect(
      create({ s, input: { techPackId: 'tp-1', tolerance: { overPct: 2, underPct: 2, scope: 'order' } } }).tolerance
        .scope,
    ).toBe('order');
    expect(create().tolerance.scope).toBe('color');
    expect(create().batchPlan.extraCutPct).toBe(0);
  });

  it('extraCutPct may go up to the over-tolerance, not beyond (400 on batchPlan.extraCutPct)', () => {
    const input = (extraCutPct: number, overPct = 5) => ({
      techPackId: 'tp-1',
      tolerance: { overPct, underPct: 3 },
      batchPlan: { maxBatchQty: 100, extraCutPct },
    });
    expect(create({ input: input(5) }).batchPlan).toEqual({ maxBatchQty: 100, extraCutPct: 5 });
    expect(problems(() => create({ input: input(5.5) }))).toEqual([
      {
        field: 'batchPlan.extraCutPct',
        message: "must be at most the order's over-tolerance (5%): batches are never cut beyond it",
      },
    ]);
    // Against the factory's default tolerance when the order names none (5% over).
    expect(
      badFields(() => create({ input: { techPackId: 'tp-1', batchPlan: { maxBatchQty: 100, extraCutPct: 6 } } })),
    ).toEqual(['batchPlan.extraCutPct']);
  });

  it('a patch keeps the scope and the extra cut it leaves out, and checks them together', () => {
    const o = order({
      tolerance: { overPct: 5, underPct: 3, scope: 'order' },
      batchPlan: { maxBatchQty: 500, extraCutPct: 2 },
    });
    const next = applyOrderPatch(
      o,
      { tolerance: { overPct: 4, underPct: 1 }, batchPlan: { maxBatchQty: 50 } },
      other,
      LATER,
    ).order;
    expect(next.tolerance).toEqual({ overPct: 4, underPct: 1, scope: 'order' });
    expect(next.batchPlan).toEqual({ maxBatchQty: 50, extraCutPct: 2 });
    expect(
      applyOrderPatch(o, { tolerance: { overPct: 5, underPct: 3, scope: 'cell' } }, other, LATER).order.tolerance.scope,
    ).toBe('cell');
    // Lowering the over-tolerance below the planned extra cut is refused.
    expect(badFields(() => applyOrderPatch(o, { tolerance: { overPct: 1, underPct: 1 } }, other, LATER))).toEqual([
      'batchPlan.extraCutPct',
    ]);
    expect(
      badFields(() => applyOrderPatch(o, { batchPlan: { maxBatchQty: 50, extraCutPct: 9 } }, other, LATER)),
    ).toEqual(['batchPlan.extraCutPct']);
  });
});

describe('parseOrderCreate', () => {
  it('accepts a minimal body', () => {
    expect(parseOrderCreate({ techPackId: 'tp-1' })).toEqual({ techPackId: 'tp-1' });
  });

  it('accepts a full body', () => {
    const input = parseOrderCreate({
      techPackId: 'tp-1',
      deliveryDate: '2026-07-15',
      matrix: { sizes: ['S', 'M'], colors: ['NAVY'], quantities: [[1, 2]] },
      batchPlan: { maxBatchQty: 100 },
      tolerance: { overPct: 5, underPct: 5 },
      notes: ' first drop ',
      iqTemplate: 'IQ-1',
    });
    expect(input).toEqual({
      techPackId: 'tp-1',
      deliveryDate: '2026-07-15',
      matrix: { sizes: ['S', 'M'], colors: ['NAVY'], quantities: [[1, 2]] },
      batchPlan: { maxBatchQty: 100 },
      tolerance: { overPct: 5, underPct: 5 },
      notes: 'first drop',
      iqTemplate: 'IQ-1',
    });
  });

  it('techPackId is required', () => {
    expect(problems(() => parseOrderCreate({}))).toEqual([{ field: 'techPackId', message: 'is required' }]);
    expect(badFields(() => parseOrderCreate({ techPackId: 42 }))).toEqual(['techPackId']);
  });

  it('refuses unknown fields by name, including state, version and total', () => {
    expect(badFields(() => parseOrderCreate({ techPackId: 'tp-1', state: 'Released', version: 3, total: 10 }))).toEqual(
      ['state', 'version', 'total'],
    );
  });

  it.each(['2026-02-30', '2026-13-01', '15/07/2026', '2026-7-15', 20260715])('refuses deliveryDate %j', (d) => {
    expect(badFields(() => parseOrderCreate({ techPackId: 'tp-1', deliveryDate: d }))).toEqual(['deliveryDate']);
  });

  it('accepts deliveryDate 2028-02-29 and null', () => {
    expect(parseOrderCreate({ techPackId: 'tp-1', deliveryDate: '2028-02-29' }).deliveryDate).toBe('2028-02-29');
    expect(parseOrderCreate({ techPackId: 'tp-1', deliveryDate: null }).deliveryDate).toBeNull();
  });

  it('names each bad cell of the matrix', () => {
    expect(
      badFields(() =>
        parseOrderCreate({
          techPackId: 'tp-1',
          matrix: { sizes: ['S', 'M'], colors: ['NAVY'], quantities: [[1, -2]] },
        }),
      ),
    ).toEqual(['matrix.quantities[0][1]']);
  });

  it('refuses matrix past the limits', () => {
    expect(
      badFields(() => parseOrderCreate({ techPackId: 'tp-1', matrix: { sizes: codes('S', 101), colors: ['A'] } })),
    ).toEqual(['matrix.sizes']);
    expect(
      badFields(() => parseOrderCreate({ techPackId: 'tp-1', matrix: { sizes: ['S'], colors: codes('C', 501) } })),
    ).toEqual(['matrix.colors']);
    expect(
      badFields(() =>
        parseOrderCreate({ techPackId: 'tp-1', matrix: { sizes: codes('S', 50), colors: codes('C', 401) } }),
      ),
    ).toEqual(['matrix']);
    expect(
      badFields(() =>
        parseOrderCreate({ techPackId: 'tp-1', matrix: { sizes: ['S'], colors: ['A'], quantities: [[10_000_001]] } }),
      ),
    ).toEqual(['matrix.quantities[0][0]']);
  });

  it('refuses sizes/colors past their limits and past 20,000 cells together', () => {
    expect(badFields(() => parseOrderCreate({ techPackId: 'tp-1', sizes: codes('S', 101) }))).toEqual(['sizes']);
    expect(badFields(() => parseOrderCreate({ techPackId: 'tp-1', colors: codes('C', 501) }))).toEqual(['colors']);
    expect(
      badFields(() => parseOrderCreate({ techPackId: 'tp-1', sizes: codes('S', 100), colors: codes('C', 201) })),
    ).toEqual(['colors']);
  });

  it('a matrix excludes sizes/colors', () => {
    expect(
      badFields(() => parseOrderCreate({ techPackId: 'tp-1', matrix: { sizes: ['S'], colors: ['A'] }, sizes: ['S'] })),
    ).toEqual(['matrix']);
  });

  it('a matrix with an unknown key (a typo of quantities) is refused, not zeroed', () => {
    expect(
      badFields(() =>
        parseOrderCreate({ techPackId: 'tp-1', matrix: { sizes: ['S'], colors: ['A'], quantity: [[5]] } }),
      ),
    ).toEqual(['matrix.quantity']);
  });

  it('batch plan, tolerance, notes and iqTemplate are checked', () => {
    expect(badFields(() => parseOrderCreate({ techPackId: 'tp-1', batchPlan: 100 }))).toEqual(['batchPlan']);
    expect(badFields(() => parseOrderCreate({ techPackId: 'tp-1', batchPlan: { maxBatchQty: 0 } }))).toEqual([
      'batchPlan.maxBatchQty',
    ]);
    expect(badFields(() => parseOrderCreate({ techPackId: 'tp-1', batchPlan: { maxBatchQty: 1.5 } }))).toEqual([
      'batchPlan.maxBatchQty',
    ]);
    expect(badFields(() => parseOrderCreate({ techPackId: 'tp-1', tolerance: { overPct: 101, underPct: 0 } }))).toEqual(
      ['tolerance.overPct'],
    );
    expect(
      badFields(() => parseOrderCreate({ techPackId: 'tp-1', tolerance: { overPct: 5, underPct: 3, scope: 'size' } })),
    ).toEqual(['tolerance.scope']);
    expect(
      badFields(() => parseOrderCreate({ techPackId: 'tp-1', batchPlan: { maxBatchQty: 10, extraCutPct: -1 } })),
    ).toEqual(['batchPlan.extraCutPct']);
    expect(
      badFields(() => parseOrderCreate({ techPackId: 'tp-1', batchPlan: { maxBatchQty: 10, extraCutPct: '2' } })),
    ).toEqual(['batchPlan.extraCutPct']);
    expect(
      parseOrderCreate({
        techPackId: 'tp-1',
        tolerance: { overPct: 5, underPct: 3, scope: 'cell' },
        batchPlan: { maxBatchQty: 10, extraCutPct: 2.5 },
      }),
    ).toMatchObject({
      tolerance: { overPct: 5, underPct: 3, scope: 'cell' },
      batchPlan: { maxBatchQty: 10, extraCutPct: 2.5 },
    });
    expect(badFields(() => parseOrderCreate({ techPackId: 'tp-1', notes: 'x'.repeat(4001) }))).toEqual(['notes']);
    expect(badFields(() => parseOrderCreate({ techPackId: 'tp-1', iqTemplate: 7 }))).toEqual(['iqTemplate']);
  });

  it('names every bad field of one request together', () => {
    const fields = badFields(() =>
      parseOrderCreate({
        deliveryDate: '2026-02-31',
        matrix: { sizes: ['S'], colors: ['A'], quantities: [[-1]] },
        tolerance: {},
        foo: 1,
      }),
    );
    expect(fields.sort()).toEqual([
      'deliveryDate',
      'foo',
      'matrix.quantities[0][0]',
      'techPackId',
      'tolerance.overPct',
      'tolerance.underPct',
    ]);
  });
});

describe('parseOrderPatch', () => {
  it('an empty body names nothing to change', () => {
    expect(problems(() => parseOrderPatch({}))).toEqual([{ field: 'body', message: 'names nothing to change' }]);
  });

  it('refuses techPackId, state, version and unknown fields', () => {
    expect(badFields(() => parseOrderPatch({ techPackId: 'tp-2', state: 'Released', version: 1, qty: 3 }))).toEqual([
      'techPackId',
      'state',
      'version',
      'qty',
    ]);
  });

  it('parses each field', () => {
    expect(parseOrderPatch({ deliveryDate: '2026-08-01', notes: 'x' })).toEqual({
      deliveryDate: '2026-08-01',
      notes: 'x',
    });
    expect(parseOrderPatch({ sizes: ['S'], colors: ['A', 'B'] })).toEqual({ sizes: ['S'], colors: ['A', 'B'] });
    expect(parseOrderPatch({ deliveryDate: null })).toEqual({ deliveryDate: null });
  });

  it('names bad fields', () => {
    expect(badFields(() => parseOrderPatch({ deliveryDate: '2026-04-31', sizes: ['S', 'S'] }))).toEqual([
      'deliveryDate',
      'sizes[1]',
    ]);
  });
});

describe('applyOrderPatch: editability', () => {
  const planningPatches: Record<string, OrderPatch> = {
    matrix: { matrix: matrix(['S'], ['NAVY'], [[5]]) },
    sizes: { sizes: ['S', 'M'] },
    colors: { colors: ['NAVY'] },
    batchPlan: { batchPlan: { maxBatchQty: 50 } },
    deliveryDate: { deliveryDate: '2026-09-01' },
    tolerance: { tolerance: { overPct: 1, underPct: 1 } },
  };
  const cases = Object.entries(planningPatches);
  const notEditable: OrderState[] = ['Completed', 'Cancelled'];

  describe.each(EDITABLE_STATES.map((s) => [s]))('in %s', (state) => {
    it.each(cases)('%s may change', (_name, patch) => {
      const before = order({ state });
      const { order: next, history } = applyOrderPatch(before, structuredClone(patch), other, LATER);
      expect(next.state).toBe(state);
      expect(next.version).toBe(before.version + 1);
      expect(next.updatedAt).toBe(LATER);
      expect(next.updatedBy).toBe(other.id);
      expect(history).toEqual({
        at: LATER,
        actor: other.id,
        action: 'update',
        from: state,
        to: state,
        version: before.version + 1,
        details: { fields: Object.keys(patch) },
      });
    });
  });

  describe.each([['Released'], ['InProgress']] as [OrderState][])('in %s (after release)', (state) => {
    const frozen = cases.filter(([name]) => name === 'batchPlan' || name === 'tolerance');
    const moving = cases.filter(([name]) => name !== 'batchPlan' && name !== 'tolerance');
    it.each(frozen)('%s is refused with 409 NOT_EDITABLE', (_name, patch) => {
      const e = thrown(() =>
        applyOrderPatch(order({ state }), { ...structuredClone(patch), reason: 'r' }, other, LATER),
      );
      expect(e.code).toBe('NOT_EDITABLE');
    });
    it.each(moving)('%s needs a reason (400 naming reason)', (_name, patch) => {
      const e = thrown(() => applyOrderPatch(order({ state }), structuredClone(patch), other, LATER));
      expect(e.status).toBe(400);
      expect((e.details as { fields: { field: string }[] }).fields.map((f) => f.field)).toEqual(['reason']);
    });
  });

  describe.each(notEditable.map((s) => [s]))('in %s', (state) => {
    it.each(cases)('%s is refused with 409 NOT_EDITABLE', (_name, patch) => {
      const e = thrown(() => applyOrderPatch(order({ state }), structuredClone(patch), other, LATER));
      expect(e).toBeInstanceOf(ConflictError);
      expect(e.status).toBe(409);
      expect(e.code).toBe('NOT_EDITABLE');
      expect(e.details).toEqual({ state });
    });
  });

  it.each(['Released', 'InProgress'] as const)('notes and IQ template still change in %s', (state) => {
    const { order: next } = applyOrderPatch(
      order({ state }),
      { notes: 'ship by sea', iqTemplate: 'IQ-2' },
      other,
      LATER,
    );
    expect(next.notes).toBe('ship by sea');
    expect(next.iqTemplate).toBe('IQ-2');
    expect(next.matrix).toEqual(order().matrix);
  });

  it.each(['Completed', 'Cancelled'] as const)('nothing changes in %s, not even notes', (state) => {
    const e = thrown(() => applyOrderPatch(order({ state }), { notes: 'late note' }, other, LATER));
    expect(e.code).toBe('NOT_EDITABLE');
    expect(e.status).toBe(409);
  });

  it('requireEditable names the state', () => {
    expect(() => requireEditable(order({ state: 'Draft' }), 'matrix')).not.toThrow();
    const e = thrown(() => requireEditable(order({ state: 'Released' }), 'matrix'));
    expect(e.code).toBe('NOT_EDITABLE');
    expect(e.message).toContain('Released');
  });
});

describe('applyOrderPatch: content', () => {
  it('replacing the matrix recomputes total and resets progress to its shape', () => {
    const m = matrix(['M', 'L', 'XL'], ['BLACK'], [[7, 8, 9]]);
    const { order: next } = applyOrderPatch(order(), { matrix: m }, planner, LATER);
    expect(next.matrix).toEqual(m);
    expect(next.total).toBe(24);
    expect(next.progress.batched).toEqual(matrix(['M', 'L', 'XL'], ['BLACK']));
  });

  it('changing sizes reshapes the matrix: common cells keep their quantity, new cells are 0', () => {
    const { order: next } = applyOrderPatch(order(), { sizes: ['XS', 'M', 'S'] }, planner, LATER);
    expect(next.matrix).toEqual({
      sizes: ['XS', 'M', 'S'],
      colors: ['NAVY', 'RED'],
      quantities: [
        [0, 20, 10],
        [0, 10, 5],
      ],
    });
    expect(next.total).toBe(45);
    expect(next.progress.produced).toEqual(matrix(['XS', 'M', 'S'], ['NAVY', 'RED']));
  });

  it('changing colors reshapes the matrix', () => {
    const { order: next } = applyOrderPatch(order(), { colors: ['RED', 'BLACK'] }, planner, LATER);
    expect(next.matrix).toEqual({
      sizes: ['S', 'M', 'L'],
      colors: ['RED', 'BLACK'],
      quantities: [
        [5, 10, 5],
        [0, 0, 0],
      ],
    });
    expect(next.total).toBe(20);
  });

  it('changing both reshapes on both axes', () => {
    const { order: next } = applyOrderPatch(order(), { sizes: ['L'], colors: ['NAVY'] }, planner, LATER);
    expect(next.matrix).toEqual({ sizes: ['L'], colors: ['NAVY'], quantities: [[10]] });
    expect(next.total).toBe(10);
  });

  it('a reshape past 20,000 cells is refused with 400 naming the field', () => {
    const wide = order({ matrix: matrix(codes('S', 100), ['NAVY']) });
    const e = thrown(() => applyOrderPatch(wide, { colors: codes('C', 201) }, planner, LATER));
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).problems.map((p) => p.field)).toEqual(['colors']);
    const tall = order({ matrix: matrix(['S'], codes('C', 500)) });
    expect(
      (thrown(() => applyOrderPatch(tall, { sizes: codes('S', 41) }, planner, LATER)) as ValidationError).problems.map(
        (p) => p.field,
      ),
    ).toEqual(['sizes']);
    expect(applyOrderPatch(tall, { sizes: codes('S', 40) }, planner, LATER).order.matrix.quantities[0]).toHaveLength(
      40,
    );
  });

  it('clearing the delivery date in Draft', () => {
    expect(applyOrderPatch(order(), { deliveryDate: null }, planner, LATER).order.deliveryDate).toBeNull();
  });

  it('a notes-only patch keeps the matrix and its progress', () => {
    const before = order({ state: 'InProgress' });
    before.progress.produced.quantities[0][0] = 4;
    const { order: next } = applyOrderPatch(before, { notes: 'n' }, planner, LATER);
    expect(next.progress.produced.quantities[0][0]).toBe(4);
    expect(next.total).toBe(before.total);
  });

  it('does not mutate the order it was given', () => {
    const before = order();
    const copy = structuredClone(before);
    applyOrderPatch(before, { sizes: ['S'], tolerance: { overPct: 0, underPct: 0 }, notes: 'x' }, planner, LATER);
    expect(before).toEqual(copy);
  });

  it('a reshape keeps every common cell and the total matches the matrix (property)', () => {
    const pool = ['XS', 'S', 'M', 'L', 'XL'];
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...pool), { minLength: 1 }),
        fc.uniqueArray(fc.constantFrom('NAVY', 'RED', 'BLACK'), { minLength: 1 }),
        (sizes, colors) => {
          const before = order();
          const { order: next } = applyOrderPatch(before, { sizes, colors }, planner, LATER);
          expect(next.total).toBe(matrixTotal(next.matrix));
          for (const [r, color] of colors.entries())
            for (const [c, size] of sizes.entries()) {
              const r0 = before.matrix.colors.indexOf(color);
              const c0 = before.matrix.sizes.indexOf(size);
              expect(next.matrix.quantities[r][c]).toBe(r0 >= 0 && c0 >= 0 ? before.matrix.quantities[r0][c0] : 0);
            }
        },
      ),
    );
  });
});
