// The Lambda authorizer in front of every non-public route: Google ID tokens (the add-on) and
// Cognito client-credentials access tokens (other systems), verified against local key sets.
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { resilientKeySet } from '../../functions/auth/keySet.js';
import {
  authorize,
  bearerToken,
  configFromEnv,
  createAuthorizer,
  rolesFromScope,
  type AuthorizerConfig,
  type KeySets,
} from '../../functions/authorizer.js';
import { rolesFromClaims } from '../../functions/http/middleware.js';
import { METRICS_NAMESPACE, observability, SERVICES } from '../../functions/log.js';
import { captureStdout, emfMetricNames } from '../support/stdout.js';

// What Lambda runs with (the test run's local stack turns metrics off and logs down to errors).
process.env.LOG_LEVEL = 'INFO';
process.env.POWERTOOLS_METRICS_DISABLED = 'false';

const CLIENT_ID = '1234-addon.apps.googleusercontent.com';
const COGNITO_ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123';
const NOW = new Date('2025-03-01T10:00:00Z');
const nowSec = Math.floor(NOW.getTime() / 1000);

type Key = { privateKey: CryptoKey; jwk: JWK };
let google: Key;
let cognito: Key;
let stranger: Key;
let keys: KeySets;

async function keyPair(kid: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

async function sign(key: Key, claims: JWTPayload, opts: { exp?: number } = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: key.jwk.kid, typ: 'JWT' })
    .setIssuedAt(nowSec - 60)
    .setExpirationTime(opts.exp ?? nowSec + 3600)
    .sign(key.privateKey);
}

/** Valid by the real clock (the handler checks against it). */
async function signNow(key: Key, claims: JWTPayload): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: key.jwk.kid, typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key.privateKey);
}

const googleClaims = (over: JWTPayload = {}): JWTPayload => ({
  iss: 'https://accounts.google.com',
  aud: CLIENT_ID,
  sub: '1098765',
  email: 'Ana@Example.com',
  email_verified: true,
  hd: 'example.com',
  ...over,
});

const cognitoClaims = (over: JWTPayload = {}): JWTPayload => ({
  iss: COGNITO_ISSUER,
  sub: 'client-erp',
  client_id: 'client-erp',
  token_use: 'access',
  scope: 'garmentflow/system garmentflow/planner other/admin',
  ...over,
});

const config: AuthorizerConfig = {
  googleClientIds: [CLIENT_ID],
  allowedGoogleDomains: ['example.com'],
  allowedGoogleEmails: ['solo@gmail.com'],
  cognitoIssuer: COGNITO_ISSUER,
  cognitoClientIds: ['client-erp'],
  scopePrefix: 'garmentflow/',
};

beforeAll(async () => {
  [google, cognito, stranger] = await Promise.all([keyPair('g1'), keyPair('c1'), keyPair('g1')]);
  keys = { google: createLocalJWKSet({ keys: [google.jwk] }), cognito: createLocalJWKSet({ keys: [cognito.jwk] }) };
});

const check = (token: string, c: AuthorizerConfig = config) => authorize(token, c, keys, NOW);

describe('Google ID tokens (the add-on)', () => {
  it('a valid token of an allowed domain passes; roles are left to the API (role mapping)', async () => {
    const d = await check(await sign(google, googleClaims()));
    expect(d).toEqual({
      ok: true,
      context: {
        sub: '1098765',
        email: 'ana@example.com',
        email_verified: 'true',
        hd: 'example.com',
        iss: 'https://accounts.google.com',
        roles: '',
        scope: '',
        client_id: '',
      },
    });
  });

  it('an allowed e-mail passes without a Workspace domain; the issuer without https too', async () => {
    const d = await check(
      await sign(google, googleClaims({ email: 'solo@gmail.com', hd: undefined, iss: 'accounts.google.com' })),
    );
    expect(d.ok).toBe(true);
  });

  it('refuses other audiences, expired tokens, unverified or not allowed e-mails', async () => {
    const refusals = [
      await sign(google, googleClaims({ aud: 'someone-else.apps.googleusercontent.com' })),
      await sign(google, googleClaims(), { exp: nowSec - 120 }),
      await sign(google, googleClaims({ email_verified: false })),
      await sign(google, googleClaims({ email: 'eve@evil.example', hd: 'evil.example' })),
      await sign(google, googleClaims({ email: undefined })),
    ];
    for (const t of refusals) expect((await check(t)).ok).toBe(false);
  });

  it('refuses a token signed with another key (same kid) and a cognito-signed token claiming Google', async () => {
    expect((await check(await sign(stranger, googleClaims()))).ok).toBe(false);
    expect((await check(await sign(cognito, googleClaims()))).ok).toBe(false);
  });

  it('refuses every Google token while no client id is configured', async () => {
    const d = await check(await sign(google, googleClaims()), { ...config, googleClientIds: [] });
    expect(d).toEqual({ ok: false, code: 'not-configured', reason: 'no Google client id configured' });
  });
});

