// The sidebar's after-release forms (issue 14), built, in headless Chromium with canned answers:
// the amendment's reason asked inside the sidebar, the short-close's backorder choice, the delivery
// date (re-promise with a reason; freely in Draft), and "Split selection" with its cells form.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAddon } from '../../addon/build.js';
import type { OrderPanel, SplitProposal } from '../../addon/src/protocol.js';
import { AFTER_RELEASE_WORDS } from '../../shared/vocabulary.js';
import { launch, openPage, type Launched, type Serve } from './fakes/browser.js';

let dist: string;
let chrome: Launched;

beforeAll(async () => {
  dist = mkdtempSync(path.join(os.tmpdir(), 'gf-addon-rel-'));
  await buildAddon({ outDir: dist, apiUrl: '' });
  chrome = await launch();
});
afterAll(async () => {
  await chrome?.close();
  rmSync(dist, { recursive: true, force: true });
});

const panel = (over: Partial<OrderPanel> = {}): OrderPanel => ({
  orderId: 'PO-000001',
  sheetName: 'PO TEE PO-000001',
  styleCode: 'TEE',
  state: 'Released',
  version: 4,
  total: 150,
  deliveryDate: '2027-03-01',
  customer: null,
  editable: true,
  amendment: true,
  actions: ['generateBatches', 'cancel'],
  batches: [],
  progress: { batched: 60, produced: 0, rejected: 0, missing: 0 },
  tolerance: { overPct: 5, underPct: 3, scope: 'color' },
  extraCutPct: 0,
  materialsStale: false,
  pulledAt: 'now',
  sizes: ['S', 'M', 'L'],
  colors: ['NAVY', 'RED'],
  originalDeliveryDate: '2027-03-01',
  unbatched: 90,
  shortfall: 150,
  ...over,
});

/** A page on the built sidebar whose active order is `first`; `serve` answers the rest. */
async function sidebar(first: OrderPanel, pending: number, serve: Serve) {
  const opened = await openPage(chrome.browser, path.join(dist, 'Sidebar.html'), (name, args) => {
    switch (name) {
      case 'getActiveOrder':
        return { ok: true, data: first };
      case 'listTechPacks':
      case 'listOrders':
        return { ok: true, data: { items: [], nextCursor: null } };
      case 'getPendingChanges':
        return { ok: true, data: { pending, sheetName: first.sheetName, editable: true, conflicts: 0 } };
      default:
        return serve(name, args);
    }
  });
  const dialogs: string[] = [];
  opened.page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await opened.page.locator('#c-id', { hasText: first.orderId }).waitFor();
  return { ...opened, dialogs };
}

const argsOf = (calls: { name: string; args: unknown[] }[], name: string) => calls.filter((c) => c.name === name);

async function waitText(page: Page, selector: string, text: string | RegExp) {
  await page.locator(selector, { hasText: text }).waitFor();
}

