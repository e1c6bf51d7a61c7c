// The sidebar's Milestones section and each batch's Show cells, built, in headless Chromium with a
// stubbed google.script.run: the list with the overdue one marked, Mark done (today prefilled, or
// another day), Re-date (a reason asked inside the form only when the date moves later), closed
// orders' buttons disabled; Show cells on every batch row, whatever its state.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAddon } from '../../addon/build.js';
import { milestoneLines } from '../../addon/src/milestonesBlock.js';
import type { BatchRow, MilestoneView } from '../../addon/src/model.js';
import type { OrderPanel } from '../../addon/src/protocol.js';
import { MILESTONE_WORDS } from '../../shared/vocabulary.js';
import { launch, openPage, type Launched } from './fakes/browser.js';

let dist: string;
let chrome: Launched;
beforeAll(async () => {
  dist = mkdtempSync(path.join(os.tmpdir(), 'gf-addon-ms-ui-'));
  await buildAddon({ outDir: dist, apiUrl: '' });
  chrome = await launch();
});
afterAll(async () => {
  await chrome?.close();
  rmSync(dist, { recursive: true, force: true });
});

const TODAY = '2026-12-02';
const MS: MilestoneView[] = [
  { key: 'FABRIC-IN', name: 'Fabric in house', due: '2026-11-29', done: null },
  { key: 'PP-SAMPLE', name: 'PP sample approved', due: '2026-12-10', done: null },
];

function panel(ms: MilestoneView[], over: Partial<OrderPanel> = {}): OrderPanel {
  return {
    orderId: 'PO-000007',
    sheetName: 'PO TEE PO-000007',
    styleCode: 'TEE',
    state: 'Released',
    version: 4,
    total: 100,
    deliveryDate: '2027-01-01',
    customer: null,
    editable: false,
    amendment: false,
    actions: ['cancel'],
    batches: [],
    progress: { batched: 0, produced: 0, rejected: 0, missing: 0 },
    tolerance: null,
    extraCutPct: 0,
    materialsStale: false,
    pulledAt: 'now',
    milestones: { today: TODAY, changeable: true, items: milestoneLines(ms, TODAY) },
    ...over,
  };
}

