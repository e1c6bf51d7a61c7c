import { ConflictError, NotFoundError, PreconditionFailedError } from '../../shared/errors.js';
import type { TechPack } from '../../shared/types.js';
import {
  applyMatrixEdits,
  applyOrderPatch,
  newOrder,
  parseMatrixEdits,
  parseOrderCreate,
  parseOrderPatch,
  parseOrderTransition,
  transitionOrder,
} from '../../shared/productionOrder.js';
import { OrderListQuery } from '../../shared/schemas/queries.js';
import { isIdOf } from '../store/keys.js';
import type { Store } from '../store/store.js';
import { answerWith } from '../http/middleware.js';
import { backorderCompletion } from './linkedOrders.js';
import type { ApiRequest, ApiResponse } from '../http/types.js';
import { found, ifMatchVersion, now, pageQuery, preconditionFailedOnConflict, requireId, resource } from './common.js';

export function orderHandlers(store: Store) {
  const completeWithBackorder = backorderCompletion(store);
  const load = async (id: string) =>
    found(await store.getOrder(requireId('ProductionOrder', id, 'Production order')), 'Production order', id);
  /** For answers only (nothing is written from it): 1 GetItem, eventually consistent. */
  const read = async (id: string) =>
    found(await store.readOrder(requireId('ProductionOrder', id, 'Production order')), 'Production order', id);

  return {
    /**
     * 3 round trips: tech pack + settings (one BatchGet), the id counter, the write (which checks that a
     * named IQ template exists).
     */
    async createOrder(req: ApiRequest): Promise<ApiResponse> {
      const input = parseOrderCreate(req.body);
      if (!isIdOf('TechPack', input.techPackId)) throw new NotFoundError('Tech pack', input.techPackId);
      const { techPack, settings } = await store.getTechPackAndSettings(input.techPackId);
      if (!techPack) throw new NotFoundError('Tech pack', input.techPackId);
      let answer!: ApiResponse;
      await store.createOrder(
        (id) => {
          const source = { type: 'commercial' } as const;
          const order = newOrder({ id, input, techPack, settings, source, actor: req.actor, now: now() });
          answer = answerWith(resource(201, order, { location: `/v1/production-orders/${order.id}` }));
          return order;
        },
        techPack,
        input.iqTemplate,
      );
      return answer;
    },

    async listOrders(req: ApiRequest): Promise<ApiResponse> {
      return { status: 200, body: await store.listOrders(pageQuery(req.query, OrderListQuery)) };
    },

    async getOrder(req: ApiRequest): Promise<ApiResponse> {
      return resource(200, await read(req.params.id));
    },

    /** 2 round trips: read, conditional write. */
    async patchOrder(req: ApiRequest): Promise<ApiResponse> {
      const base = ifMatchVersion(req.headers);
      const patch = parseOrderPatch(req.body);
      const current = await load(req.params.id);
      if (current.version !== base) throw new PreconditionFailedError(current);
      // After release an amended matrix must stay covered by the release BOM snapshot (read with the order).
      const snapshot = store.requirements.pinnedBom(current.id);
      const { order, history } = applyOrderPatch(current, patch, req.actor, now(), snapshot);
      await store.saveOrderEdit(order, current, history, patch.iqTemplate).catch(preconditionFailedOnConflict);
      return resource(200, order);
    },

    /**
     * 2 round trips (order with its batches; the write), 3 for release (the tech pack: its BOM is
     * snapshotted). plan does not read the tech pack: the write checks its state (store.ts).
     */
    async transitionOrder(req: ApiRequest): Promise<ApiResponse> {
      const request = parseOrderTransition(req.body);
      if (request.backorder) return completeWithBackorder(req, request);
      const id = requireId('ProductionOrder', req.params.id, 'Production order');
      const { order: current, batches } = await store.getOrderWithBatches(id);
      if (!current) throw new NotFoundError('Production order', id);
      const at = now();
      const decide = (techPack: TechPack | undefined, techPackGateAtWrite: boolean) =>
        transitionOrder(current, request, { techPack, techPackGateAtWrite, batches, actor: req.actor, now: at });
      const techPack = request.action === 'release' ? await store.getTechPack(current.techPackId) : undefined;
      let change: ReturnType<typeof decide>;
      try {
        change = decide(techPack, request.action === 'plan');
      } catch (err) {
        // plan refused on the order's own gate: a tech pack not ready is still the first refusal, so
        // it is read now to say which (a refusal only; a plan that passes reads no tech pack).
        if (request.action !== 'plan' || !(err instanceof ConflictError) || err.code !== 'ORDER_INCOMPLETE') throw err;
        change = decide(await store.getTechPack(current.techPackId), false);
      }
      const answer = answerWith(resource(200, change.order));
      // Release keeps the tech pack's BOM, as read, in the order: its materials stay pinned to it.
      if (request.action === 'release' && techPack) await store.saveRelease(change, current, techPack);
      else await store.saveOrderChange(change, current);
      return answer;
    },

    /** 2 round trips; cells untouched by others merge even when the version moved on. */
    async matrixEdits(req: ApiRequest): Promise<ApiResponse> {
      const edits = parseMatrixEdits(req.body);
      const current = await load(req.params.id);
      const snapshot = store.requirements.pinnedBom(current.id);
      const { order, history } = applyMatrixEdits(current, edits, req.actor, now(), snapshot);
      const answer = answerWith(resource(200, order));
      await store.saveOrderChange({ order, history }, current);
      return answer;
    },

    async orderHistory(req: ApiRequest): Promise<ApiResponse> {
      const id = requireId('ProductionOrder', req.params.id, 'Production order');
      const page = await store.listHistory(id, pageQuery(req.query));
      if (page.items.length === 0 && !req.query.cursor) await read(id);
      return { status: 200, body: page };
    },
  };
}
