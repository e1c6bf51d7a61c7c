// After release the plan still moves, on the record (DESIGN, issue 14), from the sheet and the sidebar:
// - an amendment: a Released/InProgress order's quantities typed on the sheet, pushed with a reason
//   (the push itself is service.ts's; here what the menu's push does when the reason is missing);
// - a re-promise: PATCH deliveryDate with a reason and If-Match (freely, without one, in Draft/Planned);
// - a split: the planner's selection on the order sheet (cells, or whole color rows / size columns)
//   mapped onto the order's cells, their un-batched quantity proposed, POST .../split;
// - a backorder: the short-close's choice (service.ts sends it), named after completing.
// The pure parts (selection -> cells, request bodies, wording) are exported for unit tests; the
// AfterRelease class runs them over the service's sheet and API (AfterReleaseHost).
import { FINAL_STATES } from '../../shared/productionOrder.js';
import { matrixTotal, reshape } from '../../shared/matrix.js';
import { AFTER_RELEASE_WORDS, stateWord, count, plural } from '../../shared/vocabulary.js';
import { ApiError, type ApiClient } from './api.js';
import { deliveryDateAvailability } from './availability.js';
import { pendingCount, type SheetDiff } from './diff.js';
import type { GRange, GSheet } from './gas.js';
import { a1, cellList, CORNER_ROW, FIRST_QTY_COL, FIRST_QTY_ROW, quantityA1 } from './layout.js';
import { friendlyApiError, UserError } from './messages.js';
import type { Matrix, OrderSnapshot, ProductionOrder } from './model.js';
import type {
  DeliveryDateRequest,
  OrderPanel,
  SplitCell,
  SplitOutcome,
  SplitProposal,
  SplitRequestInput,
} from './protocol.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

// ---- the panel's facts ----------------------------------------------------------------------------

/** What the sidebar needs beyond the order's own fields: the first promise, the links, what may move. */
export function linkFacts(
  snap: OrderSnapshot,
): Pick<OrderPanel, 'originalDeliveryDate' | 'splitFrom' | 'backorderOf' | 'backorderId' | 'unbatched' | 'shortfall'> {
  const m = snap.matrix;
  const over = (x: Matrix | null | undefined) => (x ? reshape(x, m.sizes, m.colors).quantities : null);
  const cells = snap.cells;
  const batched = cells ? over(cells.batched) : null;
  const produced = cells ? over(cells.produced) : null;
  const sum = (f: (q: number, r: number, c: number) => number) =>
    m.quantities.reduce((t, row, r) => t + row.reduce((u, q, c) => u + f(q, r, c), 0), 0);
  return {
    originalDeliveryDate: snap.originalDeliveryDate ?? null,
    splitFrom: snap.splitFrom ?? null,
    backorderOf: snap.backorderOf ?? null,
    backorderId: snap.backorderId ?? null,
    unbatched: cells ? sum((q, r, c) => Math.max(0, q - (batched?.[r][c] ?? 0))) : null,
    shortfall: cells ? sum((q, r, c) => Math.max(0, q - (produced?.[r][c] ?? 0))) : null,
  };
}

/** "2027-05-17 (first promised 2027-05-03)": the delivery as the sidebar shows it. */
export function deliveryWords(p: Pick<OrderPanel, 'deliveryDate' | 'originalDeliveryDate'>): string {
  if (!p.deliveryDate) return 'not set';
  const first = p.originalDeliveryDate;
  return first && first !== p.deliveryDate ? `${p.deliveryDate} (first promised ${first})` : p.deliveryDate;
}

// ---- split: the selection onto the order's cells ----------------------------------------------------

/** A selection on the order sheet, 1-based, as Apps Script's Range reports it. */
export interface Selection {
  row: number;
  col: number;
  numRows: number;
  numCols: number;
}

/**
 * The order's cells a selection covers, on a sheet laid out from `m` (layout.ts: quantities from
 * FIRST_QTY_ROW / FIRST_QTY_COL). Selecting a color code (column A) or a whole row takes the whole
 * color; a size code (the size row) or a whole column the whole size; quantity cells themselves.
 * Each cell with what it has un-batched (ordered minus batched); cells with none are named apart.
 */
