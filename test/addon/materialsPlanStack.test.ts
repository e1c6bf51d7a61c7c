// The built add-on (dist/Code.js) in a Node vm against the local stack: "Refresh materials plan"
// fetches every page of GET /v1/material-requirements (one UrlFetch per page) and rewrites the
// spreadsheet's one "Materials plan" sheet, and nothing else. Orders in several states (a Draft,
// Planned, Released, a Cancelled one counting nothing), a raw material with on-hand and on-order
// supply, a BOM change making the unpinned orders stale. The stack is shared with other files: this
// file's materials carry their own suffix and every check is filtered by it.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAddon } from '../../addon/build.js';
import {
  dateSerial,
  MATERIALS_PLAN_SHEET,
  ordersText,
  PLAN_COLOR,
  PLAN_COLUMNS,
  PLAN_FORMAT,
  PLAN_LABEL,
  type RequirementLine,
} from '../../addon/src/materialsPlan.js';
import { addDays } from '../../shared/requirements.js';
import { apiUrl, token } from '../support/api.js';
import { techPackBody } from '../support/fixtures.js';
import { loadBundle } from './fakes/bundle.js';
import { fakeGas, formatDate } from './fakes/services.js';
import type { FakeSheet } from './fakes/spreadsheet.js';
import { api } from './helpers.js';

let dist: string;
let admin: string;
let lou: string;
beforeAll(async () => {
  dist = mkdtempSync(path.join(os.tmpdir(), 'gf-addon-plan-'));
  await buildAddon({ outDir: dist, apiUrl: '' });
  [admin, lou] = await Promise.all([
    token({ email: 'admin@example.com', roles: ['admin', 'planner', 'commercial'] }),
    token({ email: 'lou@example.com', roles: ['logistics'] }),
  ]);
});
afterAll(() => rmSync(dist, { recursive: true, force: true }));

