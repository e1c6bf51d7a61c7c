// What the add-on offers for each state is exactly what the shared state machines accept: the
// sidebar's buttons come from the service's panel, which reads shared/, and every answer here is
// checked against the real transition code (not against another table).
import { describe, expect, it } from 'vitest';
import { AddonService } from '../../addon/src/service.js';
import {
  BATCH_ACTIONS,
  BATCH_STATES,
  batchActionsFrom,
  requireInProduction,
  transitionBatch,
  type BatchState,
  type ProductionBatch,
} from '../../shared/batches.js';
import { IllegalTransitionError, ValidationError } from '../../shared/errors.js';
import { applyOrderPatch, transitionOrder, type TransitionRequest } from '../../shared/productionOrder.js';
import { ORDER_ACTIONS, ORDER_STATES, type OrderState, type ProductionOrder } from '../../shared/types.js';
import { ORDER_COMMANDS, type OrderCommand } from '../../shared/vocabulary.js';
import { LATER, order, other, techPack } from '../unit/fixtures.js';
import { fakeGas } from './fakes/services.js';
import { snap } from './helpers.js';

/** Does the shared machine let `fn` past its state check? (Other gates may refuse: not the state's doing.) */
function startsFrom(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    if (e instanceof IllegalTransitionError) return false;
    if (e instanceof Error && 'code' in e && (e.code === 'ORDER_NOT_IN_PRODUCTION' || e.code === 'NOT_EDITABLE'))
      return false;
    // After release the plan moves only with a reason (issue 14): not freely editable on the sheet.
    if (e instanceof ValidationError && e.problems.some((p) => p.field === 'reason')) return false;
    return true;
  }
}

const ctx = { techPack: techPack(), batches: [], actor: other, now: LATER };

/** The shared code's answer for one command from one state. */
function machineAllows(command: OrderCommand, o: ProductionOrder): boolean {
  if (command === 'generateBatches') return startsFrom(() => requireInProduction(o, 'generated'));
  const req: TransitionRequest =
    command === 'shortClose'
      ? { action: 'complete', shortClose: true, reason: 'fabric ran out' }
      : { action: command, reason: 'why' };
  return startsFrom(() => transitionOrder(o, req, ctx));
}

describe("the add-on's moves are the shared machine's", () => {
  const service = new AddonService(fakeGas({ token: 't', email: 'ana@example.com' }));

  it('every order command is an order action, a short-close or batch generation', () => {
    const extra = ORDER_COMMANDS.filter((c) => !(ORDER_ACTIONS as readonly string[]).includes(c));
    expect(extra.sort()).toEqual(['generateBatches', 'shortClose']);
  });

  it.each([...ORDER_STATES])(
    'an order in %s offers exactly what the machine accepts, and is editable when it is',
    (state: OrderState) => {
      const o = order({ state, deliveryDate: '2027-03-01' });
      const panel = service.panel(snap({ state }), 'sheet');
      expect(panel.actions).toEqual(ORDER_COMMANDS.filter((c) => machineAllows(c, o)));
      // Editable: a patch goes through, after release as an amendment with a reason (issue 14).
      const free = startsFrom(() => applyOrderPatch(o, { deliveryDate: '2027-04-01' }, other, LATER));
      const amend = { deliveryDate: '2027-04-01', reason: 'customer asked' };
      const withReason = startsFrom(() => applyOrderPatch(o, amend, other, LATER));
      expect(panel.editable).toBe(withReason);
      expect(panel.amendment).toBe(withReason && !free);
    },
  );

  it('the states that offer something are the open ones', () => {
    const offering = ORDER_STATES.filter((state) => service.panel(snap({ state }), 'sheet').actions.length > 0);
    expect(offering).toEqual(['Draft', 'Planned', 'Released', 'InProgress']);
  });

  it.each([...BATCH_STATES])(
    'a batch in %s offers exactly the batch actions the machine accepts',
    (state: BatchState) => {
      const o = order({ state: 'InProgress' });
      const b: ProductionBatch = {
        id: 'B-1',
        orderId: o.id,
        state,
        version: 1,
        origin: 'manual',
        matrix: structuredClone(o.matrix),
        total: o.total,
        createdAt: LATER,
        createdBy: other.id,
        updatedAt: LATER,
        updatedBy: other.id,
      };
      const accepts = (action: (typeof BATCH_ACTIONS)[number]) =>
        startsFrom(() => transitionBatch(o, b, { action, produced: o.matrix }, other, LATER));
      const accepted = BATCH_ACTIONS.filter(accepts);
      expect(batchActionsFrom(state)).toEqual(accepted);
    },
  );
});
