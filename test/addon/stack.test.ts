// The built add-on (dist/Code.js) in a Node vm with fakes of the Google services, where the fake
// UrlFetchApp calls the real local stack: open, edit, push, conflict, transitions, a 20,000-cell order.
import { describe, expect, it } from 'vitest';
import { a1, COLOR, LABEL } from '../../addon/src/layout.js';
import { OUTPUT_LABEL } from '../../addon/src/output.js';
import { STATE_SHEET } from '../../addon/src/state.js';
import { apiUrl } from '../support/api.js';
import { addonOnStack, api, createOrder, createTechPack } from './helpers.js';
import { loadBundle, type AddonGlobals } from './fakes/bundle.js';
import { fakeGas, formatDate, type FakeGas } from './fakes/services.js';
import type { FakeSheet } from './fakes/spreadsheet.js';

const env = addonOnStack('gf-addon-stack-');

function addonFor(tok: string, email: string): { gas: FakeGas; addon: AddonGlobals } {
  const gas = fakeGas({ token: tok, email, distDir: env.dist });
  const addon = loadBundle(env.dist, gas);
  const saved = addon.saveSettings(apiUrl());
  expect(saved, JSON.stringify(saved)).toMatchObject({ ok: true, data: { apiUrl: apiUrl() } });
  return { gas, addon };
}

function ok<T>(out: { ok: boolean; data?: T; message?: string }): T {
  expect(out.ok, (out as { message?: string }).message).toBe(true);
  return out.data as T;
}

/** The quantity cell of color/size on an order sheet (1-based row and column). */
function cellOf(sheet: FakeSheet, color: string, size: string): { row: number; col: number } {
  const corner = sheet.find(LABEL.corner)!;
  const values = sheet.getDataRange().getValues();
  sheet.stats.reads--; // a test's own look, not the add-on's
  const col = values[corner.row - 1].findIndex((v) => String(v) === size) + 1;
  const row = values.findIndex((r, i) => i >= corner.row && String(r[0]) === color) + 1;
  if (col < 1 || row < 1) throw new Error(`no cell ${color}/${size}`);
  return { row, col };
}

function valueAt(sheet: FakeSheet, color: string, size: string) {
  const c = cellOf(sheet, color, size);
  return sheet.valueAt(c.row, c.col);
}

function typeAt(sheet: FakeSheet, color: string, size: string, v: unknown) {
  const c = cellOf(sheet, color, size);
  sheet.type(c.row, c.col, v);
}

async function getOrder(id: string) {
  const res = api('GET', `/v1/production-orders/${id}`, { token: env.admin });
  expect(res.status).toBe(200);
  return res.body;
}

function q(
  order: { matrix: { sizes: string[]; colors: string[]; quantities: number[][] } },
  color: string,
  size: string,
): number {
  return order.matrix.quantities[order.matrix.colors.indexOf(color)][order.matrix.sizes.indexOf(size)];
}

async function newOrder(state = 'ProductionReady', body: Record<string, unknown> = {}) {
  return createOrder(env.admin, state, body);
}

