// The planner's day in the sheet, with the built bundle in a vm against the local stack: edits
// marked by onEdit before any push and counted for the sidebar, Push and Refresh from the menu,
// helper cells that survive, materials re-read after a push, times in the spreadsheet's time zone,
// and per-cell progress once batches run.
import { describe, expect, it } from 'vitest';
import { COLOR, LABEL } from '../../addon/src/layout.js';
import { apiUrl } from '../support/api.js';
import { addonOnStack, api, createOrder } from './helpers.js';
import { loadBundle, type AddonGlobals } from './fakes/bundle.js';
import { fakeGas, type FakeGas } from './fakes/services.js';
import type { FakeSheet } from './fakes/spreadsheet.js';

const env = addonOnStack('gf-addon-day-');

type Globals = AddonGlobals;

function addon(): { gas: FakeGas; g: Globals } {
  const gas = fakeGas({ token: env.ana, email: 'ana@example.com', distDir: env.dist });
  gas.book.timeZone = 'America/New_York';
  const g = loadBundle(env.dist, gas);
  expect(g.saveSettings(apiUrl()).ok).toBe(true);
  return { gas, g };
}

function ok<T>(out: { ok: boolean; data?: T; message?: string }): T {
  expect(out.ok, out.message).toBe(true);
  return out.data as T;
}

function newOrder(body: Record<string, unknown> = {}) {
  return createOrder(env.admin, 'ProductionReady', body).order;
}

/** The planner types into a cell; Sheets then runs the onEdit simple trigger with that range. */
function typeAndTrigger(g: Globals, sheet: FakeSheet, row: number, col: number, v: unknown) {
  sheet.type(row, col, v);
  g.onEdit({ range: sheet.getRange(row, col, 1, 1), value: v, authMode: 'LIMITED' });
}

