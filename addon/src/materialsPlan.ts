// The "Materials plan" sheet: the requirement lines of GET /v1/material-requirements (every open
// order's materials, netted against supply; docs/logistics.md) laid out on a grid. Pure: the caller
// fetches the pages and writes the grid with one call per layer (materialsPlanSheet.ts).
//
// Quantities are decimals (metres, kilograms): a cell holding a whole number gets `#,##0` and any
// other `#,##0.###`, so 70 shows "70", never "70." (what `#,##0.###` alone makes of an integer).
// Dates are real dates: the day's serial number (days since 1899-12-30, as Sheets counts) under a
// date format, so they sort and compare as dates and no time zone can move them to another day.
import type * as v from 'valibot';
import type { RequirementLine as RequirementLineSchema } from '../../shared/schemas/logistics.js';
import { stateWord } from '../../shared/vocabulary.js';

export type RequirementLine = v.InferOutput<typeof RequirementLineSchema>;

export const MATERIALS_PLAN_SHEET = 'Materials plan';

export const PLAN_LABEL = {
  title: 'GarmentFlow materials plan',
  refreshed: 'Refreshed',
  today: 'Today',
  summary: 'Summary',
  overdue: 'OVERDUE',
  stale: 'STALE',
  noDate: 'no delivery date',
  empty: 'No open order needs materials.',
} as const;

/** The table's columns, in order (the header row's words). */
export const PLAN_COLUMNS = [
  'Material',
  'Variant',
  'UoM',
  'Required firm',
  'Required tentative',
  'On hand',
  'On order',
  'Net',
  'Purchase',
  'Need by',
  'Order by',
  'Order status',
  'Stale',
  'Orders',
] as const;

export const PLAN_COLOR = {
  title: '#d9d9d9',
  header: '#efefef',
  cell: '#ffffff',
  overdue: '#ea9999',
  stale: '#fff2cc',
} as const;

export const PLAN_FORMAT = { text: '@', integer: '#,##0', decimal: '#,##0.###', date: 'yyyy-mm-dd' } as const;

export interface PlanRendered {
  rows: number;
  cols: number;
  values: (string | number)[][];
  formats: string[][];
  backgrounds: string[][];
  weights: string[][];
  /** 1-based row of the table's header (the lines follow it). */
  headerRow: number;
  /** How many lines are overdue (orderBy before today). */
  overdue: number;
  /** How many lines have a stale contributing order. */
  stale: number;
}

export interface PlanInput {
  lines: RequirementLine[];
  /** Today in the spreadsheet's time zone, YYYY-MM-DD: a line whose orderBy is before it is overdue. */
  today: string;
  /** When the lines were fetched (shown as text, e.g. "2026-12-01 10:15 (Europe/Lisbon)"). */
  refreshedAt: string;
}

const DAY_MS = 86_400_000;
const SHEETS_EPOCH = Date.UTC(1899, 11, 30);

/** A YYYY-MM-DD date as the serial number Sheets stores for that day. */
export function dateSerial(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new Error(`not a date: ${iso}`);
  return Math.round((Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - SHEETS_EPOCH) / DAY_MS);
}

/** The number format that shows `n` without a trailing decimal separator. */
export function quantityFormat(n: number): string {
  return Math.round(n * 1000) % 1000 === 0 ? PLAN_FORMAT.integer : PLAN_FORMAT.decimal;
}

/** A quantity in words, as the formats show it (grouped, at most three decimals). */
export function quantityText(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

/** Is a line overdue: must it have been ordered before today? (YYYY-MM-DD strings compare as dates.) */
export function isOverdue(line: Pick<RequirementLine, 'orderBy'>, today: string): boolean {
  return line.orderBy !== null && line.orderBy < today;
}

/** The contributing orders in one cell: "PO-000002 (Planned, due 2027-04-01): 252". */
export function ordersText(orders: RequirementLine['orders']): string {
  const due = (d: string | null) => (d ? `due ${d}` : 'no date');
  return orders
    .map((o) => `${o.id} (${stateWord(o.state)}, ${due(o.deliveryDate)}): ${quantityText(o.gross)}`)
    .join('; ');
}

export function renderMaterialsPlan(input: PlanInput): PlanRendered {
  const cols = PLAN_COLUMNS.length;
  const values: (string | number)[][] = [];
  const formats: string[][] = [];
  const backgrounds: string[][] = [];
  const weights: string[][] = [];
  const pad = <T>(row: T[], fill: T): T[] => [...row, ...Array<T>(cols - row.length).fill(fill)];
  const textRow = (cells: string[], bg: string, bold = false) => {
    values.push(pad<string | number>(cells, ''));
    formats.push(pad<string>([], PLAN_FORMAT.text));
    backgrounds.push(pad<string>([], bg));
    weights.push(pad<string>([], bold ? 'bold' : 'normal'));
  };

  const overdue = input.lines.filter((l) => isOverdue(l, input.today)).length;
  const stale = input.lines.filter((l) => l.stale).length;
  textRow([PLAN_LABEL.title], PLAN_COLOR.title, true);
  textRow([PLAN_LABEL.refreshed, input.refreshedAt], PLAN_COLOR.cell);
  textRow([PLAN_LABEL.today, input.today], PLAN_COLOR.cell);
  const count = (n: number, one: string, many = `${one}s`) => `${quantityText(n)} ${n === 1 ? one : many}`;
  textRow(
    [
      PLAN_LABEL.summary,
      `${count(input.lines.length, 'line')}, ${count(overdue, 'overdue')}, ${count(stale, 'stale')}; ` +
        'Order by before today is OVERDUE; STALE: refresh that order\u2019s materials.',
    ],
    PLAN_COLOR.cell,
  );
  textRow([], PLAN_COLOR.cell);
  textRow([...PLAN_COLUMNS], PLAN_COLOR.header, true);
  const headerRow = values.length;

  if (!input.lines.length) textRow([PLAN_LABEL.empty], PLAN_COLOR.cell);
  for (const l of input.lines) {
    const late = isOverdue(l, input.today);
    const quantities = [l.required.firm, l.required.tentative, l.onHand, l.onOrder, l.net, l.purchase];
    const date = (d: string | null): [string | number, string] =>
      d === null ? [PLAN_LABEL.noDate, PLAN_FORMAT.text] : [dateSerial(d), PLAN_FORMAT.date];
    const [needBy, needByFormat] = date(l.needBy);
    const [orderBy, orderByFormat] = date(l.orderBy);
    values.push([
      l.material,
      l.variant,
      l.uom,
      ...quantities,
      needBy,
      orderBy,
      late ? PLAN_LABEL.overdue : '',
      l.stale ? PLAN_LABEL.stale : '',
      ordersText(l.orders),
    ]);
    formats.push([
      PLAN_FORMAT.text,
      PLAN_FORMAT.text,
      PLAN_FORMAT.text,
      ...quantities.map(quantityFormat),
      needByFormat,
      orderByFormat,
      PLAN_FORMAT.text,
      PLAN_FORMAT.text,
      PLAN_FORMAT.text,
    ]);
    const bg = pad<string>([], PLAN_COLOR.cell);
    if (late) for (const c of [10, 11]) bg[c] = PLAN_COLOR.overdue;
    if (l.stale) bg[12] = PLAN_COLOR.stale;
    backgrounds.push(bg);
    const w = pad<string>([], 'normal');
    if (late) w[11] = 'bold';
    weights.push(w);
  }
  return { rows: values.length, cols, values, formats, backgrounds, weights, headerRow, overdue, stale };
}
