// The onEdit simple trigger's work: typed (or pasted) quantity cells are marked at once, before any
// push. A changed cell turns blue with a note holding the value pulled from the server; a bad one
// (`2OO`, a negative, a decimal) turns orange with the reason; a cell typed back to its pulled value
// is plain again. Simple triggers of an Editor add-on run in AuthMode.LIMITED: they may read and
// write this spreadsheet only (the order sheet and the add-on's hidden state sheet), never call
// UrlFetchApp or show UI. So this reads the sheet and the state sheet, and writes three format
// layers (backgrounds, notes, number formats) over the edited cells; nothing here talks to the API.
import { checkCell, diffSheet, pendingCount, type SheetDiff } from './diff.js';
import type { CellValue, GRange, GSheet, GSpreadsheet } from './gas.js';
import { a1, COLOR, parseOrderSheet, qtyFormat, type ParsedSheet } from './layout.js';
import type { Matrix } from './model.js';
import { readSheet } from './sheets.js';
import { StateStore } from './state.js';
import { quantitiesOpen } from './availability.js';

/** The part of Apps Script's edit event the trigger reads (`e.range`: the edited cells). */
export interface EditEvent {
  range: GRange;
}

/** What a sheet holds that a push would send, for "Push 12 changes". */
export interface SheetChanges {
  orderId: string;
  /** Cells a push would send (plus 1 when sizes or colors were added or removed). */
  pending: number;
  /** Cells holding something that is not a quantity (not sent). */
  invalid: number;
  structureChanged: boolean;
  /** A1 references of the first changed and bad cells ("C8"). */
  changedCells: string[];
  invalidCells: string[];
  /** Whole-sheet problems (a number typed where no size or color names it, a duplicate code). */
  problems: string[];
}

const LISTED = 20;

export function pendingNote(pulled: number | null, now: number): string {
  const from = pulled === null ? 'nothing (a new size or color)' : pulled.toLocaleString('en-US');
  return `Not pushed yet: pulled ${from}, now ${now.toLocaleString('en-US')}. Push to send it.`;
}

export function invalidNote(reason: string, pulled: number | null): string {
  const held = pulled === null ? '' : ` The order holds ${pulled.toLocaleString('en-US')}.`;
  return `Not a quantity: this cell ${reason}. It will not be sent until it is a whole number of 0 or more.${held}`;
}

function baseLookup(base: Matrix): (color: string, size: string) => number | null {
  const r = new Map(base.colors.map((c, i) => [c, i]));
  const c = new Map(base.sizes.map((s, i) => [s, i]));
  return (color, size) => {
    const ri = r.get(color);
    const ci = c.get(size);
    return ri === undefined || ci === undefined ? null : base.quantities[ri][ci];
  };
}

/** The marks for the quantity cells inside a rectangle of the sheet (0-based rows and columns of `values`). */
export function marksFor(
  parsed: ParsedSheet,
  base: Matrix,
  rect: { row: number; col: number; numRows: number; numCols: number },
): { backgrounds: string[][]; notes: string[][]; formats: string[][] } {
  const pulled = baseLookup(base);
  const colorAt = new Map(parsed.colors.map((c) => [c.row, c.code]));
  const sizeAt = new Map(parsed.sizes.map((s) => [s.col, s.code]));
  const backgrounds: string[][] = [];
  const notes: string[][] = [];
  const formats: string[][] = [];
  for (let i = 0; i < rect.numRows; i++) {
    const r = rect.row + i;
    const bgRow: string[] = [];
    const noteRow: string[] = [];
    const fmtRow: string[] = [];
    for (let j = 0; j < rect.numCols; j++) {
      const c = rect.col + j;
      const color = colorAt.get(r);
      const size = sizeAt.get(c);
      const v: CellValue | undefined = parsed.values[r]?.[c];
      fmtRow.push(qtyFormat(v));
      if (color === undefined || size === undefined) {
        bgRow.push(COLOR.editable);
        noteRow.push('');
        continue;
      }
      const was = pulled(color, size);
      const check = checkCell(v);
      if (!check.ok) {
        bgRow.push(COLOR.invalid);
        noteRow.push(invalidNote(check.reason, was));
      } else if (check.value !== (was ?? 0)) {
        bgRow.push(COLOR.pending);
        noteRow.push(pendingNote(was, check.value));
      } else {
        bgRow.push(COLOR.editable);
        noteRow.push('');
      }
    }
    backgrounds.push(bgRow);
    notes.push(noteRow);
    formats.push(fmtRow);
  }
  return { backgrounds, notes, formats };
}