describe('the add-on against the local stack', () => {
  it('lists orders with filters and pagination', async () => {
    const { tp } = await newOrder();
    api('POST', '/v1/production-orders', { token: env.admin, body: { techPackId: tp.id, deliveryDate: '2027-04-01' } });
    api('POST', '/v1/production-orders', { token: env.admin, body: { techPackId: tp.id, deliveryDate: '2027-05-01' } });
    const { addon } = addonFor(env.ana, 'ana@example.com');
    const first = ok(addon.listOrders({ techPackId: tp.id, limit: 2 }));
    expect(first.items.length).toBe(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const rest = ok(addon.listOrders({ techPackId: tp.id, limit: 2, cursor: first.nextCursor }));
    expect(rest.items.length).toBe(1);
    const ids = [...first.items, ...rest.items].map((o) => o.id);
    expect(new Set(ids).size).toBe(3);
    expect(ok(addon.listOrders({ techPackId: tp.id, state: 'Planned' })).items).toEqual([]);
    const packs = ok(addon.listTechPacks('ProductionReady'));
    expect(packs.items.map((t) => t.id)).toContain(tp.id);
  });

  it('opens, pushes with one read, one request, one write; marks conflicts and loses nothing', async () => {
    const { order } = await newOrder();
    const { gas, addon } = addonFor(env.ana, 'ana@example.com');

    gas.fetcher.calls = 0;
    const panel = ok(addon.openOrder(order.id));
    expect(gas.fetcher.calls).toBe(1); // order + batches + materials in one fetchAll
    expect(panel).toMatchObject({
      orderId: order.id,
      state: 'Draft',
      version: 1,
      editable: true,
      actions: ['plan', 'cancel'],
    });
    const sheet = gas.book.sheet(panel.sheetName);
    expect(gas.book.active).toBe(sheet);
    expect(valueAt(sheet, 'NAVY', 'M')).toBe(20);
    expect(sheet.protections[0].warningOnly).toBe(true);
    // The quantities, the size and color codes, and the planner's own columns right of the block.
    expect(sheet.protections[0].unprotected.length).toBe(4);
    expect(gas.book.sheet(STATE_SHEET).hidden).toBe(true);
    for (const r of gas.fetcher.requests.filter((x) => !x.url.endsWith('/v1/health')))
      expect(r.headers.Authorization).toBe(`Bearer ${env.ana}`);

    // Ana edits two cells and types text into a third.
    typeAt(sheet, 'NAVY', 'S', 11);
    typeAt(sheet, 'NAVY', 'L', '31');
    typeAt(sheet, 'RED', 'M', 'abc');
    const before = { ...sheet.stats };
    const requestsBefore = gas.fetcher.requests.length;
    const push1 = addon.pushOrder(order.id);
    const s1 = ok(push1);
    expect(s1).toMatchObject({ sent: 2, conflicts: 0, invalid: 1, version: 2 });
    expect(sheet.stats.reads - before.reads).toBe(1);
    expect(sheet.stats.writes - before.writes).toBe(1);
    // The edits, then the materials again (the quantities changed).
    const sentNow = gas.fetcher.requests.slice(requestsBefore);
    expect(sentNow.map((r) => `${r.method} ${r.url.replace(/.*\/v1/, '')}`)).toEqual([
      `POST /production-orders/${order.id}/matrix-edits`,
      `GET /production-orders/${order.id}/materials`,
    ]);
    expect(JSON.parse(sentNow[0].body!)).toEqual({
      baseVersion: 1,
      edits: [
        { color: 'NAVY', size: 'S', from: 10, to: 11 },
        { color: 'NAVY', size: 'L', from: 30, to: 31 },
      ],
    });
    expect(gas.lock.acquired).toBe(1);
    expect(gas.lock.held).toBe(false);
    let server = await getOrder(order.id);
    expect(server.matrix.quantities).toEqual([
      [11, 20, 31],
      [5, 5, 5],
    ]);
    // the bad cell is kept as typed, marked, and was not sent
    const bad = cellOf(sheet, 'RED', 'M');
    expect(sheet.valueAt(bad.row, bad.col)).toBe('abc');
    expect(sheet.backgroundAt(bad.row, bad.col)).toBe(COLOR.invalid);
    expect(sheet.noteAt(bad.row, bad.col)).toMatch(/Not sent: this cell is text/);

    // Bo changes NAVY/S and RED/S through the API meanwhile.
    const boEdit = api('POST', `/v1/production-orders/${order.id}/matrix-edits`, {
      token: env.bo,
      body: {
        baseVersion: 2,
        edits: [
          { color: 'NAVY', size: 'S', from: 11, to: 50 },
          { color: 'RED', size: 'S', from: 5, to: 6 },
        ],
      },
    });
    expect(boEdit.status, JSON.stringify(boEdit.body)).toBe(200);

    // Ana, not having refreshed: NAVY/S (conflict), NAVY/M (clean), fixes RED/M.
    typeAt(sheet, 'NAVY', 'S', 12);
    typeAt(sheet, 'NAVY', 'M', 21);
    typeAt(sheet, 'RED', 'M', 7);
    const push2 = addon.pushOrder(order.id);
    const s2 = ok(push2);
    expect(s2).toMatchObject({ sent: 0, conflicts: 1, version: 3 });
    expect((push2 as { notice?: string }).notice).toMatch(/changed by bo@example.com/);
    server = await getOrder(order.id);
    expect(server.matrix.quantities).toEqual([
      [50, 20, 31],
      [6, 5, 5],
    ]); // nothing of Ana's second push applied
    const conflict = cellOf(sheet, 'NAVY', 'S');
    expect(sheet.valueAt(conflict.row, conflict.col)).toBe(50);
    expect(sheet.backgroundAt(conflict.row, conflict.col)).toBe(COLOR.conflict);
    expect(sheet.noteAt(conflict.row, conflict.col)).toMatch(
      /bo@example.com changed this cell to 50.*Your value 12 was not sent/,
    );
    expect(valueAt(sheet, 'NAVY', 'M')).toBe(21); // kept
    const pending = cellOf(sheet, 'NAVY', 'M');
    expect(sheet.backgroundAt(pending.row, pending.col)).toBe(COLOR.pending);
    expect(valueAt(sheet, 'RED', 'M')).toBe(7); // kept
    expect(valueAt(sheet, 'RED', 'S')).toBe(6); // Bo's, shown
    const status = sheet.find(LABEL.status)!;
    // The status line is short: the red cell by its A1 reference, who, and where to resolve it.
    const a1 = `${String.fromCharCode(64 + conflict.col)}${conflict.row}`;
    expect(String(sheet.valueAt(status.row, 2))).toBe(
      `Not pushed: ${a1} changed by bo@example.com meanwhile (red). Keep yours or take theirs in the sidebar.`,
    );

    // Pushing again sends only Ana's kept changes; Bo's work stays.
    const s3 = ok(addon.pushOrder(order.id));
    expect(s3).toMatchObject({ sent: 2, conflicts: 0, invalid: 0, version: 4 });
    server = await getOrder(order.id);
    expect(server.matrix.quantities).toEqual([
      [50, 21, 31],
      [6, 7, 5],
    ]);
    // The conflict is not resolved by pushing other cells: it stays listed (and red) until chosen.
    expect(s3.panel.conflicts).toMatchObject([{ color: 'NAVY', size: 'S', mine: 12, theirs: 50 }]);
    expect(sheet.backgroundAt(conflict.row, conflict.col)).toBe(COLOR.conflict);
    const taken = ok(addon.resolveConflicts(order.id, [{ color: 'NAVY', size: 'S', keep: 'theirs' }]));
    expect(taken.conflicts).toEqual([]);
    expect(sheet.noteAt(conflict.row, conflict.col)).toBeUndefined();
    expect(valueAt(sheet, 'NAVY', 'S')).toBe(50);
    expect(ok(addon.pushOrder(order.id)).sent).toBe(0);
  });

  it('resolves a conflict in place: lists the cells, selects one, keep mine pushes against the new base', async () => {
    const { order } = await newOrder();
    const { gas, addon } = addonFor(env.ana, 'ana@example.com');
    gas.book.timeZone = 'Asia/Dhaka'; // a factory's, not UTC, so the conversion shows
    const sheet = gas.book.sheet(ok(addon.openOrder(order.id, order.techPackId)).sheetName);
    const boEdit = api('POST', `/v1/production-orders/${order.id}/matrix-edits`, {
      token: env.bo,
      body: {
        baseVersion: 1,
        edits: [
          { color: 'NAVY', size: 'S', from: 10, to: 50 },
          { color: 'RED', size: 'L', from: 5, to: 9 },
        ],
      },
    });
    expect(boEdit.status).toBe(200);
    typeAt(sheet, 'NAVY', 'S', 12);
    typeAt(sheet, 'RED', 'L', 8);
    typeAt(sheet, 'NAVY', 'M', 21);
    expect(ok(addon.getPendingChanges(order.id))).toMatchObject({ pending: 3, invalid: 0, conflicts: 0 });
    const pushed = ok(addon.pushOrder(order.id));
    expect(pushed).toMatchObject({ sent: 0, conflicts: 2, version: 2 });
    const navy = cellOf(sheet, 'NAVY', 'S');
    const red = cellOf(sheet, 'RED', 'L');
    // When Bo changed them, in the spreadsheet's time zone (Dhaka is UTC+6).
    const at = formatDate(new Date(boEdit.body.updatedAt as string), 'Asia/Dhaka', 'yyyy-MM-dd HH:mm');
    expect(pushed.panel.conflicts).toEqual([
      {
        color: 'NAVY',
        size: 'S',
        ref: a1(navy.row, navy.col),
        row: navy.row,
        col: navy.col,
        base: 10,
        mine: 12,
        theirs: 50,
        by: 'bo@example.com',
        at,
      },
      {
        color: 'RED',
        size: 'L',
        ref: a1(red.row, red.col),
        row: red.row,
        col: red.col,
        base: 5,
        mine: 8,
        theirs: 9,
        by: 'bo@example.com',
        at,
      },
    ]);
    // The sidebar's list survives a reopen of the sidebar (it is kept with the sheet).
    expect(ok(addon.getActiveOrder())?.conflicts).toHaveLength(2);
    // Clicking a cell selects it on the sheet.
    gas.book.active = gas.book.sheet('Sheet1');
    ok(addon.selectCell(order.id, red.row, red.col));
    expect(gas.book.active).toBe(sheet);
    expect(gas.book.selection).toMatchObject({ row: red.row, col: red.col, numRows: 1, numCols: 1 });

    // Keep mine for NAVY/S: back on the sheet as a pending change from Bo's value.
    const kept = ok(addon.resolveConflicts(order.id, [{ color: 'NAVY', size: 'S', keep: 'mine' }]));
    expect(kept.conflicts?.map((c) => c.ref)).toEqual([a1(red.row, red.col)]);
    expect(sheet.valueAt(navy.row, navy.col)).toBe(12);
    expect(sheet.backgroundAt(navy.row, navy.col)).toBe(COLOR.pending);
    expect(sheet.backgroundAt(red.row, red.col)).toBe(COLOR.conflict);
    expect(ok(addon.getPendingChanges(order.id))).toMatchObject({ pending: 2, invalid: 0, conflicts: 1 });
    const before = gas.fetcher.requests.length;
    const s2 = ok(addon.pushOrder(order.id));
    expect(s2).toMatchObject({ sent: 2, conflicts: 0, version: 3 });
    const body = JSON.parse(gas.fetcher.requests[before].body!);
    expect(body).toEqual({
      baseVersion: 2, // the new base: the version Bo's change made
      edits: [
        { color: 'NAVY', size: 'S', from: 50, to: 12 },
        { color: 'NAVY', size: 'M', from: 20, to: 21 },
      ],
    });
    expect(s2.panel.conflicts?.map((c) => c.ref)).toEqual([a1(red.row, red.col)]);
    const server = await getOrder(order.id);
    expect(server.matrix.quantities).toEqual([
      [12, 21, 30],
      [5, 5, 9],
    ]);
    // Keep mine for all (the one left): pushed, nothing left to resolve.
    ok(addon.resolveConflicts(order.id, [{ color: 'RED', size: 'L', keep: 'mine' }]));
    expect(ok(addon.pushOrder(order.id))).toMatchObject({ sent: 1, conflicts: 0 });
    expect((await getOrder(order.id)).matrix.quantities[1]).toEqual([5, 5, 8]);
    expect(ok(addon.getActiveOrder())?.conflicts).toEqual([]);
  });

  it('fills by ratio and pastes by codes, as pending edits pushed in one request', async () => {
    const { order } = await newOrder('ProductionReady', {
      matrix: {
        sizes: ['S', 'M', 'L'],
        colors: ['NAVY', 'RED', 'HEATHER-GREY'],
        quantities: [
          [0, 0, 0],
          [0, 0, 0],
          [0, 0, 0],
        ],
      },
    });
    const { gas, addon } = addonFor(env.ana, 'ana@example.com');
    const sheet = gas.book.sheet(ok(addon.openOrder(order.id)).sheetName);
    const bad = addon.ratioFill(order.id, { total: 100, sizeRatio: '1:2', split: [], splitBy: 'percent' });
    expect(bad).toMatchObject({
      ok: false,
      message: expect.stringMatching(/size ratio has 2 parts; this order has 3/),
    });
    const filled = ok(
      addon.ratioFill(order.id, {
        total: 1000,
        sizeRatio: '1:2:1',
        split: [
          { color: 'NAVY', value: 50 },
          { color: 'RED', value: 30 },
          { color: 'HEATHER-GREY', value: 20 },
        ],
        splitBy: 'percent',
      }),
    );
    expect(filled.changed).toBe(9);
    expect(valueAt(sheet, 'NAVY', 'M')).toBe(250);
    expect(valueAt(sheet, 'HEATHER-GREY', 'S')).toBe(50);
    const navyM = cellOf(sheet, 'NAVY', 'M');
    expect(sheet.backgroundAt(navyM.row, navyM.col)).toBe(COLOR.pending);
    expect(ok(addon.getPendingChanges(order.id))?.pending).toBe(9);

    // A buyer's table on another tab, codes in another order and case, one unknown color and size.
    const buyer = gas.book.insertSheet('Buyer') as FakeSheet;
    const table = [
      ['PO 991', 'L', 's', 'XXL'],
      ['red', 7, 3, 4],
      ['PINK', 1, 1, 1],
    ];
    table.forEach((r, i) => r.forEach((v, j) => buyer.type(5 + i, 3 + j, v)));
    gas.book.select(buyer, 5, 3, 3, 4);
    const pasted = ok(addon.pasteByCodes(order.id));
    expect(pasted).toMatchObject({
      placed: 2,
      changed: 2,
      unknownColors: [{ code: 'PINK', ref: 'C7', pieces: 3 }],
      unknownSizes: [{ code: 'XXL', ref: 'F5', pieces: 4 }],
    });
    expect(gas.book.active).toBe(sheet);
    expect(valueAt(sheet, 'RED', 'L')).toBe(7);
    expect(valueAt(sheet, 'RED', 'S')).toBe(3);
    expect(valueAt(sheet, 'RED', 'M')).toBe(150); // blank in the paste: left as filled
    const before = gas.fetcher.requests.length;
    expect(ok(addon.pushOrder(order.id))).toMatchObject({ sent: 9, conflicts: 0, version: 2 });
    // One request for all the edits, then the materials read again (the new quantities change them).
    expect(gas.fetcher.requests.slice(before).map((r) => `${r.method} ${r.url.replace(/.*\/v1/, '')}`)).toEqual([
      `POST /production-orders/${order.id}/matrix-edits`,
      `GET /production-orders/${order.id}/materials`,
    ]);
    expect((await getOrder(order.id)).matrix.quantities).toEqual([
      [125, 250, 125],
      [3, 150, 7],
      [50, 100, 50],
    ]);
  });

  it('adds sizes and colors while Draft, with If-Match', async () => {
    const { order } = await newOrder();
    const { gas, addon } = addonFor(env.ana, 'ana@example.com');
    const sheet = gas.book.sheet(ok(addon.openOrder(order.id)).sheetName);
    // Insert a column before Total and type a new size; add a color row above Total.
    const corner = sheet.find(LABEL.corner)!;
    const total = cellOf(sheet, 'NAVY', 'L').col + 1;
    sheet.insertColumnsAfter(total - 1, 1);
    sheet.type(corner.row, total, 'XL');
    typeAt(sheet, 'NAVY', 'XL', 4);
    const redRow = cellOf(sheet, 'RED', 'S').row;
    sheet.insertRowsAfter(redRow, 1);
    sheet.type(redRow + 1, 1, 'BLACK');
    sheet.type(redRow + 1, cellOf(sheet, 'NAVY', 'M').col, 9);
    typeAt(sheet, 'RED', 'L', 6);
    const before = gas.fetcher.requests.length;
    const s = ok(addon.pushOrder(order.id));
    expect(s).toMatchObject({ structureChanged: true, sent: 3 });
    const sent = gas.fetcher.requests.slice(before);
    expect(sent.map((r) => r.method)).toEqual(['PATCH', 'POST', 'GET']);
    expect(sent[0].headers['If-Match']).toBe('"1"');
    expect(JSON.parse(sent[0].body!)).toEqual({ sizes: ['S', 'M', 'L', 'XL'], colors: ['NAVY', 'RED', 'BLACK'] });
    const server = await getOrder(order.id);
    expect(server.matrix).toEqual({
      sizes: ['S', 'M', 'L', 'XL'],
      colors: ['NAVY', 'RED', 'BLACK'],
      quantities: [
        [10, 20, 30, 4],
        [5, 5, 6, 0],
        [0, 9, 0, 0],
      ],
    });
    expect(valueAt(sheet, 'BLACK', 'M')).toBe(9);
  });

  it('walks an order from Draft to Released with friendly refusals on the way', async () => {
    const { order, tp } = await newOrder('Design', { matrix: undefined, deliveryDate: undefined });
    const { gas, addon } = addonFor(env.ana, 'ana@example.com');
    const sheet = gas.book.sheet(ok(addon.openOrder(order.id)).sheetName);
    expect(addon.transitionOrder(order.id, 'plan', {})).toMatchObject({
      ok: false,
      code: 'TECH_PACK_NOT_READY',
      message: 'The tech pack is still in Design: it must be Production ready before this order can be planned.',
    });
    for (const to of ['Approval', 'ProductionReady']) {
      expect(api('POST', `/v1/tech-packs/${tp.id}/transitions`, { token: env.admin, body: { to } }).status).toBe(200);
    }
    const incomplete = addon.transitionOrder(order.id, 'plan', {});
    expect(incomplete).toMatchObject({
      ok: false,
      code: 'ORDER_INCOMPLETE',
      message: expect.stringMatching(
        /^This order cannot be planned yet: the matrix has no quantities; the delivery date is not set/,
      ),
    });
    typeAt(sheet, 'NAVY', 'S', 100);
    expect(addon.transitionOrder(order.id, 'plan', {})).toMatchObject({ ok: false, code: 'UNPUSHED_CHANGES' });
    ok(addon.pushOrder(order.id));
    const dated = api('PATCH', `/v1/production-orders/${order.id}`, {
      token: env.admin,
      headers: { 'If-Match': '"2"' },
      body: { deliveryDate: '2027-06-01' },
    });
    expect(dated.status, JSON.stringify(dated.body)).toBe(200);
    expect(ok(addon.refreshOrder(order.id, false))).toMatchObject({ deliveryDate: '2027-06-01', version: 3 });
    expect(ok(addon.transitionOrder(order.id, 'plan', {}))).toMatchObject({
      state: 'Planned',
      actions: ['reopen', 'release', 'cancel'],
    });
    expect(addon.transitionOrder(order.id, 'cancel', {})).toMatchObject({ ok: false, code: 'REASON_REQUIRED' });
    const released = ok(addon.transitionOrder(order.id, 'release', {}));
    expect(released).toMatchObject({ state: 'Released', editable: true, amendment: true });
    expect((await getOrder(order.id)).state).toBe('Released');
    expect(sheet.protections.length).toBe(1);
    // The quantities (an amendment) and the planner's own columns right of the block; the codes are locked.
    const q0 = cellOf(sheet, 'NAVY', 'S');
    expect(sheet.protections[0].unprotected.map((r) => r.col)).toEqual([q0.col, 10]);
    expect(String(sheet.valueAt(sheet.find(LABEL.state)!.row, 2))).toBe('Released');
    // After release an edit is an amendment that needs a reason (issue 14): asked for first, kept on the sheet.
    typeAt(sheet, 'NAVY', 'S', 101);
    expect(addon.pushOrder(order.id)).toMatchObject({
      ok: false,
      code: 'REASON_REQUIRED',
      message: expect.stringMatching(/is Released: changing its quantities is an amendment/),
    });
    expect(valueAt(sheet, 'NAVY', 'S')).toBe(101);
    const amended = ok(addon.pushOrder(order.id, { reason: 'customer added 1 navy S' }));
    expect(amended).toMatchObject({ sent: 1, conflicts: 0, version: 6 });
    const stored = await getOrder(order.id);
    expect(q(stored, 'NAVY', 'S')).toBe(101);
    expect(addon.transitionOrder(order.id, 'plan', {})).toMatchObject({
      ok: false,
      code: 'ILLEGAL_TRANSITION',
      message: expect.stringMatching(/^An order that is Released cannot be planned/),
    });
    expect(ok(addon.getActiveOrder())).toMatchObject({ orderId: order.id, state: 'Released' });
  });

  it('amends a released order with a reason, never below what is batched (named by A1)', async () => {
    const { order } = await newOrder();
    const { gas, addon } = addonFor(env.ana, 'ana@example.com');
    const panel = ok(addon.openOrder(order.id));
    ok(addon.transitionOrder(order.id, 'plan', {}));
    ok(addon.transitionOrder(order.id, 'release', {}));
    const withBatches = ok(addon.generateBatches(order.id));
    expect(withBatches).toMatchObject({ state: 'Released', editable: true, amendment: true });
    expect(withBatches.progress.batched).toBeGreaterThan(0);
    const sheet = gas.book.sheet(panel.sheetName);
    typeAt(sheet, 'NAVY', 'M', 1);
    typeAt(sheet, 'RED', 'L', 6);
    const refused = addon.pushOrder(order.id, { reason: 'fewer navy M' });
    expect(refused).toMatchObject({ ok: false, code: 'BELOW_BATCHED' });
    const { row, col } = cellOf(sheet, 'NAVY', 'M');
    const ref = `${String.fromCharCode(64 + col)}${row}`;
    expect((refused as { message?: string }).message).toMatch(
      new RegExp(
        `^Nothing was sent: 1 cell would go below what is already batched: ${ref} \\(NAVY/M\\) has \\d+ batched, you asked 1`,
      ),
    );
    // Nothing applied; the planner's values stay on the sheet to correct.
    expect(q(await getOrder(order.id), 'NAVY', 'M')).toBe(20);
    expect(valueAt(sheet, 'NAVY', 'M')).toBe(1);
    typeAt(sheet, 'NAVY', 'M', 25);
    const pushed = ok(addon.pushOrder(order.id, { reason: 'more navy M and red L' }));
    expect(pushed).toMatchObject({ sent: 2, conflicts: 0 });
    const now = await getOrder(order.id);
    expect([q(now, 'NAVY', 'M'), q(now, 'RED', 'L')]).toEqual([25, 6]);
  });

  it('creates an order for a tech pack and opens it', async () => {
    const tp = createTechPack(env.admin, 'Commercial');
    const { gas, addon } = addonFor(env.admin, 'admin@example.com');
    const created = addon.createOrder({ techPackId: tp.id, deliveryDate: '2027-09-01' });
    const panel = ok(created);
    expect(panel).toMatchObject({ state: 'Draft', deliveryDate: '2027-09-01', styleCode: tp.styleCode });
    expect((created as { notice?: string }).notice).toMatch(/created in Draft/);
    const sheet = gas.book.sheet(panel.sheetName);
    expect(valueAt(sheet, 'NAVY', 'S')).toBe(0);
    expect(gas.fetcher.requests.find((r) => r.method === 'POST')?.headers['Idempotency-Key']).toEqual(
      expect.any(String),
    );
    expect(addon.createOrder({ techPackId: 'TP-999999' })).toMatchObject({ ok: false, code: 'NOT_FOUND' });

    // Opening it again keeps what the planner typed and has not pushed.
    typeAt(sheet, 'RED', 'M', 8);
    const again = ok(addon.openOrder(panel.orderId));
    expect(again.sheetName).toBe(panel.sheetName);
    expect(valueAt(sheet, 'RED', 'M')).toBe(8);
    expect((await getOrder(panel.orderId)).total).toBe(0);
    // A sheet deleted by hand: the order opens into a new one.
    gas.book.deleteSheet(panel.sheetName);
    const reopened = ok(addon.openOrder(panel.orderId));
    expect(gas.book.sheets.filter((s) => s.name.includes(panel.orderId)).length).toBe(1);
    expect(valueAt(gas.book.sheet(reopened.sheetName), 'RED', 'M')).toBe(0);
    expect(ok(addon.pushOrder(panel.orderId)).sent).toBe(0);
  });

  it('opens and pushes a 20,000-cell matrix with one range read, one request and one range write', async () => {
    const sizes = Array.from({ length: 100 }, (_, i) => `Z${String(i).padStart(3, '0')}`);
    const colors = Array.from({ length: 200 }, (_, i) => `C${String(i).padStart(3, '0')}`);
    const { order } = await newOrder('ProductionReady', {
      matrix: { sizes, colors, quantities: colors.map(() => sizes.map(() => 1)) },
    });
    expect(order.total).toBe(20_000);
    const { gas, addon } = addonFor(env.ana, 'ana@example.com');
    const t0 = Date.now();
    gas.fetcher.calls = 0;
    const sheet = gas.book.sheet(ok(addon.openOrder(order.id)).sheetName);
    expect(gas.fetcher.calls).toBe(1);
    expect(sheet.stats.writes).toBe(1);
    const corner = sheet.find(LABEL.corner)!;
    for (let r = 0; r < colors.length; r++)
      for (let c = 0; c < sizes.length; c++) sheet.type(corner.row + 1 + r, 2 + c, 2 + ((r + c) % 5));
    const before = { ...sheet.stats };
    const requestsBefore = gas.fetcher.requests.length;
    const t1 = Date.now();
    const s = ok(addon.pushOrder(order.id));
    const pushMs = Date.now() - t1;
    expect(s.sent).toBe(20_000);
    expect(sheet.stats.reads - before.reads).toBe(1);
    expect(sheet.stats.writes - before.writes).toBe(1);
    expect(gas.fetcher.requests.length - requestsBefore).toBe(2); // the edits, then the materials
    const server = await getOrder(order.id);
    expect(server.total).toBe(colors.reduce((t, _, r) => t + sizes.reduce((u, _s, c) => u + 2 + ((r + c) % 5), 0), 0));
    expect(valueAt(sheet, 'C199', 'Z099')).toBe(2 + ((199 + 99) % 5));
    // Far inside Apps Script's 6-minute limit (here the whole open + push takes seconds).
    expect(pushMs).toBeLessThan(60_000);
    expect(Date.now() - t0).toBeLessThan(120_000);
  });

  it('shows the materials summary, flags it stale when the BOM changes, and refreshes it keeping unpushed edits', async () => {
    const { order, tp } = await newOrder();
    const { gas, addon } = addonFor(env.ana, 'ana@example.com');
    const opened = ok(addon.openOrder(order.id));
    expect(opened.materialsStale).toBe(false);
    const sheet = gas.book.sheet(opened.sheetName);
    const mat = sheet.find(LABEL.materials)!;
    expect(String(sheet.valueAt(mat.row, 2))).toMatch(/Up to date/);
    expect(sheet.valueAt(sheet.find(LABEL.materialLines)!.row + 1, 1)).toBe('FAB-JERSEY');
    const bom = [
      { material: 'FAB-JERSEY', uom: 'm', consumption: 1.5, wastagePct: 5, variants: 'match', purchaseMultiple: 50 },
    ];
    // The signed-off spec is locked (TECH_PACK_LOCKED): the BOM changes once the tech pack is back in Design.
    const reopened = api('POST', `/v1/tech-packs/${tp.id}/transitions`, { token: env.admin, body: { to: 'Design' } });
    expect(reopened.status, JSON.stringify(reopened.body)).toBe(200);
    const headers = { 'If-Match': `"${reopened.body.version}"` };
    const patched = api('PATCH', `/v1/tech-packs/${tp.id}`, { token: env.admin, headers, body: { bom } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    typeAt(sheet, 'NAVY', 'S', 13);
    expect(ok(addon.refreshOrder(order.id, false)).materialsStale).toBe(true);
    expect(String(sheet.valueAt(sheet.find(LABEL.materials)!.row, 2))).toMatch(/^STALE/);
    expect(valueAt(sheet, 'NAVY', 'S')).toBe(13); // kept through the refresh
    const refreshed = ok(addon.refreshMaterials(order.id));
    expect(refreshed.materialsStale).toBe(false);
    expect(valueAt(sheet, 'NAVY', 'S')).toBe(13);
    expect(ok(addon.pushOrder(order.id))).toMatchObject({ sent: 1 });
    expect(q(await getOrder(order.id), 'NAVY', 'S')).toBe(13);
  });

  it('runs batches: generate, start, record output on its sheet, finish; then short-closes the order', async () => {
    const { order } = await newOrder('ProductionReady', { batchPlan: { maxBatchQty: 40 } });
    const { gas, addon } = addonFor(env.ana, 'ana@example.com');
    ok(addon.openOrder(order.id));
    ok(addon.transitionOrder(order.id, 'plan', {}));
    ok(addon.transitionOrder(order.id, 'release', {}));
    const generated = ok(addon.generateBatches(order.id));
    expect(generated.batches.length).toBeGreaterThan(0);
    expect(generated.batches.reduce((t, b) => t + b.total, 0)).toBe(order.total);
    const b = generated.batches[0];
    const started = ok(addon.startBatch(order.id, b.id));
    expect(started.state).toBe('InProgress');
    expect(started.batches.find((x) => x.id === b.id)?.state).toBe('Running');
    const out = ok(addon.openBatchOutput(order.id, b.id));
    const outSheet = gas.book.sheet(out.sheetName);
    const producedCorner = outSheet.find(OUTPUT_LABEL.produced)!.row + 1;
    const firstColor = b.colors[0];
    expect(outSheet.valueAt(producedCorner + 1, 1)).toBe(firstColor);
    expect(outSheet.valueAt(producedCorner + 1, 2)).toBe(''); // counted, not prefilled
    outSheet.type(producedCorner + 1, 2, 'x');
    expect(addon.finishBatch(order.id, b.id)).toMatchObject({ ok: false, code: 'SHEET_PROBLEMS' });
    outSheet.type(producedCorner + 1, 2, 0);
    // Nothing typed: every garment is unaccounted for, so the add-on asks why before sending.
    const unaccounted = addon.finishBatch(order.id, b.id);
    const notCounted = { ok: false, code: 'REASON_REQUIRED', message: expect.stringMatching(/not accounted for/) };
    expect(unaccounted).toMatchObject(notCounted);
    b.colors.forEach((_, r) =>
      b.sizes.forEach((_, c) => outSheet.type(producedCorner + 1 + r, 2 + c, b.quantities[r][c])),
    );
    const finished = ok(addon.finishBatch(order.id, b.id));
    expect(finished.batches.find((x) => x.id === b.id)).toMatchObject({ state: 'Finished', produced: b.total });
    const orderSheet = gas.book.sheet(finished.sheetName);
    expect(orderSheet.find(b.id)).not.toBeNull();
    // Completing needs every batch done, and the quantities within tolerance or a short-close.
    expect(addon.transitionOrder(order.id, 'complete', {})).toMatchObject({
      ok: false,
      code: 'BATCHES_OPEN',
      message: expect.stringMatching(/not Finished or Cancelled yet/),
    });
    let p = finished;
    for (const other of finished.batches.filter((x) => x.state === 'Planned'))
      p = ok(addon.cancelBatch(order.id, other.id));
    expect(p.batches.filter((x) => x.state === 'Planned')).toEqual([]);
    // Produced garments cannot be cancelled away: the refusal says to short-close instead.
    expect(addon.transitionOrder(order.id, 'cancel', { reason: 'customer left' })).toMatchObject({
      ok: false,
      code: 'ORDER_HAS_OUTPUT',
      message: expect.stringMatching(/cannot be cancelled\. Short-close it instead\./),
    });
    expect(addon.transitionOrder(order.id, 'complete', {})).toMatchObject({
      ok: false,
      code: 'OUT_OF_TOLERANCE',
      message: expect.stringMatching(/short-close with a reason/),
    });
    expect(addon.transitionOrder(order.id, 'shortClose', {})).toMatchObject({ ok: false, code: 'REASON_REQUIRED' });
    expect(ok(addon.transitionOrder(order.id, 'shortClose', { reason: 'fabric ran out' }))).toMatchObject({
      state: 'Completed',
      actions: [],
    });
    expect((await getOrder(order.id)).state).toBe('Completed');
  });
});
