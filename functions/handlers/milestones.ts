// Milestones: one order's marked done or re-dated (an order write like a PATCH: If-Match), and the
// list of milestones across open orders, soonest first, from the byMilestone index.
import { NotFoundError, PreconditionFailedError } from '../../shared/errors.js';
import { applyMilestoneUpdate, isMilestoneKey, parseMilestoneUpdate } from '../../shared/milestones.js';
import { MilestoneListQuery } from '../../shared/schemas/queries.js';
import type { Store } from '../store/store.js';
import type { ApiRequest, ApiResponse } from '../http/types.js';
import { found, ifMatchVersion, now, pageQuery, preconditionFailedOnConflict, requireId, resource } from './common.js';

export function milestoneHandlers(store: Store) {
  return {
    /** 2 round trips: read, conditional write (the order, its history entry, the milestone's index item). */
    async putMilestone(req: ApiRequest): Promise<ApiResponse> {
      const base = ifMatchVersion(req.headers);
      const update = parseMilestoneUpdate(req.body);
      const id = requireId('ProductionOrder', req.params.id, 'Production order');
      if (!isMilestoneKey(req.params.key)) throw new NotFoundError('Milestone', req.params.key);
      const current = found(await store.getOrder(id), 'Production order', id);
      if (current.version !== base) throw new PreconditionFailedError(current);
      const { order, history } = applyMilestoneUpdate(current, req.params.key, update, req.actor, now());
      await store.saveOrderEdit(order, current, history).catch(preconditionFailedOnConflict);
      return resource(200, order);
    },

    /** 1 round trip: one Query per shard of the index, in parallel. */
    async listMilestones(req: ApiRequest): Promise<ApiResponse> {
      const q = pageQuery(req.query, MilestoneListQuery);
      const page = await store.listMilestones({
        dueBefore: q.dueBefore,
        open: q.open !== 'false',
        limit: q.limit,
        cursor: q.cursor,
      });
      return { status: 200, body: page };
    },
  };
}
