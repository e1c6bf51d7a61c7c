// Section 6: the add-on's push, in-process. A 20,000-cell order sheet (100 sizes x 200 colors) as
// the add-on renders it, 2,000 cells changed by the planner; timed: reading the sheet's values back
// (parseOrderSheet), diffing them against the snapshot of the last pull (diffSheet), and building the
// matrix-edits request the API client would send (ApiClient.matrixEdits up to the transport). The
// floor: a bare loop that compares the 20,000 numbers with the snapshot and serialises the edits.
import type { BenchContext } from '../lib/context.js';
import { codes, matrixOf, rng } from '../lib/fixtures.js';
import { fileExists } from '../lib/features.js';
import { fmt, type Row, type SectionResult } from '../lib/report.js';
import { median, ms, percentile, round } from '../lib/stats.js';

const MODULES = ['addon/src/layout.ts', 'addon/src/diff.ts', 'addon/src/api.ts', 'addon/src/model.ts'];

class Sent extends Error {
  constructor(readonly body: string) {
    super('sent');
  }
}

export async function addonPush(ctx: BenchContext): Promise<SectionResult> {
  const t0 = performance.now();
  const L = ctx.cfg.large;
  const title = `6. Add-on push: diff a ${(L.sizes * L.colors).toLocaleString('en-US')}-cell sheet and build the request (in-process)`;
  const requires = MODULES.map((m) => `file:${m}`);
  const missingFiles = MODULES.filter((m) => !fileExists(m));
  const names = [
    'push: parse + diff + build request',
    'floor: compare numbers + serialise edits',
    'pull: render the sheet',
  ];
  if (missingFiles.length) {
    return {
      id: 'addonPush',
      title,
      ok: true,
      durationMs: performance.now() - t0,
      rows: names.map((name) => ({
        name,
        available: false,
        requires,
        reason: `not available yet (${missingFiles.join(', ')} missing)`,
      })),
      notes: [],
      table: { headers: ['step', 'p50'], rows: names.map((n) => [n, 'not available yet']) },
    };
  }
  let layout: typeof import('../../addon/src/layout.js');
  let diff: typeof import('../../addon/src/diff.js');
  let client: typeof import('../../addon/src/api.js');
  let model: typeof import('../../addon/src/model.js');
  try {
    [layout, diff, client, model] = await Promise.all([
      import('../../addon/src/layout.js'),
      import('../../addon/src/diff.js'),
      import('../../addon/src/api.js'),
      import('../../addon/src/model.js'),
    ]);
  } catch (err) {
    return {
      id: 'addonPush',
      title,
      ok: true,
      durationMs: performance.now() - t0,
      rows: names.map((name) => ({
        name,
        available: false,
        requires,
        reason: `not available yet (the add-on modules do not load: ${(err as Error).message.slice(0, 200)})`,
      })),
      notes: [],
    };
  }

  const sizes = codes('S', L.sizes);
  const colors = codes('C', L.colors);
  const random = rng(11);
  const matrix = matrixOf(sizes, colors, () => 50 + Math.floor(random() * 400));
  const total = matrix.quantities.flat().reduce((a, b) => a + b, 0);
  const order = {
    id: 'PO-000001',
    techPackId: 'TP-000001',
    styleCode: 'BENCH-LARGE',
    state: 'Draft',
    version: 7,
    deliveryDate: '2027-03-01',
    matrix,
    total,
    source: { type: 'commercial' },
    tolerance: { overPct: 5, underPct: 5 },
    batchPlan: { maxBatchQty: 500 },
    iqTemplate: 'IQ',
    notes: '',
    releasedBomRevision: null,
    progress: {
      batched: matrixOf(sizes, colors, () => 0),
      produced: matrixOf(sizes, colors, () => 0),
      rejected: matrixOf(sizes, colors, () => 0),
    },
    createdAt: '2026-01-01T00:00:00.000Z',
    createdBy: 'ana@bench.example',
    updatedAt: '2026-01-01T00:00:00.000Z',
    updatedBy: 'ana@bench.example',
  };
  const snap = model.snapshotOf(order as never, null, null, [], '2026-01-01T00:00:00.000Z');

  // Pull: render the sheet. Timed too: it is the other half of a round trip through the sheet.
  const renders: number[] = [];
  let rendered!: ReturnType<typeof layout.renderOrderSheet>;
  for (let i = 0; i < Math.max(2, ctx.cfg.addonRuns); i++) {
    const s = performance.now();
    rendered = layout.renderOrderSheet({ snap, status: 'Pulled' });
    renders.push(performance.now() - s);
  }

  // The planner's edits: 2,000 cells, every tenth, each +1 (getValues gives numbers back).
  const q = rendered.quantities;
  const values = rendered.values.map((r) => [...r]) as (string | number)[][];
  const cells = L.sizes * L.colors;
  const stride = Math.max(1, Math.floor(cells / L.editCells));
  let edited = 0;
  for (let k = 0; k < cells && edited < L.editCells; k += stride, edited++) {
    const r = Math.floor(k / L.sizes);
    const c = k % L.sizes;
    const row = q.row - 1 + r;
    const col = q.col - 1 + c;
    values[row][col] = Number(values[row][col]) + 1;
  }

  const transport = {
    fetch: (req: { body?: string }) => {
      throw new Sent(req.body ?? '');
    },
    fetchAll: () => [],
  };
  const api = new client.ApiClient({
    baseUrl: 'https://api.example.com',
    transport: transport as never,
    token: () => 'token',
    uuid: () => 'uuid',
  });

  const push = () => {
    const parsed = layout.parseOrderSheet(values);
    const d = diff.diffSheet(snap.matrix, parsed);
    if (d.problems.length) throw new Error(`the rendered sheet does not read back: ${d.problems[0]}`);
    const edits = [...d.edits, ...d.newCells];
    try {
      api.matrixEdits(snap.id, { baseVersion: snap.version, edits });
    } catch (e) {
      if (e instanceof Sent) return { edits: edits.length, bytes: e.body.length };
      throw e;
    }
    throw new Error('the request was not sent to the transport');
  };
  const floor = () => {
    const base = snap.matrix.quantities;
    const out: { color: string; size: string; from: number; to: number }[] = [];
    for (let r = 0; r < colors.length; r++) {
      const row = values[q.row - 1 + r];
      const b = base[r];
      for (let c = 0; c < sizes.length; c++) {
        const v = row[q.col - 1 + c] as number;
        if (v !== b[c]) out.push({ color: colors[r], size: sizes[c], from: b[c], to: v });
      }
    }
    return { edits: out.length, bytes: JSON.stringify({ baseVersion: snap.version, edits: out }).length };
  };

  const runs = Math.max(3, ctx.cfg.addonRuns);
  const measure = (fn: () => { edits: number; bytes: number }) => {
    fn(); // warm
    const samples: number[] = [];
    let last = { edits: 0, bytes: 0 };
    for (let i = 0; i < runs; i++) {
      const s = performance.now();
      last = fn();
      samples.push(performance.now() - s);
    }
    return { samples, ...last };
  };
  const p = measure(push);
  const f = measure(floor);
  if (p.edits !== L.editCells || f.edits !== L.editCells)
    throw new Error(`expected ${L.editCells} edits, the push found ${p.edits} and the floor ${f.edits}`);

  const pushMs = median(p.samples);
  const floorMs = median(f.samples);
  const rows: Row[] = [
    {
      name: names[0],
      available: true,
      requires,
      metrics: {
        p50Ms: ms(pushMs),
        p99Ms: ms(percentile(p.samples, 99)),
        edits: p.edits,
        requestBytes: p.bytes,
        cells,
        ratio: round(pushMs / floorMs, 2),
        runs,
      },
    },
    {
      name: names[1],
      available: true,
      metrics: {
        p50Ms: ms(floorMs),
        p99Ms: ms(percentile(f.samples, 99)),
        edits: f.edits,
        requestBytes: f.bytes,
        cells,
        ratio: 1,
        runs,
      },
    },
    {
      name: names[2],
      available: true,
      requires,
      metrics: { p50Ms: ms(median(renders)), p99Ms: ms(percentile(renders, 99)), cells, runs: renders.length },
    },
  ];
  if (pushMs / floorMs > 5)
    ctx.findings.push({
      section: 'addonPush',
      text: `the add-on's push takes ${fmt(pushMs / floorMs)}x the floor (${fmt(pushMs)} ms vs ${fmt(floorMs)} ms) to diff ${cells} cells and build the request`,
    });
  return {
    id: 'addonPush',
    title,
    ok: true,
    durationMs: performance.now() - t0,
    rows,
    notes: [
      `${L.sizes} sizes x ${L.colors} colors, ${L.editCells} cells changed; median of ${runs} runs in Node ${process.versions.node} (V8, like Apps Script's runtime; Apps Script itself is slower and adds the getValues/setValues calls).`,
      'push: parseOrderSheet(values) + diffSheet(snapshot, parsed) + ApiClient.matrixEdits up to the transport (JSON body built, nothing sent).',
      `floor: one loop over the ${cells.toLocaleString('en-US')} quantity cells against the snapshot, edit objects for the changed ones, JSON.stringify.`,
    ],
    table: {
      headers: ['step', 'p50', 'p99', 'edits', 'request', 'ratio to floor'],
      rows: rows.map((r) => [
        r.name,
        `${fmt(r.metrics!.p50Ms)} ms`,
        `${fmt(r.metrics!.p99Ms)} ms`,
        r.metrics!.edits !== undefined ? fmt(r.metrics!.edits, 0) : '',
        r.metrics!.requestBytes !== undefined ? `${fmt(r.metrics!.requestBytes / 1024, 1)} KB` : '',
        r.metrics!.ratio !== undefined ? fmt(r.metrics!.ratio) : '',
      ]),
    },
  };
}