export function splitCells(
  sel: Selection,
  m: Matrix,
  batched: Matrix | null,
): { cells: SplitCell[]; nothingLeft: string[]; problem?: string } {
  const lastRow = sel.row + sel.numRows - 1;
  const lastCol = sel.col + sel.numCols - 1;
  const inRows = (at: number) => at >= sel.row && at <= lastRow;
  const inCols = (at: number) => at >= sel.col && at <= lastCol;
  // Column A holds the color codes (a whole row starts there too): the whole color.
  const wholeColors = sel.col <= 1;
  // The size row holds the size codes (a whole column crosses it): the whole size.
  const wholeSizes = !wholeColors && inRows(CORNER_ROW);
  const rows = m.colors.map((_, r) => r).filter((r) => wholeSizes || inRows(FIRST_QTY_ROW + r));
  const cols = m.sizes.map((_, c) => c).filter((c) => wholeColors || inCols(FIRST_QTY_COL + c));
  if (!rows.length || !cols.length) {
    return {
      cells: [],
      nothingLeft: [],
      problem:
        'The selection holds none of the order\u2019s quantity cells: select cells of the matrix, whole color rows ' +
        '(their codes in column A) or whole sizes (their codes in the size row).',
    };
  }
  const done = batched ? reshape(batched, m.sizes, m.colors).quantities : null;
  const cells: SplitCell[] = [];
  const nothingLeft: string[] = [];
  for (const r of rows)
    for (const c of cols) {
      const ordered = m.quantities[r][c];
      const b = done?.[r][c] ?? 0;
      const available = Math.max(0, ordered - b);
      const ref = a1(FIRST_QTY_ROW + r, FIRST_QTY_COL + c);
      if (available > 0) cells.push({ color: m.colors[r], size: m.sizes[c], ref, ordered, batched: b, available });
      else if (ordered > 0) nothingLeft.push(ref);
    }
  return { cells, nothingLeft };
}

/** "B7:D8" (or "C8"): the selection in A1 notation. */
export function rangeA1(sel: Selection): string {
  const start = a1(sel.row, sel.col);
  return sel.numRows === 1 && sel.numCols === 1
    ? start
    : `${start}:${a1(sel.row + sel.numRows - 1, sel.col + sel.numCols - 1)}`;
}

/**
 * The body of POST .../split from the sidebar's form: the cells with a quantity, over the sizes and
 * colors that hold any (in the order's order), the reason, the date when given. Every problem named.
 */
export function splitBody(
  input: SplitRequestInput,
  m: Matrix,
): { matrix: Matrix; reason: string; deliveryDate?: string; total: number } {
  const problems: string[] = [];
  const want = new Map<string, number>();
  for (const c of Array.isArray(input?.cells) ? input.cells : []) {
    const r = m.colors.indexOf(c?.color);
    const k = m.sizes.indexOf(c?.size);
    const where = r >= 0 && k >= 0 ? quantityA1(m, c.color, c.size) : `${c?.color}/${c?.size}`;
    if (r < 0 || k < 0) {
      problems.push(`${where} is not a cell of this order`);
      continue;
    }
    const q = typeof c.quantity === 'number' ? c.quantity : Number(String(c.quantity ?? '').trim());
    if (!Number.isInteger(q) || q < 0) {
      problems.push(`${where} (${c.color}/${c.size}) must be a whole number of 0 or more`);
      continue;
    }
    if (q > 0) want.set(`${r}:${k}`, q);
  }
  const reason = typeof input?.reason === 'string' ? input.reason.trim() : '';
  if (!reason) problems.push('give the reason (it is kept in both orders\u2019 history)');
  const date = typeof input?.deliveryDate === 'string' ? input.deliveryDate.trim() : '';
  if (date && !ISO_DATE.test(date)) problems.push('the delivery date must be a date (YYYY-MM-DD)');
  if (!problems.length && want.size === 0) problems.push('give at least one cell a quantity to move');
  if (problems.length) throw new UserError('VALIDATION_FAILED', `Nothing was split: ${problems.join('; ')}.`);
  const rowsUsed = m.colors.map((_, r) => r).filter((r) => m.sizes.some((_, k) => want.has(`${r}:${k}`)));
  const colsUsed = m.sizes.map((_, k) => k).filter((k) => m.colors.some((_, r) => want.has(`${r}:${k}`)));
  const matrix: Matrix = {
    sizes: colsUsed.map((k) => m.sizes[k]),
    colors: rowsUsed.map((r) => m.colors[r]),
    quantities: rowsUsed.map((r) => colsUsed.map((k) => want.get(`${r}:${k}`) ?? 0)),
  };
  return { matrix, reason, ...(date ? { deliveryDate: date } : {}), total: matrixTotal(matrix) };
}