const u = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`.toUpperCase();
const FAB = `FAB-${u}`;
const INK = `INK-${u}`;
const TRIMS = Array.from({ length: 100 }, (_, i) => `TRIM-${u}-${String(i).padStart(3, '0')}`);
const mine = (l: { material: string }) => l.material.endsWith(u) || l.material.startsWith(`TRIM-${u}-`);

function ok(res: { status: number; body: any }, status = 200) {
  expect(res.status, JSON.stringify(res.body)?.slice(0, 600)).toBe(status);
  return res.body;
}

/** Every requirement line, paged by the test itself: the lines and how many pages of 100 they take. */
function allLines(): { lines: RequirementLine[]; pages: number } {
  const lines: RequirementLine[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page = ok(api('GET', `/v1/material-requirements?limit=100${q}`, { token: lou }));
    pages++;
    lines.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return { lines, pages };
}

/** The plan sheet's table: the rows under its header, as objects keyed by column. */
function table(sheet: FakeSheet) {
  const values = sheet.getDataRange().getValues();
  sheet.stats.reads--; // the test's own look
  const header = values.findIndex((r) => r[0] === PLAN_COLUMNS[0]);
  expect(values[header].slice(0, PLAN_COLUMNS.length)).toEqual([...PLAN_COLUMNS]);
  return values.slice(header + 1).map((r, i) => ({
    row: header + 2 + i,
    cells: Object.fromEntries(PLAN_COLUMNS.map((c, j) => [c, r[j]])) as Record<(typeof PLAN_COLUMNS)[number], unknown>,
  }));
}

const colOf = (name: (typeof PLAN_COLUMNS)[number]) => PLAN_COLUMNS.indexOf(name) + 1;

describe('the materials plan sheet against the local stack', () => {
  it('lists every line of every page, overdue and stale marked, and rewrites only its own sheet', () => {
    const lead: number = ok(api('GET', '/v1/settings', { token: admin })).productionLeadDays;
    const todayUtc = new Date().toISOString().slice(0, 10);
    const bom = [
      { material: FAB, uom: 'm', consumption: 1.5, wastagePct: 0, variants: 'match', purchaseMultiple: 50 },
      { material: INK, uom: 'kg', consumption: 0.02, wastagePct: 0, appliesTo: ['RED'], purchaseMultiple: 0.5 },
      ...TRIMS.map((material) => ({ material, uom: 'pc', consumption: 1, wastagePct: 0 })),
    ];
    let tp = ok(api('POST', '/v1/tech-packs', { token: admin, body: techPackBody({ bom }) }), 201);
    for (const to of ['Design', 'Approval', 'ProductionReady'])
      tp = ok(api('POST', `/v1/tech-packs/${tp.id}/transitions`, { token: admin, body: { to } }));
    const order = (days: number, navy: number, red: number) =>
      ok(
        api('POST', '/v1/production-orders', {
          token: admin,
          body: {
            techPackId: tp.id,
            deliveryDate: addDays(todayUtc, days),
            matrix: {
              sizes: ['S', 'M', 'L'],
              colors: ['NAVY', 'RED'],
              quantities: [
                [0, navy, 0],
                [0, red, 0],
              ],
            },
          },
        }),
        201,
      );
    const move = (id: string, body: Record<string, unknown>) =>
      ok(api('POST', `/v1/production-orders/${id}/transitions`, { token: admin, body }));
    const draft = order(60, 10, 0);
    const planned = order(30, 20, 0);
    move(planned.id, { action: 'plan' });
    const released = order(45, 4, 6);
    move(released.id, { action: 'plan' });
    move(released.id, { action: 'release' });
    const cancelled = order(20, 100, 100);
    move(cancelled.id, { action: 'cancel', reason: 'customer withdrew' });
    // FAB: 60 days from the mill; 12.5 m of NAVY in the house, 20 m arriving tomorrow, 500 m too late.
    ok(
      api('PUT', `/v1/raw-materials/${FAB}`, {
        token: lou,
        body: {
          leadTimeDays: 60,
          variants: [
            {
              variant: 'NAVY',
              uom: 'm',
              onHand: 12.5,
              onOrder: [
                { qty: 20, eta: addDays(todayUtc, 1) },
                { qty: 500, eta: addDays(todayUtc, 400) },
              ],
            },
          ],
        },
      }),
    );

    // The planner's spreadsheet: a sheet of their own and an open order.
    const gas = fakeGas({ token: admin, email: 'admin@example.com', distDir: dist });
    gas.book.timeZone = 'Pacific/Kiritimati'; // UTC+14: "today" is the spreadsheet's, not the server's
    const addon = loadBundle(dist, gas);
    expect(addon.saveSettings(apiUrl())).toMatchObject({ ok: true });
    const own = gas.book.sheet('Sheet1');
    own.type(1, 1, 'my notes');
    own.type(2, 3, 42);
    const opened = addon.openOrder(planned.id);
    expect(opened.ok).toBe(true);
    const orderSheet = gas.book.sheet((opened as { data: { sheetName: string } }).data.sheetName);
    const snapshot = (s: FakeSheet) => JSON.stringify(s.cells);
    const before = { own: snapshot(own), order: snapshot(orderSheet), sheets: gas.book.sheets.length };
    const orderWrites = orderSheet.stats.writes;

    const pagesBefore = allLines().pages;
    gas.fetcher.calls = 0;
    gas.fetcher.requests = [];
    const out = addon.refreshMaterialsPlan();
    expect(out, JSON.stringify(out).slice(0, 400)).toMatchObject({ ok: true });
    const { lines: apiLines, pages: pagesAfter } = allLines();
    // One request per page (never per line); at least two pages: this file alone has 103 lines.
    expect(pagesBefore).toBeGreaterThanOrEqual(2);
    expect(gas.fetcher.calls).toBe(gas.fetcher.requests.length);
    expect(gas.fetcher.calls).toBeGreaterThanOrEqual(pagesBefore);
    expect(gas.fetcher.calls).toBeLessThanOrEqual(pagesAfter);
    for (const r of gas.fetcher.requests) expect(r).toMatchObject({ method: 'GET' });
    for (const r of gas.fetcher.requests) expect(r.url).toMatch(/\/v1\/material-requirements\?limit=100/);

    const plan = gas.book.sheet(MATERIALS_PLAN_SHEET);
    expect(gas.book.sheets.length).toBe(before.sheets + 1);
    expect(gas.book.active).toBe(plan);
    expect(snapshot(own)).toBe(before.own);
    expect(snapshot(orderSheet)).toBe(before.order);
    expect(orderSheet.stats.writes).toBe(orderWrites);
    // One range, one call per layer.
    expect(plan.stats).toMatchObject({ writes: 1, formatCalls: 3 });
    expect(plan.protections.length).toBe(1);
    expect(plan.protections[0].warningOnly).toBe(true);

    const today = formatDate(new Date(), 'Pacific/Kiritimati', 'yyyy-MM-dd');
    const values = plan.getDataRange().getValues();
    plan.stats.reads--;
    expect(values.find((r) => r[0] === PLAN_LABEL.today)?.[1]).toBe(today);

    const rows = table(plan);
    const ours = rows.filter((r) => mine({ material: String(r.cells.Material) }));
    const expected = apiLines.filter(mine);
    expect(ours.length).toBe(2 + 1 + TRIMS.length); // FAB NAVY and RED, INK for RED, the trims
    expect(ours.map((r) => `${r.cells.Material}/${r.cells.Variant}`).sort()).toEqual(
      expected.map((l) => `${l.material}/${l.variant}`).sort(),
    );
    const at = (material: string, variant: string) => {
      const r = ours.find((x) => x.cells.Material === material && x.cells.Variant === variant);
      if (!r) throw new Error(`no row ${material}/${variant}`);
      return r;
    };

    // FAB NAVY: firm (Planned 20 + Released 4) x 1.5 = 36, tentative Draft 10 x 1.5 = 15; the
    // cancelled order's 100 count nothing. 12.5 on hand, 20 arriving in time: net 18.5, rolls of 50.
    const navyNeedBy = addDays(todayUtc, 30 - lead);
    const navy = at(FAB, 'NAVY');
    expect(navy.cells).toMatchObject({
      UoM: 'm',
      'Required firm': 36,
      'Required tentative': 15,
      'On hand': 12.5,
      'On order': 20,
      Net: 18.5,
      Purchase: 50,
      'Need by': dateSerial(navyNeedBy),
      'Order by': dateSerial(addDays(navyNeedBy, -60)),
      'Order status': PLAN_LABEL.overdue,
    });
    const navyLine = expected.find((l) => l.material === FAB && l.variant === 'NAVY')!;
    expect(navy.cells.Orders).toBe(ordersText(navyLine.orders));
    expect(String(navy.cells.Orders)).toContain(planned.id);
    expect(String(navy.cells.Orders)).toContain(released.id);
    expect(String(navy.cells.Orders)).toContain(draft.id);
    expect(String(navy.cells.Orders)).not.toContain(cancelled.id);
    // Overdue: a color and a word; numbers formatted without a trailing dot; dates as dates.
    expect(plan.backgroundAt(navy.row, colOf('Order by'))).toBe(PLAN_COLOR.overdue);
    expect(plan.backgroundAt(navy.row, colOf('Order status'))).toBe(PLAN_COLOR.overdue);
    expect(plan.formatAt(navy.row, colOf('Required firm'))).toBe(PLAN_FORMAT.integer);
    expect(plan.formatAt(navy.row, colOf('On hand'))).toBe(PLAN_FORMAT.decimal);
    expect(plan.formatAt(navy.row, colOf('Need by'))).toBe(PLAN_FORMAT.date);
    expect(plan.formatAt(navy.row, colOf('Material'))).toBe(PLAN_FORMAT.text);

    // FAB RED: the Released order's 6 x 1.5 = 9, firm; nothing in supply; overdue too (60 days' lead).
    expect(at(FAB, 'RED').cells).toMatchObject({ 'Required firm': 9, 'Required tentative': 0, Net: 9, Purchase: 50 });
    // INK on RED only: 6 x 0.02 = 0.12 kg, in steps of 0.5; no supply described, so no lead time:
    // order by = need by, a month away: not overdue.
    const ink = at(INK, INK);
    const inkNeedBy = addDays(todayUtc, 45 - lead);
    expect(ink.cells).toMatchObject({
      UoM: 'kg',
      'Required firm': 0.12,
      Net: 0.12,
      Purchase: 0.5,
      'Need by': dateSerial(inkNeedBy),
      'Order by': dateSerial(inkNeedBy),
      'Order status': '',
    });
    expect(plan.backgroundAt(ink.row, colOf('Order by'))).toBe(PLAN_COLOR.cell);
    expect(plan.formatAt(ink.row, colOf('Net'))).toBe(PLAN_FORMAT.decimal);
    // Every trim, one a garment of either color: firm 20 + 4 + 6 = 30, tentative 10.
    for (const m of TRIMS) expect(at(m, m).cells).toMatchObject({ 'Required firm': 30, 'Required tentative': 10 });
    // Each line as the API answered it.
    for (const l of expected) {
      const r = at(l.material, l.variant).cells;
      expect([r['On hand'], r['On order'], r.Net, r.Purchase, r.Stale]).toEqual([
        l.onHand,
        l.onOrder,
        l.net,
        l.purchase,
        l.stale ? PLAN_LABEL.stale : '',
      ]);
    }
    expect(ours.every((r) => r.cells.Stale === '')).toBe(true);

    // The BOM changes (jersey 2 m a garment): the unpinned orders' requirements are now stale. More
    // jersey arrives in time. A second refresh rewrites the same sheet, in place.
    tp = ok(api('POST', `/v1/tech-packs/${tp.id}/transitions`, { token: admin, body: { to: 'Design' } }));
    ok(
      api('PATCH', `/v1/tech-packs/${tp.id}`, {
        token: admin,
        body: { bom: [{ ...bom[0], consumption: 2 }, ...bom.slice(1)] },
        headers: { 'if-match': `"${tp.version}"` },
      }),
    );
    ok(
      api('PUT', `/v1/raw-materials/${FAB}`, {
        token: lou,
        body: {
          leadTimeDays: 60,
          variants: [{ variant: 'NAVY', uom: 'm', onHand: 100, onOrder: [] }],
        },
      }),
    );
    plan.setName('Jersey and trims'); // the planner renamed it: still the plan
    const second = addon.refreshMaterialsPlan();
    expect(second).toMatchObject({ ok: true, data: { sheetName: 'Jersey and trims' } });
    expect(gas.book.sheets.length).toBe(before.sheets + 1);
    expect(snapshot(own)).toBe(before.own);
    expect(snapshot(orderSheet)).toBe(before.order);
    expect(plan.stats).toMatchObject({ writes: 2, formatCalls: 6 });
    const after = table(plan).filter((r) => mine({ material: String(r.cells.Material) }));
    const navyAfter = after.find((r) => r.cells.Material === FAB && r.cells.Variant === 'NAVY')!;
    expect(navyAfter.cells).toMatchObject({ 'On hand': 100, 'On order': 0, Net: 0, Purchase: 0 });
    expect(navyAfter.cells.Stale).toBe(PLAN_LABEL.stale);
    expect(plan.backgroundAt(navyAfter.row, colOf('Stale'))).toBe(PLAN_COLOR.stale);
    expect(after.length).toBe(ours.length);
  });

  it("never takes over a planner's own sheet of that name; a deleted plan comes back", () => {
    const gas = fakeGas({ token: admin, email: 'admin@example.com', distDir: dist });
    const addon = loadBundle(dist, gas);
    expect(addon.saveSettings(apiUrl())).toMatchObject({ ok: true });
    gas.book.insertSheet(MATERIALS_PLAN_SHEET);
    const theirs = gas.book.sheet(MATERIALS_PLAN_SHEET);
    theirs.type(1, 1, 'my own plan');
    const first = addon.refreshMaterialsPlan();
    expect(first).toMatchObject({ ok: true, data: { sheetName: `${MATERIALS_PLAN_SHEET} (2)` } });
    expect(theirs.valueAt(1, 1)).toBe('my own plan');
    expect(theirs.stats.writes).toBe(0);
    expect(gas.book.sheet(`${MATERIALS_PLAN_SHEET} (2)`).valueAt(1, 1)).toBe(PLAN_LABEL.title);

    gas.book.deleteSheet(`${MATERIALS_PLAN_SHEET} (2)`);
    gas.book.deleteSheet(MATERIALS_PLAN_SHEET);
    const again = addon.refreshMaterialsPlan();
    expect(again).toMatchObject({ ok: true, data: { sheetName: MATERIALS_PLAN_SHEET } });
    expect(gas.book.sheets.map((s) => s.name).sort()).toEqual([MATERIALS_PLAN_SHEET, 'Sheet1']);
  });

  it('answers in words when the API is unreachable, and leaves the sheets alone', () => {
    const gas = fakeGas({ token: admin, email: 'admin@example.com', distDir: dist });
    const addon = loadBundle(dist, gas);
    gas.documentProperties.setProperty('GARMENTFLOW_API_URL', 'http://127.0.0.1:9');
    const out = addon.refreshMaterialsPlan();
    expect(out).toMatchObject({ ok: false, code: 'NETWORK' });
    expect(gas.book.sheets.map((s) => s.name)).toEqual(['Sheet1']);
    // The menu item says the same in a toast.
    addon.onOpen();
    const item = gas.ui.menus[0].items.find((i) => i.caption === 'Refresh materials plan');
    expect(item?.fn).toBe('refreshMaterialsPlanFromMenu');
    (addon as unknown as Record<string, () => void>)[item!.fn]();
    expect(gas.book.toasts.at(-1)).toMatch(/Could not reach the GarmentFlow API/);
  });
});
