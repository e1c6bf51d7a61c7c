// The order sheet's milestones block: where it goes (beside the matrix, never above it), what each
// row says, overdue judged on today in the spreadsheet's time zone, and the body a sidebar change sends.
import { describe, expect, it } from 'vitest';
import { CORNER_ROW, FIRST_QTY_ROW, LABEL, parseOrderSheet, renderOrderSheet } from '../../addon/src/layout.js';
import { dateSerial } from '../../addon/src/materialsPlan.js';
import { milestoneBody } from '../../addon/src/milestones.js';
import { MILESTONE_COLOR, MILESTONE_FORMAT, milestoneLines } from '../../addon/src/milestonesBlock.js';
import { AddonService } from '../../addon/src/service.js';
import { writeGrid } from '../../addon/src/sheets.js';
import { MILESTONE_WORDS } from '../../shared/vocabulary.js';
import { fakeGas } from './fakes/services.js';
import type { FakeSheet } from './fakes/spreadsheet.js';
import { snap } from './helpers.js';

const MILESTONES = [
  { key: 'FABRIC-IN', name: 'Fabric in house', due: '2026-11-28', done: null },
  { key: 'PP-SAMPLE', name: 'PP sample approved', due: '2026-12-01', done: null },
  { key: 'TRIMS', name: 'Trims in house', due: '2026-11-20', done: '2026-11-22' },
  { key: 'EX-FACTORY', name: 'Ex-factory', due: '2027-02-27', done: null },
];

describe('the milestones block on the order sheet', () => {
  it('sits right of the whole block from the size row down: the header stays five rows', () => {
    const plain = renderOrderSheet({ snap: snap() });
    const r = renderOrderSheet({ snap: snap({ milestones: MILESTONES }), today: '2026-12-01' });
    // The matrix did not move: five header rows, the size row, then the quantities.
    expect(r.quantities).toEqual(plain.quantities);
    expect(r.quantities.row).toBe(FIRST_QTY_ROW);
    expect(r.frozen).toEqual(plain.frozen);
    expect(r.cols).toBe(plain.cols + 5); // one empty column, then name, due, done, status
    const col = plain.cols + 2 - 1; // 0-based column of the names
    expect(r.values[CORNER_ROW - 1].slice(col, col + 4)).toEqual([
      MILESTONE_WORDS.title,
      MILESTONE_WORDS.due,
      MILESTONE_WORDS.done,
      MILESTONE_WORDS.status,
    ]);
    const rows = MILESTONES.map((_, k) => r.values[CORNER_ROW + k].slice(col, col + 4));
    expect(rows).toEqual([
      ['Fabric in house', dateSerial('2026-11-28'), 'Open', 'Overdue 3 days'],
      ['PP sample approved', dateSerial('2026-12-01'), 'Open', 'Due today'],
      ['Trims in house', dateSerial('2026-11-20'), dateSerial('2026-11-22'), 'Done 2 days late'],
      ['Ex-factory', dateSerial('2027-02-27'), 'Open', 'Due in 88 days'],
    ]);
    // Real dates under a date format; words as text; overdue in colour and bold.
    expect(r.formats[CORNER_ROW].slice(col, col + 4)).toEqual([
      MILESTONE_FORMAT.text,
      MILESTONE_FORMAT.date,
      MILESTONE_FORMAT.text,
      MILESTONE_FORMAT.text,
    ]);
    expect(r.formats[CORNER_ROW + 2][col + 2]).toBe(MILESTONE_FORMAT.date);
    expect(r.backgrounds[CORNER_ROW][col + 3]).toBe(MILESTONE_COLOR.overdue);
    expect(r.backgrounds[CORNER_ROW][col + 1]).toBe(MILESTONE_COLOR.overdue);
    expect(r.weights[CORNER_ROW][col]).toBe('bold');
    expect(r.backgrounds[CORNER_ROW + 1][col + 3]).toBe(MILESTONE_COLOR.dueToday);
    expect(r.backgrounds[CORNER_ROW + 2][col + 3]).toBe(MILESTONE_COLOR.done);
    expect(r.weights[CORNER_ROW + 3][col]).toBe('normal');
    // The rest of the block is as before; the empty column between stays empty.
    for (let i = 0; i < plain.rows; i++) {
      expect(r.values[i].slice(0, plain.cols)).toEqual(plain.values[i]);
      expect(r.values[i][plain.cols]).toBe('');
    }
    expect(r.widths).toHaveLength(r.cols);
    expect(r.widths!.slice(0, plain.cols)).toEqual(plain.widths);
    expect(r.widths![col]).toBeGreaterThanOrEqual(140);
    for (const layer of [r.values, r.backgrounds, r.notes, r.weights, r.formats]) {
      expect(layer).toHaveLength(r.rows);
      for (const row of layer) expect(row).toHaveLength(r.cols);
    }
    // Reading the sheet back still finds exactly the order's matrix (the block is right of Total).
    const parsed = parseOrderSheet(r.values);
    expect(parsed.sizes.map((s) => s.code)).toEqual(['S', 'M', 'L']);
    expect(parsed.colors.map((c) => c.code)).toEqual(['NAVY', 'RED']);
    expect(parsed.orphans).toEqual([]);
  });

  it('grows the block downwards when there are more milestones than rows', () => {
    const many = Array.from({ length: 20 }, (_, i) => ({
      key: `M${i}`,
      name: `Step ${i}`,
      due: null,
      done: null,
    }));
    const plain = renderOrderSheet({ snap: snap() });
    const r = renderOrderSheet({ snap: snap({ milestones: many }), today: '2026-12-01' });
    expect(r.rows).toBe(Math.max(plain.rows, CORNER_ROW + 20));
    expect(r.values[CORNER_ROW + 19].slice(plain.cols + 1)).toEqual(['Step 19', 'no date yet', 'Open', 'No date yet']);
    expect(r.values[r.rows - 1][0]).toBe(plain.rows >= CORNER_ROW + 20 ? plain.values[plain.rows - 1][0] : '');
  });

  it('leaves an order without milestones exactly as before', () => {
    expect(renderOrderSheet({ snap: snap({ milestones: [] }) })).toEqual(renderOrderSheet({ snap: snap() }));
  });

  it('rewrites only its own cells: a planner cell right of the block survives, formats only when changed', () => {
    const gas = fakeGas({ token: 't', email: 'ana@example.com' });
    const sheet = gas.book.insertSheet('PO') as FakeSheet;
    const first = renderOrderSheet({ snap: snap({ milestones: MILESTONES }), today: '2026-12-01' });
    const written = writeGrid(sheet, first, null);
    sheet.type(3, first.cols + 2, 'my note');
    const formatCalls = sheet.stats.formatCalls;
    // A day later: the words and colours change, the number formats do not.
    const next = renderOrderSheet({ snap: snap({ milestones: MILESTONES }), today: '2026-12-02' });
    const again = writeGrid(sheet, next, written);
    expect(sheet.valueAt(3, first.cols + 2)).toBe('my note');
    expect(sheet.valueAt(CORNER_ROW + 1, first.cols)).toBe('Overdue 4 days');
    expect(sheet.valueAt(CORNER_ROW + 2, first.cols)).toBe('Overdue 1 day');
    // Backgrounds, notes, and the weights (the PP sample turned overdue: bold); never the number formats.
    expect(sheet.stats.formatCalls - formatCalls).toBe(3);
    const before = sheet.stats.formatCalls;
    writeGrid(sheet, next, again);
    expect(sheet.stats.formatCalls - before).toBe(2); // backgrounds and notes: nothing else changed
  });
});

