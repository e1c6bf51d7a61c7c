// What the planner changed on the sheet since the last pull: cell edits, bad cells, and added or
// removed sizes and colors. Pure.
import { LIMITS } from '../../shared/matrix.js';
import type { CellValue } from './gas.js';
import { a1, codeOf, type ParsedSheet } from './layout.js';
import type { Matrix } from './model.js';

export type CellCheck = { ok: true; value: number } | { ok: false; reason: string };

/** A quantity cell: a whole number from 0 to 10,000,000; an empty cell means 0. */
export function checkCell(v: CellValue | undefined | null): CellCheck {
  if (v === undefined || v === null) return { ok: true, value: 0 };
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === '') return { ok: true, value: 0 };
    if (/^\d+$/.test(t)) return checkCell(Number(t));
    if (/^-\s*\d/.test(t)) return { ok: false, reason: 'is negative: quantities are 0 or more' };
    if (/^\d*[.,]\d+$/.test(t)) return { ok: false, reason: 'has decimals: quantities are whole garments' };
    return { ok: false, reason: `is text ("${t.length > 30 ? `${t.slice(0, 30)}…` : t}"): type a whole number` };
  }
  if (typeof v === 'boolean') return { ok: false, reason: 'is a checkbox/true-false value: type a whole number' };
  if (v instanceof Date) return { ok: false, reason: 'is a date: type a whole number' };
  if (typeof v !== 'number' || !Number.isFinite(v)) return { ok: false, reason: 'is not a number' };
  if (v < 0) return { ok: false, reason: 'is negative: quantities are 0 or more' };
  if (!Number.isInteger(v)) return { ok: false, reason: 'has decimals: quantities are whole garments' };
  if (v > LIMITS.cellMax)
    return { ok: false, reason: `is above the limit of ${LIMITS.cellMax.toLocaleString('en-US')} per cell` };
  return { ok: true, value: v };
}

export interface CellEdit {
  color: string;
  size: string;
  from: number;
  to: number;
}

export interface BadCell {
  color: string;
  size: string;
  raw: CellValue;
  reason: string;
}

export interface SheetDiff {
  /** The sizes and colors as the sheet now has them. */
  sizes: string[];
  colors: string[];
  structureChanged: boolean;
  addedSizes: string[];
  removedSizes: string[];
  addedColors: string[];
  removedColors: string[];
  /** Edits of cells present in the base: `from` is the base value. */
  edits: CellEdit[];
  /** Non-zero quantities typed into new sizes/colors (their cells start at 0 on the server). */
  newCells: CellEdit[];
  bad: BadCell[];
  /** Whole-sheet problems: nothing can be pushed until they are fixed. */
  problems: string[];
  /** Every valid sheet value keyed by color/size, for re-display. */
  sheetValue: (color: string, size: string) => CellValue | undefined;
}

export const cellKey = (color: string, size: string): string => `${color}\u0000${size}`;

export function diffSheet(base: Matrix, parsed: ParsedSheet): SheetDiff {
  const sizes = parsed.sizes.map((s) => s.code);
  const colors = parsed.colors.map((c) => c.code);
  const baseSize = new Map(base.sizes.map((s, i) => [s, i]));
  const baseColor = new Map(base.colors.map((c, i) => [c, i]));
  const sheetSizes = new Set(sizes);
  const sheetColors = new Set(colors);
  const problems = [...parsed.problems];
  for (const o of parsed.orphans) {
    const v = parsed.values[o.row][o.col];
    problems.push(
      `${a1(o.row + 1, o.col + 1)} holds ${codeOf(v)} but has no ${codeOf(parsed.values[o.row][0]) ? 'size' : 'color'} code: type the code or clear the cell`,
    );
  }
  if (parsed.sizes.length === 0 && !parsed.problems.length) problems.push('The quantity table has no sizes');
  if (parsed.colors.length === 0 && !parsed.problems.length) problems.push('The quantity table has no colors');
  if (sizes.length > LIMITS.sizes)
    problems.push(`The table has ${sizes.length} sizes; at most ${LIMITS.sizes} are allowed`);
  if (colors.length > LIMITS.colors)
    problems.push(`The table has ${colors.length} colors; at most ${LIMITS.colors} are allowed`);
  if (sizes.length * colors.length > LIMITS.cells)
    problems.push(`The table has ${sizes.length * colors.length} cells; at most ${LIMITS.cells} are allowed`);
  for (const code of [...sizes, ...colors])
    if (code.length > 40) problems.push(`The code "${code.slice(0, 40)}…" is longer than 40 characters`);

  const edits: CellEdit[] = [];
  const newCells: CellEdit[] = [];
  const bad: BadCell[] = [];
  // Looked up on demand: building a per-cell map here cost more than the whole diff.
  const rowOf = new Map(parsed.colors.map((c) => [c.code, c.row]));
  const colOf = new Map(parsed.sizes.map((s) => [s.code, s.col]));
  for (const c of parsed.colors) {
    const row = parsed.values[c.row];
    const br = baseColor.get(c.code);
    for (const s of parsed.sizes) {
      const raw = row[s.col];
      const check = checkCell(raw);
      if (!check.ok) {
        bad.push({ color: c.code, size: s.code, raw, reason: check.reason });
        continue;
      }
      const bc = baseSize.get(s.code);
      if (br !== undefined && bc !== undefined) {
        const from = base.quantities[br][bc];
        if (from !== check.value) edits.push({ color: c.code, size: s.code, from, to: check.value });
      } else if (check.value !== 0) {
        newCells.push({ color: c.code, size: s.code, from: 0, to: check.value });
      }
    }
  }
  const addedSizes = sizes.filter((s) => !baseSize.has(s));
  const removedSizes = base.sizes.filter((s) => !sheetSizes.has(s));
  const addedColors = colors.filter((c) => !baseColor.has(c));
  const removedColors = base.colors.filter((c) => !sheetColors.has(c));
  const structureChanged =
    sizes.join('\u0000') !== base.sizes.join('\u0000') || colors.join('\u0000') !== base.colors.join('\u0000');
  return {
    sizes,
    colors,
    structureChanged,
    addedSizes,
    removedSizes,
    addedColors,
    removedColors,
    edits,
    newCells,
    bad,
    problems,
    sheetValue: (color, size) => {
      const row = rowOf.get(color);
      const col = colOf.get(size);
      return row === undefined || col === undefined ? undefined : parsed.values[row][col];
    },
  };
}

/** How many changes a push would send (for "you have N unpushed changes"). */
export function pendingCount(d: SheetDiff): number {
  return d.edits.length + d.newCells.length + (d.structureChanged ? 1 : 0);
}
