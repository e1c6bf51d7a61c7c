// The built add-on (dist/Code.js) in a Node vm over the fakes, its UrlFetchApp calling the local
// stack: what a planner does after release (issue 14) from the menu and the sidebar's server calls:
// an amendment pushed from the menu (no reason: the sidebar is opened instead), a re-promise (and a
// free date change in Draft), a short-close with a backorder, and a split of the sheet's selection.
import { describe, expect, it } from 'vitest';
import { LABEL } from '../../addon/src/layout.js';
import type { OrderPanel, SplitOutcome, SplitProposal } from '../../addon/src/protocol.js';
import { apiUrl } from '../support/api.js';
import { addonOnStack, api, createOrder, createTechPack } from './helpers.js';
import { loadBundle, type AddonGlobals } from './fakes/bundle.js';
import { fakeGas, type FakeGas } from './fakes/services.js';
import type { FakeSheet } from './fakes/spreadsheet.js';

const env = addonOnStack('gf-addon-rel-stack-');

/** The globals the sidebar calls, as the vm exposes them (typed loosely: Outcome objects). */
type Globals = AddonGlobals & Record<string, (...args: unknown[]) => { ok: boolean; data?: unknown; message?: string }>;

function addonFor(tok: string, email: string): { gas: FakeGas; addon: Globals } {
  const gas = fakeGas({ token: tok, email, distDir: env.dist });
  const addon = loadBundle(env.dist, gas) as Globals;
  expect(addon.saveSettings(apiUrl())).toMatchObject({ ok: true });
  return { gas, addon };
}

function ok<T>(out: { ok: boolean; data?: unknown; message?: string }): T {
  expect(out.ok, out.message).toBe(true);
  return out.data as T;
}

function cellOf(sheet: FakeSheet, color: string, size: string): { row: number; col: number; ref: string } {
  const corner = sheet.find(LABEL.corner)!;
  const values = sheet.getDataRange().getValues();
  sheet.stats.reads--; // the test's own look
  const col = values[corner.row - 1].findIndex((v) => String(v) === size) + 1;
  const row = values.findIndex((r, i) => i >= corner.row && String(r[0]) === color) + 1;
  if (col < 1 || row < 1) throw new Error(`no cell ${color}/${size}`);
  return { row, col, ref: `${String.fromCharCode(64 + col)}${row}` };
}

const getOrder = (id: string) => {
  const res = api('GET', `/v1/production-orders/${id}`, { token: env.admin });
  expect(res.status).toBe(200);
  return res.body;
};

const history = (id: string) =>
  api('GET', `/v1/production-orders/${id}/history?limit=100`, { token: env.admin }).body.items as {
    action: string;
    reason?: string;
    details?: Record<string, unknown>;
  }[];

