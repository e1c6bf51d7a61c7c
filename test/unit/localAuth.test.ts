// The local stack's authentication is the production Lambda authorizer (functions/authorizer.ts) on
// a local key set: the local gateway (infra/local/server.ts) runs its handler on every bearer token
// and hands its context to the API as `requestContext.authorizer.lambda`, as API Gateway does. These
// tokens are signed with the right key, by the right issuer, for the right audience, unexpired: what
// the local stack once checked by itself. The authorizer refuses them for reasons only it checks.
import { mkdtempSync, rmSync } from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LOCAL_ACCOUNTS_ISSUER,
  LOCAL_AUDIENCE,
  LOCAL_CLIENT_ID,
  LOCAL_ISSUER,
  type LocalKeys,
  loadOrCreateKeys,
  mintToken,
  verifyBearer,
} from '../../infra/local/auth.js';
import { createLocalServer } from '../../infra/local/server.js';
import { rolesFromClaims } from '../../functions/http/middleware.js';
import { observability, SERVICES } from '../../functions/log.js';
import { captureStdout } from '../support/stdout.js';

const dirs: string[] = [];
const keysIn = async () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'gf-auth-'));
  dirs.push(d);
  return loadOrCreateKeys(d);
};

let keys: LocalKeys;
let server: http.Server;
let url: string;
const seen: APIGatewayProxyEventV2[] = [];

