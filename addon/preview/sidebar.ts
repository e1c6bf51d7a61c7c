// The sidebar as planners see it, drawn to PNG files: the real built Sidebar.html (addon/build.ts)
// in headless Chromium at the sidebar's width (300 px), with google.script.run answered from canned
// server answers shaped by addon/src/protocol.ts. Pictures: the order list, an open order, the
// conflict list after a refused push, the ratio fill form, an error next to its button, and after
// release the amendment's reason and the split of a selection.
// `npm run addon:preview` calls drawSidebarPictures (the sheet pictures are drawn beside it).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildAddon, GOOGLE_ADDON_CSS } from '../build.js';
import { a1, FIRST_QTY_COL, FIRST_QTY_ROW } from '../src/layout.js';
import { milestoneLines } from '../src/milestonesBlock.js';
import type { BatchRow } from '../src/model.js';
import type { BulkOutcome, ConflictRow, OrderListItem, OrderPanel, Outcome, SplitProposal } from '../src/protocol.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Google's sidebars are 300 px wide. */
const WIDTH = 300;

/** google.script.run in the page: each call goes to window.__gfServe in Node. */
const STUB = `(() => {
  const runner = (success, failure) => new Proxy({}, {
    get(_t, name) {
      if (name === 'withSuccessHandler') return (fn) => runner(fn, failure);
      if (name === 'withFailureHandler') return (fn) => runner(success, fn);
      return (...args) => {
        window.__gfServe(name, JSON.stringify(args)).then((raw) => { if (success) success(JSON.parse(raw)); });
      };
    },
  });
  window.google = { script: { run: runner(), host: { close: () => {} } } };
})();`;

type Serve = (name: string, args: unknown[]) => Outcome<unknown>;

const ok = <T>(data: T, notice?: string): Outcome<T> => (notice ? { ok: true, data, notice } : { ok: true, data });

function batch(id: string, state: BatchRow['state'], total: number, produced: number): BatchRow {
  return {
    id,
    state,
    total,
    produced,
    rejected: state === 'Finished' ? 6 : 0,
    sizes: ['S', 'M', 'L'],
    colors: ['NAVY'],
    quantities: [[total / 4, total / 2, total / 4]],
    missing: 0,
    inspection: state === 'Finished' ? { count: 1, result: 'pass', at: '2026-11-30T09:58:40.002Z' } : null,
    plan: null,
  };
}

const SIZES = ['XS', 'S', 'M', 'L', 'XL', 'XXL'];
const COLORS = ['NAVY', 'HEATHER-GREY', 'RED'];

function draft(over: Partial<OrderPanel> = {}): OrderPanel {
  return {
    orderId: 'PO-000142',
    sheetName: 'PO TEE-24 PO-000142',
    styleCode: 'TEE-24',
    state: 'Draft',
    version: 4,
    total: 2400,
    deliveryDate: '2027-03-01',
    customer: 'Nordic Outfitters',
    editable: true,
    amendment: false,
    actions: ['plan', 'cancel'],
    batches: [],
    progress: { batched: 0, produced: 0, rejected: 0, missing: 0 },
    tolerance: { overPct: 5, underPct: 3, scope: 'color' },
    extraCutPct: 2,
    materialsStale: false,
    pulledAt: '2026-12-01T09:58:40.002Z',
    sizes: SIZES,
    colors: COLORS,
    techPackState: 'ProductionReady',
    toBatch: null,
    toGenerate: null,
    conflicts: [],
    ...over,
  };
}

const inProgress = draft({
  orderId: 'PO-000131',
  sheetName: 'PO POLO-7 PO-000131',
  styleCode: 'POLO-7',
  state: 'InProgress',
  version: 11,
  total: 1600,
  editable: true,
  amendment: true,
  actions: ['complete', 'shortClose'],
  batches: [
    batch('B-0131-01', 'Finished', 400, 394),
    batch('B-0131-02', 'Running', 400, 0),
    batch('B-0131-03', 'Planned', 400, 0),
  ],
  progress: { batched: 1200, produced: 394, rejected: 6, missing: 0 },
  toBatch: 432,
  toGenerate: 2,
});

