/// <reference lib="dom" />
// The sidebar: the current order (push, refresh, transitions, batches, materials, conflicts,
// bulk entry), the order list (filters, pagination) and new orders. Plain DOM; every server call
// goes through run.ts. Google's Editor add-on conventions: its CSS look (style.css), messages next
// to the control that caused them, confirmations inside the sidebar, progress with counts.
import { isInProduction, type BatchAction } from '../../shared/batches.js';
import { ORDER_STATES, type OrderState } from '../../shared/types.js';
import {
  AFTER_RELEASE_WORDS,
  BATCH_ACTION_WORDS,
  ORDER_COMMAND_WORDS,
  stateWord,
  type OrderCommand,
} from '../../shared/vocabulary.js';
import { batchAvailability, orderAvailability, pushAvailability } from '../src/availability.js';
import { inspectionWords, planWords } from '../src/layout.js';
import { toleranceWords } from '../src/messages.js';
import type { BatchRow, InspectionPlan } from '../src/model.js';
import type {
  BulkOutcome,
  ConflictChoice,
  ConflictRow,
  InspectionInput,
  ListPage,
  OrderListItem,
  OrderPanel,
  PushSummary,
  RatioFillRequest,
  TechPackListItem,
} from '../src/protocol.js';
import type { SidebarKit } from './kit.js';
import { renderMilestones } from './milestones.js';
import { SHOW_CELLS_LABEL, showBatchCells } from './batchCells.js';
import { call, ServerError, type Answer } from './run.js';
import {
  backorderChosen,
  initAfterRelease,
  renderAfterRelease,
  renderSplitGate,
  showBackorderChoice,
} from './afterRelease.js';

/** Each batch action's server function, and the prefix of its button's id. */
const BATCH_BUTTON: Record<BatchAction, { fn: 'startBatch' | 'finishBatch' | 'cancelBatch'; id: string }> = {
  start: { fn: 'startBatch', id: 'start' },
  finish: { fn: 'finishBatch', id: 'finish' },
  cancel: { fn: 'cancelBatch', id: 'bcancel' },
};

