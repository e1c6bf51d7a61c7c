// What each sidebar button does, over the Apps Script services (real or fake). main.ts exposes
// these as the script's global functions; everything here is plain TypeScript Node can run.
import { ApiClient, ApiError, urlFetchTransport, type Transport } from './api.js';
import { composeView, readConflictDetails, type ConflictDetails } from './conflicts.js';
import { diffSheet, pendingCount, type SheetDiff } from './diff.js';
import { sheetChanges } from './edits.js';
import type { GasServices, GSheet, GSpreadsheet } from './gas.js';
import { cellList, parseOrderSheet, quantityA1, renderOrderSheet, utcWhen, type CellMark } from './layout.js';
import { ContextError, friendlyApiError, UserError } from './messages.js';
import type { BatchAction } from '../../shared/batches.js';
import { matrixTotal } from '../../shared/matrix.js';
import { EDITABLE_STATES, isEditableState as isEditable } from '../../shared/productionOrder.js';
import {
  BATCH_ACTION_WORDS,
  isOrderCommand,
  ORDER_COMMAND_WORDS,
  orderCommandsFrom,
  stateWord,
} from '../../shared/vocabulary.js';
import {
  DEFECT_CLASSES,
  snapshotOf,
  type ApiBatch,
  type ApiMaterials,
  type BatchRow,
  type InspectionInput,
  type InspectionPlan,
  type OrderSnapshot,
  type ProductionOrder,
} from './model.js';
import { outputSheetName, parseOutputSheet, renderOutputSheet, unaccountedCells } from './output.js';
import type {
  InspectionForm,
  InspectionOutcome,
  ListPage,
  OrderListItem,
  OrderListQuery,
  OrderPanel,
  PendingChanges,
  PushSummary,
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

function same(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
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
      editable: isEditable(snap.state),
      actions: orderCommandsFrom(snap.state),
      batches: snap.batches ?? [],
      progress: { ...snap.progress, missing: snap.progress.missing ?? 0 },
      tolerance: snap.tolerance ?? null,
      extraCutPct: snap.extraCutPct ?? 0,
      materialsStale: snap.materials ? snap.materials.stale : null,
      pulledAt: snap.pulledAt,
    };
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
    return { ...changes, sheetName: found.sheet.getName(), editable: isEditable(found.snap.state) };
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

  /** Pulls the order with its batches and materials: one UrlFetchApp.fetchAll. */
  private pull(orderId: string): OrderSnapshot {
    const { order, batches, materials } = this.api().pullOrder(orderId);
    return this.snapshot(order, batches, materials, this.plansOf(orderId));
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
  ): OrderSnapshot {
    const errors: string[] = [];
    if (batches instanceof ApiError) errors.push(`Batches: ${friendlyApiError(batches).message}`);
    if (materials instanceof ApiError) errors.push(`Materials: ${friendlyApiError(materials).message}`);
    return snapshotOf(
      order,
      batches instanceof ApiError ? null : batches,
      materials instanceof ApiError ? null : materials,
      errors,
      this.now(),
      plans,
    );
  }

  /** Writes the sheet (one setValues) and remembers what it was written from. */
  private write(
    sheet: GSheet,
    snap: OrderSnapshot,
    view?: { display?: unknown[][]; marks?: CellMark[] },
    status?: string,
  ): void {
    const rendered = renderOrderSheet({
      snap,
      display: view?.display as never,
      marks: view?.marks,
      status:
        status ??
        `Pulled ${this.when(snap.pulledAt)}${snap.sectionErrors.length ? ` — ${snap.sectionErrors.join(' ')}` : ''}`,
      when: (iso) => this.when(iso),
    });
    const prev = this.state.get(sheet.getSheetId())?.snap.written;
    const written = writeOrderSheet(this.g.SpreadsheetApp, sheet, rendered, prev);
    this.state.put({ sheetId: sheet.getSheetId(), snap: { ...snap, written } }, this.now());
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

  openOrder(orderId: string): { panel: OrderPanel; notice?: string } {
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
    const snap = this.pull(orderId);
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
    const opened = this.openOrder(order.id);
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
    const unsent = d && isEditable(snap.state) ? [...d.edits] : [];
    const view = composeView({
      server: snap.matrix,
      unsent,
      bad: d?.bad ?? [],
      conflictBy: snap.updatedBy,
      conflictAt: this.when(snap.updatedAt),
    });
    const kept = view.pending + view.conflicted + view.invalid;
    const notice = kept
      ? `${status}. ${view.pending ? `${plural(view.pending, 'unpushed change')} kept (blue). ` : ''}${view.conflicted ? `${plural(view.conflicted, 'cell')} changed on both sides (red). ` : ''}${view.invalid ? `${plural(view.invalid, 'bad cell')} (orange).` : ''}`.trim()
      : undefined;
    this.write(sheet, { ...snap, matrix: view.base }, view, notice ?? status);
    sheet.activate();
    return { panel: this.panel(snap, sheet.getName()), notice };
  }

  // ---- push --------------------------------------------------------------------------------------

  pushOrder(orderId: string): { summary: PushSummary; notice?: string } {
    const lock = this.g.LockService.getDocumentLock();
    if (!lock.tryLock(20_000))
      throw new UserError('BUSY', 'Another push is running in this spreadsheet: try again in a few seconds.');
    try {
      return this.pushLocked(orderId);
    } finally {
      lock.releaseLock();
    }
  }

  private pushLocked(orderId: string): { summary: PushSummary; notice?: string } {
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
        order = api.matrixEdits(orderId, { baseVersion, edits: cells });
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 'EDIT_CONFLICT')) throw e;
        conflict = readConflictDetails(e.details);
      }
    }
    if (conflict) {
      // Nothing of the request was applied. Read what the order holds now and lose nothing.
      const current = api.getOrder(orderId);
      const snap = { ...this.snapshot(current, null, null), batches: old.batches, materials: old.materials };
      const view = composeView({
        server: current.matrix,
        unsent: cells,
        conflicts: conflict.conflicts,
        conflictBy: conflict.updatedBy ?? current.updatedBy,
        conflictAt: this.when(conflict.updatedAt ?? current.updatedAt),
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
      const red = view.marks.filter((mk) => mk.kind === 'conflict');
      const where = red.length
        ? ` Red: ${cellList(red.map((mk) => quantityA1(current.matrix, mk.color, mk.size)))}.`
        : '';
      this.write(sheet, { ...snap, matrix: view.base }, view, `${where.trim()} ${msg}${dropped}`.trim());
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
    let materials = old.materials;
    let materialsNote = '';
    try {
      materials = api.getMaterials(orderId);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      materialsNote = ` Materials could not be read again (${friendlyApiError(e).message}): they show the last pull.`;
    }
    const snap = { ...this.snapshot(order, null, materials), batches: old.batches };
    const view = composeView({ server: order.matrix, bad: d.bad });
    const what = `${plural(cells.length, 'change')}${d.structureChanged ? ' and the new sizes/colors' : ''}`;
    const badWhere = view.invalid
      ? ` ${plural(view.invalid, 'bad cell')} not sent (orange): ${badCells(d, order.matrix)}.`
      : '';
    const status = `Pushed ${what}: now version ${order.version}.${badWhere}${materialsNote}`;
    this.write(sheet, { ...snap, matrix: view.base }, view, status); // the one range write
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
    if (isEditable(old.state) && action !== 'cancel') {
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
    const body =
      action === 'shortClose'
        ? { action: 'complete', shortClose: true, reason }
        : { action, ...(reason ? { reason } : {}) };
    const api = this.api();
    try {
      api.transition(orderId, body);
    } catch (e) {
      if (e instanceof ApiError) throw new ContextError(e, action);
      throw e;
    }
    const snap = this.pull(orderId);
    const status = `${capitalized(words.done)}: now ${stateWord(snap.state)} (version ${snap.version}).`;
    this.write(sheet, snap, undefined, status);
    return { panel: this.panel(snap, sheet.getName()), notice: `Order ${orderId} is now ${stateWord(snap.state)}.` };
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
    const d = isEditable(old.state) ? this.diffOf(sheet, old) : null;
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
    const d = isEditable(old.state) ? this.diffOf(sheet, old) : null;
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

/** Where the bad cells are once the sheet is rewritten from `matrix` ("C8, D9"). */
function badCells(d: SheetDiff, matrix: { sizes: string[]; colors: string[] }): string {
  return cellList(d.bad.map((b) => quantityA1(matrix, b.color, b.size)));
}

function capitalized(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
