// What each sidebar button does, over the Apps Script services (real or fake). main.ts exposes
// these as the script's global functions; everything here is plain TypeScript Node can run.
import { ApiClient, ApiError, urlFetchTransport, type Transport } from './api.js';
import { composeView, readConflictDetails, type ConflictDetails } from './conflicts.js';
import { cellKey, diffSheet, pendingCount, type CellEdit, type SheetDiff } from './diff.js';
import { AfterRelease, backorderNotice, linkFacts, nothingShort } from './afterRelease.js';
import { pushNeedsReason, quantitiesOpen } from './availability.js';
import { sheetChanges } from './edits.js';
import type { GasServices, GSheet, GSpreadsheet } from './gas.js';
import {
  a1,
  cellList,
  parseOrderSheet,
  quantityA1,
  renderOrderSheet,
  utcWhen,
  type CellMark,
  type Rendered,
} from './layout.js';
import { ContextError, friendlyApiError, UserError } from './messages.js';
import { countGenerated, isInProduction, remainingToBatch, type BatchAction } from '../../shared/batches.js';
import { ratioFill as fillByRatio } from '../../shared/ratioFill.js';
import type { TechPackState } from '../../shared/types.js';
import { mapPasted } from './paste.js';
import { milestoneDone, sendMilestoneChange, type MilestoneChange } from './milestones.js';
import { milestoneLines } from './milestonesBlock.js';
import { drawBatchSheet, fetchBatch, renderBatchSheet } from './batchSheet.js';
import { milestonesChangeable } from '../../shared/milestones.js';
import { applyChoices, conflictRows, withCells } from './resolve.js';
import { cellValue, matrixTotal } from '../../shared/matrix.js';
import { EDITABLE_STATES, isEditableState as isEditable } from '../../shared/productionOrder.js';
import {
  BATCH_ACTION_WORDS,
  isOrderCommand,
  ORDER_COMMAND_WORDS,
  orderCommandsFrom,
  stateWord,
  plural,
} from '../../shared/vocabulary.js';
import {
  DEFECT_CLASSES,
  snapshotOf,
  type ApiBatch,
  type ApiMaterials,
  type BatchRow,
  type InspectionInput,
  type InspectionPlan,
  type Matrix,
  type OrderSnapshot,
  type ProductionOrder,
} from './model.js';
import { outputSheetName, parseOutputSheet, renderOutputSheet, unaccountedCells } from './output.js';
import type {
  BulkOutcome,
  ConflictChoice,
  ConflictRow,
  InspectionForm,
  InspectionOutcome,
  ListPage,
  OrderListItem,
  OrderListQuery,
  OrderPanel,
  PendingChanges,
  PushOptions,
  PushSummary,
  RatioFillRequest,
  SettingsView,
  TechPackListItem,
  TransitionOptions,
} from './protocol.js';
import { freeSheetName, protect, readSheet, sheetById, writeGrid, writeOrderSheet } from './sheets.js';
import { StateStore } from './state.js';

/** Filled in by addon/build.ts (esbuild `define`); absent when the modules run under Node directly. */
declare const __GF_BUILD__: { apiUrl: string; allowedPrefixes: string[] } | undefined;

export const API_URL_KEY = 'GARMENTFLOW_API_URL';
const TOAST_TITLE = 'GarmentFlow';

export function buildConfig(): { apiUrl: string; allowedPrefixes: string[] } {
  return typeof __GF_BUILD__ !== 'undefined' && __GF_BUILD__ ? __GF_BUILD__ : { apiUrl: '', allowedPrefixes: [] };
}

/** Does `url` start with one of the manifest's allowlisted prefixes (a `*` matches one host label part)? */
export function allowedByPrefixes(url: string, prefixes: string[]): boolean {
  if (!prefixes.length) return true;
  return prefixes.some((p) => {
    const re = new RegExp(`^${p.replace(/[.+?^${}()|[\]\\/]/g, '\\$&').replace(/\*/g, '[^./]+(?:\\.[^./]+)*')}`);
    return re.test(url.endsWith('/') ? url : `${url}/`);
  });
}

export function checkApiUrl(raw: string, prefixes: string[]): string {
  const url = raw.trim().replace(/\/+$/, '').replace(/\/v1$/, '');
  if (!/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(url)) {
    throw new UserError(
      'BAD_API_URL',
      'The API URL must look like https://api.example.com (the address of the GarmentFlow API, without /v1).',
    );
  }
  if (!allowedByPrefixes(url, prefixes)) {
    throw new UserError(
      'BAD_API_URL',
      `This add-on may only call ${prefixes.join(' or ')}: ask whoever deploys it to add your API to its allowlist.`,
    );
  }
  return url;
}

/**
 * What the add-on keeps with a sheet's snapshot for the sidebar (in the same state record): the
 * gates' facts (addon/src/availability.ts) and the cells the last push could not send.
 */
export interface SnapExtras {
  techPackState?: TechPackState | null;
  toBatch?: number | null;
  toGenerate?: number | null;
  conflicts?: ConflictRow[];
}
type Snap = OrderSnapshot & SnapExtras;

