// The order sheet's milestones block (time and action): beside the matrix, right of everything the
// order sheet draws, from the size row down, so the header above the matrix stays five rows. One row
// per milestone: its name, due date, done date (or "Open") and where it stands today in the
// spreadsheet's time zone ("Overdue 3 days" in red). Pure: it widens a rendered layout, which the
// sheet adapter writes in the same one setValues (formats only when they changed).
import { milestoneStatus, type MilestoneStatus } from '../../shared/milestones.js';
import { MILESTONE_WORDS, milestoneStatusWords } from '../../shared/vocabulary.js';
import type { Rendered } from './layout.js';
import { dateSerial } from './materialsPlan.js';
import type { MilestoneView } from './model.js';

export const MILESTONE_FORMAT = { text: '@', date: 'yyyy-mm-dd' } as const;

export const MILESTONE_COLOR = {
  section: '#d9d9d9',
  cell: '#f3f3f3',
  overdue: '#ea9999',
  dueToday: '#fce8b2',
  done: '#d9ead3',
} as const;

const GAP_PX = 24;
const DATE_PX = 96;
const CHAR_PX = 7.5;
const PAD_PX = 14;

/** One milestone as the sheet and the sidebar show it, judged on `today`. */
export interface MilestoneLine extends MilestoneView {
  status: MilestoneStatus;
  /** "Overdue 3 days", "Due in 5 days", "Done". */
  words: string;
  overdue: boolean;
}

export function milestoneLines(ms: readonly MilestoneView[] | undefined, today: string): MilestoneLine[] {
  return (ms ?? []).map((m) => {
    const status = milestoneStatus(m, today);
    return { ...m, status, words: milestoneStatusWords(status), overdue: status.kind === 'overdue' };
  });
}

/** Where the block goes on a rendered order sheet: one empty column right of it, from `row` down. */
export function milestoneBlockAt(r: Pick<Rendered, 'cols'>, row: number): { row: number; col: number } {
  return { row, col: r.cols + 2 };
}

function statusColor(s: MilestoneStatus): string {
  if (s.kind === 'overdue') return MILESTONE_COLOR.overdue;
  if (s.kind === 'dueToday') return MILESTONE_COLOR.dueToday;
  if (s.kind === 'done') return MILESTONE_COLOR.done;
  return MILESTONE_COLOR.cell;
}

function textPx(s: string): number {
  return Math.ceil(s.length * CHAR_PX + PAD_PX);
}

/**
 * The layout with the milestones block added (1-based `row`: the size row). Without milestones the
 * layout is returned as it is. Dates are Sheets' day serials under a date format: real dates that
 * sort and compare, and no time zone can move them to another day.
 */
export function withMilestones(
  r: Rendered,
  milestones: readonly MilestoneView[] | undefined,
  today: string,
  row: number,
): Rendered {
  const lines = milestoneLines(milestones, today);
  if (!lines.length) return r;
  const at = milestoneBlockAt(r, row);
  const cols = at.col + 3;
  const rows = Math.max(r.rows, at.row + lines.length);
  const grow = <T>(grid: T[][], fill: T): T[][] =>
    Array.from({ length: rows }, (_, i) => {
      const out = [...(grid[i] ?? [])];
      while (out.length < cols) out.push(fill);
      return out;
    });
  const values = grow<string | number>(r.values, '');
  const backgrounds = grow(r.backgrounds, MILESTONE_COLOR.cell);
  const notes = grow(r.notes, '');
  const weights = grow(r.weights, 'normal');
  const formats = grow<string>(r.formats, MILESTONE_FORMAT.text);
  const put = (i: number, cells: (string | number)[], fmts: string[], bgs: string[], bold: boolean) => {
    cells.forEach((v, j) => {
      const c = at.col - 1 + j;
      values[i][c] = v;
      formats[i][c] = fmts[j];
      backgrounds[i][c] = bgs[j];
      weights[i][c] = bold ? 'bold' : 'normal';
    });
  };
  const w = MILESTONE_WORDS;
  const head = at.row - 1;
  const section = [MILESTONE_COLOR.section, MILESTONE_COLOR.section, MILESTONE_COLOR.section, MILESTONE_COLOR.section];
  put(head, [w.title, w.due, w.done, w.status], Array(4).fill(MILESTONE_FORMAT.text), section, true);
  lines.forEach((m, k) => {
    const date = (d: string | null, none: string): [string | number, string] =>
      d === null ? [none, MILESTONE_FORMAT.text] : [dateSerial(d), MILESTONE_FORMAT.date];
    const [due, dueFmt] = date(m.due, w.noDate);
    const [done, doneFmt] = date(m.done, w.open);
    const color = statusColor(m.status);
    const cell = MILESTONE_COLOR.cell;
    put(
      head + 1 + k,
      [m.name, due, done, m.words],
      [MILESTONE_FORMAT.text, dueFmt, doneFmt, MILESTONE_FORMAT.text],
      [cell, m.overdue ? color : cell, cell, color],
      m.overdue,
    );
  });
  const widths = [...(r.widths ?? [])];
  while (widths.length < r.cols) widths.push(100);
  const nameWidth = Math.min(260, Math.max(140, ...lines.map((m) => textPx(m.name))));
  const statusWidth = Math.max(120, ...lines.map((m) => textPx(m.words)));
  widths.push(GAP_PX, nameWidth, DATE_PX, DATE_PX, statusWidth);
  return { ...r, rows, cols, values, backgrounds, notes, weights, formats, widths };
}

/** The milestones as the sidebar lists them, and whether the order still lets them change. */
export interface MilestonesPanel {
  today: string;
  changeable: boolean;
  items: MilestoneLine[];
}
