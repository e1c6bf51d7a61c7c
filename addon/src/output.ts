// The batch output sheet: where a planner types what a running batch produced and rejected before
// finishing it. Two tables over the batch's own sizes and colors. Pure.
import { checkCell } from './diff.js';
import type { CellValue } from './gas.js';
import { COLOR, FORMAT, LABEL, a1, codeOf, readTable, type Block, type Rendered } from './layout.js';
import type { BatchRow, Matrix } from './model.js';

export const OUTPUT_LABEL = {
  title: 'GarmentFlow batch output',
  order: 'Order',
  batch: 'Batch',
  planned: 'Planned',
  produced: 'Produced',
  rejected: 'Rejected',
} as const;

const STOP = new Set<string>([OUTPUT_LABEL.rejected]);

export function outputSheetName(batchId: string): string {
  return `Output ${batchId}`;
}

export function renderOutputSheet(orderId: string, b: BatchRow): Rendered {
  const width = Math.max(b.sizes.length + 2, 3);
  const values: (string | number)[][] = [];
  const backgrounds: string[][] = [];
  const formats: string[][] = [];
  const weights: string[][] = [];
  const push = (cells: (string | number)[], bgs: string[] = [], fmts: string[] = [], bold = false) => {
    const row = cells.slice(0, width);
    while (row.length < width) row.push('');
    values.push(row);
    backgrounds.push(row.map((_, i) => bgs[i] ?? COLOR.locked));
    // A formula in a plain-text cell stays text ("=SUM(B8:B10)" shown as such): sums get a number format.
    const numeric = (v: string | number) => typeof v === 'number' || (typeof v === 'string' && v.startsWith('='));
    formats.push(row.map((v, i) => fmts[i] ?? (numeric(v) ? FORMAT.number : FORMAT.text)));
    weights.push(row.map(() => (bold ? 'bold' : 'normal')));
    return values.length;
  };
  push(
    [OUTPUT_LABEL.title, 'Type what the batch produced and rejected per cell, then click Finish in the sidebar.'],
    [COLOR.section, COLOR.section],
    [],
    true,
  );
  push([OUTPUT_LABEL.order, orderId]);
  push([OUTPUT_LABEL.batch, b.id]);
  push(['Planned quantity', b.total]);
  push([]);
  const editable: Block[] = [];
  const table = (label: string, hint: string, fill: (r: number, c: number) => number | '', typed = true) => {
    push([label, hint], [COLOR.section, COLOR.section], [], true);
    const corner = push([LABEL.corner, ...b.sizes, LABEL.total], [], [], true);
    const first = corner + 1;
    b.colors.forEach((color, r) => {
      const rowNo = first + r;
      const sum = b.sizes.length ? `=SUM(${a1(rowNo, 2)}:${a1(rowNo, b.sizes.length + 1)})` : 0;
      const bg = typed ? COLOR.editable : COLOR.locked;
      push(
        [color, ...b.sizes.map((_, c) => fill(r, c)), sum],
        [COLOR.locked, ...b.sizes.map(() => bg)],
        [FORMAT.text, ...b.sizes.map(() => FORMAT.qty), FORMAT.number],
      );
    });
    push(
      [LABEL.total, ...b.sizes.map((_, c) => `=SUM(${a1(first, c + 2)}:${a1(first + b.colors.length - 1, c + 2)})`)],
      [],
      [],
      true,
    );
    if (typed && b.sizes.length && b.colors.length) {
      editable.push({ row: first, col: 2, numRows: b.colors.length, numCols: b.sizes.length });
    }
    push([]);
    return first;
  };
  table(OUTPUT_LABEL.planned, 'What the batch was cut for (read-only)', (r, c) => b.quantities[r][c], false);
  // Not prefilled: a count typed per cell, so an uncounted cell is not taken for a full one.
  const producedHint = 'Garments made per cell, as counted (planned quantities above; a blank cell counts 0)';
  const producedRow = table(OUTPUT_LABEL.produced, producedHint, () => '');
  table(OUTPUT_LABEL.rejected, 'Garments rejected at inspection per cell', () => 0);
  return {
    rows: values.length,
    cols: width,
    values,
    backgrounds,
    notes: values.map((row) => row.map(() => '')),
    weights,
    formats,
    quantities: { row: producedRow, col: 2, numRows: b.colors.length, numCols: b.sizes.length },
    editable,
  };
}

export interface OutputRead {
  batchId: string | null;
  produced: Matrix | null;
  rejected: Matrix | null;
  problems: string[];
}

/** Reads both tables back; the sizes and colors must be the batch's own. */
export function parseOutputSheet(values: CellValue[][], b: BatchRow): OutputRead {
  const out: OutputRead = { batchId: null, produced: null, rejected: null, problems: [] };
  const find = (label: string) => values.findIndex((row) => codeOf(row?.[0]) === label);
  const batchRow = find(OUTPUT_LABEL.batch);
  if (batchRow >= 0) out.batchId = codeOf(values[batchRow][1]) || null;
  const readAfter = (label: string): Matrix | null => {
    const at = find(label);
    const corner = at < 0 ? -1 : values.findIndex((row, i) => i > at && codeOf(row?.[0]) === LABEL.corner);
    if (corner < 0) {
      out.problems.push(`The "${label}" table is missing`);
      return null;
    }
    const t = readTable(values, corner, STOP);
    out.problems.push(...t.problems.map((p) => `${label}: ${p}`));
    if (t.orphans.length) out.problems.push(`${label}: numbers were typed outside the table's sizes and colors`);
    const sizes = t.sizes.map((s) => s.code);
    const colors = t.colors.map((c) => c.code);
    if (sizes.join('\u0000') !== b.sizes.join('\u0000') || colors.join('\u0000') !== b.colors.join('\u0000')) {
      out.problems.push(
        `${label}: the sizes and colors must stay the batch's own (${b.sizes.join(', ')} / ${b.colors.join(', ')})`,
      );
      return null;
    }
    const quantities = t.colors.map((c) =>
      t.sizes.map((s) => {
        const check = checkCell(values[c.row][s.col]);
        if (!check.ok) {
          out.problems.push(`${label} ${c.code}/${s.code} (${a1(c.row + 1, s.col + 1)}) ${check.reason}`);
          return 0;
        }
        return check.value;
      }),
    );
    return { sizes, colors, quantities };
  };
  out.produced = readAfter(OUTPUT_LABEL.produced);
  out.rejected = readAfter(OUTPUT_LABEL.rejected);
  return out;
}

/** One cell whose produced and rejected fall short of the batch's quantity. */
export interface ShortCell {
  color: string;
  size: string;
  quantity: number;
  produced: number;
  rejected: number;
  missing: number;
}

/** The cells where produced + rejected is below the planned quantity (they need a reason to finish). */
export function unaccountedCells(b: BatchRow, produced: Matrix, rejected: Matrix): ShortCell[] {
  const out: ShortCell[] = [];
  b.colors.forEach((color, r) =>
    b.sizes.forEach((size, c) => {
      const quantity = b.quantities[r][c];
      const p = produced.quantities[r]?.[c] ?? 0;
      const j = rejected.quantities[r]?.[c] ?? 0;
      if (p + j < quantity) out.push({ color, size, quantity, produced: p, rejected: j, missing: quantity - p - j });
    }),
  );
  return out;
}
