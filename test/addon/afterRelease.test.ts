// The after-release logic of the add-on (addon/src/afterRelease.ts and its gates in availability.ts),
// without I/O: the selection mapped onto the order's cells, the split and re-promise bodies, the
// refusals in words, the menu's push of an amendment.
import { describe, expect, it } from 'vitest';
import {
  amendFromMenuWords,
  backorderNotice,
  deliveryDateBody,
  deliveryWords,
  linkFacts,
  nothingShort,
  pushFromMenu,
  rangeA1,
  splitBody,
  splitCells,
  splitRefusal,
} from '../../addon/src/afterRelease.js';
import { ApiError } from '../../addon/src/api.js';
import { backorderAvailability, deliveryDateAvailability, splitAvailability } from '../../addon/src/availability.js';
import { CORNER_ROW, FIRST_QTY_COL, FIRST_QTY_ROW } from '../../addon/src/layout.js';
import { UserError } from '../../addon/src/messages.js';
import { ORDER_STATES } from '../../shared/types.js';
import { snap } from './helpers.js';

// NAVY 10/20/30, RED 5/5/5 over S/M/L; the sheet: NAVY on row 7, RED on row 8, S in B, M in C, L in D.
const m = {
  sizes: ['S', 'M', 'L'],
  colors: ['NAVY', 'RED'],
  quantities: [
    [10, 20, 30],
    [5, 5, 5],
  ],
};
const batched = { sizes: ['M'], colors: ['NAVY'], quantities: [[15]] };
const pick = (cells: { color: string; size: string; available: number }[]) =>
  cells.map((c) => `${c.color}/${c.size}:${c.available}`);

describe('a selection on the order sheet, as split cells', () => {
  it('knows where the matrix is', () => {
    expect([CORNER_ROW, FIRST_QTY_ROW, FIRST_QTY_COL]).toEqual([6, 7, 2]);
  });

  it('maps quantity cells, each with its un-batched remainder', () => {
    const one = splitCells({ row: 7, col: 3, numRows: 1, numCols: 1 }, m, batched);
    expect(one.cells).toEqual([{ color: 'NAVY', size: 'M', ref: 'C7', ordered: 20, batched: 15, available: 5 }]);
    const block = splitCells({ row: 7, col: 3, numRows: 2, numCols: 2 }, m, batched);
    expect(pick(block.cells)).toEqual(['NAVY/M:5', 'NAVY/L:30', 'RED/M:5', 'RED/L:5']);
  });

  it('takes whole colors from column A (or whole rows), whole sizes from the size row (or whole columns)', () => {
    expect(pick(splitCells({ row: 8, col: 1, numRows: 1, numCols: 1 }, m, null).cells)).toEqual([
      'RED/S:5',
      'RED/M:5',
      'RED/L:5',
    ]);
    // A whole row as Sheets reports it: column 1, every column.
    expect(pick(splitCells({ row: 7, col: 1, numRows: 1, numCols: 26 }, m, batched).cells)).toEqual([
      'NAVY/S:10',
      'NAVY/M:5',
      'NAVY/L:30',
    ]);
    expect(pick(splitCells({ row: 6, col: 4, numRows: 1, numCols: 1 }, m, null).cells)).toEqual([
      'NAVY/L:30',
      'RED/L:5',
    ]);
    // A whole column: row 1 down.
    expect(pick(splitCells({ row: 1, col: 2, numRows: 1000, numCols: 1 }, m, null).cells)).toEqual([
      'NAVY/S:10',
      'RED/S:5',
    ]);
  });

  it('names fully batched cells apart, and says when the selection misses the matrix', () => {
    const full = { sizes: ['S', 'M'], colors: ['NAVY'], quantities: [[10, 20]] };
    const out = splitCells({ row: 7, col: 2, numRows: 1, numCols: 2 }, m, full);
    expect(pick(out.cells)).toEqual([]);
    expect(out.nothingLeft).toEqual(['B7', 'C7']);
    expect(splitCells({ row: 1, col: 2, numRows: 3, numCols: 2 }, m, null).problem).toMatch(/none of the order/);
    expect(splitCells({ row: 7, col: 9, numRows: 1, numCols: 1 }, m, null).problem).toMatch(/none of the order/);
  });

  it('writes the selection in A1 notation', () => {
    expect(rangeA1({ row: 7, col: 3, numRows: 1, numCols: 1 })).toBe('C7');
    expect(rangeA1({ row: 7, col: 1, numRows: 2, numCols: 4 })).toBe('A7:D8');
  });
});