function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing`);
  return el;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string>> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined) continue;
    if (k === 'text') node.textContent = v;
    else if (k === 'class') node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

const stateLabel = stateWord;
const fmt = (n: number) => n.toLocaleString('en-US');

// ---- status line, busy state, in-sidebar confirmations ---------------------------------------------

let busy = 0;

/** Buttons a gate disabled stay disabled after a busy spell (data-off). */
function setBusy(on: boolean, label = 'Working…'): void {
  busy += on ? 1 : -1;
  const b = $('busy');
  b.textContent = label;
  b.hidden = busy <= 0;
  document.body.classList.toggle('busy', busy > 0);
  for (const btn of Array.from(document.querySelectorAll('button')))
    (btn as HTMLButtonElement).disabled = busy > 0 || (btn as HTMLElement).dataset.off === '1';
}

/** Enables or disables a button for a reason that outlasts busy spells; the reason is its title. */
function gate(btn: HTMLButtonElement, enabled: boolean, reason?: string): void {
  btn.dataset.off = enabled ? '0' : '1';
  btn.disabled = !enabled || busy > 0;
  if (reason && !enabled) btn.title = reason;
  else btn.removeAttribute('title');
}

/**
 * Before a container is rebuilt: the message, the confirmation and the reason box may sit inside it
 * (next to a control); they move out first, so the rebuild never takes them along.
 */
function rescue(container: Element): void {
  for (const id of ['message', 'confirm-box', 'reason-box']) {
    const node = document.getElementById(id);
    if (node && container.contains(node)) $('message-home').after(node);
  }
  const m = document.getElementById('message');
  if (m && container.contains(m)) $('message-home').append(m);
}

/** The block a control sits in: its message goes right after it. */
function blockOf(anchor: Element): Element {
  return anchor.closest('.row, .batch, li, .grid2, details, .reason, .inspect, .conflicts') ?? anchor;
}

/**
 * The message, next to the control that caused it (or at the top when nothing did): an error from
 * a button low in a long batch list is shown under that button, in view.
 */
function say(kind: 'info' | 'ok' | 'error', text: string, anchor?: Element | null): void {
  const m = $('message');
  m.className = `msg ${kind}`;
  m.textContent = text;
  m.hidden = !text;
  const place = anchor && document.body.contains(anchor) ? blockOf(anchor) : null;
  if (place) place.after(m);
  else $('message-home').append(m);
  if (text && place) m.scrollIntoView({ block: 'nearest' });
}

let confirmed: (() => void) | null = null;

/** Asks inside the sidebar (never window.confirm), under the control that asked. */
function confirmHere(anchor: Element, text: string, yes: string, onYes: () => void): void {
  const box = $('confirm-box');
  $('confirm-text').textContent = text;
  $('confirm-ok').textContent = yes;
  blockOf(anchor).after(box);
  box.hidden = false;
  confirmed = onYes;
  ($('confirm-cancel') as HTMLButtonElement).focus();
}

function closeConfirm(): void {
  $('confirm-box').hidden = true;
  confirmed = null;
}

/** Runs one server call with the UI busy; its message lands next to `anchor` (the control clicked). */
async function act<T>(
  label: string,
  fn: () => Promise<Answer<T>>,
  onOk: (a: Answer<T>) => void,
  onError?: (e: ServerError) => void,
  anchor?: Element | null,
): Promise<boolean> {
  setBusy(true, label);
  try {
    const a = await fn();
    onOk(a);
    // After rendering (which may rebuild the anchor): the notice next to what caused it.
    if (a.notice) say('ok', a.notice, anchor && document.body.contains(anchor) ? anchor : anchorAgain(anchor));
    return true;
  } catch (e) {
    const text = e instanceof ServerError || e instanceof Error ? e.message : String(e);
    say('error', text, anchor && document.body.contains(anchor) ? anchor : anchorAgain(anchor));
    if (e instanceof ServerError && e.code === 'NO_API_URL') $('open-settings').hidden = false;
    if (e instanceof ServerError && onError) onError(e);
    return false;
  } finally {
    setBusy(false);
  }
}

/** A button rebuilt by a render is found again by its id. */
function anchorAgain(anchor?: Element | null): Element | null {
  const id = anchor?.id;
  return id ? document.getElementById(id) : null;
}

// ---- the current order -------------------------------------------------------------------------

let current: OrderPanel | null = null;

function renderCurrent(p: OrderPanel | null): void {
  pending = null; // counted again below (the sheet may have changed with this answer)
  current = p;
  $('current-empty').hidden = !!p;
  $('current-body').hidden = !p;
  if (!p) return;
  $('c-id').textContent = p.orderId;
  $('c-style').textContent = p.styleCode;
  $('c-state').textContent = stateLabel(p.state);
  $('c-state').className = `state s-${p.state}`;
  $('c-version').textContent = String(p.version);
  $('c-total').textContent = fmt(p.total);
  $('c-delivery').textContent = p.deliveryDate ?? 'not set';
  $('c-customer').textContent = p.customer ?? '—';
  $('c-sheet').textContent = p.sheetName;
  const pr = p.progress ?? { batched: 0, produced: 0, rejected: 0, missing: 0 };
  const missing = pr.missing ? `, ${fmt(pr.missing)} missing` : '';
  const made = `${fmt(pr.produced)} made, ${fmt(pr.rejected)} rejected`;
  $('c-progress').textContent = `${made}${missing} (${fmt(pr.batched)} batched)`;
  $('c-tolerance').textContent = p.tolerance ? toleranceWords(p.tolerance) : '—';
  $('c-extracut').textContent = p.extraCutPct ? `${p.extraCutPct}% over the ordered quantity` : 'none';
  ($('push') as HTMLButtonElement).hidden = !p.editable;
  ($('discard') as HTMLButtonElement).hidden = !p.editable;
  $('bulk').hidden = !p.editable;
  if (p.orderId !== filledFor) renderFill(p);
  renderConflicts(p);
  renderActions(p);
  renderPush();
  renderAfterRelease(p);
  if (p.editable) void loadPending(p.orderId);
  $('reason-box').hidden = true;
  pendingFinish = null;
  pendingPush = false;
  if (inspecting && !p.batches.some((b) => b.id === inspecting)) closeInspect();

  const rows = $('batches');
  rescue(rows);
  rows.replaceChildren();
  const none = isInProduction(p.state) ? 'No batches yet.' : 'Batches come once the order is Released.';
  if (!p.batches.length) rows.append(el('p', { class: 'hint', text: none }));
  for (const b of p.batches) rows.append(batchRowEl(b));

  const mat = $('materials');
  mat.textContent =
    p.materialsStale === null
      ? 'Materials: not available.'
      : p.materialsStale
        ? 'Materials: STALE — the tech pack BOM changed.'
        : 'Materials: up to date.';
  mat.className = p.materialsStale ? 'stale' : '';
  renderMilestones(kit, p);
}

/** What the sections in their own modules (milestones.ts) use of this file. */
const kit: SidebarKit = {
  el,
  act,
  say,
  gate,
  rescue,
  render: (p) => renderCurrent(p),
  current: () => current,
  pending: () => pending,
};

// ---- availability: what cannot succeed is shown disabled, with the reason -------------------------

/** Unpushed changes on the order's sheet (null: not counted yet). */
let pending: number | null = null;

function renderActions(p: OrderPanel): void {
  const actions = $('actions');
  rescue(actions);
  actions.replaceChildren();
  const why = el('ul', { class: 'why', id: 'action-why' });
  const facts = {
    ...p,
    batches: p.batches,
    techPackState: p.techPackState ?? null,
    toBatch: p.toBatch ?? null,
    pending: p.editable ? pending : 0,
  };
  for (const a of orderAvailability(facts)) {
    const label = ORDER_COMMAND_WORDS[a.action].label;
    const cls =
      a.action === 'cancel' ? 'danger' : a.action === 'generateBatches' || a.action === 'release' ? 'create' : '';
    const b = el('button', { id: `action-${a.action}`, type: 'button', text: label, class: cls });
    b.addEventListener('click', () => onAction(a.action, b));
    gate(b, a.enabled, a.reason);
    actions.append(b);
    if (!a.enabled) why.append(el('li', { 'data-why': a.action, text: `${label}: ${a.reason}` }));
  }
  if (why.children.length) actions.append(why);
}

function renderPush(): void {
  if (!current) return;
  const b = $('push') as HTMLButtonElement;
  const n = pending;
  const changes = n ? `${fmt(n)} change${n === 1 ? '' : 's'}` : '';
  if (current.amendment) b.textContent = `${AFTER_RELEASE_WORDS.amend.label}${changes ? `: ${changes}` : ''}`;
  else b.textContent = n === null ? 'Push changes' : n === 0 ? 'Push' : `Push ${changes}`;
  const a = pushAvailability(current.editable);
  gate(b, a.enabled, a.reason);
  const why = $('push-why');
  why.hidden = !current.editable || (a.enabled && !current.amendment);
  why.textContent = a.reason ?? (current.amendment ? AFTER_RELEASE_WORDS.amend.note : '');
  renderSplitGate(current);
}

let counting = false;

/**
 * Counts the sheet's unpushed changes (one read of the sheet), quietly: no busy state. It runs when
 * the order is shown, when the sidebar gets the focus back from the sheet, and when the pointer
 * comes to the push button or the actions (so the label is current before a click).
 */
async function loadPending(orderId: string): Promise<void> {
  if (counting) return;
  counting = true;
  const before = pending;
  try {
    const a = await call('getPendingChanges', orderId);
    if (current?.orderId !== orderId) return;
    pending = a.data ? a.data.pending : null;
  } catch {
    pending = null; // not counted: the push itself says
  } finally {
    counting = false;
  }
  if (current?.orderId !== orderId) return;
  renderPush();
  if (pending !== before) renderActions(current);
}

// ---- conflicts resolved in place ----------------------------------------------------------------------

function renderConflicts(p: OrderPanel): void {
  const rows = p.conflicts ?? [];
  $('conflicts').hidden = rows.length === 0;
  const n = rows.length;
  $('conflicts-title').textContent = `${fmt(n)} conflict${n === 1 ? '' : 's'}`;
  const body = $('conflict-rows');
  rescue(body);
  body.replaceChildren();
  for (const c of rows) body.append(conflictRowEl(p, c));
}

function conflictRowEl(p: OrderPanel, c: ConflictRow): HTMLElement {
  const cell = el('button', { type: 'button', class: 'link', id: `cell-${c.ref}`, text: c.ref });
  cell.title = `${c.color} / ${c.size}: show it on the sheet`;
  cell.addEventListener('click', () => {
    void act(
      `Showing ${c.ref}…`,
      () => call('selectCell', p.orderId, c.row, c.col),
      () => undefined,
      undefined,
      cell,
    );
  });
  const mine = el('button', { type: 'button', id: `mine-${c.ref}`, text: 'Keep mine' });
  const theirs = el('button', { type: 'button', id: `theirs-${c.ref}`, text: 'Take theirs' });
  mine.addEventListener('click', () => resolve([{ color: c.color, size: c.size, keep: 'mine' }], mine));
  theirs.addEventListener('click', () => resolve([{ color: c.color, size: c.size, keep: 'theirs' }], theirs));
  return el(
    'tr',
    { 'data-cell': c.ref },
    el(
      'td',
      {},
      cell,
      el('div', { class: 'secondary', text: `${c.color} / ${c.size}` }),
      el('div', { class: 'who', text: c.at ? `${c.by ?? 'another user'}, ${c.at}` : (c.by ?? 'another user') }),
    ),
    el('td', { class: 'num', text: fmt(c.mine) }),
    el('td', { class: 'num', text: fmt(c.theirs) }),
    el('td', { class: 'choices' }, mine, theirs),
  );
}

function resolve(choices: ConflictChoice[], anchor: Element): void {
  if (!current) return;
  const orderId = current.orderId;
  const what = choices.length === 1 ? `${choices[0].color}/${choices[0].size}` : `${fmt(choices.length)} cells`;
  void act(
    `Resolving ${what}…`,
    () => call('resolveConflicts', orderId, choices),
    (a) => renderCurrent(a.data),
    undefined,
    $('push'),
  );
  void anchor;
}

function resolveAll(keep: 'mine' | 'theirs', anchor: Element): void {
  const rows = current?.conflicts ?? [];
  if (!rows.length) return;
  const text =
    keep === 'mine'
      ? `Keep your value in all ${fmt(rows.length)} cells? They become changes to push, over the other planner's.`
      : `Take the other planner's value in all ${fmt(rows.length)} cells? Your values for them are dropped.`;
  confirmHere(anchor, text, keep === 'mine' ? 'Keep mine' : 'Take theirs', () =>
    resolve(
      rows.map((c) => ({ color: c.color, size: c.size, keep })),
      anchor,
    ),
  );
}

