// The working grid: formats, widths, frozen panes, per-cell progress, totals that are formulas, and
// writes that touch only the add-on's block (a planner's helper cells stay).
import { describe, expect, it } from 'vitest';
import { COLOR, FORMAT, LABEL, MIN_QTY_WIDTH, renderOrderSheet, shareColor } from '../../addon/src/layout.js';
import { renderOutputSheet } from '../../addon/src/output.js';
import { writeGrid, writeOrderSheet } from '../../addon/src/sheets.js';
import { snap } from './helpers.js';
import { displayValue, FakeSpreadsheet, FakeUi, fakeSpreadsheetApp, type FakeSheet } from './fakes/spreadsheet.js';

const m = (q: number[][]) => ({ sizes: ['S', 'M', 'L'], colors: ['NAVY', 'RED'], quantities: q });

function inProgress() {
  return snap({
    state: 'InProgress',
    progress: { batched: 75, produced: 40, rejected: 2, missing: 1 },
    cells: {
      batched: m([
        [10, 20, 30],
        [5, 5, 5],
      ]),
      produced: m([
        [10, 12, 0],
        [5, 3, 10],
      ]),
      rejected: m([
        [0, 2, 0],
        [0, 0, 0],
      ]),
      missing: m([
        [0, 0, 0],
        [0, 1, 0],
      ]),
    },
  });
}

function book() {
  const b = new FakeSpreadsheet();
  return { b, app: fakeSpreadsheetApp(b, new FakeUi()), sheet: b.insertSheet('PO') as FakeSheet };
}

describe('the order grid', () => {
  it('shows quantities as #,##0 (never "70."), measures to two decimals, codes as text', () => {
    const r = renderOrderSheet({ snap: snap() });
    expect(FORMAT.qty).toBe('#,##0');
    expect(r.formats[r.quantities.row - 1][1]).toBe('#,##0');
    expect(displayValue(70, FORMAT.qty)).toBe('70');
    expect(displayValue(12500, FORMAT.qty)).toBe('12,500');
    expect(displayValue(151.2, FORMAT.decimal)).toBe('151.20');
    // Every formula cell has a number format: a formula in a text cell would show as text.
    r.values.forEach((row, i) =>
      row.forEach((v, j) => {
        if (typeof v === 'string' && v.startsWith('=')) expect(r.formats[i][j]).toBe(FORMAT.number);
      }),
    );
  });

  it('freezes the size row and the color column, and sizes columns to the codes in a few calls', () => {
    const sizes = Array.from({ length: 40 }, (_, i) => `S${i}`);
    const colors = ['HEATHER-GREY', ...Array.from({ length: 29 }, (_, i) => `C${i}`)];
    const big = snap({ matrix: { sizes, colors, quantities: colors.map(() => sizes.map(() => 1)) } });
    const r = renderOrderSheet({ snap: big });
    expect(r.frozen).toEqual({ rows: 6, cols: 1 });
    expect(r.values[5][0]).toBe(LABEL.corner);
    // Column A fits HEATHER-GREY (12 characters of Arial 10: about 90 px) with room to spare.
    expect(r.widths![0]).toBeGreaterThanOrEqual(12 * 7 + 10);
    expect(new Set(r.widths!.slice(1, 41))).toEqual(new Set([MIN_QTY_WIDTH]));
    const { sheet, app } = book();
    writeOrderSheet(app, sheet, r);
    expect(sheet.frozenRows).toBe(6);
    expect(sheet.frozenCols).toBe(1);
    expect(sheet.columnWidth(1)).toBe(r.widths![0]);
    expect(sheet.columnWidth(41)).toBe(MIN_QTY_WIDTH);
    // A long size code widens every size column alike.
    const long = renderOrderSheet({
      snap: snap({ matrix: { ...snap().matrix, sizes: ['S', 'EXTRA-LARGE-TALL', 'L'] } }),
    });
    expect(long.widths![1]).toBe(long.widths![2]);
    expect(long.widths![1]).toBeGreaterThan(MIN_QTY_WIDTH);
  });

  it('shows times through the given clock (the spreadsheet time zone), UTC said so otherwise', () => {
    const when = (iso: string) => `local(${iso.slice(11, 16)})`;
    const r = renderOrderSheet({ snap: snap(), when });
    expect(r.values[1][2]).toBe('version 3 · last change ana@example.com, local(10:00)');
    expect(r.values[4][1]).toBe('Pulled local(10:01)');
    expect(renderOrderSheet({ snap: snap() }).values[4][1]).toBe('Pulled 2026-11-30 10:01 UTC');
  });

  it('lays out Batched, Produced, Rejected, Missing and Remaining per cell, colored by share done', () => {
    const r = renderOrderSheet({ snap: inProgress() });
    const labelRow = (label: string) => r.values.findIndex((row, i) => i > 8 && row[0] === label);
    for (const label of [LABEL.batched, LABEL.produced, LABEL.rejected, LABEL.missing, LABEL.remaining]) {
      const at = labelRow(label);
      expect(at, label).toBeGreaterThan(0);
      expect(r.values[at].slice(0, 5)).toEqual([label, 'S', 'M', 'L', LABEL.total]);
      expect(r.values[at + 3][0]).toBe(LABEL.total);
    }
    const produced = labelRow(LABEL.produced);
    expect(r.values[produced + 1].slice(0, 4)).toEqual(['NAVY', 10, 12, 0]);
    expect(r.backgrounds[produced + 1].slice(1, 4)).toEqual([COLOR.doneAll, COLOR.doneMost, COLOR.done0]); // 12 of 20
    expect(r.backgrounds[produced + 2].slice(1, 4)).toEqual([COLOR.doneAll, COLOR.doneMost, COLOR.doneAll]); // RED/M 3 of 5
    const remaining = labelRow(LABEL.remaining);
    expect(r.values[remaining + 1].slice(0, 4)).toEqual(['NAVY', 0, 8, 30]);
    expect(r.values[remaining + 2].slice(0, 4)).toEqual(['RED', 0, 2, 0]); // over-produced: 0, never negative
    const missing = labelRow(LABEL.missing);
    expect(r.backgrounds[missing + 2][2]).toBe(COLOR.missing);
    // The totals are formulas over the cells above them: they always agree.
    const { sheet, app } = book();
    writeOrderSheet(app, sheet, r);
    expect(sheet.formulaAt(produced + 4, 5)).toBe(`=SUM(B${produced + 2}:D${produced + 3})`);
    expect(sheet.valueAt(produced + 4, 5)).toBe(40);
    expect(sheet.valueAt(remaining + 4, 5)).toBe(40);
    // A Draft order shows the progress totals only.
    expect(
      renderOrderSheet({ snap: snap({ cells: inProgress().cells }) }).values.some((row) => row[0] === LABEL.remaining),
    ).toBe(false);
  });

  it('picks the share colors by thresholds', () => {
    expect([0, 0.2, 0.5, 0.99, 1, 1.2].map((x) => shareColor(x, 10))).toEqual([
      COLOR.done0,
      COLOR.doneSome,
      COLOR.doneMost,
      COLOR.doneMost,
      COLOR.doneAll,
      COLOR.doneAll,
    ]);
    expect(shareColor(0, 0)).toBe(COLOR.locked);
  });
});

