import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from '../../shared/errors.js';
import {
  SALES_ORDER_MOVES,
  SALES_ORDER_STATES,
  coverage,
  coveredBy,
  linkProductionOrder,
  newSalesOrder,
  parseProductionOrderRequest,
  parseSalesOrderCreate,
  parseSalesOrderTransition,
  planProductionOrder,
  salesOrderCreatedEntry,
  transitionSalesOrder,
  type LinkedOrder,
  type SalesOrder,
  type SalesOrderState,
} from '../../shared/salesOrder.js';
import type { OrderState } from '../../shared/types.js';
import { LATER, NOW, badFields, matrix, planner, thrown } from './fixtures.js';

const carla = { id: 'carla@example.com', roles: ['commercial' as const] };

function so(over: Partial<SalesOrder> = {}): SalesOrder {
  const base = newSalesOrder({
    id: 'SO-000001',
    input: {
      customer: 'ACME',
      techPackId: 'TP-000001',
      matrix: matrix(
        ['S', 'M'],
        ['NAVY', 'RED'],
        [
          [10, 20],
          [5, 0],
        ],
      ),
      deliveryDate: '2027-01-15',
    },
    styleCode: 'TEE-01',
    actor: carla,
    now: NOW,
  });
  return { ...base, state: 'Accepted', version: 3, ...over };
}

const linked = (
  id: string,
  state: OrderState,
  q: number[][],
  sizes = ['S', 'M'],
  colors = ['NAVY', 'RED'],
  version = 1,
): LinkedOrder => ({
  id,
  state,
  version,
  matrix: matrix(sizes, colors, q),
});

describe('creating a sales order', () => {
  it('takes customer, tech pack and matrix; starts as Draft version 1 with nothing linked', () => {
    const input = parseSalesOrderCreate({
      customer: ' ACME ',
      techPackId: 'TP-000001',
      matrix: { sizes: ['S'], colors: ['NAVY'], quantities: [[4]] },
    });
    expect(input).toEqual({ customer: 'ACME', techPackId: 'TP-000001', matrix: matrix(['S'], ['NAVY'], [[4]]) });
    const created = newSalesOrder({ id: 'SO-000009', input, styleCode: 'TEE-01', actor: carla, now: NOW });
    expect(created).toMatchObject({
      id: 'SO-000009',
      state: 'Draft',
      version: 1,
      total: 4,
      deliveryDate: null,
      notes: '',
      productionOrderIds: [],
      createdBy: carla.id,
    });
    expect(salesOrderCreatedEntry(created)).toMatchObject({
      action: 'create',
      from: null,
      to: 'Draft',
      version: 1,
      actor: carla.id,
    });
  });

  it('names every bad field', () => {
    expect(
      badFields(() =>
        parseSalesOrderCreate({
          techPackId: 7,
          matrix: { sizes: ['S'], colors: ['NAVY'], quantities: [[-1]] },
          deliveryDate: '2027-02-30',
          extra: 1,
        }),
      ),
    ).toEqual(['extra', 'customer', 'techPackId', 'matrix.quantities[0][0]', 'deliveryDate']);
    expect(badFields(() => parseSalesOrderCreate({ customer: 'A', techPackId: 'TP-000001' }))).toEqual(['matrix']);
  });

  it('refuses a sales order for nothing', () => {
    expect(
      badFields(() =>
        parseSalesOrderCreate({
          customer: 'A',
          techPackId: 'TP-000001',
          matrix: { sizes: ['S'], colors: ['NAVY'], quantities: [[0]] },
        }),
      ),
    ).toEqual(['matrix.quantities']);
  });
});

