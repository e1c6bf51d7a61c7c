import { describe, expect, it } from 'vitest';
import { checkCell, diffSheet, pendingCount } from '../../addon/src/diff.js';
import { LABEL, parseOrderSheet, renderOrderSheet } from '../../addon/src/layout.js';
import { snap } from './helpers.js';

function sheetOf(s = snap()) {
  const r = renderOrderSheet({ snap: s });
  const values = r.values.map((row) => row.map((v) => (typeof v === 'string' && v.startsWith('=') ? 0 : v))) as (
    | string
    | number
    | boolean
    | Date
  )[][];
  const at = (color: string, size: string) => {
    const corner = values.findIndex((row) => row[0] === LABEL.corner);
    const c = values[corner].indexOf(size);
    const row = values.findIndex((row, i) => i > corner && row[0] === color);
    return { row, c };
  };
  return {
    values,
    set(color: string, size: string, v: string | number | boolean | Date) {
      const { row, c } = at(color, size);
      values[row][c] = v;
    },
  };
}

describe('quantity cells', () => {
  it('accepts whole numbers 0..10,000,000 and blank as 0; refuses text, negatives, decimals, dates', () => {
    expect(checkCell(12)).toEqual({ ok: true, value: 12 });
    expect(checkCell('')).toEqual({ ok: true, value: 0 });
    expect(checkCell('  ')).toEqual({ ok: true, value: 0 });
    expect(checkCell(' 40 ')).toEqual({ ok: true, value: 40 });
    expect(checkCell(10_000_000)).toEqual({ ok: true, value: 10_000_000 });
    const reason = (v: unknown) => (checkCell(v as never) as { reason: string }).reason;
    expect(reason('abc')).toMatch(/text/);
    expect(reason(-3)).toMatch(/negative/);
    expect(reason('-3')).toMatch(/negative/);
    expect(reason(2.5)).toMatch(/decimals/);
    expect(reason('2.5')).toMatch(/decimals/);
    expect(reason(10_000_001)).toMatch(/limit/);
    expect(reason(true)).toMatch(/true-false/);
    expect(reason(new Date())).toMatch(/date/);
    expect(reason(Number.NaN)).toMatch(/not a number/);
  });
});

describe('diffing the sheet against the last pull', () => {
  it('finds nothing on an untouched sheet', () => {
    const d = diffSheet(snap().matrix, parseOrderSheet(sheetOf().values));
    expect(d).toMatchObject({ edits: [], newCells: [], bad: [], problems: [], structureChanged: false });
    expect(pendingCount(d)).toBe(0);
  });

  it('sends edited cells with the value they had at the pull, and keeps bad cells out', () => {
    const s = sheetOf();
    s.set('NAVY', 'S', 11);
    s.set('RED', 'L', '');
    s.set('NAVY', 'M', 'twenty');
    s.set('RED', 'S', -1);
    s.set('RED', 'M', 4.5);
    const d = diffSheet(snap().matrix, parseOrderSheet(s.values));
    expect(d.edits).toEqual([
      { color: 'NAVY', size: 'S', from: 10, to: 11 },
      { color: 'RED', size: 'L', from: 5, to: 0 },
    ]);
    expect(d.bad.map((b) => `${b.color}/${b.size}`)).toEqual(['NAVY/M', 'RED/S', 'RED/M']);
    expect(d.structureChanged).toBe(false);
    expect(pendingCount(d)).toBe(2);
  });

  it('sees added and removed sizes and colors; new cells start from 0', () => {
    const s = sheetOf();
    const corner = s.values.findIndex((row) => row[0] === LABEL.corner);
    for (const row of s.values) row.splice(4, 0, '');
    s.values[corner][4] = 'XL';
    s.values[corner + 1][4] = 7; // NAVY/XL
    s.values.splice(corner + 3, 0, ['BLACK', 0, 3, 0, 0, '']);
    s.values[corner + 2][0] = 'RED'; // keep
    // remove size S: clear its header and its cells
    s.values[corner][1] = '';
    for (let r = corner + 1; r <= corner + 3; r++) s.values[r][1] = '';
    const d = diffSheet(snap().matrix, parseOrderSheet(s.values));
    expect(d.sizes).toEqual(['M', 'L', 'XL']);
    expect(d.colors).toEqual(['NAVY', 'RED', 'BLACK']);
    expect(d).toMatchObject({
      structureChanged: true,
      addedSizes: ['XL'],
      removedSizes: ['S'],
      addedColors: ['BLACK'],
      removedColors: [],
    });
    expect(d.newCells).toEqual([
      { color: 'NAVY', size: 'XL', from: 0, to: 7 },
      { color: 'BLACK', size: 'M', from: 0, to: 3 },
    ]);
    expect(d.edits).toEqual([]);
    expect(d.problems).toEqual([]);
  });

  it('counts reordering as a structure change and refuses tables over the limits', () => {
    const s = sheetOf();
    const corner = s.values.findIndex((row) => row[0] === LABEL.corner);
    [s.values[corner + 1], s.values[corner + 2]] = [s.values[corner + 2], s.values[corner + 1]];
    expect(diffSheet(snap().matrix, parseOrderSheet(s.values)).structureChanged).toBe(true);
    const wide = snap({
      matrix: {
        sizes: Array.from({ length: 101 }, (_, i) => `Z${i}`),
        colors: ['A'],
        quantities: [Array(101).fill(0)],
      },
    });
    const d = diffSheet(snap().matrix, parseOrderSheet(sheetOf(wide).values));
    expect(d.problems.join()).toMatch(/101 sizes/);
  });
});
