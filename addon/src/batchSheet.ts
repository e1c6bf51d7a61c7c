// A batch's own cells, on demand ("Show cells" in the sidebar): one sheet per batch, drawn from one
// GET of the order's batch list (the batch resource carries its matrices and its latest inspection)
// and written as one block. The batch's planned matrix and, once it finished, its produced, rejected
// and missing matrices, each over the batch's own sizes and colors in the same columns, with formula
// totals and `#,##0`; five header rows and the size row frozen with the color column. Read-only: a
// running batch's counts are typed on its Output sheet (output.ts).
import { stateWord, count, plural } from '../../shared/vocabulary.js';
import { ApiError, listItems, type ApiClient } from './api.js';
import type { GasServices, GSheet, GSpreadsheet } from './gas.js';
import { COLOR, FORMAT, LABEL, a1, inspectionWords, planWords, shareColor, type Rendered } from './layout.js';
import { ContextError, UserError } from './messages.js';
import type { ApiBatch, InspectionPlan, Matrix, WrittenLayers } from './model.js';
import { outputSheetName } from './output.js';
import { layerHash, protect, writeGrid } from './sheets.js';

export const BATCH_SHEET_LABEL = {
  batch: 'Batch',
  order: 'Order',
  state: 'State',
  inspection: 'Inspection',
  status: 'Status',
  planned: 'Planned',
} as const;

/** What the batch sheet reads of a batch resource (CONTRACT: matrices over the batch's own cells). */
export type BatchDetail = ApiBatch & {
  producedTotal?: number;
  rejectedTotal?: number;
  reason?: string;
  startedAt?: string;
  finishedAt?: string;
  cancelledAt?: string;
};

export function batchSheetName(batchId: string): string {
  return `Batch ${batchId}`;
}

export interface BatchSheetInput {
  batch: BatchDetail;
  styleCode?: string;
  /** Its sampling plan, when the sidebar fetched it before. */
  plan?: InspectionPlan | null;
  /** An ISO time in the spreadsheet's time zone. */
  when: (iso: string) => string;
  /** When the sheet is drawn (ISO). */
  drawnAt: string;
}

const CHAR_PX = 8;
const PAD_PX = 14;
const MIN_QTY_PX = 84;

const px = (s: string | number) => Math.ceil(String(s).length * CHAR_PX + PAD_PX);

function at(m: Matrix | null | undefined, r: number, c: number): number {
  return m?.quantities[r]?.[c] ?? 0;
}

type Tone = 'plain' | 'share' | 'rejected' | 'missing';

export function renderBatchSheet(input: BatchSheetInput): Rendered {
  const { batch: b, when } = input;
  const sizes = b.matrix.sizes;
  const colors = b.matrix.colors;
  const width = Math.max(sizes.length + 2, 4);
  const values: (string | number)[][] = [];
  const backgrounds: string[][] = [];
  const weights: string[][] = [];
  const formats: string[][] = [];
  const push = (cells: (string | number)[], o: { bold?: boolean; bgs?: string[]; bg?: string } = {}) => {
    const row = cells.slice(0, width);
    while (row.length < width) row.push('');
    values.push(row);
    backgrounds.push(row.map((_, i) => o.bgs?.[i] ?? o.bg ?? COLOR.locked));
    weights.push(row.map(() => (o.bold ? 'bold' : 'normal')));
    formats.push(row.map((v) => (typeof v === 'number' || String(v).startsWith('=') ? FORMAT.number : FORMAT.text)));
    return values.length;
  };
  const L = BATCH_SHEET_LABEL;
  const finished = b.state === 'Finished';
  const produced = b.producedTotal ?? sumOf(b.produced);
  const rejected = b.rejectedTotal ?? sumOf(b.rejected);
  const missing = b.missingTotal ?? sumOf(b.missing);
  const garments = `${plural(b.total, 'garment')} planned over ${plural(sizes.length, 'size')} x ${plural(colors.length, 'color')}`;
  push([L.batch, b.id, `${input.styleCode ? `${input.styleCode} · ` : ''}${garments}`], {
    bold: true,
    bgs: [COLOR.section, COLOR.section],
  });
  const times = [
    b.startedAt ? `started ${when(b.startedAt)}` : '',
    b.finishedAt ? `finished ${when(b.finishedAt)}` : '',
    b.cancelledAt ? `cancelled ${when(b.cancelledAt)}` : '',
  ].filter(Boolean);
  push([L.order, b.orderId, times.join(' · ')]);
  const counts = finished
    ? `produced ${count(produced)} · rejected ${count(rejected)} · missing ${count(missing)}${b.reason ? `: ${b.reason}` : ''}`
    : '';
  push([L.state, stateWord(b.state), counts], { bgs: [COLOR.locked, COLOR.section] });
  // The result in its own (coloured) cell; how many, when and the plan beside it.
  const i = b.inspection;
  const result = i ? (i.result === 'pass' ? 'PASS' : 'FAIL') : inspectionWords({ inspection: null });
  const many = i ? `${i.count === 1 ? '1 inspection' : `${i.count} inspections`}, last ${when(String(i.at))}` : '';
  const plan = input.plan ? planWords(input.plan) : '';
  push([L.inspection, result, [many, plan].filter(Boolean).join(' · ')], {
    bgs: [COLOR.locked, i ? (i.result === 'pass' ? COLOR.doneAll : COLOR.rejected) : COLOR.locked],
  });
  const running = b.state === 'Running' ? ` Type what it made on "${outputSheetName(b.id)}", then Finish.` : '';
  push([L.status, `Drawn ${when(input.drawnAt)} from the API: Show cells in the sidebar draws it again.${running}`]);
  const cornerRow = push([LABEL.corner, ...sizes, LABEL.total], { bold: true, bg: COLOR.section });

  const lastQtyCol = 1 + sizes.length;
  const table = (label: string, m: Matrix | null | undefined, tone: Tone) => {
    push([label, ...sizes, LABEL.total], { bold: true, bg: COLOR.section });
    const first = values.length + 1;
    colors.forEach((color, r) => {
      const rowNo = first + r;
      const nums = sizes.map((_, c) => at(m, r, c));
      const bgs = nums.map((v, c) => toneOf(tone, v, b.matrix.quantities[r][c]));
      const sum = sizes.length ? `=SUM(${a1(rowNo, 2)}:${a1(rowNo, lastQtyCol)})` : 0;
      push([color, ...nums, sum], { bgs: [COLOR.locked, ...bgs, COLOR.locked] });
    });
    const last = first + colors.length - 1;
    const cols = sizes.map((_, c) => (colors.length ? `=SUM(${a1(first, 2 + c)}:${a1(last, 2 + c)})` : 0));
    const grand = colors.length && sizes.length ? `=SUM(${a1(first, 2)}:${a1(last, lastQtyCol)})` : 0;
    push([LABEL.total, ...cols, grand], { bold: true });
    push([]);
  };
  table(L.planned, b.matrix, 'plain');
  if (finished) {
    table(LABEL.produced, b.produced, 'share');
    table(LABEL.rejected, b.rejected, 'rejected');
    table(LABEL.missing, b.missing, 'missing');
  } else {
    const later =
      b.state === 'Cancelled'
        ? '(cancelled: nothing was produced)'
        : '(produced, rejected and missing per cell once the batch is finished)';
    push(['', later]);
  }

  const colA = Math.min(260, Math.max(px(LABEL.corner), px(L.inspection), ...colors.map(px), px(b.id)));
  const qty = Math.min(200, Math.max(MIN_QTY_PX, ...sizes.map(px), px('10,000')));
  const widths = values[0].map((_, i) =>
    i === 0 ? colA : i <= sizes.length ? qty : Math.max(MIN_QTY_PX, px('100,000')),
  );
  return {
    rows: values.length,
    cols: width,
    values,
    backgrounds,
    notes: values.map((row) => row.map(() => '')),
    weights,
    formats,
    widths,
    frozen: { rows: cornerRow, cols: 1 },
    quantities: { row: cornerRow + 2, col: 2, numRows: colors.length, numCols: sizes.length },
    editable: [],
  };
}