beforeAll(async () => {
  keys = await keysIn();
  // The authorizer's own log lines (warn 'denied' with its reason, info 'allowed'), as in Lambda.
  process.env.LOG_LEVEL = 'INFO';
  const obs = observability(SERVICES.authorizer);
  // What API Gateway would invoke behind the authorizer: here, a handler that shows the event.
  const handler = async (event: APIGatewayProxyEventV2) => {
    seen.push(event);
    return { statusCode: 200, body: JSON.stringify(event.requestContext) };
  };
  server = createLocalServer(handler as never, keys, { authorizerObservability: obs });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** GET a route through the local gateway; the authorizer's log lines while it ran. */
async function get(token: string | undefined, route = '/v1/production-orders') {
  const { result, lines } = await captureStdout(async () => {
    const res = await fetch(url + route, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, body: await res.json() };
  });
  return { ...result, log: lines.filter((l) => l.service === SERVICES.authorizer) };
}

const sign = (claims: JWTPayload, exp: number | string = '1h') =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: keys.kid, typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(keys.privateKey);

const machine = (over: JWTPayload = {}) => ({
  iss: LOCAL_ISSUER,
  aud: LOCAL_AUDIENCE,
  sub: 'erp-system',
  client_id: LOCAL_CLIENT_ID,
  token_use: 'access',
  scope: 'garmentflow/planner',
  ...over,
});
const account = (over: JWTPayload = {}) => ({
  iss: LOCAL_ACCOUNTS_ISSUER,
  aud: LOCAL_AUDIENCE,
  sub: 'ana@example.com',
  email: 'ana@example.com',
  email_verified: true,
  ...over,
});

describe('the local gateway runs the production authorizer', () => {
  it('a token with roles: a Cognito-style access token; its context reaches the API as authorizer.lambda', async () => {
    const token = await mintToken(keys, { email: 'ana@example.com', roles: ['planner', 'admin'] });
    const res = await get(token);
    expect(res.status).toBe(200);
    const context = {
      sub: 'ana@example.com',
      iss: LOCAL_ISSUER,
      roles: 'admin,planner',
      scope: 'garmentflow/planner garmentflow/admin',
      client_id: LOCAL_CLIENT_ID,
    };
    // Exactly the authorizer's simple-response context: no JWT claims, no email for a machine token.
    expect(res.body.authorizer).toEqual({ lambda: context });
    expect(rolesFromClaims(res.body.authorizer.lambda)).toEqual(['admin', 'planner']);
    expect(res.log).toContainEqual(
      expect.objectContaining({ message: 'allowed', status: 200, actor: LOCAL_CLIENT_ID }),
    );
    // The wrapper the benchmark uses: the same authorizer, the same context.
    expect((await captureStdout(() => verifyBearer(keys, `Bearer ${token}`))).result).toEqual(context);
  });

  it('a token without roles: a Google-style ID token; roles are left to the role mapping', async () => {
    const token = await mintToken(keys, { email: 'Bo@Example.com', roles: [] });
    const res = await get(token);
    expect(res.status).toBe(200);
    expect(res.body.authorizer).toEqual({
      lambda: { sub: 'Bo@Example.com', email: 'bo@example.com', email_verified: 'true', iss: LOCAL_ACCOUNTS_ISSUER },
    });
    expect(rolesFromClaims(res.body.authorizer.lambda)).toEqual([]);
  });

  it('refuses with 401 in the contract shape what only the authorizer checks; logs its reason', async () => {
    const refused: [string, string][] = [
      [await sign(machine({ token_use: 'id' })), 'wrong-token-use'],
      [await sign(machine({ client_id: 'someone-elses-client' })), 'client-not-allowed'],
      [await sign(machine({ sub: undefined })), 'invalid-token'],
      [await sign(account({ email_verified: false })), 'unverified-email'],
      [await sign(account({ aud: 'another-client' })), 'invalid-token'],
      [await sign(account({ iss: 'https://accounts.google.com' })), 'untrusted-issuer'],
      [await sign(machine({ iss: 'garmentflow-elsewhere' })), 'untrusted-issuer'],
      [await sign(machine(), Math.floor(Date.now() / 1000) - 120), 'expired'],
      ['not.a.jwt', 'malformed'],
    ];
    for (const [token, reason] of refused) {
      const res = await get(token);
      expect(res.status, reason).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
      expect(res.log, reason).toContainEqual(expect.objectContaining({ message: 'denied', status: 403, reason }));
      expect((await captureStdout(() => verifyBearer(keys, `Bearer ${token}`))).result).toBeUndefined();
    }
    // Signed by another key: the signature is the authorizer's to check, too.
    const other = await keysIn();
    const forged = await mintToken(other, { email: 'eve@example.com', roles: ['admin'] });
    expect((await get(forged)).status).toBe(401);
    // No token: 401 without invoking the authorizer (API Gateway's identity source check).
    const none = await get(undefined);
    expect(none.status).toBe(401);
    expect(none.log).toEqual([]);
    expect(seen.every((e) => e.requestContext.http.path === '/v1/production-orders')).toBe(true);
  });

  it('only scopes with the prefix count: another resource server gives no role', async () => {
    const res = await get(await sign(machine({ scope: 'evil/admin admin garmentflow/viewer' })));
    expect(res.status).toBe(200);
    expect(res.body.authorizer.lambda.roles).toBe('viewer');
  });

  it('remembers an allowed token as API Gateway caches its authorizer: one check per token', async () => {
    const token = await mintToken(keys, { email: 'cy@example.com', roles: ['viewer'] });
    const first = await get(token);
    const second = await get(token);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.log.filter((l) => l.message === 'allowed')).toHaveLength(1);
    expect(second.log).toEqual([]);
    // Concurrent first requests with a new token: one invocation too.
    const fresh = await mintToken(keys, { email: 'dee@example.com', roles: ['viewer'] });
    const { result, lines } = await captureStdout(() =>
      Promise.all(
        Array.from({ length: 8 }, () =>
          fetch(`${url}/v1/tech-packs`, { headers: { authorization: `Bearer ${fresh}` } }),
        ),
      ),
    );
    expect(result.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(lines.filter((l) => l.message === 'allowed')).toHaveLength(1);
  });

  it('public routes need no token and never invoke the authorizer', async () => {
    const res = await get(undefined, '/v1/health');
    expect(res.status).toBe(200);
    expect(res.body.authorizer).toBeUndefined();
    expect(res.log).toEqual([]);
  });
});
