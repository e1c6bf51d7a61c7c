// Paste by codes: a range anywhere (another tab, a buyer's table pasted in) whose first row holds
// size codes and whose first column holds color codes is mapped onto the order's cells by code,
// not by position. Codes the order does not have are listed with the garments they hold, never
// dropped silently; blank cells leave the order's cell as it is; "Total" rows and columns are
// skipped. Pure.
import { a1 } from './layout.js';
import { checkCell } from './diff.js';
import type { CellValue } from './gas.js';

export interface PastedCell {
  color: string;
  size: string;
  to: number;
}

export interface UnknownCode {
  code: string;
  /** A1 reference of the code's cell. */
  ref: string;
  /** Garments typed under or beside it (not placed anywhere). */
  pieces: number;
}

export interface PasteMapping {
  cells: PastedCell[];
  unknownSizes: UnknownCode[];
  unknownColors: UnknownCode[];
  /** Cells that are not whole numbers of 0 or more, by A1 reference. */
  bad: { ref: string; reason: string }[];
  /** Whole-range problems (too small, duplicate codes): nothing is placed. */
  problems: string[];
}

const norm = (v: CellValue | undefined) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v ?? '').trim());
const isTotal = (code: string) => code.toLowerCase() === 'total';

/** Maps a code onto the order's own, exactly or ignoring case; null when the order has none. */
function matcher(codes: readonly string[]): (code: string) => string | null {
  const exact = new Set(codes);
  const folded = new Map<string, string>();
  for (const c of codes) if (!folded.has(c.toLowerCase())) folded.set(c.toLowerCase(), c);
  return (code) => (exact.has(code) ? code : (folded.get(code.toLowerCase()) ?? null));
}

/**
 * `values` is the selected range as getValues returns it; `origin` its top-left cell (1-based), for
 * the A1 references in what is reported.
 */
export function mapPasted(
  values: CellValue[][],
  origin: { row: number; col: number },
  sizes: readonly string[],
  colors: readonly string[],
): PasteMapping {
  const out: PasteMapping = { cells: [], unknownSizes: [], unknownColors: [], bad: [], problems: [] };
  const ref = (r: number, c: number) => a1(origin.row + r, origin.col + c);
  if (values.length < 2 || (values[0]?.length ?? 0) < 2) {
    out.problems.push(
      'Select a range whose first row holds the size codes and whose first column holds the color codes',
    );
    return out;
  }
  const sizeOf = matcher(sizes);
  const colorOf = matcher(colors);
  const cols: { c: number; size: string | null; code: string }[] = [];
  const seenSize = new Map<string, number>();
  for (let c = 1; c < values[0].length; c++) {
    const code = norm(values[0][c]);
    if (code === '' || isTotal(code)) continue;
    const size = sizeOf(code);
    if (size !== null && seenSize.has(size))
      out.problems.push(`Size ${size} appears twice (${ref(0, seenSize.get(size)!)} and ${ref(0, c)})`);
    if (size !== null) seenSize.set(size, c);
    cols.push({ c, size, code });
  }
  const seenColor = new Map<string, number>();
  for (let r = 1; r < values.length; r++) {
    const code = norm(values[r][0]);
    if (code === '' || isTotal(code)) continue;
    const color = colorOf(code);
    if (color !== null && seenColor.has(color))
      out.problems.push(`Color ${color} appears twice (${ref(seenColor.get(color)!, 0)} and ${ref(r, 0)})`);
    if (color !== null) seenColor.set(color, r);
    let unplaced = 0;
    for (const col of cols) {
      const raw = values[r][col.c];
      if (raw === '' || raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '')) continue;
      const check = checkCell(raw);
      if (!check.ok) {
        out.bad.push({ ref: ref(r, col.c), reason: check.reason });
        continue;
      }
      if (color === null || col.size === null) {
        if (color === null) unplaced += check.value;
        continue;
      }
      out.cells.push({ color, size: col.size, to: check.value });
    }
    if (color === null) out.unknownColors.push({ code, ref: ref(r, 0), pieces: unplaced });
  }
  // Unknown sizes: listed once each, with the garments of known colors under them.
  for (const col of cols) {
    if (col.size !== null) continue;
    let pieces = 0;
    for (let r = 1; r < values.length; r++) {
      const code = norm(values[r][0]);
      if (code === '' || isTotal(code) || colorOf(code) === null) continue;
      const check = checkCell(values[r][col.c]);
      if (check.ok) pieces += check.value;
    }
    out.unknownSizes.push({ code: col.code, ref: ref(0, col.c), pieces });
  }
  if (!cols.length) out.problems.push('The first row of the selection holds no size codes');
  if (out.problems.length) out.cells = [];
  return out;
}
