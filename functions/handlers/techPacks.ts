import { PreconditionFailedError } from '../../shared/errors.js';
import {
  applyTechPackPatch,
  newTechPack,
  nextTechPackState,
  parseTechPackCreate,
  parseTechPackPatch,
  parseTechPackTransition,
  techPackUpdateEntry,
} from '../../shared/techPack.js';
import { TechPackListQuery } from '../../shared/schemas/queries.js';
import type { TechPack } from '../../shared/types.js';
import type { Store } from '../store/store.js';
import { answerWith } from '../http/middleware.js';
import type { ApiRequest, ApiResponse } from '../http/types.js';
import { found, ifMatchVersion, now, pageQuery, preconditionFailedOnConflict, requireId, resource } from './common.js';

export function techPackHandlers(store: Store) {
  /** `consistent` false: for answers only (nothing is written from it), eventually consistent. */
  const load = async (id: string, consistent = true) =>
    found(await store.getTechPack(requireId('TechPack', id, 'Tech pack'), consistent), 'Tech pack', id);

  return {
    async createTechPack(req: ApiRequest): Promise<ApiResponse> {
      const input = parseTechPackCreate(req.body);
      let answer!: ApiResponse;
      await store.createTechPack((id) => {
        const tp = newTechPack(input, id, now());
        answer = answerWith(resource(201, tp, { location: `/v1/tech-packs/${tp.id}` }));
        return tp;
      }, req.actor.id);
      return answer;
    },

    async listTechPacks(req: ApiRequest): Promise<ApiResponse> {
      return { status: 200, body: await store.listTechPacks(pageQuery(req.query, TechPackListQuery)) };
    },

    async getTechPack(req: ApiRequest): Promise<ApiResponse> {
      return resource(200, await load(req.params.id, false));
    },

    async patchTechPack(req: ApiRequest): Promise<ApiResponse> {
      const base = ifMatchVersion(req.headers);
      const current = await load(req.params.id);
      if (current.version !== base) throw new PreconditionFailedError(current);
      const patch = parseTechPackPatch(req.body, current);
      const at = now();
      const next = applyTechPackPatch(current, patch, at);
      const history = techPackUpdateEntry(current, next, patch, req.actor, at);
      await store.saveTechPack(next, base, history, patch.iqTemplate).catch(preconditionFailedOnConflict);
      return resource(200, next);
    },

    async transitionTechPack(req: ApiRequest): Promise<ApiResponse> {
      const to = parseTechPackTransition(req.body);
      const current = await load(req.params.id);
      const at = now();
      const next: TechPack = {
        ...current,
        state: nextTechPackState(current, to, req.actor),
        version: current.version + 1,
        updatedAt: at,
      };
      const history = { at, actor: req.actor.id, action: 'transition', from: current.state, to, version: next.version };
      const answer = answerWith(resource(200, next));
      await store.saveTechPackTransition(next, current.version, history);
      return answer;
    },
  };
}
