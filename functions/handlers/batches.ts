import { NotFoundError } from '../../shared/errors.js';
import {
  createBatches,
  checkSubMatrix,
  parseBatchCreate,
  parseBatchTransition,
  parseGenerate,
  planBatches,
  requireInProduction,
  transitionBatch,
} from '../../shared/batches.js';
import { answerWith } from '../http/middleware.js';
import { BatchStore } from '../store/batches.js';
import type { Store } from '../store/store.js';
import type { ApiRequest, ApiResponse } from '../http/types.js';
import { now, pageQuery, requireId, resource } from './common.js';

export function batchHandlers(store: Store) {
  const batches = new BatchStore(store);
  const orderId = (req: ApiRequest) => requireId('ProductionOrder', req.params.id, 'Production order');

  return {
    /**
     * A batch from a sub-matrix. 2 round trips: the order and a batch id (in parallel), then one
     * transaction (order conditional on its version + the batch + its history entry, + the
     * Idempotency-Key's answer: named before the write, see answerWith).
     */
    async createBatch(req: ApiRequest): Promise<ApiResponse> {
      const matrix = parseBatchCreate(req.body);
      const id = orderId(req);
      let answer!: ApiResponse;
      await batches.createBatches(
        id,
        (order) => {
          requireInProduction(order, 'created');
          checkSubMatrix(order, matrix);
          return [matrix];
        },
        (order, matrices, ids) => {
          const change = createBatches(order, matrices, { ids, origin: 'manual', actor: req.actor, now: now() });
          const batch = change.batches[0];
          answer = answerWith(resource(201, batch, { location: `/v1/production-orders/${id}/batches/${batch.id}` }));
          return change;
        },
        1,
      );
      return answer;
    },

    /**
     * Every batch the batch plan asks for, in one transaction (all or none). 3 round trips: the
     * order, the batch ids, the write. An optional `{"maxBatchQty": n}` overrides the plan's.
     */
    async createGeneratedBatches(req: ApiRequest): Promise<ApiResponse> {
      const { maxBatchQty } = parseGenerate(req.body);
      const id = orderId(req);
      let answer!: ApiResponse;
      await batches.createBatches(
        id,
        (order) => planBatches(order, maxBatchQty),
        (order, matrices, ids) => {
          const change = createBatches(order, matrices, {
            ids,
            origin: 'generated',
            actor: req.actor,
            now: now(),
            maxBatchQty,
          });
          // The answer rides in the write's transaction (answerWith): at most 82 items + the key's.
          answer = answerWith({
            status: 201,
            body: { items: change.batches, order: change.order },
            headers: { location: `/v1/production-orders/${id}/batches` },
          });
          return change;
        },
      );
      return answer;
    },

    /** 1 round trip per page (the order and the batch sets, in parallel). */
    async listBatches(req: ApiRequest): Promise<ApiResponse> {
      const id = orderId(req);
      const { order, page } = await batches.list(id, pageQuery(req.query));
      if (!order) throw new NotFoundError('Production order', id);
      return { status: 200, body: page };
    },

    /** start / finish / cancel. 2 round trips: the order and the batch (in parallel), one transaction. */
    async transitionBatch(req: ApiRequest): Promise<ApiResponse> {
      const request = parseBatchTransition(req.body);
      const id = orderId(req);
      const batchId = requireId('ProductionBatch', req.params.batchId, 'Production batch');
      let answer!: ApiResponse;
      await batches.transitionBatch(id, batchId, (order, batch) => {
        const change = transitionBatch(order, batch, request, req.actor, now());
        answer = answerWith(resource(200, change.batch));
        return change;
      });
      return answer;
    },
  };
}
