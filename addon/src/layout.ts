// The order sheet: how an order is laid out on a grid, and how that grid is read back. Pure: the
// sheet adapter writes `Rendered` with one setValues (plus one call per changed format layer) and
// hands `parseOrderSheet` the one getValues of the data range.
// Layout: five header rows (order, state, tolerance, materials, status), the size row (frozen with
// them, and the color column), the matrix with formula totals, then progress (totals and, once in
// production, per-cell Batched / Produced / Rejected / Missing / Remaining matrices in the same
// columns), the batch rows and the material lines.
import type { CellValue } from './gas.js';
import { isInProduction } from '../../shared/batches.js';
import { isAmendable } from '../../shared/amend.js';
import { isEditableState } from '../../shared/productionOrder.js';
import { stateWord } from '../../shared/vocabulary.js';
import { toleranceWords } from './messages.js';
import { withMilestones } from './milestonesBlock.js';
import { DEFECT_CLASSES, type BatchRow, type InspectionPlan, type Matrix, type OrderSnapshot } from './model.js';

export const LABEL = {
  order: 'Order',
  state: 'State',
  tolerance: 'Tolerance',
  materials: 'Materials',
  status: 'Status',
  corner: 'Color \\ Size',
  total: 'Total',
  progress: 'Progress',
  batched: 'Batched',
  produced: 'Produced',
  rejected: 'Rejected',
  missing: 'Missing',
  remaining: 'Remaining',
  batches: 'Batches',
  materialLines: 'Materials by line',
} as const;

/** Labels that start a section below the matrix: reading colors stops at any of them. */
const SECTION_LABELS = new Set<string>([LABEL.progress, LABEL.batches, LABEL.materialLines]);

/** Rows above the matrix: five header rows, then the size row (frozen with them). */
export const HEADER_ROWS = 5;
export const CORNER_ROW = HEADER_ROWS + 1;
export const FIRST_QTY_ROW = CORNER_ROW + 1;
export const FIRST_QTY_COL = 2;

export const COLOR = {
  locked: '#f3f3f3',
  section: '#d9d9d9',
  editable: '#ffffff',
  code: '#fff2cc',
  invalid: '#f9cb9c',
  conflict: '#ea9999',
  pending: '#cfe2f3',
  stale: '#f9cb9c',
  /** Share done: none yet, under half, half or more, all. */
  done0: '#ffffff',
  doneSome: '#fce8b2',
  doneMost: '#d9ead3',
  doneAll: '#b7e1cd',
  rejected: '#f4cccc',
  missing: '#f9cb9c',
} as const;

/** Whole garments with thousands separators (never `0.###`, which shows `70.`); measures to 2 decimals. */
export const FORMAT = {
  text: '@',
  qty: '#,##0',
  number: '#,##0',
  decimal: '#,##0.00',
  /** A bad quantity with decimals shows them (under #,##0, 2.5 would read 3). */
  badDecimal: '0.0###',
} as const;

/** The number format of a quantity cell holding `v`. */
export function qtyFormat(v: unknown): string {
  return typeof v === 'number' && !Number.isInteger(v) ? FORMAT.badDecimal : FORMAT.qty;
}

/** Pixels per character of Arial 10 (a little generous) and the padding of a cell. */
const CHAR_PX = 7.5;
const PAD_PX = 14;
export const MIN_QTY_WIDTH = 84;

export type MarkKind = 'conflict' | 'invalid' | 'pending';

/** A note and a color on one quantity cell. */
export interface CellMark {
  color: string;
  size: string;
  kind: MarkKind;
  note: string;
}

export interface RenderInput {
  snap: OrderSnapshot;
  /** What each quantity cell shows, when not the snapshot's value (kept edits, bad input). Same shape as snap.matrix.quantities. */
  display?: CellValue[][];
  marks?: CellMark[];
  /** One line about the last thing that happened (push result, conflict summary). */
  status?: string;
  /** An ISO timestamp as the planner reads it: in the spreadsheet's time zone (service.ts passes one). */
  when?: (iso: string) => string;
  /** Today in the spreadsheet's time zone (YYYY-MM-DD): milestones due before it are overdue. */
  today?: string;
}

export interface Block {
  row: number;
  col: number;
  numRows: number;
  numCols: number;
}