describe('overdue is judged on today in the spreadsheet time zone', () => {
  const at = (iso: string, tz: string) => {
    const gas = fakeGas({ token: 't', email: 'ana@example.com' });
    gas.book.timeZone = tz;
    return new AddonService(gas, { now: () => iso }).today();
  };

  it('is already tomorrow in Dhaka while it is still today in UTC and yesterday in Los Angeles', () => {
    const now = '2026-12-01T20:30:00.000Z';
    expect(at(now, 'UTC')).toBe('2026-12-01');
    expect(at(now, 'Asia/Dhaka')).toBe('2026-12-02');
    expect(at('2026-12-01T05:00:00.000Z', 'America/Los_Angeles')).toBe('2026-11-30');
    const due = [{ key: 'A', name: 'A', due: '2026-12-01', done: null }];
    expect(milestoneLines(due, at(now, 'UTC'))[0]).toMatchObject({ words: 'Due today', overdue: false });
    expect(milestoneLines(due, at(now, 'Asia/Dhaka'))[0]).toMatchObject({ words: 'Overdue 1 day', overdue: true });
  });
});

describe('what a change from the sidebar sends', () => {
  const m = { key: 'PP', name: 'PP sample approved', due: '2027-04-12', done: null };

  it('marks done today (the spreadsheet day) or on a given date, and reopens', () => {
    expect(milestoneBody(m, { action: 'done' }, '2026-12-02')).toEqual({ done: '2026-12-02' });
    expect(milestoneBody(m, { action: 'done', date: '2026-11-30' }, '2026-12-02')).toEqual({ done: '2026-11-30' });
    expect(milestoneBody(m, { action: 'reopen' }, '2026-12-02')).toEqual({ done: null });
    expect(() => milestoneBody(m, { action: 'done', date: '30/11/2026' }, '2026-12-02')).toThrow(/not a date/);
  });

  it('asks a reason only when the due date moves later', () => {
    expect(milestoneBody(m, { action: 'redate', due: '2027-04-10' }, '2026-12-02')).toEqual({ due: '2027-04-10' });
    expect(() => milestoneBody(m, { action: 'redate', due: '2027-04-20' }, '2026-12-02')).toThrow(
      /moves later \(from 2027-04-12 to 2027-04-20\)/,
    );
    expect(milestoneBody(m, { action: 'redate', due: '2027-04-20', reason: ' second fit ' }, '2026-12-02')).toEqual({
      due: '2027-04-20',
      reason: 'second fit',
    });
    expect(() => milestoneBody(m, { action: 'redate', due: '' }, '2026-12-02')).toThrow(/Pick the new due date/);
  });

  it('uses the label words of shared/vocabulary.ts', () => {
    const r = renderOrderSheet({ snap: snap({ milestones: MILESTONES }), today: '2026-12-01' });
    expect(r.values[CORNER_ROW - 1]).toContain(MILESTONE_WORDS.title);
    expect(r.values[CORNER_ROW - 1][0]).toBe(LABEL.corner);
  });
});
