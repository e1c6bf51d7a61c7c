import { describe, expect, it } from 'vitest';
import { LABEL } from '../../addon/src/layout.js';
import { OUTPUT_LABEL, parseOutputSheet, renderOutputSheet } from '../../addon/src/output.js';

const batch = { id: 'B-000001', state: 'Running' as const, total: 35, produced: 0, rejected: 0, sizes: ['S', 'M'], colors: ['NAVY', 'RED'], quantities: [[10, 20], [5, 0]] };

function grid() {
  return renderOutputSheet('PO-000001', batch).values.map((row) => row.map((v) => (typeof v === 'string' && v.startsWith('=') ? 0 : v))) as (string | number)[][];
}

describe('the batch output sheet', () => {
  it('prefills produced with the planned quantities and rejected with 0; reads both back', () => {
    const r = renderOutputSheet('PO-000001', batch);
    expect(r.editable.length).toBe(2);
    const read = parseOutputSheet(grid(), batch);
    expect(read).toEqual({
      batchId: 'B-000001',
      produced: { sizes: ['S', 'M'], colors: ['NAVY', 'RED'], quantities: [[10, 20], [5, 0]] },
      rejected: { sizes: ['S', 'M'], colors: ['NAVY', 'RED'], quantities: [[0, 0], [0, 0]] },
      problems: [],
    });
  });

  it('refuses bad cells and changed sizes or colors', () => {
    const g = grid();
    const rejected = g.findIndex((row) => row[0] === OUTPUT_LABEL.rejected);
    const corner = g.findIndex((row, i) => i > rejected && row[0] === LABEL.corner);
    g[corner + 1][1] = -2;
    const producedCorner = g.findIndex((row) => row[0] === LABEL.corner);
    g[producedCorner][2] = 'XL';
    const read = parseOutputSheet(g, batch);
    expect(read.produced).toBeNull();
    expect(read.problems.join('\n')).toMatch(/Produced: the sizes and colors must stay the batch's own/);
    expect(read.problems.join('\n')).toMatch(/Rejected NAVY\/S is negative/);
  });
});
