// The Apps Script entry. Its exports become the script's global functions (addon/build.ts declares
// each at the top level of dist/Code.js): the triggers, the menu's items, and what the sidebar and
// the settings dialog call through google.script.run. Each only delegates.
import { gas } from './gas.js';
import { isOrderCommand } from '../../shared/vocabulary.js';
import { friendly, type Activity } from './messages.js';
import type {
  BulkOutcome,
  ConflictChoice,
  DeliveryDateRequest,
  InspectionForm,
  InspectionInput,
  InspectionOutcome,
  ListPage,
  MilestoneChange,
  OrderListItem,
  OrderListQuery,
  OrderPanel,
  Outcome,
  PendingChanges,
  PushOptions,
  PushSummary,
  RatioFillRequest,
  ServerApi,
  SettingsView,
  SplitOutcome,
  SplitProposal,
  SplitRequestInput,
  TechPackListItem,
  TransitionOptions,
} from './protocol.js';
import { markEdit, type EditEvent } from './edits.js';
import { AddonService } from './service.js';
import { pushFromMenu } from './afterRelease.js';
import { refreshMaterialsPlan as refreshPlanSheet, type MaterialsPlanSummary } from './materialsPlanSheet.js';

const MENU_TITLE_SIDEBAR = 'Open sidebar';
const MENU_TITLE_PUSH = 'Push changes (this sheet)';
const MENU_TITLE_REFRESH = 'Refresh (this sheet)';
const MENU_TITLE_SETTINGS = 'Settings';
const MENU_TITLE_MATERIALS_PLAN = 'Refresh materials plan';

function service(): AddonService {
  return new AddonService(gas());
}

function run<T>(
  action: Activity | undefined,
  fn: (s: AddonService) => T | { data: T; notice?: string },
  wrapped = false,
): Outcome<T> {
  try {
    const out = fn(service());
    if (wrapped) {
      const w = out as { data: T; notice?: string };
      return w.notice ? { ok: true, data: w.data, notice: w.notice } : { ok: true, data: w.data };
    }
    return { ok: true, data: out as T };
  } catch (e) {
    const f = friendly(e, { action });
    return { ok: false, code: f.code, message: f.message, details: f.details };
  }
}

function panelRun(
  action: Activity | undefined,
  fn: (s: AddonService) => { panel: OrderPanel; notice?: string },
): Outcome<OrderPanel> {
  return run<OrderPanel>(
    action,
    (s) => {
      const r = fn(s);
      return { data: r.panel, notice: r.notice };
    },
    true,
  );
}

/** Editor add-on trigger: runs in AuthMode.NONE or LIMITED, so it only builds the menu. */
export function onOpen(_e?: unknown): void {
  gas()
    .SpreadsheetApp.getUi()
    .createAddonMenu()
    .addItem(MENU_TITLE_SIDEBAR, 'showSidebar')
    .addItem(MENU_TITLE_PUSH, 'pushActiveSheet')
    .addItem(MENU_TITLE_REFRESH, 'refreshActiveSheet')
    .addSeparator()
    .addItem(MENU_TITLE_MATERIALS_PLAN, 'refreshMaterialsPlanFromMenu')
    .addItem(MENU_TITLE_SETTINGS, 'showSettings')
    .addToUi();
}

export function onInstall(e?: unknown): void {
  onOpen(e);
}

/**
 * Simple trigger: marks edited quantity cells at once (blue: changed, with the pulled value in a
 * note; orange: not a quantity). Runs in AuthMode.LIMITED: this spreadsheet only, no UrlFetchApp;
 * a failure here must never bother the planner, so it is swallowed.
 */
export function onEdit(e?: EditEvent): void {
  try {
    markEdit(gas().SpreadsheetApp.getActive(), e);
  } catch {
    // A mark is a courtesy: the push reads the sheet itself.
  }
}

/** The menu's Push for the active order sheet, without the sidebar: the answer comes as a toast. */
export function pushActiveSheet(): void {
  menuRun('push', (s) => pushFromMenu(s, showSidebar));
}

