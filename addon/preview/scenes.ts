// The order sheet as planners see it, produced by the real add-on: the built bundle (dist/Code.js)
// runs in a Node vm over the fake Google services (test/addon/fakes), whose UrlFetchApp calls a
// real local stack. Each scene drives the add-on the way a planner does (open, type, onEdit, push,
// refresh, batches) and hands back the fake sheet to draw.
import { loadBundle, type AddonGlobals } from '../../test/addon/fakes/bundle.js';
import { callApi, fakeGas, type FakeGas } from '../../test/addon/fakes/services.js';
import type { FakeSheet } from '../../test/addon/fakes/spreadsheet.js';
import type { SheetPicture } from './render.js';

export interface StackInfo {
  url: string;
  /** A planner's token (the add-on's user) and an admin's (the "other planner", set-up calls). */
  planner: string;
  plannerEmail: string;
  admin: string;
}

export interface Scene {
  file: string;
  sheet: FakeSheet;
  picture: SheetPicture;
  viewport: { width: number; height: number };
}

const TIME_ZONE = 'Europe/Madrid';

function must<T>(out: { ok: boolean; data?: T; message?: string }, what: string): T {
  if (!out.ok) throw new Error(`${what}: ${out.message}`);
  return out.data as T;
}

export class Scenes {
  private n = 0;

  constructor(
    private readonly stack: StackInfo,
    private readonly dist: string,
  ) {}

