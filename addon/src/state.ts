// What the add-on remembers per order sheet (the order as last pulled: the base of every push),
// kept in a hidden sheet. A document property holds at most 9 KB, and a 20,000-cell matrix is far
// more than that; a cell holds 50,000 characters, so a record is one row: sheet id, order id, time,
// chunk count, then the JSON in chunks. Reading is one getValues of the state sheet, writing one
// setValues of one row.
import type { CellValue, GSheet, GSpreadsheet } from './gas.js';
import type { OrderSnapshot } from './model.js';

export const STATE_SHEET = '_garmentflow_state';
export const CHUNK = 40_000;
const FIXED = 4;
/** Each chunk starts with this so Sheets never reads it as a number or a formula. */
const MARK = '~';

export interface StateRecord {
  sheetId: number;
  snap: OrderSnapshot;
}

export function encodeRecord(rec: StateRecord, now: string): string[] {
  const json = JSON.stringify(rec.snap);
  const chunks: string[] = [];
  for (let i = 0; i < json.length; i += CHUNK) chunks.push(MARK + json.slice(i, i + CHUNK));
  return [String(rec.sheetId), rec.snap.id, now, String(chunks.length), ...chunks];
}

export function decodeRow(row: CellValue[]): StateRecord | null {
  const sheetId = Number(row[0]);
  const n = Number(row[3]);
  if (!Number.isInteger(sheetId) || !Number.isInteger(n) || n < 1) return null;
  let json = '';
  for (let i = 0; i < n; i++) {
    const c = row[FIXED + i];
    if (typeof c !== 'string' || !c.startsWith(MARK)) return null;
    json += c.slice(MARK.length);
  }
  try {
    return { sheetId, snap: JSON.parse(json) as OrderSnapshot };
  } catch {
    return null;
  }
}

export class StateStore {
  private rows: CellValue[][] | null = null;
  private sheet: GSheet | null = null;

  constructor(private readonly ss: GSpreadsheet) {}

  private stateSheet(create: boolean): GSheet | null {
    if (this.sheet) return this.sheet;
    let sh = this.ss.getSheetByName(STATE_SHEET);
    if (!sh && create) {
      sh = this.ss.insertSheet(STATE_SHEET);
      sh.hideSheet();
      sh.protect().setWarningOnly(true).setDescription('GarmentFlow add-on state: do not edit');
    }
    this.sheet = sh;
    return sh;
  }

  /** All rows, read once per server call. */
  private all(): CellValue[][] {
    if (this.rows) return this.rows;
    const sh = this.stateSheet(false);
    if (!sh) {
      this.rows = [];
      return this.rows;
    }
    const values = sh.getDataRange().getValues();
    this.rows = values.length === 1 && values[0].every((v) => v === '') ? [] : values;
    return this.rows;
  }

  get(sheetId: number): StateRecord | null {
    const row = this.all().find((r) => Number(r[0]) === sheetId);
    return row ? decodeRow(row) : null;
  }

  /** The sheet ids an order was opened into (normally one; more if a sheet was deleted by hand). */
  sheetIdsOf(orderId: string): number[] {
    return this.all()
      .filter((r) => String(r[1]) === orderId && r[0] !== '' && Number.isInteger(Number(r[0])))
      .map((r) => Number(r[0]));
  }

  put(rec: StateRecord, now: string): void {
    const sh = this.stateSheet(true)!;
    const rows = this.all();
    const cells = encodeRecord(rec, now);
    let index = rows.findIndex((r) => Number(r[0]) === rec.sheetId);
    if (index < 0) index = rows.findIndex((r) => r[0] === '' || r[0] === undefined);
    if (index < 0) index = rows.length;
    const old = rows[index] ?? [];
    // Pad to the old row's width so chunks left from a longer record are cleared.
    const width = Math.max(cells.length, old.length);
    const row: CellValue[] = [...cells];
    while (row.length < width) row.push('');
    if (sh.getMaxColumns() < width) sh.insertColumnsAfter(sh.getMaxColumns(), width - sh.getMaxColumns());
    if (sh.getMaxRows() < index + 1) sh.insertRowsAfter(sh.getMaxRows(), index + 1 - sh.getMaxRows());
    const range = sh.getRange(index + 1, 1, 1, width);
    range.setNumberFormats([row.map(() => '@')]);
    range.setValues([row]);
    rows[index] = row;
  }

  remove(sheetId: number): void {
    const rows = this.all();
    const index = rows.findIndex((r) => Number(r[0]) === sheetId);
    if (index < 0) return;
    const sh = this.stateSheet(false);
    if (!sh) return;
    const width = rows[index].length;
    sh.getRange(index + 1, 1, 1, width).setValues([rows[index].map(() => '')]);
    rows[index] = rows[index].map(() => '');
  }
}
