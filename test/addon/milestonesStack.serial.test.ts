// The built add-on (dist/Code.js) in a Node vm against the local stack, milestones (issue 14 item 6):
// the order sheet shows the order's milestones beside the matrix with the overdue one marked (judged
// on today in the spreadsheet's time zone), Mark done (today) and Re-date (later: only with a
// reason, asked before anything is sent) write through PUT .../milestones/{key} with If-Match, and
// the block is rewritten after each write while the planner's own cells beside it stay. Serial: it
// sets the factory's milestone template (and puts the settings back after).
import { beforeAll, describe, expect, it } from 'vitest';
import { CORNER_ROW, LABEL } from '../../addon/src/layout.js';
import { dateSerial } from '../../addon/src/materialsPlan.js';
import { MILESTONE_COLOR } from '../../addon/src/milestonesBlock.js';
import type { OrderPanel } from '../../addon/src/protocol.js';
import { addDays } from '../../shared/requirements.js';
import { MILESTONE_WORDS } from '../../shared/vocabulary.js';
import { apiUrl } from '../support/api.js';
import { keepFactorySettings } from '../support/settings.js';
import { loadBundle } from './fakes/bundle.js';
import { fakeGas, formatDate } from './fakes/services.js';
import type { FakeSheet } from './fakes/spreadsheet.js';
import { addonOnStack, api, createTechPack } from './helpers.js';

keepFactorySettings();

const TIME_ZONE = 'Asia/Dhaka';
const TEMPLATE = [
  { key: 'FABRIC-IN', name: 'Fabric in house', daysBeforeDelivery: 30 },
  { key: 'PP-SAMPLE', name: 'PP sample approved', daysBeforeDelivery: 10 },
  { key: 'EX-FACTORY', name: 'Ex-factory', daysBeforeDelivery: 2 },
];

