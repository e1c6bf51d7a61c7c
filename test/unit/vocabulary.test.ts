// shared/vocabulary.ts: words for every state and action, checked at compile time (the tables are
// Records over the domain's unions) and at run time (no gaps, no strays, reasons as the parser wants).
import { describe, expect, it } from 'vitest';
import { BATCH_ACTIONS, BATCH_STATES, type BatchAction, type BatchState } from '../../shared/batches.js';
import { ValidationError, type FieldProblem } from '../../shared/errors.js';
import { parseOrderTransition } from '../../shared/productionOrder.js';
import {
  ORDER_ACTIONS,
  ORDER_STATES,
  TECH_PACK_STATES,
  type OrderAction,
  type OrderState,
  type TechPackState,
} from '../../shared/types.js';
import {
  BATCH_ACTION_WORDS,
  BATCH_STATE_WORDS,
  ORDER_COMMAND_FROM,
  ORDER_COMMAND_WORDS,
  ORDER_COMMANDS,
  ORDER_STATE_WORDS,
  TECH_PACK_STATE_WORDS,
  isOrderCommand,
  orderCommandsFrom,
  stateWord,
  type ActionWords,
  type OrderCommand,
} from '../../shared/vocabulary.js';

// Compile-time: the tables cover the domain's unions (tsc runs over the tests in `npm test`).
ORDER_COMMAND_WORDS satisfies Record<OrderAction, ActionWords>;
ORDER_COMMAND_WORDS satisfies Record<OrderCommand, ActionWords>;
BATCH_ACTION_WORDS satisfies Record<BatchAction, ActionWords>;
ORDER_STATE_WORDS satisfies Record<OrderState, string>;
BATCH_STATE_WORDS satisfies Record<BatchState, string>;
TECH_PACK_STATE_WORDS satisfies Record<TechPackState, string>;

// ...and a table that lacks an action does not compile (were it to, this directive would fail tsc).
const plan: ActionWords = { label: 'Plan', doing: 'Planning', done: 'planned', verb: 'plan', needsReason: false };
// @ts-expect-error: every other order action is missing
const partial: Record<OrderAction, ActionWords> = { plan };
// @ts-expect-error: an action that needs a reason must say what to ask
const noPrompt: ActionWords = { ...plan, needsReason: true };
void partial;
void noPrompt;

const keys = (o: object) => Object.keys(o).sort();

function reasonRequired(body: unknown): boolean {
  try {
    parseOrderTransition(body);
    return false;
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return (e.details as { fields: FieldProblem[] }).fields.some((f) => f.field === 'reason');
  }
}

describe('the vocabulary', () => {
  it('has words for every order action, a short-close and batch generation, and nothing else', () => {
    expect(keys(ORDER_COMMAND_WORDS)).toEqual([...ORDER_ACTIONS, 'shortClose', 'generateBatches'].sort());
    expect(keys(ORDER_COMMAND_FROM)).toEqual(keys(ORDER_COMMAND_WORDS));
    expect([...ORDER_COMMANDS].sort()).toEqual(keys(ORDER_COMMAND_WORDS));
    expect(keys(BATCH_ACTION_WORDS)).toEqual([...BATCH_ACTIONS].sort());
  });

  it('has words for every state of orders, batches and tech packs, and nothing else', () => {
    expect(keys(ORDER_STATE_WORDS)).toEqual([...ORDER_STATES].sort());
    expect(keys(BATCH_STATE_WORDS)).toEqual([...BATCH_STATES].sort());
    expect(keys(TECH_PACK_STATE_WORDS)).toEqual([...TECH_PACK_STATES].sort());
    for (const s of [...ORDER_STATES, ...BATCH_STATES, ...TECH_PACK_STATES])
      expect(stateWord(s)).toMatch(/^[A-Z][a-z]+( [a-z]+)*$/);
    expect(stateWord('InProgress')).toBe('In progress');
    expect(stateWord('ProductionReady')).toBe('Production ready');
  });

  it('says every action in full: distinct labels, and what it is doing and did', () => {
    for (const table of [ORDER_COMMAND_WORDS, BATCH_ACTION_WORDS]) {
      const words = Object.values(table) as ActionWords[];
      for (const w of words) {
        for (const text of [w.label, w.doing, w.done, w.verb]) expect(text.trim()).not.toBe('');
        if (w.needsReason) expect(w.reasonPrompt).toMatch(/\?$/);
      }
      expect(new Set(words.map((w) => w.label)).size).toBe(words.length);
    }
  });

  it('asks for a reason exactly where the API requires one', () => {
    for (const action of ORDER_ACTIONS) {
      expect([action, ORDER_COMMAND_WORDS[action].needsReason]).toEqual([action, reasonRequired({ action })]);
    }
    expect(ORDER_COMMAND_WORDS.shortClose.needsReason).toBe(reasonRequired({ action: 'complete', shortClose: true }));
  });

  it('reads only its own entries: inherited names are not commands or states', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(isOrderCommand(name)).toBe(false);
      expect(stateWord(name)).toBe(name);
    }
    expect(stateWord(undefined)).toBe('an unknown state');
    expect(stateWord('Sideways')).toBe('Sideways');
  });

  it('offers the commands of a state in the sidebar order, cancel last', () => {
    expect(orderCommandsFrom('Draft')).toEqual(['plan', 'cancel']);
    expect(orderCommandsFrom('Planned')).toEqual(['reopen', 'release', 'cancel']);
    expect(orderCommandsFrom('Released')).toEqual(['generateBatches', 'cancel']);
    expect(orderCommandsFrom('InProgress')).toEqual(['complete', 'shortClose', 'generateBatches', 'cancel']);
    expect(orderCommandsFrom('Completed')).toEqual([]);
  });
});
