// Refreshes the spreadsheet's one "Materials plan" sheet: every page of GET /v1/material-requirements
// (one request per page, never one per line), laid out by materialsPlan.ts, written with one call per
// layer (formats, values, backgrounds, weights) over one range. Only that sheet is touched; it is
// found again by its id (kept in the document properties), so a renamed plan is still the plan.
import type { ApiClient } from './api.js';
import type { GasServices, GSheet, GSpreadsheet } from './gas.js';
import { MATERIALS_PLAN_SHEET, renderMaterialsPlan, type PlanRendered, type RequirementLine } from './materialsPlan.js';

export const MATERIALS_PLAN_SHEET_KEY = 'GARMENTFLOW_MATERIALS_PLAN_SHEET_ID';

/** Lines per request: the API's largest page. */
export const PLAN_PAGE_SIZE = 100;

/** A guard against a cursor that never ends (10,000 lines). */
const MAX_PAGES = 100;

export interface MaterialsPlanSummary {
  sheetName: string;
  lines: number;
  overdue: number;
  stale: number;
  today: string;
}

/** Every requirement line, page after page. */
export function fetchRequirementLines(api: ApiClient): RequirementLine[] {
  const lines: RequirementLine[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = `limit=${PLAN_PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const answer: { items?: RequirementLine[]; nextCursor?: string | null } = api.send(
      api.req('GET', `/material-requirements?${query}`),
    );
    lines.push(...(answer.items ?? []));
    cursor = typeof answer.nextCursor === 'string' && answer.nextCursor ? answer.nextCursor : null;
    if (!cursor) return lines;
  }
  return lines;
}

function planSheet(g: GasServices, ss: GSpreadsheet): GSheet {
  const props = g.PropertiesService.getDocumentProperties();
  const id = Number(props.getProperty(MATERIALS_PLAN_SHEET_KEY));
  if (id) for (const s of ss.getSheets()) if (s.getSheetId() === id) return s;
  // Not made yet (or deleted): a new one, without taking over a sheet of the planner's own.
  let name = MATERIALS_PLAN_SHEET;
  for (let i = 2; ss.getSheetByName(name); i++) name = `${MATERIALS_PLAN_SHEET} (${i})`;
  const sheet = ss.insertSheet(name);
  props.setProperty(MATERIALS_PLAN_SHEET_KEY, String(sheet.getSheetId()));
  return sheet;
}

function writePlan(g: GasServices, sheet: GSheet, r: PlanRendered): void {
  const maxRows = sheet.getMaxRows();
  if (maxRows < r.rows) sheet.insertRowsAfter(maxRows, r.rows - maxRows);
  const maxCols = sheet.getMaxColumns();
  if (maxCols < r.cols) sheet.insertColumnsAfter(maxCols, r.cols - maxCols);
  sheet.clear();
  const range = sheet.getRange(1, 1, r.rows, r.cols);
  // Formats first: a material code like "0800" must land in a text cell.
  range.setNumberFormats(r.formats);
  range.setValues(r.values);
  range.setBackgrounds(r.backgrounds);
  range.setFontWeights(r.weights);
  for (const p of sheet.getProtections(g.SpreadsheetApp.ProtectionType.SHEET)) p.remove();
  sheet.protect().setDescription('GarmentFlow: the materials plan is rewritten by each refresh').setWarningOnly(true);
}

/** Fetches every line, then rewrites the plan sheet (nothing is written when the API refuses). */
export function refreshMaterialsPlan(g: GasServices, api: ApiClient, now = new Date()): MaterialsPlanSummary {
  const ss = g.SpreadsheetApp.getActive();
  const lines = fetchRequirementLines(api);
  const tz = ss.getSpreadsheetTimeZone();
  const today = g.Utilities.formatDate(now, tz, 'yyyy-MM-dd');
  const refreshedAt = `${g.Utilities.formatDate(now, tz, 'yyyy-MM-dd HH:mm')} (${tz})`;
  const rendered = renderMaterialsPlan({ lines, today, refreshedAt });
  const sheet = planSheet(g, ss);
  writePlan(g, sheet, rendered);
  sheet.activate();
  return { sheetName: sheet.getName(), lines: lines.length, overdue: rendered.overdue, stale: rendered.stale, today };
}
