import { PreconditionFailedError } from '../../shared/errors.js';
import { parseSettingsUpdate, settingsWriteVersion } from '../../shared/settings.js';
import { RoleMappingInput } from '../../shared/schemas/admin.js';
import { parseWith } from '../../shared/schemas/core.js';
import { requireObject } from '../../shared/validate.js';
import { TransientConflict } from '../store/db.js';
import type { Store } from '../store/store.js';
import type { ApiRequest, ApiResponse } from '../http/types.js';
import { badRequestIf, found, ifMatchVersion, now, pageQuery, resource } from './common.js';

// No spaces or control characters, one @, a dot in the domain; at most 254 characters (RFC 5321).
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
const EMAIL = /^[^\s@\u0000-\u001f\u007f]{1,64}@[^\s@\u0000-\u001f\u007f]+\.[^\s@\u0000-\u001f\u007f]+$/;

export function adminHandlers(store: Store) {
  return {
    async getSettings(): Promise<ApiResponse> {
      return resource(200, await store.getSettings());
    },

    /** The body GET answered is accepted; its `version` (or If-Match) makes the write conditional: stale -> 412. */
    async putSettings(req: ApiRequest): Promise<ApiResponse> {
      const current = await store.getSettings();
      const next = parseSettingsUpdate(req.body, current);
      const ifMatch = req.headers['if-match'] === undefined ? undefined : ifMatchVersion(req.headers);
      const expected = settingsWriteVersion(req.body, ifMatch);
      if (expected !== undefined && expected !== current.version) throw new PreconditionFailedError(current);
      const saved = await store.putSettings(next, current.version).catch(async (err: unknown) => {
        // A conditional write that lost the race is stale; an unconditional one simply runs again.
        if (expected !== undefined && err instanceof TransientConflict)
          throw new PreconditionFailedError(await store.getSettings());
        throw err;
      });
      return resource(200, saved);
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
      const { roles } = parseWith(RoleMappingInput, requireObject(req.body));
      return { status: 200, body: await store.putRoleMapping(email, [...new Set(roles)], req.actor.id, now()) };
    },
  };
}