// ---- bulk entry: ratio fill, paste by codes -------------------------------------------------------------

let filledFor: string | null = null;

function renderFill(p: OrderPanel): void {
  filledFor = p.orderId;
  const sizes = p.sizes ?? [];
  const colors = p.colors ?? [];
  $('fill-sizes').textContent = sizes.length ? `Sizes, in order: ${sizes.join(' : ')}` : '';
  const ratio = $('fill-ratio') as HTMLInputElement;
  ratio.placeholder = sizes.map(() => '1').join(':') || '1:2:3:3:2:1';
  const box = $('fill-colors');
  box.replaceChildren();
  for (const [i, c] of colors.entries()) {
    const id = `fill-c-${i}`;
    box.append(el('label', { for: id, text: c }), el('input', { id, type: 'number', min: '0', 'data-color': c }));
  }
  $('paste-unknown').hidden = true;
}

function readFill(): RatioFillRequest {
  const total = ($('fill-total') as HTMLInputElement).value.trim();
  const split = Array.from(document.querySelectorAll<HTMLInputElement>('#fill-colors input'))
    .filter((i) => i.value.trim() !== '')
    .map((i) => ({ color: i.dataset.color!, value: Number(i.value) }));
  return {
    total: total === '' ? null : Number(total),
    sizeRatio: ($('fill-ratio') as HTMLInputElement).value,
    split,
    splitBy: ($('fill-by') as HTMLSelectElement).value === 'pieces' ? 'pieces' : 'percent',
  };
}

