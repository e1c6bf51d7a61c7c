// The local gateway's token check: real ES256 signatures, issuer, audience, expiry; a verified
// token is remembered only until it expires.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
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
    expect(claims).toMatchObject({
      email: 'ana@example.com',
      roles: ['planner'],
      iss: 'garmentflow-local',
      aud: 'garmentflow-api',
    });
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

  it('refuses a token signed with the right key but for another issuer or audience, or without expiry', async () => {
    const keys = await keysIn();
    const sign = (build: (j: SignJWT) => SignJWT) =>
      build(new SignJWT({ email: 'eve@example.com', roles: ['admin'] }).setProtectedHeader({ alg: 'ES256' })).sign(
        keys.privateKey,
      );
    const wrongIssuer = await sign((j) =>
      j.setIssuer('someone-else').setAudience('garmentflow-api').setExpirationTime('1h'),
    );
    const wrongAudience = await sign((j) =>
      j.setIssuer('garmentflow-local').setAudience('another-api').setExpirationTime('1h'),
    );
    const noExpiry = await sign((j) => j.setIssuer('garmentflow-local').setAudience('garmentflow-api'));
    const right = await sign((j) =>
      j.setIssuer('garmentflow-local').setAudience('garmentflow-api').setExpirationTime('1h'),
    );
    expect(await verifyBearer(keys, `Bearer ${wrongIssuer}`)).toBeUndefined();
    expect(await verifyBearer(keys, `Bearer ${wrongAudience}`)).toBeUndefined();
    expect(await verifyBearer(keys, `Bearer ${noExpiry}`)).toBeUndefined();
    expect(await verifyBearer(keys, `Bearer ${right}`)).toBeDefined();
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