/** A released order NAVY 10/20/30, RED 5/5/5 (S/M/L), open in the add-on. */
function releasedOrder() {
  const id = createOrder(env.admin).order.id as string;
  for (const action of ['plan', 'release']) {
    const moved = api('POST', `/v1/production-orders/${id}/transitions`, { token: env.admin, body: { action } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
  }
  return id;
}

function batch(id: string, sizes: string[], colors: string[], quantities: number[][]): string {
  const res = api('POST', `/v1/production-orders/${id}/batches`, {
    token: env.admin,
    body: { matrix: { sizes, colors, quantities } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

function runBatch(id: string, batchId: string, produced: number[][], m: { sizes: string[]; colors: string[] }) {
  const path = `/v1/production-orders/${id}/batches/${batchId}/transitions`;
  expect(api('POST', path, { token: env.admin, body: { action: 'start' } }).status).toBe(200);
  const finish = api('POST', path, {
    token: env.admin,
    body: {
      action: 'finish',
      produced: { ...m, quantities: produced },
      rejected: { ...m, quantities: produced.map((r) => r.map(() => 0)) },
      reason: 'counted short',
    },
  });
  expect(finish.status, JSON.stringify(finish.body)).toBe(200);
}

describe('the add-on after release, against the local stack', () => {
  it('the menu push of an amendment sends nothing without a reason and opens the sidebar to ask it', () => {
    const id = releasedOrder();
    const { gas, addon } = addonFor(env.ana, 'ana@example.com');
    const panel = ok<OrderPanel>(addon.openOrder(id));
    const sheet = gas.book.sheet(panel.sheetName);
    const c = cellOf(sheet, 'RED', 'M');
    sheet.type(c.row, c.col, 8);
    const sidebars = gas.ui.sidebars.length;
    gas.fetcher.calls = 0;
    addon.pushActiveSheet();
    expect(gas.fetcher.calls).toBe(0); // nothing sent
    expect(gas.ui.sidebars.length).toBe(sidebars + 1);
    expect(gas.book.toasts.at(-1)).toBe(
      `Nothing was sent: order ${id} is Released, so your 1 change is an amendment and needs a reason. ` +
        'The sidebar is open: click "Push amendment" there and say why.',
    );
    expect(getOrder(id).version).toBe(3);
    expect(sheet.valueAt(c.row, c.col)).toBe(8); // kept on the sheet
    // The sidebar's push carries the reason.
    ok(addon.pushOrder(id, { reason: 'buyer added 3 RED/M' }));
    const now = getOrder(id);
    expect(now.matrix.quantities[1][1]).toBe(8);
    expect(history(id).at(-1)).toMatchObject({ action: 'amend', reason: 'buyer added 3 RED/M' });
    // With nothing left to push the menu says so, as before.
    addon.pushActiveSheet();
    expect(gas.book.toasts.at(-1)).toBe('Nothing to push: the sheet matches the order.');
  });

  it('re-promises a released order with a reason (If-Match), keeps the first promise; Draft re-dates freely', () => {
    const id = releasedOrder();
    const { gas, addon } = addonFor(env.ana, 'ana@example.com');
    const panel = ok<OrderPanel>(addon.openOrder(id));
    expect(panel).toMatchObject({ deliveryDate: '2027-03-01', originalDeliveryDate: '2027-03-01' });
    const sheet = gas.book.sheet(panel.sheetName);
    expect(addon.changeDeliveryDate(id, { deliveryDate: '2027-03-15' })).toMatchObject({
      ok: false,
      code: 'REASON_REQUIRED',
      message: expect.stringMatching(/^The delivery date was not changed: give the reason/),
    });
    // Someone else moves the order on meanwhile (not its date): the re-promise still lands, on the new version.
    const other = api('POST', `/v1/production-orders/${id}/matrix-edits`, {
      token: env.admin,
      body: { baseVersion: 3, reason: 'one more', edits: [{ color: 'RED', size: 'S', from: 5, to: 6 }] },
    });
    expect(other.status, JSON.stringify(other.body)).toBe(200);
    const out = addon.changeDeliveryDate(id, { deliveryDate: '2027-03-15', reason: 'mill two weeks late' });
    const moved = ok<OrderPanel>(out);
    expect(moved).toMatchObject({
      deliveryDate: '2027-03-15',
      originalDeliveryDate: '2027-03-01',
      version: 5,
      state: 'Released',
    });
    expect((out as { notice?: string }).notice).toMatch(
      /^Delivery re-promised: now 2027-03-15 \(first promised 2027-03-01\)/,
    );
    const stored = getOrder(id);
    expect(stored).toMatchObject({ deliveryDate: '2027-03-15', originalDeliveryDate: '2027-03-01' });
    expect(history(id).at(-1)).toMatchObject({ action: 'repromise', reason: 'mill two weeks late' });
    const orderRow = sheet.find(LABEL.order)!.row;
    expect(sheet.getRange(orderRow, 1, 1, 9).getValues()[0].join(' ')).toContain('2027-03-15');

    // A Draft's date changes without a reason.
    const tp = createTechPack(env.admin, 'ProductionReady');
    const draft = api('POST', '/v1/production-orders', {
      token: env.admin,
      body: { techPackId: tp.id, deliveryDate: '2027-05-01' },
    }).body;
    ok(addon.openOrder(draft.id));
    const redated = ok<OrderPanel>(addon.changeDeliveryDate(draft.id, { deliveryDate: '2027-06-01' }));
    expect(redated).toMatchObject({ state: 'Draft', deliveryDate: '2027-06-01' });
    expect(getOrder(draft.id).deliveryDate).toBe('2027-06-01');
    expect(addon.changeDeliveryDate(draft.id, { deliveryDate: 'soon' })).toMatchObject({
      ok: false,
      code: 'VALIDATION_FAILED',
    });
  });

  it('short-closes with a backorder for the shortfall and opens it; NOTHING_SHORT refused in words', () => {
    const id = releasedOrder();
    const sizes = ['S', 'M', 'L'];
    const colors = ['NAVY', 'RED'];
    const b = batch(id, sizes, colors, [
      [10, 20, 30],
      [5, 5, 5],
    ]);
    runBatch(
      id,
      b,
      [
        [10, 15, 30],
        [5, 5, 5],
      ],
      { sizes, colors },
    );
    const { gas, addon } = addonFor(env.ana, 'ana@example.com');
    const opened = ok<OrderPanel>(addon.openOrder(id));
    expect(opened).toMatchObject({ state: 'InProgress', shortfall: 5, unbatched: 0 });
    const out = addon.transitionOrder(id, 'shortClose', { reason: 'M fabric flaw', backorder: true });
    const done = ok<OrderPanel>(out);
    const backorderId = getOrder(id).backorderId as string;
    expect(backorderId).toMatch(/^PO-/);
    expect(done).toMatchObject({ state: 'Completed', backorderId });
    expect((out as { notice?: string }).notice).toBe(
      `Order ${id} is now Completed. Backorder ${backorderId} opened in Draft for the shortfall: ` +
        'open it from the sidebar (or the list) to plan it.',
    );
    const bo = ok<OrderPanel>(addon.openOrder(backorderId));
    expect(bo).toMatchObject({ state: 'Draft', backorderOf: id, total: 5, sizes: ['M'], colors: ['NAVY'] });
    expect(gas.book.active.getName()).toBe(bo.sheetName);

    // Every cell made: a backorder is refused in words and nothing is closed.
    const full = releasedOrder();
    const fb = batch(full, sizes, colors, [
      [10, 20, 30],
      [5, 5, 5],
    ]);
    runBatch(
      full,
      fb,
      [
        [10, 20, 30],
        [5, 5, 5],
      ],
      { sizes, colors },
    );
    expect(ok<OrderPanel>(addon.openOrder(full))).toMatchObject({ shortfall: 0 });
    expect(addon.transitionOrder(full, 'shortClose', { reason: 'why not', backorder: true })).toMatchObject({
      ok: false,
      code: 'NOTHING_SHORT',
      message:
        'Nothing was closed: every cell produced its ordered quantity (75 produced of 75 ordered), so there is no ' +
        'shortfall to backorder. Untick "Open a backorder for the shortfall", or complete the order instead.',
    });
    expect(getOrder(full).state).toBe('InProgress');
  });

  it('splits the selected color row off to a new order; BELOW_BATCHED named by A1', () => {
    const id = releasedOrder();
    batch(id, ['M'], ['NAVY'], [[15]]);
    const { gas, addon } = addonFor(env.ana, 'ana@example.com');
    const panel = ok<OrderPanel>(addon.openOrder(id));
    expect(panel).toMatchObject({ unbatched: 60, total: 75 });
    const sheet = gas.book.sheet(panel.sheetName);
    const navyM = cellOf(sheet, 'NAVY', 'M');
    const red = cellOf(sheet, 'RED', 'S');

    // Nothing selected on the order sheet: said so.
    expect(addon.proposeSplit(id)).toMatchObject({ ok: false, code: 'NO_SELECTION' });
    // A quantity cell: its un-batched remainder, read from the selection's position only.
    gas.book.select(sheet, navyM.row, navyM.col, 1, 1);
    const reads = sheet.stats.reads;
    gas.fetcher.calls = 0;
    const one = ok<SplitProposal>(addon.proposeSplit(id));
    expect(sheet.stats.reads).toBe(reads);
    expect(gas.fetcher.calls).toBe(0);
    expect(one.cells).toEqual([{ color: 'NAVY', size: 'M', ref: navyM.ref, ordered: 20, batched: 15, available: 5 }]);
    const tooMuch = addon.splitOrder(id, { cells: [{ color: 'NAVY', size: 'M', quantity: 6 }], reason: 'vessel 2' });
    expect(tooMuch).toMatchObject({ ok: false, code: 'BELOW_BATCHED' });
    expect((tooMuch as { message?: string }).message).toBe(
      `Nothing was split: only garments not yet batched can move. ${navyM.ref} (NAVY/M) has 5 un-batched ` +
        '(15 batched, you asked 6). Lower those quantities (someone may have batched them since you selected), ' +
        'then split again.',
    );
    expect(getOrder(id).version).toBe(4);

    // The RED row, by its code in column A: the whole color.
    gas.book.select(sheet, red.row, 1, 1, 1);
    const row = ok<SplitProposal>(addon.proposeSplit(id));
    expect(row.cells.map((c) => [c.color, c.size, c.available])).toEqual([
      ['RED', 'S', 5],
      ['RED', 'M', 5],
      ['RED', 'L', 5],
    ]);
    expect(
      addon.splitOrder(id, { cells: row.cells.map((c) => ({ ...c, quantity: c.available })), reason: '' }),
    ).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', message: expect.stringMatching(/give the reason/) });
    const out = addon.splitOrder(id, {
      cells: row.cells.map((c) => ({ color: c.color, size: c.size, quantity: c.available })),
      reason: 'RED ships on the second vessel',
      deliveryDate: '2027-04-15',
    });
    const split = ok<SplitOutcome>(out);
    expect(split.moved).toBe(15);
    expect(split.panel).toMatchObject({ total: 60, version: 5, state: 'Released' });
    expect((out as { notice?: string }).notice).toMatch(
      new RegExp(`^Split 15 garments off to order ${split.splitId} \\(Released, due 2027-04-15\\)\\.`),
    );
    expect(sheet.valueAt(red.row, red.col)).toBe(0); // the sheet rewritten from the order
    const original = getOrder(id);
    expect(original.matrix.quantities[1]).toEqual([0, 0, 0]);
    const created = getOrder(split.splitId);
    expect(created).toMatchObject({ state: 'Released', splitFrom: id, deliveryDate: '2027-04-15', total: 15 });
    expect(history(id).at(-1)).toMatchObject({ action: 'split', reason: 'RED ships on the second vessel' });
    const opened = ok<OrderPanel>(addon.openOrder(split.splitId));
    expect(opened).toMatchObject({ splitFrom: id, colors: ['RED'], total: 15 });
  });
});