function fill(anchor: Element): void {
  if (!current) return;
  const orderId = current.orderId;
  const req = readFill();
  const run = () =>
    void act(
      `Filling ${fmt((current?.sizes?.length ?? 0) * (current?.colors?.length ?? 0))} cells…`,
      () => call('ratioFill', orderId, req),
      (a: Answer<BulkOutcome>) => renderCurrent(a.data.panel),
      undefined,
      anchor,
    );
  if (current.total > 0)
    confirmHere(anchor, `Replace all ${fmt(current.total)} garments of the matrix with the ratio fill?`, 'Fill', run);
  else run();
}

function paste(anchor: Element): void {
  if (!current) return;
  const orderId = current.orderId;
  void act(
    'Reading the selection…',
    () => call('pasteByCodes', orderId),
    (a: Answer<BulkOutcome>) => {
      renderCurrent(a.data.panel);
      const list = $('paste-unknown');
      list.replaceChildren();
      const lost = [
        ...a.data.unknownColors.map((u) => `Color ${u.code} (${u.ref}): ${fmt(u.pieces)} pieces not placed`),
        ...a.data.unknownSizes.map((u) => `Size ${u.code} (${u.ref}): ${fmt(u.pieces)} pieces not placed`),
        ...a.data.bad.map((b) => `${b.ref} ${b.reason}`),
      ];
      for (const t of lost) list.append(el('li', { text: t }));
      list.hidden = !lost.length;
      ($('paste-box') as HTMLDetailsElement).open = true;
    },
    undefined,
    anchor,
  );
}

