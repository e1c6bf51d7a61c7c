// Section 8: the add-on's cost in Apps Script terms. The built bundle (dist/Code.js) runs in a Node
// vm over the fake Google services (test/addon/fakes), its UrlFetchApp calling the bench's local
// stack. For a small order and the large one (20,000 cells in the full run) it counts, per open,
// push, refresh and onEdit: the calls into SpreadsheetApp (every method of Spreadsheet, Sheet, Range
// and Protection, and of them the ones that read or write cells), the UrlFetchApp calls (one
// fetchAll of three requests is one call) and requests, and the add-on's own time (wall time minus
// the time spent waiting for UrlFetchApp). The counts must not grow with the order: a finding
// otherwise.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildAddon } from '../../addon/build.js';
import { loadBundle } from '../../test/addon/fakes/bundle.js';
import { callApi, fakeGas } from '../../test/addon/fakes/services.js';
import type { FakeSheet } from '../../test/addon/fakes/spreadsheet.js';
import type { GasServices, GSpreadsheetApp } from '../../addon/src/gas.js';
import type { StackContext } from '../lib/context.js';
import { codes } from '../lib/fixtures.js';
import { fmt, type Row, type SectionResult } from '../lib/report.js';
import { median, ms } from '../lib/stats.js';

const DATA_CALLS =
  /^(getValues|setValues|setBackgrounds|setNotes|setNumberFormats|setFontWeights|clear|clearNote|clearNotes)$/;

interface Counter {
  calls: number;
  data: number;
  byName: Map<string, number>;
}

/** SpreadsheetApp with every method call on what it hands out counted. */
function countingApp(app: GSpreadsheetApp, c: Counter): GSpreadsheetApp {
  const wrapped = new WeakMap<object, object>();
  const wrappable = (x: unknown): x is object =>
    typeof x === 'object' && x !== null && !Array.isArray(x) && /^Fake/.test(x.constructor?.name ?? '');
  const wrap = <T extends object>(target: T): T => {
    const hit = wrapped.get(target);
    if (hit) return hit as T;
    const p = new Proxy(target, {
      get(t, k) {
        const v = Reflect.get(t, k, t);
        if (typeof v !== 'function' || typeof k !== 'string') return v;
        return (...args: unknown[]) => {
          c.calls++;
          if (DATA_CALLS.test(k)) c.data++;
          c.byName.set(k, (c.byName.get(k) ?? 0) + 1);
          const out = (v as (...a: unknown[]) => unknown).apply(t, args);
          if (Array.isArray(out)) return out.map((x) => (wrappable(x) ? wrap(x) : x));
          return wrappable(out) ? wrap(out) : out;
        };
      },
    });
    wrapped.set(target, p);
    return p;
  };
  return {
    getActive: () => wrap(app.getActive()),
    getUi: () => app.getUi(),
    ProtectionType: app.ProtectionType,
  };
}

interface Measure {
  sheetsCalls: number;
  dataCalls: number;
  urlFetchCalls: number;
  requests: number;
  wallMs: number;
  fetchMs: number;
  ownMs: number;
}

