// For *.serial.test.ts files that change factory-wide settings: read them before the file runs and
// put them back after it, so the files after it see the defaults.
import { afterAll, beforeAll } from 'vitest';
import { api, token } from './api.js';

/** Registers the save and the restore; answers the settings as they were. */
export function keepFactorySettings(): () => Record<string, unknown> {
  let original: Record<string, unknown> = {};
  let admin = '';
  beforeAll(async () => {
    admin = await token({ email: 'admin@example.com', roles: ['admin'] });
    original = (await api('GET', '/v1/settings', { token: admin })).body;
  });
  afterAll(async () => {
    const { version: _v, ...rest } = original;
    await api('PUT', '/v1/settings', { token: admin, body: rest });
  });
  return () => original;
}