/** States whose lot can be inspected: it has been (or is being) sewn. */
const INSPECTABLE = new Set<string>(['Running', 'Finished']);

function batchRowEl(b: BatchRow): HTMLElement {
  const done = b.total ? Math.floor((b.produced / b.total) * 100) : 0;
  const missing = b.missing ? ` · ${fmt(b.missing)} missing` : '';
  const row = el(
    'div',
    { class: 'batch', 'data-batch': b.id },
    el('span', { class: 'b-id', text: b.id }),
    el('span', { class: `state s-${b.state}`, text: stateLabel(b.state) }),
    el('span', { class: 'b-qty', text: `${fmt(b.produced)}/${fmt(b.total)} (${done}%)${missing}` }),
  );
  const btn = (id: string, text: string, fn: (x: HTMLButtonElement) => void, enabled = true, reason?: string) => {
    const x = el('button', { type: 'button', id: `${id}-${b.id}`, text });
    x.addEventListener('click', () => fn(x));
    gate(x, enabled, reason);
    row.append(x);
    return x;
  };
  const orderState = current?.state ?? 'Released';
  for (const a of batchAvailability(b, orderState)) {
    const action = a.action;
    if (action === 'finish') {
      // Finishing reads the batch's output sheet: offer to open it first.
      const open = () => call('openBatchOutput', current!.orderId, b.id);
      btn('output', 'Output sheet', (x) => {
        const hint = (r: Answer<{ sheetName: string }>) =>
          say('info', `Type produced and rejected quantities on "${r.data.sheetName}", then click Finish.`, x);
        void act('Opening the output sheet…', open, hint, undefined, x);
      });
    }
    btn(
      BATCH_BUTTON[action].id,
      BATCH_ACTION_WORDS[action].label,
      (x) => batchCall(action, b.id, undefined, x),
      a.enabled,
      a.reason,
    );
  }
  if (INSPECTABLE.has(b.state)) btn('inspect', 'Inspect', (x) => openInspect(b.id, x));
  btn('cells', SHOW_CELLS_LABEL, (x) => showBatchCells(kit, current!.orderId, b.id, x));
  const result = b.inspection ? inspectionWords(b) : '';
  const sub = [b.plan ? planWords(b.plan) : '', result ? `inspection ${result}` : ''].filter(Boolean).join(' · ');
  const subClass = `b-sub ${b.inspection?.result ?? ''}`;
  if (sub) row.append(el('span', { class: subClass, 'data-role': 'inspection', text: sub }));
  return row;
}

function batchCall(action: BatchAction, batchId: string, reason?: string, anchor?: Element | null): void {
  if (!current) return;
  const orderId = current.orderId;
  if (action === 'finish') {
    const run = () => call('finishBatch', orderId, batchId, reason ? { reason } : {});
    // Pieces not accounted for: ask why, then finish again with the reason (recorded as missing).
    const onError = (e: ServerError) => {
      if (e.code !== 'REASON_REQUIRED' && e.code !== 'UNRECONCILED') return;
      pendingAction = null;
      pendingFinish = batchId;
      pendingPush = false;
      showBackorderChoice(false);
      $('reason-box').hidden = false;
      const why = `Why are garments of batch ${batchId} missing?`;
      $('reason-label').textContent = `${why} They are recorded as missing with it.`;
      ($('reason') as HTMLInputElement).value = '';
      ($('reason') as HTMLInputElement).focus();
    };
    const at = anchor ?? document.getElementById(`finish-${batchId}`);
    void act(`${BATCH_ACTION_WORDS.finish.doing} ${batchId}…`, run, (a) => renderCurrent(a.data), onError, at);
    return;
  }
  const fn = BATCH_BUTTON[action].fn as 'startBatch' | 'cancelBatch';
  void act(
    `${BATCH_ACTION_WORDS[action].doing} ${batchId}…`,
    () => call(fn, orderId, batchId),
    (a) => renderCurrent(a.data),
    undefined,
    anchor,
  );
}

// ---- inspections -----------------------------------------------------------------------------------

let inspecting: string | null = null;

function closeInspect(): void {
  inspecting = null;
  $('inspect-box').hidden = true;
}

function showPlan(plan: InspectionPlan): void {
  const rule = 'A class passes with at most its Ac defects; Re or more fails the lot.';
  $('i-plan').textContent = `Plan: ${planWords(plan)}. ${rule}`;
  const sample = $('i-sample') as HTMLInputElement;
  if (!sample.value) sample.value = String(plan.sampleSize);
}

