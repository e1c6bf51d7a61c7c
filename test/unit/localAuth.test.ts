// The local gateway's token check: real ES256 signatures, issuer, audience, expiry; a verified
// token is remembered only until it expires.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrCreateKeys, mintToken, verifyBearer } from '../../infra/local/auth.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const keysIn = async () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'gf-auth-'));
  dirs.push(d);
  return loadOrCreateKeys(d);
};

describe('verifyBearer', () => {
  it('accepts a token signed with the key, with its claims', async () => {
    const keys = await keysIn();
    const token = await mintToken(keys, { email: 'ana@example.com', roles: ['planner'] });
    const claims = await verifyBearer(keys, `Bearer ${token}`);
    expect(claims).toMatchObject({ email: 'ana@example.com', roles: ['planner'], iss: 'garmentflow-local', aud: 'garmentflow-api' });
    expect(await verifyBearer(keys, `bearer ${token}`)).toBeDefined();
  });

  it('refuses another key, a malformed header, and no header', async () => {
    const keys = await keysIn();
    const other = await keysIn();
    const token = await mintToken(other, { email: 'eve@example.com', roles: ['admin'] });
    expect(await verifyBearer(keys, `Bearer ${token}`)).toBeUndefined();
    expect(await verifyBearer(keys, token)).toBeUndefined();
    expect(await verifyBearer(keys, undefined)).toBeUndefined();
  });

  it('stops accepting a remembered token once it expires', async () => {
    const keys = await keysIn();
    const token = await mintToken(keys, { email: 'ana@example.com', roles: ['planner'], ttl: 1 });
    expect(await verifyBearer(keys, `Bearer ${token}`)).toBeDefined();
    expect(await verifyBearer(keys, `Bearer ${token}`)).toBeDefined();
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await verifyBearer(keys, `Bearer ${token}`)).toBeUndefined();
  });
});