/** The menu's Refresh for the active order sheet (unpushed edits are kept). */
export function refreshActiveSheet(): void {
  menuRun('refresh', (s) => s.refreshOrder(s.activeOrderId(), false).notice ?? 'Refreshed.');
}

function menuRun(action: Activity, fn: (s: AddonService) => string | undefined): void {
  const g = gas();
  let message: string;
  try {
    message = fn(service()) ?? 'Done.';
  } catch (e) {
    message = friendly(e, { action }).message;
  }
  g.SpreadsheetApp.getActive().toast(message, 'GarmentFlow', 15);
}

export function showSidebar(): void {
  const g = gas();
  g.SpreadsheetApp.getUi().showSidebar(
    g.HtmlService.createHtmlOutputFromFile('Sidebar').setTitle('GarmentFlow Production'),
  );
}

export function showSettings(): void {
  const g = gas();
  g.SpreadsheetApp.getUi().showModalDialog(
    g.HtmlService.createHtmlOutputFromFile('Settings').setWidth(460).setHeight(300),
    'GarmentFlow settings',
  );
}

export function openSettings(): Outcome<null> {
  return run('settings', () => {
    showSettings();
    return null;
  });
}

export function getSettings(): Outcome<SettingsView> {
  return run('settings', (s) => s.settings());
}

export function saveSettings(apiUrl: string): Outcome<SettingsView> {
  return run(
    'settings',
    (s) => ({ data: s.saveSettings(apiUrl), notice: 'Saved: the add-on now talks to this API.' }),
    true,
  );
}

export function listOrders(query: OrderListQuery): Outcome<ListPage<OrderListItem>> {
  return run('list', (s) => s.listOrders(query ?? {}));
}

export function listTechPacks(state: string): Outcome<ListPage<TechPackListItem>> {
  return run('list', (s) => s.listTechPacks(state ?? ''));
}

export function getActiveOrder(): Outcome<OrderPanel | null> {
  return run('open', (s) => s.activeOrder());
}

export function openOrder(orderId: string, techPackId?: string): Outcome<OrderPanel> {
  return panelRun('open', (s) => s.openOrder(orderId, typeof techPackId === 'string' ? techPackId : undefined));
}

export function createOrder(input: { techPackId: string; deliveryDate?: string }): Outcome<OrderPanel> {
  return panelRun('create', (s) => s.createOrder(input ?? { techPackId: '' }));
}

export function refreshOrder(orderId: string, discard: boolean): Outcome<OrderPanel> {
  return panelRun('refresh', (s) => s.refreshOrder(orderId, discard === true));
}

export function pushOrder(orderId: string, options?: PushOptions): Outcome<PushSummary> {
  return run<PushSummary>(
    'push',
    (s) => {
      const r = s.pushOrder(orderId, options);
      return { data: r.summary, notice: r.notice };
    },
    true,
  );
}

export function transitionOrder(orderId: string, action: string, options: TransitionOptions): Outcome<OrderPanel> {
  const doing = isOrderCommand(action) ? action : undefined;
  return panelRun(doing, (s) => s.transitionOrder(orderId, action, options ?? {}));
}

export function generateBatches(orderId: string): Outcome<OrderPanel> {
  return panelRun('generateBatches', (s) => s.generateBatches(orderId));
}

export function startBatch(orderId: string, batchId: string): Outcome<OrderPanel> {
  return panelRun('batch.start', (s) => s.batchAction(orderId, batchId, 'start'));
}

export function cancelBatch(orderId: string, batchId: string): Outcome<OrderPanel> {
  return panelRun('batch.cancel', (s) => s.batchAction(orderId, batchId, 'cancel'));
}

export function openBatchOutput(orderId: string, batchId: string): Outcome<{ sheetName: string }> {
  return run('batch.finish', (s) => s.openBatchOutput(orderId, batchId));
}

export function finishBatch(orderId: string, batchId: string, options?: TransitionOptions): Outcome<OrderPanel> {
  return panelRun('batch.finish', (s) => s.finishBatch(orderId, batchId, options ?? {}));
}

