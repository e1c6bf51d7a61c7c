// A small in-memory Google Sheets: enough of SpreadsheetApp for the add-on, plus helpers a test uses
// to act as the planner (typing into cells, inserting a column). Counts range reads and writes so
// tests can assert "one read, one write".
import type {
  CellValue,
  GHtmlOutput,
  GMenu,
  GProtection,
  GRange,
  GSheet,
  GSpreadsheet,
  GSpreadsheetApp,
  GUi,
} from '../../../addon/src/gas.js';

interface Cell {
  v: CellValue;
  formula?: string;
  fmt?: string;
  bg?: string;
  note?: string;
  weight?: string;
}

const PROTECTION_SHEET = { name: 'SHEET' };

function emptyCell(): Cell {
  return { v: '' };
}

function colIndex(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

export class FakeRange implements GRange {
  constructor(
    readonly sheet: FakeSheet,
    readonly row: number,
    readonly col: number,
    readonly numRows: number,
    readonly numCols: number,
  ) {
    if (row < 1 || col < 1 || numRows < 1 || numCols < 1)
      throw new Error(`Invalid range ${row},${col},${numRows},${numCols}`);
    if (row + numRows - 1 > sheet.maxRows || col + numCols - 1 > sheet.maxCols) {
      throw new Error('The coordinates of the range are outside the dimensions of the sheet.');
    }
  }

  private each<T>(grid: T[][], what: string, fn: (cell: Cell, value: T) => void): this {
    if (grid.length !== this.numRows || grid.some((r) => r.length !== this.numCols)) {
      throw new Error(
        `The number of rows or columns in the data does not match the range (${what}): got ${grid.length}x${grid[0]?.length}, range is ${this.numRows}x${this.numCols}`,
      );
    }
    grid.forEach((r, i) => r.forEach((v, j) => fn(this.sheet.cell(this.row + i, this.col + j, true)!, v)));
    return this;
  }

  getValues(): CellValue[][] {
    this.sheet.stats.reads++;
    const out: CellValue[][] = [];
    for (let i = 0; i < this.numRows; i++) {
      const row: CellValue[] = [];
      for (let j = 0; j < this.numCols; j++) row.push(this.sheet.valueAt(this.row + i, this.col + j));
      out.push(row);
    }
    return out;
  }

  setValues(values: unknown[][]): GRange {
    this.sheet.stats.writes++;
    this.sheet.stats.cellsWritten += this.numRows * this.numCols;
    return this.each(values, 'values', (cell, v) => this.sheet.store(cell, v));
  }

  setBackgrounds(colors: (string | null)[][]): GRange {
    this.sheet.stats.formatCalls++;
    return this.each(colors, 'backgrounds', (cell, v) => (cell.bg = v ?? undefined));
  }

  setNotes(notes: (string | null)[][]): GRange {
    this.sheet.stats.formatCalls++;
    return this.each(notes, 'notes', (cell, v) => (cell.note = v || undefined));
  }

  setFontWeights(weights: (string | null)[][]): GRange {
    this.sheet.stats.formatCalls++;
    return this.each(weights, 'weights', (cell, v) => (cell.weight = v ?? undefined));
  }

  setNumberFormats(formats: string[][]): GRange {
    this.sheet.stats.formatCalls++;
    return this.each(formats, 'formats', (cell, v) => (cell.fmt = v));
  }

  clear(): GRange {
    this.sheet.stats.formatCalls++;
    for (let i = 0; i < this.numRows; i++)
      for (let j = 0; j < this.numCols; j++) {
        const c = this.sheet.cell(this.row + i, this.col + j);
        if (!c) continue;
        c.v = '';
        c.formula = undefined;
        c.fmt = undefined;
        c.bg = undefined;
        c.weight = undefined;
      }
    return this;
  }

  clearNote(): GRange {
    this.sheet.stats.formatCalls++;
    for (let i = 0; i < this.numRows; i++)
      for (let j = 0; j < this.numCols; j++) {
        const c = this.sheet.cell(this.row + i, this.col + j);
        if (c) c.note = undefined;
      }
    return this;
  }

  getSheet(): GSheet {
    return this.sheet;
  }

  getRow(): number {
    return this.row;
  }

  getColumn(): number {
    return this.col;
  }

  getNumRows(): number {
    return this.numRows;
  }

  getNumColumns(): number {
    return this.numCols;
  }

  activate(): GRange {
    this.sheet.book.active = this.sheet;
    this.sheet.book.selection = this;
    return this;
  }
}

export class FakeProtection implements GProtection {
  warningOnly = false;
  description = '';
  unprotected: FakeRange[] = [];

  constructor(private readonly sheet: FakeSheet) {}

  setWarningOnly(warningOnly: boolean): GProtection {
    this.warningOnly = warningOnly;
    return this;
  }

  setUnprotectedRanges(ranges: GRange[]): GProtection {
    this.unprotected = ranges as unknown as FakeRange[];
    return this;
  }

  setDescription(description: string): GProtection {
    this.description = description;
    return this;
  }

  remove(): void {
    this.sheet.protections = this.sheet.protections.filter((p) => p !== this);
  }
}

export class FakeSheet implements GSheet {
  cells: Cell[][] = [];
  maxRows = 1000;
  maxCols = 26;
  hidden = false;
  protections: FakeProtection[] = [];
  frozenRows = 0;
  frozenCols = 0;
  /** Pixel widths set by the script (1-based column -> px); unset columns are Sheets' default 100. */
  widths = new Map<number, number>();
  stats = { reads: 0, writes: 0, cellsWritten: 0, formatCalls: 0 };

  constructor(
    readonly book: FakeSpreadsheet,
    readonly id: number,
    public name: string,
  ) {}

  cell(row: number, col: number, create = false): Cell | undefined {
    if (create) {
      while (this.cells.length < row) this.cells.push([]);
      const r = this.cells[row - 1];
      while (r.length < col) r.push(emptyCell());
      return r[col - 1];
    }
    return this.cells[row - 1]?.[col - 1];
  }

  /** How Sheets stores a value written by a script or typed by a user. */
  store(cell: Cell, v: unknown): void {
    cell.formula = undefined;
    if (typeof v === 'string' && v.startsWith('=') && cell.fmt !== '@') {
      cell.formula = v;
      cell.v = '';
    } else if (typeof v === 'string' && cell.fmt !== '@' && /^-?\d+(\.\d+)?$/.test(v.trim())) {
      cell.v = Number(v); // Sheets turns number-like text into a number unless the cell is plain text
    } else if (v === null || v === undefined) {
      cell.v = '';
    } else {
      cell.v = v as CellValue;
    }
  }

  valueAt(row: number, col: number): CellValue {
    const c = this.cell(row, col);
    if (!c) return '';
    if (c.formula) return this.evaluate(c.formula);
    return c.v;
  }

  /** =SUM(A1:B2) only: what the add-on writes. */
  private evaluate(f: string): CellValue {
    const m = /^=SUM\(([A-Z]+)(\d+):([A-Z]+)(\d+)\)$/.exec(f);
    if (!m) return '#NAME?';
    const [c1, r1, c2, r2] = [colIndex(m[1]), Number(m[2]), colIndex(m[3]), Number(m[4])];
    let t = 0;
    for (let r = r1; r <= r2; r++) {
      for (let c = c1; c <= c2; c++) {
        const v = this.valueAt(r, c);
        if (typeof v === 'number') t += v;
      }
    }
    return t;
  }

  lastRow(): number {
    for (let r = this.cells.length; r >= 1; r--) if (this.cells[r - 1].some((c) => c.v !== '' || c.formula)) return r;
    return 0;
  }

  lastCol(): number {
    let last = 0;
    for (const row of this.cells)
      for (let c = row.length; c > last; c--) if (row[c - 1].v !== '' || row[c - 1].formula) last = Math.max(last, c);
    return last;
  }

  // ---- GSheet ----
  getSheetId(): number {
    return this.id;
  }

  getName(): string {
    return this.name;
  }

  setName(name: string): GSheet {
    this.name = name;
    return this;
  }

  getDataRange(): GRange {
    return new FakeRange(this, 1, 1, Math.max(1, this.lastRow()), Math.max(1, this.lastCol()));
  }

  getRange(row: number, column: number, numRows = 1, numColumns = 1): GRange {
    return new FakeRange(this, row, column, numRows, numColumns);
  }

  getMaxRows(): number {
    return this.maxRows;
  }

  getMaxColumns(): number {
    return this.maxCols;
  }

  insertRowsAfter(afterPosition: number, howMany: number): GSheet {
    const at = Math.min(afterPosition, this.cells.length);
    this.cells.splice(at, 0, ...Array.from({ length: howMany }, () => [] as Cell[]));
    this.maxRows += howMany;
    return this;
  }

  insertColumnsAfter(afterPosition: number, howMany: number): GSheet {
    for (const row of this.cells) {
      if (row.length > afterPosition) row.splice(afterPosition, 0, ...Array.from({ length: howMany }, emptyCell));
    }
    this.maxCols += howMany;
    return this;
  }

  clear(): GSheet {
    this.cells = [];
    return this;
  }

  clearNotes(): GSheet {
    for (const row of this.cells) for (const c of row) c.note = undefined;
    return this;
  }

  setFrozenRows(rows: number): void {
    this.stats.formatCalls++;
    this.frozenRows = rows;
  }

  setFrozenColumns(columns: number): void {
    this.stats.formatCalls++;
    this.frozenCols = columns;
  }

  setColumnWidths(startColumn: number, numColumns: number, width: number): GSheet {
    this.stats.formatCalls++;
    for (let c = startColumn; c < startColumn + numColumns; c++) this.widths.set(c, width);
    return this;
  }

  columnWidth(col: number): number {
    return this.widths.get(col) ?? 100;
  }

  hideSheet(): GSheet {
    this.hidden = true;
    return this;
  }

  protect(): GProtection {
    const p = new FakeProtection(this);
    this.protections.push(p);
    return p;
  }

  getProtections(type: unknown): GProtection[] {
    return type === PROTECTION_SHEET ? [...this.protections] : [];
  }

  activate(): GSheet {
    this.book.active = this;
    return this;
  }

  // ---- what a planner does, for tests ----
  /** Types into one cell (1-based), as a user would. */
  type(row: number, col: number, v: unknown): void {
    if (row > this.maxRows || col > this.maxCols) throw new Error('outside the sheet');
    this.store(this.cell(row, col, true)!, v);
  }

  /** Finds the first cell (1-based) whose value equals `v`. */
  find(v: CellValue): { row: number; col: number } | null {
    for (let r = 1; r <= this.cells.length; r++) {
      const row = this.cells[r - 1];
      for (let c = 1; c <= row.length; c++) if (row[c - 1].v === v) return { row: r, col: c };
    }
    return null;
  }

  noteAt(row: number, col: number): string | undefined {
    return this.cell(row, col)?.note;
  }

  backgroundAt(row: number, col: number): string | undefined {
    return this.cell(row, col)?.bg;
  }

  formatAt(row: number, col: number): string | undefined {
    return this.cell(row, col)?.fmt;
  }

  weightAt(row: number, col: number): string | undefined {
    return this.cell(row, col)?.weight;
  }

  /** The formula of a cell, if it holds one (what Sheets shows in the formula bar). */
  formulaAt(row: number, col: number): string | undefined {
    return this.cell(row, col)?.formula;
  }

  /** What the planner sees in a cell: its value formatted by its number format. */
  displayAt(row: number, col: number): string {
    return displayValue(this.valueAt(row, col), this.formatAt(row, col));
  }
}

/** A value as Sheets shows it under the number formats the add-on uses ('@', '#,##0', '#,##0.00', 'yyyy-mm-dd'). */
export function displayValue(v: CellValue, fmt: string | undefined): string {
  if (typeof v !== 'number') return v instanceof Date ? v.toISOString() : String(v);
  if (fmt === '@') return String(v);
  // A day serial (days since 1899-12-30, as Sheets counts) under a date format.
  if (fmt === 'yyyy-mm-dd') return new Date(Date.UTC(1899, 11, 30) + v * 86_400_000).toISOString().slice(0, 10);
  if (fmt === '0.0###')
    return v.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 4, useGrouping: false });
  const m = /^#,##0(?:\.(0+))?$/.exec(fmt ?? '');
  if (m) {
    const digits = m[1]?.length ?? 0;
    return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }
  return String(v);
}

