/// <reference lib="dom" />
// The sidebar: the current order (push, refresh, transitions, batches, materials), the order list
// (filters, pagination) and new orders. Plain DOM; every server call goes through run.ts.
import { batchActionsFrom, isInProduction, type BatchAction } from '../../shared/batches.js';
import { ORDER_STATES, type OrderState } from '../../shared/types.js';
import { BATCH_ACTION_WORDS, ORDER_COMMAND_WORDS, stateWord, type OrderCommand } from '../../shared/vocabulary.js';
import { inspectionWords, planWords } from '../src/layout.js';
import { toleranceWords } from '../src/messages.js';
import type { BatchRow, InspectionPlan } from '../src/model.js';
import type {
  InspectionInput,
  ListPage,
  OrderListItem,
  OrderPanel,
  PushSummary,
  TechPackListItem,
} from '../src/protocol.js';
import { call, ServerError, type Answer } from './run.js';

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

// ---- status line and busy state --------------------------------------------------------------------

let busy = 0;

function setBusy(on: boolean, label = 'Working…'): void {
  busy += on ? 1 : -1;
  const b = $('busy');
  b.textContent = label;
  b.hidden = busy <= 0;
  document.body.classList.toggle('busy', busy > 0);
  for (const btn of Array.from(document.querySelectorAll('button'))) (btn as HTMLButtonElement).disabled = busy > 0;
}

function say(kind: 'info' | 'ok' | 'error', text: string): void {
  const m = $('message');
  m.className = `msg ${kind}`;
  m.textContent = text;
  m.hidden = !text;
}

/** Runs one server call with the UI busy; errors land in the status line. */
async function act<T>(
  label: string,
  fn: () => Promise<Answer<T>>,
  onOk: (a: Answer<T>) => void,
  onError?: (e: ServerError) => void,
): Promise<boolean> {
  setBusy(true, label);
  try {
    const a = await fn();
    if (a.notice) say('ok', a.notice);
    onOk(a); // may replace the notice (a push that met conflicts is not "ok")
    return true;
  } catch (e) {
    say('error', e instanceof ServerError || e instanceof Error ? e.message : String(e));
    if (e instanceof ServerError && e.code === 'NO_API_URL') $('open-settings').hidden = false;
    if (e instanceof ServerError && onError) onError(e);
    return false;
  } finally {
    setBusy(false);
  }
}

// ---- the current order -------------------------------------------------------------------------

let current: OrderPanel | null = null;

function renderCurrent(p: OrderPanel | null): void {
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

  const actions = $('actions');
  actions.replaceChildren();
  for (const a of p.actions) {
    const label = ORDER_COMMAND_WORDS[a].label;
    const b = el('button', { id: `action-${a}`, type: 'button', text: label, class: a === 'cancel' ? 'danger' : '' });
    b.addEventListener('click', () => onAction(a));
    actions.append(b);
  }
  $('reason-box').hidden = true;
  pendingFinish = null;
  if (inspecting && !p.batches.some((b) => b.id === inspecting)) closeInspect();

  const rows = $('batches');
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
  const btn = (id: string, text: string, fn: () => void) => {
    const x = el('button', { type: 'button', id: `${id}-${b.id}`, text });
    x.addEventListener('click', fn);
    row.append(x);
  };
  for (const action of batchActionsFrom(b.state)) {
    if (action === 'finish') {
      // Finishing reads the batch's output sheet: offer to open it first.
      const open = () => call('openBatchOutput', current!.orderId, b.id);
      const hint = (a: Answer<{ sheetName: string }>) =>
        say('info', `Type produced and rejected quantities on "${a.data.sheetName}", then click Finish.`);
      btn('output', 'Output sheet', () => void act('Opening the output sheet…', open, hint));
    }
    btn(BATCH_BUTTON[action].id, BATCH_ACTION_WORDS[action].label, () => batchCall(action, b.id));
  }
  if (INSPECTABLE.has(b.state)) btn('inspect', 'Inspect', () => openInspect(b.id));
  const result = b.inspection ? inspectionWords(b) : '';
  const sub = [b.plan ? planWords(b.plan) : '', result ? `inspection ${result}` : ''].filter(Boolean).join(' · ');
  const subClass = `b-sub ${b.inspection?.result ?? ''}`;
  if (sub) row.append(el('span', { class: subClass, 'data-role': 'inspection', text: sub }));
  return row;
}