/** A refused split in words, cells named where the sheet has them (A1) with what they have un-batched. */
export function splitRefusal(e: ApiError, m: Matrix): UserError {
  const d = (e.details ?? {}) as { cells?: unknown; total?: unknown };
  if (e.code === 'BELOW_BATCHED') {
    const cells = (Array.isArray(d.cells) ? d.cells : []).filter(
      (c): c is { color: string; size: string; available: number; requested: number; batched: number } =>
        !!c && typeof c.color === 'string' && typeof c.size === 'string' && typeof c.available === 'number',
    );
    if (cells.length) {
      const said = cells
        .slice(0, 5)
        .map(
          (c) =>
            `${quantityA1(m, c.color, c.size)} (${c.color}/${c.size}) has ${count(c.available)} un-batched` +
            ` (${count(c.batched)} batched, you asked ${count(c.requested)})`,
        )
        .join('; ');
      const more = cells.length > 5 ? ` and ${cells.length - 5} more` : '';
      return new UserError(
        'BELOW_BATCHED',
        `Nothing was split: only garments not yet batched can move. ${said}${more}. ` +
          'Lower those quantities (someone may have batched them since you selected), then split again.',
        { cells },
      );
    }
  }
  if (e.code === 'SPLIT_TAKES_ALL')
    return new UserError(
      'SPLIT_TAKES_ALL',
      'Nothing was split: that would move every garment of the order, leaving nothing behind. ' +
        'To move the whole order to another date, re-promise its delivery date instead.',
      e.details,
    );
  const f = friendlyApiError(e);
  return new UserError(f.code, `Nothing was split: ${f.message}`, f.details);
}

// ---- re-promise ------------------------------------------------------------------------------------

/** The PATCH body: the date, and the reason when the state wants one (or the planner gave one). */
export function deliveryDateBody(
  state: OrderSnapshot['state'],
  req: DeliveryDateRequest,
  current: string | null,
): { deliveryDate: string; reason?: string } {
  const rule = deliveryDateAvailability(state);
  if (!rule)
    throw new UserError('NOT_EDITABLE', `This order is ${stateWord(state)}: its delivery date no longer changes.`);
  const date = typeof req?.deliveryDate === 'string' ? req.deliveryDate.trim() : '';
  const reason = typeof req?.reason === 'string' ? req.reason.trim() : '';
  const problems: string[] = [];
  if (!ISO_DATE.test(date)) problems.push('pick the new delivery date');
  else if (date === current) problems.push(`the order is already due ${date}`);
  if (rule.needsReason && !reason)
    problems.push(`give the reason: the order is ${stateWord(state)}, so the date is re-promised on the record`);
  if (problems.length)
    throw new UserError(
      rule.needsReason && !reason && ISO_DATE.test(date) ? 'REASON_REQUIRED' : 'VALIDATION_FAILED',
      `The delivery date was not changed: ${problems.join('; ')}.`,
    );
  return reason ? { deliveryDate: date, reason } : { deliveryDate: date };
}

// ---- backorder and the menu's push ----------------------------------------------------------------------

/** After a short-close: the backorder the completion opened, in words (nothing when none). */
export function backorderNotice(order: Pick<ProductionOrder, 'backorderId'> | null | undefined): string {
  const id = order?.backorderId;
  return id
    ? ` Backorder ${id} opened in Draft for the shortfall: open it from the sidebar (or the list) to plan it.`
    : '';
}

/** A short-close with a backorder refused because nothing is short, in words. */
export function nothingShort(e: ApiError): UserError {
  const d = (e.details ?? {}) as { ordered?: unknown; produced?: unknown };
  const made =
    typeof d.ordered === 'number' && typeof d.produced === 'number'
      ? ` (${count(d.produced)} produced of ${count(d.ordered)} ordered)`
      : '';
  return new UserError(
    'NOTHING_SHORT',
    `Nothing was closed: every cell produced its ordered quantity${made}, so there is no shortfall to ` +
      `backorder. Untick "${AFTER_RELEASE_WORDS.backorder.label}", or complete the order instead.`,
    e.details,
  );
}