/** Opens the form: the plan is fetched now, for this one batch. */
function openInspect(batchId: string, anchor?: Element): void {
  if (!current) return;
  const orderId = current.orderId;
  void act(
    `Reading the sampling plan of ${batchId}…`,
    () => call('getInspectionPlan', orderId, batchId),
    (a) => {
      inspecting = batchId;
      $('inspect-box').hidden = false;
      $('i-title').textContent = `Inspect batch ${batchId}`;
      for (const id of ['i-sample', 'i-inspector', 'i-notes']) ($(id) as HTMLInputElement).value = '';
      for (const id of ['i-critical', 'i-major', 'i-minor']) ($(id) as HTMLInputElement).value = '0';
      $('i-result').hidden = true;
      showPlan(a.data.plan);
      ($('i-major') as HTMLInputElement).focus();
    },
    undefined,
    anchor,
  );
}

function readInspection(): InspectionInput {
  const v = (id: string) => ($(id) as HTMLInputElement).value.trim();
  const count = (id: string) => (v(id) === '' ? undefined : Number(v(id)));
  const out: InspectionInput = {};
  const sample = count('i-sample');
  if (sample !== undefined) out.sampleSize = sample;
  const critical = count('i-critical');
  if (critical !== undefined) out.criticalDefects = critical;
  const major = count('i-major');
  if (major !== undefined) out.majorDefects = major;
  const minor = count('i-minor');
  if (minor !== undefined) out.minorDefects = minor;
  if (v('i-inspector')) out.inspector = v('i-inspector');
  if (v('i-notes')) out.notes = v('i-notes');
  return out;
}

function recordInspection(): void {
  if (!current || !inspecting) return;
  const orderId = current.orderId;
  const batchId = inspecting;
  const input = readInspection();
  const send = () => call('recordInspection', orderId, batchId, input);
  void act(
    `Recording the inspection of ${batchId}…`,
    send,
    (a) => {
      closeConfirm();
      renderCurrent(a.data.panel);
      inspecting = batchId;
      $('inspect-box').hidden = false;
      const pass = a.data.inspection.result === 'pass';
      const r = $('i-result');
      r.hidden = false;
      r.className = pass ? 'pass' : 'fail';
      r.textContent = pass
        ? `PASS: batch ${batchId} may finish.`
        : `FAIL: batch ${batchId} was rejected by the plan. Sort or rework the lot, then inspect again.`;
    },
    undefined,
    $('i-ok'),
  );
}

let pendingAction: OrderCommand | null = null;
/** The batch waiting for a reason before it finishes (garments not accounted for). */
let pendingFinish: string | null = null;

function onAction(action: OrderCommand, anchor?: Element): void {
  if (!current) return;
  const words = ORDER_COMMAND_WORDS[action];
  if (words.needsReason) {
    pendingAction = action;
    pendingFinish = null;
    pendingPush = false;
    showBackorderChoice(action === 'shortClose');
    $('reason-box').hidden = false;
    $('reason-label').textContent = words.reasonPrompt;
    ($('reason') as HTMLInputElement).value = '';
    if (anchor) blockOf(anchor).after($('reason-box'));
    ($('reason') as HTMLInputElement).focus();
    return;
  }
  runAction(action, undefined, anchor);
}

function runAction(action: OrderCommand, reason: string | undefined, anchor?: Element | null, backorder = false): void {
  if (!current) return;
  const orderId = current.orderId;
  const at = anchor ?? document.getElementById(`action-${action}`);
  if (action === 'generateBatches') {
    const n = current.toGenerate;
    const doing = n ? `Generating ${fmt(n)} batch${n === 1 ? '' : 'es'}…` : `${ORDER_COMMAND_WORDS[action].doing}…`;
    void act(
      doing,
      () => call('generateBatches', orderId),
      (a) => renderCurrent(a.data),
      undefined,
      at,
    );
    return;
  }
  void act(
    `${ORDER_COMMAND_WORDS[action].doing} ${orderId}…`,
    () =>
      call('transitionOrder', orderId, action, { ...(reason ? { reason } : {}), ...(backorder ? { backorder } : {}) }),
    (a) => {
      renderCurrent(a.data);
      void loadOrders(false, true);
    },
    undefined,
    at,
  );
}

/** A push waiting for its amendment reason (Released/InProgress). */
let pendingPush = false;

function push(): void {
  if (!current) return;
  // After release a push is an amendment: ask why inside the sidebar, then push with the reason
  // (with nothing counted to push, the push goes at once and says so).
  if (current.amendment && pending !== 0) askAmendReason();
  else pushWith(undefined);
}

