// A batch's own cells on its sheet (addon/src/batchSheet.ts): the layout (five header rows and the
// size row frozen, each matrix in the same columns with formula totals and #,##0, finished batches'
// produced / rejected / missing), times in the spreadsheet's time zone, and block-only redraws.
import { describe, expect, it } from 'vitest';
import {
  BATCH_SHEET_LABEL,
  batchSheetName,
  drawBatchSheet,
  renderBatchSheet,
  type BatchDetail,
} from '../../addon/src/batchSheet.js';
import { COLOR, FORMAT, LABEL } from '../../addon/src/layout.js';
import { fakeGas, formatDate } from './fakes/services.js';
import type { FakeSheet } from './fakes/spreadsheet.js';

const m = (quantities: number[][]) => ({ sizes: ['S', 'M', 'L'], colors: ['NAVY', 'HEATHER-GREY'], quantities });

const finished: BatchDetail = {
  id: 'B-000002',
  orderId: 'PO-000001',
  state: 'Finished',
  version: 3,
  total: 150,
  matrix: m([
    [20, 40, 20],
    [10, 40, 20],
  ]),
  produced: m([
    [20, 36, 20],
    [10, 40, 18],
  ]),
  rejected: m([
    [0, 2, 0],
    [0, 0, 0],
  ]),
  missing: m([
    [0, 2, 0],
    [0, 0, 2],
  ]),
  missingTotal: 4,
  reason: 'lost in washing',
  startedAt: '2026-11-30T08:00:00.000Z',
  finishedAt: '2026-11-30T23:30:00.000Z',
  inspection: { count: 2, result: 'pass', at: '2026-11-30T22:10:00.000Z' },
};

const dhaka = (iso: string) => formatDate(new Date(iso), 'Asia/Dhaka', 'yyyy-MM-dd HH:mm');

function render(b: BatchDetail = finished) {
  return renderBatchSheet({ batch: b, styleCode: 'TEE-01', when: dhaka, drawnAt: '2026-12-01T09:00:00.000Z' });
}