export async function addonCost(ctx: StackContext): Promise<SectionResult> {
  const t0 = performance.now();
  const title = '10. Add-on cost in Apps Script terms: Sheets and UrlFetch calls per action, and its own time';
  const L = ctx.cfg.large;
  // A small order and the large one: the counts must be the same for both.
  const sizes = [
    ctx.cfg.smoke ? { sizes: 5, colors: 10 } : { sizes: 10, colors: 20 },
    { sizes: L.sizes, colors: L.colors },
  ];
  const dist = mkdtempSync(path.join(os.tmpdir(), 'gf-bench-addon-'));
  const rows: Row[] = [];
  const byAction = new Map<string, Measure[]>();
  try {
    await buildAddon({ outDir: dist, apiUrl: '' });
    const { url, tokens } = ctx.stack;
    const call = (method: string, p: string, body?: unknown) => {
      const r = callApi(url, method, `/v1${p}`, { token: tokens.admin, body });
      if (r.status >= 300) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      return r.body;
    };
    for (const shape of sizes) {
      const s = codes('S', shape.sizes);
      const k = codes('C', shape.colors);
      const cells = s.length * k.length;
      const tp = call('POST', '/tech-packs', {
        styleCode: `BENCH-ADDON-${cells}-${Date.now()}`,
        name: 'Add-on cost',
        season: 'SS27',
        sizes: s,
        colors: k.map((code) => ({ code, name: code })),
        bom: [{ material: 'FAB', uom: 'm', consumption: 1.2, wastagePct: 5, variants: 'match', purchaseMultiple: 50 }],
      });
      for (const to of ['Design', 'Approval', 'ProductionReady'])
        call('POST', `/tech-packs/${tp.id}/transitions`, { to });
      const order = call('POST', '/production-orders', {
        techPackId: tp.id,
        deliveryDate: '2027-03-01',
        matrix: { sizes: s, colors: k, quantities: k.map(() => s.map(() => 10)) },
      });

      const gas = fakeGas({ token: tokens.planner, email: 'ana@bench.example' });
      const counter: Counter = { calls: 0, data: 0, byName: new Map() };
      let fetchMs = 0;
      const inner = gas.fetcher;
      const timed = <T>(fn: () => T): T => {
        const s0 = performance.now();
        try {
          return fn();
        } finally {
          fetchMs += performance.now() - s0;
        }
      };
      const services = gas as GasServices;
      services.SpreadsheetApp = countingApp(gas.SpreadsheetApp, counter);
      services.UrlFetchApp = {
        fetch: (u, p) => timed(() => inner.fetch(u, p)),
        fetchAll: (reqs) => timed(() => inner.fetchAll(reqs)),
      };
      const g = loadBundle(dist, gas);
      const saved = g.saveSettings(url);
      if (!saved.ok) throw new Error(`settings: ${saved.message}`);
      const measure = (name: string, fn: () => void): Measure => {
        const c0 = { ...counter };
        const u0 = inner.calls;
        const r0 = inner.requests.length;
        fetchMs = 0;
        const s0 = performance.now();
        fn();
        const wallMs = performance.now() - s0;
        const m: Measure = {
          sheetsCalls: counter.calls - c0.calls,
          dataCalls: counter.data - c0.data,
          urlFetchCalls: inner.calls - u0,
          requests: inner.requests.length - r0,
          wallMs,
          fetchMs,
          ownMs: Math.max(0, wallMs - fetchMs),
        };
        const key = `${name}\u0000${cells}`;
        byAction.set(key, [...(byAction.get(key) ?? []), m]);
        return m;
      };
      const ok = (out: { ok: boolean; message?: string } | undefined, what: string) => {
        if (out && !out.ok) throw new Error(`${what}: ${out.message}`);
      };
      let sheetName = '';
      measure('open', () => {
        const out = g.openOrder(order.id);
        ok(out, 'open');
        sheetName = (out as { data: { sheetName: string } }).data.sheetName;
      });
      const sheet = gas.book.sheet(sheetName) as FakeSheet;
      const runs = ctx.cfg.smoke ? 1 : 3;
      for (let run = 0; run < runs; run++) {
        // The planner changes every tenth cell (a tenth of the order), each by one.
        const changed = Math.max(1, Math.floor(cells / 10));
        for (let i = 0; i < changed; i++) {
          const idx = i * 10;
          sheet.type(7 + Math.floor(idx / s.length), 2 + (idx % s.length), 11 + run);
        }
        // Apps Script hands the trigger e.range; taken here through the counted objects, so the
        // trigger's own calls on it (getSheet, ...) count, its lookup does not.
        const edited = services.SpreadsheetApp.getActive().getSheetByName(sheetName)!.getRange(7, 2, 1, 1);
        measure('onEdit (one cell)', () => g.onEdit({ range: edited }));
        measure('getPendingChanges', () => ok(g.getPendingChanges(null), 'pending'));
        measure('push (a tenth of the cells changed)', () => ok(g.pushOrder(order.id), 'push'));
        measure('refresh', () => ok(g.refreshOrder(order.id, false), 'refresh'));
      }
    }
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }

  const cellsOf = sizes.map((x) => x.sizes * x.colors);
  const actions = [...new Set([...byAction.keys()].map((k) => k.split('\u0000')[0]))];
  for (const action of actions) {
    const per = cellsOf.map((cells) => byAction.get(`${action}\u0000${cells}`) ?? []);
    per.forEach((ms0, i) => {
      const last = ms0.at(-1)!;
      rows.push({
        name: `${action}, ${cellsOf[i].toLocaleString('en-US')} cells`,
        available: true,
        metrics: {
          cells: cellsOf[i],
          sheetsCalls: last.sheetsCalls,
          sheetsDataCalls: last.dataCalls,
          urlFetchCalls: last.urlFetchCalls,
          requests: last.requests,
          ownMsP50: ms(median(ms0.map((m) => m.ownMs))),
          fetchMsP50: ms(median(ms0.map((m) => m.fetchMs))),
          runs: ms0.length,
        },
      });
    });
    const [small, large] = per.map((x) => x.at(-1)!);
    if (small && large && action !== 'open') {
      for (const k of ['sheetsCalls', 'urlFetchCalls'] as const) {
        if (large[k] > small[k])
          ctx.findings.push({
            section: 'addonCost',
            text: `${action}: ${k} grows with the order (${small[k]} for ${cellsOf[0]} cells, ${large[k]} for ${cellsOf[1]})`,
          });
      }
    }
  }
  return {
    id: 'addonCost',
    title,
    ok: true,
    durationMs: performance.now() - t0,
    rows,
    notes: [
      'The built Code.js in a Node vm over the fakes of test/addon/fakes; UrlFetchApp reaches the local stack (synchronous, as in Apps Script).',
      'Sheets calls: every method called on Spreadsheet, Sheet, Range and Protection objects (getRange included); data calls: those reading or writing cells or their formats (getValues, setValues, setBackgrounds, setNotes, setNumberFormats, setFontWeights, clear*).',
      'UrlFetch calls: UrlFetchApp.fetch/fetchAll calls (a fetchAll of three requests is one call; Apps Script quotas count requests).',
      "Own time: wall time minus the wait for UrlFetchApp, in Node's V8 over in-memory fakes (Apps Script's own Sheets calls add their latency per call, which is why the call counts matter).",
      'Open writes every layer once; a push writes the values, backgrounds and notes (and number formats only if they changed); refresh likewise.',
    ],
    table: {
      headers: ['action', 'Sheets calls', 'data calls', 'UrlFetch calls', 'requests', 'own p50', 'fetch p50'],
      rows: rows.map((r) => [
        r.name,
        fmt(r.metrics!.sheetsCalls, 0),
        fmt(r.metrics!.sheetsDataCalls, 0),
        fmt(r.metrics!.urlFetchCalls, 0),
        fmt(r.metrics!.requests, 0),
        `${fmt(r.metrics!.ownMsP50)} ms`,
        `${fmt(r.metrics!.fetchMsP50)} ms`,
      ]),
    },
  };
}
