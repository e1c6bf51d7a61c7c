// The local stack every integration test talks to authenticates through the production Lambda
// authorizer (functions/authorizer.ts) on its key set in DATA_DIR, and the API reads the caller from
// the authorizer's context: tokens signed with the stack's own key, by its issuers, for its audience
// and unexpired are still refused when the authorizer would refuse them in AWS.
import { type JWTPayload, SignJWT } from 'jose';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  LOCAL_ACCOUNTS_ISSUER,
  LOCAL_AUDIENCE,
  LOCAL_CLIENT_ID,
  LOCAL_ISSUER,
  type LocalKeys,
  loadKeys,
} from '../../infra/local/auth.js';
import { api, token, tokens } from '../support/api.js';
import { techPackBody } from '../support/fixtures.js';

let keys: LocalKeys;
let t: Awaited<ReturnType<typeof tokens>>;
beforeAll(async () => {
  keys = await loadKeys(inject('keyFile'));
  t = await tokens();
});

const sign = (claims: JWTPayload) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: keys.kid, typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(keys.privateKey);

const machine = (over: JWTPayload = {}) =>
  sign({
    iss: LOCAL_ISSUER,
    aud: LOCAL_AUDIENCE,
    sub: 'erp-local',
    client_id: LOCAL_CLIENT_ID,
    token_use: 'access',
    scope: 'garmentflow/commercial',
    ...over,
  });

describe('the local stack authenticates with the production authorizer', () => {
  it('refuses (401) what only the authorizer refuses: ID tokens, unknown clients, unverified emails', async () => {
    const cases = {
      ok: await machine(),
      idToken: await machine({ token_use: 'id' }),
      otherClient: await machine({ client_id: 'not-ours' }),
      unverified: await sign({
        iss: LOCAL_ACCOUNTS_ISSUER,
        aud: LOCAL_AUDIENCE,
        sub: 'zed@example.com',
        email: 'zed@example.com',
        email_verified: false,
      }),
    };
    const status = async (tok: string) => (await api('GET', '/v1/tech-packs', { token: tok })).status;
    expect(await status(cases.ok)).toBe(200);
    for (const name of ['idToken', 'otherClient', 'unverified'] as const) {
      const res = await api('GET', '/v1/tech-packs', { token: cases[name] });
      expect(res.status, name).toBe(401);
      expect(res.body.error.code, name).toBe('UNAUTHORIZED');
    }
  });

  it('the API reads the caller from the authorizer context: sub for machines, email for accounts', async () => {
    const stamp = `${process.pid}-${Date.now()}`;
    const grant = (tok: string, email: string, roles: string[]) =>
      api('PUT', `/v1/role-mappings/${email}`, { token: tok, body: { roles } });
    const byMachine = await grant(await machine({ scope: 'garmentflow/admin' }), `m-${stamp}@example.com`, ['viewer']);
    expect(byMachine.status, JSON.stringify(byMachine.body)).toBe(200);
    expect(byMachine.body.updatedBy).toBe('erp-local');
    // Scopes of another resource server grant nothing: the authorizer keeps only `garmentflow/`.
    const foreign = await machine({ scope: 'other/admin admin' });
    expect((await grant(foreign, `f-${stamp}@example.com`, ['viewer'])).status).toBe(403);

    // A Google-style token (no roles): its roles are the role mapping's, its actor its email.
    const email = `acct-${stamp}@example.com`;
    const account = await token({ email, roles: [] });
    expect((await api('POST', '/v1/tech-packs', { token: account, body: techPackBody() })).status).toBe(403);
    expect((await grant(t.admin, email, ['admin'])).status).toBe(200);
    const byAccount = await grant(account, `a-${stamp}@example.com`, ['viewer']);
    expect(byAccount.status, JSON.stringify(byAccount.body)).toBe(200);
    expect(byAccount.body.updatedBy).toBe(email);
  });
});
