import { NotFoundError } from '../../shared/errors.js';
import { newOrder } from '../../shared/productionOrder.js';
import {
  linkProductionOrder,
  newSalesOrder,
  parseProductionOrderRequest,
  parseSalesOrderCreate,
  parseSalesOrderTransition,
  planProductionOrder,
  requireAccepted,
  transitionSalesOrder,
} from '../../shared/salesOrder.js';
import { SalesOrderListQuery } from '../../shared/schemas/queries.js';
import { isIdOf } from '../store/keys.js';
import { SalesOrderStore } from '../store/salesOrders.js';
import type { Store } from '../store/store.js';
import { answerWith } from '../http/middleware.js';
import type { ApiRequest, ApiResponse } from '../http/types.js';
import { found, now, pageQuery, requireId, resource } from './common.js';

export function salesOrderHandlers(store: Store) {
  const salesOrders = new SalesOrderStore(store);
  const load = async (id: string) =>
    found(await salesOrders.get(requireId('SalesOrder', id, 'Sales order')), 'Sales order', id);

  return {
    /** 3 round trips: the tech pack, the id counter, the write (sales order + history/outbox). */
    async createSalesOrder(req: ApiRequest): Promise<ApiResponse> {
      const input = parseSalesOrderCreate(req.body);
      if (!isIdOf('TechPack', input.techPackId)) throw new NotFoundError('Tech pack', input.techPackId);
      const techPack = await store.getTechPack(input.techPackId);
      if (!techPack) throw new NotFoundError('Tech pack', input.techPackId);
      let answer!: ApiResponse;
      await salesOrders.create((id) => {
        const so = newSalesOrder({ id, input, styleCode: techPack.styleCode, actor: req.actor, now: now() });
        answer = answerWith(resource(201, so, { location: `/v1/sales-orders/${so.id}` }));
        return so;
      });
      return answer;
    },

    /** 1 round trip per page. */
    async listSalesOrders(req: ApiRequest): Promise<ApiResponse> {
      return { status: 200, body: await salesOrders.list(pageQuery(req.query, SalesOrderListQuery)) };
    },

    /** 1 round trip. */
    async getSalesOrder(req: ApiRequest): Promise<ApiResponse> {
      return resource(200, await load(req.params.id));
    },

    /** 2 round trips: read, conditional write (a lost race reruns and then meets the new state). */
    async transitionSalesOrder(req: ApiRequest): Promise<ApiResponse> {
      const request = parseSalesOrderTransition(req.body);
      const current = await load(req.params.id);
      const { salesOrder, history } = transitionSalesOrder(current, request, req.actor, now());
      const answer = answerWith(resource(200, salesOrder));
      await salesOrders.saveTransition(salesOrder, current, history);
      return answer;
    },

    /**
     * 4 round trips: the sales order; then the store's use-case (its linked orders + tech pack +
     * settings in one BatchGet; the id counter; one transaction: order + outbox, sales order link +
     * history, linked-order checks).
     * A double click: the loser's transaction fails, it reruns and gets 409 NOTHING_REMAINING.
     */
    async createProductionOrderFromSalesOrder(req: ApiRequest): Promise<ApiResponse> {
      const request = parseProductionOrderRequest(req.body);
      const so = await load(req.params.id);
      requireAccepted(so); // before any further read
      let answer!: ApiResponse;
      await salesOrders.createProductionOrder(
        so,
        ({ linked }) => planProductionOrder(so, linked, request),
        (plan, { orderId, techPack, settings }) => {
          const at = now();
          const order = newOrder({
            id: orderId,
            input: {
              techPackId: so.techPackId,
              matrix: plan.matrix,
              deliveryDate: plan.deliveryDate,
              notes: plan.notes,
            },
            techPack,
            settings,
            source: { type: 'salesOrder', salesOrderId: so.id, customer: so.customer },
            actor: req.actor,
            now: at,
          });
          answer = answerWith(resource(201, order, { location: `/v1/production-orders/${order.id}` }));
          return { order, link: linkProductionOrder(so, orderId, plan, req.actor, at), guard: plan.guard };
        },
      );
      return answer;
    },

    /** 1 round trip per page. */
    async salesOrderHistory(req: ApiRequest): Promise<ApiResponse> {
      const id = requireId('SalesOrder', req.params.id, 'Sales order');
      const page = await store.listHistory(id, pageQuery(req.query));
      if (page.items.length === 0 && !req.query.cursor) await load(id);
      return { status: 200, body: page };
    },
  };
}