/** The quantity cells' bounding box (0-based), or null when the matrix has no cells. */
function quantityBox(parsed: ParsedSheet): { r0: number; r1: number; c0: number; c1: number } | null {
  if (!parsed.colors.length || !parsed.sizes.length) return null;
  const rows = parsed.colors.map((c) => c.row);
  const cols = parsed.sizes.map((s) => s.col);
  return { r0: Math.min(...rows), r1: Math.max(...rows), c0: Math.min(...cols), c1: Math.max(...cols) };
}

export function changesOf(orderId: string, parsed: ParsedSheet, d: SheetDiff): SheetChanges {
  const rowOf = new Map(parsed.colors.map((c) => [c.code, c.row]));
  const colOf = new Map(parsed.sizes.map((s) => [s.code, s.col]));
  const ref = (color: string, size: string) => a1((rowOf.get(color) ?? 0) + 1, (colOf.get(size) ?? 0) + 1);
  return {
    orderId,
    pending: pendingCount(d),
    invalid: d.bad.length,
    structureChanged: d.structureChanged,
    changedCells: [...d.edits, ...d.newCells].slice(0, LISTED).map((e) => ref(e.color, e.size)),
    invalidCells: d.bad.slice(0, LISTED).map((b) => ref(b.color, b.size)),
    problems: d.problems,
  };
}

/** What the sheet holds against the last pull (one getValues of the sheet). */
export function sheetChanges(sheet: GSheet, orderId: string, base: Matrix): SheetChanges {
  const parsed = parseOrderSheet(readSheet(sheet));
  return changesOf(orderId, parsed, diffSheet(base, parsed));
}

/**
 * The trigger: marks the edited quantity cells of an order sheet and answers the sheet's changes, or
 * null when the edit is not on an editable order sheet. Reads the state sheet and the order sheet
 * once each, and writes backgrounds, notes and number formats over the edited quantity cells only.
 */
export function markEdit(ss: GSpreadsheet, e: EditEvent | undefined): SheetChanges | null {
  const range = e?.range;
  if (!range) return null;
  const sheet = range.getSheet();
  const rec = new StateStore(ss).get(sheet.getSheetId());
  if (!rec || !quantitiesOpen(rec.snap.state)) return null;
  const parsed = parseOrderSheet(readSheet(sheet));
  if (parsed.orderId !== rec.snap.id) return null;
  const box = quantityBox(parsed);
  if (box) {
    const r0 = Math.max(box.r0, range.getRow() - 1);
    const r1 = Math.min(box.r1, range.getRow() - 1 + range.getNumRows() - 1);
    const c0 = Math.max(box.c0, range.getColumn() - 1);
    const c1 = Math.min(box.c1, range.getColumn() - 1 + range.getNumColumns() - 1);
    if (r0 <= r1 && c0 <= c1) {
      const rect = { row: r0, col: c0, numRows: r1 - r0 + 1, numCols: c1 - c0 + 1 };
      const marks = marksFor(parsed, rec.snap.matrix, rect);
      const target = sheet.getRange(r0 + 1, c0 + 1, rect.numRows, rect.numCols);
      target.setBackgrounds(marks.backgrounds);
      target.setNotes(marks.notes);
      // A decimal shows as typed (2.5, not a rounded 3); a fixed cell gets #,##0 back.
      target.setNumberFormats(marks.formats);
    }
  }
  return changesOf(rec.snap.id, parsed, diffSheet(rec.snap.matrix, parsed));
}