describe('writing the block', () => {
  it('keeps the planner\u2019s helper cells right of and below the block, and clears rows it no longer covers', () => {
    const { sheet, app } = book();
    const first = renderOrderSheet({ snap: inProgress() });
    const written = writeOrderSheet(app, sheet, first);
    sheet.type(3, first.cols + 2, 'my helper');
    sheet.type(first.rows + 5, 1, 'below');
    const shorter = renderOrderSheet({ snap: snap() }); // Draft: no per-cell progress, fewer rows
    expect(shorter.rows).toBeLessThan(first.rows);
    const again = writeOrderSheet(app, sheet, shorter, written);
    expect(sheet.valueAt(3, first.cols + 2)).toBe('my helper');
    expect(sheet.valueAt(first.rows + 5, 1)).toBe('below');
    expect(sheet.valueAt(shorter.rows + 1, 1)).toBe('');
    expect(sheet.valueAt(first.rows, 1)).toBe('');
    expect(again).toMatchObject({ rows: shorter.rows, cols: shorter.cols });
  });

  it('rewrites number formats, weights, widths, frozen panes and protection only when they changed', () => {
    const { sheet, app } = book();
    const r = renderOrderSheet({ snap: snap() });
    const w1 = writeOrderSheet(app, sheet, r);
    const protection = sheet.protections[0];
    const before = { ...sheet.stats };
    const w2 = writeOrderSheet(app, sheet, renderOrderSheet({ snap: snap(), status: 'Pushed' }), w1);
    // values once, backgrounds and notes (the trigger marks cells between writes); nothing else
    expect(sheet.stats.writes - before.writes).toBe(1);
    expect(sheet.stats.formatCalls - before.formatCalls).toBe(2);
    expect(sheet.protections[0]).toBe(protection);
    expect(w2.layers).toEqual(w1.layers);
    const b2 = { ...sheet.stats };
    // A new size changes every layer's shape: all are written again.
    const wider = snap({ matrix: { sizes: ['S', 'M', 'L', 'XL'], colors: ['NAVY'], quantities: [[1, 2, 3, 4]] } });
    writeOrderSheet(app, sheet, renderOrderSheet({ snap: wider }), w2);
    expect(sheet.stats.formatCalls - b2.formatCalls).toBeGreaterThan(4);
    expect(sheet.protections[0]).not.toBe(protection);
  });
});

describe('the batch output sheet', () => {
  it('has real formula totals (numbers, not the text "=SUM(B8:B10)") and leaves produced empty', () => {
    const batch = {
      id: 'B-000001',
      state: 'Running' as const,
      total: 30,
      produced: 0,
      rejected: 0,
      sizes: ['S', 'M'],
      colors: ['NAVY', 'RED'],
      quantities: [
        [10, 5],
        [10, 5],
      ],
      missing: 0,
      inspection: null,
      plan: null,
    };
    const { sheet } = book();
    const r = renderOutputSheet('PO-000001', batch);
    writeGrid(sheet, r);
    const planned = sheet.find('Planned')!.row + 1; // its corner row
    const total = planned + 3;
    expect(sheet.valueAt(total, 1)).toBe(LABEL.total);
    expect(sheet.formulaAt(total, 2)).toBe(`=SUM(B${planned + 1}:B${planned + 2})`);
    expect(sheet.valueAt(total, 2)).toBe(20);
    expect(sheet.valueAt(planned + 1, 4)).toBe(15);
    const produced = sheet.find('Produced')!.row + 2;
    expect(sheet.valueAt(produced, 2)).toBe('');
    expect(sheet.valueAt(produced + 2, 2)).toBe(0); // its total, a number
  });
});