  private api(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
    const res = callApi(this.stack.url, method, `/v1${path}`, { token: this.stack.admin, body, headers });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  private addon(): { gas: FakeGas; g: AddonGlobals } {
    const gas = fakeGas({ token: this.stack.planner, email: this.stack.plannerEmail, distDir: this.dist });
    gas.book.timeZone = TIME_ZONE;
    const g = loadBundle(this.dist, gas);
    must(g.saveSettings(this.stack.url), 'settings');
    return { gas, g };
  }

  /** A tech pack walked to Production ready, and an order for it. */
  private order(sizes: string[], colors: string[], quantities: number[][], extra: Record<string, unknown> = {}) {
    this.n += 1;
    const tp = this.api('POST', '/tech-packs', {
      styleCode: `TEE-${String(100 + this.n)}`,
      name: 'Organic crew tee',
      season: 'SS27',
      sizes,
      colors: colors.map((code) => ({ code, name: code.toLowerCase() })),
      bom: [
        {
          material: 'FAB-JERSEY-180',
          uom: 'm',
          consumption: 1.2,
          wastagePct: 5,
          variants: 'match',
          purchaseMultiple: 50,
        },
        { material: 'THREAD-POLY', uom: 'cone', consumption: 0.02, wastagePct: 3, purchaseMultiple: 1 },
      ],
    });
    for (const to of ['Design', 'Approval', 'ProductionReady'])
      this.api('POST', `/tech-packs/${tp.id}/transitions`, { to });
    return this.api('POST', '/production-orders', {
      techPackId: tp.id,
      deliveryDate: '2027-03-01',
      matrix: { sizes, colors, quantities },
      ...extra,
    });
  }

  private static type(g: AddonGlobals, sheet: FakeSheet, row: number, col: number, v: unknown): void {
    sheet.type(row, col, v);
    g.onEdit({ range: sheet.getRange(row, col, 1, 1), authMode: 'LIMITED' });
  }

  private static cell(sheet: FakeSheet, color: string, size: string): { row: number; col: number } {
    const corner = sheet.find('Color \\ Size');
    if (!corner) throw new Error('no matrix on the sheet');
    const values = sheet.getDataRange().getValues();
    const col = values[corner.row - 1].findIndex((v) => String(v) === size) + 1;
    const row = values.findIndex((r, i) => i >= corner.row && String(r[0]) === color) + 1;
    return { row, col };
  }

  /** A Draft order with edits typed and not pushed: blue (changed) and orange (not a quantity). */
  draft(): Scene {
    const sizes = ['XS', 'S', 'M', 'L', 'XL', 'XXL'];
    const colors = ['NAVY', 'HEATHER-GREY', 'BLACK', 'WHITE', 'RED'];
    const q = colors.map((_, r) => sizes.map((_, c) => [40, 120, 180, 160, 90, 30][c] + r * 10));
    const order = this.order(sizes, colors, q);
    const { gas, g } = this.addon();
    const sheet = gas.book.sheet(must(g.openOrder(order.id), 'open').sheetName);
    const at = (color: string, size: string) => Scenes.cell(sheet, color, size);
    const edits: [string, string, unknown][] = [
      ['NAVY', 'M', 200],
      ['HEATHER-GREY', 'L', 175],
      ['BLACK', 'S', 1250],
      ['WHITE', 'XL', '2OO'],
      ['RED', 'XS', -5],
      ['RED', 'XXL', 2.5],
    ];
    for (const [color, size, v] of edits) {
      const c = at(color, size);
      Scenes.type(g, sheet, c.row, c.col, v);
    }
    // The planner's own helper cells beside the block.
    sheet.type(7, 11, 'Target');
    sheet.type(8, 11, 4000);
    const note = at('RED', 'XXL');
    return {
      file: 'order-draft-edits.png',
      sheet,
      picture: { openNote: note, selected: note, cols: 12, rows: 30 },
      viewport: { width: 1200, height: 560 },
    };
  }

  /** A push refused because another planner changed the same cells: red, with both values. */
  conflict(): Scene {
    const sizes = ['S', 'M', 'L', 'XL'];
    const colors = ['NAVY', 'HEATHER-GREY', 'BLACK'];
    const order = this.order(sizes, colors, [
      [100, 150, 150, 80],
      [60, 90, 90, 40],
      [120, 200, 180, 100],
    ]);
    const { gas, g } = this.addon();
    const sheet = gas.book.sheet(must(g.openOrder(order.id), 'open').sheetName);
    const at = (color: string, size: string) => Scenes.cell(sheet, color, size);
    for (const [color, size, v] of [
      ['NAVY', 'M', 160],
      ['HEATHER-GREY', 'L', 95],
      ['BLACK', 'XL', 110],
    ] as const) {
      const c = at(color, size);
      Scenes.type(g, sheet, c.row, c.col, v);
    }
    // Meanwhile the other planner changes two of the same cells through the API.
    this.api('POST', `/production-orders/${order.id}/matrix-edits`, {
      baseVersion: order.version,
      edits: [
        { color: 'NAVY', size: 'M', from: 150, to: 170 },
        { color: 'BLACK', size: 'XL', from: 100, to: 90 },
      ],
    });
    g.pushActiveSheet();
    const red = at('BLACK', 'XL');
    return {
      file: 'order-conflict.png',
      sheet,
      picture: { openNote: red, selected: red, cols: 11, rows: 26 },
      viewport: { width: 1200, height: 520 },
    };
  }

  /** Released, batches generated and running, two finished (one short with a reason): per-cell progress. */
  inProgress(): Scene {
    const sizes = ['S', 'M', 'L', 'XL'];
    const colors = ['NAVY', 'HEATHER-GREY', 'BLACK'];
    const order = this.order(
      sizes,
      colors,
      [
        [100, 150, 150, 80],
        [60, 90, 90, 40],
        [120, 200, 180, 100],
      ],
      { batchPlan: { maxBatchQty: 500 } },
    );
    const { gas, g } = this.addon();
    must(g.openOrder(order.id), 'open');
    must(g.transitionOrder(order.id, 'plan', {}), 'plan');
    must(g.transitionOrder(order.id, 'release', {}), 'release');
    const batches = must(g.generateBatches(order.id), 'generate').batches;
    for (const b of batches.slice(0, 3)) must(g.startBatch(order.id, b.id), 'start');
    batches.slice(0, 2).forEach((b, i) => {
      const produced = { sizes: b.sizes, colors: b.colors, quantities: b.quantities.map((r) => [...r]) };
      const rejected = { sizes: b.sizes, colors: b.colors, quantities: b.quantities.map((r) => r.map(() => 0)) };
      if (i === 1) {
        produced.quantities[0][1] -= 6;
        rejected.quantities[0][1] = 2;
      }
      const body = { action: 'finish', produced, rejected, ...(i === 1 ? { reason: '4 pieces lost in washing' } : {}) };
      this.api('POST', `/production-orders/${order.id}/batches/${b.id}/transitions`, body);
    });
    const panel = must(g.refreshOrder(order.id, false), 'refresh');
    const sheet = gas.book.sheet(panel.sheetName);
    return {
      file: 'order-in-progress.png',
      sheet,
      picture: { cols: 10, rows: sheet.lastRow() + 1 },
      viewport: { width: 1200, height: 40 + 34 + 22 * (sheet.lastRow() + 3) },
    };
  }

  /**
   * A released order with its milestones beside the matrix: one done, one overdue (red), the others
   * due soon, judged on today in the spreadsheet's time zone. The factory's template is set for this
   * order only and put back after.
   */
  milestones(): Scene {
    const template = [
      { key: 'FABRIC-IN', name: 'Fabric in house', daysBeforeDelivery: 30 },
      { key: 'TRIMS-IN', name: 'Trims in house', daysBeforeDelivery: 24 },
      { key: 'PP-SAMPLE', name: 'PP sample approved', daysBeforeDelivery: 10 },
      { key: 'EX-FACTORY', name: 'Ex-factory', daysBeforeDelivery: 2 },
    ];
    const before = this.api('GET', '/settings');
    this.api('PUT', '/settings', { milestoneTemplate: template });
    const today = new Date().toISOString().slice(0, 10);
    const delivery = new Date(Date.parse(`${today}T00:00:00Z`) + 14 * 86_400_000).toISOString().slice(0, 10);
    let order: { id: string };
    try {
      order = this.order(
        ['S', 'M', 'L', 'XL'],
        ['NAVY', 'HEATHER-GREY', 'BLACK'],
        [
          [100, 150, 150, 80],
          [60, 90, 90, 40],
          [120, 200, 180, 100],
        ],
        { deliveryDate: delivery },
      );
    } finally {
      this.api('PUT', '/settings', { milestoneTemplate: before.milestoneTemplate ?? [] });
    }
    const { gas, g } = this.addon();
    must(g.openOrder(order.id), 'open');
    must(g.transitionOrder(order.id, 'plan', {}), 'plan');
    must(g.transitionOrder(order.id, 'release', {}), 'release');
    const done = new Date(Date.parse(`${today}T00:00:00Z`) - 12 * 86_400_000).toISOString().slice(0, 10);
    const panel = must(g.updateMilestone(order.id, 'FABRIC-IN', { action: 'done', date: done }), 'done');
    const sheet = gas.book.sheet(panel.sheetName);
    return {
      file: 'order-milestones.png',
      sheet,
      picture: { cols: 16, rows: 14 },
      viewport: { width: 1500, height: 40 + 34 + 22 * 16 },
    };
  }

  /** A finished batch's own cells (Show cells): planned, produced, rejected and missing, its inspection. */
  batchCells(): Scene {
    const code = `IQ-PREVIEW-${this.n + 1}`;
    this.api('POST', '/iq-templates', {
      code,
      name: 'Knit tops',
      inspectionLevel: 'II',
      aql: { major: 2.5, minor: 4 },
      requiredForFinish: false,
    });
    const order = this.order(
      ['S', 'M', 'L', 'XL'],
      ['NAVY', 'HEATHER-GREY', 'BLACK'],
      [
        [100, 150, 150, 80],
        [60, 90, 90, 40],
        [120, 200, 180, 100],
      ],
      { batchPlan: { maxBatchQty: 500 }, iqTemplate: code },
    );
    const { gas, g } = this.addon();
    must(g.openOrder(order.id), 'open');
    must(g.transitionOrder(order.id, 'plan', {}), 'plan');
    must(g.transitionOrder(order.id, 'release', {}), 'release');
    const b = must(g.generateBatches(order.id), 'generate').batches[1];
    must(g.startBatch(order.id, b.id), 'start');
    const path = `/production-orders/${order.id}/batches/${b.id}`;
    this.api('POST', `${path}/inspections`, { sampleSize: 32, majorDefects: 1, minorDefects: 2, inspector: 'Quinn' });
    const produced = { sizes: b.sizes, colors: b.colors, quantities: b.quantities.map((r) => [...r]) };
    const rejected = { sizes: b.sizes, colors: b.colors, quantities: b.quantities.map((r) => r.map(() => 0)) };
    produced.quantities[0][1] -= 6;
    rejected.quantities[0][1] = 2;
    produced.quantities[0][2] -= 1;
    this.api('POST', `${path}/transitions`, {
      action: 'finish',
      produced,
      rejected,
      reason: '5 pieces lost in washing',
    });
    const shown = must(g.showBatchCells(order.id, b.id), 'show cells');
    const sheet = gas.book.sheet(shown.sheetName);
    return {
      file: 'batch-cells.png',
      sheet,
      picture: { cols: 9, rows: sheet.lastRow() + 1 },
      viewport: { width: 1000, height: 40 + 34 + 22 * (sheet.lastRow() + 3) },
    };
  }

  /** A 30 x 40 order, scrolled: the size row and the color column stay in view. */
  large(): Scene {
    const sizes = Array.from({ length: 40 }, (_, i) => `${30 + i}`);
    const names = ['NAVY', 'HEATHER-GREY', 'BLACK', 'WHITE', 'RED', 'FOREST-GREEN', 'SKY-BLUE', 'SAND', 'CHARCOAL'];
    const colors = Array.from({ length: 30 }, (_, i) =>
      i < names.length ? names[i] : `COL-${String(i + 1).padStart(3, '0')}`,
    );
    const q = colors.map((_, r) => sizes.map((_, c) => 20 + ((r * 7 + c * 13) % 90) * 10));
    const order = this.order(sizes, colors, q);
    const { gas, g } = this.addon();
    const sheet = gas.book.sheet(must(g.openOrder(order.id), 'open').sheetName);
    const c = Scenes.cell(sheet, 'COL-020', '55');
    Scenes.type(g, sheet, c.row, c.col, 999);
    return {
      file: 'order-30x40.png',
      sheet,
      picture: { cols: 44, rows: 60, scroll: { left: 1100, top: 260 }, selected: c },
      viewport: { width: 1280, height: 640 },
    };
  }
}