const env = addonOnStack('gf-addon-milestones-');
beforeAll(() => {
  const res = api('PUT', '/v1/settings', { token: env.admin, body: { milestoneTemplate: TEMPLATE } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
});

function ok<T>(out: { ok: boolean; data?: T; message?: string }): T {
  expect(out.ok, JSON.stringify(out).slice(0, 500)).toBe(true);
  return out.data as T;
}

/** The block's rows as the planner reads them: name, due, done, status (and the status colour). */
function block(sheet: FakeSheet) {
  const head = sheet.find(MILESTONE_WORDS.title);
  expect(head, 'no milestones block').not.toBeNull();
  const rows: { name: unknown; due: unknown; done: unknown; status: unknown; bg: string | undefined }[] = [];
  for (let r = head!.row + 1; sheet.valueAt(r, head!.col) !== ''; r++) {
    const at = (k: number) => sheet.valueAt(r, head!.col + k);
    rows.push({ name: at(0), due: at(1), done: at(2), status: at(3), bg: sheet.backgroundAt(r, head!.col + 3) });
  }
  return { head: head!, rows };
}

describe('milestones on the order sheet and in the sidebar, against the local stack', () => {
  it('shows them beside the matrix, marks one done, re-dates one later only with a reason', () => {
    // Today in the spreadsheet's time zone, as the add-on judges it.
    const today = formatDate(new Date(), TIME_ZONE, 'yyyy-MM-dd');
    const tp = createTechPack(env.admin, 'ProductionReady');
    const created = api('POST', '/v1/production-orders', {
      token: env.admin,
      body: { techPackId: tp.id, deliveryDate: addDays(today, 10) },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const order = created.body;
    expect(order.milestones.map((m: { key: string }) => m.key)).toEqual(['FABRIC-IN', 'PP-SAMPLE', 'EX-FACTORY']);

    const gas = fakeGas({ token: env.ana, email: 'ana@example.com', distDir: env.dist });
    gas.book.timeZone = TIME_ZONE;
    const addon = loadBundle(env.dist, gas);
    ok(addon.saveSettings(apiUrl()));
    const opened = ok(addon.openOrder(order.id));
    const sheet = gas.book.sheet(opened.sheetName);

    // Beside the matrix, from the size row down: the matrix keeps its place under five header rows.
    const shown = block(sheet);
    expect(shown.head.row).toBe(CORNER_ROW);
    expect(sheet.find(LABEL.corner)).toEqual({ row: CORNER_ROW, col: 1 });
    const totalCol = sheet.find(LABEL.total)!.col;
    expect(shown.head.col).toBeGreaterThan(totalCol + 1);
    expect(shown.rows).toEqual([
      {
        name: 'Fabric in house',
        due: dateSerial(addDays(today, -20)),
        done: 'Open',
        status: 'Overdue 20 days',
        bg: MILESTONE_COLOR.overdue,
      },
      { name: 'PP sample approved', due: dateSerial(today), done: 'Open', status: 'Due today', bg: expect.any(String) },
      {
        name: 'Ex-factory',
        due: dateSerial(addDays(today, 8)),
        done: 'Open',
        status: 'Due in 8 days',
        bg: expect.any(String),
      },
    ]);
    expect(sheet.formatAt(shown.head.row + 1, shown.head.col + 1)).toBe('yyyy-mm-dd');
    expect(opened.milestones).toMatchObject({
      today,
      changeable: true,
      items: [
        { key: 'FABRIC-IN', overdue: true, words: 'Overdue 20 days' },
        { key: 'PP-SAMPLE', overdue: false, words: 'Due today' },
        { key: 'EX-FACTORY', overdue: false },
      ],
    });
    // The planner's own cell right of the block.
    const mine = { row: CORNER_ROW + 1, col: shown.head.col + 5 };
    sheet.type(mine.row, mine.col, 'call the mill');

    // Mark done, today: one PUT with If-Match, then the pull (one fetchAll) and one write.
    gas.fetcher.requests = [];
    const done = ok<OrderPanel>(addon.updateMilestone(order.id, 'FABRIC-IN', { action: 'done' }));
    const puts = gas.fetcher.requests.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => [r.url, r.headers['If-Match'], JSON.parse(r.body!)])).toEqual([
      [`${apiUrl()}/v1/production-orders/${order.id}/milestones/FABRIC-IN`, `"${order.version}"`, { done: today }],
    ]);
    const fresh = () => api('GET', `/v1/production-orders/${order.id}`, { token: env.admin }).body;
    expect(fresh().milestones[0]).toMatchObject({ key: 'FABRIC-IN', done: today });
    expect(done.milestones!.items[0]).toMatchObject({ done: today, overdue: false, words: 'Done 20 days late' });
    expect(block(sheet).rows[0]).toMatchObject({ done: dateSerial(today), status: 'Done 20 days late' });
    expect(block(sheet).rows[0].bg).toBe(MILESTONE_COLOR.done);
    expect(sheet.valueAt(mine.row, mine.col)).toBe('call the mill');

    // Later without a reason: refused before anything is sent.
    gas.fetcher.requests = [];
    const later = addDays(today, 5);
    const refused = addon.updateMilestone(order.id, 'PP-SAMPLE', { action: 'redate', due: later });
    expect(refused).toMatchObject({
      ok: false,
      code: 'REASON_REQUIRED',
      message: expect.stringMatching(/moves later/),
    });
    expect(gas.fetcher.requests).toEqual([]);
    expect(fresh().milestones[1].due).toBe(today);

    // Meanwhile someone else changes the order (not this milestone): the PUT goes again on the new version.
    const edit = api('PATCH', `/v1/production-orders/${order.id}`, {
      token: env.admin,
      body: { notes: 'buyer call on Monday' },
      headers: { 'if-match': `"${fresh().version}"` },
    });
    expect(edit.status, JSON.stringify(edit.body)).toBe(200);

    // With a reason: re-dated, the reason in the order's history, the block rewritten.
    const stale = done.version;
    const current = fresh().version;
    expect(current).toBe(stale + 1);
    gas.fetcher.requests = [];
    const redated = ok<OrderPanel>(
      addon.updateMilestone(order.id, 'PP-SAMPLE', {
        action: 'redate',
        due: later,
        reason: 'buyer asked for a second fit',
      }),
    );
    const tries = gas.fetcher.requests.filter((r) => r.method === 'PUT').map((r) => r.headers['If-Match']);
    expect(tries).toEqual([`"${stale}"`, `"${current}"`]); // 412 on the stale version, then again on the current
    expect(fresh().milestones[1]).toMatchObject({ key: 'PP-SAMPLE', due: later, done: null });
    expect(redated.milestones!.items[1]).toMatchObject({ due: later, words: 'Due in 5 days' });
    expect(block(sheet).rows[1]).toMatchObject({ due: dateSerial(later), done: 'Open', status: 'Due in 5 days' });
    const history = api('GET', `/v1/production-orders/${order.id}/history?limit=100`, { token: env.admin }).body.items;
    const last = history.filter((h: { action: string }) => h.action === 'milestone');
    expect(last.map((h: { reason?: string; actor: string }) => [h.actor, h.reason ?? null])).toEqual([
      ['ana@example.com', null],
      ['ana@example.com', 'buyer asked for a second fit'],
    ]);

    // Earlier needs no reason.
    ok(addon.updateMilestone(order.id, 'EX-FACTORY', { action: 'redate', due: addDays(today, 6) }));
    expect(fresh().milestones[2].due).toBe(addDays(today, 6));
    expect(block(sheet).rows[2]).toMatchObject({ status: 'Due in 6 days' });
    expect(sheet.valueAt(mine.row, mine.col)).toBe('call the mill');
  });
});