export interface Rendered {
  rows: number;
  cols: number;
  values: (string | number)[][];
  backgrounds: string[][];
  notes: string[][];
  weights: string[][];
  formats: string[][];
  /** Pixel width of each column of the block (index 0 is column A). */
  widths?: number[];
  /** Rows and columns kept in view while scrolling. */
  frozen?: { rows: number; cols: number };
  /** 1-based position of the first quantity cell and the matrix size. */
  quantities: Block;
  /** What stays editable without a warning (quantities; in Draft/Planned also the size and color codes). */
  editable: Block[];
}

export function columnLetter(col: number): string {
  let s = '';
  let n = col;
  while (n > 0) {
    const m = (n - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

export function a1(row: number, col: number): string {
  return `${columnLetter(col)}${row}`;
}

/** Where a color/size quantity cell of the matrix is on a freshly written order sheet ("C8"). */
export function quantityA1(m: { sizes: string[]; colors: string[] }, color: string, size: string): string {
  const r = m.colors.indexOf(color);
  const c = m.sizes.indexOf(size);
  return r < 0 || c < 0 ? `${color}/${size}` : a1(FIRST_QTY_ROW + r, FIRST_QTY_COL + c);
}

/** "C8, D9 and 3 more". */
export function cellList(refs: string[], max = 6): string {
  const shown = refs.slice(0, max).join(', ');
  return refs.length > max ? `${shown} and ${refs.length - max} more` : shown;
}

function pct(part: number, whole: number): string {
  if (!whole) return '';
  return `${Math.round((part / whole) * 1000) / 10}%`;
}

function customerLabel(s: OrderSnapshot): string {
  if (s.customer) return s.customer;
  if (s.sourceType === 'replenishment') return 'stock replenishment';
  return 'no customer (commercial order)';
}

function extraCutWords(p: number): string {
  if (p > 0) return `extra cut ${p}% per batch`;
  return 'no extra cut';
}

/** "sample 32 of 500 (code H): critical Ac 0 / Re 1; major Ac 3 / Re 4": a plan in one cell. */
export function planWords(plan: InspectionPlan | null): string {
  if (!plan) return '(Inspect in the sidebar shows it)';
  const whole = plan.sampleSize >= plan.lotSize ? ' (every garment)' : '';
  const head =
    `sample ${plan.sampleSize.toLocaleString('en-US')} of ${plan.lotSize.toLocaleString('en-US')}${whole}` +
    ` (code ${plan.codeLetter})`;
  const classes = DEFECT_CLASSES.flatMap((k) => {
    const c = plan[k];
    if (!c) return [];
    const own = c.sampleSize !== undefined && c.sampleSize !== plan.sampleSize ? `, sample ${c.sampleSize}` : '';
    return [`${k} Ac ${c.accept} / Re ${c.reject}${own}`];
  });
  return classes.length ? `${head}: ${classes.join('; ')}` : head;
}

/** "PASS (2 inspections, last 2026-12-01)" or "not inspected"; `day` turns the time into a local date. */
export function inspectionWords(
  b: Pick<BatchRow, 'inspection'>,
  day: (iso: string) => string = (iso) => String(iso).slice(0, 10),
): string {
  const i = b.inspection;
  if (!i) return 'not inspected';
  const many = i.count > 1 ? `${i.count} inspections, last ` : '';
  return `${i.result === 'pass' ? 'PASS' : 'FAIL'} (${many}${day(String(i.at))})`;
}

/** An ISO time without a time zone to put it in: "2026-11-30 09:58 UTC". */
export function utcWhen(iso: string): string {
  const t = String(iso ?? '');
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(t) ? `${t.slice(0, 10)} ${t.slice(11, 16)} UTC` : t;
}

/** The background of a progress cell by the share of the ordered quantity it stands for. */
export function shareColor(share: number, ordered: number): string {
  if (!ordered) return COLOR.locked;
  if (share >= 1) return COLOR.doneAll;
  if (share >= 0.5) return COLOR.doneMost;
  if (share > 0) return COLOR.doneSome;
  return COLOR.done0;
}

function textWidth(s: string | number): number {
  return Math.ceil(String(s).length * CHAR_PX + PAD_PX);
}

function at(m: Matrix | null | undefined, color: string, size: string): number {
  if (!m) return 0;
  const r = m.colors.indexOf(color);
  const c = m.sizes.indexOf(size);
  return r < 0 || c < 0 ? 0 : (m.quantities[r]?.[c] ?? 0);
}

export function renderOrderSheet(input: RenderInput): Rendered {
  const { snap } = input;
  const when = input.when ?? utcWhen;
  const m = snap.matrix;
  const editable = isEditableState(snap.state);
  /** Released/InProgress: the quantities (not the codes) change as an amendment, with a reason. */
  const amendable = isAmendable(snap.state);
  const qtyOpen = editable || amendable;
  const width = Math.max(m.sizes.length + 2, 9);

  const values: (string | number)[][] = [];
  const backgrounds: string[][] = [];
  const weights: string[][] = [];
  const formats: string[][] = [];
  const notes: string[][] = [];

  const push = (
    cells: (string | number)[],
    opts: { bg?: string; bold?: boolean; formats?: string[]; bgs?: string[] } = {},
  ) => {
    const row = cells.slice(0, width);
    while (row.length < width) row.push('');
    values.push(row);
    backgrounds.push(row.map((_, i) => opts.bgs?.[i] ?? opts.bg ?? COLOR.locked));
    weights.push(row.map(() => (opts.bold ? 'bold' : 'normal')));
    formats.push(
      row.map((v, i) => opts.formats?.[i] ?? (typeof v === 'number' || isFormula(v) ? FORMAT.number : FORMAT.text)),
    );
    notes.push(row.map(() => ''));
    return values.length; // 1-based row number
  };

  // The header: five rows, each a label, its value, and (from column C) the rest in words.
  const state = stateWord(snap.state);
  const customer = customerLabel(snap);
  const first = snap.originalDeliveryDate;
  const repromised = first && snap.deliveryDate && first !== snap.deliveryDate ? ` (first promised ${first})` : '';
  const delivery = snap.deliveryDate ? `delivery ${snap.deliveryDate}${repromised}` : 'no delivery date';
  const who = snap.updatedBy ? `${snap.updatedBy}, ` : '';
  push(
    [
      LABEL.order,
      snap.id,
      `${snap.styleCode || '(no style)'} · tech pack ${snap.techPackId} · ${delivery} · ${customer}`,
    ],
    { bold: true, bgs: [COLOR.section, COLOR.section] },
  );
  push([LABEL.state, state, `version ${snap.version} · last change ${who}${when(snap.updatedAt)}`], {
    bgs: [COLOR.locked, editable ? COLOR.locked : COLOR.section],
  });
  push([LABEL.tolerance, snap.tolerance ? toleranceWords(snap.tolerance) : '(not read)', '', '', '', '', '']);
  // Two cells of words would clip each other; the tolerance's row has room for the extra cut further right.
  values[2][Math.min(width - 1, 5)] = extraCutWords(snap.extraCutPct ?? 0);
  const mat = snap.materials;
  const matNote = !mat
    ? '(materials summary not available: use Refresh)'
    : mat.stale
      ? `STALE: from BOM revision ${mat.bomRevision}; the tech pack is at revision ${mat.techPackBomRevision}. ` +
        'Refresh materials from the sidebar.'
      : `Up to date with BOM revision ${mat.bomRevision} (the order's current quantities).`;
  push([LABEL.materials, matNote], { bgs: [COLOR.locked, mat?.stale ? COLOR.stale : COLOR.locked] });
  push([LABEL.status, input.status ?? `Pulled ${when(snap.pulledAt)}`]);

  // The matrix.
  const codeBg = editable ? COLOR.code : COLOR.locked;
  const cornerRow = push([LABEL.corner, ...m.sizes, LABEL.total], {
    bold: true,
    bgs: [COLOR.section, ...m.sizes.map(() => codeBg), COLOR.section],
    formats: [FORMAT.text, ...m.sizes.map(() => FORMAT.text), FORMAT.text],
  });
  notes[cornerRow - 1][0] = editable
    ? 'Type quantities into the white cells: each change turns blue until it is pushed (Extensions > GarmentFlow ' +
      'Production > Push changes). New size: insert a column before Total. New color: insert a row above Total.'
    : amendable
      ? `This order is ${state}: a quantity typed into the white cells is an amendment. Push asks for a reason, ` +
        'and no cell may go below what is already batched. Sizes and colors stay as they are.'
      : `This order is ${state}: its quantities are frozen.`;
  const firstQtyRow = cornerRow + 1;
  const firstQtyCol = FIRST_QTY_COL;
  const lastQtyCol = firstQtyCol + m.sizes.length - 1;
  const markAt = new Map<string, CellMark>();
  for (const mk of input.marks ?? []) markAt.set(`${mk.color}\u0000${mk.size}`, mk);
  m.colors.forEach((color, r) => {
    const rowNo = firstQtyRow + r;
    const qty = m.sizes.map((_, c) => {
      const shown = input.display?.[r]?.[c];
      return shown === undefined
        ? m.quantities[r][c]
        : shown instanceof Date
          ? shown.toISOString()
          : typeof shown === 'boolean'
            ? String(shown)
            : shown;
    });
    const totalFormula = m.sizes.length ? `=SUM(${a1(rowNo, firstQtyCol)}:${a1(rowNo, lastQtyCol)})` : 0;
    push([color, ...qty, totalFormula], {
      bgs: [codeBg, ...m.sizes.map(() => (qtyOpen ? COLOR.editable : COLOR.locked)), COLOR.locked],
      formats: [FORMAT.text, ...qty.map(qtyFormat), FORMAT.number],
    });
    const ri = values.length - 1;
    m.sizes.forEach((size, c) => {
      const mk = markAt.get(`${color}\u0000${size}`);
      if (!mk) return;
      backgrounds[ri][c + 1] = COLOR[mk.kind];
      notes[ri][c + 1] = mk.note;
    });
  });
  const totalsRow = (first: number, count: number) => {
    const last = first + count - 1;
    const colTotals = m.sizes.map((_, c) =>
      count ? `=SUM(${a1(first, firstQtyCol + c)}:${a1(last, firstQtyCol + c)})` : 0,
    );
    const grand = count && m.sizes.length ? `=SUM(${a1(first, firstQtyCol)}:${a1(last, lastQtyCol)})` : 0;
    push([LABEL.total, ...colTotals, grand], { bold: true });
  };
  totalsRow(firstQtyRow, m.colors.length);
  push([]);

  // Progress: totals, then per cell (while the order is in production or has batched anything).
  const progress = { ...snap.progress, missing: snap.progress.missing ?? 0 };
  const remainingTotal = Math.max(0, snap.total - progress.produced);
  push(
    [LABEL.progress, 'Ordered', LABEL.batched, LABEL.produced, LABEL.rejected, LABEL.missing, LABEL.remaining, 'Done'],
    { bold: true, bg: COLOR.section },
  );
  push([
    '',
    snap.total,
    progress.batched,
    progress.produced,
    progress.rejected,
    progress.missing,
    remainingTotal,
    pct(progress.produced, snap.total),
  ]);
  const cells = snap.cells;
  if (cells && (isInProduction(snap.state) || snap.state === 'Completed' || progress.batched > 0)) {
    const kinds: { label: string; value: (color: string, size: string, ordered: number) => number; bg: BgRule }[] = [
      { label: LABEL.batched, value: (co, si) => at(cells.batched, co, si), bg: 'share' },
      { label: LABEL.produced, value: (co, si) => at(cells.produced, co, si), bg: 'share' },
      { label: LABEL.rejected, value: (co, si) => at(cells.rejected, co, si), bg: 'rejected' },
      { label: LABEL.missing, value: (co, si) => at(cells.missing, co, si), bg: 'missing' },
      {
        label: LABEL.remaining,
        value: (co, si, ordered) => Math.max(0, ordered - at(cells.produced, co, si)),
        bg: 'remaining',
      },
    ];
    for (const k of kinds) {
      push([]);
      push([k.label, ...m.sizes, LABEL.total], { bold: true, bg: COLOR.section });
      const first = values.length + 1;
      m.colors.forEach((color, r) => {
        const rowNo = first + r;
        const nums = m.sizes.map((size, c) => k.value(color, size, m.quantities[r][c]));
        const bgs = nums.map((v, c) => progressBg(k.bg, v, m.quantities[r][c]));
        const sum = m.sizes.length ? `=SUM(${a1(rowNo, firstQtyCol)}:${a1(rowNo, lastQtyCol)})` : 0;
        push([color, ...nums, sum], { bgs: [COLOR.locked, ...bgs, COLOR.locked] });
      });
      totalsRow(first, m.colors.length);
    }
  }
  push([]);

  // Batches: one row each.
  const batchColumns = ['State', 'Quantity', LABEL.produced, LABEL.rejected, LABEL.missing, 'Done'];
  batchColumns.push('Inspection plan', 'Inspection');
  push([LABEL.batches, ...batchColumns], { bold: true, bg: COLOR.section });
  // Words go in column B: text in the frozen column A would be clipped at the freeze line.
  if (snap.batches === null) push(['', '(batches could not be read: use Refresh)']);
  else if (snap.batches.length === 0) {
    push([
      '',
      isInProduction(snap.state)
        ? '(no batches yet: generate them from the sidebar)'
        : '(no batches: they are created once the order is Released)',
    ]);
  } else {
    const day = (iso: string) => when(iso).slice(0, 10);
    for (const b of snap.batches) {
      push([
        b.id,
        stateWord(b.state),
        b.total,
        b.produced,
        b.rejected,
        b.missing ?? 0,
        pct(b.produced, b.total),
        planWords(b.plan ?? null),
        inspectionWords(b, day),
      ]);
    }
  }
  push([]);

  // Materials, line by line (their flag and BOM revision are in the header).
  // The variant (a color code, often long) last, so it runs on to the right instead of being cut.
  push([LABEL.materialLines, 'UoM', 'Net', 'Gross', 'Purchase', 'Variant'], { bold: true, bg: COLOR.section });
  if (mat) {
    const d = FORMAT.decimal;
    for (const l of mat.lines)
      push([l.material, l.uom, l.net, l.gross, l.purchase, l.variant ?? ''], {
        formats: [FORMAT.text, FORMAT.text, d, d, FORMAT.number, FORMAT.text],
      });
    if (!mat.lines.length) push(['', '(no material lines)']);
  }

  // Widths: column A fits the color codes and batch/material codes, the size columns fit the longest
  // size code (and the quantities), Total fits its sums; one width per group keeps it a few calls.
  const colA = Math.min(
    260,
    Math.max(
      textWidth(LABEL.corner),
      textWidth(LABEL.materialLines),
      ...m.colors.map(textWidth),
      ...(mat?.lines ?? []).map((l) => textWidth(l.material)),
    ),
  );
  const qtyWidth = Math.min(200, Math.max(MIN_QTY_WIDTH, ...m.sizes.map(textWidth), textWidth('10,000')));
  // The batch table's Inspection plan and Inspection columns (right of the sizes) fit their words.
  const batchText = (i: number) =>
    i > m.sizes.length ? values.filter((row) => row[0] && snap.batches?.some((b) => b.id === row[0])) : [];
  const widths = values[0].map((_, i) => {
    if (i === 0) return colA;
    if (i <= m.sizes.length) return qtyWidth;
    const words = i >= 7 ? [batchColumns[i - 1] ?? '', ...batchText(i).map((row) => row[i])] : [];
    return Math.min(420, Math.max(MIN_QTY_WIDTH, textWidth('100,000'), ...words.map(textWidth)));
  });

  const quantities: Block = { row: firstQtyRow, col: firstQtyCol, numRows: m.colors.length, numCols: m.sizes.length };
  const editableBlocks: Block[] = [];
  if (qtyOpen && m.colors.length && m.sizes.length) editableBlocks.push(quantities);
  if (editable) {
    if (m.sizes.length) editableBlocks.push({ row: cornerRow, col: firstQtyCol, numRows: 1, numCols: m.sizes.length });
    if (m.colors.length) editableBlocks.push({ row: firstQtyRow, col: 1, numRows: m.colors.length, numCols: 1 });
  }
  const grid: Rendered = {
    rows: values.length,
    cols: width,
    values,
    backgrounds,
    notes,
    weights,
    formats,
    widths,
    frozen: { rows: cornerRow, cols: 1 },
    quantities,
    editable: editableBlocks,
  };
  // Beside the matrix, right of the whole block: the header above the matrix stays five rows.
  return withMilestones(grid, snap.milestones, input.today ?? snap.pulledAt.slice(0, 10), cornerRow);
}

type BgRule = 'share' | 'rejected' | 'missing' | 'remaining';

function progressBg(rule: BgRule, v: number, ordered: number): string {
  if (rule === 'share') return shareColor(ordered ? v / ordered : 0, ordered);
  if (rule === 'remaining') return shareColor(ordered ? 1 - v / ordered : 0, ordered);
  if (!v) return ordered ? COLOR.done0 : COLOR.locked;
  return rule === 'rejected' ? COLOR.rejected : COLOR.missing;
}

function isFormula(v: unknown): boolean {
  return typeof v === 'string' && v.startsWith('=');
}

// ---- reading the sheet back --------------------------------------------------------------------

export interface ParsedSheet {
  orderId: string | null;
  /** Sizes in sheet order, with their 0-based column in `values`. */
  sizes: { code: string; col: number }[];
  /** Colors in sheet order, with their 0-based row in `values`. */
  colors: { code: string; row: number }[];
  values: CellValue[][];
  /** Problems that make the matrix unreadable as a whole (duplicate codes, no matrix). */
  problems: string[];
  /** Non-empty quantity cells in columns without a size or rows without a color. */
  orphans: { row: number; col: number }[];
}

export function codeOf(v: CellValue | undefined): string {
  if (v === undefined || v === null) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v).trim();
}

function isBlank(v: CellValue | undefined): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

export interface Table {
  sizes: { code: string; col: number }[];
  colors: { code: string; row: number }[];
  problems: string[];
  orphans: { row: number; col: number }[];
}

/**
 * Reads the size x color table whose corner cell is at (corner, 0): sizes to the right up to the
 * "Total" column, colors below up to the "Total" row (or a section label). Blank codes are skipped,
 * but numbers typed under or beside them are reported rather than silently dropped.
 */
export function readTable(
  values: CellValue[][],
  corner: number,
  stopLabels: ReadonlySet<string> = SECTION_LABELS,
): Table {
  const out: Table = { sizes: [], colors: [], problems: [], orphans: [] };
  const head = values[corner] ?? [];
  const emptyCols: number[] = [];
  for (let c = 1; c < head.length; c++) {
    const code = codeOf(head[c]);
    if (code === LABEL.total) break;
    if (code === '') emptyCols.push(c);
    else out.sizes.push({ code, col: c });
  }
  const emptyRows: number[] = [];
  for (let r = corner + 1; r < values.length; r++) {
    const code = codeOf(values[r]?.[0]);
    if (code === LABEL.total || stopLabels.has(code)) break;
    if (code === '') emptyRows.push(r);
    else out.colors.push({ code, row: r });
  }
  for (const r of emptyRows)
    for (const s of out.sizes) if (!isBlank(values[r][s.col])) out.orphans.push({ row: r, col: s.col });
  for (const c of emptyCols)
    for (const k of out.colors) if (!isBlank(values[k.row][c])) out.orphans.push({ row: k.row, col: c });
  const dup = (codes: string[], what: string) => {
    const seen = new Set<string>();
    for (const code of codes) {
      if (seen.has(code)) out.problems.push(`${what} ${code} appears twice`);
      seen.add(code);
    }
  };
  dup(
    out.sizes.map((s) => s.code),
    'Size',
  );
  dup(
    out.colors.map((c) => c.code),
    'Color',
  );
  return out;
}

export function parseOrderSheet(values: CellValue[][]): ParsedSheet {
  const out: ParsedSheet = { orderId: null, sizes: [], colors: [], values, problems: [], orphans: [] };
  let corner = -1;
  for (let r = 0; r < values.length; r++) {
    const label = codeOf(values[r]?.[0]);
    if (label === LABEL.order && out.orderId === null) out.orderId = codeOf(values[r][1]) || null;
    if (label === LABEL.corner) {
      corner = r;
      break;
    }
  }
  if (corner < 0) {
    out.problems.push(`The quantity table (the cell "${LABEL.corner}") is missing from this sheet`);
    return out;
  }
  return { ...out, ...readTable(values, corner) };
}
