import { NotFoundError, PreconditionFailedError, ValidationError } from '../../shared/errors.js';
import { MATERIAL_CODE, emptyRawMaterial, parseRawMaterialPut } from '../../shared/requirements.js';
import { statesOf } from '../../shared/schemas/logistics.js';
import { RequirementListQuery } from '../../shared/schemas/queries.js';
import { decodeCursor, encodeCursor } from '../store/db.js';
import { RawMaterialVersionMismatch } from '../store/requirements.js';
import type { Store } from '../store/store.js';
import type { ApiRequest, ApiResponse } from '../http/types.js';
import { ifMatchVersion, now, pageQuery, resource } from './common.js';

function materialOf(raw: string | undefined): string {
  const material = raw ?? '';
  if (!MATERIAL_CODE.test(material)) throw new NotFoundError('Raw material', material);
  return material;
}

export function requirementHandlers(store: Store) {
  const requirements = store.requirements;

  return {
    /** 1 round trip. A material nobody has described yet answers version 0, no lead time, no variants. */
    async getRawMaterial(req: ApiRequest): Promise<ApiResponse> {
      const material = materialOf(req.params.material);
      return resource(200, (await requirements.getRawMaterial(material)) ?? emptyRawMaterial(material));
    },

    /**
     * 2 round trips: the material as stored, then its replacement with its history entry (the outbox:
     * RawMaterial.Changed). If-Match (or the body's `version`) makes it conditional: stale -> 412.
     */
    async putRawMaterial(req: ApiRequest): Promise<ApiResponse> {
      const material = materialOf(req.params.material);
      const input = parseRawMaterialPut(req.body, material);
      const header = req.headers['if-match'] === undefined ? undefined : ifMatchVersion(req.headers);
      if (header !== undefined && input.version !== undefined && header !== input.version) {
        throw new ValidationError([{ field: 'version', message: `differs from If-Match (${header})` }]);
      }
      const wanted = header ?? input.version;
      const current = (await requirements.getRawMaterial(material)) ?? emptyRawMaterial(material);
      if (wanted !== undefined && wanted !== current.version) throw new PreconditionFailedError(current);
      const saved = await requirements
        .putRawMaterial(material, input, current.version, wanted !== undefined, req.actor.id, now())
        .catch((err) => {
          if (err instanceof RawMaterialVersionMismatch) throw new PreconditionFailedError(err.current);
          throw err;
        });
      return resource(200, saved);
    },

    /** Requirement lines across open orders, long-lead first; a page of them (see Requirements.lines for requests). */
    async listMaterialRequirements(req: ApiRequest): Promise<ApiResponse> {
      const q = pageQuery(req.query, RequirementListQuery);
      const { material, limit, cursor } = q;
      const states = q.states === undefined ? undefined : statesOf(q.states);
      const scope = `requirements:${material ?? ''}:${(states ?? []).join(',')}`;
      const offset = cursor === undefined ? 0 : Number(decodeCursor(scope, cursor)!.offset);
      if (!Number.isInteger(offset) || offset < 0)
        throw new ValidationError([{ field: 'cursor', message: 'is not a cursor this list produced' }]);
      const lines = await requirements.lines({ states, material });
      const items = lines.slice(offset, offset + limit);
      const next = offset + limit < lines.length ? { offset: offset + limit } : undefined;
      return { status: 200, body: { items, nextCursor: encodeCursor(scope, next) } };
    },
  };
}
