import { NotFoundError, PreconditionFailedError } from '../../shared/errors.js';
import { parseStockPut } from '../../shared/stock.js';
import { withoutCarriedClaim } from '../store/idempotencyScope.js';
import { StockStore, StockVersionMismatch } from '../store/stock.js';
import type { Store } from '../store/store.js';
import type { ApiRequest, ApiResponse } from '../http/types.js';
import { runReplenishment } from '../replenishment/run.js';
import { ifMatchVersion, now, requireId, resource } from './common.js';

/** API Gateway answers after 29 s: the endpoint's run stops starting styles well before. */
const API_RUN_BUDGET_MS = 20_000;

export function stockHandlers(store: Store) {
  const stock = new StockStore(store);

  return {
    /** 1 round trip (stock + tech pack in one BatchGet). A style without pushed stock answers version 0 and no cells. */
    async getStock(req: ApiRequest): Promise<ApiResponse> {
      const id = requireId('TechPack', req.params.techPackId, 'Tech pack');
      const { stock: current, techPack } = await stock.getWithTechPack(id);
      if (!techPack) throw new NotFoundError('Tech pack', id);
      return resource(200, current ?? StockStore.empty(id));
    },

    /** 2 round trips: the tech pack (cells are checked against its colors and sizes), the write. If-Match optional. */
    async putStock(req: ApiRequest): Promise<ApiResponse> {
      const id = requireId('TechPack', req.params.techPackId, 'Tech pack');
      const expectedVersion = req.headers['if-match'] === undefined ? undefined : ifMatchVersion(req.headers);
      const techPack = await store.getTechPack(id);
      if (!techPack) throw new NotFoundError('Tech pack', id);
      const cells = parseStockPut(req.body, techPack);
      const saved = await stock
        .put({ techPack, cells, actor: req.actor.id, now: now(), expectedVersion })
        .catch((err) => {
          if (err instanceof StockVersionMismatch) throw new PreconditionFailedError(err.current);
          throw err;
        });
      return resource(200, saved);
    },

    /**
     * The scheduled job's run, on demand. See functions/replenishment/run.ts for its round trips.
     * Under an Idempotency-Key the key's completion cannot ride in the write: a run writes one
     * transaction per order it creates (any number, or none), and its answer (which orders) is known
     * only after the last. It needs none: the run is idempotent by itself (each order is created with
     * its style's open-order marker, conditionally), so its transactions carry no claim
     * (withoutCarriedClaim) and the answer is stored after the run. Killed in between, the claim
     * lapses after IN_FLIGHT_SECONDS (60 s, above the run's 20 s budget, so a live run is never
     * overtaken): until then a retry gets 409 IDEMPOTENCY_IN_FLIGHT, after it the retry runs again,
     * creates only the orders still missing, and its answer is stored; never 409 IDEMPOTENCY_RESPONSE_LOST.
     */
    async runReplenishment(req: ApiRequest): Promise<ApiResponse> {
      const deadline = Date.now() + API_RUN_BUDGET_MS;
      const result = await withoutCarriedClaim(() => runReplenishment(store, { actor: req.actor, deadline }));
      return { status: 200, body: result };
    },
  };
}
