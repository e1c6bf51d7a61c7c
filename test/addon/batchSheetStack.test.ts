// The built add-on (dist/Code.js) in a Node vm against the local stack, a batch's own cells on
// demand (issue 13 item 2): Show cells on a finished batch (short, with a reason, and inspected)
// draws its sheet from one GET of the batch list and one block write: planned, produced, rejected
// and missing matrices as the API holds them, formula totals, the inspection, times in the
// spreadsheet's time zone; a planned batch's sheet holds its planned cells only.
import { describe, expect, it } from 'vitest';
import { BATCH_SHEET_LABEL, batchSheetName } from '../../addon/src/batchSheet.js';
import { LABEL } from '../../addon/src/layout.js';
import { apiUrl } from '../support/api.js';
import { loadBundle } from './fakes/bundle.js';
import { fakeGas, formatDate } from './fakes/services.js';
import type { FakeSheet } from './fakes/spreadsheet.js';
import { addonOnStack, api, createTechPack, okApi } from './helpers.js';

const TIME_ZONE = 'America/Los_Angeles';
const env = addonOnStack('gf-addon-batchsheet-');

function ok<T>(out: { ok: boolean; data?: T; message?: string }): T {
  expect(out.ok, JSON.stringify(out).slice(0, 500)).toBe(true);
  return out.data as T;
}

/** The first cell of column A holding `label` (a table's heading; the state word may say it too, in B). */
function inColumnA(sheet: FakeSheet, label: string): { row: number; col: number } | null {
  for (let row = 1; row <= sheet.lastRow(); row++) if (sheet.valueAt(row, 1) === label) return { row, col: 1 };
  return null;
}

