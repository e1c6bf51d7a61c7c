/// <reference lib="dom" />
// The sidebar's after-release forms (issue 14): the delivery date (re-promised with a reason once
// released, changed freely before), "Split selection" (the cells selected on the order sheet, their
// un-batched quantity proposed, a reason and an optional date), the short-close's backorder choice,
// and the linked orders (backorder, split) to open as sheets. Availability from
// addon/src/availability.ts, words from shared/vocabulary.ts; sidebar.ts calls the hooks below.
import { AFTER_RELEASE_WORDS } from '../../shared/vocabulary.js';
import { deliveryWords } from '../src/afterRelease.js';
import { backorderAvailability, deliveryDateAvailability, splitAvailability } from '../src/availability.js';
import type { OrderPanel, SplitOutcome, SplitProposal } from '../src/protocol.js';
import type { SidebarKit } from './kit.js';
import { call, type Answer } from './run.js';

const fmt = (n: number) => n.toLocaleString('en-US');

function $(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing`);
  return node;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') node.textContent = v;
    else if (k === 'class') node.className = v;
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

const input = (id: string) => $(id) as HTMLInputElement;

let kit: SidebarKit;
/** The last split made from this sidebar, so its new order can be opened. */
let lastSplit: { from: string; id: string } | null = null;
/** The proposal shown in the split form. */
let proposal: SplitProposal | null = null;

/** Builds the section (once) and the backorder choice inside the reason box. */
export function initAfterRelease(k: SidebarKit): void {
  kit = k;
  const home = $('after-release');
  home.replaceChildren(
    el('h3', { text: 'Delivery and split' }),
    el('div', { class: 'row wrap' }, el('button', { type: 'button', id: 'ar-date-open', text: '' })),
    el(
      'div',
      { id: 'ar-date-box', class: 'reason', hidden: '' },
      el('label', { for: 'ar-date', text: 'New delivery date' }),
      el('input', { id: 'ar-date', type: 'date' }),
      el('label', {
        for: 'ar-date-reason',
        id: 'ar-date-reason-label',
        text: AFTER_RELEASE_WORDS.repromise.reasonPrompt,
      }),
      el('input', { id: 'ar-date-reason', type: 'text', maxlength: '2000' }),
      el(
        'div',
        { class: 'row' },
        el('button', { type: 'button', id: 'ar-date-ok', class: 'create', text: 'Confirm' }),
        el('button', { type: 'button', id: 'ar-date-cancel', class: 'link', text: 'Back' }),
      ),
    ),
    el(
      'div',
      { class: 'row wrap' },
      el('button', { type: 'button', id: 'ar-split', text: AFTER_RELEASE_WORDS.split.label }),
    ),
    el('p', {
      id: 'ar-split-hint',
      class: 'secondary',
      text:
        'Select quantity cells, whole color rows (their codes in column A) or whole sizes on the order sheet ' +
        'first.',
    }),
    el('p', { id: 'ar-split-why', class: 'why', hidden: '' }),
    el(
      'div',
      { id: 'ar-split-box', class: 'reason', hidden: '' },
      el('p', { id: 'ar-split-range', class: 'secondary' }),
      el(
        'table',
        { class: 'split-cells' },
        el(
          'thead',
          {},
          el('tr', {}, el('th', { text: 'Cell' }), el('th', { text: 'Un-batched' }), el('th', { text: 'Move' })),
        ),
        el('tbody', { id: 'ar-split-cells' }),
      ),
      el('p', { id: 'ar-split-total', class: 'secondary' }),
      el('label', { for: 'ar-split-reason', text: AFTER_RELEASE_WORDS.split.reasonPrompt }),
      el('input', { id: 'ar-split-reason', type: 'text', maxlength: '2000' }),
      el('label', { for: 'ar-split-date', text: 'Delivery date of the new order (optional: this order\u2019s)' }),
      el('input', { id: 'ar-split-date', type: 'date' }),
      el(
        'div',
        { class: 'row' },
        el('button', { type: 'button', id: 'ar-split-ok', class: 'create', text: 'Split off' }),
        el('button', { type: 'button', id: 'ar-split-cancel', class: 'link', text: 'Back' }),
      ),
    ),
    el('ul', { id: 'ar-links', class: 'links', hidden: '' }),
  );
  $('ar-date-open').addEventListener('click', openDateForm);
  $('ar-date-cancel').addEventListener('click', () => ($('ar-date-box').hidden = true));
  $('ar-date-ok').addEventListener('click', sendDate);
  $('ar-split').addEventListener('click', readSelection);
  $('ar-split-cancel').addEventListener('click', closeSplit);
  $('ar-split-ok').addEventListener('click', sendSplit);
  $('ar-split-cells').addEventListener('input', showSplitTotal);

  // The short-close's choice, inside the reason box (shown only for a short-close).
  const box = $('reason-box');
  const choice = el(
    'label',
    { id: 'backorder-choice', class: 'check', hidden: '' },
    el('input', { id: 'backorder', type: 'checkbox' }),
    ` ${AFTER_RELEASE_WORDS.backorder.label}`,
  );
  box.insertBefore(choice, box.querySelector('.row'));
  box.insertBefore(el('p', { id: 'backorder-why', class: 'why', hidden: '' }), box.querySelector('.row'));
}

/** After every render of the current order: the section, the links, the delivery fact. */
export function renderAfterRelease(p: OrderPanel): void {
  $('c-delivery').textContent = deliveryWords(p);
  const date = deliveryDateAvailability(p.state);
  const split = splitAvailability({ state: p.state, unbatched: p.unbatched ?? null, pending: kit.pending() });
  $('after-release').hidden = !date && !split;
  $('ar-date-box').hidden = true;
  $('after-release').querySelector('h3')!.textContent = date || split ? 'Delivery and split' : 'Linked orders';
  const open = $('ar-date-open') as HTMLButtonElement;
  open.hidden = !date;
  open.textContent = date?.needsReason
    ? `${AFTER_RELEASE_WORDS.repromise.label}…`
    : `${AFTER_RELEASE_WORDS.redate.label}…`;
  if (proposal && proposal.orderId !== p.orderId) closeSplit();
  renderSplitGate(p);
  renderLinks(p);
}

/** The split button's gate (the pending count changes without a new panel). */
export function renderSplitGate(p: OrderPanel | null = kit?.current() ?? null): void {
  if (!p || !document.getElementById('ar-split')) return;
  const a = splitAvailability({ state: p.state, unbatched: p.unbatched ?? null, pending: kit.pending() });
  const b = $('ar-split') as HTMLButtonElement;
  b.hidden = !a;
  $('ar-split-hint').hidden = !a;
  kit.gate(b, !!a?.enabled, a?.reason);
  const why = $('ar-split-why');
  why.hidden = !a || a.enabled;
  why.textContent = a?.reason ?? '';
}

function renderLinks(p: OrderPanel): void {
  const list = $('ar-links');
  list.replaceChildren();
  const link = (what: string, id: string) => {
    const b = el('button', { type: 'button', class: 'link', id: `ar-open-${id}`, text: `Open ${id} as a sheet` });
    b.addEventListener('click', () => openLinked(id, b));
    list.append(el('li', { 'data-link': id }, `${what} ${id}: `, b));
  };
  if (p.backorderId) link('Backorder', p.backorderId);
  if (lastSplit && lastSplit.from === p.orderId) link('Split off to', lastSplit.id);
  if (p.splitFrom) link('Split from', p.splitFrom);
  if (p.backorderOf) link('Backorder of', p.backorderOf);
  list.hidden = list.children.length === 0;
  // A final order has no section of its own: the links still show (a completed order's backorder).
  if (list.children.length) $('after-release').hidden = false;
}

function openLinked(id: string, anchor: Element): void {
  void kit.act(
    `Opening ${id}…`,
    () => call('openOrder', id),
    (a) => kit.render(a.data),
    undefined,
    anchor,
  );
}

// ---- the delivery date --------------------------------------------------------------------------------

function openDateForm(): void {
  const p = kit.current();
  const rule = p ? deliveryDateAvailability(p.state) : null;
  if (!p || !rule) return;
  $('ar-date-box').hidden = false;
  input('ar-date').value = p.deliveryDate ?? '';
  input('ar-date-reason').value = '';
  input('ar-date-reason').hidden = !rule.needsReason;
  $('ar-date-reason-label').hidden = !rule.needsReason;
  $('ar-date-ok').textContent = rule.needsReason ? 'Re-promise' : 'Change date';
  input('ar-date').focus();
}

function sendDate(): void {
  const p = kit.current();
  const rule = p ? deliveryDateAvailability(p.state) : null;
  if (!p || !rule) return;
  const deliveryDate = input('ar-date').value.trim();
  const reason = input('ar-date-reason').value.trim();
  const ok = $('ar-date-ok');
  if (!deliveryDate) {
    kit.say('error', 'Pick the new delivery date first.', ok);
    return;
  }
  if (rule.needsReason && !reason) {
    kit.say('error', 'Type a reason first: a re-promise is kept in the order history.', ok);
    return;
  }
  const words = rule.needsReason ? AFTER_RELEASE_WORDS.repromise : AFTER_RELEASE_WORDS.redate;
  const request = rule.needsReason ? { deliveryDate, reason } : { deliveryDate };
  void kit.act(
    `${words.doing} ${p.orderId} to ${deliveryDate}…`,
    () => call('changeDeliveryDate', p.orderId, request),
    (a) => kit.render(a.data),
    undefined,
    $('ar-date-open'),
  );
}

// ---- split the selection ----------------------------------------------------------------------------

function readSelection(): void {
  const p = kit.current();
  if (!p) return;
  void kit.act(
    'Reading the selection…',
    () => call('proposeSplit', p.orderId),
    (a: Answer<SplitProposal>) => showProposal(a.data),
    undefined,
    $('ar-split'),
  );
}

function showProposal(prop: SplitProposal): void {
  proposal = prop;
  $('ar-split-box').hidden = false;
  const none = prop.nothingLeft.length ? ` Fully batched, left out: ${prop.nothingLeft.join(', ')}.` : '';
  $('ar-split-range').textContent =
    `From ${prop.range}: each cell proposes what it has un-batched; lower any you keep here.${none}`;
  const body = $('ar-split-cells');
  body.replaceChildren();
  for (const c of prop.cells) {
    const qty = el('input', {
      type: 'number',
      min: '0',
      max: String(c.available),
      step: '1',
      value: String(c.available),
      id: `ar-q-${c.ref}`,
      'data-color': c.color,
      'data-size': c.size,
      'aria-label': `${c.color}/${c.size} to move`,
    });
    body.append(
      el(
        'tr',
        { 'data-cell': c.ref },
        el('td', {}, el('strong', { text: c.ref }), ` ${c.color} / ${c.size}`),
        el('td', { class: 'num', text: `${fmt(c.available)} of ${fmt(c.ordered)}` }),
        el('td', {}, qty),
      ),
    );
  }
  input('ar-split-reason').value = '';
  input('ar-split-date').value = '';
  showSplitTotal();
  input('ar-split-reason').focus();
}

function splitCellsTyped(): { color: string; size: string; quantity: number }[] {
  return Array.from(document.querySelectorAll<HTMLInputElement>('#ar-split-cells input')).map((i) => ({
    color: i.dataset.color ?? '',
    size: i.dataset.size ?? '',
    quantity: i.value.trim() === '' ? 0 : Number(i.value),
  }));
}

function showSplitTotal(): void {
  const total = splitCellsTyped().reduce((t, c) => t + (Number.isFinite(c.quantity) ? c.quantity : 0), 0);
  $('ar-split-total').textContent = `${fmt(total)} garment${total === 1 ? '' : 's'} to move to a new order.`;
}

function closeSplit(): void {
  proposal = null;
  $('ar-split-box').hidden = true;
}

function sendSplit(): void {
  const p = kit.current();
  if (!p || !proposal) return;
  const reason = input('ar-split-reason').value.trim();
  const ok = $('ar-split-ok');
  if (!reason) {
    kit.say('error', 'Type a reason first: a split is kept in both orders\u2019 history.', ok);
    return;
  }
  const deliveryDate = input('ar-split-date').value.trim();
  const request = { cells: splitCellsTyped(), reason, ...(deliveryDate ? { deliveryDate } : {}) };
  const orderId = p.orderId;
  void kit.act(
    `${AFTER_RELEASE_WORDS.split.doing} ${orderId}…`,
    () => call('splitOrder', orderId, request),
    (a: Answer<SplitOutcome>) => {
      lastSplit = { from: orderId, id: a.data.splitId };
      closeSplit();
      kit.render(a.data.panel);
    },
    undefined,
    $('ar-split'),
  );
}

// ---- the short-close's backorder choice ------------------------------------------------------------------

/** Shows (short-close) or hides the backorder checkbox in the reason box; unticked each time. */
export function showBackorderChoice(shortClosing: boolean): void {
  const p = kit.current();
  const choice = $('backorder-choice');
  const box = input('backorder');
  const why = $('backorder-why');
  choice.hidden = !shortClosing;
  box.checked = false;
  const a = backorderAvailability(p?.shortfall ?? null);
  box.disabled = !a.enabled;
  why.hidden = !shortClosing || a.enabled;
  why.textContent = a.reason ?? '';
}

/** Whether the short-close should open a backorder. */
export function backorderChosen(): boolean {
  return !$('backorder-choice').hidden && input('backorder').checked && !input('backorder').disabled;
}
