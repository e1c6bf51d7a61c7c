import { describe, expect, it } from 'vitest';
import { mapPasted } from '../../addon/src/paste.js';

const SIZES = ['S', 'M', 'L'];
const COLORS = ['NAVY', 'RED', 'HEATHER-GREY'];

describe('paste by codes', () => {
  it('maps a range anywhere onto the order by code (any order, any case), skipping totals and blanks', () => {
    const values = [
      ['Buyer PO 991', 'l', 'S', 'XXL', 'Total'],
      ['heather-grey', 5, 6, 7, 18],
      ['NAVY', 1, '', 0, 1],
      ['PINK', 9, 9, 9, 27],
      ['Total', 15, 15, 16, 46],
    ];
    const m = mapPasted(values, { row: 4, col: 3 }, SIZES, COLORS);
    expect(m.problems).toEqual([]);
    expect(m.cells).toEqual([
      { color: 'HEATHER-GREY', size: 'L', to: 5 },
      { color: 'HEATHER-GREY', size: 'S', to: 6 },
      { color: 'NAVY', size: 'L', to: 1 },
    ]);
    // Unknown codes are listed with where they are and what they hold: nothing vanishes.
    expect(m.unknownColors).toEqual([{ code: 'PINK', ref: 'C7', pieces: 27 }]);
    expect(m.unknownSizes).toEqual([{ code: 'XXL', ref: 'F4', pieces: 7 }]);
    expect(m.bad).toEqual([]);
  });

  it('reports bad cells by A1 reference and refuses ranges it cannot read', () => {
    const m = mapPasted(
      [
        ['', 'S', 'M'],
        ['NAVY', '2OO', -3],
        ['RED', 4.5, 8],
      ],
      { row: 1, col: 1 },
      SIZES,
      COLORS,
    );
    expect(m.cells).toEqual([{ color: 'RED', size: 'M', to: 8 }]);
    expect(m.bad.map((b) => b.ref)).toEqual(['B2', 'C2', 'B3']);
    expect(m.bad[0].reason).toMatch(/text/);
    expect(mapPasted([['S']], { row: 1, col: 1 }, SIZES, COLORS).problems[0]).toMatch(/first row/);
    const dup = mapPasted(
      [
        ['', 'S', 's'],
        ['NAVY', 1, 2],
      ],
      { row: 1, col: 1 },
      SIZES,
      COLORS,
    );
    expect(dup.problems).toEqual(['Size S appears twice (B1 and C1)']);
    expect(dup.cells).toEqual([]);
  });
});