export class FakeMenu implements GMenu {
  items: { caption: string; fn: string }[] = [];
  added = false;

  addItem(caption: string, functionName: string): GMenu {
    this.items.push({ caption, fn: functionName });
    return this;
  }

  addSeparator(): GMenu {
    return this;
  }

  addToUi(): void {
    this.added = true;
  }
}

export class FakeHtmlOutput implements GHtmlOutput {
  title = '';
  width = 0;
  height = 0;

  constructor(
    readonly file: string,
    readonly content: string,
  ) {}

  setTitle(title: string): GHtmlOutput {
    this.title = title;
    return this;
  }

  setWidth(width: number): GHtmlOutput {
    this.width = width;
    return this;
  }

  setHeight(height: number): GHtmlOutput {
    this.height = height;
    return this;
  }
}

export class FakeUi implements GUi {
  menus: FakeMenu[] = [];
  sidebars: FakeHtmlOutput[] = [];
  dialogs: { html: FakeHtmlOutput; title: string }[] = [];

  createAddonMenu(): GMenu {
    const m = new FakeMenu();
    this.menus.push(m);
    return m;
  }

  showSidebar(userInterface: GHtmlOutput): void {
    this.sidebars.push(userInterface as FakeHtmlOutput);
  }

  showModalDialog(userInterface: GHtmlOutput, title: string): void {
    this.dialogs.push({ html: userInterface as FakeHtmlOutput, title });
  }
}

