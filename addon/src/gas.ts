// The narrow slice of the Apps Script services the add-on uses, typed here so that:
// - the add-on's modules compile under the repo's Node tsconfig without pulling the Apps Script
//   globals into every other program (functions/, infra/ ...);
// - the test fakes (test/addon/fakes/) implement exactly this surface;
// - test/addon/gasTypes.test.ts proves the real @types/google-apps-script types satisfy it.
// Every signature is a subset of the real one.

export type CellValue = string | number | boolean | Date;

export interface GRange {
  getValues(): CellValue[][];
  setValues(values: unknown[][]): GRange;
  setBackgrounds(color: (string | null)[][]): GRange;
  setNotes(notes: (string | null)[][]): GRange;
  setFontWeights(fontWeights: (string | null)[][]): GRange;
  setNumberFormats(numberFormats: string[][]): GRange;
  /** Contents and formats (not notes). */
  clear(): GRange;
  clearNote(): GRange;
  getSheet(): GSheet;
  getRow(): number;
  getColumn(): number;
  getNumRows(): number;
  getNumColumns(): number;
  /** Selects the range (and shows its sheet): clicking a conflict in the sidebar. */
  activate(): GRange;
}

export interface GProtection {
  setWarningOnly(warningOnly: boolean): GProtection;
  setUnprotectedRanges(ranges: GRange[]): GProtection;
  setDescription(description: string): GProtection;
  remove(): void;
}

export interface GSheet {
  getSheetId(): number;
  getName(): string;
  setName(name: string): GSheet;
  getDataRange(): GRange;
  getRange(row: number, column: number, numRows: number, numColumns: number): GRange;
  getMaxRows(): number;
  getMaxColumns(): number;
  insertRowsAfter(afterPosition: number, howMany: number): GSheet;
  insertColumnsAfter(afterPosition: number, howMany: number): GSheet;
  clear(): GSheet;
  clearNotes(): GSheet;
  setFrozenRows(rows: number): void;
  setFrozenColumns(columns: number): void;
  setColumnWidths(startColumn: number, numColumns: number, width: number): GSheet;
  hideSheet(): GSheet;
  protect(): GProtection;
  getProtections(type: unknown): GProtection[];
  activate(): GSheet;
}

export interface GSpreadsheet {
  getSheetByName(name: string): GSheet | null;
  getSheets(): GSheet[];
  insertSheet(sheetName: string): GSheet;
  getActiveSheet(): GSheet;
  toast(msg: string, title: string, timeoutSeconds?: number): void;
  /** What the planner selected (paste by codes reads it). */
  getActiveRange(): GRange | null;
  /** An IANA zone, e.g. "Europe/Lisbon": what "today" means for this spreadsheet. */
  getSpreadsheetTimeZone(): string;
}

export interface GMenu {
  addItem(caption: string, functionName: string): GMenu;
  addSeparator(): GMenu;
  addToUi(): void;
}

export interface GHtmlOutput {
  setTitle(title: string): GHtmlOutput;
  setWidth(width: number): GHtmlOutput;
  setHeight(height: number): GHtmlOutput;
}

export interface GUi {
  createAddonMenu(): GMenu;
  showSidebar(userInterface: GHtmlOutput): void;
  showModalDialog(userInterface: GHtmlOutput, title: string): void;
}

export interface GSpreadsheetApp {
  getActive(): GSpreadsheet;
  getUi(): GUi;
  ProtectionType: { SHEET: unknown };
}

export interface GHttpResponse {
  getResponseCode(): number;
  getContentText(): string;
  getAllHeaders(): object;
}

export interface GFetchParams {
  url?: string;
  method?: 'get' | 'delete' | 'patch' | 'post' | 'put';
  headers?: Record<string, string>;
  payload?: string;
  contentType?: string;
  muteHttpExceptions?: boolean;
  followRedirects?: boolean;
}

export interface GUrlFetchApp {
  fetch(url: string, params: GFetchParams): GHttpResponse;
  fetchAll(requests: (GFetchParams & { url: string })[]): GHttpResponse[];
}

export interface GProperties {
  getProperty(key: string): string | null;
  setProperty(key: string, value: string): GProperties;
  deleteProperty(key: string): GProperties;
}

export interface GPropertiesService {
  getDocumentProperties(): GProperties;
  getScriptProperties(): GProperties;
}

export interface GLock {
  tryLock(timeoutInMillis: number): boolean;
  releaseLock(): void;
}

export interface GLockService {
  getDocumentLock(): GLock;
}

export interface GScriptApp {
  getIdentityToken(): string;
}

export interface GHtmlService {
  createHtmlOutputFromFile(filename: string): GHtmlOutput;
}

export interface GCache {
  get(key: string): string | null;
  put(key: string, value: string, expirationInSeconds: number): void;
  remove(key: string): void;
}

export interface GCacheService {
  getUserCache(): GCache | null;
}

export interface GSession {
  getActiveUser(): { getEmail(): string };
}

export interface GUtilities {
  getUuid(): string;
  /** Java SimpleDateFormat patterns ("yyyy-MM-dd", "yyyy-MM-dd HH:mm") in a time zone ("Europe/Madrid"). */
  formatDate(date: Date, timeZone: string, format: string): string;
}

/** Everything the add-on touches, gathered so that the orchestration can be given fakes. */
export interface GasServices {
  SpreadsheetApp: GSpreadsheetApp;
  UrlFetchApp: GUrlFetchApp;
  PropertiesService: GPropertiesService;
  LockService: GLockService;
  ScriptApp: GScriptApp;
  HtmlService: GHtmlService;
  CacheService: GCacheService;
  Session: GSession;
  Utilities: GUtilities;
}

// The real globals, as Apps Script provides them at run time. Declared module-locally so the rest
// of the repo does not see them; esbuild leaves the identifiers as they are.
declare const SpreadsheetApp: GSpreadsheetApp;
declare const UrlFetchApp: GUrlFetchApp;
declare const PropertiesService: GPropertiesService;
declare const LockService: GLockService;
declare const ScriptApp: GScriptApp;
declare const HtmlService: GHtmlService;
declare const CacheService: GCacheService;
declare const Session: GSession;
declare const Utilities: GUtilities;

/** The global services, looked up when called (never at load time: onOpen may run without auth). */
export function gas(): GasServices {
  return {
    SpreadsheetApp,
    UrlFetchApp,
    PropertiesService,
    LockService,
    ScriptApp,
    HtmlService,
    CacheService,
    Session,
    Utilities,
  };
}