/** A conflict row placed where the order sheet (addon/src/layout.ts) puts that cell. */
function conflict(color: string, size: string, mine: number, theirs: number) {
  const row = FIRST_QTY_ROW + COLORS.indexOf(color);
  const col = FIRST_QTY_COL + SIZES.indexOf(size);
  const ref = a1(row, col);
  const c: ConflictRow = {
    color,
    size,
    ref,
    row,
    col,
    base: 100,
    mine,
    theirs,
    by: 'bo@example.com',
    at: '2026-12-01 15:58', // in the spreadsheet's time zone (Asia/Dhaka), as AddonService.when writes it
  };
  return c;
}

const LIST: OrderListItem[] = [
  {
    id: 'PO-000142',
    styleCode: 'TEE-24',
    techPackId: 'TP-0042',
    state: 'Draft',
    version: 4,
    total: 2400,
    deliveryDate: '2027-03-01',
    customer: 'Nordic Outfitters',
  },
  {
    id: 'PO-000139',
    styleCode: 'HOOD-3',
    techPackId: 'TP-0038',
    state: 'Planned',
    version: 6,
    total: 900,
    deliveryDate: '2027-02-15',
    customer: null,
  },
  {
    id: 'PO-000131',
    styleCode: 'POLO-7',
    techPackId: 'TP-0031',
    state: 'InProgress',
    version: 11,
    total: 1600,
    deliveryDate: '2027-01-20',
    customer: 'Baltic Wear',
  },
  {
    id: 'PO-000127',
    styleCode: 'CHINO-2',
    techPackId: 'TP-0027',
    state: 'Released',
    version: 8,
    total: 1200,
    deliveryDate: '2027-01-10',
    customer: 'Nordic Outfitters',
  },
  {
    id: 'PO-000118',
    styleCode: 'TEE-21',
    techPackId: 'TP-0019',
    state: 'Completed',
    version: 19,
    total: 3000,
    deliveryDate: '2026-11-20',
    customer: null,
  },
];

function serveWith(active: OrderPanel | null, extra: Partial<Record<string, Serve>> = {}): Serve {
  return (name, args) => {
    const own = extra[name];
    if (own) return own(name, args);
    switch (name) {
      case 'getActiveOrder':
        return ok(active);
      case 'listOrders':
        return ok({ items: LIST, nextCursor: 'more' });
      case 'listTechPacks':
        return ok({
          items: [
            { id: 'TP-0042', styleCode: 'TEE-24', name: 'Crew tee', state: 'ProductionReady' },
            { id: 'TP-0050', styleCode: 'JKT-1', name: 'Rain jacket', state: 'Design' },
          ],
          nextCursor: null,
        });
      case 'getPendingChanges': {
        const conflicts = active?.conflicts?.length ?? 0;
        const pending = conflicts ? 0 : 12;
        return ok(
          active && {
            orderId: active.orderId,
            sheetName: active.sheetName,
            editable: active.editable,
            pending,
            invalid: 0,
            structureChanged: false,
            changedCells: [],
            invalidCells: [],
            problems: [],
            conflicts,
          },
        );
      }
      default:
        return ok(active);
    }
  };
}

async function openSidebar(browser: BrowserContext, file: string, serve: Serve): Promise<Page> {
  const page = await browser.newPage();
  await page.route(GOOGLE_ADDON_CSS, (route) => route.abort()); // Google's server: not reachable here
  await page.setViewportSize({ width: WIDTH, height: 640 });
  await page.exposeFunction('__gfServe', (name: string, argsJson: string) =>
    JSON.stringify(serve(name, JSON.parse(argsJson) as unknown[])),
  );
  await page.addInitScript(STUB);
  await page.goto(pathToFileURL(file).href);
  await page.locator('#order-list li').first().waitFor();
  return page;
}

