// The sidebar and settings HTML, built, in headless Chromium with a stubbed google.script.run.
// First against canned answers (every path of the UI), then bridged to the built Code.js in a vm
// whose UrlFetchApp calls the local stack: list, open, push and transitions by clicking.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAddon } from '../../addon/build.js';
import { LABEL } from '../../addon/src/layout.js';
import type { BatchRow } from '../../addon/src/model.js';
import type { OrderPanel } from '../../addon/src/protocol.js';
import { apiUrl, token } from '../support/api.js';
import { launch, openPage, type Launched } from './fakes/browser.js';
import { api, createTechPack } from './helpers.js';
import { loadBundle } from './fakes/bundle.js';
import { fakeGas } from './fakes/services.js';

let dist: string;
let chrome: Launched;

beforeAll(async () => {
  dist = mkdtempSync(path.join(os.tmpdir(), 'gf-addon-ui-'));
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
  state: 'Draft',
  version: 1,
  total: 75,
  deliveryDate: '2027-03-01',
  customer: null,
  editable: true,
  amendment: false,
  actions: ['plan', 'cancel'],
  batches: [],
  progress: { batched: 0, produced: 0, rejected: 0, missing: 0 },
  tolerance: { overPct: 5, underPct: 3, scope: 'color' },
  extraCutPct: 0,
  materialsStale: false,
  pulledAt: 'now',
  ...over,
});

const item = (id: string, state = 'Draft') => ({
  id,
  styleCode: 'TEE',
  techPackId: 'TP-1',
  state,
  version: 1,
  total: 10,
  deliveryDate: null,
  customer: null,
});