describe('the batch sheet layout', () => {
  it('lays a finished batch out: header, frozen size row, planned / produced / rejected / missing', () => {
    const r = render();
    const col = (label: string) => r.values.find((row) => row[0] === label);
    expect(col(BATCH_SHEET_LABEL.batch)?.slice(0, 2)).toEqual(['Batch', 'B-000002']);
    expect(col(BATCH_SHEET_LABEL.order)?.[1]).toBe('PO-000001');
    // Times in the spreadsheet's time zone: finished 23:30 UTC is the next morning in Dhaka.
    expect(col(BATCH_SHEET_LABEL.order)?.[2]).toBe('started 2026-11-30 14:00 · finished 2026-12-01 05:30');
    expect(col(BATCH_SHEET_LABEL.state)?.[2]).toBe('produced 144 · rejected 2 · missing 4: lost in washing');
    expect(col(BATCH_SHEET_LABEL.batch)?.[2]).toBe('TEE-01 · 150 garments planned over 3 sizes x 2 colors');
    expect(col(BATCH_SHEET_LABEL.state)?.[1]).toBe('Finished');
    expect(col(BATCH_SHEET_LABEL.inspection)?.slice(1, 3)).toEqual(['PASS', '2 inspections, last 2026-12-01 04:10']);
    expect(String(col(BATCH_SHEET_LABEL.status)?.[1])).toMatch(/^Drawn 2026-12-01 15:00 from the API/);
    // Five header rows, then the size row; both frozen with the color column.
    expect(r.values[5].slice(0, 5)).toEqual([LABEL.corner, 'S', 'M', 'L', LABEL.total]);
    expect(r.frozen).toEqual({ rows: 6, cols: 1 });
    const tables = [BATCH_SHEET_LABEL.planned, LABEL.produced, LABEL.rejected, LABEL.missing];
    const starts = tables.map((t) => r.values.findIndex((row, i) => i > 5 && row[0] === t));
    expect(starts.every((s) => s > 5)).toBe(true);
    // Each table: its label with the sizes in the same columns, the colors, a Total row of formulas.
    for (const s of starts) {
      expect(r.values[s].slice(1, 5)).toEqual(['S', 'M', 'L', LABEL.total]);
      const first = s + 2; // 1-based row of the first color
      expect(r.values[s + 1][0]).toBe('NAVY');
      expect(r.values[s + 1][4]).toBe(`=SUM(B${first}:D${first})`);
      expect(r.values[s + 3]).toEqual([
        LABEL.total,
        `=SUM(B${first}:B${first + 1})`,
        `=SUM(C${first}:C${first + 1})`,
        `=SUM(D${first}:D${first + 1})`,
        `=SUM(B${first}:D${first + 1})`,
      ]);
      expect(r.formats[s + 1].slice(1, 5)).toEqual([FORMAT.qty, FORMAT.qty, FORMAT.qty, FORMAT.number]);
    }
    expect(r.values[starts[1] + 1].slice(1, 4)).toEqual([20, 36, 20]);
    expect(r.values[starts[3] + 2].slice(1, 4)).toEqual([0, 0, 2]);
    // Coloured like the order sheet's progress: produced by share, rejected pink, missing orange.
    expect(r.backgrounds[starts[1] + 1][1]).toBe(COLOR.doneAll);
    expect(r.backgrounds[starts[1] + 1][2]).toBe(COLOR.doneMost);
    expect(r.backgrounds[starts[2] + 1][2]).toBe(COLOR.rejected);
    expect(r.backgrounds[starts[3] + 2][3]).toBe(COLOR.missing);
    expect(r.widths).toHaveLength(r.cols);
    expect(r.widths![0]).toBeGreaterThanOrEqual(Math.ceil('HEATHER-GREY'.length * 7.5));
    expect(r.editable).toEqual([]);
    for (const layer of [r.backgrounds, r.notes, r.weights, r.formats]) {
      expect(layer).toHaveLength(r.rows);
      for (const row of layer) expect(row).toHaveLength(r.cols);
    }
  });

  it('shows only the planned cells of a batch not finished, and says where a running one is counted', () => {
    const planned = render({
      ...finished,
      state: 'Planned',
      produced: undefined,
      rejected: undefined,
      missing: undefined,
    });
    expect(planned.values.some((row) => row[0] === LABEL.produced)).toBe(false);
    expect(planned.values.some((row) => String(row[1]).includes('once the batch is finished'))).toBe(true);
    const running = render({ ...finished, state: 'Running', produced: undefined, rejected: undefined });
    expect(String(running.values[4][1])).toContain('"Output B-000002"');
  });

  it('writes the block in the sheet; totals are real formulas; a redraw keeps the planner cells', () => {
    const gas = fakeGas({ token: 't', email: 'ana@example.com' });
    const r = render();
    const sheet = drawBatchSheet(gas, gas.book, r, finished.id) as FakeSheet;
    expect(sheet.getName()).toBe(batchSheetName(finished.id));
    const produced = sheet.find(LABEL.produced)!;
    expect(sheet.displayAt(produced.row + 3, 5)).toBe('144'); // the grand total, a formula
    expect(sheet.formulaAt(produced.row + 3, 5)).toBe(`=SUM(B${produced.row + 1}:D${produced.row + 2})`);
    expect(sheet.frozenRows).toBe(6);
    expect(sheet.frozenCols).toBe(1);
    sheet.type(8, r.cols + 2, 'ask QA');
    const before = sheet.stats.formatCalls;
    drawBatchSheet(gas, gas.book, r, finished.id);
    expect(sheet.valueAt(8, r.cols + 2)).toBe('ask QA');
    expect(sheet.stats.formatCalls - before).toBe(2); // backgrounds and notes; formats, widths, panes unchanged
    expect(gas.book.getSheets().filter((s) => s.getName() === batchSheetName(finished.id))).toHaveLength(1);
  });
});
