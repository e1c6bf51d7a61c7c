import { describe, expect, it } from 'vitest';
import { LABEL } from '../../addon/src/layout.js';
import { OUTPUT_LABEL, parseOutputSheet, renderOutputSheet, unaccountedCells } from '../../addon/src/output.js';

const batch = {
  id: 'B-000001',
  state: 'Running' as const,
  total: 35,
  produced: 0,
  rejected: 0,
  sizes: ['S', 'M'],
  colors: ['NAVY', 'RED'],
  quantities: [
    [10, 20],
    [5, 0],
  ],
  missing: 0,
  inspection: null,
  plan: null,
};

function grid() {
  const values = renderOutputSheet('PO-000001', batch).values;
  const noFormulas = values.map((row) => row.map((v) => (typeof v === 'string' && v.startsWith('=') ? 0 : v)));
  return noFormulas as (string | number)[][];
}

/** The first quantity row of the table under `label`. */
function firstRowOf(g: (string | number)[][], label: string): number {
  const at = g.findIndex((row) => row[0] === label);
  return g.findIndex((row, i) => i > at && row[0] === LABEL.corner) + 1;
}

describe('the batch output sheet', () => {
  it('shows the plan read-only, leaves produced blank (not prefilled) and rejected 0; reads both back', () => {
    const r = renderOutputSheet('PO-000001', batch);
    expect(r.editable.length).toBe(2);
    const g = grid();
    const planned = firstRowOf(g, OUTPUT_LABEL.planned);
    expect(g[planned].slice(0, 3)).toEqual(['NAVY', 10, 20]);
    const produced = firstRowOf(g, OUTPUT_LABEL.produced);
    expect(g[produced].slice(0, 3)).toEqual(['NAVY', '', '']);
    // Only the produced and rejected tables are typed into.
    expect(r.editable.map((b) => b.row - 1)).toEqual([produced, firstRowOf(g, OUTPUT_LABEL.rejected)]);
    g[produced][1] = 10;
    g[produced][2] = 18;
    g[produced + 1][1] = 5;
    const read = parseOutputSheet(g, batch);
    expect(read).toEqual({
      batchId: 'B-000001',
      produced: {
        sizes: ['S', 'M'],
        colors: ['NAVY', 'RED'],
        quantities: [
          [10, 18],
          [5, 0],
        ],
      },
      rejected: {
        sizes: ['S', 'M'],
        colors: ['NAVY', 'RED'],
        quantities: [
          [0, 0],
          [0, 0],
        ],
      },
      problems: [],
    });
    expect(unaccountedCells(batch, read.produced!, read.rejected!)).toEqual([
      { color: 'NAVY', size: 'M', quantity: 20, produced: 18, rejected: 0, missing: 2 },
    ]);
    const rejected = {
      ...read.rejected!,
      quantities: [
        [0, 2],
        [0, 0],
      ],
    };
    expect(unaccountedCells(batch, read.produced!, rejected)).toEqual([]);
  });

  it('refuses bad cells and changed sizes or colors', () => {
    const g = grid();
    g[firstRowOf(g, OUTPUT_LABEL.rejected)][1] = -2;
    g[firstRowOf(g, OUTPUT_LABEL.produced) - 1][2] = 'XL';
    const read = parseOutputSheet(g, batch);
    expect(read.produced).toBeNull();
    expect(read.problems.join('\n')).toMatch(/Produced: the sizes and colors must stay the batch's own/);
    expect(read.problems.join('\n')).toMatch(/Rejected NAVY\/S \(B\d+\) is negative/);
  });
});