function batchCall(action: BatchAction, batchId: string, reason?: string): void {
  if (!current) return;
  const orderId = current.orderId;
  if (action === 'finish') {
    const run = () => call('finishBatch', orderId, batchId, reason ? { reason } : {});
    // Pieces not accounted for: ask why, then finish again with the reason (recorded as missing).
    const onError = (e: ServerError) => {
      if (e.code !== 'REASON_REQUIRED' && e.code !== 'UNRECONCILED') return;
      pendingAction = null;
      pendingFinish = batchId;
      $('reason-box').hidden = false;
      const why = `Why are garments of batch ${batchId} missing?`;
      $('reason-label').textContent = `${why} They are recorded as missing with it.`;
      ($('reason') as HTMLInputElement).value = '';
      ($('reason') as HTMLInputElement).focus();
    };
    void act(`${BATCH_ACTION_WORDS.finish.doing}…`, run, (a) => renderCurrent(a.data), onError);
    return;
  }
  const fn = BATCH_BUTTON[action].fn as 'startBatch' | 'cancelBatch';
  void act(
    `${BATCH_ACTION_WORDS[action].doing}…`,
    () => call(fn, orderId, batchId),
    (a) => renderCurrent(a.data),
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
function openInspect(batchId: string): void {
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
  void act(`Recording the inspection of ${batchId}…`, send, (a) => {
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
  });
}

let pendingAction: OrderCommand | null = null;
/** The batch waiting for a reason before it finishes (garments not accounted for). */
let pendingFinish: string | null = null;

function onAction(action: OrderCommand): void {
  if (!current) return;
  const words = ORDER_COMMAND_WORDS[action];
  if (words.needsReason) {
    pendingAction = action;
    pendingFinish = null;
    $('reason-box').hidden = false;
    $('reason-label').textContent = words.reasonPrompt;
    ($('reason') as HTMLInputElement).value = '';
    ($('reason') as HTMLInputElement).focus();
    return;
  }
  runAction(action, undefined);
}

function runAction(action: OrderCommand, reason: string | undefined): void {
  if (!current) return;
  const orderId = current.orderId;
  const doing = `${ORDER_COMMAND_WORDS[action].doing}…`;
  if (action === 'generateBatches') {
    void act(
      doing,
      () => call('generateBatches', orderId),
      (a) => renderCurrent(a.data),
    );
    return;
  }
  void act(
    doing,
    () => call('transitionOrder', orderId, action, reason ? { reason } : {}),
    (a) => {
      renderCurrent(a.data);
      void loadOrders(false);
    },
  );
}

function push(): void {
  if (!current) return;
  const orderId = current.orderId;
  void act(
    'Pushing…',
    () => call('pushOrder', orderId),
    (a: Answer<PushSummary>) => {
      renderCurrent(a.data.panel);
      if (a.data.conflicts) say('error', a.notice ?? `${a.data.conflicts} conflict(s): see the red cells.`);
    },
  ).then(() => undefined);
}

function refresh(discard: boolean): void {
  if (!current) return;
  const orderId = current.orderId;
  if (discard && !window.confirm('Throw away the changes you have not pushed, and reload the order?')) return;
  void act(
    discard ? 'Discarding…' : 'Refreshing…',
    () => call('refreshOrder', orderId, discard),
    (a) => renderCurrent(a.data),
  );
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
        () => call('openOrder', o.id),
        (a) => renderCurrent(a.data),
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

async function loadOrders(more: boolean): Promise<void> {
  const state = ($('f-state') as HTMLSelectElement).value as OrderState | '';
  const techPackId = ($('f-techpack') as HTMLInputElement).value.trim();
  const cursor = more ? nextCursor : null;
  await act(
    'Loading orders…',
    () => call('listOrders', { state, techPackId, limit: 20, cursor }),
    (a: Answer<ListPage<OrderListItem>>) => {
      const list = $('order-list');
      if (!more) list.replaceChildren();
      for (const o of a.data.items) list.append(orderItemEl(o));
      if (!more && !a.data.items.length) list.append(el('li', { class: 'hint', text: 'No orders match.' }));
      nextCursor = a.data.nextCursor;
      $('more').hidden = !nextCursor;
    },
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
    say('error', 'Pick a tech pack first.');
    return;
  }
  void act(
    'Creating the order…',
    () => call('createOrder', deliveryDate ? { techPackId, deliveryDate } : { techPackId }),
    (a) => {
      renderCurrent(a.data);
      void loadOrders(false);
    },
  );
}

// ---- wiring ----------------------------------------------------------------------------------------

function init(): void {
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
      );
  });
  $('reason-ok').addEventListener('click', () => {
    const reason = ($('reason') as HTMLInputElement).value.trim();
    if (!reason) {
      say('error', 'Type a reason first: it is kept in the order history.');
      return;
    }
    const a = pendingAction;
    const finishing = pendingFinish;
    pendingAction = null;
    pendingFinish = null;
    $('reason-box').hidden = true;
    if (finishing) batchCall('finish', finishing, reason);
    else if (a) runAction(a, reason);
  });
  $('i-ok').addEventListener('click', recordInspection);
  $('i-cancel').addEventListener('click', closeInspect);
  $('reason-cancel').addEventListener('click', () => {
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