describe('the sidebar with canned answers', () => {
  it('lists with filters and pagination, opens, pushes, transitions, and shows refusals in words', async () => {
    let state = panel();
    const { page, calls, errors } = await openPage(chrome.browser, path.join(dist, 'Sidebar.html'), (name, args) => {
      switch (name) {
        case 'getActiveOrder':
          return { ok: true, data: null };
        case 'listTechPacks':
          return {
            ok: true,
            data: { items: [{ id: 'TP-1', styleCode: 'TEE', name: 'Tee', state: 'Design' }], nextCursor: null },
          };
        case 'listOrders': {
          const q = args[0] as { cursor?: string | null };
          return q.cursor === 'c2'
            ? { ok: true, data: { items: [item('PO-000003')], nextCursor: null } }
            : { ok: true, data: { items: [item('PO-000001'), item('PO-000002', 'Planned')], nextCursor: 'c2' } };
        }
        case 'openOrder':
          return { ok: true, data: state };
        case 'pushOrder':
          return {
            ok: true,
            data: { sent: 0, conflicts: 2, invalid: 0, structureChanged: false, version: 2, panel: state },
            notice: '2 cells were changed by bo@example.com since you pulled the order.',
          };
        case 'transitionOrder':
          if (args[1] === 'plan') {
            const why = 'it must be Production ready before this order can be planned.';
            const message = `The tech pack is still in Design: ${why}`;
            return { ok: false, code: 'TECH_PACK_NOT_READY', message };
          }
          state = panel({ state: 'Cancelled', actions: [], editable: false });
          return { ok: true, data: state, notice: 'Order PO-000001 is now Cancelled.' };
        default:
          throw new Error(`unexpected ${name}`);
      }
    });
    await page.locator('#order-list li[data-order="PO-000002"]').waitFor();
    await expect.poll(() => page.locator('#n-techpack option').count()).toBe(2);
    await page.click('#more');
    await page.locator('#order-list li[data-order="PO-000003"]').waitFor();
    expect(await page.locator('#order-list li').count()).toBe(3);
    expect(calls.filter((c) => c.name === 'listOrders').at(-1)?.args[0]).toMatchObject({ cursor: 'c2' });
    expect(await page.isHidden('#more')).toBe(true);

    await page.selectOption('#f-state', 'Planned');
    await page.fill('#f-techpack', 'TP-1');
    await page.click('#search');
    await expect
      .poll(() => calls.filter((c) => c.name === 'listOrders').at(-1)?.args[0])
      .toMatchObject({ state: 'Planned', techPackId: 'TP-1', cursor: null });

    await page.click('#open-PO-000001');
    await page.locator('#c-id', { hasText: 'PO-000001' }).waitFor();
    expect(await page.textContent('#c-state')).toBe('Draft');

    await page.click('#push');
    await page
      .locator('#message.error', { hasText: 'Nothing was sent: 2 cells changed meanwhile, listed below.' })
      .waitFor();
    // Short: the details (cells, values, who, when) are in the conflict list, not in the line.
    expect(await page.textContent('#message')).toBe('Nothing was sent: 2 cells changed meanwhile, listed below.');

    await page.click('#action-plan');
    const refusal = 'must be Production ready before this order can be planned';
    await page.locator('#message.error', { hasText: refusal }).waitFor();

    await page.click('#action-cancel');
    await page.locator('#reason-box').waitFor();
    await page.click('#reason-ok');
    await page.locator('#message.error', { hasText: 'Type a reason' }).waitFor();
    await page.fill('#reason', 'customer dropped the style');
    await page.click('#reason-ok');
    await page.locator('#c-state', { hasText: 'Cancelled' }).waitFor();
    expect(calls.find((c) => c.name === 'transitionOrder' && c.args[1] === 'cancel')?.args).toEqual([
      'PO-000001',
      'cancel',
      { reason: 'customer dropped the style' },
    ]);
    expect(await page.locator('#actions button').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('runs batch actions from their rows', async () => {
    const b = (id: string, state: 'Planned' | 'Running') => ({
      id,
      state,
      total: 40,
      produced: 0,
      rejected: 0,
      sizes: ['S'],
      colors: ['NAVY'],
      quantities: [[40]],
      missing: 0,
      inspection: null,
      plan: null,
    });
    const released = panel({
      state: 'Released',
      editable: false,
      actions: ['cancel', 'generateBatches'],
      batches: [b('B-1', 'Planned'), b('B-2', 'Running')],
    });
    const { page, calls, errors } = await openPage(chrome.browser, path.join(dist, 'Sidebar.html'), (name) => {
      if (name === 'getActiveOrder') return { ok: true, data: released };
      if (name === 'listOrders' || name === 'listTechPacks') return { ok: true, data: { items: [], nextCursor: null } };
      if (name === 'openBatchOutput') return { ok: true, data: { sheetName: 'Output B-2' } };
      if (name === 'finishBatch')
        return {
          ok: false,
          code: 'OUTPUT_NEEDED',
          message: 'Type what batch B-2 produced and rejected on the sheet "Output B-2", then click Finish again.',
        };
      return { ok: true, data: released, notice: `${name} done` };
    });
    await page.locator('#c-state', { hasText: 'Released' }).waitFor();
    expect(await page.isHidden('#push')).toBe(true);
    await page.click('#action-generateBatches');
    await page.locator('#message.ok', { hasText: 'generateBatches done' }).waitFor();
    await page.click('#start-B-1');
    await page.locator('#message.ok', { hasText: 'startBatch done' }).waitFor();
    await page.click('#output-B-2');
    await page.locator('#message.info', { hasText: 'Output B-2' }).waitFor();
    await page.click('#finish-B-2');
    await page.locator('#message.error', { hasText: 'then click Finish again' }).waitFor();
    expect(
      calls
        .filter((c) => c.name !== 'listOrders' && c.name !== 'listTechPacks' && c.name !== 'getActiveOrder')
        .map((c) => [c.name, ...c.args]),
    ).toEqual([
      ['generateBatches', 'PO-000001'],
      ['startBatch', 'PO-000001', 'B-1'],
      ['openBatchOutput', 'PO-000001', 'B-2'],
      ['finishBatch', 'PO-000001', 'B-2', {}],
    ]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows tolerance, missing and inspections; records an inspection; asks why before finishing short', async () => {
    const major = { aql: 2.5, accept: 0, reject: 1 };
    const plan = { lotSize: 40, inspectionLevel: 'II', codeLetter: 'D', sampleSize: 8, major };
    const row: Pick<BatchRow, 'total' | 'rejected' | 'sizes' | 'colors' | 'quantities' | 'plan' | 'inspection'> = {
      total: 40,
      rejected: 0,
      sizes: ['S'],
      colors: ['NAVY'],
      quantities: [[40]],
      plan: null,
      inspection: null,
    };
    const running = { ...row, id: 'B-2', state: 'Running' as const, produced: 0, missing: 0 };
    const finished = { ...row, id: 'B-1', state: 'Finished' as const, produced: 37, missing: 3 };
    let batches = [finished, running];
    const inProgress = (over: Partial<OrderPanel> = {}) =>
      panel({
        state: 'InProgress',
        editable: false,
        actions: ['complete', 'shortClose'],
        batches,
        progress: { batched: 80, produced: 37, rejected: 0, missing: 3 },
        tolerance: { overPct: 5, underPct: 3, scope: 'cell' },
        extraCutPct: 2,
        ...over,
      });
    let inspected = 0;
    const { page, calls, errors } = await openPage(chrome.browser, path.join(dist, 'Sidebar.html'), (name, args) => {
      if (name === 'getActiveOrder') return { ok: true, data: inProgress() };
      if (name === 'listOrders' || name === 'listTechPacks') return { ok: true, data: { items: [], nextCursor: null } };
      if (name === 'getInspectionPlan') return { ok: true, data: { orderId: 'PO-000001', batchId: args[1], plan } };
      if (name === 'recordInspection') {
        const input = args[2] as { majorDefects?: number };
        const result = (input.majorDefects ?? 0) <= 0 ? 'pass' : 'fail';
        inspected += 1;
        const inspection = { count: inspected, result: result as 'pass' | 'fail', at: '2026-12-01T10:00:00.000Z' };
        batches = [finished, { ...running, plan, inspection }];
        const data = { inspection: { ...input, result }, plan, panel: inProgress() };
        return { ok: true, data, notice: `recorded ${result}` };
      }
      if (name === 'finishBatch') {
        const opts = args[2] as { reason?: string };
        if (!opts.reason) {
          const message = '3 garments are not accounted for in batch B-2 (NAVY/S 37 + 0 of 40).';
          return { ok: false, code: 'REASON_REQUIRED', message };
        }
        batches = [finished, { ...running, state: 'Finished' as never, produced: 37, missing: 3 }];
        const notice = 'Batch B-2 finished: 37 garments produced; 3 garments recorded as missing.';
        return { ok: true, data: inProgress(), notice };
      }
      throw new Error(`unexpected ${name}`);
    });
    await page.locator('#c-state', { hasText: 'In progress' }).waitFor();
    expect(await page.textContent('#c-tolerance')).toBe('\u22123% / +5% per cell');
    expect(await page.textContent('#c-progress')).toBe('37 made, 0 rejected, 3 missing (80 batched)');
    expect(await page.textContent('#c-extracut')).toBe('2% over the ordered quantity');
    expect(await page.textContent('[data-batch="B-1"] .b-qty')).toBe('37/40 (92%) · 3 missing');
    // No plan is asked for until the planner opens a batch's form.
    expect(calls.some((c) => c.name === 'getInspectionPlan')).toBe(false);
    expect(await page.isHidden('#inspect-box')).toBe(true);

    await page.click('#inspect-B-2');
    await page.locator('#i-plan', { hasText: 'sample 8 of 40 (code D): major Ac 0 / Re 1' }).waitFor();
    expect(await page.inputValue('#i-sample')).toBe('8');
    await page.fill('#i-major', '2');
    await page.fill('#i-inspector', 'Li');
    await page.click('#i-ok');
    await page.locator('#i-result.fail', { hasText: 'FAIL: batch B-2' }).waitFor();
    const b2 = '[data-batch="B-2"] [data-role="inspection"]';
    expect(await page.textContent(b2)).toMatch(/major Ac 0 \/ Re 1 · inspection FAIL/);
    await page.fill('#i-major', '0');
    await page.click('#i-ok');
    await page.locator('#i-result.pass', { hasText: 'PASS: batch B-2 may finish.' }).waitFor();
    expect(await page.textContent(b2)).toMatch(/PASS \(2 inspections/);
    const records = calls.filter((c) => c.name === 'recordInspection').map((c) => c.args);
    expect(records).toEqual([
      ['PO-000001', 'B-2', { sampleSize: 8, criticalDefects: 0, majorDefects: 2, minorDefects: 0, inspector: 'Li' }],
      ['PO-000001', 'B-2', { sampleSize: 8, criticalDefects: 0, majorDefects: 0, minorDefects: 0, inspector: 'Li' }],
    ]);
    expect(calls.filter((c) => c.name === 'getInspectionPlan')).toHaveLength(1);

    // Finishing short: the refusal opens the reason box; the reason goes with the second try.
    await page.click('#finish-B-2');
    await page.locator('#message.error', { hasText: 'not accounted for' }).waitFor();
    await page.locator('#reason-label', { hasText: 'Why are garments of batch B-2 missing?' }).waitFor();
    await page.fill('#reason', 'lost in washing');
    await page.click('#reason-ok');
    await page.locator('#message.ok', { hasText: '3 garments recorded as missing' }).waitFor();
    expect(calls.filter((c) => c.name === 'finishBatch').map((c) => c.args)).toEqual([
      ['PO-000001', 'B-2', {}],
      ['PO-000001', 'B-2', { reason: 'lost in washing' }],
    ]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('offers the settings when no API URL is set, and the settings dialog saves and closes', async () => {
    const { page, calls } = await openPage(chrome.browser, path.join(dist, 'Sidebar.html'), (name) => {
      if (name === 'openSettings') return { ok: true, data: null };
      return {
        ok: false,
        code: 'NO_API_URL',
        message: 'Set the GarmentFlow API URL first: Extensions > GarmentFlow Production > Settings.',
      };
    });
    await page.locator('#open-settings').waitFor();
    await page.click('#open-settings');
    await expect.poll(() => calls.some((c) => c.name === 'openSettings')).toBe(true);
    await page.close();

    const dlg = await openPage(chrome.browser, path.join(dist, 'Settings.html'), (name, args) => {
      if (name === 'getSettings')
        return {
          ok: true,
          data: { apiUrl: '', allowedPrefixes: ['https://api.example.com/'], email: 'ana@example.com' },
        };
      if (name === 'saveSettings')
        return { ok: true, data: { apiUrl: args[0], allowedPrefixes: [], email: 'ana@example.com' }, notice: 'Saved.' };
      throw new Error(name);
    });
    await dlg.page.locator('#who', { hasText: 'ana@example.com' }).waitFor();
    expect(await dlg.page.textContent('#allowed')).toContain('https://api.example.com/');
    await dlg.page.fill('#api-url', 'https://api.example.com');
    await dlg.page.click('#save');
    await dlg.page.locator('#message.ok').waitFor();
    await expect
      .poll(() => dlg.page.evaluate(() => (window as unknown as { __closed?: boolean }).__closed === true), {
        timeout: 5000,
      })
      .toBe(true);
    expect(dlg.calls.find((c) => c.name === 'saveSettings')?.args).toEqual(['https://api.example.com']);
    await dlg.page.close();
  });
});

/** getPendingChanges' answer: `pending` cells a push would send (counted from the sheet). */
const pendingOf = (pending: number) => ({
  ok: true,
  data: {
    orderId: 'PO-000142',
    sheetName: 'PO TEE-24 PO-000142',
    editable: true,
    pending,
    invalid: 0,
    structureChanged: false,
    changedCells: [],
    invalidCells: [],
    problems: [],
    conflicts: 0,
  },
});

const quiet = (name: string) =>
  name === 'listOrders' || name === 'listTechPacks'
    ? { ok: true, data: { items: [], nextCursor: null } }
    : name === 'getPendingChanges'
      ? pendingOf(0)
      : undefined;

describe('the sidebar: conflicts, bulk entry, gates, confirmations, progress', () => {
  it('lists conflicts with who and when, selects a cell, keeps mine or takes theirs per cell and for all', async () => {
    const at = '2026-12-01 15:58'; // as the service writes it, in the spreadsheet's time zone
    const row = (ref: string, r: number, color: string, mine: number, theirs: number) => ({
      color,
      size: 'S',
      ref,
      row: r,
      col: 2,
      base: 10,
      mine,
      theirs,
      by: 'bo@example.com',
      at,
    });
    const both = [row('B8', 8, 'NAVY', 12, 50), row('B9', 9, 'RED', 8, 9)];
    let conflicts = both;
    const state = () => panel({ conflicts, sizes: ['S'], colors: ['NAVY', 'RED'] });
    const { page, calls, errors } = await openPage(chrome.browser, path.join(dist, 'Sidebar.html'), (name, args) => {
      const q = quiet(name);
      if (q) return q;
      if (name === 'getActiveOrder') return { ok: true, data: state() };
      if (name === 'selectCell') return { ok: true, data: null };
      if (name === 'resolveConflicts') {
        const choices = args[1] as { color: string }[];
        conflicts = conflicts.filter((c) => !choices.some((x) => x.color === c.color));
        return { ok: true, data: state(), notice: `${choices.length} resolved` };
      }
      throw new Error(`unexpected ${name}`);
    });
    page.on('dialog', (d) => {
      errors.push(`window dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.locator('#conflicts-title', { hasText: '2 conflicts' }).waitFor();
    // Who, and when (already in the spreadsheet's time zone: AddonService.when).
    expect(await page.textContent('[data-cell="B8"]')).toContain('bo@example.com, 2026-12-01 15:58');
    expect(await page.textContent('[data-cell="B8"] td:nth-child(2)')).toBe('12');
    expect(await page.textContent('[data-cell="B8"] td:nth-child(3)')).toBe('50');
    await page.click('#cell-B9');
    await expect.poll(() => calls.find((c) => c.name === 'selectCell')?.args).toEqual(['PO-000001', 9, 2]);
    await page.click('#mine-B8');
    await page.locator('#conflicts-title', { hasText: '1 conflict' }).waitFor();
    expect(calls.find((c) => c.name === 'resolveConflicts')?.args).toEqual([
      'PO-000001',
      [{ color: 'NAVY', size: 'S', keep: 'mine' }],
    ]);
    // "For all" asks inside the sidebar; Back sends nothing.
    await page.click('#take-all');
    await page.locator('#confirm-box', { hasText: "Take the other planner's value in all 1 cells?" }).waitFor();
    await page.click('#confirm-cancel');
    expect(await page.isHidden('#confirm-box')).toBe(true);
    expect(calls.filter((c) => c.name === 'resolveConflicts')).toHaveLength(1);
    await page.click('#take-all');
    await page.click('#confirm-ok');
    await page.locator('#conflicts').waitFor({ state: 'hidden' });
    expect(calls.filter((c) => c.name === 'resolveConflicts').at(-1)?.args).toEqual([
      'PO-000001',
      [{ color: 'RED', size: 'S', keep: 'theirs' }],
    ]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows what cannot succeed disabled with the reason; confirms a discard in the sidebar', async () => {
    let shown = panel({ techPackState: 'Design' });
    const { page, calls, errors } = await openPage(chrome.browser, path.join(dist, 'Sidebar.html'), (name) => {
      const q = quiet(name);
      if (name === 'getPendingChanges') return pendingOf(3);
      if (q) return q;
      if (name === 'getActiveOrder') return { ok: true, data: shown };
      if (name === 'refreshOrder') return { ok: true, data: shown, notice: 'Discarded.' };
      throw new Error(`unexpected ${name}`);
    });
    page.on('dialog', (d) => {
      errors.push(`window dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.locator('#push', { hasText: 'Push 3 changes' }).waitFor();
    expect(await page.isDisabled('#action-plan')).toBe(true);
    expect(await page.getAttribute('#action-plan', 'title')).toMatch(/still in Design: it must be Production ready/);
    expect(await page.textContent('[data-why="plan"]')).toBe(
      'Plan: The tech pack is still in Design: it must be Production ready before this order can be planned.',
    );
    expect(await page.isEnabled('#action-cancel')).toBe(true);
    // Clicking a disabled button sends nothing.
    await page.click('#action-plan', { force: true });
    expect(calls.some((c) => c.name === 'transitionOrder')).toBe(false);

    await page.click('#discard');
    await page
      .locator('#confirm-box', { hasText: 'Throw away your 3 unpushed changes and reload the order?' })
      .waitFor();
    await page.click('#confirm-ok');
    await expect.poll(() => calls.find((c) => c.name === 'refreshOrder')?.args).toEqual(['PO-000001', true]);
    // The notice is next to the control that caused it.
    await page.locator('#message.ok', { hasText: 'Discarded.' }).waitFor();
    expect(await page.evaluate(() => document.getElementById('message')?.previousElementSibling?.id)).toBe('push-row');
    await page.close();

    // In production: a running batch and output disable cancel; too little produced disables complete.
    const b = (id: string, state: 'Running' | 'Finished') => ({
      id,
      state,
      total: 40,
      produced: state === 'Finished' ? 40 : 0,
      rejected: 0,
      sizes: ['S'],
      colors: ['NAVY'],
      quantities: [[40]],
      missing: 0,
      inspection: null,
      plan: null,
    });
    shown = panel({
      state: 'InProgress',
      editable: false,
      batches: [b('B-1', 'Finished'), b('B-2', 'Running')],
      progress: { batched: 80, produced: 40, rejected: 0, missing: 0 },
    });
    const second = await openPage(chrome.browser, path.join(dist, 'Sidebar.html'), (name) => {
      const q = quiet(name);
      if (q) return q;
      if (name === 'getActiveOrder') return { ok: true, data: shown };
      throw new Error(`unexpected ${name}`);
    });
    await second.page.locator('#action-complete').waitFor();
    expect(await second.page.isDisabled('#action-complete')).toBe(true);
    expect(await second.page.textContent('[data-why="complete"]')).toBe(
      'Complete: Batch B-2 is not Finished or Cancelled yet.',
    );
    expect(await second.page.textContent('[data-why="cancel"]')).toBe(
      'Cancel order…: Batch B-2 is running: finish it first.',
    );
    expect(await second.page.isEnabled('#finish-B-2')).toBe(true);
    expect(second.errors).toEqual([]);
    await second.page.close();
  });

  it('says what a long action does with counts, and puts an error next to the button that caused it', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const batch = (id: string) => ({
      id,
      state: 'Running' as const,
      total: 40,
      produced: 0,
      rejected: 0,
      sizes: ['S'],
      colors: ['NAVY'],
      quantities: [[40]],
      missing: 0,
      inspection: null,
      plan: null,
    });
    const draft = panel();
    const released = panel({
      state: 'Released',
      editable: false,
      toGenerate: 40,
      toBatch: 2000,
      batches: Array.from({ length: 12 }, (_, i) => batch(`B-${i + 1}`)),
    });
    let shown = draft;
    const { page, errors } = await openPage(chrome.browser, path.join(dist, 'Sidebar.html'), async (name) => {
      if (name === 'getPendingChanges') return pendingOf(2000);
      const q = quiet(name);
      if (q) return q;
      if (name === 'getActiveOrder') return { ok: true, data: shown };
      if (name === 'pushOrder' || name === 'generateBatches') {
        await held;
        if (name === 'generateBatches') return { ok: true, data: shown, notice: '40 batches planned.' };
        const data = { sent: 2000, conflicts: 0, invalid: 0, structureChanged: false, version: 2, panel: draft };
        return { ok: true, data, notice: 'Pushed 2,000 changes.' };
      }
      if (name === 'finishBatch')
        return { ok: false, code: 'OUTPUT_NEEDED', message: 'Type what batch B-12 produced.' };
      throw new Error(`unexpected ${name}`);
    });
    await page.locator('#push', { hasText: 'Push 2,000 changes' }).waitFor();
    await page.click('#push');
    await page.locator('#busy', { hasText: 'Pushing 2,000 cells…' }).waitFor();
    release();
    await page.locator('#message.ok', { hasText: 'Pushed 2,000 changes.' }).waitFor();
    await page.close();

    shown = released;
    const second = await openPage(chrome.browser, path.join(dist, 'Sidebar.html'), async (name) => {
      const q = quiet(name);
      if (q) return q;
      if (name === 'getActiveOrder') return { ok: true, data: shown };
      if (name === 'generateBatches') {
        await new Promise((r) => setTimeout(r, 400));
        return { ok: true, data: shown, notice: '40 batches planned.' };
      }
      if (name === 'finishBatch')
        return { ok: false, code: 'OUTPUT_NEEDED', message: 'Type what batch B-12 produced.' };
      throw new Error(`unexpected ${name}`);
    });
    await second.page.setViewportSize({ width: 300, height: 500 });
    await second.page.click('#action-generateBatches');
    await second.page.locator('#busy', { hasText: 'Generating 40 batches…' }).waitFor();
    await second.page.locator('#message.ok', { hasText: '40 batches planned.' }).waitFor();
    await second.page.click('#finish-B-12');
    await second.page.locator('#message.error', { hasText: 'Type what batch B-12 produced.' }).waitFor();
    // Under the batch row whose button failed, and scrolled into view (not at the top of the sidebar).
    expect(
      await second.page.evaluate(() =>
        document.getElementById('message')?.previousElementSibling?.getAttribute('data-batch'),
      ),
    ).toBe('B-12');
    expect(await second.page.locator('#message').isVisible()).toBe(true);
    const box = await second.page.locator('#message').boundingBox();
    expect(box && box.y >= 0 && box.y < 500).toBe(true);
    expect(await second.page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    expect(second.errors).toEqual([]);
    await second.page.close();
  });

  it('sends a ratio fill from the form, and lists unknown codes after a paste', async () => {
    const shown = panel({ sizes: ['S', 'M', 'L'], colors: ['NAVY', 'RED'], total: 75 });
    const bulk = { panel: shown, changed: 6, placed: 6, unknownSizes: [], unknownColors: [], bad: [] };
    const { page, calls, errors } = await openPage(chrome.browser, path.join(dist, 'Sidebar.html'), (name) => {
      const q = quiet(name);
      if (q) return q;
      if (name === 'getActiveOrder') return { ok: true, data: shown };
      if (name === 'ratioFill') return { ok: true, data: bulk, notice: 'Ratio fill: 6 cells changed.' };
      if (name === 'pasteByCodes') {
        const unknownColors = [{ code: 'PINK', ref: 'C7', pieces: 3 }];
        return { ok: true, data: { ...bulk, changed: 2, unknownColors }, notice: 'Pasted 2 cells by code.' };
      }
      throw new Error(`unexpected ${name}`);
    });
    await page.locator('#fill-box summary').click();
    expect(await page.textContent('#fill-sizes')).toBe('Sizes, in order: S : M : L');
    await page.fill('#fill-total', '300');
    await page.fill('#fill-ratio', '1:2:1');
    await page.fill('#fill-c-0', '60');
    await page.fill('#fill-c-1', '40');
    await page.click('#fill');
    await page.locator('#confirm-box', { hasText: 'Replace all 75 garments' }).waitFor();
    await page.click('#confirm-ok');
    await page.locator('#message.ok', { hasText: 'Ratio fill: 6 cells changed.' }).waitFor();
    expect(calls.find((c) => c.name === 'ratioFill')?.args).toEqual([
      'PO-000001',
      {
        total: 300,
        sizeRatio: '1:2:1',
        split: [
          { color: 'NAVY', value: 60 },
          { color: 'RED', value: 40 },
        ],
        splitBy: 'percent',
      },
    ]);
    await page.locator('#paste-box summary').click();
    await page.click('#paste');
    await page.locator('#paste-unknown li', { hasText: 'Color PINK (C7): 3 pieces not placed' }).waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the sidebar driving the built add-on against the local stack', () => {
  it('lists, opens, pushes and moves an order from Draft to Released by clicking', async () => {
    const admin = await token({ email: 'admin@example.com', roles: ['admin', 'planner', 'commercial'] });
    const ana = await token({ email: 'ana@example.com', roles: ['planner'] });
    const tp = createTechPack(admin, 'ProductionReady');
    const created = api('POST', '/v1/production-orders', {
      token: admin,
      body: { techPackId: tp.id, deliveryDate: '2027-03-01' },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    const gas = fakeGas({ token: ana, email: 'ana@example.com', distDir: dist });
    const addon = loadBundle(dist, gas);
    expect(addon.saveSettings(apiUrl())).toMatchObject({ ok: true });
    const { page, calls, errors } = await openPage(chrome.browser, path.join(dist, 'Sidebar.html'), (name, args) =>
      (addon as unknown as Record<string, (...a: unknown[]) => unknown>)[name](...args),
    );
    await page.locator(`#n-techpack option[value="${tp.id}"]`).waitFor({ state: 'attached' });
    await page.fill('#f-techpack', tp.id);
    await page.click('#search');
    await page.locator(`#order-list li[data-order="${id}"]`).waitFor();
    await page.click(`#open-${id}`);
    await page.locator('#c-id', { hasText: id }).waitFor();
    const sheet = gas.book.sheet((await page.textContent('#c-sheet'))!);

    // The planner types into the sheet, then pushes from the sidebar.
    const corner = sheet.find(LABEL.corner)!;
    sheet.type(corner.row + 1, 2, 40); // NAVY / S
    sheet.type(corner.row + 2, 4, 12); // RED / L
    await page.click('#push');
    await page.locator('#message.ok', { hasText: 'Pushed 2 changes' }).waitFor();
    expect(await page.textContent('#c-version')).toBe('2');
    let order = api('GET', `/v1/production-orders/${id}`, { token: admin }).body;
    expect(order.matrix.quantities).toEqual([
      [40, 0, 0],
      [0, 0, 12],
    ]);

    await page.click('#action-plan');
    await page.locator('#c-state', { hasText: 'Planned' }).waitFor();
    await page.click('#action-release');
    await page.locator('#c-state', { hasText: 'Released' }).waitFor();
    // After release the quantities stay open as an amendment: the push asks for a reason (issue 14).
    expect(await page.isVisible('#push')).toBe(true);
    expect(await page.textContent('#push')).toMatch(/^Push amendment/);
    order = api('GET', `/v1/production-orders/${id}`, { token: admin }).body;
    expect(order).toMatchObject({ state: 'Released', total: 52, updatedBy: 'ana@example.com' });
    expect(calls.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'getActiveOrder',
        'listOrders',
        'listTechPacks',
        'openOrder',
        'pushOrder',
        'transitionOrder',
      ]),
    );
    expect(errors).toEqual([]);
    await page.close();
  });
});