function sumOf(m: Matrix | null | undefined): number {
  return m ? m.quantities.reduce((t, row) => t + row.reduce((a, v) => a + v, 0), 0) : 0;
}

function toneOf(tone: Tone, v: number, planned: number): string {
  if (tone === 'plain') return planned ? COLOR.editable : COLOR.locked;
  if (tone === 'share') return shareColor(planned ? v / planned : 0, planned);
  if (!v) return planned ? COLOR.done0 : COLOR.locked;
  return tone === 'rejected' ? COLOR.rejected : COLOR.missing;
}

/** The batch from the order's batch list: one GET (a later page only when it is not on the first). */
export function fetchBatch(api: ApiClient, orderId: string, batchId: string): BatchDetail {
  const base = `/production-orders/${encodeURIComponent(orderId)}/batches`;
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const path: string = cursor ? `${base}?cursor=${encodeURIComponent(cursor)}` : base;
    let body: unknown;
    try {
      body = api.send<unknown>(api.req('GET', path));
    } catch (e) {
      if (e instanceof ApiError) throw new ContextError(e, 'open', batchId);
      throw e;
    }
    const found = listItems<BatchDetail>(body).find((x) => x.id === batchId);
    if (found) return found;
    const next = (body as { nextCursor?: unknown } | null)?.nextCursor;
    if (typeof next !== 'string' || !next) break;
    cursor = next;
  }
  throw new UserError('NOT_FOUND', `Batch ${batchId} is not among order ${orderId}'s batches: Refresh the order.`);
}

const RECORD_KEY = 'gf:batchSheet:';

/**
 * Draws (or redraws) the batch's sheet: one block write; number formats, weights, widths and frozen
 * panes only when they changed since the last draw (the fingerprints are kept in the document's
 * properties), so the planner's own cells beside the block stay.
 */
export function drawBatchSheet(g: GasServices, ss: GSpreadsheet, r: Rendered, batchId: string): GSheet {
  const name = batchSheetName(batchId);
  const props = g.PropertiesService.getDocumentProperties();
  let sheet = ss.getSheetByName(name);
  let prev: WrittenLayers | null = null;
  if (!sheet) sheet = ss.insertSheet(name);
  else {
    try {
      prev = JSON.parse(props.getProperty(`${RECORD_KEY}${sheet.getSheetId()}`) ?? 'null') as WrittenLayers | null;
    } catch {
      prev = null;
    }
  }
  const written = writeGrid(sheet, r, prev);
  written.layers.protection = layerHash([['all']]);
  if (prev?.layers.protection !== written.layers.protection)
    protect(g.SpreadsheetApp, sheet, [], "GarmentFlow: a batch's cells, drawn from the API (read-only)");
  props.setProperty(`${RECORD_KEY}${sheet.getSheetId()}`, JSON.stringify(written));
  sheet.activate();
  return sheet;
}