async function shoot(page: Page, file: string, clip?: { from: string; to?: string }): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  if (!clip) {
    await page.screenshot({ path: file, fullPage: true });
    return;
  }
  const top = await page.locator(clip.from).boundingBox();
  const bottom = clip.to ? await page.locator(clip.to).boundingBox() : null;
  const y = Math.max(0, (top?.y ?? 0) - 8);
  const end = bottom ? bottom.y + bottom.height + 8 : y + 640;
  const scrollY = await page.evaluate(() => window.scrollY);
  await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: y + scrollY, width: WIDTH, height: end - y } });
}

/** Draws the sidebar pictures into `outDir`; answers the PNG files written. */
export async function drawSidebarPictures(outDir: string): Promise<string[]> {
  if (!existsSync(CHROMIUM))
    throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM_PATH`);
  mkdirSync(outDir, { recursive: true });
  const dist = mkdtempSync(path.join(os.tmpdir(), 'gf-preview-sidebar-'));
  const profile = mkdtempSync(path.join(os.tmpdir(), 'gf-preview-chromium-'));
  const written: string[] = [];
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: WIDTH, height: 640 },
    deviceScaleFactor: 2,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    await buildAddon({ outDir: dist, apiUrl: '' });
    const html = path.join(dist, 'Sidebar.html');
    const out = (name: string) => {
      const f = path.join(outDir, `sidebar-${name}.png`);
      written.push(f);
      return f;
    };

    // 1. The order list (no order open yet).
    let page = await openSidebar(browser, html, serveWith(null));
    await shoot(page, out('list'), { from: '#orders', to: '#new' });
    await page.close();

    // 2. An open order in production: progress, batches, what is disabled and why.
    page = await openSidebar(browser, html, serveWith(inProgress));
    await page.locator('#c-id', { hasText: inProgress.orderId }).waitFor();
    await shoot(page, out('order'), { from: '#current', to: '#refresh-materials' });
    await page.close();

    // 3. After a push met conflicts: the cells, yours and theirs, who and when; keep mine / take theirs.
    const conflicted = draft({
      version: 5,
      conflicts: [
        conflict('NAVY', 'S', 140, 160),
        conflict('HEATHER-GREY', 'L', 220, 180),
        conflict('RED', 'XXL', 40, 0),
      ],
    });
    const refs = (conflicted.conflicts ?? []).map((c) => c.ref).join(', ');
    const pushed = {
      sent: 0,
      conflicts: 3,
      invalid: 0,
      structureChanged: false,
      version: 5,
      panel: conflicted,
    };
    const long = `3 cells were changed by bo@example.com since you pulled the order (${refs}): nothing was sent.`;
    page = await openSidebar(browser, html, serveWith(conflicted, { pushOrder: () => ok(pushed, long) }));
    await page.click('#push');
    await page.locator('#conflicts-title', { hasText: '3 conflicts' }).waitFor();
    await page.locator('#message.error').waitFor();
    await shoot(page, out('conflicts'), { from: '#current', to: '#conflicts' });
    await page.close();

    // 4. Ratio fill: a total, a size ratio and a color split in %.
    const bulk = (p: OrderPanel): BulkOutcome => ({
      panel: p,
      changed: 18,
      placed: 18,
      unknownSizes: [],
      unknownColors: [],
      bad: [],
    });
    page = await openSidebar(
      browser,
      html,
      serveWith(draft(), {
        ratioFill: () =>
          ok(bulk(draft()), 'Ratio fill: 2,400 garments over 3 colors: 18 cells changed, pending until you push.'),
      }),
    );
    await page.locator('#fill-box summary').click();
    await page.fill('#fill-total', '2400');
    await page.fill('#fill-ratio', '1:2:3:3:2:1');
    await page.fill('#fill-c-0', '50');
    await page.fill('#fill-c-1', '30');
    await page.fill('#fill-c-2', '20');
    await page.click('#fill');
    await page.locator('#confirm-box').waitFor();
    await shoot(page, out('ratio-fill'), { from: '#push-row', to: '#confirm-box' });
    await page.close();

    // 5. An error, next to the button that caused it (low in the batch list), with the reason.
    page = await openSidebar(
      browser,
      html,
      serveWith(inProgress, {
        finishBatch: () => ({
          ok: false,
          code: 'OUTPUT_NEEDED',
          message:
            'Type what batch B-0131-02 produced and rejected on the sheet "Output B-0131-02", then click Finish again.',
        }),
      }),
    );
    await page.locator('#finish-B-0131-02').click();
    await page.locator('#message.error').waitFor();
    await shoot(page, out('error'), { from: '#batches', to: '#message' });
    await page.close();

    // 6. After release: a push is an amendment, its reason asked inside the sidebar (issue 14).
    const released = draft({
      state: 'Released',
      version: 9,
      amendment: true,
      actions: ['generateBatches', 'cancel'],
      deliveryDate: '2027-03-15',
      originalDeliveryDate: '2027-03-01',
      unbatched: 1200,
      progress: { batched: 1200, produced: 0, rejected: 0, missing: 0 },
    });
    page = await openSidebar(browser, html, serveWith(released));
    await page.locator('#push', { hasText: 'Push amendment: 12 changes' }).waitFor();
    await page.click('#push');
    await page.fill('#reason', 'buyer added 300 NAVY for the spring drop');
    await shoot(page, out('amend'), { from: '#current', to: '#reason-box' });
    await page.close();

    // 7. Split selection: the cells selected on the sheet, their un-batched quantity proposed.
    const proposal: SplitProposal = {
      orderId: released.orderId,
      range: 'A9',
      cells: SIZES.map((size, i) => ({
        color: 'RED',
        size,
        ref: a1(FIRST_QTY_ROW + 2, FIRST_QTY_COL + i),
        ordered: 80,
        batched: i < 2 ? 40 : 0,
        available: i < 2 ? 40 : 80,
      })),
      nothingLeft: [],
    };
    page = await openSidebar(
      browser,
      html,
      // Nothing unpushed on the sheet (a split needs the sheet to match the order).
      serveWith(released, { proposeSplit: () => ok(proposal), getPendingChanges: () => ok(null) }),
    );
    await page.locator('#c-id', { hasText: released.orderId }).waitFor();
    await page.click('#ar-split');
    await page.locator('#ar-split-box tr[data-cell]').first().waitFor();
    await page.fill('#ar-split-reason', 'RED ships on the second vessel');
    await page.fill('#ar-split-date', '2027-04-15');
    await page.evaluate(() => {
      (document.activeElement as HTMLElement | null)?.blur();
      window.scrollTo(0, 0);
    });
    await shoot(page, out('split'), { from: '#after-release', to: '#ar-split-box' });
    await page.close();

    // 8. Milestones: one overdue, one done; Re-date to a later day asks why, inside the form.
    const today = '2026-12-01';
    const milestones = draft({
      ...inProgress,
      milestones: {
        today,
        changeable: true,
        items: milestoneLines(
          [
            { key: 'FABRIC-IN', name: 'Fabric in house', due: '2026-11-15', done: '2026-11-19' },
            { key: 'TRIMS-IN', name: 'Trims in house', due: '2026-11-21', done: null },
            { key: 'PP-SAMPLE', name: 'PP sample approved', due: '2026-12-05', done: null },
            { key: 'EX-FACTORY', name: 'Ex-factory', due: '2026-12-13', done: null },
          ],
          today,
        ),
      },
    });
    page = await openSidebar(browser, html, serveWith(milestones));
    await page.locator('#m-redate-PP-SAMPLE').click();
    await page.fill('#m-date', '2026-12-09');
    await page.fill('#m-reason', 'buyer asked for a second fit');
    await shoot(page, out('milestones'), { from: '#milestones-box', to: '#milestones-box' });
    await page.close();
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(dist, { recursive: true, force: true });
  }
  return written;
}