describe('the split body', () => {
  it('keeps the cells with a quantity, over the sizes and colors holding any, in the order\u2019s order', () => {
    const body = splitBody(
      {
        cells: [
          { color: 'RED', size: 'L', quantity: 5 },
          { color: 'NAVY', size: 'M', quantity: 4 },
          { color: 'NAVY', size: 'S', quantity: 0 },
        ],
        reason: '  second vessel ',
        deliveryDate: '2027-04-15',
      },
      m,
    );
    expect(body).toEqual({
      matrix: {
        sizes: ['M', 'L'],
        colors: ['NAVY', 'RED'],
        quantities: [
          [4, 0],
          [0, 5],
        ],
      },
      reason: 'second vessel',
      deliveryDate: '2027-04-15',
      total: 9,
    });
    expect(splitBody({ cells: [{ color: 'RED', size: 'S', quantity: 1 }], reason: 'r' }, m)).not.toHaveProperty(
      'deliveryDate',
    );
  });

  it('names every problem and sends nothing', () => {
    const bad = () =>
      splitBody(
        {
          cells: [
            { color: 'NAVY', size: 'S', quantity: 2.5 },
            { color: 'PINK', size: 'S', quantity: 1 },
          ],
          reason: ' ',
          deliveryDate: '15/04/2027',
        },
        m,
      );
    expect(bad).toThrow(UserError);
    expect(bad).toThrow(
      'Nothing was split: B7 (NAVY/S) must be a whole number of 0 or more; PINK/S is not a cell of this order; ' +
        'give the reason (it is kept in both orders\u2019 history); the delivery date must be a date (YYYY-MM-DD).',
    );
    expect(() => splitBody({ cells: [{ color: 'RED', size: 'S', quantity: 0 }], reason: 'r' }, m)).toThrow(
      /give at least one cell a quantity to move/,
    );
  });

  it('words the refusals by A1', () => {
    const below = new ApiError(409, 'BELOW_BATCHED', 'x', {
      cells: [{ color: 'NAVY', size: 'M', ordered: 20, batched: 15, available: 5, requested: 6 }],
    });
    expect(splitRefusal(below, m).message).toBe(
      'Nothing was split: only garments not yet batched can move. C7 (NAVY/M) has 5 un-batched (15 batched, ' +
        'you asked 6). Lower those quantities (someone may have batched them since you selected), then split again.',
    );
    expect(splitRefusal(new ApiError(409, 'SPLIT_TAKES_ALL', 'x', { total: 75 }), m).message).toMatch(
      /every garment of the order.*re-promise its delivery date instead/,
    );
    const final = new ApiError(409, 'ILLEGAL_TRANSITION', 'x', { from: 'Completed' });
    expect(splitRefusal(final, m).message).toMatch(/^Nothing was split: An order that is Completed/);
  });
});

describe('the delivery date', () => {
  it('is free in Draft and Planned, re-promised with a reason once released, final after', () => {
    const rules = Object.fromEntries(ORDER_STATES.map((s) => [s, deliveryDateAvailability(s)]));
    expect(rules).toEqual({
      Draft: { needsReason: false },
      Planned: { needsReason: false },
      Released: { needsReason: true },
      InProgress: { needsReason: true },
      Completed: null,
      Cancelled: null,
    });
  });

  it('builds the PATCH body, naming what is missing', () => {
    expect(deliveryDateBody('Draft', { deliveryDate: '2027-04-01' }, '2027-03-01')).toEqual({
      deliveryDate: '2027-04-01',
    });
    expect(deliveryDateBody('Released', { deliveryDate: '2027-04-01', reason: ' late ' }, '2027-03-01')).toEqual({
      deliveryDate: '2027-04-01',
      reason: 'late',
    });
    const noReason = () => deliveryDateBody('InProgress', { deliveryDate: '2027-04-01' }, '2027-03-01');
    expect(noReason).toThrow(
      'The delivery date was not changed: give the reason: the order is In progress, so the date is re-promised on ' +
        'the record.',
    );
    try {
      noReason();
    } catch (e) {
      expect((e as UserError).code).toBe('REASON_REQUIRED');
    }
    expect(() => deliveryDateBody('Released', { deliveryDate: '2027-03-01', reason: 'r' }, '2027-03-01')).toThrow(
      /already due 2027-03-01/,
    );
    expect(() => deliveryDateBody('Draft', { deliveryDate: '' }, null)).toThrow(/pick the new delivery date/);
    expect(() => deliveryDateBody('Completed', { deliveryDate: '2027-04-01', reason: 'r' }, null)).toThrow(
      /Completed: its delivery date no longer changes/,
    );
  });

  it('shows the first promise when it differs', () => {
    expect(deliveryWords({ deliveryDate: '2027-05-17', originalDeliveryDate: '2027-05-03' })).toBe(
      '2027-05-17 (first promised 2027-05-03)',
    );
    expect(deliveryWords({ deliveryDate: '2027-05-03', originalDeliveryDate: '2027-05-03' })).toBe('2027-05-03');
    expect(deliveryWords({ deliveryDate: null, originalDeliveryDate: null })).toBe('not set');
  });
});