describe('the sidebar after release', () => {
  it('asks the amendment reason inside the sidebar, sends it with the push, shows BELOW_BATCHED by A1', async () => {
    let pushes = 0;
    const { page, calls, errors, dialogs } = await sidebar(panel(), 2, (name) => {
      if (name !== 'pushOrder') throw new Error(`unexpected ${name}`);
      pushes++;
      if (pushes === 1)
        return {
          ok: false,
          code: 'BELOW_BATCHED',
          message:
            'Nothing was sent: 1 cell would go below what is already batched: ' +
            'C7 (NAVY/M) has 60 batched, you asked 50.',
        };
      const data = {
        sent: 2,
        conflicts: 0,
        invalid: 0,
        structureChanged: false,
        version: 5,
        panel: panel({ version: 5 }),
      };
      return { ok: true, data, notice: 'Pushed 2 changes: now version 5.' };
    });
    await expect.poll(() => page.textContent('#push')).toBe(`${AFTER_RELEASE_WORDS.amend.label}: 2 changes`);
    await page.click('#push');
    await waitText(page, '#reason-label', AFTER_RELEASE_WORDS.amend.reasonPrompt);
    expect(await page.isVisible('#reason-box')).toBe(true);
    expect(await page.isHidden('#backorder-choice')).toBe(true);
    // Right under the push button, not among the actions.
    expect(await page.evaluate(() => document.getElementById('push-row')?.nextElementSibling?.id)).toBe('reason-box');
    await page.click('#reason-ok');
    await waitText(page, '#message.error', 'Type a reason');
    expect(argsOf(calls, 'pushOrder')).toEqual([]);
    await page.fill('#reason', 'buyer cut NAVY');
    await page.click('#reason-ok');
    await waitText(page, '#message.error', 'C7 (NAVY/M) has 60 batched');
    expect(argsOf(calls, 'pushOrder')[0].args).toEqual(['PO-000001', { reason: 'buyer cut NAVY' }]);
    await page.click('#push');
    await page.fill('#reason', 'buyer added 20 NAVY/M');
    await page.click('#reason-ok');
    await waitText(page, '#message.ok', 'Pushed 2 changes');
    expect(argsOf(calls, 'pushOrder')[1].args).toEqual(['PO-000001', { reason: 'buyer added 20 NAVY/M' }]);
    expect(dialogs).toEqual([]); // never window.prompt / confirm
    expect(errors).toEqual([]);
    await page.close();
  });

  it('short-closes with a backorder by choice, names and opens it; NOTHING_SHORT in words by the control', async () => {
    const closing = panel({ state: 'InProgress', actions: ['complete', 'shortClose'], shortfall: 15, unbatched: 0 });
    let tries = 0;
    const { page, calls, errors } = await sidebar(closing, 0, (name, args) => {
      if (name === 'transitionOrder') {
        tries++;
        if (tries === 1)
          return {
            ok: false,
            code: 'NOTHING_SHORT',
            message:
              'Nothing was closed: every cell produced its ordered quantity, so there is no shortfall to backorder.',
          };
        const done = panel({
          state: 'Completed',
          editable: false,
          amendment: false,
          actions: [],
          backorderId: 'PO-000002',
        });
        return {
          ok: true,
          data: done,
          notice: 'Order PO-000001 is now Completed. Backorder PO-000002 opened in Draft.',
        };
      }
      if (name === 'openOrder') {
        expect(args).toEqual(['PO-000002']);
        const bo = panel({ orderId: 'PO-000002', state: 'Draft', amendment: false, backorderOf: 'PO-000001' });
        return { ok: true, data: bo };
      }
      throw new Error(`unexpected ${name}`);
    });
    // Nothing un-batched: the split says why it cannot run.
    expect(await page.isDisabled('#ar-split')).toBe(true);
    await waitText(page, '#ar-split-why', 'already in a batch');
    await page.click('#action-shortClose');
    await page.locator('#backorder-choice').waitFor();
    expect(await page.textContent('#backorder-choice')).toContain(AFTER_RELEASE_WORDS.backorder.label);
    expect(await page.isChecked('#backorder')).toBe(false);
    await page.check('#backorder');
    await page.fill('#reason', 'M fabric flaw');
    await page.click('#reason-ok');
    await waitText(page, '#message.error', 'no shortfall to backorder');
    // The refusal sits by the control that caused it.
    expect(await page.evaluate(() => document.getElementById('message')?.previousElementSibling?.id)).toBe('actions');
    await page.click('#action-shortClose');
    expect(await page.isChecked('#backorder')).toBe(false); // a choice, asked each time
    await page.check('#backorder');
    await page.fill('#reason', 'M fabric flaw');
    await page.click('#reason-ok');
    await waitText(page, '#message.ok', 'Backorder PO-000002 opened');
    expect(argsOf(calls, 'transitionOrder').map((c) => c.args)).toEqual([
      ['PO-000001', 'shortClose', { reason: 'M fabric flaw', backorder: true }],
      ['PO-000001', 'shortClose', { reason: 'M fabric flaw', backorder: true }],
    ]);
    await waitText(page, '#ar-links li', 'Backorder PO-000002');
    await page.click('#ar-open-PO-000002');
    await page.locator('#c-id', { hasText: 'PO-000002' }).waitFor();
    await waitText(page, '#ar-links li', 'Backorder of PO-000001');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a short-close without shortfall: no backorder (disabled, with the reason); unticked sends none', async () => {
    const full = panel({ state: 'InProgress', actions: ['complete', 'shortClose'], shortfall: 0, unbatched: 0 });
    const { page, calls, errors } = await sidebar(full, 0, (name) => {
      if (name !== 'transitionOrder') throw new Error(`unexpected ${name}`);
      return { ok: true, data: panel({ state: 'Completed', editable: false, amendment: false, actions: [] }) };
    });
    await page.click('#action-shortClose');
    await page.locator('#backorder-choice').waitFor();
    expect(await page.isDisabled('#backorder')).toBe(true);
    await waitText(page, '#backorder-why', 'no shortfall to backorder');
    await page.fill('#reason', 'buyer took it as is');
    await page.click('#reason-ok');
    await page.locator('#c-state', { hasText: 'Completed' }).waitFor();
    expect(argsOf(calls, 'transitionOrder')[0].args).toEqual([
      'PO-000001',
      'shortClose',
      { reason: 'buyer took it as is' },
    ]);
    // Completed: no date or split section.
    expect(await page.isHidden('#after-release')).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('re-promises with a required reason and shows the first promise; in Draft the date changes freely', async () => {
    const { page, calls, errors } = await sidebar(panel(), 0, (name, args) => {
      if (name !== 'changeDeliveryDate') throw new Error(`unexpected ${name}`);
      const req = args[1] as { deliveryDate: string };
      if (args[0] === 'PO-000001')
        return { ok: true, data: panel({ deliveryDate: req.deliveryDate }), notice: 'Delivery re-promised.' };
      return { ok: true, data: panel({ orderId: 'PO-000009', state: 'Draft', deliveryDate: req.deliveryDate }) };
    });
    expect(await page.textContent('#c-delivery')).toBe('2027-03-01');
    expect(await page.textContent('#ar-date-open')).toBe(`${AFTER_RELEASE_WORDS.repromise.label}…`);
    await page.click('#ar-date-open');
    expect(await page.inputValue('#ar-date')).toBe('2027-03-01');
    expect(await page.isVisible('#ar-date-reason')).toBe(true);
    await page.fill('#ar-date', '2027-03-15');
    await page.click('#ar-date-ok');
    await waitText(page, '#message.error', 'Type a reason first');
    expect(argsOf(calls, 'changeDeliveryDate')).toEqual([]);
    await page.fill('#ar-date-reason', 'jersey two weeks late');
    await page.click('#ar-date-ok');
    await waitText(page, '#c-delivery', '2027-03-15 (first promised 2027-03-01)');
    expect(argsOf(calls, 'changeDeliveryDate')[0].args).toEqual([
      'PO-000001',
      { deliveryDate: '2027-03-15', reason: 'jersey two weeks late' },
    ]);
    expect(errors).toEqual([]);
    await page.close();

    const draft = panel({ orderId: 'PO-000009', state: 'Draft', amendment: false, originalDeliveryDate: null });
    const d = await sidebar(draft, 0, (name, args) => {
      if (name !== 'changeDeliveryDate') throw new Error(`unexpected ${name}`);
      const req = args[1] as { deliveryDate: string };
      return { ok: true, data: { ...draft, deliveryDate: req.deliveryDate } };
    });
    expect(await d.page.textContent('#ar-date-open')).toBe(`${AFTER_RELEASE_WORDS.redate.label}…`);
    await d.page.click('#ar-date-open');
    expect(await d.page.isHidden('#ar-date-reason')).toBe(true);
    await d.page.fill('#ar-date', '2027-04-01');
    await d.page.click('#ar-date-ok');
    await waitText(d.page, '#c-delivery', '2027-04-01');
    expect(argsOf(d.calls, 'changeDeliveryDate')[0].args).toEqual(['PO-000009', { deliveryDate: '2027-04-01' }]);
    expect(d.errors).toEqual([]);
    await d.page.close();
  });

  it('splits the selection: proposes un-batched cells, edits one, asks a reason, opens the new order', async () => {
    const proposal: SplitProposal = {
      orderId: 'PO-000001',
      range: 'A7:A8',
      cells: [
        { color: 'NAVY', size: 'M', ref: 'C7', ordered: 100, batched: 60, available: 40 },
        { color: 'RED', size: 'L', ref: 'D8', ordered: 50, batched: 0, available: 50 },
      ],
      nothingLeft: ['B7'],
    };
    const { page, calls, errors } = await sidebar(panel(), 0, (name) => {
      if (name === 'proposeSplit') return { ok: true, data: proposal };
      if (name === 'splitOrder')
        return {
          ok: true,
          data: { panel: panel({ total: 80, unbatched: 20 }), splitId: 'PO-000003', moved: 70 },
          notice: 'Split 70 garments off to order PO-000003 (Released, due 2027-04-15).',
        };
      if (name === 'openOrder') return { ok: true, data: panel({ orderId: 'PO-000003', splitFrom: 'PO-000001' }) };
      throw new Error(`unexpected ${name}`);
    });
    expect(await page.textContent('#ar-split')).toBe(AFTER_RELEASE_WORDS.split.label);
    await page.click('#ar-split');
    await page.locator('#ar-split-box tr[data-cell="D8"]').waitFor();
    expect(await page.textContent('#ar-split-range')).toContain('B7');
    expect(await page.inputValue('#ar-q-C7')).toBe('40');
    await waitText(page, '#ar-split-total', '90 garments to move');
    await page.fill('#ar-q-C7', '20');
    await waitText(page, '#ar-split-total', '70 garments to move');
    await page.click('#ar-split-ok');
    await waitText(page, '#message.error', 'Type a reason first');
    await page.fill('#ar-split-reason', 'second vessel');
    await page.fill('#ar-split-date', '2027-04-15');
    await page.click('#ar-split-ok');
    await waitText(page, '#message.ok', 'PO-000003');
    expect(argsOf(calls, 'splitOrder')[0].args).toEqual([
      'PO-000001',
      {
        cells: [
          { color: 'NAVY', size: 'M', quantity: 20 },
          { color: 'RED', size: 'L', quantity: 50 },
        ],
        reason: 'second vessel',
        deliveryDate: '2027-04-15',
      },
    ]);
    expect(await page.isHidden('#ar-split-box')).toBe(true);
    await page.click('#ar-open-PO-000003');
    await page.locator('#c-id', { hasText: 'PO-000003' }).waitFor();
    await waitText(page, '#ar-links li', 'Split from PO-000001');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('disables the split while changes are unpushed, with the reason', async () => {
    const { page, errors } = await sidebar(panel(), 3, () => {
      throw new Error('nothing should be called');
    });
    await expect.poll(() => page.isDisabled('#ar-split')).toBe(true);
    await waitText(page, '#ar-split-why', 'Push your 3 unpushed changes first.');
    expect(errors).toEqual([]);
    await page.close();
  });
});
