// The order sheet's batch table: its Inspection plan and Inspection columns are wide enough for
// their words (headings, plans, results), so one does not clip the other; size columns keep theirs.
import { describe, expect, it } from 'vitest';
import { LABEL, MIN_QTY_WIDTH, planWords, renderOrderSheet } from '../../addon/src/layout.js';
import type { BatchRow } from '../../addon/src/model.js';
import { snap } from './helpers.js';

const batch = (id: string, over: Partial<BatchRow> = {}): BatchRow => ({
  id,
  state: 'Finished',
  total: 500,
  produced: 500,
  rejected: 0,
  sizes: ['S', 'M', 'L'],
  colors: ['NAVY'],
  quantities: [[100, 300, 100]],
  missing: 0,
  inspection: { count: 2, result: 'pass', at: '2026-11-30T09:58:40.002Z' },
  plan: null,
  ...over,
});

/** Pixels a text needs in the sheet's font (as layout.ts reckons them). */
const need = (s: string) => Math.ceil(s.length * 7.5 + 14);

describe('the batch table columns', () => {
  it('fit the inspection plan and the inspection result', () => {
    const plan = {
      lotSize: 500,
      inspectionLevel: 'II',
      codeLetter: 'H',
      sampleSize: 50,
      major: { aql: 2.5, accept: 3, reject: 4 },
    };
    const r = renderOrderSheet({
      snap: snap({ state: 'InProgress', batches: [batch('B-000001', { plan }), batch('B-000002')] }),
    });
    const head = r.values.findIndex((row) => row[0] === LABEL.batches);
    expect(r.values[head].slice(7, 9)).toEqual(['Inspection plan', 'Inspection']);
    const planText = String(r.values[head + 1][7]);
    expect(planText).toBe(planWords(plan));
    const result = String(r.values[head + 1][8]);
    expect(result).toBe('PASS (2 inspections, last 2026-11-30)');
    expect(r.widths![7]).toBeGreaterThanOrEqual(need(planText));
    expect(r.widths![7]).toBeGreaterThanOrEqual(need('(Inspect in the sidebar shows it)'));
    expect(r.widths![8]).toBeGreaterThanOrEqual(need(result));
    // The size columns keep their shared width.
    expect(new Set(r.widths!.slice(1, 4))).toEqual(new Set([MIN_QTY_WIDTH]));
  });

  it('fit their headings when there are no batches yet', () => {
    const r = renderOrderSheet({ snap: snap() });
    expect(r.widths![7]).toBeGreaterThanOrEqual(need('Inspection plan'));
  });
});
