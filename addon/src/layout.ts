// The order sheet: how an order is laid out on a grid, and how that grid is read back. Pure: the
// sheet adapter writes `Rendered` with one setValues (plus one call per format layer) and hands
// `parseOrderSheet` the one getValues of the data range.
import type { CellValue } from './gas.js';
import { isInProduction } from '../../shared/batches.js';
import { isEditableState } from '../../shared/productionOrder.js';
import { stateWord } from '../../shared/vocabulary.js';
import { toleranceWords } from './messages.js';
import { DEFECT_CLASSES, type BatchRow, type InspectionPlan, type OrderSnapshot } from './model.js';

export const LABEL = {
  title: 'GarmentFlow production order',
  order: 'Order',
  style: 'Style',
  techPack: 'Tech pack',
  state: 'State',
  delivery: 'Delivery date',
  customer: 'Customer',
  version: 'Version',
  total: 'Total',
  tolerance: 'Tolerance',
  extraCut: 'Extra cut',
  lastChange: 'Last change',
  status: 'Status',
  quantities: 'Quantities',
  corner: 'Color \\ Size',
  progress: 'Progress',
  batches: 'Batches',
  materials: 'Materials',
} as const;

/** Labels that start a section below the matrix: reading colors stops at any of them. */
const SECTION_LABELS = new Set<string>([LABEL.progress, LABEL.batches, LABEL.materials]);

export const COLOR = {
  locked: '#f3f3f3',
  section: '#d9d9d9',
  editable: '#ffffff',
  code: '#fff2cc',
  invalid: '#f9cb9c',
  conflict: '#ea9999',
  pending: '#cfe2f3',
} as const;

export const FORMAT = { text: '@', qty: '0.###', number: '#,##0.###' } as const;

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

function pct(part: number, whole: number): string {
  if (!whole) return '';
  return `${Math.round((part / whole) * 1000) / 10}%`;
}

function customerLabel(s: OrderSnapshot): string {
  if (s.customer) return s.customer;
  if (s.sourceType === 'replenishment') return '(stock replenishment)';
  return '(none: commercial order)';
}