export class FakeSpreadsheet implements GSpreadsheet {
  sheets: FakeSheet[] = [];
  active: FakeSheet;
  toasts: string[] = [];
  /** The selected range (null: none). */
  selection: FakeRange | null = null;
  /** File > Settings > Time zone (the add-on shows times in it); tests that need another zone set it. */
  timeZone = 'UTC';
  private nextId = 1;

  constructor() {
    this.active = this.insertSheet('Sheet1') as FakeSheet;
  }

  getSheetByName(name: string): GSheet | null {
    return this.sheets.find((s) => s.name === name) ?? null;
  }

  sheet(name: string): FakeSheet {
    const s = this.sheets.find((x) => x.name === name);
    if (!s) throw new Error(`no sheet ${name}: ${this.sheets.map((x) => x.name).join(', ')}`);
    return s;
  }

  getSheets(): GSheet[] {
    return [...this.sheets];
  }

  insertSheet(sheetName: string): GSheet {
    if (this.getSheetByName(sheetName)) throw new Error(`A sheet with the name "${sheetName}" already exists.`);
    const s = new FakeSheet(this, this.nextId++ * 1000 + 7, sheetName);
    this.sheets.push(s);
    this.active = s;
    return s;
  }

  getActiveSheet(): GSheet {
    return this.active;
  }

  /** What a user deleting a sheet tab does. */
  deleteSheet(name: string): void {
    this.sheets = this.sheets.filter((s) => s.name !== name);
    if (this.active.name === name) this.active = this.sheets[0];
  }

  getSpreadsheetTimeZone(): string {
    return this.timeZone;
  }

  toast(msg: string): void {
    this.toasts.push(msg);
  }

  getActiveRange(): GRange | null {
    return this.selection && this.selection.sheet === this.active ? this.selection : null;
  }

  /** What a user selecting cells does (1-based). */
  select(sheet: FakeSheet, row: number, col: number, numRows: number, numCols: number): FakeRange {
    this.active = sheet;
    this.selection = new FakeRange(sheet, row, col, numRows, numCols);
    return this.selection;
  }
}

export function fakeSpreadsheetApp(book: FakeSpreadsheet, ui: FakeUi): GSpreadsheetApp {
  return {
    getActive: () => book,
    getUi: () => ui,
    ProtectionType: { SHEET: PROTECTION_SHEET },
  };
}