describe('sales order transitions', () => {
  const allowed: [SalesOrderState, SalesOrderState][] = [
    ['Draft', 'Sent'],
    ['Sent', 'Accepted'],
    ['Draft', 'Cancelled'],
    ['Sent', 'Cancelled'],
    ['Accepted', 'Cancelled'],
  ];

  it('Draft -> Sent -> Accepted, and Cancelled from any of those; nothing else', () => {
    for (const from of SALES_ORDER_STATES) {
      for (const to of SALES_ORDER_STATES) {
        const ok = allowed.some(([f, t]) => f === from && t === to);
        expect(SALES_ORDER_MOVES[from].includes(to), `${from} -> ${to}`).toBe(ok);
        if (ok) {
          const change = transitionSalesOrder(so({ state: from }), { to }, planner, LATER);
          expect(change.salesOrder).toMatchObject({ state: to, version: 4, updatedAt: LATER, updatedBy: planner.id });
          expect(change.history).toMatchObject({ from, to, version: 4, actor: planner.id, at: LATER });
        } else {
          const e = thrown(() => transitionSalesOrder(so({ state: from }), { to }, planner, LATER));
          expect(e).toBeInstanceOf(IllegalTransitionError);
          expect(e.status).toBe(409);
        }
      }
    }
  });

  it('a cancellation keeps its reason and names the production orders it leaves in place', () => {
    const change = transitionSalesOrder(
      so({ productionOrderIds: ['PO-000001'] }),
      { to: 'Cancelled', reason: 'customer withdrew' },
      planner,
      LATER,
    );
    expect(change.history).toMatchObject({
      action: 'cancel',
      reason: 'customer withdrew',
      details: { productionOrderIds: ['PO-000001'] },
    });
  });

  it('parses {to, reason?}', () => {
    expect(parseSalesOrderTransition({ to: 'Sent' })).toEqual({ to: 'Sent' });
    expect(badFields(() => parseSalesOrderTransition({ to: 'Shipped', action: 'x' }))).toEqual(['action', 'to']);
  });
});