/**
 * The menu's Push for the active order sheet. An amendment needs a reason, which a menu cannot ask
 * for: nothing is sent, the sidebar opens (its push asks why) and the toast says so.
 */
export function pushFromMenu(
  s: {
    activeOrderId(): string;
    activeOrder(): Pick<OrderPanel, 'state'> | null;
    pushOrder(orderId: string): { notice?: string };
  },
  openSidebar: () => void,
): string | undefined {
  const id = s.activeOrderId();
  try {
    return s.pushOrder(id).notice;
  } catch (e) {
    if (!(e instanceof UserError && e.code === 'REASON_REQUIRED')) throw e;
    openSidebar();
    const pending = (e.details as { pending?: number } | undefined)?.pending ?? 0;
    return amendFromMenuWords(id, s.activeOrder()?.state ?? 'Released', pending);
  }
}

/** The menu's Push: an amendment needs a reason, which a menu cannot ask for; the sidebar can (opened). */
export function amendFromMenuWords(orderId: string, state: OrderSnapshot['state'], pending: number): string {
  return (
    `Nothing was sent: order ${orderId} is ${stateWord(state)}, so your ${plural(pending, 'change')} ` +
    `${pending === 1 ? 'is an amendment' : 'are an amendment'} and need${pending === 1 ? 's' : ''} a reason. ` +
    `The sidebar is open: click "${AFTER_RELEASE_WORDS.amend.label}" there and say why.`
  );
}

// ---- the actions over the service -------------------------------------------------------------------

/** What the actions use of AddonService (service.ts afterRelease() binds them). */
export interface AfterReleaseHost {
  api(): ApiClient;
  uuid(): string;
  orderSheet(orderId: string): { sheet: GSheet; snap: OrderSnapshot };
  pull(orderId: string): OrderSnapshot;
  diffOf(sheet: GSheet, snap: OrderSnapshot): SheetDiff;
  rewriteKeeping(
    sheet: GSheet,
    snap: OrderSnapshot,
    d: SheetDiff | null,
    status: string,
  ): { panel: OrderPanel; notice?: string };
  activeRange(): GRange | null;
  toast(message: string): void;
}

export class AfterRelease {
  constructor(private readonly host: AfterReleaseHost) {}

  /**
   * Re-promise (Released/InProgress, with a reason) or change (Draft/Planned) the delivery date: one
   * conditional PATCH (If-Match: the version pulled). When only other fields moved meanwhile (the date
   * is still the one the planner saw), it goes once more against the current version.
   */
  changeDeliveryDate(orderId: string, req: DeliveryDateRequest): { panel: OrderPanel; notice?: string } {
    const { sheet, snap } = this.host.orderSheet(orderId);
    const body = deliveryDateBody(snap.state, req, snap.deliveryDate);
    const d = this.host.diffOf(sheet, snap);
    if (d.structureChanged)
      throw new UserError('UNPUSHED_CHANGES', 'Push your new sizes/colors first, or use "Discard my changes".');
    const api = this.host.api();
    const words = body.reason ? AFTER_RELEASE_WORDS.repromise : AFTER_RELEASE_WORDS.redate;
    this.host.toast(`${words.doing}: ${orderId} to ${body.deliveryDate}…`);
    let order: ProductionOrder;
    try {
      order = api.patchOrder(orderId, snap.version, body);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      const current = e.status === 412 ? currentOf(e, () => api.getOrder(orderId)) : null;
      if (!current || current.deliveryDate !== snap.deliveryDate || current.state !== snap.state) {
        const f = friendlyApiError(e);
        throw new UserError(f.code, `The delivery date was not changed: ${f.message}`, f.details);
      }
      order = api.patchOrder(orderId, current.version, body);
    }
    const fresh = this.host.pull(orderId);
    const first = order.originalDeliveryDate;
    const kept = body.reason && first && first !== order.deliveryDate ? ` (first promised ${first})` : '';
    const status = `Delivery ${words.done}: now ${order.deliveryDate}${kept}, version ${order.version}.`;
    const out = this.host.rewriteKeeping(sheet, fresh, d, status);
    return { panel: out.panel, notice: out.notice ? `${status} ${out.notice}` : status };
  }

