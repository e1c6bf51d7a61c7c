// The onEdit trigger's logic (addon/src/edits.ts) over the fake spreadsheet: marks at once, counts
// what a push would send, leaves everything else alone.
import { describe, expect, it } from 'vitest';
import { markEdit, sheetChanges } from '../../addon/src/edits.js';
import { COLOR, renderOrderSheet } from '../../addon/src/layout.js';
import { writeOrderSheet } from '../../addon/src/sheets.js';
import { StateStore } from '../../addon/src/state.js';
import { snap } from './helpers.js';
import { FakeSpreadsheet, FakeUi, fakeSpreadsheetApp, type FakeSheet } from './fakes/spreadsheet.js';

function setup(state = 'Draft') {
  const book = new FakeSpreadsheet();
  const sheet = book.insertSheet('PO TEE-01 PO-000001') as FakeSheet;
  const s = snap({ state: state as never });
  const r = renderOrderSheet({ snap: s });
  const written = writeOrderSheet(fakeSpreadsheetApp(book, new FakeUi()), sheet, r);
  new StateStore(book).put({ sheetId: sheet.getSheetId(), snap: { ...s, written } }, s.pulledAt);
  // NAVY/S .. RED/L: rows 7-8, columns B-D
  const edit = (row: number, col: number, v: unknown, rows = 1, cols = 1) => {
    sheet.type(row, col, v);
    return markEdit(book, { range: sheet.getRange(row, col, rows, cols) });
  };
  return { book, sheet, edit, r };
}

describe('the onEdit trigger', () => {
  it('marks a changed quantity blue with the pulled value, and counts it', () => {
    const { sheet, edit, r } = setup();
    expect(r.quantities).toMatchObject({ row: 7, col: 2 });
    const out = edit(7, 3, 25); // NAVY/M was 20
    expect(sheet.backgroundAt(7, 3)).toBe(COLOR.pending);
    expect(sheet.noteAt(7, 3)).toBe('Not pushed yet: pulled 20, now 25. Push to send it.');
    expect(out).toMatchObject({ orderId: 'PO-000001', pending: 1, invalid: 0, changedCells: ['C7'] });
    // Typed back to what was pulled: plain again, nothing pending.
    const back = edit(7, 3, 20);
    expect(sheet.backgroundAt(7, 3)).toBe(COLOR.editable);
    expect(sheet.noteAt(7, 3)).toBeUndefined();
    expect(back?.pending).toBe(0);
  });

  it('marks 2OO, negatives and decimals at once, and names them in A1', () => {
    const { sheet, edit } = setup();
    edit(7, 2, '2OO');
    edit(8, 2, -3);
    const out = edit(8, 3, 1.5);
    for (const [row, col] of [
      [7, 2],
      [8, 2],
      [8, 3],
    ])
      expect(sheet.backgroundAt(row, col)).toBe(COLOR.invalid);
    expect(sheet.noteAt(7, 2)).toMatch(/^Not a quantity: this cell is text \("2OO"\).*The order holds 10\.$/);
    expect(sheet.noteAt(8, 2)).toMatch(/is negative/);
    expect(sheet.noteAt(8, 3)).toMatch(/has decimals/);
    expect(sheet.displayAt(8, 3)).toBe('1.5'); // not a rounded 2
    edit(8, 3, 2);
    expect(sheet.displayAt(8, 3)).toBe('2');
    expect(sheet.formatAt(8, 3)).toBe('#,##0');
    edit(8, 3, 1.5);
    expect(out).toMatchObject({ pending: 0, invalid: 3, invalidCells: ['B7', 'B8', 'C8'] });
  });

  it('marks a pasted block cell by cell and touches nothing outside the quantities', () => {
    const { sheet, book } = setup();
    // A paste over A7:E8 (codes, quantities and totals): only B7:D8 get marks.
    sheet.type(7, 2, 11);
    sheet.type(8, 4, 'x');
    const totalBg = sheet.backgroundAt(7, 5);
    const out = markEdit(book, { range: sheet.getRange(7, 1, 2, 5) });
    expect(sheet.backgroundAt(7, 2)).toBe(COLOR.pending);
    expect(sheet.backgroundAt(8, 4)).toBe(COLOR.invalid);
    expect(sheet.backgroundAt(7, 3)).toBe(COLOR.editable);
    expect(sheet.backgroundAt(7, 1)).toBe(COLOR.code);
    expect(sheet.backgroundAt(7, 5)).toBe(totalBg);
    expect(out).toMatchObject({ pending: 1, invalid: 1 });
  });

  it('ignores edits outside an editable order sheet, and helper cells', () => {
    const { book, sheet, edit } = setup();
    const helper = edit(3, 12, 'my note');
    expect(helper?.pending).toBe(0);
    expect(sheet.backgroundAt(3, 12)).toBeUndefined();
    const other = book.insertSheet('Scratch') as FakeSheet;
    other.type(1, 1, 5);
    expect(markEdit(book, { range: other.getRange(1, 1, 1, 1) })).toBeNull();
    expect(markEdit(book, undefined)).toBeNull();
    const completed = setup('Completed');
    expect(completed.edit(7, 2, 99)).toBeNull();
    expect(completed.sheet.backgroundAt(7, 2)).toBe(COLOR.locked);
    // Released: a quantity edit is an amendment, marked pending like any other.
    expect(setup('Released').edit(7, 2, 99)).not.toBeNull();
  });

  it('counts new sizes and colors as a change, from the sheet itself', () => {
    const { sheet, book } = setup();
    sheet.insertColumnsAfter(4, 1);
    sheet.type(6, 5, 'XL');
    sheet.type(7, 5, 4);
    const c = sheetChanges(sheet, 'PO-000001', snap().matrix);
    expect(c).toMatchObject({ structureChanged: true, pending: 2, changedCells: ['E7'] });
    const marked = markEdit(book, { range: sheet.getRange(7, 5, 1, 1) });
    expect(sheet.backgroundAt(7, 5)).toBe(COLOR.pending);
    expect(sheet.noteAt(7, 5)).toMatch(/pulled nothing \(a new size or color\), now 4/);
    expect(marked?.pending).toBe(2);
  });
});
