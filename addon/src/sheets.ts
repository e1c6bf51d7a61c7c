// Writes a rendered layout into a sheet and reads it back: one getValues to read, one setValues to
// write, plus one call per format layer (number formats, backgrounds, notes, weights) over the same
// range, however large the matrix.
import type { CellValue, GRange, GSheet, GSpreadsheet, GSpreadsheetApp } from './gas.js';
import type { Block, Rendered } from './layout.js';

/** The sheet's content as values (one range read). */
export function readSheet(sheet: GSheet): CellValue[][] {
  return sheet.getDataRange().getValues();
}

function ensureSize(sheet: GSheet, rows: number, cols: number): void {
  const maxRows = sheet.getMaxRows();
  if (maxRows < rows) sheet.insertRowsAfter(maxRows, rows - maxRows);
  const maxCols = sheet.getMaxColumns();
  if (maxCols < cols) sheet.insertColumnsAfter(maxCols, cols - maxCols);
}

export function writeGrid(sheet: GSheet, r: Rendered): GRange {
  ensureSize(sheet, r.rows, r.cols);
  sheet.clear();
  sheet.clearNotes();
  const range = sheet.getRange(1, 1, r.rows, r.cols);
  // Formats first: codes like "08" must land in text cells or Sheets turns them into 8.
  range.setNumberFormats(r.formats);
  range.setValues(r.values);
  range.setBackgrounds(r.backgrounds);
  range.setNotes(r.notes);
  range.setFontWeights(r.weights);
  return range;
}

/** Everything but `editable` warns before an edit (owners can always edit; the warning marks it). */
export function protect(app: GSpreadsheetApp, sheet: GSheet, editable: Block[], description: string): void {
  for (const p of sheet.getProtections(app.ProtectionType.SHEET)) p.remove();
  const protection = sheet.protect().setDescription(description).setWarningOnly(true);
  if (editable.length)
    protection.setUnprotectedRanges(editable.map((b) => sheet.getRange(b.row, b.col, b.numRows, b.numCols)));
}

export function writeOrderSheet(app: GSpreadsheetApp, sheet: GSheet, r: Rendered): void {
  writeGrid(sheet, r);
  protect(app, sheet, r.editable, 'GarmentFlow: only the quantity cells are meant to be edited');
}

/** Finds a sheet by its id (sheet ids survive renames). */
export function sheetById(ss: GSpreadsheet, id: number): GSheet | null {
  for (const s of ss.getSheets()) if (s.getSheetId() === id) return s;
  return null;
}

/** A sheet name not yet taken, based on `wanted` (Sheets allows 100 characters). */
export function freeSheetName(ss: GSpreadsheet, wanted: string): string {
  const base = wanted.replace(/[[\]*?:/\\]/g, '-').slice(0, 90);
  if (!ss.getSheetByName(base)) return base;
  for (let i = 2; ; i++) {
    const name = `${base} (${i})`;
    if (!ss.getSheetByName(name)) return name;
  }
}