describe('the sidebar milestones section', () => {
  it('lists them, marks one done on today or a day, and re-dates with a reason only when later', async () => {
    let ms = MS.map((m) => ({ ...m }));
    const { page, calls, errors } = await openPage(chrome.browser, path.join(dist, 'Sidebar.html'), (name, args) => {
      switch (name) {
        case 'getActiveOrder':
          return { ok: true, data: panel(ms) };
        case 'listOrders':
          return { ok: true, data: { items: [], nextCursor: null } };
        case 'listTechPacks':
          return { ok: true, data: { items: [], nextCursor: null } };
        case 'updateMilestone': {
          const [, key, change] = args as [string, string, { action: string; date?: string; due?: string }];
          ms = ms.map((m) =>
            m.key !== key ? m : change.action === 'done' ? { ...m, done: change.date! } : { ...m, due: change.due! },
          );
          return { ok: true, data: panel(ms), notice: `${key} updated.` };
        }
        default:
          throw new Error(`unexpected ${name}`);
      }
    });
    const row = (key: string) => page.locator(`[data-milestone="${key}"]`);
    await row('FABRIC-IN').waitFor();
    expect(await page.textContent('#milestones-title')).toBe(`${MILESTONE_WORDS.title} (1 overdue)`);
    expect(await row('FABRIC-IN').locator('[data-role="status"]').textContent()).toBe('Overdue 3 days');
    expect(await row('FABRIC-IN').getAttribute('class')).toContain('s-overdue');
    expect(await row('PP-SAMPLE').locator('[data-role="status"]').textContent()).toBe('Due in 8 days');
    expect(await row('FABRIC-IN').locator('.m-sub').textContent()).toBe('due 2026-11-29 · Open');

    // Mark done: today (in the spreadsheet's time zone, from the server) is filled in; another day may be picked.
    await page.click('#m-done-FABRIC-IN');
    expect(await page.inputValue('#m-date')).toBe(TODAY);
    expect(await page.isHidden('#m-reason-row')).toBe(true);
    await page.fill('#m-date', '2026-12-01');
    await page.click('#m-ok');
    await page.locator('#message.ok', { hasText: 'FABRIC-IN updated.' }).waitFor();
    expect(calls.find((c) => c.name === 'updateMilestone')?.args).toEqual([
      'PO-000007',
      'FABRIC-IN',
      { action: 'done', date: '2026-12-01' },
    ]);
    expect(await row('FABRIC-IN').locator('[data-role="status"]').textContent()).toBe('Done 2 days late');
    expect(await page.textContent('#milestones-title')).toBe(MILESTONE_WORDS.title);
    expect(await page.isVisible('#m-reopen-FABRIC-IN')).toBe(true);
    expect(await page.locator('#m-form').count()).toBe(0);

    // Re-date later: the form asks why, and refuses to send without it.
    await page.click('#m-redate-PP-SAMPLE');
    expect(await page.inputValue('#m-date')).toBe('2026-12-10');
    await page.fill('#m-date', '2026-12-20');
    await page.locator('#m-reason-row').waitFor({ state: 'visible' });
    expect(await page.textContent('#m-reason-label')).toBe(MILESTONE_WORDS.reasonPrompt);
    const before = calls.length;
    await page.click('#m-ok');
    await page.locator('#message.error', { hasText: 'type a reason first' }).waitFor();
    expect(calls.length).toBe(before);
    // The message sits next to the form's button, inside the section.
    expect(await page.locator('#milestones #message').count()).toBe(1);
    await page.fill('#m-reason', 'buyer asked for a second fit');
    await page.click('#m-ok');
    await expect
      .poll(() => calls.filter((c) => c.name === 'updateMilestone').at(-1)?.args)
      .toEqual([
        'PO-000007',
        'PP-SAMPLE',
        { action: 'redate', due: '2026-12-20', reason: 'buyer asked for a second fit' },
      ]);
    await row('PP-SAMPLE').locator('[data-role="status"]', { hasText: 'Due in 18 days' }).waitFor();

    // Re-date earlier: no reason asked, none sent.
    await page.click('#m-redate-PP-SAMPLE');
    await page.fill('#m-date', '2026-12-15');
    expect(await page.isHidden('#m-reason-row')).toBe(true);
    await page.click('#m-ok');
    await expect
      .poll(() => calls.filter((c) => c.name === 'updateMilestone').at(-1)?.args)
      .toEqual(['PO-000007', 'PP-SAMPLE', { action: 'redate', due: '2026-12-15' }]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a closed order milestones with the buttons disabled and why; none: no section', async () => {
    const closed = panel(MS, {
      state: 'Completed',
      actions: [],
      milestones: { today: TODAY, changeable: false, items: milestoneLines(MS, TODAY) },
    });
    let answer: OrderPanel = closed;
    const { page, errors } = await openPage(chrome.browser, path.join(dist, 'Sidebar.html'), (name) => {
      if (name === 'getActiveOrder') return { ok: true, data: answer };
      if (name === 'listOrders' || name === 'listTechPacks') return { ok: true, data: { items: [], nextCursor: null } };
      throw new Error(`unexpected ${name}`);
    });
    await page.locator('[data-milestone="FABRIC-IN"]').waitFor();
    expect(await page.isDisabled('#m-done-FABRIC-IN')).toBe(true);
    expect(await page.getAttribute('#m-redate-PP-SAMPLE', 'title')).toBe(MILESTONE_WORDS.final);
    answer = panel([], { orderId: 'PO-000008' });
    await page.click('#reload-active');
    await page.locator('#c-id', { hasText: 'PO-000008' }).waitFor();
    expect(await page.isHidden('#milestones-box')).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('Show cells on every batch row', () => {
  const batch = (id: string, state: BatchRow['state']): BatchRow => ({
    id,
    state,
    total: 100,
    produced: state === 'Finished' ? 96 : 0,
    rejected: 0,
    sizes: ['S', 'M'],
    colors: ['NAVY'],
    quantities: [[50, 50]],
    missing: state === 'Finished' ? 4 : 0,
    inspection: null,
    plan: null,
  });

  it('offers it for Planned, Running, Finished and Cancelled batches and draws the one clicked', async () => {
    const states: BatchRow['state'][] = ['Finished', 'Running', 'Planned', 'Cancelled'];
    const p = panel([], {
      state: 'InProgress',
      actions: ['complete', 'shortClose'],
      batches: states.map((s, i) => batch(`B-00000${i + 1}`, s)),
    });
    const { page, calls, errors } = await openPage(chrome.browser, path.join(dist, 'Sidebar.html'), (name, args) => {
      if (name === 'getActiveOrder') return { ok: true, data: p };
      if (name === 'listOrders' || name === 'listTechPacks') return { ok: true, data: { items: [], nextCursor: null } };
      if (name === 'showBatchCells') {
        const id = args[1] as string;
        if (id === 'B-000004') return { ok: false, code: 'NOT_FOUND', message: 'Batch B-000004 is gone.' };
        return { ok: true, data: { sheetName: `Batch ${id}` }, notice: `Batch ${id}'s cells are on the sheet.` };
      }
      throw new Error(`unexpected ${name}`);
    });
    await page.locator('[data-batch="B-000001"]').waitFor();
    for (const [i] of states.entries()) {
      const id = `B-00000${i + 1}`;
      expect(await page.textContent(`#cells-${id}`)).toBe('Show cells');
      expect(await page.isEnabled(`#cells-${id}`)).toBe(true);
    }
    await page.click('#cells-B-000001');
    await page.locator('#message.ok', { hasText: "Batch B-000001's cells are on the sheet." }).waitFor();
    expect(calls.filter((c) => c.name === 'showBatchCells').map((c) => c.args)).toEqual([['PO-000007', 'B-000001']]);
    // A refusal lands under the row whose button caused it.
    await page.click('#cells-B-000004');
    await page.locator('#message.error', { hasText: 'is gone' }).waitFor();
    const under = await page.evaluate(() =>
      document.getElementById('message')?.previousElementSibling?.getAttribute('data-batch'),
    );
    expect(under).toBe('B-000004');
    expect(errors).toEqual([]);
    await page.close();
  });
});
