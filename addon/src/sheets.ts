// Writes a rendered layout into a sheet and reads it back: one getValues to read, one setValues to
// write, plus one call per format layer that changed (number formats, backgrounds, notes, weights,
// a few column-width runs, frozen panes) over the same range, however large the matrix.
import type { CellValue, GSheet, GSpreadsheet, GSpreadsheetApp } from './gas.js';
import type { Block, Rendered } from './layout.js';
import type { WrittenLayers } from './model.js';

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

/** A short fingerprint of a layer (FNV-1a over its cells and shape): equal layers need no rewrite. */
export function layerHash(grid: readonly (readonly unknown[])[]): string {
  let h = 0x811c9dc5;
  const mix = (s: string) => {
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  };
  mix(`${grid.length}x${grid[0]?.length ?? 0}`);
  for (const row of grid) {
    mix('\n');
    for (const v of row) mix(`${String(v ?? '')}\u0001`);
  }
  return h.toString(16);
}

/**
 * Writes a rendered layout into the top-left block of a sheet. Only that block is touched: cells to
 * its right and below it (a planner's own helper cells) stay. Values are written every time (one
 * setValues); backgrounds and notes too (the onEdit trigger marks cells between writes); number
 * formats, weights, column widths, frozen panes and protection only when they differ from what was
 * written last (`prev`). Cells the block no longer covers (fewer batch rows) are cleared. Without
 * `prev` (a new sheet, or one written by an older add-on) the sheet is cleared first.
 */
export function writeGrid(sheet: GSheet, r: Rendered, prev?: WrittenLayers | null): WrittenLayers {
  ensureSize(sheet, r.rows, r.cols);
  if (!prev) {
    sheet.clear();
    sheet.clearNotes();
  } else {
    if (prev.rows > r.rows) {
      const gone = sheet.getRange(r.rows + 1, 1, prev.rows - r.rows, Math.max(prev.cols, r.cols));
      gone.clear();
      gone.clearNote();
    }
    if (prev.cols > r.cols) {
      const gone = sheet.getRange(1, r.cols + 1, Math.min(prev.rows, r.rows), prev.cols - r.cols);
      gone.clear();
      gone.clearNote();
    }
  }
  const before = prev?.layers ?? {};
  const layers: Record<string, string> = {
    formats: layerHash(r.formats),
    weights: layerHash(r.weights),
    widths: layerHash([r.widths ?? []]),
    frozen: layerHash([[r.frozen?.rows ?? 0, r.frozen?.cols ?? 0]]),
  };
  const changed = (k: string) => before[k] !== layers[k];
  const range = sheet.getRange(1, 1, r.rows, r.cols);
  // Formats first: codes like "08" must land in text cells or Sheets turns them into 8.
  if (changed('formats')) range.setNumberFormats(r.formats);
  range.setValues(r.values);
  range.setBackgrounds(r.backgrounds);
  range.setNotes(r.notes);
  if (changed('weights')) range.setFontWeights(r.weights);
  if (r.widths && changed('widths')) {
    // One call per run of equal widths: the size columns share one, so a few calls for any order.
    let start = 0;
    for (let i = 1; i <= r.widths.length; i++) {
      if (i === r.widths.length || r.widths[i] !== r.widths[start]) {
        sheet.setColumnWidths(start + 1, i - start, r.widths[start]);
        start = i;
      }
    }
  }
  if (r.frozen && changed('frozen')) {
    sheet.setFrozenRows(r.frozen.rows);
    sheet.setFrozenColumns(r.frozen.cols);
  }
  return { rows: r.rows, cols: r.cols, layers };
}

/** Everything but `editable` warns before an edit (owners can always edit; the warning marks it). */
export function protect(app: GSpreadsheetApp, sheet: GSheet, editable: Block[], description: string): void {
  for (const p of sheet.getProtections(app.ProtectionType.SHEET)) p.remove();
  const protection = sheet.protect().setDescription(description).setWarningOnly(true);
  if (editable.length)
    protection.setUnprotectedRanges(editable.map((b) => sheet.getRange(b.row, b.col, b.numRows, b.numCols)));
}

/** The order sheet: the block, then its protection (the quantity cells and the planner's own columns stay free). */
export function writeOrderSheet(
  app: GSpreadsheetApp,
  sheet: GSheet,
  r: Rendered,
  prev?: WrittenLayers | null,
): WrittenLayers {
  const written = writeGrid(sheet, r, prev);
  const maxCols = sheet.getMaxColumns();
  const free = [...r.editable];
  if (maxCols > r.cols) free.push({ row: 1, col: r.cols + 1, numRows: sheet.getMaxRows(), numCols: maxCols - r.cols });
  written.layers.protection = layerHash([free.map((b) => `${b.row},${b.col},${b.numRows},${b.numCols}`)]);
  if (prev?.layers.protection !== written.layers.protection)
    protect(app, sheet, free, 'GarmentFlow: only the quantity cells are meant to be edited');
  return written;
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
