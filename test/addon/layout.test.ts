import { describe, expect, it } from 'vitest';
import { COLOR, FORMAT, LABEL, columnLetter, parseOrderSheet, renderOrderSheet } from '../../addon/src/layout.js';
import { snap } from './helpers.js';

describe('order sheet layout', () => {
  it('lays out the header block, the matrix with totals, batches and materials', () => {
    const r = renderOrderSheet({ snap: snap({ customer: 'Acme', sourceType: 'salesOrder' }) });
    const col = (label: string) => r.values.find((row) => row[0] === label)?.[1];
    const rest = (label: string) => r.values.find((row) => row[0] === label)?.[2];
    expect(col(LABEL.order)).toBe('PO-000001');
    expect(rest(LABEL.order)).toBe('TEE-01 · tech pack TP-000001 · delivery 2027-03-01 · Acme');
    expect(col(LABEL.state)).toBe('Draft');
    // A re-promised order says what was first promised.
    const moved = renderOrderSheet({
      snap: snap({ state: 'Released', deliveryDate: '2027-03-15', originalDeliveryDate: '2027-03-01' }),
    });
    expect(moved.values.find((row) => row[0] === LABEL.order)?.[2]).toContain(
      'delivery 2027-03-15 (first promised 2027-03-01)',
    );
    expect(rest(LABEL.state)).toBe('version 3 · last change ana@example.com, 2026-11-30 10:00 UTC');
    // At most six rows above the matrix: five header rows and the size row.
    expect(r.values.findIndex((row) => row[0] === LABEL.corner)).toBe(5);
    expect(r.frozen).toEqual({ rows: 6, cols: 1 });
    const corner = r.values.findIndex((row) => row[0] === LABEL.corner);
    expect(r.values[corner].slice(0, 5)).toEqual([LABEL.corner, 'S', 'M', 'L', LABEL.total]);
    expect(r.values[corner + 1].slice(0, 5)).toEqual(['NAVY', 10, 20, 30, `=SUM(B${corner + 2}:D${corner + 2})`]);
    expect(r.values[corner + 3].slice(0, 5)).toEqual([
      LABEL.total,
      `=SUM(B${corner + 2}:B${corner + 3})`,
      `=SUM(C${corner + 2}:C${corner + 3})`,
      `=SUM(D${corner + 2}:D${corner + 3})`,
      `=SUM(B${corner + 2}:D${corner + 3})`,
    ]);
    expect(r.quantities).toEqual({ row: corner + 2, col: 2, numRows: 2, numCols: 3 });
    expect(r.values.some((row) => row[0] === LABEL.batches)).toBe(true);
    const mat = r.values.findIndex((row) => row[0] === LABEL.materials);
    expect(mat).toBeLessThan(5); // the flag and the BOM revision at the top
    expect(String(r.values[mat][1])).toContain('Up to date with BOM revision 1');
    const lines = r.values.findIndex((row) => row[0] === LABEL.materialLines);
    expect(r.values[lines + 1].slice(0, 6)).toEqual(['FAB-JERSEY', 'm', 72, 75.6, 100, 'NAVY']);
    expect(r.formats[lines + 1].slice(2, 5)).toEqual([FORMAT.decimal, FORMAT.decimal, FORMAT.number]);
    // every layer has the same shape as the values
    for (const layer of [r.backgrounds, r.notes, r.weights, r.formats]) {
      expect(layer.length).toBe(r.rows);
      for (const row of layer) expect(row.length).toBe(r.cols);
    }
  });

  it('keeps codes as text, marks only quantity cells (and codes while editable) as editable', () => {
    const r = renderOrderSheet({
      snap: snap({ matrix: { sizes: ['08', '10'], colors: ['001'], quantities: [[1, 2]] } }),
    });
    const q = r.quantities;
    expect(r.formats[q.row - 2][1]).toBe(FORMAT.text); // size "08"
    expect(r.formats[q.row - 1][0]).toBe(FORMAT.text); // color "001"
    expect(r.formats[q.row - 1][1]).toBe(FORMAT.qty);
    expect(r.backgrounds[q.row - 1][1]).toBe(COLOR.editable);
    expect(r.backgrounds[0][0]).not.toBe(COLOR.editable);
    expect(r.editable).toEqual([
      q,
      { row: q.row - 1, col: 2, numRows: 1, numCols: 2 },
      { row: q.row, col: 1, numRows: 1, numCols: 1 },
    ]);
    // After release only the quantities stay open, as an amendment (issue 14); the codes are locked.
    const released = renderOrderSheet({ snap: snap({ state: 'Released' }) });
    expect(released.editable).toEqual([released.quantities]);
    expect(released.backgrounds[released.quantities.row - 1][1]).toBe(COLOR.editable);
    expect(released.backgrounds[released.quantities.row - 2][1]).toBe(COLOR.locked);
    expect(released.notes[released.quantities.row - 2][0]).toContain('amendment');
    const completed = renderOrderSheet({ snap: snap({ state: 'Completed' }) });
    expect(completed.editable).toEqual([]);
    expect(completed.backgrounds[completed.quantities.row - 1][1]).toBe(COLOR.locked);
    expect(completed.notes[completed.quantities.row - 2][0]).toContain('frozen');
  });

  it('flags a stale materials summary and shows batches with progress', () => {
    const r = renderOrderSheet({
      snap: snap({
        state: 'InProgress',
        materials: { bomRevision: 1, techPackBomRevision: 2, stale: true, lines: [] },
        batches: [
          {
            id: 'B-1',
            state: 'Running',
            total: 200,
            produced: 50,
            rejected: 2,
            sizes: ['S'],
            colors: ['NAVY'],
            quantities: [[200]],
            missing: 0,
            inspection: null,
            plan: null,
          },
        ],
      }),
    });
    const mat = r.values.find((row) => row[0] === LABEL.materials)!;
    expect(String(mat[1])).toMatch(/STALE.*revision 1.*at revision 2/);
    expect(r.values.find((row) => row[0] === LABEL.state)?.[1]).toBe('In progress');
    expect(r.values.find((row) => row[0] === 'B-1')).toEqual([
      'B-1',
      'Running',
      200,
      50,
      2,
      0,
      '25%',
      '(Inspect in the sidebar shows it)',
      'not inspected',
    ]);
  });

  it('shows the tolerance with its scope, the extra cut, missing garments, each batch plan and inspection', () => {
    const plan = {
      lotSize: 500,
      inspectionLevel: 'II',
      codeLetter: 'H',
      sampleSize: 50,
      critical: { aql: 0.65, accept: 0, reject: 1, codeLetter: 'J', sampleSize: 80 },
      major: { aql: 2.5, accept: 3, reject: 4 },
    };
    const row = { sizes: ['S'], colors: ['NAVY'], quantities: [[500]], rejected: 2 };
    const r = renderOrderSheet({
      snap: snap({
        state: 'InProgress',
        total: 1000,
        tolerance: { overPct: 5, underPct: 3, scope: 'color' },
        extraCutPct: 2,
        progress: { batched: 1000, produced: 495, rejected: 2, missing: 3 },
        batches: [
          {
            ...row,
            id: 'B-1',
            state: 'Finished',
            total: 500,
            produced: 495,
            missing: 3,
            plan,
            inspection: { count: 2, result: 'pass', at: '2026-12-01T09:00:00.000Z' },
          },
          {
            ...row,
            id: 'B-2',
            state: 'Running',
            total: 500,
            produced: 0,
            rejected: 0,
            missing: 0,
            plan: null,
            inspection: null,
          },
        ],
      }),
    });
    const col = (label: string) => r.values.find((x) => x[0] === label)?.[1];
    expect(col(LABEL.tolerance)).toBe('\u22123% / +5% per color');
    expect(r.values.find((x) => x[0] === LABEL.tolerance)).toContain('extra cut 2% per batch');
    const progress = r.values.findIndex((x) => x[0] === LABEL.progress);
    expect(r.values[progress].slice(0, 8)).toEqual([
      LABEL.progress,
      'Ordered',
      'Batched',
      'Produced',
      'Rejected',
      'Missing',
      'Remaining',
      'Done',
    ]);
    expect(r.values[progress + 1].slice(0, 8)).toEqual(['', 1000, 1000, 495, 2, 3, 505, '49.5%']);
    expect(r.values.find((x) => x[0] === 'B-1')).toEqual([
      'B-1',
      'Finished',
      500,
      495,
      2,
      3,
      '99%',
      'sample 50 of 500 (code H): critical Ac 0 / Re 1, sample 80; major Ac 3 / Re 4',
      'PASS (2 inspections, last 2026-12-01)',
    ]);
    const b2 = r.values.find((x) => x[0] === 'B-2');
    expect(b2?.slice(7)).toEqual(['(Inspect in the sidebar shows it)', 'not inspected']);
    const cell = renderOrderSheet({ snap: snap({ tolerance: { overPct: 0, underPct: 0, scope: 'cell' } }) });
    expect(cell.values.find((x) => x[0] === LABEL.tolerance)?.[1]).toBe('\u22120% / +0% per cell');
    // The sheet still reads back the same matrix below the longer header.
    expect(parseOrderSheet(r.values).sizes.map((x) => x.code)).toEqual(['S', 'M', 'L']);
  });

  it('shows marks and kept values on quantity cells', () => {
    const r = renderOrderSheet({
      snap: snap(),
      display: [
        [10, 'abc', 30],
        [5, 5, 7],
      ],
      marks: [
        { color: 'NAVY', size: 'M', kind: 'invalid', note: 'bad' },
        { color: 'RED', size: 'L', kind: 'conflict', note: 'theirs' },
      ],
    });
    const q = r.quantities;
    expect(r.values[q.row - 1][2]).toBe('abc');
    expect(r.backgrounds[q.row - 1][2]).toBe(COLOR.invalid);
    expect(r.notes[q.row][3]).toBe('theirs');
    expect(r.backgrounds[q.row][3]).toBe(COLOR.conflict);
  });

  it('names columns past Z', () => {
    expect([1, 26, 27, 52, 702, 703].map(columnLetter)).toEqual(['A', 'Z', 'AA', 'AZ', 'ZZ', 'AAA']);
  });
});