export function getInspectionPlan(orderId: string, batchId: string): Outcome<InspectionForm> {
  return run('inspect', (s) => s.inspectionPlan(orderId, batchId));
}

export function recordInspection(orderId: string, batchId: string, input: InspectionInput): Outcome<InspectionOutcome> {
  return run<InspectionOutcome>('inspect', (s) => s.recordInspection(orderId, batchId, input ?? {}), true);
}

export function refreshMaterials(orderId: string): Outcome<OrderPanel> {
  return panelRun('refreshMaterials', (s) => s.refreshMaterials(orderId));
}

/** The spreadsheet's "Materials plan" sheet, rewritten from every page of GET /v1/material-requirements. */
export function refreshMaterialsPlan(): Outcome<MaterialsPlanSummary> {
  return run(
    'list',
    (s) => {
      const summary = refreshPlanSheet(gas(), s.api());
      const late = summary.overdue ? `, ${summary.overdue} overdue` : '';
      return { data: summary, notice: `Materials plan: ${summary.lines} lines${late}.` };
    },
    true,
  );
}

/** The menu item: the same refresh, its outcome as a toast (a menu has no sidebar to answer to). */
export function refreshMaterialsPlanFromMenu(): void {
  const out = refreshMaterialsPlan();
  gas()
    .SpreadsheetApp.getActive()
    .toast(out.ok ? (out.notice ?? '') : out.message, 'GarmentFlow', 8);
}

export function getPendingChanges(orderId: string | null): Outcome<PendingChanges | null> {
  return run('push', (s) => s.pendingChanges(orderId));
}

export function selectCell(orderId: string, row: number, col: number): Outcome<null> {
  return run('open', (s) => s.selectCell(orderId, row, col));
}

export function resolveConflicts(orderId: string, choices: ConflictChoice[]): Outcome<OrderPanel> {
  return panelRun('push', (s) => s.resolveConflicts(orderId, choices ?? []));
}

export function ratioFill(orderId: string, request: RatioFillRequest): Outcome<BulkOutcome> {
  return run<BulkOutcome>('push', (s) => s.ratioFill(orderId, request), true);
}

export function pasteByCodes(orderId: string): Outcome<BulkOutcome> {
  return run<BulkOutcome>('push', (s) => s.pasteByCodes(orderId), true);
}

export function changeDeliveryDate(orderId: string, request: DeliveryDateRequest): Outcome<OrderPanel> {
  return panelRun(undefined, (s) => s.afterRelease().changeDeliveryDate(orderId, request));
}

export function proposeSplit(orderId: string): Outcome<SplitProposal> {
  return run(undefined, (s) => s.afterRelease().proposeSplit(orderId));
}

export function splitOrder(orderId: string, request: SplitRequestInput): Outcome<SplitOutcome> {
  return run<SplitOutcome>(undefined, (s) => s.afterRelease().splitOrder(orderId, request), true);
}

export function updateMilestone(orderId: string, key: string, change: MilestoneChange): Outcome<OrderPanel> {
  return panelRun('refresh', (s) => s.updateMilestone(orderId, key, change));
}

export function showBatchCells(orderId: string, batchId: string): Outcome<{ sheetName: string }> {
  return run<{ sheetName: string }>('open', (s) => s.showBatchCells(orderId, batchId), true);
}

// The sidebar's contract, checked at compile time: every ServerApi function exists with this signature.
const serverApi: ServerApi = {
  getSettings,
  openSettings,
  saveSettings,
  listOrders,
  listTechPacks,
  getActiveOrder,
  openOrder,
  createOrder,
  refreshOrder,
  pushOrder,
  transitionOrder,
  generateBatches,
  startBatch,
  cancelBatch,
  openBatchOutput,
  finishBatch,
  refreshMaterials,
  getInspectionPlan,
  recordInspection,
  refreshMaterialsPlan,
  getPendingChanges,
  selectCell,
  resolveConflicts,
  ratioFill,
  pasteByCodes,
  changeDeliveryDate,
  proposeSplit,
  splitOrder,
  updateMilestone,
  showBatchCells,
};
void serverApi;