function askAmendReason(): void {
  pendingPush = true;
  pendingAction = null;
  pendingFinish = null;
  showBackorderChoice(false);
  $('reason-box').hidden = false;
  $('reason-label').textContent = AFTER_RELEASE_WORDS.amend.reasonPrompt;
  ($('reason') as HTMLInputElement).value = '';
  blockOf($('push')).after($('reason-box'));
  ($('reason') as HTMLInputElement).focus();
}

function pushWith(reason: string | undefined): void {
  if (!current) return;
  const orderId = current.orderId;
  const n = pending;
  const label = n ? `Pushing ${fmt(n)} cell${n === 1 ? '' : 's'}…` : 'Pushing…';
  let conflicted: string | null = null;
  void act(
    label,
    () => (reason ? call('pushOrder', orderId, { reason }) : call('pushOrder', orderId)),
    (a: Answer<PushSummary>) => {
      renderCurrent(a.data.panel);
      // Short: the cells, values, who and when are in the list right below it.
      const n = a.data.conflicts;
      if (n) conflicted = `Nothing was sent: ${fmt(n)} cell${n === 1 ? '' : 's'} changed meanwhile, listed below.`;
    },
    (e) => {
      if (e.code === 'REASON_REQUIRED' && current?.amendment) askAmendReason();
    },
    $('push'),
  ).then(() => {
    // A push that met conflicts is not "ok": say so next to the list of cells to resolve.
    if (conflicted) say('error', conflicted, $('push'));
  });
}

function refresh(discard: boolean): void {
  if (!current) return;
  const orderId = current.orderId;
  const anchor = $(discard ? 'discard' : 'refresh');
  const run = () =>
    void act(
      discard ? 'Discarding your changes…' : `Refreshing ${orderId}…`,
      () => call('refreshOrder', orderId, discard),
      (a) => renderCurrent(a.data),
      undefined,
      anchor,
    );
  if (!discard) {
    run();
    return;
  }
  const n = pending
    ? `your ${fmt(pending)} unpushed change${pending === 1 ? '' : 's'}`
    : 'the changes you have not pushed';
  confirmHere(anchor, `Throw away ${n} and reload the order?`, 'Discard', run);
}

async function loadActive(): Promise<void> {
  await act(
    'Reading the active sheet…',
    () => call('getActiveOrder'),
    (a) => {
      if (a.data || !current) renderCurrent(a.data);
    },
  );
}

// ---- the order list --------------------------------------------------------------------------------

let nextCursor: string | null = null;

function orderItemEl(o: OrderListItem): HTMLElement {
  const open = el('button', { type: 'button', id: `open-${o.id}`, text: 'Open' });
  open.addEventListener(
    'click',
    () =>
      void act(
        `Opening ${o.id}…`,
        () => call('openOrder', o.id, o.techPackId),
        (a) => renderCurrent(a.data),
        undefined,
        $('current'),
      ),
  );
  return el(
    'li',
    { 'data-order': o.id },
    el(
      'div',
      { class: 'o-main' },
      el('strong', { text: o.styleCode || o.techPackId }),
      el('span', { class: `state s-${o.state}`, text: stateLabel(o.state) }),
    ),
    el('div', {
      class: 'o-sub',
      text: `${o.id} · ${fmt(o.total)} pcs${o.deliveryDate ? ` · due ${o.deliveryDate}` : ''}${o.customer ? ` · ${o.customer}` : ''}`,
    }),
    open,
  );
}

async function loadOrders(more: boolean, quiet = false): Promise<void> {
  const state = ($('f-state') as HTMLSelectElement).value as OrderState | '';
  const techPackId = ($('f-techpack') as HTMLInputElement).value.trim();
  const cursor = more ? nextCursor : null;
  await act(
    'Loading orders…',
    () => call('listOrders', { state, techPackId, limit: 20, cursor }),
    (a: Answer<ListPage<OrderListItem>>) => {
      const list = $('order-list');
      rescue(list);
      if (!more) list.replaceChildren();
      for (const o of a.data.items) list.append(orderItemEl(o));
      if (!more && !a.data.items.length) list.append(el('li', { class: 'hint', text: 'No orders match.' }));
      nextCursor = a.data.nextCursor;
      $('more').hidden = !nextCursor;
    },
    undefined,
    quiet ? null : $(more ? 'more' : 'search'),
  );
}

// ---- new orders ------------------------------------------------------------------------------------