describe('reading the order sheet back', () => {
  const grid = () =>
    renderOrderSheet({ snap: snap() }).values.map((row) =>
      row.map((v) => (typeof v === 'string' && v.startsWith('=') ? 0 : v)),
    );

  it('finds the order id, sizes and colors where they are', () => {
    const p = parseOrderSheet(grid());
    expect(p.orderId).toBe('PO-000001');
    expect(p.sizes.map((s) => s.code)).toEqual(['S', 'M', 'L']);
    expect(p.colors.map((c) => c.code)).toEqual(['NAVY', 'RED']);
    expect(p.problems).toEqual([]);
  });

  it('follows an inserted size column and an inserted color row; numbers from the sheet become codes', () => {
    const g = grid();
    const corner = g.findIndex((row) => row[0] === LABEL.corner);
    for (const row of g) row.splice(4, 0, ''); // a column before Total
    g[corner][4] = 40;
    g.splice(corner + 3, 0, ['BLACK', 1, 2, 3, 4, 0, '']);
    const p = parseOrderSheet(g);
    expect(p.sizes.map((s) => s.code)).toEqual(['S', 'M', 'L', '40']);
    expect(p.colors.map((c) => c.code)).toEqual(['NAVY', 'RED', 'BLACK']);
  });

  it('reports numbers typed where no size or color names them, duplicates, and a missing table', () => {
    const g = grid();
    const corner = g.findIndex((row) => row[0] === LABEL.corner);
    g[corner][2] = ''; // size M cleared, its numbers left
    g[corner + 2][0] = 'NAVY';
    const p = parseOrderSheet(g);
    expect(p.sizes.map((s) => s.code)).toEqual(['S', 'L']);
    expect(p.orphans.length).toBe(2);
    expect(p.problems).toEqual(['Color NAVY appears twice']);
    expect(parseOrderSheet([['nothing']]).problems[0]).toMatch(/missing/);
  });
});