describe('Cognito access tokens (client credentials)', () => {
  it('a token of an allowed app client passes with roles from its garmentflow/ scopes', async () => {
    const d = await check(await sign(cognito, cognitoClaims()));
    expect(d).toEqual({
      ok: true,
      context: {
        sub: 'client-erp',
        email: '',
        email_verified: '',
        hd: '',
        iss: COGNITO_ISSUER,
        roles: 'planner,system',
        scope: 'garmentflow/system garmentflow/planner other/admin',
        client_id: 'client-erp',
      },
    });
  });

  it('refuses ID tokens, unknown app clients, other pools, Google-signed tokens', async () => {
    const refusals = [
      await sign(cognito, cognitoClaims({ token_use: 'id' })),
      await sign(cognito, cognitoClaims({ client_id: 'intruder' })),
      await sign(cognito, cognitoClaims({ iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other' })),
      await sign(google, cognitoClaims()),
      await sign(cognito, cognitoClaims(), { exp: nowSec - 120 }),
    ];
    for (const t of refusals) expect((await check(t)).ok).toBe(false);
  });
});

describe('the handler (simple responses)', () => {
  const event = (authorization?: string): APIGatewayRequestAuthorizerEventV2 =>
    ({
      version: '2.0',
      type: 'REQUEST',
      routeArn: 'arn:aws:execute-api:eu-west-1:123456789012:api/$default/GET/v1/settings',
      identitySource: authorization ? [authorization] : [],
      routeKey: 'GET /v1/settings',
      rawPath: '/v1/settings',
      rawQueryString: '',
      cookies: [],
      headers: authorization ? { authorization } : {},
    }) as unknown as APIGatewayRequestAuthorizerEventV2;

  it('authorizes with the caller as context; denies without a bearer token or with garbage', async () => {
    // The handler verifies against the real clock: sign a token valid now.
    const token = await new SignJWT(cognitoClaims())
      .setProtectedHeader({ alg: 'RS256', kid: 'c1' })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(cognito.privateKey);
    const handler = createAuthorizer(config, keys);
    const { result: answers, lines } = await captureStdout(async () => [
      await handler(event(`Bearer ${token}`), { awsRequestId: 'r-1' }),
      await handler(event()),
      await handler(event('Basic abc')),
      await handler(event('Bearer not.a.jwt')),
      await handler(
        event(`Bearer ${await signNow(google, googleClaims({ email: 'eve@evil.example', hd: 'evil.example' }))}`),
      ),
    ]);
    const [yes, ...denied] = answers;
    expect(yes.isAuthorized).toBe(true);
    expect(yes.context).toEqual({
      sub: 'client-erp',
      iss: COGNITO_ISSUER,
      client_id: 'client-erp',
      roles: 'planner,system',
      scope: 'garmentflow/system garmentflow/planner other/admin',
    });
    for (const d of denied) expect(d.isAuthorized).toBe(false);

    // One line per decision, with the keys every function logs (functions/log.ts).
    const decisions = lines.filter((l) => l.message === 'allowed' || l.message === 'denied');
    expect(decisions).toHaveLength(5);
    for (const l of decisions) {
      expect(l).toMatchObject({
        service: SERVICES.authorizer,
        route: 'GET /v1/settings',
        coldStart: expect.any(Boolean),
      });
      expect(l.requestId).toEqual(expect.any(String));
    }
    expect(decisions[0]).toMatchObject({
      message: 'allowed',
      level: 'INFO',
      requestId: 'r-1',
      coldStart: true,
      status: 200,
      actor: 'client-erp',
    });
    expect(decisions.slice(1).map((l) => [l.status, l.reason])).toEqual([
      [403, 'no-token'],
      [403, 'no-token'],
      [403, 'malformed'],
      [403, 'account-not-allowed'],
    ]);
    expect(decisions.slice(1).every((l) => l.coldStart === false && l.level === 'WARN')).toBe(true);
  });

  it('counts each denial by reason in EMF (namespace GarmentFlow, service dimension)', async () => {
    const obs = observability(SERVICES.authorizer);
    const handler = createAuthorizer(config, keys, obs);
    const { lines } = await captureStdout(async () => {
      await handler(event());
      await handler(event(`Bearer ${await signNow(google, googleClaims({ email_verified: false }))}`));
    });
    const emf = lines.filter((l) => l._aws);
    expect(emfMetricNames(emf)).toEqual(['AuthorizerDenials', 'AuthorizerDenials']);
    expect(emf.map((l) => [l.reason, l.AuthorizerDenials, l.service])).toEqual([
      ['no-token', 1, SERVICES.authorizer],
      ['unverified-email', 1, SERVICES.authorizer],
    ]);
    const directive = (emf[0]._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] })
      .CloudWatchMetrics[0];
    expect(directive.Namespace).toBe(METRICS_NAMESPACE);
    expect(directive.Dimensions[0]).toEqual(expect.arrayContaining(['service', 'reason']));
  });

  it('the context the API reads gives the same roles the API derives (functions/http/middleware.ts)', async () => {
    const d = await check(await sign(cognito, cognitoClaims({ scope: 'garmentflow/admin garmentflow/viewer' })));
    expect(d.ok && rolesFromClaims(d.context)).toEqual(['admin', 'viewer']);
    const g = await check(await sign(google, googleClaims()));
    expect(g.ok && rolesFromClaims(g.context)).toEqual([]);
  });
});

describe('helpers', () => {
  it('bearerToken', () => {
    expect(bearerToken('Bearer a.b.c')).toBe('a.b.c');
    expect(bearerToken('bearer   a.b.c ')).toBe('a.b.c');
    expect(bearerToken('Bearer a.b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it('rolesFromScope ignores other resource servers and unknown roles', () => {
    expect(rolesFromScope('garmentflow/system garmentflow/root x/admin admin', 'garmentflow/')).toEqual(['system']);
  });

  it('configFromEnv reads the env names the stack sets', () => {
    const c = configFromEnv({
      GOOGLE_CLIENT_ID: `${CLIENT_ID}, other.apps.googleusercontent.com`,
      ALLOWED_GOOGLE_DOMAINS: 'Example.com',
      ALLOWED_GOOGLE_EMAILS: 'Solo@Gmail.com',
      COGNITO_ISSUER: COGNITO_ISSUER,
      COGNITO_CLIENT_IDS: 'a,b',
      ROLE_SCOPE_PREFIX: 'garmentflow/',
    });
    expect(c).toEqual({
      googleClientIds: [CLIENT_ID, 'other.apps.googleusercontent.com'],
      allowedGoogleDomains: ['example.com'],
      allowedGoogleEmails: ['solo@gmail.com'],
      cognitoIssuer: COGNITO_ISSUER,
      cognitoClientIds: ['a', 'b'],
      scopePrefix: 'garmentflow/',
    });
  });
});

describe('faults: the Google key set cannot be fetched', () => {
  const event = (authorization: string) =>
    ({
      type: 'REQUEST',
      routeKey: 'GET /v1/settings',
      identitySource: [authorization],
      headers: { authorization },
      requestContext: { requestId: 'r-keys' },
    }) as unknown as APIGatewayRequestAuthorizerEventV2;

  /** A key set server whose outage the test switches on and off, and a clock it moves. */
  function outage() {
    const state = { down: false, fetches: 0, time: Date.now(), keys: [] as JWK[] };
    const failures: [string, boolean][] = [];
    const keySet = resilientKeySet('https://keys.example/certs', {
      maxAgeMs: 600_000,
      cooldownMs: 30_000,
      now: () => state.time,
      fetchJson: async () => {
        state.fetches++;
        if (state.down) throw new TypeError('fetch failed: getaddrinfo ENOTFOUND');
        return { keys: state.keys };
      },
      onRefreshError: (err, kept) => failures.push([err.message, kept]),
    });
    return { state, failures, keySet };
  }

  it('keeps verifying with the last good keys while a refresh fails, and refetches after the cooldown', async () => {
    const { state, failures, keySet } = outage();
    state.keys = [google.jwk];
    const keySets = { google: keySet, cognito: keys.cognito };
    expect((await authorize(await signNow(google, googleClaims()), config, keySets)).ok).toBe(true);
    expect(state.fetches).toBe(1);
    // Past the cache's age, Google is down: the set in hand still verifies.
    state.down = true;
    state.time += 11 * 60_000;
    expect((await authorize(await signNow(google, googleClaims()), config, keySets)).ok).toBe(true);
    expect(failures).toEqual([['fetch failed: getaddrinfo ENOTFOUND', true]]);
    // Within the cooldown no new fetch; after it, one more attempt.
    expect((await authorize(await signNow(google, googleClaims()), config, keySets)).ok).toBe(true);
    expect(state.fetches).toBe(2);
    state.time += 31_000;
    expect((await authorize(await signNow(google, googleClaims()), config, keySets)).ok).toBe(true);
    expect(state.fetches).toBe(3);
    // Back up: refreshed again, a forged token is still refused as a token (403, not an outage).
    state.down = false;
    state.time += 31_000;
    const forged = await authorize(await signNow(stranger, googleClaims()), config, keySets);
    expect(forged).toMatchObject({ ok: false, code: 'invalid-token' });
  });

  it('with no usable key the handler fails (API Gateway 500, not a cached 403), logs and counts it', async () => {
    const { state, keySet } = outage();
    state.down = true;
    const handler = createAuthorizer(config, { google: keySet, cognito: keys.cognito });
    const token = await signNow(google, googleClaims());
    const { result, lines } = await captureStdout(async () => {
      try {
        await handler(event(`Bearer ${token}`));
        return 'answered';
      } catch (err) {
        return (err as Error).name;
      }
    });
    expect(result).toBe('KeySetUnavailableError');
    const line = lines.find((l) => l.message === 'key set unavailable');
    expect(line).toMatchObject({ level: 'ERROR', status: 500, reason: 'keys-unavailable', requestId: 'r-keys' });
    const emf = lines.filter((l) => l._aws);
    expect(emf.map((l) => [l.reason, l.AuthorizerDenials])).toEqual([['keys-unavailable', 1]]);
  });

  it('a key id never seen while Google is down is an outage; once Google answers without it, a bad token', async () => {
    const { state, keySet } = outage();
    state.keys = [google.jwk];
    const rotated = await keyPair('g2');
    const keySets = { google: keySet };
    expect((await authorize(await signNow(google, googleClaims()), config, keySets)).ok).toBe(true);
    state.down = true;
    state.time += 31_000;
    expect(await authorize(await signNow(rotated, googleClaims()), config, keySets)).toMatchObject({
      ok: false,
      code: 'keys-unavailable',
    });
    state.down = false;
    state.time += 31_000;
    expect(await authorize(await signNow(rotated, googleClaims()), config, keySets)).toMatchObject({
      ok: false,
      code: 'invalid-token',
    });
    // Google publishes the new key: it verifies at once (an unknown kid refetches after the cooldown).
    state.keys = [google.jwk, rotated.jwk];
    state.time += 31_000;
    expect((await authorize(await signNow(rotated, googleClaims()), config, keySets)).ok).toBe(true);
  });
});

describe('Workspace domains and scope prefixes', () => {
  it('an allowed domain counts by the hd claim, not by the email address alone', async () => {
    expect((await check(await sign(google, googleClaims({ hd: undefined })))).ok).toBe(false);
    expect(await check(await sign(google, googleClaims({ hd: 'other.example' })))).toMatchObject({
      ok: false,
      code: 'account-not-allowed',
    });
    expect((await check(await sign(google, googleClaims({ email: 'ana@alias.example', hd: 'example.com' })))).ok).toBe(
      true,
    );
  });

  it('a Cognito scope gives a role only with the configured prefix', async () => {
    const roles = async (scope: string, c: AuthorizerConfig = config) => {
      const d = await check(await sign(cognito, cognitoClaims({ scope })), c);
      return d.ok ? d.context.roles : d.code;
    };
    expect(await roles('evil/admin admin garmentflow-admin garmentflow/root')).toBe('');
    expect(await roles('garmentflow/admin')).toBe('admin');
    expect(await roles('garmentflow/admin', { ...config, scopePrefix: 'gf-prod/' })).toBe('');
    expect(await roles('admin', { ...config, scopePrefix: '' })).toBe('');
  });
});

// The options the local stack configures (infra/local/auth.ts); none is set from the environment.
describe('configured issuers and algorithms (the local stack)', () => {
  const LOCAL_ACCOUNTS = 'garmentflow-local-accounts';
  let es: { privateKey: CryptoKey; jwk: JWK };
  let esKeys: KeySets;
  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    es = { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: 'e1', alg: 'ES256' } };
    const set = createLocalJWKSet({ keys: [es.jwk] });
    esKeys = { google: set, cognito: set };
  });
  const signEs = (claims: JWTPayload) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'e1' })
      .setIssuedAt(nowSec - 60)
      .setExpirationTime(nowSec + 3600)
      .sign(es.privateKey);
  const local: AuthorizerConfig = {
    ...config,
    googleClientIds: ['garmentflow-api'],
    googleIssuers: [LOCAL_ACCOUNTS],
    allowedGoogleDomains: [],
    allowedGoogleEmails: [],
    algorithms: ['ES256'],
  };
  const account = { iss: LOCAL_ACCOUNTS, aud: 'garmentflow-api', sub: 'x', email: 'Zoe@Home.example' };

  it('RS256 only unless `algorithms` says otherwise', async () => {
    const machine = await signEs(cognitoClaims());
    expect(await authorize(machine, config, esKeys, NOW)).toMatchObject({ ok: false, code: 'invalid-token' });
    expect(await authorize(machine, local, esKeys, NOW)).toMatchObject({
      ok: true,
      context: { roles: 'planner,system' },
    });
    // And the other way round: an RS256 token is refused where only ES256 is accepted.
    expect(await authorize(await sign(cognito, cognitoClaims()), local, keys, NOW)).toMatchObject({
      ok: false,
      code: 'invalid-token',
    });
  });

  it('`googleIssuers` replaces Google: its issuer is kept in the context, Google itself is refused', async () => {
    const verified = await signEs({ ...account, email_verified: true });
    expect(await authorize(verified, { ...local, anyGoogleAccount: true }, esKeys, NOW)).toEqual({
      ok: true,
      context: {
        sub: 'x',
        email: 'zoe@home.example',
        email_verified: 'true',
        hd: '',
        iss: LOCAL_ACCOUNTS,
        roles: '',
        scope: '',
        client_id: '',
      },
    });
    // Without anyGoogleAccount the domain and email lists apply as in AWS.
    expect(await authorize(verified, local, esKeys, NOW)).toMatchObject({ ok: false, code: 'account-not-allowed' });
    const google = await signEs({ ...account, iss: 'https://accounts.google.com', email_verified: true });
    expect(await authorize(google, { ...local, anyGoogleAccount: true }, esKeys, NOW)).toMatchObject({
      ok: false,
      code: 'untrusted-issuer',
    });
    // anyGoogleAccount waives the lists only: an unverified email is still refused.
    const unverified = await signEs({ ...account, email_verified: false });
    expect(await authorize(unverified, { ...local, anyGoogleAccount: true }, esKeys, NOW)).toMatchObject({
      ok: false,
      code: 'unverified-email',
    });
  });

  it('configFromEnv sets none of them', () => {
    const c = configFromEnv({ GOOGLE_CLIENT_ID: 'a', ANY_GOOGLE_ACCOUNT: 'true' } as NodeJS.ProcessEnv);
    expect(c.algorithms).toBeUndefined();
    expect(c.googleIssuers).toBeUndefined();
    expect(c.anyGoogleAccount).toBeUndefined();
  });
});