async function loadTechPacks(): Promise<void> {
  await act(
    'Loading tech packs…',
    () => call('listTechPacks', ''),
    (a: Answer<ListPage<TechPackListItem>>) => {
      const sel = $('n-techpack') as HTMLSelectElement;
      sel.replaceChildren(el('option', { value: '', text: 'Pick a tech pack…' }));
      for (const t of a.data.items)
        sel.append(el('option', { value: t.id, text: `${t.styleCode} — ${t.name} (${stateLabel(t.state)})` }));
    },
  );
}

function create(): void {
  const techPackId = ($('n-techpack') as HTMLSelectElement).value;
  const deliveryDate = ($('n-date') as HTMLInputElement).value;
  if (!techPackId) {
    say('error', 'Pick a tech pack first.', $('create'));
    return;
  }
  void act(
    'Creating the order…',
    () => call('createOrder', deliveryDate ? { techPackId, deliveryDate } : { techPackId }),
    (a) => {
      renderCurrent(a.data);
      void loadOrders(false, true);
    },
    undefined,
    $('current'),
  );
}

// ---- wiring ----------------------------------------------------------------------------------------

function init(): void {
  initAfterRelease(kit);
  const sel = $('f-state') as HTMLSelectElement;
  for (const s of ORDER_STATES) sel.append(el('option', { value: s, text: stateLabel(s) }));
  $('push').addEventListener('click', push);
  $('refresh').addEventListener('click', () => refresh(false));
  $('discard').addEventListener('click', () => refresh(true));
  $('reload-active').addEventListener('click', () => void loadActive());
  $('refresh-materials').addEventListener('click', () => {
    if (current)
      void act(
        'Refreshing materials…',
        () => call('refreshMaterials', current!.orderId),
        (a) => renderCurrent(a.data),
        undefined,
        $('refresh-materials'),
      );
  });
  $('confirm-ok').addEventListener('click', () => {
    const yes = confirmed;
    closeConfirm();
    yes?.();
  });
  $('confirm-cancel').addEventListener('click', closeConfirm);
  for (const id of ['push-row', 'actions'])
    $(id).addEventListener('pointerenter', () => {
      if (current?.editable && busy <= 0) void loadPending(current.orderId);
    });
  $('keep-all').addEventListener('click', () => resolveAll('mine', $('keep-all')));
  $('take-all').addEventListener('click', () => resolveAll('theirs', $('take-all')));
  $('fill').addEventListener('click', () => fill($('fill')));
  $('paste').addEventListener('click', () => paste($('paste')));
  $('reason-ok').addEventListener('click', () => {
    const reason = ($('reason') as HTMLInputElement).value.trim();
    if (!reason) {
      say('error', 'Type a reason first: it is kept in the order history.', $('reason-ok'));
      return;
    }
    const a = pendingAction;
    const finishing = pendingFinish;
    const pushing = pendingPush;
    pendingAction = null;
    pendingFinish = null;
    pendingPush = false;
    const backorder = a === 'shortClose' && backorderChosen();
    showBackorderChoice(false);
    $('reason-box').hidden = true;
    if (pushing) pushWith(reason);
    else if (finishing) batchCall('finish', finishing, reason);
    else if (a) runAction(a, reason, undefined, backorder);
  });
  $('i-ok').addEventListener('click', recordInspection);
  $('i-cancel').addEventListener('click', closeInspect);
  $('reason-cancel').addEventListener('click', () => {
    showBackorderChoice(false);
    pendingPush = false;
    pendingAction = null;
    pendingFinish = null;
    $('reason-box').hidden = true;
  });
  $('search').addEventListener('click', () => void loadOrders(false));
  $('f-techpack').addEventListener('keydown', (e) => {
    if ((e as KeyboardEvent).key === 'Enter') void loadOrders(false);
  });
  $('more').addEventListener('click', () => void loadOrders(true));
  $('create').addEventListener('click', create);
  $('open-settings').addEventListener(
    'click',
    () =>
      void act(
        'Opening settings…',
        () => call('openSettings'),
        () => undefined,
      ),
  );
  $('settings-link').addEventListener(
    'click',
    () =>
      void act(
        'Opening settings…',
        () => call('openSettings'),
        () => undefined,
      ),
  );
  // Coming back from the sheet: follow the active sheet.
  // Quietly (no busy state, so a click that brought the focus is not swallowed).
  window.addEventListener('focus', () => {
    if (busy > 0) return;
    call('getActiveOrder').then(
      (a) => {
        if (busy <= 0 && a.data && a.data.orderId !== current?.orderId) renderCurrent(a.data);
        else if (current?.editable) void loadPending(current.orderId);
      },
      () => undefined,
    );
  });
  void (async () => {
    await loadActive();
    await loadOrders(false);
    await loadTechPacks();
  })();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
else init();
