import { parseSettingsUpdate } from '../../shared/settings.js';
import { ROLES, type Role } from '../../shared/types.js';
import { Problems, rejectUnknown, requireObject } from '../../shared/validate.js';
import type { Store } from '../store/store.js';
import type { ApiRequest, ApiResponse } from '../http/types.js';
import { badRequestIf, found, now, pageQuery, resource, retryOnLostRace } from './common.js';

// No spaces or control characters, one @, a dot in the domain; at most 254 characters (RFC 5321).
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
const EMAIL = /^[^\s@\u0000-\u001f\u007f]{1,64}@[^\s@\u0000-\u001f\u007f]+\.[^\s@\u0000-\u001f\u007f]+$/;

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
      const bad = email.length > 254 || !EMAIL.test(email);
      badRequestIf(bad, 'email', 'must be an email address (at most 254 characters)');
      const body = requireObject(req.body);
      const p = new Problems();
      rejectUnknown(body, ['roles'], p);
      const roles = body.roles;
      if (!Array.isArray(roles) || roles.some((r) => !(ROLES as readonly unknown[]).includes(r))) p.add('roles', `must be a list of: ${ROLES.join(', ')}`);
      p.throwIfAny();
      return { status: 200, body: await store.putRoleMapping(email, [...new Set(roles as Role[])], req.actor.id, now()) };
    },
  };
}