describe('what production orders hold of a sales order', () => {
  it('sums what the orders cover on the sales order layout and never goes below zero', () => {
    const c = coverage(so(), [
      linked('PO-1', 'Draft', [
        [4, 20],
        [0, 0],
      ]),
      linked('PO-2', 'Cancelled', [
        [10, 20],
        [5, 0],
      ]),
      {
        ...linked('PO-3', 'Completed', [[3], [9]], ['S'], ['NAVY', 'RED']),
        progress: { produced: matrix(['S'], ['NAVY', 'RED'], [[1], [9]]) },
      },
      // cells the sales order does not have are ignored
      linked('PO-4', 'Planned', [[7]], ['XL'], ['GREEN']),
    ]);
    expect(c.held.quantities).toEqual([
      [5, 20],
      [9, 0],
    ]);
    expect(c.remaining.quantities).toEqual([
      [5, 0],
      [0, 0],
    ]);
  });

  it('plans the remainder, defaults the delivery date, and guards the orders that can still change', () => {
    const plan = planProductionOrder(so({ productionOrderIds: ['PO-1', 'PO-2', 'PO-3'] }), [
      linked(
        'PO-1',
        'Planned',
        [
          [4, 0],
          [0, 0],
        ],
        undefined,
        undefined,
        3,
      ),
      linked('PO-2', 'Cancelled', [
        [10, 20],
        [5, 0],
      ]),
      {
        ...linked('PO-3', 'Completed', [
          [2, 0],
          [0, 0],
        ]),
        progress: {
          produced: matrix(
            ['S', 'M'],
            ['NAVY', 'RED'],
            [
              [1, 0],
              [0, 0],
            ],
          ),
        },
      },
    ]);
    expect(plan).toMatchObject({
      total: 30,
      heldBefore: 5,
      deliveryDate: '2027-01-15',
      notes: 'Sales order SO-000001 for ACME',
      guard: [{ id: 'PO-1', version: 3 }],
    });
    expect(plan.matrix).toEqual(
      matrix(
        ['S', 'M'],
        ['NAVY', 'RED'],
        [
          [5, 20],
          [5, 0],
        ],
      ),
    );
    expect(planProductionOrder(so(), [], { deliveryDate: '2027-02-01', notes: 'rush' })).toMatchObject({
      deliveryDate: '2027-02-01',
      notes: 'rush',
    });
  });

  it('each linked order covers: open its matrix, Completed what it produced, Cancelled nothing', () => {
    const produced = matrix(
      ['S', 'M'],
      ['NAVY', 'RED'],
      [
        [9, 18],
        [5, 0],
      ],
    );
    for (const state of ['Draft', 'Planned', 'Released', 'InProgress'] as const) {
      // an InProgress order that produced some already still covers its whole matrix: it will deliver it
      expect(
        coveredBy({
          ...linked('PO-1', state, [
            [10, 20],
            [5, 0],
          ]),
          progress: { produced },
        })?.quantities,
      ).toEqual([
        [10, 20],
        [5, 0],
      ]);
    }
    expect(
      coveredBy({
        ...linked('PO-1', 'Completed', [
          [10, 20],
          [5, 0],
        ]),
        progress: { produced },
      }),
    ).toEqual(produced);
    expect(
      coveredBy({
        ...linked('PO-1', 'Cancelled', [
          [10, 20],
          [5, 0],
        ]),
        progress: { produced },
      }),
    ).toBeUndefined();
  });

  it('after a short-close the next production order is exactly the shortfall', () => {
    // ordered 10/20 NAVY, 5 RED; the order was short-closed having produced 9, 18 and 5
    const shortClosed: LinkedOrder = {
      ...linked(
        'PO-1',
        'Completed',
        [
          [10, 20],
          [5, 0],
        ],
        undefined,
        undefined,
        9,
      ),
      progress: {
        produced: matrix(
          ['S', 'M'],
          ['NAVY', 'RED'],
          [
            [9, 18],
            [5, 0],
          ],
        ),
      },
    };
    const plan = planProductionOrder(so({ productionOrderIds: ['PO-1'] }), [shortClosed]);
    expect(plan.matrix.quantities).toEqual([
      [1, 2],
      [0, 0],
    ]);
    expect(plan).toMatchObject({ total: 3, heldBefore: 32, guard: [] });
    // an over-run in one cell does not take from another
    const overRun = {
      ...shortClosed,
      progress: {
        produced: matrix(
          ['S', 'M'],
          ['NAVY', 'RED'],
          [
            [12, 18],
            [5, 0],
          ],
        ),
      },
    };
    expect(planProductionOrder(so({ productionOrderIds: ['PO-1'] }), [overRun]).matrix.quantities).toEqual([
      [0, 2],
      [0, 0],
    ]);
    // once the shortfall is ordered too, nothing remains
    const second = linked('PO-2', 'Draft', [
      [1, 2],
      [0, 0],
    ]);
    const e = thrown(() => planProductionOrder(so({ productionOrderIds: ['PO-1', 'PO-2'] }), [shortClosed, second]));
    expect(e).toMatchObject({ code: 'NOTHING_REMAINING' });
  });
  it('refuses with NOTHING_REMAINING when the orders hold everything', () => {
    const e = thrown(() =>
      planProductionOrder(so({ productionOrderIds: ['PO-1'] }), [
        linked('PO-1', 'Draft', [
          [10, 25],
          [5, 0],
        ]),
      ]),
    );
    expect(e).toMatchObject({
      status: 409,
      code: 'NOTHING_REMAINING',
      details: { productionOrderIds: ['PO-1'], held: 40, ordered: 35 },
    });
  });

  it('only from an Accepted sales order', () => {
    for (const state of ['Draft', 'Sent', 'Cancelled'] as const) {
      expect(thrown(() => planProductionOrder(so({ state }), []))).toMatchObject({
        status: 409,
        code: 'SALES_ORDER_NOT_ACCEPTED',
      });
    }
  });

  it('linking appends the order id and bumps the version (no state change, so no event)', () => {
    const s = so();
    const plan = planProductionOrder(s, []);
    const link = linkProductionOrder(s, 'PO-000042', plan, planner, LATER);
    expect(link.salesOrder).toMatchObject({ productionOrderIds: ['PO-000042'], version: 4, state: 'Accepted' });
    expect(link.history).toMatchObject({
      action: 'productionOrder',
      from: 'Accepted',
      to: 'Accepted',
      version: 4,
      details: { productionOrderId: 'PO-000042', total: 35 },
    });
  });

  it('the optional request body', () => {
    expect(parseProductionOrderRequest(undefined)).toEqual({});
    expect(parseProductionOrderRequest({ deliveryDate: '2027-03-01' })).toEqual({ deliveryDate: '2027-03-01' });
    expect(badFields(() => parseProductionOrderRequest({ matrix: {}, deliveryDate: 'soon' }))).toEqual([
      'matrix',
      'deliveryDate',
    ]);
  });
});