describe('the panel\u2019s after-release facts and gates', () => {
  it('counts what a split may move and what a backorder would hold, per cell', () => {
    const s = snap({
      state: 'InProgress',
      cells: {
        batched: {
          sizes: ['S', 'M', 'L'],
          colors: ['NAVY', 'RED'],
          quantities: [
            [10, 20, 30],
            [5, 0, 0],
          ],
        },
        // Over-production in one cell does not cover another's shortfall.
        produced: {
          sizes: ['S', 'M', 'L'],
          colors: ['NAVY', 'RED'],
          quantities: [
            [12, 15, 30],
            [5, 0, 0],
          ],
        },
        rejected: null,
        missing: null,
      },
      backorderId: 'PO-9',
    });
    expect(linkFacts(s)).toEqual({
      originalDeliveryDate: null,
      splitFrom: null,
      backorderOf: null,
      backorderId: 'PO-9',
      unbatched: 10,
      shortfall: 15,
    });
    expect(linkFacts(snap({ cells: undefined }))).toMatchObject({ unbatched: null, shortfall: null });
  });

  it('offers the split on open orders; disabled with the reason: nothing un-batched, edits unpushed', () => {
    expect(splitAvailability({ state: 'Completed', unbatched: 5 })).toBeNull();
    expect(splitAvailability({ state: 'Released', unbatched: 5, pending: 0 })).toEqual({
      action: 'split',
      enabled: true,
    });
    expect(splitAvailability({ state: 'Released', unbatched: null })).toEqual({ action: 'split', enabled: true });
    expect(splitAvailability({ state: 'InProgress', unbatched: 0 })?.reason).toMatch(/already in a batch/);
    expect(splitAvailability({ state: 'Draft', unbatched: 5, pending: 1 })?.reason).toBe(
      'Push your 1 unpushed change first.',
    );
    expect(backorderAvailability(0)).toMatchObject({ enabled: false, reason: expect.stringMatching(/no shortfall/) });
    expect(backorderAvailability(3)).toEqual({ action: 'backorder', enabled: true });
    expect(backorderAvailability(null)).toEqual({ action: 'backorder', enabled: true });
  });
});

describe('backorders and the menu push', () => {
  it('names the backorder, and words NOTHING_SHORT', () => {
    expect(backorderNotice({ backorderId: 'PO-7' })).toMatch(/^ Backorder PO-7 opened in Draft for the shortfall/);
    expect(backorderNotice({})).toBe('');
    const e = nothingShort(new ApiError(409, 'NOTHING_SHORT', 'x', { ordered: 75, produced: 80 }));
    expect(e.message).toMatch(/^Nothing was closed: every cell produced its ordered quantity \(80 produced of 75/);
  });

  it('the menu push of an amendment opens the sidebar instead of failing quietly', () => {
    let opened = 0;
    const service = (fail: boolean) => ({
      activeOrderId: () => 'PO-1',
      activeOrder: () => ({ state: 'InProgress' as const }),
      pushOrder: () => {
        if (fail) throw new UserError('REASON_REQUIRED', 'x', { pending: 2 });
        return { notice: 'Pushed 2 changes.' };
      },
    });
    expect(pushFromMenu(service(false), () => opened++)).toBe('Pushed 2 changes.');
    expect(opened).toBe(0);
    expect(pushFromMenu(service(true), () => opened++)).toBe(amendFromMenuWords('PO-1', 'InProgress', 2));
    expect(opened).toBe(1);
    expect(amendFromMenuWords('PO-1', 'InProgress', 2)).toBe(
      'Nothing was sent: order PO-1 is In progress, so your 2 changes are an amendment and need a reason. ' +
        'The sidebar is open: click "Push amendment" there and say why.',
    );
    const other = {
      ...service(false),
      pushOrder: () => {
        throw new UserError('SHEET_PROBLEMS', 'bad');
      },
    };
    expect(() => pushFromMenu(other, () => opened++)).toThrow('bad');
  });
});
