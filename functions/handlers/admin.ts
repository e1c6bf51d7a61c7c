import { parseSettingsUpdate } from '../../shared/settings.js';
import { RoleMappingInput } from '../../shared/schemas/admin.js';
import { parseWith } from '../../shared/schemas/core.js';
import { requireObject } from '../../shared/validate.js';
import type { Store } from '../store/store.js';
import type { ApiRequest, ApiResponse } from '../http/types.js';
import { badRequestIf, found, now, pageQuery, resource, retryOnLostRace } from './common.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function adminHandlers(store: Store) {
  return {
    async getSettings(): Promise<ApiResponse> {
      return resource(200, await store.getSettings());
    },

    async putSettings(req: ApiRequest): Promise<ApiResponse> {
      const current = await store.getSettings();
      const next = parseSettingsUpdate(req.body, current);
      await store.putSettings(next, current.version).catch(retryOnLostRace);
      return resource(200, { ...next, version: current.version + 1 });
    },

    async listRoleMappings(req: ApiRequest): Promise<ApiResponse> {
      return { status: 200, body: await store.listRoleMappings(pageQuery(req.query)) };
    },

    async getRoleMapping(req: ApiRequest): Promise<ApiResponse> {
      const email = req.params.email.toLowerCase();
      return { status: 200, body: found(await store.getRoleMapping(email), 'Role mapping', email) };
    },

    async putRoleMapping(req: ApiRequest): Promise<ApiResponse> {
      const email = req.params.email.toLowerCase();
      badRequestIf(!EMAIL.test(email), 'email', 'must be an email address');
      const { roles } = parseWith(RoleMappingInput, requireObject(req.body));
      return { status: 200, body: await store.putRoleMapping(email, [...new Set(roles)], req.actor.id, now()) };
    },
  };
}
