import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  gate,
  openQuantities,
  planReplenishment,
  raiseToMinimum,
  replenishmentDeliveryDate,
  type OpenOrderLike,
} from '../../shared/replenishment.js';
import type { Stock, StockCell } from '../../shared/stock.js';
import type { OrderSource, OrderState } from '../../shared/types.js';
import { matrix, settings, techPack } from './fixtures.js';

const cell = (color: string, size: string, onHand: number, reorderPoint = 10, target = 50): StockCell => ({
  color,
  size,
  onHand,
  reorderPoint,
  target,
});
const stock = (cells: StockCell[], over: Partial<Stock> = {}): Stock => ({
  techPackId: 'tp-1',
  cells,
  version: 2,
  low: cells.some((c) => c.onHand < c.reorderPoint),
  openReplenishmentOrderId: null,
  updatedAt: null,
  updatedBy: null,
  ...over,
});
const order = (
  id: string,
  state: OrderState,
  q: number[][],
  source: OrderSource = { type: 'commercial' },
  produced?: number[][],
): OpenOrderLike => ({
  id,
  state,
  source,
  matrix: matrix(['S', 'M', 'L'], ['NAVY', 'RED'], q),
  ...(produced ? { progress: { produced: matrix(['S', 'M', 'L'], ['NAVY', 'RED'], produced) } } : {}),
});

describe('the gate before any order is read', () => {
  const low = stock([cell('NAVY', 'S', 1)]);

  it('passes a low style whose tech pack is far enough and has no open replenishment order', () => {
    expect(
      gate({ stock: low, techPack: techPack({ state: 'Commercial' }), settings: settings(), marker: undefined }),
    ).toBeUndefined();
    // a marker whose order is finished no longer blocks
    expect(
      gate({ stock: low, techPack: techPack(), settings: settings(), marker: { id: 'PO-1', state: 'Cancelled' } }),
    ).toBeUndefined();
    expect(
      gate({ stock: low, techPack: techPack(), settings: settings(), marker: { id: 'PO-1', state: 'Completed' } }),
    ).toBeUndefined();
  });

  it('names why a style is skipped', () => {
    const reason = (args: Partial<Parameters<typeof gate>[0]>) =>
      gate({ stock: low, techPack: techPack(), settings: settings(), marker: undefined, ...args })?.reason;
    const off = settings({ replenishment: { ...settings().replenishment, enabled: false } });
    expect(reason({ settings: off })).toBe('REPLENISHMENT_DISABLED');
    expect(reason({ stock: stock([cell('NAVY', 'S', 10)]) })).toBe('NOT_LOW');
    expect(reason({ techPack: undefined })).toBe('TECH_PACK_MISSING');
    expect(
      reason({
        techPack: techPack({ state: 'Design' }),
        settings: settings({ minTechPackStateForOrders: 'Approval' }),
      }),
    ).toBe('TECH_PACK_TOO_EARLY');
    for (const state of ['Draft', 'Planned', 'Released', 'InProgress'] as const) {
      expect(
        gate({ stock: low, techPack: techPack(), settings: settings(), marker: { id: 'PO-7', state } }),
      ).toMatchObject({ reason: 'OPEN_REPLENISHMENT_ORDER', orderId: 'PO-7' });
    }
  });
});