/** A table of the batch sheet: its color rows as numbers, and its grand total (a formula). */
function table(sheet: FakeSheet, label: string, colors: string[], sizes: string[]) {
  const head = inColumnA(sheet, label);
  expect(head, `no ${label} table`).not.toBeNull();
  const rows = colors.map((color, r) => {
    expect(sheet.valueAt(head!.row + 1 + r, 1)).toBe(color);
    return sizes.map((_, c) => sheet.valueAt(head!.row + 1 + r, 2 + c));
  });
  const totalRow = head!.row + 1 + colors.length;
  expect(sheet.valueAt(totalRow, 1)).toBe(LABEL.total);
  expect(sheet.formulaAt(totalRow, 2 + sizes.length)).toMatch(/^=SUM\(/);
  return { rows, total: sheet.valueAt(totalRow, 2 + sizes.length) };
}

describe("a batch's own cells, against the local stack", () => {
  it('draws a finished batch: planned, produced, rejected and missing per cell, and its inspection', () => {
    const code = `IQ-CELLS-${Date.now().toString(36).toUpperCase()}`;
    okApi(
      api('POST', '/v1/iq-templates', {
        token: env.admin,
        body: { code, name: 'Tees', inspectionLevel: 'II', aql: { major: 2.5 }, requiredForFinish: false },
      }),
      201,
    );
    const tp = createTechPack(env.admin, 'ProductionReady', { iqTemplate: code });
    const order = okApi(
      api('POST', '/v1/production-orders', {
        token: env.admin,
        body: {
          techPackId: tp.id,
          deliveryDate: '2027-06-01',
          batchPlan: { maxBatchQty: 1000 },
          matrix: {
            sizes: ['S', 'M', 'L'],
            colors: ['NAVY', 'RED'],
            quantities: [
              [30, 60, 30],
              [20, 40, 0],
            ],
          },
        },
      }),
      201,
    );
    const gas = fakeGas({ token: env.ana, email: 'ana@example.com', distDir: env.dist });
    gas.book.timeZone = TIME_ZONE;
    const addon = loadBundle(env.dist, gas);
    ok(addon.saveSettings(apiUrl()));
    ok(addon.openOrder(order.id));
    ok(addon.transitionOrder(order.id, 'plan', {}));
    ok(addon.transitionOrder(order.id, 'release', {}));
    const batches = ok(addon.generateBatches(order.id)).batches;
    expect(batches.map((b) => b.colors)).toEqual([['NAVY'], ['RED']]);
    const [navy, red] = batches;
    ok(addon.startBatch(order.id, navy.id));
    const path = `/v1/production-orders/${order.id}/batches/${navy.id}`;
    okApi(api('POST', `${path}/inspections`, { token: env.admin, body: { sampleSize: 20, majorDefects: 1 } }), 201);
    const produced = { sizes: navy.sizes, colors: navy.colors, quantities: [[30, 55, 29]] };
    const rejected = { sizes: navy.sizes, colors: navy.colors, quantities: [[0, 2, 0]] };
    okApi(
      api('POST', `${path}/transitions`, {
        token: env.admin,
        body: { action: 'finish', produced, rejected, reason: 'four lost in washing' },
      }),
    );
    const apiBatch = okApi(api('GET', `/v1/production-orders/${order.id}/batches`, { token: env.admin })).items.find(
      (x: { id: string }) => x.id === navy.id,
    );

    // One GET of the batch list, one block write.
    gas.fetcher.requests = [];
    gas.fetcher.calls = 0;
    const shown = addon.showBatchCells(order.id, navy.id);
    expect(shown).toMatchObject({ ok: true, data: { sheetName: batchSheetName(navy.id) } });
    expect(gas.fetcher.requests.map((r) => [r.method, r.url])).toEqual([
      ['GET', `${apiUrl()}/v1/production-orders/${order.id}/batches`],
    ]);
    const sheet = gas.book.sheet(batchSheetName(navy.id));
    expect(sheet.stats.writes).toBe(1);
    expect(gas.book.getActiveSheet().getName()).toBe(sheet.getName());
    expect(sheet.frozenRows).toBe(6);
    expect(sheet.frozenCols).toBe(1);

    const sizes = apiBatch.matrix.sizes as string[];
    const colors = apiBatch.matrix.colors as string[];
    expect(table(sheet, BATCH_SHEET_LABEL.planned, colors, sizes)).toEqual({
      rows: apiBatch.matrix.quantities,
      total: 120,
    });
    expect(table(sheet, LABEL.produced, colors, sizes)).toEqual({ rows: apiBatch.produced.quantities, total: 114 });
    expect(table(sheet, LABEL.rejected, colors, sizes)).toEqual({ rows: apiBatch.rejected.quantities, total: 2 });
    expect(table(sheet, LABEL.missing, colors, sizes)).toEqual({ rows: apiBatch.missing.quantities, total: 4 });
    expect(apiBatch.missing.quantities).toEqual([[0, 3, 1]]);
    const words = (label: string) => {
      const at = sheet.find(label)!;
      return [sheet.displayAt(at.row, 2), sheet.displayAt(at.row, 3)];
    };
    expect(words(BATCH_SHEET_LABEL.state)[0]).toBe('Finished');
    const local = (iso: string) => formatDate(new Date(iso), TIME_ZONE, 'yyyy-MM-dd HH:mm');
    expect(words(BATCH_SHEET_LABEL.order)[1]).toContain(`finished ${local(apiBatch.finishedAt)}`);
    expect(words(BATCH_SHEET_LABEL.state)[1]).toBe('produced 114 · rejected 2 · missing 4: four lost in washing');
    expect(words(BATCH_SHEET_LABEL.inspection)).toEqual([
      'PASS',
      `1 inspection, last ${local(apiBatch.inspection.at)}`,
    ]);
    expect(sheet.formatAt(sheet.find(LABEL.produced)!.row + 1, 2)).toBe('#,##0');

    // A planned batch: its planned cells only; shown again, the same sheet is redrawn.
    ok(addon.showBatchCells(order.id, red.id));
    const redSheet = gas.book.sheet(batchSheetName(red.id));
    expect(table(redSheet, BATCH_SHEET_LABEL.planned, ['RED'], red.sizes).total).toBe(60);
    expect(inColumnA(redSheet, LABEL.produced)).toBeNull();
    ok(addon.showBatchCells(order.id, navy.id));
    expect(gas.book.getSheets().filter((s) => s.getName() === batchSheetName(navy.id))).toHaveLength(1);
    expect(addon.showBatchCells(order.id, 'B-999999')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });
});