function extraCutWords(p: number): string {
  if (p > 0) return `${p}% over the ordered quantity is cut in each batch plan`;
  return 'none (batches cut the ordered quantity)';
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

/** "pass (2 inspections, last 2026-12-01)" or "not inspected". */
export function inspectionWords(b: Pick<BatchRow, 'inspection'>): string {
  const i = b.inspection;
  if (!i) return 'not inspected';
  const many = i.count > 1 ? `${i.count} inspections, last ` : '';
  return `${i.result === 'pass' ? 'PASS' : 'FAIL'} (${many}${String(i.at).slice(0, 10)})`;
}

export function renderOrderSheet(input: RenderInput): Rendered {
  const { snap } = input;
  const m = snap.matrix;
  const editable = isEditableState(snap.state);
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
    formats.push(row.map((v, i) => opts.formats?.[i] ?? (typeof v === 'number' ? FORMAT.number : FORMAT.text)));
    notes.push(row.map(() => ''));
    return values.length; // 1-based row number
  };
  const header = (label: string, value: string | number) =>
    push([label, value], {
      bgs: [COLOR.locked, COLOR.locked],
      formats: [FORMAT.text, typeof value === 'number' ? FORMAT.number : FORMAT.text],
    });

  const state = stateWord(snap.state);
  push(
    [
      LABEL.title,
      editable
        ? 'Edit only the white quantity cells (and, while Draft or Planned, the yellow size/color codes). Push from the sidebar.'
        : `This order is ${state}: its quantities are frozen. Use the sidebar for batches and transitions.`,
    ],
    { bold: true, bg: COLOR.section },
  );
  push([]);
  header(LABEL.order, snap.id);
  header(LABEL.style, snap.styleCode);
  header(LABEL.techPack, snap.techPackId);
  header(LABEL.state, state);
  header(LABEL.delivery, snap.deliveryDate ?? '(not set)');
  header(LABEL.customer, customerLabel(snap));
  header(LABEL.version, snap.version);
  header(LABEL.total, snap.total);
  header(LABEL.tolerance, snap.tolerance ? toleranceWords(snap.tolerance) : '(not read)');
  header(LABEL.extraCut, extraCutWords(snap.extraCutPct ?? 0));
  header(LABEL.lastChange, snap.updatedBy ? `${snap.updatedBy} at ${snap.updatedAt}` : snap.updatedAt);
  header(LABEL.status, input.status ?? `Pulled ${snap.pulledAt}`);
  push([]);
  push(
    [
      LABEL.quantities,
      editable
        ? 'One row per color, one column per size. New size: insert a column before Total and type its code. New color: insert a row above Total.'
        : 'One row per color, one column per size (read-only).',
    ],
    { bold: true, bg: COLOR.section },
  );

  // The matrix.
  const codeBg = editable ? COLOR.code : COLOR.locked;
  const cornerRow = push([LABEL.corner, ...m.sizes, LABEL.total], {
    bold: true,
    bgs: [COLOR.locked, ...m.sizes.map(() => codeBg), COLOR.locked],
    formats: [FORMAT.text, ...m.sizes.map(() => FORMAT.text), FORMAT.text],
  });
  const firstQtyRow = cornerRow + 1;
  const firstQtyCol = 2;
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
      bgs: [codeBg, ...m.sizes.map(() => (editable ? COLOR.editable : COLOR.locked)), COLOR.locked],
      formats: [FORMAT.text, ...m.sizes.map(() => FORMAT.qty), FORMAT.number],
    });
    const ri = values.length - 1;
    m.sizes.forEach((size, c) => {
      const mk = markAt.get(`${color}\u0000${size}`);
      if (!mk) return;
      backgrounds[ri][c + 1] = COLOR[mk.kind];
      notes[ri][c + 1] = mk.note;
    });
  });
  const lastQtyRow = firstQtyRow + m.colors.length - 1;
  const colTotals = m.sizes.map((_, c) =>
    m.colors.length ? `=SUM(${a1(firstQtyRow, firstQtyCol + c)}:${a1(lastQtyRow, firstQtyCol + c)})` : 0,
  );
  const grand =
    m.colors.length && m.sizes.length ? `=SUM(${a1(firstQtyRow, firstQtyCol)}:${a1(lastQtyRow, lastQtyCol)})` : 0;
  push([LABEL.total, ...colTotals, grand], {
    bold: true,
    formats: [FORMAT.text, ...m.sizes.map(() => FORMAT.number), FORMAT.number],
  });
  push([]);

  // Progress and batches.
  const progress = { ...snap.progress, missing: snap.progress.missing ?? 0 };
  const n = FORMAT.number;
  const progressFormats = [FORMAT.text, n, n, n, n, n, FORMAT.text];
  push([LABEL.progress, 'Ordered', 'Batched', 'Produced', 'Rejected', 'Missing', 'Produced %'], {
    bold: true,
    bg: COLOR.section,
  });
  const made = pct(progress.produced, snap.total);
  push(['', snap.total, progress.batched, progress.produced, progress.rejected, progress.missing, made], {
    formats: progressFormats,
  });
  push([]);
  const batchColumns = ['State', 'Quantity', 'Produced', 'Rejected', 'Missing', 'Done %'];
  batchColumns.push('Inspection plan', 'Inspection');
  push([LABEL.batches, ...batchColumns], { bold: true, bg: COLOR.section });
  if (snap.batches === null) push(['(batches could not be read: use Refresh)']);
  else if (snap.batches.length === 0) {
    push([
      isInProduction(snap.state)
        ? '(no batches yet: generate them from the sidebar)'
        : '(no batches: they are created once the order is Released)',
    ]);
  } else {
    const formats = [
      FORMAT.text,
      FORMAT.text,
      FORMAT.number,
      FORMAT.number,
      FORMAT.number,
      FORMAT.number,
      FORMAT.text,
      FORMAT.text,
      FORMAT.text,
    ];
    for (const b of snap.batches) {
      push(
        [
          b.id,
          stateWord(b.state),
          b.total,
          b.produced,
          b.rejected,
          b.missing ?? 0,
          pct(b.produced, b.total),
          planWords(b.plan ?? null),
          inspectionWords(b),
        ],
        { formats },
      );
    }
  }
  push([]);

  // Materials.
  const mat = snap.materials;
  const matNote = !mat
    ? '(materials summary not available: use Refresh)'
    : mat.stale
      ? `STALE: computed from BOM revision ${mat.bomRevision}, the tech pack is now at ${mat.techPackBomRevision}. Refresh materials from the sidebar.`
      : `Up to date with BOM revision ${mat.bomRevision}.`;
  push([LABEL.materials, matNote], {
    bold: true,
    bg: COLOR.section,
    bgs: [COLOR.section, mat?.stale ? COLOR.invalid : COLOR.section],
  });
  push(['Material', 'Variant', 'UoM', 'Net', 'Gross', 'Purchase'], { bold: true });
  if (mat) {
    for (const l of mat.lines)
      push([l.material, l.variant ?? '', l.uom, l.net, l.gross, l.purchase], {
        formats: [FORMAT.text, FORMAT.text, FORMAT.text, FORMAT.number, FORMAT.number, FORMAT.number],
      });
  }

  const quantities: Block = { row: firstQtyRow, col: firstQtyCol, numRows: m.colors.length, numCols: m.sizes.length };
  const editableBlocks: Block[] = [];
  if (editable) {
    if (m.colors.length && m.sizes.length) editableBlocks.push(quantities);
    if (m.sizes.length) editableBlocks.push({ row: cornerRow, col: firstQtyCol, numRows: 1, numCols: m.sizes.length });
    if (m.colors.length) editableBlocks.push({ row: firstQtyRow, col: 1, numRows: m.colors.length, numCols: 1 });
  }
  return {
    rows: values.length,
    cols: width,
    values,
    backgrounds,
    notes,
    weights,
    formats,
    quantities,
    editable: editableBlocks,
  };
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
