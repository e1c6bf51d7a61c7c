// Orders made from another: a split (its own route) and the backorder a short-close opens (the
// `complete` transition with "backorder": true; functions/handlers/orders.ts hands it over here).
import {
  checkSplit,
  linkToSalesOrder,
  openBackorder,
  parseSplit,
  requireShortfall,
  splitOrder,
} from '../../shared/linkedOrders.js';
import { transitionOrder, type TransitionRequest } from '../../shared/productionOrder.js';
import { LinkedOrderStore } from '../store/linkedOrders.js';
import type { Store } from '../store/store.js';
import { answerWith } from '../http/middleware.js';
import type { ApiRequest, ApiResponse } from '../http/types.js';
import { now, requireId, resource } from './common.js';

export function linkedOrderHandlers(store: Store) {
  const linked = new LinkedOrderStore(store);

  return {
    /**
     * `POST .../{id}/split` -> 201 {"order": the original, "split": the new order}. 3 round trips (the
     * order with its BOMs; the id and, for a sales order's order, the sales order; one transaction).
     */
    async splitOrder(req: ApiRequest): Promise<ApiResponse> {
      const body = parseSplit(req.body);
      const id = requireId('ProductionOrder', req.params.id, 'Production order');
      let answer!: ApiResponse;
      await linked.split(
        id,
        (order) => checkSplit(order, body),
        (order, moved, newId, salesOrder) => {
          const at = now();
          const made = splitOrder(order, body, moved, { id: newId, actor: req.actor, now: at });
          const link = salesOrder
            ? linkToSalesOrder(salesOrder, newId, { splitFrom: order.id, total: made.split.total }, req.actor, at)
            : undefined;
          answer = answerWith({
            status: 201,
            body: { order: made.order, split: made.split },
            headers: { location: `/v1/production-orders/${newId}` },
          });
          return { ...made, link };
        },
      );
      return answer;
    },
  };
}

/**
 * `complete` with "shortClose" and "backorder": the completion (every gate of transitionOrder) and a
 * Draft holding the shortfall, in one write; 409 NOTHING_SHORT when nothing is short. Answers the
 * completed order (its `backorderId` names the backorder). 4 requests in 3 round trips.
 */
export function backorderCompletion(store: Store) {
  const linked = new LinkedOrderStore(store);
  return async function completeWithBackorder(req: ApiRequest, request: TransitionRequest): Promise<ApiResponse> {
    const id = requireId('ProductionOrder', req.params.id, 'Production order');
    let answer!: ApiResponse;
    await linked.completeWithBackorder(
      id,
      (order, batches) => {
        const change = transitionOrder(order, request, { batches, actor: req.actor, now: now() });
        return { change, short: requireShortfall(order) };
      },
      (order, { change, short }, newId, salesOrder) => {
        const at = change.history.at;
        const made = openBackorder(order, change, short, {
          id: newId,
          reason: request.reason,
          actor: req.actor,
          now: at,
        });
        const total = made.backorder.total;
        const link = salesOrder
          ? linkToSalesOrder(salesOrder, newId, { backorderOf: order.id, total }, req.actor, at)
          : undefined;
        answer = answerWith(resource(200, made.completion.order));
        return { ...made, link };
      },
    );
    return answer;
  };
}
