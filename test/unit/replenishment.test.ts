import { describe, expect, it } from 'vitest';
import { gate, openQuantities, planReplenishment, type OpenOrderLike } from '../../shared/replenishment.js';
import type { Stock, StockCell } from '../../shared/stock.js';
import type { OrderSource, OrderState } from '../../shared/types.js';
import { matrix, settings, techPack } from './fixtures.js';

const cell = (color: string, size: string, onHand: number, reorderPoint = 10, target = 50): StockCell => ({ color, size, onHand, reorderPoint, target });
const stock = (cells: StockCell[], over: Partial<Stock> = {}): Stock => ({
  techPackId: 'tp-1', cells, version: 2, low: cells.some((c) => c.onHand < c.reorderPoint), openReplenishmentOrderId: null, updatedAt: null, updatedBy: null, ...over,
});
const order = (id: string, state: OrderState, q: number[][], source: OrderSource = { type: 'commercial' }, produced?: number[][]): OpenOrderLike => ({
  id, state, source, matrix: matrix(['S', 'M', 'L'], ['NAVY', 'RED'], q), ...(produced ? { progress: { produced: matrix(['S', 'M', 'L'], ['NAVY', 'RED'], produced) } } : {}),
});

describe('the gate before any order is read', () => {
  const low = stock([cell('NAVY', 'S', 1)]);

  it('passes a low style whose tech pack is far enough and has no open replenishment order', () => {
    expect(gate({ stock: low, techPack: techPack({ state: 'Commercial' }), settings: settings(), marker: undefined })).toBeUndefined();
    // a marker whose order is finished no longer blocks
    expect(gate({ stock: low, techPack: techPack(), settings: settings(), marker: { id: 'PO-1', state: 'Cancelled' } })).toBeUndefined();
    expect(gate({ stock: low, techPack: techPack(), settings: settings(), marker: { id: 'PO-1', state: 'Completed' } })).toBeUndefined();
  });

  it('names why a style is skipped', () => {
    const reason = (args: Partial<Parameters<typeof gate>[0]>) => gate({ stock: low, techPack: techPack(), settings: settings(), marker: undefined, ...args })?.reason;
    expect(reason({ settings: settings({ replenishment: { enabled: false } }) })).toBe('REPLENISHMENT_DISABLED');
    expect(reason({ stock: stock([cell('NAVY', 'S', 10)]) })).toBe('NOT_LOW');
    expect(reason({ techPack: undefined })).toBe('TECH_PACK_MISSING');
    expect(reason({ techPack: techPack({ state: 'Design' }), settings: settings({ minTechPackStateForOrders: 'Approval' }) })).toBe('TECH_PACK_TOO_EARLY');
    for (const state of ['Draft', 'Planned', 'Released', 'InProgress'] as const) {
      expect(gate({ stock: low, techPack: techPack(), settings: settings(), marker: { id: 'PO-7', state } })).toMatchObject({ reason: 'OPEN_REPLENISHMENT_ORDER', orderId: 'PO-7' });
    }
  });
});

describe('quantity in open orders', () => {
  it('counts open stock orders, minus what InProgress ones already produced', () => {
    const open = openQuantities([
      order('a', 'Draft', [[5, 0, 0], [0, 0, 0]]),
      order('b', 'InProgress', [[10, 0, 0], [0, 0, 0]], { type: 'replenishment' }, [[4, 0, 0], [0, 0, 0]]),
      order('c', 'Released', [[0, 0, 0], [0, 0, 3]]),
      // over-production never makes the remainder negative
      order('d', 'InProgress', [[0, 1, 0], [0, 0, 0]], { type: 'commercial' }, [[0, 5, 0], [0, 0, 0]]),
    ]);
    expect(Object.fromEntries(open)).toEqual({ 'NAVY\u0000S': 11, 'RED\u0000L': 3 });
  });

  it('leaves out finished orders and orders made for a customer', () => {
    const open = openQuantities([
      order('a', 'Completed', [[5, 0, 0], [0, 0, 0]]),
      order('b', 'Cancelled', [[5, 0, 0], [0, 0, 0]]),
      order('c', 'Planned', [[5, 0, 0], [0, 0, 0]], { type: 'salesOrder', salesOrderId: 'SO-1', customer: 'ACME' }),
    ]);
    expect(open.size).toBe(0);
  });
});

describe('the order for one style', () => {
  it('is target - onHand - open on the low cells only, laid out in the tech pack order', () => {
    const s = stock([cell('NAVY', 'S', 9), cell('NAVY', 'M', 10), cell('RED', 'L', 0, 5, 20), cell('RED', 'S', 2, 5, 8)]);
    const decision = planReplenishment(s, techPack(), [order('a', 'Planned', [[30, 0, 0], [0, 0, 0]])]);
    expect(decision.kind).toBe('order');
    if (decision.kind !== 'order') return;
    // NAVY/S: 50 - 9 - 30 = 11; NAVY/M is at its reorder point: nothing; RED/L: 20; RED/S: 8 - 2 = 6
    expect(decision.matrix).toEqual(matrix(['S', 'L'], ['NAVY', 'RED'], [[11, 0], [6, 20]]));
    expect(decision.lines.map((l) => [l.color, l.size, l.open, l.order])).toEqual([['NAVY', 'S', 30, 11], ['RED', 'L', 0, 20], ['RED', 'S', 0, 6]]);
    expect(decision.notes).toContain('NAVY/S: 50 - 9 - 30 = 11');
  });

  it('is skipped when open orders already bring every low cell up to target', () => {
    const decision = planReplenishment(stock([cell('NAVY', 'S', 9)]), techPack(), [order('a', 'Draft', [[41, 0, 0], [0, 0, 0]])]);
    expect(decision).toMatchObject({ kind: 'skip', skip: { reason: 'COVERED_BY_OPEN_ORDERS' } });
  });

  it('is skipped while a replenishment order of the style is open, whatever the marker says', () => {
    const decision = planReplenishment(stock([cell('NAVY', 'S', 9)]), techPack(), [order('PO-9', 'Released', [[1, 0, 0], [0, 0, 0]], { type: 'replenishment' })]);
    expect(decision).toMatchObject({ kind: 'skip', skip: { reason: 'OPEN_REPLENISHMENT_ORDER', orderId: 'PO-9' } });
  });
});