describe('quantity in open orders', () => {
  it('counts open stock orders, minus what InProgress ones already produced', () => {
    const open = openQuantities([
      order('a', 'Draft', [
        [5, 0, 0],
        [0, 0, 0],
      ]),
      order(
        'b',
        'InProgress',
        [
          [10, 0, 0],
          [0, 0, 0],
        ],
        { type: 'replenishment' },
        [
          [4, 0, 0],
          [0, 0, 0],
        ],
      ),
      order('c', 'Released', [
        [0, 0, 0],
        [0, 0, 3],
      ]),
      // over-production never makes the remainder negative
      order(
        'd',
        'InProgress',
        [
          [0, 1, 0],
          [0, 0, 0],
        ],
        { type: 'commercial' },
        [
          [0, 5, 0],
          [0, 0, 0],
        ],
      ),
    ]);
    expect(Object.fromEntries(open)).toEqual({ 'NAVY\u0000S': 11, 'RED\u0000L': 3 });
  });

  it('leaves out finished orders and orders made for a customer', () => {
    const open = openQuantities([
      order('a', 'Completed', [
        [5, 0, 0],
        [0, 0, 0],
      ]),
      order('b', 'Cancelled', [
        [5, 0, 0],
        [0, 0, 0],
      ]),
      order(
        'c',
        'Planned',
        [
          [5, 0, 0],
          [0, 0, 0],
        ],
        { type: 'salesOrder', salesOrderId: 'SO-1', customer: 'ACME' },
      ),
    ]);
    expect(open.size).toBe(0);
  });
});

describe('the order for one style', () => {
  it('is target - onHand - open on the low cells only, laid out in the tech pack order', () => {
    const s = stock([
      cell('NAVY', 'S', 9),
      cell('NAVY', 'M', 10),
      cell('RED', 'L', 0, 5, 20),
      cell('RED', 'S', 2, 5, 8),
    ]);
    const decision = planReplenishment(s, techPack(), [
      order('a', 'Planned', [
        [30, 0, 0],
        [0, 0, 0],
      ]),
    ]);
    expect(decision.kind).toBe('order');
    if (decision.kind !== 'order') return;
    // NAVY/S: 50 - 9 - 30 = 11; NAVY/M is at its reorder point: nothing; RED/L: 20; RED/S: 8 - 2 = 6
    expect(decision.matrix).toEqual(
      matrix(
        ['S', 'L'],
        ['NAVY', 'RED'],
        [
          [11, 0],
          [6, 20],
        ],
      ),
    );
    expect(decision.lines.map((l) => [l.color, l.size, l.open, l.order])).toEqual([
      ['NAVY', 'S', 30, 11],
      ['RED', 'L', 0, 20],
      ['RED', 'S', 0, 6],
    ]);
    expect(decision.notes).toContain('NAVY/S: 50 - 9 - 30 = 11');
  });

  it('is skipped when open orders already bring every low cell up to target', () => {
    const decision = planReplenishment(stock([cell('NAVY', 'S', 9)]), techPack(), [
      order('a', 'Draft', [
        [41, 0, 0],
        [0, 0, 0],
      ]),
    ]);
    expect(decision).toMatchObject({ kind: 'skip', skip: { reason: 'COVERED_BY_OPEN_ORDERS' } });
  });

  it('is skipped while a replenishment order of the style is open, whatever the marker says', () => {
    const decision = planReplenishment(stock([cell('NAVY', 'S', 9)]), techPack(), [
      order(
        'PO-9',
        'Released',
        [
          [1, 0, 0],
          [0, 0, 0],
        ],
        { type: 'replenishment' },
      ),
    ]);
    expect(decision).toMatchObject({ kind: 'skip', skip: { reason: 'OPEN_REPLENISHMENT_ORDER', orderId: 'PO-9' } });
  });
});

