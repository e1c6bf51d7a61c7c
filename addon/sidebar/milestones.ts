/// <reference lib="dom" />
// The sidebar's Milestones section: each milestone of the current order with where it stands
// ("Overdue 3 days", judged by the server on today in the spreadsheet's time zone), Mark done (on
// today or a date) and Re-date; a date moved later asks for a reason in the form itself. After a
// write the server rewrites the sheet's milestones block and answers the order panel.
import { movesLater } from '../../shared/milestones.js';
import { MILESTONE_WORDS } from '../../shared/vocabulary.js';
import type { MilestoneLine } from '../src/milestonesBlock.js';
import type { MilestoneChange, OrderPanel } from '../src/protocol.js';
import type { SidebarKit } from './kit.js';
import { call } from './run.js';

const W = MILESTONE_WORDS;

/** The open form: which milestone, and what it does. */
let form: { key: string; mode: 'done' | 'redate' } | null = null;

function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing`);
  return node as T;
}

export function renderMilestones(kit: SidebarKit, p: OrderPanel): void {
  const box = byId('milestones-box');
  const list = byId('milestones');
  kit.rescue(list);
  list.replaceChildren();
  const ms = p.milestones;
  box.hidden = !ms || ms.items.length === 0;
  if (!ms) return;
  if (form && !ms.items.some((m) => m.key === form!.key)) form = null;
  const late = ms.items.filter((m) => m.overdue).length;
  byId('milestones-title').textContent = late ? `${W.title} (${late} overdue)` : W.title;
  for (const m of ms.items) {
    list.append(milestoneEl(kit, p, m));
    if (form?.key === m.key) list.append(formEl(kit, p, m, form.mode));
  }
}

function milestoneEl(kit: SidebarKit, p: OrderPanel, m: MilestoneLine): HTMLElement {
  const { el } = kit;
  const changeable = p.milestones?.changeable ?? false;
  const sub = `${W.due.toLowerCase()} ${m.due ?? W.noDate} · ${m.done ? `${W.done.toLowerCase()} ${m.done}` : W.open}`;
  const buttons = el('div', { class: 'row' });
  const button = (id: string, text: string, fn: (b: HTMLButtonElement) => void) => {
    const b = el('button', { type: 'button', id: `${id}-${m.key}`, text });
    b.addEventListener('click', () => fn(b));
    kit.gate(b, changeable, W.final);
    buttons.append(b);
  };
  if (m.done) button('m-reopen', W.reopen, (b) => send(kit, p, m, { action: 'reopen' }, b));
  else button('m-done', W.markDone, () => openForm(kit, p, m.key, 'done'));
  button('m-redate', W.redate, () => openForm(kit, p, m.key, 'redate'));
  return el(
    'div',
    { class: `milestone s-${m.status.kind}`, 'data-milestone': m.key },
    el(
      'div',
      { class: 'm-main' },
      el('strong', { text: m.name }),
      el('span', { class: 'm-status', 'data-role': 'status', text: m.words }),
    ),
    el('div', { class: 'm-sub', text: sub }),
    buttons,
  );
}

function openForm(kit: SidebarKit, p: OrderPanel, key: string, mode: 'done' | 'redate'): void {
  form = { key, mode };
  renderMilestones(kit, p);
  (document.getElementById('m-date') as HTMLInputElement | null)?.focus();
}

function formEl(kit: SidebarKit, p: OrderPanel, m: MilestoneLine, mode: 'done' | 'redate'): HTMLElement {
  const { el } = kit;
  const today = p.milestones?.today ?? '';
  const date = el('input', { id: 'm-date', type: 'date', value: mode === 'done' ? today : (m.due ?? today) });
  const reasonLabel = el('label', { for: 'm-reason', id: 'm-reason-label', text: W.reasonPrompt });
  const reason = el('input', { id: 'm-reason', type: 'text', maxlength: '2000' });
  const reasonRow = el('div', { class: 'm-reason', id: 'm-reason-row' }, reasonLabel, reason);
  const later = () => mode === 'redate' && movesLater(m.due, date.value);
  const showReason = () => {
    reasonRow.hidden = !later();
  };
  showReason();
  date.addEventListener('input', showReason);
  date.addEventListener('change', showReason);
  const ok = el('button', {
    type: 'button',
    id: 'm-ok',
    class: 'action',
    text: mode === 'done' ? W.markDone : W.redate,
  });
  const back = el('button', { type: 'button', id: 'm-cancel', class: 'link', text: 'Back' });
  back.addEventListener('click', () => {
    form = null;
    renderMilestones(kit, p);
  });
  ok.addEventListener('click', () => {
    if (!date.value) {
      kit.say('error', mode === 'done' ? 'Pick the day it was done.' : 'Pick the new due date.', ok);
      return;
    }
    if (later() && !reason.value.trim()) {
      kit.say('error', `${m.name} moves later: type a reason first (it is kept in the order history).`, ok);
      reason.focus();
      return;
    }
    const change: MilestoneChange =
      mode === 'done'
        ? { action: 'done', date: date.value }
        : { action: 'redate', due: date.value, ...(later() ? { reason: reason.value.trim() } : {}) };
    send(kit, p, m, change, ok);
  });
  const label = mode === 'done' ? `${m.name}: done on` : `${m.name}: new due date`;
  return el(
    'div',
    { class: 'm-form', id: 'm-form', 'data-for': m.key },
    el('label', { for: 'm-date', text: label }),
    date,
    reasonRow,
    el('div', { class: 'row' }, ok, back),
  );
}

function send(kit: SidebarKit, p: OrderPanel, m: MilestoneLine, change: MilestoneChange, anchor: Element): void {
  const doing = change.action === 'redate' ? `Re-dating ${m.name}…` : `Updating ${m.name}…`;
  void kit.act(
    doing,
    () => call('updateMilestone', p.orderId, m.key, change),
    (a) => {
      form = null;
      kit.render(a.data);
    },
    undefined,
    anchor,
  );
}