function same(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export interface ServiceOptions {
  /** Overrides UrlFetchApp (tests of the service itself). */
  transport?: Transport;
  now?: () => string;
}

export class AddonService {
  private readonly ss: GSpreadsheet;
  private readonly state: StateStore;
  private readonly now: () => string;
  private apiClient: ApiClient | null = null;
  private timeZone: string | undefined;

  constructor(
    private readonly g: GasServices,
    private readonly opts: ServiceOptions = {},
  ) {
    this.ss = g.SpreadsheetApp.getActive();
    this.state = new StateStore(this.ss);
    this.now = opts.now ?? (() => new Date().toISOString());
  }

  // ---- settings ----------------------------------------------------------------------------------

  apiUrl(): string {
    return (
      this.g.PropertiesService.getDocumentProperties().getProperty(API_URL_KEY) ||
      this.g.PropertiesService.getScriptProperties().getProperty(API_URL_KEY) ||
      buildConfig().apiUrl ||
      ''
    );
  }

  settings(): SettingsView {
    let email = '';
    try {
      email = this.g.Session.getActiveUser().getEmail();
    } catch {
      email = '';
    }
    return { apiUrl: this.apiUrl(), allowedPrefixes: buildConfig().allowedPrefixes, email };
  }

  saveSettings(raw: string): SettingsView {
    const url = checkApiUrl(raw, buildConfig().allowedPrefixes);
    const probe = new ApiClient({ baseUrl: url, transport: this.transport(), token: () => '' });
    try {
      const h = probe.health();
      if (h?.status !== 'ok') throw new UserError('BAD_API_URL', `${url} answered, but not like the GarmentFlow API.`);
    } catch (e) {
      if (e instanceof ApiError) {
        throw new UserError(
          'BAD_API_URL',
          `${url}/v1/health did not answer as expected: ${friendlyApiError(e).message}`,
        );
      }
      throw e;
    }
    this.g.PropertiesService.getDocumentProperties().setProperty(API_URL_KEY, url);
    this.apiClient = null;
    return this.settings();
  }

  private transport(): Transport {
    return this.opts.transport ?? urlFetchTransport(this.g.UrlFetchApp);
  }

  api(): ApiClient {
    if (this.apiClient) return this.apiClient;
    const baseUrl = this.apiUrl();
    if (!baseUrl)
      throw new UserError(
        'NO_API_URL',
        'Set the GarmentFlow API URL first: Extensions > GarmentFlow Production > Settings.',
      );
    this.apiClient = new ApiClient({
      baseUrl,
      transport: this.transport(),
      token: () => this.g.ScriptApp.getIdentityToken(),
      uuid: () => this.g.Utilities.getUuid(),
    });
    return this.apiClient;
  }

  private toast(msg: string): void {
    try {
      this.ss.toast(msg, TOAST_TITLE, 5);
    } catch {
      // A toast is a courtesy; never fail an action over it.
    }
  }

  // ---- lists -------------------------------------------------------------------------------------

  listOrders(q: OrderListQuery): ListPage<OrderListItem> {
    const limit = q.limit && q.limit > 0 ? Math.min(q.limit, 100) : 25;
    const page = this.api().listOrders({
      state: q.state || undefined,
      techPackId: q.techPackId?.trim() || undefined,
      limit,
      cursor: q.cursor || undefined,
    });
    return {
      items: page.items.map((o) => ({
        id: o.id,
        styleCode: o.styleCode ?? '',
        techPackId: o.techPackId,
        state: o.state,
        version: o.version,
        total: o.total,
        deliveryDate: o.deliveryDate ?? null,
        customer: (o.source as { customer?: string } | undefined)?.customer ?? null,
      })),
      nextCursor: page.nextCursor ?? null,
    };
  }

  listTechPacks(state: string): ListPage<TechPackListItem> {
    const cache = this.g.CacheService.getUserCache();
    const key = `gf:techpacks:${this.apiUrl()}:${state}`;
    const hit = cache?.get(key);
    if (hit) return JSON.parse(hit) as ListPage<TechPackListItem>;
    const page = this.api().listTechPacks(state || undefined);
    const out = {
      items: page.items.map((t) => ({ id: t.id, styleCode: t.styleCode, name: t.name, state: t.state })),
      nextCursor: page.nextCursor ?? null,
    };
    try {
      cache?.put(key, JSON.stringify(out), 60);
    } catch {
      // Too large to cache: fine.
    }
    return out;
  }

  // ---- the order sheet ---------------------------------------------------------------------------

  panel(snap: OrderSnapshot, sheetName: string): OrderPanel {
    return {
      orderId: snap.id,
      sheetName,
      styleCode: snap.styleCode,
      state: snap.state,
      version: snap.version,
      total: snap.total,
      deliveryDate: snap.deliveryDate,
      customer: snap.customer,
      editable: quantitiesOpen(snap.state),
      amendment: pushNeedsReason(snap.state),
      actions: orderCommandsFrom(snap.state),
      batches: snap.batches ?? [],
      progress: { ...snap.progress, missing: snap.progress.missing ?? 0 },
      tolerance: snap.tolerance ?? null,
      extraCutPct: snap.extraCutPct ?? 0,
      materialsStale: snap.materials ? snap.materials.stale : null,
      pulledAt: snap.pulledAt,
      sizes: [...snap.matrix.sizes],
      colors: [...snap.matrix.colors],
      techPackState: (snap as Snap).techPackState ?? null,
      toBatch: (snap as Snap).toBatch ?? null,
      toGenerate: (snap as Snap).toGenerate ?? null,
      conflicts: (snap as Snap).conflicts ?? [],
      ...linkFacts(snap),
      milestones: {
        today: this.today(),
        changeable: milestonesChangeable(snap.state),
        items: milestoneLines(snap.milestones, this.today()),
      },
    };
  }

  /** Re-promise, split and what else moves after release (addon/src/afterRelease.ts), over this service. */
  afterRelease(): AfterRelease {
    return new AfterRelease({
      api: () => this.api(),
      uuid: () => this.g.Utilities.getUuid(),
      orderSheet: (id) => this.orderSheet(id),
      pull: (id) => this.pull(id),
      diffOf: (sheet, snap) => this.diffOf(sheet, snap),
      rewriteKeeping: (sheet, snap, d, status) => this.rewriteKeeping(sheet, snap, d, status),
      activeRange: () => this.ss.getActiveRange(),
      toast: (msg) => this.toast(msg),
    });
  }

  /** The order open in the active sheet (the menu's Push and Refresh act on it). */
  activeOrderId(): string {
    const rec = this.state.get(this.ss.getActiveSheet().getSheetId());
    if (!rec)
      throw new UserError(
        'NOT_AN_ORDER_SHEET',
        "This sheet is not an order sheet: switch to an order's sheet, or open one from the sidebar.",
      );
    return rec.snap.id;
  }

  /**
   * What a push of an order's sheet would send ("Push 12 changes"), derived from the sheet itself
   * (one getValues), so undo, paste and fill count the same as typing. Without an order id: the
   * active sheet's order, or null when the active sheet is not an order sheet.
   */
  pendingChanges(orderId?: string | null): PendingChanges | null {
    let found: { sheet: GSheet; snap: OrderSnapshot } | null;
    if (orderId) found = this.orderSheet(orderId);
    else {
      const sheet = this.ss.getActiveSheet();
      const rec = this.state.get(sheet.getSheetId());
      found = rec ? { sheet, snap: rec.snap } : null;
    }
    if (!found) return null;
    const changes = sheetChanges(found.sheet, found.snap.id, found.snap.matrix);
    return {
      ...changes,
      sheetName: found.sheet.getName(),
      editable: quantitiesOpen(found.snap.state),
      conflicts: (found.snap as Snap).conflicts?.length ?? 0,
    };
  }

  activeOrder(): OrderPanel | null {
    const sheet = this.ss.getActiveSheet();
    const rec = this.state.get(sheet.getSheetId());
    return rec ? this.panel(rec.snap, sheet.getName()) : null;
  }

  /** The sheet an order is open in, with what was last pulled into it. */
  private orderSheet(orderId: string): { sheet: GSheet; snap: OrderSnapshot } {
    const found = this.findOrderSheet(orderId);
    if (!found)
      throw new UserError('NOT_OPEN', `Order ${orderId} is not open in this spreadsheet: open it from the list first.`);
    return found;
  }

  /** The live sheet of an order; records of sheets deleted by hand are dropped on the way. */
  private findOrderSheet(orderId: string): { sheet: GSheet; snap: OrderSnapshot } | null {
    for (const id of this.state.sheetIdsOf(orderId)) {
      const sheet = sheetById(this.ss, id);
      const rec = sheet ? this.state.get(id) : null;
      if (sheet && rec) return { sheet, snap: rec.snap };
      this.state.remove(id);
    }
    return null;
  }

  /**
   * Pulls the order with its batches and materials (and its tech pack, when its id is known: from
   * the sheet's record or the order list): one UrlFetchApp.fetchAll.
   */
  private pull(orderId: string, techPackId?: string): OrderSnapshot {
    // Only Draft and Planned orders have gates that need it (plan, release).
    const old = this.findOrderSheet(orderId)?.snap;
    const wanted = !old || isEditable(old.state);
    const known = wanted ? techPackId || old?.techPackId || undefined : undefined;
    const { order, batches, materials, techPack } = this.api().pullOrder(orderId, known);
    const tp = techPack && !(techPack instanceof ApiError) && techPack.state ? techPack.state : null;
    return this.snapshot(order, batches, materials, this.plansOf(orderId), tp);
  }

  /** The sampling plans fetched before for an order's batches (kept in its sheet's record). */
  private plansOf(orderId: string): Record<string, InspectionPlan> {
    const plans: Record<string, InspectionPlan> = {};
    for (const b of this.findOrderSheet(orderId)?.snap.batches ?? []) if (b.plan) plans[b.id] = b.plan;
    return plans;
  }

  private snapshot(
    order: ProductionOrder,
    batches: ApiBatch[] | ApiError | null,
    materials: ApiMaterials | ApiError | null,
    plans: Record<string, InspectionPlan> = {},
    techPackState: TechPackState | null = null,
  ): Snap {
    const errors: string[] = [];
    if (batches instanceof ApiError) errors.push(`Batches: ${friendlyApiError(batches).message}`);
    if (materials instanceof ApiError) errors.push(`Materials: ${friendlyApiError(materials).message}`);
    const snap: Snap = snapshotOf(
      order,
      batches instanceof ApiError ? null : batches,
      materials instanceof ApiError ? null : materials,
      errors,
      this.now(),
      plans,
    );
    snap.techPackState = techPackState;
    if (isInProduction(order.state) && order.progress?.batched && order.batchPlan) {
      try {
        const remaining = remainingToBatch(order);
        snap.toBatch = matrixTotal(remaining);
        snap.toGenerate = countGenerated(remaining, order.batchPlan.maxBatchQty);
      } catch {
        // Not known: nothing is disabled over it.
      }
    }
    return snap;
  }

  /** Writes the sheet (one setValues) and remembers what it was written from. */
  private write(
    sheet: GSheet,
    snap: OrderSnapshot,
    view?: { display?: unknown[][]; marks?: CellMark[] },
    status?: string,
    /** What to keep with the snapshot that depends on where the matrix landed (conflicts' A1 references). */
    extras?: (r: Rendered) => SnapExtras,
  ): Rendered {
    const rendered = renderOrderSheet({
      snap,
      display: view?.display as never,
      marks: view?.marks,
      status:
        status ??
        `Pulled ${this.when(snap.pulledAt)}${snap.sectionErrors.length ? ` — ${snap.sectionErrors.join(' ')}` : ''}`,
      when: (iso) => this.when(iso),
      today: this.today(),
    });
    const prev = this.state.get(sheet.getSheetId())?.snap.written;
    const written = writeOrderSheet(this.g.SpreadsheetApp, sheet, rendered, prev);
    const stored = extras ? { ...snap, ...extras(rendered), written } : { ...snap, written };
    this.state.put({ sheetId: sheet.getSheetId(), snap: stored }, this.now());
    return rendered;
  }

  /** An ISO time in the spreadsheet's time zone, "2026-11-30 10:58" (UTC, said so, if that fails). */
  when(iso: string | null | undefined): string {
    if (!iso) return '';
    try {
      this.timeZone ??= this.ss.getSpreadsheetTimeZone();
      const d = new Date(iso);
      if (Number.isNaN(d.getTime())) return String(iso);
      return this.g.Utilities.formatDate(d, this.timeZone, 'yyyy-MM-dd HH:mm');
    } catch {
      return utcWhen(iso);
    }
  }

  /** Today in the spreadsheet's time zone, YYYY-MM-DD (milestones due before it are overdue). */
  today(): string {
    const now = this.now();
    try {
      this.timeZone ??= this.ss.getSpreadsheetTimeZone();
      return this.g.Utilities.formatDate(new Date(now), this.timeZone, 'yyyy-MM-dd');
    } catch {
      return now.slice(0, 10);
    }
  }

  private diffOf(sheet: GSheet, snap: OrderSnapshot): SheetDiff {
    const parsed = parseOrderSheet(readSheet(sheet));
    if (parsed.orderId !== null && parsed.orderId !== snap.id) {
      throw new UserError(
        'WRONG_SHEET',
        `This sheet now says order ${parsed.orderId}, but it was opened for ${snap.id}: restore the Order cell, or open the order again.`,
      );
    }
    return diffSheet(snap.matrix, parsed);
  }

  openOrder(orderId: string, techPackId?: string): { panel: OrderPanel; notice?: string } {
    const existing = this.findOrderSheet(orderId);
    if (existing) {
      try {
        return this.refreshOrder(orderId, false, 'Opened');
      } catch (e) {
        if (!(e instanceof UserError && e.code === 'UNPUSHED_CHANGES')) throw e;
        existing.sheet.activate();
        return {
          panel: this.panel(existing.snap, existing.sheet.getName()),
          notice: `Order ${orderId} is already open here, with new sizes or colors not pushed yet.`,
        };
      }
    }
    this.toast(`Opening order ${orderId}…`);
    const snap = this.pull(orderId, techPackId);
    const sheet = this.ss.insertSheet(
      freeSheetName(this.ss, `PO ${snap.styleCode ? `${snap.styleCode} ` : ''}${snap.id}`),
    );
    this.write(sheet, snap);
    sheet.activate();
    this.toast(`Order ${orderId} opened: ${plural(snap.matrix.colors.length * snap.matrix.sizes.length, 'cell')}.`);
    return { panel: this.panel(snap, sheet.getName()) };
  }

  createOrder(input: { techPackId: string; deliveryDate?: string }): { panel: OrderPanel; notice?: string } {
    const techPackId = (input.techPackId ?? '').trim();
    if (!techPackId) throw new UserError('VALIDATION_FAILED', 'Pick a tech pack first.');
    const body: { techPackId: string; deliveryDate?: string } = { techPackId };
    if (input.deliveryDate) body.deliveryDate = input.deliveryDate;
    const order = this.api().createOrder(body);
    const opened = this.openOrder(order.id, techPackId);
    return { panel: opened.panel, notice: `Order ${order.id} created in Draft for tech pack ${techPackId}.` };
  }

  /**
   * Pulls the order again. Unless discarding, the planner's unpushed quantity edits stay on the
   * sheet (marked), merged over what the server now holds; cells changed on both sides show the
   * server's value with the planner's in a note.
   */
  refreshOrder(orderId: string, discard: boolean, verb = 'Refreshed'): { panel: OrderPanel; notice?: string } {
    const { sheet, snap: old } = this.orderSheet(orderId);
    let d: SheetDiff | null = null;
    if (!discard) {
      d = this.diffOf(sheet, old);
      if (d.structureChanged) {
        throw new UserError(
          'UNPUSHED_CHANGES',
          'You added or removed sizes or colors on the sheet: push them first, or use "Discard my changes".',
          { pending: pendingCount(d) },
        );
      }
    }
    const snap = this.pull(orderId);
    return this.rewriteKeeping(sheet, snap, d, `${verb} ${this.when(snap.pulledAt)}`);
  }

  private rewriteKeeping(
    sheet: GSheet,
    snap: OrderSnapshot,
    d: SheetDiff | null,
    status: string,
  ): { panel: OrderPanel; notice?: string } {
    const unsent = d && quantitiesOpen(snap.state) ? [...d.edits] : [];
    const carried = d ? this.unresolved(sheet, snap, unsent) : [];
    const view = composeView({
      server: snap.matrix,
      unsent,
      conflicts: carried.map((c) => ({ color: c.color, size: c.size, from: c.base, to: c.mine, current: c.theirs })),
      bad: d?.bad ?? [],
      conflictBy: snap.updatedBy,
      conflictAt: this.when(snap.updatedAt),
    });
    const keep = (r: Rendered): SnapExtras => {
      const rows = conflictRows({
        server: snap.matrix,
        unsent,
        conflicts: [],
        bad: d?.bad ?? [],
        block: r.quantities,
        by: snap.updatedBy || null,
        at: this.when(snap.updatedAt) || null,
      });
      const moved = carried.map((c) => ({ ...c, ...placeOf(snap.matrix, r, c) }));
      (snap as Snap).conflicts = [...moved, ...rows];
      return { conflicts: (snap as Snap).conflicts };
    };
    const kept = view.pending + view.conflicted + view.invalid;
    const notice = kept
      ? `${status}. ${view.pending ? `${plural(view.pending, 'unpushed change')} kept (blue). ` : ''}${view.conflicted ? `${plural(view.conflicted, 'cell')} changed on both sides (red). ` : ''}${view.invalid ? `${plural(view.invalid, 'bad cell')} (orange).` : ''}`.trim()
      : undefined;
    this.write(sheet, { ...snap, matrix: view.base }, view, notice ?? status, keep);
    sheet.activate();
    return { panel: this.panel(snap, sheet.getName()), notice };
  }

  /** Conflicts of the sheet's record still open after a pull: the cell not edited since, and unchanged on the server. */
  private unresolved(sheet: GSheet, fresh: OrderSnapshot, unsent: CellEdit[]): ConflictRow[] {
    const old = this.state.get(sheet.getSheetId())?.snap as Snap | undefined;
    const edited = new Set(unsent.map((e) => cellKey(e.color, e.size)));
    return (old?.conflicts ?? []).filter(
      (c) => !edited.has(cellKey(c.color, c.size)) && cellValue(fresh.matrix, c.color, c.size) === c.theirs,
    );
  }

  // ---- conflicts resolved in place, bulk entry -----------------------------------------------------

  /** Shows a cell of the order's sheet (a conflict clicked in the sidebar). */
  selectCell(orderId: string, row: number, col: number): null {
    const { sheet } = this.orderSheet(orderId);
    if (!Number.isInteger(row) || !Number.isInteger(col) || row < 1 || col < 1)
      throw new UserError('VALIDATION_FAILED', 'That cell is not on the sheet.');
    sheet.activate();
    sheet.getRange(row, col, 1, 1).activate();
    return null;
  }

  /**
   * Keep mine / take theirs, per cell: a kept cell shows your value again as a pending edit from the
   * value the server holds now (the next push sends it against the new version); a taken one keeps
   * theirs. One read and one write of the sheet; nothing is sent.
   */
  resolveConflicts(orderId: string, choices: ConflictChoice[]): { panel: OrderPanel; notice?: string } {
    const { sheet, snap } = this.orderSheet(orderId);
    const open = (snap as Snap).conflicts ?? [];
    if (!open.length) return { panel: this.panel(snap, sheet.getName()), notice: 'No conflicts left to resolve.' };
    const d = this.editableDiff(sheet, snap);
    const r = applyChoices(open, Array.isArray(choices) ? choices : [], d.edits);
    const status = [
      r.kept ? `${plural(r.kept, 'cell')} kept as yours (pending: push to send)` : '',
      r.taken ? `${plural(r.taken, 'cell')} set to the other value` : '',
      r.remaining.length ? `${plural(r.remaining.length, 'conflict')} left` : '',
    ]
      .filter(Boolean)
      .join('; ');
    const panel = this.writePending(sheet, snap, r.edits, d, r.remaining, `${status}.`);
    const pending = r.edits.length;
    const next = pending ? ` ${plural(pending, 'change')} waiting: Push to send.` : '';
    return { panel, notice: `${status}.${next}` };
  }

  /** Ratio fill: the whole matrix from a total, a size ratio and a color split, as pending edits. */
  ratioFill(orderId: string, req: RatioFillRequest): { data: BulkOutcome; notice?: string } {
    const { sheet, snap } = this.orderSheet(orderId);
    const d = this.editableDiff(sheet, snap);
    const out = fillByRatio({
      sizes: snap.matrix.sizes,
      colors: snap.matrix.colors,
      total: req?.total ?? null,
      sizeRatio: req?.sizeRatio ?? '',
      split: Array.isArray(req?.split) ? req.split : [],
      splitBy: req?.splitBy === 'pieces' ? 'pieces' : 'percent',
    });
    if (!out.ok) throw new UserError('VALIDATION_FAILED', `Nothing was filled: ${out.problems.join('; ')}.`);
    const cells = out.matrix.colors.flatMap((color, r) =>
      out.matrix.sizes.map((size, c) => ({ color, size, to: out.matrix.quantities[r][c] })),
    );
    const total = out.colorTotals.reduce((a, b) => a + b, 0);
    return this.bulk(
      sheet,
      snap,
      d,
      cells,
      `Ratio fill: ${plural(total, 'garment')} over ${plural(out.matrix.colors.length, 'color')}`,
      {
        unknownSizes: [],
        unknownColors: [],
        bad: [],
      },
    );
  }

  /** Paste by codes: the selected range (any sheet) mapped onto the order's cells by size and color code. */
  pasteByCodes(orderId: string): { data: BulkOutcome; notice?: string } {
    const { sheet, snap } = this.orderSheet(orderId);
    const range = this.ss.getActiveRange();
    if (!range)
      throw new UserError(
        'VALIDATION_FAILED',
        'Select the range to paste first: a size row on top, color codes on the left.',
      );
    const values = range.getValues();
    const m = mapPasted(values, { row: range.getRow(), col: range.getColumn() }, snap.matrix.sizes, snap.matrix.colors);
    if (m.problems.length) throw new UserError('VALIDATION_FAILED', `Nothing was pasted: ${m.problems.join('; ')}.`);
    const d = this.editableDiff(sheet, snap);
    return this.bulk(sheet, snap, d, m.cells, `Pasted ${plural(m.cells.length, 'cell')} by code`, m);
  }

  private editableDiff(sheet: GSheet, snap: OrderSnapshot): SheetDiff {
    if (!quantitiesOpen(snap.state)) {
      const editable = EDITABLE_STATES.map(stateWord).join(' or ');
      throw new UserError(
        'NOT_EDITABLE',
        `This order is ${stateWord(snap.state)}: quantities change only while it is ${editable}.`,
      );
    }
    const d = this.diffOf(sheet, snap);
    if (d.structureChanged)
      throw new UserError('UNPUSHED_CHANGES', 'You added or removed sizes or colors on the sheet: push them first.');
    return d;
  }

  private bulk(
    sheet: GSheet,
    snap: OrderSnapshot,
    d: SheetDiff,
    cells: { color: string; size: string; to: number }[],
    what: string,
    left: Pick<BulkOutcome, 'unknownSizes' | 'unknownColors' | 'bad'>,
  ): { data: BulkOutcome; notice?: string } {
    const set = new Set(cells.map((c) => cellKey(c.color, c.size)));
    const { edits, changed } = withCells(snap.matrix, d.edits, cells);
    // A cell set here is no longer in conflict, nor bad.
    const remaining = ((snap as Snap).conflicts ?? []).filter((c) => !set.has(cellKey(c.color, c.size)));
    const bad = d.bad.filter((b) => !set.has(cellKey(b.color, b.size)));
    const notPlaced = [
      ...left.unknownColors.map((u) => `color ${u.code} (${u.ref}, ${plural(u.pieces, 'piece')})`),
      ...left.unknownSizes.map((u) => `size ${u.code} (${u.ref}, ${plural(u.pieces, 'piece')})`),
    ];
    const status =
      `${what}: ${plural(changed, 'cell')} changed, pending until you push.` +
      (notPlaced.length ? ` Not on this order, not placed: ${notPlaced.join(', ')}.` : '') +
      (left.bad.length ? ` Not whole numbers, skipped: ${left.bad.map((b) => b.ref).join(', ')}.` : '');
    const panel = this.writePending(sheet, snap, edits, { ...d, bad }, remaining, status);
    return {
      data: {
        panel,
        changed,
        placed: cells.length,
        unknownSizes: left.unknownSizes,
        unknownColors: left.unknownColors,
        bad: left.bad,
      },
      notice: status,
    };
  }

  /** Rewrites the sheet with `edits` pending over the pulled values, the bad cells and open conflicts marked. */
  private writePending(
    sheet: GSheet,
    snap: OrderSnapshot,
    edits: CellEdit[],
    d: Pick<SheetDiff, 'bad'>,
    conflicts: ConflictRow[],
    status: string,
  ): OrderPanel {
    const conflicted = new Set(conflicts.map((c) => cellKey(c.color, c.size)));
    const view = composeView({
      server: snap.matrix,
      unsent: edits.filter((e) => !conflicted.has(cellKey(e.color, e.size))),
      conflicts: conflicts.map((c) => ({ color: c.color, size: c.size, from: c.base, to: c.mine, current: c.theirs })),
      bad: d.bad,
      conflictBy: conflicts[0]?.by ?? snap.updatedBy,
      conflictAt: conflicts[0]?.at ?? snap.updatedAt,
    });
    const next: Snap = { ...snap, conflicts };
    this.write(sheet, next, view, status, (r) => ({
      conflicts: conflicts.map((c) => ({ ...c, ...placeOf(snap.matrix, r, c) })),
    }));
    sheet.activate();
    return this.panel(next, sheet.getName());
  }

  // ---- push --------------------------------------------------------------------------------------

  pushOrder(orderId: string, options?: PushOptions): { summary: PushSummary; notice?: string } {
    const lock = this.g.LockService.getDocumentLock();
    if (!lock.tryLock(20_000))
      throw new UserError('BUSY', 'Another push is running in this spreadsheet: try again in a few seconds.');
    try {
      return this.pushLocked(orderId, options?.reason?.trim() || undefined);
    } finally {
      lock.releaseLock();
    }
  }

  private pushLocked(orderId: string, reason: string | undefined): { summary: PushSummary; notice?: string } {
    const { sheet, snap: old } = this.orderSheet(orderId);
    const d = this.diffOf(sheet, old); // the one range read
    if (d.problems.length) {
      throw new UserError(
        'SHEET_PROBLEMS',
        `Nothing was sent: ${d.problems.slice(0, 5).join('; ')}${d.problems.length > 5 ? ` (and ${d.problems.length - 5} more)` : ''}.`,
        { problems: d.problems },
      );
    }
    const cells = [...d.edits, ...d.newCells];
    const api = this.api();
    if (!cells.length && !d.structureChanged) {
      const view = composeView({ server: old.matrix, bad: d.bad });
      if (d.bad.length)
        this.write(
          sheet,
          old,
          view,
          `Nothing sent: ${plural(d.bad.length, 'bad cell')} marked in orange (${badCells(d, old.matrix)}).`,
        );
      return {
        summary: {
          sent: 0,
          conflicts: 0,
          invalid: d.bad.length,
          structureChanged: false,
          version: old.version,
          panel: this.panel(old, sheet.getName()),
        },
        notice: d.bad.length
          ? `Nothing to push, and ${plural(d.bad.length, 'cell')} need fixing (orange: ${badCells(d, old.matrix)}).`
          : 'Nothing to push: the sheet matches the order.',
      };
    }
    const amending = pushNeedsReason(old.state);
    if (amending && cells.length && !d.structureChanged && !reason)
      throw new UserError(
        'REASON_REQUIRED',
        `Order ${orderId} is ${stateWord(old.state)}: changing its quantities is an amendment. ` +
          'Give the reason (it is kept in the order history), then push.',
        { pending: cells.length },
      );
    this.toast(`Pushing ${plural(cells.length, 'change')}${d.structureChanged ? ' and new sizes/colors' : ''}…`);
    let order: ProductionOrder | null = null;
    let baseVersion = old.version;
    if (d.structureChanged) {
      if (!isEditable(old.state)) {
        const editable = EDITABLE_STATES.map(stateWord).join(' or ');
        const now = `This order is ${stateWord(old.state)}`;
        throw new UserError(
          'NOT_EDITABLE',
          `${now}: sizes and colors can only change while it is ${editable}. Undo the new sizes/colors, or Refresh.`,
        );
      }
      order = this.patchStructure(orderId, old, d.sizes, d.colors);
      baseVersion = order.version;
    }
    let conflict: ConflictDetails | null = null;
    if (cells.length) {
      try {
        order = api.matrixEdits(orderId, { baseVersion, edits: cells, ...(amending && reason ? { reason } : {}) });
      } catch (e) {
        if (e instanceof ApiError && e.code === 'BELOW_BATCHED') throw belowBatched(e, old.matrix);
        if (!(e instanceof ApiError && e.code === 'EDIT_CONFLICT')) throw e;
        conflict = readConflictDetails(e.details);
      }
    }
    if (conflict) {
      // Nothing of the request was applied. Read what the order holds now and lose nothing.
      const current = api.getOrder(orderId);
      const snap: Snap = {
        ...this.snapshot(current, null, null, {}, (old as Snap).techPackState ?? null),
        batches: old.batches,
        materials: old.materials,
      };
      const by = conflict.updatedBy ?? current.updatedBy;
      const at = this.when(conflict.updatedAt ?? current.updatedAt);
      const view = composeView({
        server: current.matrix,
        unsent: cells,
        conflicts: conflict.conflicts,
        conflictBy: by,
        conflictAt: at,
        bad: d.bad,
      });
      const msg = friendlyApiError(
        new ApiError(409, 'EDIT_CONFLICT', '', {
          conflicts: conflict.conflicts,
          updatedBy: conflict.updatedBy ?? current.updatedBy,
        }),
      ).message;
      const dropped = view.dropped.length
        ? ` ${plural(view.dropped.length, 'change')} to cells that no longer exist could not be kept.`
        : '';
      const rows = (r: Rendered): SnapExtras => {
        snap.conflicts = conflictRows({
          server: current.matrix,
          unsent: cells,
          conflicts: conflict.conflicts,
          bad: d.bad,
          block: r.quantities,
          by: by || null,
          at: at || null,
        });
        return { conflicts: snap.conflicts };
      };
      const red = view.marks.filter((mk) => mk.kind === 'conflict');
      const refs = cellList(red.map((mk) => quantityA1(current.matrix, mk.color, mk.size)));
      const where = red.length ? ` Red: ${refs}.` : '';
      // The sheet's one status line stays short: the cells and what to do; the whole story is in the
      // cells' notes and the sidebar's conflict list.
      const status = red.length
        ? `Not pushed: ${refs} changed by ${by || 'someone else'} meanwhile (red). Keep yours or take theirs in the sidebar.`
        : msg;
      this.write(sheet, { ...snap, matrix: view.base }, view, `${status}${dropped}`, rows);
      this.toast(`${plural(view.conflicted, 'conflict')}: see the red cells.`);
      return {
        summary: {
          sent: 0,
          conflicts: view.conflicted,
          invalid: view.invalid,
          structureChanged: d.structureChanged,
          version: current.version,
          panel: this.panel(snap, sheet.getName()),
        },
        notice: `${msg}${where}${dropped}`,
      };
    }
    if (!order?.matrix) order = api.getOrder(orderId);
    // The quantities changed, so the materials summary did too: read it again (one more request).
    let materials: ApiMaterials | null = null;
    let materialsNote = '';
    try {
      materials = api.getMaterials(orderId);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      materialsNote = ` Materials could not be read again (${friendlyApiError(e).message}): they show the last pull.`;
    }
    const fresh = this.snapshot(order, null, materials, {}, (old as Snap).techPackState ?? null);
    const snap: Snap = { ...fresh, batches: old.batches, materials: materials ? fresh.materials : old.materials };
    // Conflicts not resolved yet stay listed (and red) while their cells were not sent and did not move.
    const sentKeys = new Set(cells.map((c) => cellKey(c.color, c.size)));
    const carried = ((old as Snap).conflicts ?? []).filter(
      (c) => !sentKeys.has(cellKey(c.color, c.size)) && cellValue(order!.matrix, c.color, c.size) === c.theirs,
    );
    const view = composeView({
      server: order.matrix,
      bad: d.bad,
      conflicts: carried.map((c) => ({ color: c.color, size: c.size, from: c.base, to: c.mine, current: c.theirs })),
      conflictBy: carried[0]?.by,
      conflictAt: carried[0]?.at,
    });
    const what = `${plural(cells.length, 'change')}${d.structureChanged ? ' and the new sizes/colors' : ''}`;
    const badWhere = view.invalid
      ? ` ${plural(view.invalid, 'bad cell')} not sent (orange): ${badCells(d, order.matrix)}.`
      : '';
    const status = `Pushed ${what}: now version ${order.version}.${badWhere}${materialsNote}`;
    const placed = (r: Rendered): SnapExtras => {
      snap.conflicts = carried.map((c) => ({ ...c, ...placeOf(order!.matrix, r, c) }));
      return { conflicts: snap.conflicts };
    };
    this.write(sheet, { ...snap, matrix: view.base }, view, status, placed); // the one range write
    this.toast(`Pushed ${what}.`);
    return {
      summary: {
        sent: cells.length,
        conflicts: 0,
        invalid: view.invalid,
        structureChanged: d.structureChanged,
        version: order.version,
        panel: this.panel(snap, sheet.getName()),
      },
      notice: status,
    };
  }

  /** Sizes/colors added or removed: one conditional PATCH. Retried once if only quantities moved meanwhile. */
  private patchStructure(orderId: string, old: OrderSnapshot, sizes: string[], colors: string[]): ProductionOrder {
    const api = this.api();
    try {
      return api.patchOrder(orderId, old.version, { sizes, colors });
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 412)) throw e;
      const current = ((e.details as { current?: ProductionOrder } | undefined)?.current ??
        api.getOrder(orderId)) as ProductionOrder;
      if (
        current.matrix &&
        same(current.matrix.sizes, old.matrix.sizes) &&
        same(current.matrix.colors, old.matrix.colors) &&
        isEditable(current.state)
      ) {
        return api.patchOrder(orderId, current.version, { sizes, colors });
      }
      throw new UserError(
        'STRUCTURE_CONFLICT',
        `${current.updatedBy || 'Someone else'} changed this order's ${current.matrix && !same(current.matrix.sizes, old.matrix.sizes) ? 'sizes' : current.matrix && !same(current.matrix.colors, old.matrix.colors) ? 'colors' : 'state'} since you pulled it, so your new sizes/colors were not sent. Your quantities are still on the sheet: note them, use "Discard my changes", and apply them again.`,
      );
    }
  }

  // ---- transitions -------------------------------------------------------------------------------

  /** An order command that moves the order's state (generateBatches has its own call). */
  transitionOrder(orderId: string, action: string, options: TransitionOptions): { panel: OrderPanel; notice?: string } {
    if (!isOrderCommand(action) || action === 'generateBatches') {
      throw new UserError('UNKNOWN_ACTION', `Unknown action ${action}.`);
    }
    const { sheet, snap: old } = this.orderSheet(orderId);
    const words = ORDER_COMMAND_WORDS[action];
    const reason = options?.reason?.trim() || undefined;
    if (words.needsReason && !reason) {
      const why = `A reason is needed to ${words.verb} an order; it is kept in its history.`;
      throw new UserError('REASON_REQUIRED', `${words.reasonPrompt} ${why}`);
    }
    if (quantitiesOpen(old.state) && action !== 'cancel') {
      const d = this.diffOf(sheet, old);
      const n = pendingCount(d);
      if (n > 0)
        throw new UserError(
          'UNPUSHED_CHANGES',
          `You have ${plural(n, 'unpushed change')} on the sheet: push ${n === 1 ? 'it' : 'them'} first (or use "Discard my changes").`,
          { pending: n },
        );
    }
    this.toast(`${words.doing} order ${orderId}…`);
    const backorder = action === 'shortClose' && options?.backorder === true ? { backorder: true } : {};
    const body =
      action === 'shortClose'
        ? { action: 'complete', shortClose: true, reason, ...backorder }
        : { action, ...(reason ? { reason } : {}) };
    const api = this.api();
    let answer: ProductionOrder;
    try {
      answer = api.transition(orderId, body);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'NOTHING_SHORT') throw nothingShort(e);
      if (e instanceof ApiError) throw new ContextError(e, action);
      throw e;
    }
    const snap = this.pull(orderId);
    const status = `${capitalized(words.done)}: now ${stateWord(snap.state)} (version ${snap.version}).`;
    this.write(sheet, snap, undefined, status);
    const notice = `Order ${orderId} is now ${stateWord(snap.state)}.${backorderNotice(answer)}`;
    return { panel: this.panel(snap, sheet.getName()), notice };
  }

  generateBatches(orderId: string): { panel: OrderPanel; notice?: string } {
    const { sheet } = this.orderSheet(orderId);
    this.toast(`${ORDER_COMMAND_WORDS.generateBatches.doing}…`);
    try {
      this.api().generateBatches(orderId);
    } catch (e) {
      if (e instanceof ApiError) throw new ContextError(e, 'generateBatches');
      throw e;
    }
    const snap = this.pull(orderId);
    this.write(sheet, snap, undefined, `Batches generated: ${plural(snap.batches?.length ?? 0, 'batch', 'batches')}.`);
    return {
      panel: this.panel(snap, sheet.getName()),
      notice: `${plural(snap.batches?.length ?? 0, 'batch', 'batches')} planned.`,
    };
  }

  /** Start or cancel a batch (finishing needs its output: finishBatch). */
  batchAction(
    orderId: string,
    batchId: string,
    action: Exclude<BatchAction, 'finish'>,
  ): { panel: OrderPanel; notice?: string } {
    const { sheet } = this.orderSheet(orderId);
    try {
      this.api().batchTransition(orderId, batchId, { action });
    } catch (e) {
      if (e instanceof ApiError) throw new ContextError(e, `batch.${action}`);
      throw e;
    }
    const snap = this.pull(orderId);
    const word = BATCH_ACTION_WORDS[action].done;
    this.write(sheet, snap, undefined, `Batch ${batchId} ${word}.`);
    const notice = `Batch ${batchId} ${word}; the order is ${stateWord(snap.state)}.`;
    return { panel: this.panel(snap, sheet.getName()), notice };
  }

  private batchOf(snap: OrderSnapshot, batchId: string): BatchRow {
    const b = snap.batches?.find((x) => x.id === batchId);
    if (!b) throw new UserError('NOT_FOUND', `Batch ${batchId} is not on this order's sheet: Refresh it first.`);
    return b;
  }

  openBatchOutput(orderId: string, batchId: string): { sheetName: string } {
    const { snap } = this.orderSheet(orderId);
    const b = this.batchOf(snap, batchId);
    const name = outputSheetName(batchId);
    let sheet = this.ss.getSheetByName(name);
    if (!sheet) {
      sheet = this.ss.insertSheet(name);
      const r = renderOutputSheet(orderId, b);
      writeGrid(sheet, r);
      protect(this.g.SpreadsheetApp, sheet, r.editable, 'GarmentFlow: type produced and rejected quantities only');
    }
    sheet.activate();
    return { sheetName: name };
  }

  /** A batch's own cells on a sheet of their own (addon/src/batchSheet.ts): one GET, one block write. */
  showBatchCells(orderId: string, batchId: string): { data: { sheetName: string }; notice?: string } {
    const { snap } = this.orderSheet(orderId);
    const batch = fetchBatch(this.api(), orderId, batchId);
    const plan = snap.batches?.find((b) => b.id === batchId)?.plan ?? null;
    const when = (iso: string) => this.when(iso);
    const r = renderBatchSheet({ batch, styleCode: snap.styleCode, plan, when, drawnAt: this.now() });
    const sheetName = drawBatchSheet(this.g, this.ss, r, batchId).getName();
    return { data: { sheetName }, notice: `Batch ${batchId}'s cells are on the sheet "${sheetName}".` };
  }

  finishBatch(
    orderId: string,
    batchId: string,
    options: TransitionOptions = {},
  ): { panel: OrderPanel; notice?: string } {
    const { sheet, snap } = this.orderSheet(orderId);
    const b = this.batchOf(snap, batchId);
    const out = this.ss.getSheetByName(outputSheetName(batchId));
    if (!out) {
      const { sheetName } = this.openBatchOutput(orderId, batchId);
      throw new UserError(
        'OUTPUT_NEEDED',
        `Type what batch ${batchId} produced and rejected on the sheet "${sheetName}", then click Finish again.`,
      );
    }
    const read = parseOutputSheet(readSheet(out), b);
    if (read.batchId !== null && read.batchId !== batchId)
      read.problems.unshift(`The sheet is for batch ${read.batchId}, not ${batchId}`);
    if (read.problems.length || !read.produced || !read.rejected) {
      throw new UserError(
        'SHEET_PROBLEMS',
        `Batch ${batchId} was not finished: ${read.problems.slice(0, 5).join('; ')}.`,
        { problems: read.problems },
      );
    }
    const reason = options?.reason?.trim() || undefined;
    const short = unaccountedCells(b, read.produced, read.rejected);
    if (short.length && !reason) {
      const missingTotal = short.reduce((t, c) => t + c.missing, 0);
      const cells = short.slice(0, 5).map((c) => `${c.color}/${c.size} ${c.produced} + ${c.rejected} of ${c.quantity}`);
      const more = short.length > 5 ? ` and ${short.length - 5} more cells` : '';
      throw new UserError(
        'REASON_REQUIRED',
        `${plural(missingTotal, 'garment is', 'garments are')} not accounted for in batch ${batchId} ` +
          `(${cells.join('; ')}${more}). Count again, or give a reason to record them as missing.`,
        { batchId, cells: short, missingTotal },
      );
    }
    const lock = this.g.LockService.getDocumentLock();
    if (!lock.tryLock(20_000))
      throw new UserError('BUSY', 'Another change is running in this spreadsheet: try again in a few seconds.');
    try {
      this.toast(`${BATCH_ACTION_WORDS.finish.doing} ${batchId}…`);
      try {
        const output = { produced: read.produced, rejected: read.rejected };
        const body = { action: 'finish' as const, ...output, ...(reason ? { reason } : {}) };
        this.api().batchTransition(orderId, batchId, body);
      } catch (e) {
        if (e instanceof ApiError) throw new ContextError(e, 'batch.finish', batchId);
        throw e;
      }
    } finally {
      lock.releaseLock();
    }
    const fresh = this.pull(orderId);
    this.write(sheet, fresh, undefined, `Batch ${batchId} ${BATCH_ACTION_WORDS.finish.done}.`);
    sheet.activate();
    const made = plural(matrixTotal(read.produced), 'garment');
    const missing = short.reduce((t, c) => t + c.missing, 0);
    const lost = short.length ? `; ${plural(missing, 'garment')} recorded as missing` : '';
    return { panel: this.panel(fresh, sheet.getName()), notice: `Batch ${batchId} finished: ${made} produced${lost}.` };
  }

  /** A milestone marked done, reopened or re-dated (addon/src/milestones.ts); the sheet's blocks are rewritten. */
  updateMilestone(orderId: string, key: string, change: MilestoneChange): { panel: OrderPanel; notice?: string } {
    const { sheet, snap: old } = this.orderSheet(orderId);
    const d = isEditable(old.state) ? this.diffOf(sheet, old) : null;
    if (d?.structureChanged)
      throw new UserError('UNPUSHED_CHANGES', 'Push your new sizes/colors before changing a milestone.');
    const sent = sendMilestoneChange(this.api(), old, key, change, this.today());
    const status = milestoneDone(sent.milestone, sent.body);
    const res = this.rewriteKeeping(sheet, this.pull(orderId), d, status);
    return { panel: res.panel, notice: res.notice ?? status };
  }

  // ---- quality -----------------------------------------------------------------------------------

  /**
   * One batch's sampling plan, asked for when the planner opens its inspection form (one request,
   * never one per batch on refresh). It is kept with the sheet's record, so the batch's row shows
   * it from the next write of the sheet on.
   */
  inspectionPlan(orderId: string, batchId: string): InspectionForm {
    const { sheet, snap } = this.orderSheet(orderId);
    this.batchOf(snap, batchId);
    let plan: InspectionPlan;
    try {
      plan = this.api().inspectionPlan(orderId, batchId);
    } catch (e) {
      if (e instanceof ApiError) throw new ContextError(e, 'inspect', batchId);
      throw e;
    }
    const batches = (snap.batches ?? []).map((b) => (b.id === batchId ? { ...b, plan } : b));
    this.state.put({ sheetId: sheet.getSheetId(), snap: { ...snap, batches } }, this.now());
    return { orderId, batchId, plan };
  }

  /** Records an inspection of a batch; the answer says pass or fail by its plan. */
  recordInspection(
    orderId: string,
    batchId: string,
    input: InspectionInput,
  ): { data: InspectionOutcome; notice?: string } {
    const { sheet, snap: old } = this.orderSheet(orderId);
    this.batchOf(old, batchId);
    const body = inspectionBody(input);
    let inspection: InspectionOutcome['inspection'];
    try {
      inspection = this.api().recordInspection(orderId, batchId, body);
    } catch (e) {
      if (e instanceof ApiError) throw new ContextError(e, 'inspect', batchId);
      throw e;
    }
    const fresh = this.pull(orderId);
    const d = quantitiesOpen(old.state) ? this.diffOf(sheet, old) : null;
    const word = inspection.result === 'pass' ? 'PASSED' : 'FAILED';
    const status = `Inspection of batch ${batchId} recorded: ${word}.`;
    let panel: OrderPanel;
    if (d?.structureChanged) {
      // New sizes/colors not pushed yet: keep the sheet as it is, remember the batches only.
      this.state.put({ sheetId: sheet.getSheetId(), snap: { ...old, batches: fresh.batches } }, this.now());
      panel = this.panel({ ...old, batches: fresh.batches }, sheet.getName());
    } else {
      panel = this.rewriteKeeping(sheet, fresh, d, status).panel;
    }
    const plan = fresh.batches?.find((b) => b.id === batchId)?.plan ?? null;
    const next = inspection.result === 'pass' ? '' : ' The lot can be re-inspected after it is sorted or reworked.';
    return { data: { inspection, plan, panel }, notice: `${status}${next}` };
  }

  refreshMaterials(orderId: string): { panel: OrderPanel; notice?: string } {
    const { sheet, snap: old } = this.orderSheet(orderId);
    const d = quantitiesOpen(old.state) ? this.diffOf(sheet, old) : null;
    if (d?.structureChanged)
      throw new UserError('UNPUSHED_CHANGES', 'Push your new sizes/colors before refreshing the materials.');
    try {
      this.api().refreshMaterials(orderId);
    } catch (e) {
      if (e instanceof ApiError) throw new ContextError(e, 'refreshMaterials');
      throw e;
    }
    const snap = this.pull(orderId);
    const res = this.rewriteKeeping(sheet, snap, d, `Materials refreshed ${this.when(snap.pulledAt)}`);
    return { panel: res.panel, notice: res.notice ?? 'Materials summary refreshed.' };
  }
}