describe('the planner\u2019s day in the sheet (bundle against the local stack)', () => {
  it('marks edits before a push, counts them, pushes and refreshes from the menu, keeps helper cells', () => {
    const order = newOrder();
    const { gas, g } = addon();
    const panel = ok(g.openOrder(order.id));
    const sheet = gas.book.sheet(panel.sheetName);
    expect(sheet.frozenRows).toBe(6);
    expect(sheet.frozenCols).toBe(1);
    expect(sheet.valueAt(2, 2)).toBe('Draft');
    // Times in the spreadsheet's time zone (New York: UTC-5 in December), never raw ISO.
    const ny = new Date(new Date(panel.pulledAt).getTime() - 5 * 3600_000).toISOString();
    expect(sheet.valueAt(5, 2)).toBe(`Pulled ${ny.slice(0, 10)} ${ny.slice(11, 16)}`);
    expect(String(sheet.valueAt(2, 3))).not.toMatch(/T\d\d:\d\d:\d\d/);

    // A helper column beside the block and a note of the planner's own.
    sheet.type(7, 12, 'call supplier');
    sheet.type(8, 12, '=SUM(B7:D7)');
    const requests = gas.fetcher.requests.length;
    typeAndTrigger(g, sheet, 7, 3, 25); // NAVY/M 20 -> 25
    typeAndTrigger(g, sheet, 8, 4, '2OO'); // RED/L
    typeAndTrigger(g, sheet, 8, 2, -1); // RED/S
    expect(gas.fetcher.requests.length).toBe(requests); // the trigger never calls the API
    expect(sheet.backgroundAt(7, 3)).toBe(COLOR.pending);
    expect(sheet.noteAt(7, 3)).toMatch(/pulled 20, now 25/);
    expect(sheet.backgroundAt(8, 4)).toBe(COLOR.invalid);
    expect(sheet.backgroundAt(8, 2)).toBe(COLOR.invalid);
    const pending = ok(g.getPendingChanges(null));
    expect(pending).toMatchObject({
      orderId: order.id,
      pending: 1,
      invalid: 2,
      changedCells: ['C7'],
      invalidCells: ['B8', 'D8'],
      editable: true,
    });
    expect(ok(g.getPendingChanges(order.id))?.pending).toBe(1);

    // Push from the menu, no sidebar: the answer is a toast naming the bad cells in A1.
    const matBefore = String(sheet.valueAt(4, 2));
    const linesRow = sheet.find(LABEL.materialLines)!.row + 1;
    const netBefore = sheet.valueAt(linesRow, 3);
    g.pushActiveSheet();
    expect(gas.book.toasts.at(-1)).toMatch(
      /^Pushed 1 change: now version 2\. 2 bad cells not sent \(orange\): B8, D8\./,
    );
    const server = api('GET', `/v1/production-orders/${order.id}`, { token: env.admin }).body;
    expect(server.matrix.quantities[0][1]).toBe(25);
    expect(sheet.backgroundAt(7, 3)).toBe(COLOR.editable);
    expect(sheet.noteAt(7, 3)).toBeUndefined();
    expect(sheet.backgroundAt(8, 4)).toBe(COLOR.invalid); // still bad, still marked
    expect(sheet.valueAt(7, 12)).toBe('call supplier');
    expect(sheet.formulaAt(8, 12)).toBe('=SUM(B7:D7)');
    // Materials were read again with the new quantities, and say so at the top.
    expect(String(sheet.valueAt(4, 2))).toMatch(/^Up to date with BOM revision 1/);
    expect(matBefore).toMatch(/^Up to date/);
    expect(Number(sheet.valueAt(linesRow, 3))).toBeGreaterThan(Number(netBefore));
    expect(ok(g.getPendingChanges(null))).toMatchObject({ pending: 0, invalid: 2 });

    // Someone else changes a cell; Refresh from the menu shows it and keeps the planner's edits.
    const edit = api('POST', `/v1/production-orders/${order.id}/matrix-edits`, {
      token: env.admin,
      body: { baseVersion: 2, edits: [{ color: 'NAVY', size: 'S', from: 10, to: 12 }] },
    });
    expect(edit.status).toBe(200);
    typeAndTrigger(g, sheet, 7, 4, 31);
    g.refreshActiveSheet();
    expect(sheet.valueAt(7, 2)).toBe(12);
    expect(sheet.valueAt(7, 4)).toBe(31);
    expect(sheet.backgroundAt(7, 4)).toBe(COLOR.pending);
    expect(sheet.valueAt(7, 12)).toBe('call supplier');
    expect(gas.book.toasts.at(-1)).toMatch(/1 unpushed change kept/);

    // On a sheet that is not an order's, the menu says so.
    gas.book.insertSheet('Scratch');
    g.pushActiveSheet();
    expect(gas.book.toasts.at(-1)).toMatch(/not an order sheet/);
    expect(ok(g.getPendingChanges(null))).toBeNull();
  });

  it('shows per-cell progress once batches run, in words and #,##0', () => {
    const order = newOrder({ batchPlan: { maxBatchQty: 1000 } });
    const { gas, g } = addon();
    ok(g.openOrder(order.id));
    ok(g.transitionOrder(order.id, 'plan', {}));
    ok(g.transitionOrder(order.id, 'release', {}));
    const generated = ok(g.generateBatches(order.id));
    const b = generated.batches[0];
    ok(g.startBatch(order.id, b.id));
    const produced = { sizes: b.sizes, colors: b.colors, quantities: b.quantities.map((r) => r.map((q) => q)) };
    produced.quantities[0][0] = Math.max(0, produced.quantities[0][0] - 1);
    const finish = api('POST', `/v1/production-orders/${order.id}/batches/${b.id}/transitions`, {
      token: env.admin,
      body: { action: 'finish', produced, reason: 'one lost' },
    });
    expect(finish.status, JSON.stringify(finish.body)).toBe(200);
    const panel = ok(g.refreshOrder(order.id, false));
    const sheet = gas.book.sheet(panel.sheetName);
    expect(sheet.valueAt(2, 2)).toBe('In progress');
    const rows = sheet.getDataRange().getValues();
    const at = rows.findIndex((r, i) => i > 8 && r[0] === LABEL.produced);
    expect(at).toBeGreaterThan(0);
    const navy = rows[at + 1];
    expect(navy[0]).toBe(b.colors[0]);
    expect(sheet.backgroundAt(at + 2, 2)).toBe(COLOR.doneMost);
    const remaining = rows.findIndex((r, i) => i > 8 && r[0] === LABEL.remaining);
    expect(rows[remaining + 1][1]).toBe(1);
    expect(sheet.formatAt(at + 2, 2)).toBe('#,##0');
  });
});