  /**
   * What a split of the planner's selection would move: the active range (position only, no values
   * read) on the order's sheet, mapped onto the order's cells, each with its un-batched quantity.
   */
  proposeSplit(orderId: string): SplitProposal {
    const { sheet, snap } = this.host.orderSheet(orderId);
    if (FINAL_STATES.includes(snap.state))
      throw new UserError('NOT_EDITABLE', `This order is ${stateWord(snap.state)}: nothing can be split off.`);
    const range = this.host.activeRange();
    if (!range || range.getSheet().getSheetId() !== sheet.getSheetId())
      throw new UserError(
        'NO_SELECTION',
        `Select the cells to split off on the sheet "${sheet.getName()}" first: quantity cells, whole color rows ` +
          '(their codes in column A) or whole sizes (their codes in the size row).',
      );
    const sel = {
      row: range.getRow(),
      col: range.getColumn(),
      numRows: range.getNumRows(),
      numCols: range.getNumColumns(),
    };
    const found = splitCells(sel, snap.matrix, snap.cells?.batched ?? null);
    if (found.problem) throw new UserError('NO_SELECTION', `${rangeA1(sel)}: ${found.problem}`);
    if (!found.cells.length)
      throw new UserError(
        'NOTHING_TO_SPLIT',
        `Nothing in ${rangeA1(sel)} can be split off: ${fullyBatched(found.nothingLeft)}.`,
      );
    return { orderId, range: rangeA1(sel), cells: found.cells, nothingLeft: found.nothingLeft };
  }

  /** POST .../split with the planner's cells, reason and date; the sheet is rewritten from the order after. */
  splitOrder(orderId: string, input: SplitRequestInput): { data: SplitOutcome; notice?: string } {
    const { sheet, snap } = this.host.orderSheet(orderId);
    const { total, ...body } = splitBody(input, snap.matrix);
    const d = this.host.diffOf(sheet, snap);
    const n = pendingCount(d);
    if (n > 0)
      throw new UserError(
        'UNPUSHED_CHANGES',
        `You have ${plural(n, 'unpushed change')} on the sheet: push ${n === 1 ? 'it' : 'them'} first ` +
          '(or use "Discard my changes"), then split.',
        { pending: n },
      );
    const api = this.host.api();
    this.host.toast(`${AFTER_RELEASE_WORDS.split.doing} ${plural(total, 'garment')} off ${orderId}…`);
    let split: ProductionOrder;
    try {
      const path = `/production-orders/${encodeURIComponent(orderId)}/split`;
      const res = api.send<{ order: ProductionOrder; split: ProductionOrder }>(
        api.req('POST', path, body, { 'Idempotency-Key': this.host.uuid() }),
      );
      split = res.split;
    } catch (e) {
      if (e instanceof ApiError) throw splitRefusal(e, snap.matrix);
      throw e;
    }
    const fresh = this.host.pull(orderId);
    const due = split.deliveryDate ? `, due ${split.deliveryDate}` : '';
    const status = `Split ${plural(total, 'garment')} off to order ${split.id} (${stateWord(split.state)}${due}).`;
    const out = this.host.rewriteKeeping(sheet, fresh, null, status);
    return {
      data: { panel: out.panel, splitId: split.id, moved: total },
      notice: `${status} Open it from the sidebar to see it as a sheet.`,
    };
  }
}

/** "C7, D7 are fully batched" (or: the cells hold nothing). */
function fullyBatched(refs: string[]): string {
  if (!refs.length) return 'those cells hold no garments';
  return `${cellList(refs)} ${refs.length === 1 ? 'is' : 'are'} fully batched`;
}

/** The order as it stands, from a 412's details (the API sends it) or read again. */
function currentOf(e: ApiError, read: () => ProductionOrder): ProductionOrder | null {
  const c = (e.details as { current?: ProductionOrder } | undefined)?.current;
  if (c && typeof c.version === 'number') return c;
  try {
    return read();
  } catch {
    return null;
  }
}