/** The inspection body: whole counts of 0 or more only; empty text left out. */
export function inspectionBody(input: InspectionInput): InspectionInput {
  const out: InspectionInput = {};
  const bad: string[] = [];
  const count = (v: unknown, label: string): number | undefined => {
    if (v === undefined || v === null || v === '') return undefined;
    const n = typeof v === 'number' ? v : Number(String(v).trim());
    if (!Number.isInteger(n) || n < 0) {
      bad.push(`${label} must be a whole number of 0 or more`);
      return undefined;
    }
    return n;
  };
  const sample = count(input?.sampleSize, 'Sample size');
  if (sample !== undefined) out.sampleSize = sample;
  for (const k of DEFECT_CLASSES) {
    const key = `${k}Defects` as const;
    const v = count(input?.[key], `${k.charAt(0).toUpperCase()}${k.slice(1)} defects`);
    if (v !== undefined) out[key] = v;
  }
  const inspector = typeof input?.inspector === 'string' ? input.inspector.trim() : '';
  if (inspector) out.inspector = inspector;
  const notes = typeof input?.notes === 'string' ? input.notes.trim() : '';
  if (notes) out.notes = notes;
  if (bad.length) throw new UserError('VALIDATION_FAILED', `The inspection was not sent: ${bad.join('; ')}.`);
  return out;
}