describe('an order a planner can plan', () => {
  it('is due leadTimeDays after the run date (UTC), across months and years', () => {
    expect(replenishmentDeliveryDate('2026-12-01T08:30:00.000Z', 28)).toBe('2026-12-29');
    expect(replenishmentDeliveryDate('2026-12-20T23:59:59.999Z', 28)).toBe('2027-01-17');
    expect(replenishmentDeliveryDate('2028-02-01T00:00:00.000Z', 29)).toBe('2028-03-01');
    expect(replenishmentDeliveryDate('2026-03-01T10:00:00.000Z', 0)).toBe('2026-03-01');
    expect(settings().replenishment.leadTimeDays).toBe(28);
  });

  it('raiseToMinimum spreads the minimum over the sizes by their need, exact total, largest remainder', () => {
    // need 5, 3, 2 (10) raised to 25: exact 12.5, 7.5, 5 -> 12 + 7 + 5 = 24;
    // the remainders .5 and .5 tie: the earlier size first
    expect(raiseToMinimum([5, 3, 2], 25)).toEqual([13, 7, 5]);
    expect(raiseToMinimum([1, 0, 2], 100)).toEqual([33, 0, 67]);
    // a size with no need stays at 0
    expect(raiseToMinimum([0, 7, 0], 30)).toEqual([0, 30, 0]);
  });

  it('raiseToMinimum leaves a row at or above the minimum as it is, and spreads a row with no need evenly', () => {
    expect(raiseToMinimum([40, 60], 100)).toEqual([40, 60]);
    expect(raiseToMinimum([40, 61], 100)).toEqual([40, 61]);
    expect(raiseToMinimum([3, 4], 0)).toEqual([3, 4]);
    expect(raiseToMinimum([0, 0, 0], 10)).toEqual([4, 3, 3]);
    expect(raiseToMinimum([], 10)).toEqual([]);
  });

  it('raiseToMinimum: exact total, never below the need, property over many rows', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 1, maxLength: 12 }), fc.nat(20_000), (row, min) => {
        const out = raiseToMinimum(row, min);
        const total = row.reduce((a, b) => a + b, 0);
        expect(out.reduce((a, b) => a + b, 0)).toBe(Math.max(total, min));
        out.forEach((v, i) => {
          expect(Number.isInteger(v)).toBe(true);
          expect(v).toBeGreaterThanOrEqual(row[i]);
          if (total > 0 && row[i] === 0) expect(v).toBe(0);
        });
      }),
    );
  });

  it('raises each ordered color below minQtyPerColor, and says so in the notes', () => {
    // NAVY needs S 11, L 4 (15); RED needs L 20 (20). Minimum 30 per color.
    const s = stock([
      cell('NAVY', 'S', 9, 10, 20),
      cell('NAVY', 'L', 6, 10, 10),
      cell('RED', 'L', 0, 5, 20),
      cell('RED', 'M', 50),
    ]);
    const decision = planReplenishment(s, techPack(), [], { minQtyPerColor: 30 });
    expect(decision.kind).toBe('order');
    if (decision.kind !== 'order') return;
    // NAVY: 30 x 11/15 = 22, 30 x 4/15 = 8 -> 22 + 8 = 30; RED: its one size gets the whole 30
    expect(decision.matrix).toEqual(
      matrix(
        ['S', 'L'],
        ['NAVY', 'RED'],
        [
          [22, 8],
          [0, 30],
        ],
      ),
    );
    expect(decision.raised).toEqual([
      { color: 'NAVY', from: 15, to: 30 },
      { color: 'RED', from: 20, to: 30 },
    ]);
    expect(decision.notes).toContain('Raised to the minimum of 30 per color: NAVY 15 -> 30; RED 20 -> 30');
    // the lines still say what each cell needed
    expect(decision.lines.map((l) => l.order)).toEqual([11, 4, 20]);
  });

  it('a color at the minimum, or a minimum of 0, changes nothing; a color needing nothing is not added', () => {
    const s = stock([cell('NAVY', 'S', 9), cell('RED', 'S', 9)]);
    // NAVY/S needs 41; RED/S is covered by an open order
    const orders = [
      order('a', 'Draft', [
        [0, 0, 0],
        [41, 0, 0],
      ]),
    ];
    const at = planReplenishment(s, techPack(), orders, { minQtyPerColor: 41 });
    expect(at).toMatchObject({ kind: 'order', matrix: matrix(['S'], ['NAVY'], [[41]]), raised: [] });
    expect(planReplenishment(s, techPack(), orders)).toMatchObject({
      matrix: matrix(['S'], ['NAVY'], [[41]]),
      raised: [],
    });
  });
});