/** Where a cell of `m` landed on a rendered sheet. */
function placeOf(m: Matrix, r: Rendered, c: { color: string; size: string }): Pick<ConflictRow, 'row' | 'col' | 'ref'> {
  const row = r.quantities.row + m.colors.indexOf(c.color);
  const col = r.quantities.col + m.sizes.indexOf(c.size);
  return { row, col, ref: a1(row, col) };
}

/**
 * A refused amendment (409 BELOW_BATCHED, nothing applied): names each cell where the sheet has it
 * (A1) with its batched quantity. The sheet keeps the planner's values (blue) to correct and push.
 */
function belowBatched(e: ApiError, m: Matrix): UserError {
  const raw = (e.details as { cells?: unknown } | undefined)?.cells;
  const cells = (Array.isArray(raw) ? raw : []).filter(
    (c): c is { color: string; size: string; batched: number; requested?: number } =>
      !!c && typeof c.color === 'string' && typeof c.size === 'string' && typeof c.batched === 'number',
  );
  if (!cells.length) return new UserError('BELOW_BATCHED', friendlyApiError(e).message, e.details);
  const shown = cells
    .slice(0, 5)
    .map((c) => {
      const asked = typeof c.requested === 'number' ? `, you asked ${c.requested.toLocaleString('en-US')}` : '';
      return `${quantityA1(m, c.color, c.size)} (${c.color}/${c.size}) has ${c.batched.toLocaleString('en-US')} batched${asked}`;
    })
    .join('; ');
  const more = cells.length > 5 ? ` and ${cells.length - 5} more` : '';
  return new UserError(
    'BELOW_BATCHED',
    `Nothing was sent: ${plural(cells.length, 'cell')} would go below what is already batched: ${shown}${more}. ` +
      'Keep each at least at its batched quantity (or cancel Planned batches first), then push again.',
    { cells },
  );
}

/** Where the bad cells are once the sheet is rewritten from `matrix` ("C8, D9"). */
function badCells(d: SheetDiff, matrix: { sizes: string[]; colors: string[] }): string {
  return cellList(d.bad.map((b) => quantityA1(matrix, b.color, b.size)));
}

function capitalized(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
