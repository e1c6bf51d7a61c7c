// The local stack's key set and issuers, and its stand-in for API Gateway's authorizer step: the
// production Lambda authorizer (functions/authorizer.ts, createAuthorizer) verifies every bearer
// token, configured with two local issuers that play Google's and Cognito's parts, signed with an
// ES256 key kept in DATA_DIR. Its context becomes `requestContext.authorizer.lambda` of the event the
// API handler gets (infra/local/server.ts), exactly as in AWS.
//   - a token with roles is a Cognito-style access token of LOCAL_ISSUER (what other systems send):
//     `client_id` LOCAL_CLIENT_ID, `token_use` access, the roles as scopes `garmentflow/<role>`, and
//     the caller (an email or a system name) as `sub`;
//   - a token without roles is a Google-style ID token of LOCAL_ACCOUNTS_ISSUER (what the add-on
//     sends): `email`, `email_verified`, audience LOCAL_AUDIENCE; its roles come from the role
//     mapping kept by the service (PUT /v1/role-mappings/{email}), as for a Google user.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
  type JWK,
  type JSONWebKeySet,
} from 'jose';
import { googlePolicyFromEnv } from '../../functions/auth/googleSignIn.js';
import {
  type AuthorizerConfig,
  type CallerContext,
  createAuthorizer,
  type KeySets,
} from '../../functions/authorizer.js';
import { observability, SERVICES, type Observability } from '../../functions/log.js';

/** The Cognito-style issuer: tokens with roles (scopes). */
export const LOCAL_ISSUER = 'garmentflow-local';
/** The Google-style issuer: tokens without roles (the role mapping gives them). */
export const LOCAL_ACCOUNTS_ISSUER = 'garmentflow-local-accounts';
/** The Google-style tokens' audience (the add-on's OAuth client id in AWS). */
export const LOCAL_AUDIENCE = 'garmentflow-api';
/** The app client the Cognito-style tokens name (`client_id`). */
export const LOCAL_CLIENT_ID = 'garmentflow-local-cli';
const ALG = 'ES256';
const SCOPE_PREFIX = 'garmentflow/';

type Key = Awaited<ReturnType<typeof importJWK>>;

export interface LocalKeys {
  privateKey: Key;
  publicKey: Key;
  /** The public key as a JSON Web Key Set (what the authorizer verifies against). */
  jwks: JSONWebKeySet;
  kid: string;
  file: string;
}

/** Where the key lives: DATA_DIR, or a temp folder when the data is in memory. */
export function keyFile(dataDir: string): string {
  const dir = dataDir === ':memory:' ? path.join(os.tmpdir(), 'garmentflow-memory') : dataDir;
  return path.join(dir, 'local-signing-key.json');
}

export async function loadOrCreateKeys(dataDir: string): Promise<LocalKeys> {
  const file = keyFile(dataDir);
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    const { privateKey } = await generateKeyPair(ALG, { extractable: true });
    writeFileSync(file, JSON.stringify(await exportJWK(privateKey)), { mode: 0o600 });
  }
  return loadKeys(file);
}

export async function loadKeys(file: string): Promise<LocalKeys> {
  const jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
  const { d: _private, ...publicJwk } = jwk;
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    privateKey: await importJWK(jwk, ALG),
    publicKey: await importJWK(publicJwk, ALG),
    jwks: { keys: [{ ...publicJwk, kid, alg: ALG, use: 'sig' }] },
    kid,
    file,
  };
}

export interface TokenRequest {
  email: string;
  /** Roles as scopes of a Cognito-style token; none: a Google-style token (roles from the mapping). */
  roles: string[];
  /** Lifetime in seconds (default 12 h). */
  ttl?: number;
  name?: string;
}

export async function mintToken(keys: LocalKeys, req: TokenRequest): Promise<string> {
  const jwt =
    req.roles.length > 0
      ? new SignJWT({
          client_id: LOCAL_CLIENT_ID,
          token_use: 'access',
          scope: req.roles.map((r) => `${SCOPE_PREFIX}${r}`).join(' '),
        })
          .setIssuer(LOCAL_ISSUER)
          // Cognito access tokens carry no `aud` and the authorizer reads none from them; kept so a
          // plain signature check with issuer and audience (the benchmark's) holds for every local token.
          .setAudience(LOCAL_AUDIENCE)
      : new SignJWT({ email: req.email, email_verified: true, ...(req.name ? { name: req.name } : {}) })
          .setIssuer(LOCAL_ACCOUNTS_ISSUER)
          .setAudience(LOCAL_AUDIENCE);
  return jwt
    .setProtectedHeader({ alg: ALG, kid: keys.kid, typ: 'JWT' })
    .setSubject(req.email)
    .setIssuedAt()
    .setExpirationTime(`${req.ttl ?? 12 * 3600}s`)
    .sign(keys.privateKey);
}

/**
 * The authorizer's configuration locally: the two local issuers and the ES256 key. Who may sign in
 * with a Google-style token: ALLOWED_GOOGLE_DOMAINS / ALLOWED_GOOGLE_EMAILS when either is set (by
 * `hd` and email, as in AWS), else every account.
 */
export function localAuthorizerConfig(env: NodeJS.ProcessEnv = process.env): AuthorizerConfig {
  const google = googlePolicyFromEnv(env);
  return {
    googleClientIds: [LOCAL_AUDIENCE],
    googleIssuers: [LOCAL_ACCOUNTS_ISSUER],
    allowedGoogleDomains: google.allowedDomains,
    allowedGoogleEmails: google.allowedEmails,
    anyGoogleAccount: google.allowedDomains.length === 0 && google.allowedEmails.length === 0,
    cognitoIssuer: LOCAL_ISSUER,
    cognitoClientIds: [LOCAL_CLIENT_ID],
    scopePrefix: SCOPE_PREFIX,
    algorithms: [ALG],
  };
}

export function localKeySets(keys: LocalKeys): KeySets {
  const set = createLocalJWKSet(keys.jwks);
  return { google: set, cognito: set };
}

export type LocalAuthorizer = ReturnType<typeof createAuthorizer>;

/** The production authorizer handler on the local key set. */
export function createLocalAuthorizer(keys: LocalKeys, obs?: Observability): LocalAuthorizer {
  return createAuthorizer(localAuthorizerConfig(), localKeySets(keys), obs ?? observability(SERVICES.authorizer));
}

/**
 * The event API Gateway (HTTP API, payload 2.0) sends a REQUEST authorizer, identity source
 * `$request.header.Authorization`.
 */
export function authorizerEvent(req: {
  authorization: string;
  routeKey: string;
  rawPath: string;
  headers?: Record<string, string>;
  requestId: string;
}): APIGatewayRequestAuthorizerEventV2 {
  const now = Date.now();
  const [method, ...rest] = req.routeKey.split(' ');
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:local:000000000000:local/$default/${method}${rest.join(' ')}`,
    identitySource: [req.authorization],
    routeKey: req.routeKey,
    rawPath: req.rawPath,
    rawQueryString: '',
    cookies: [],
    headers: { ...req.headers, authorization: req.authorization },
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path: req.rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: '' },
      requestId: req.requestId,
      routeKey: req.routeKey,
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
    pathParameters: {},
    stageVariables: {},
  } as unknown as APIGatewayRequestAuthorizerEventV2;
}

/** Seconds API Gateway caches a decision per token in AWS (infra/config.ts `api.authorizerCacheSeconds`). */
export const AUTHORIZER_CACHE_SECONDS = 60;
const MAX_CACHED = 1_000;

interface Cached {
  context: Partial<CallerContext>;
  until: number;
}

/**
 * The authorizer behind API Gateway's cache: an allowed token's context is remembered for
 * AUTHORIZER_CACHE_SECONDS (at most until the token expires, at most 1,000 tokens), as API Gateway
 * caches its authorizer's answer, so a caller pays for the signature check once, not every request.
 * Answers the context (`requestContext.authorizer.lambda`), or undefined when the authorizer refused
 * the token (or there is none). A fault of the authorizer (no usable key) is thrown, as in AWS.
 */
export class LocalGatewayAuth {
  private readonly cache = new Map<string, Cached>();
  private readonly inFlight = new Map<string, ReturnType<LocalAuthorizer>>();
  private handler: LocalAuthorizer | undefined;

  constructor(
    readonly keys: LocalKeys,
    private readonly obs?: Observability,
  ) {}

  async authorize(
    authorization: string | undefined,
    route: { routeKey: string; rawPath: string; requestId: string } = {
      routeKey: '$default',
      rawPath: '/',
      requestId: 'local',
    },
  ): Promise<Partial<CallerContext> | undefined> {
    if (!authorization) return undefined;
    const hit = this.cache.get(authorization);
    if (hit && hit.until > Date.now()) return hit.context;
    this.cache.delete(authorization);
    // Concurrent first requests with one token share one invocation.
    let invocation = this.inFlight.get(authorization);
    if (!invocation) {
      this.handler ??= createLocalAuthorizer(this.keys, this.obs);
      invocation = this.handler(authorizerEvent({ authorization, ...route }));
      this.inFlight.set(authorization, invocation);
      const forget = () => this.inFlight.delete(authorization);
      invocation.then(forget, forget);
    }
    const result = await invocation;
    if (!result.isAuthorized) return undefined;
    const context = result.context ?? {};
    const exp = expiryOf(authorization);
    const until = Math.min(Date.now() + AUTHORIZER_CACHE_SECONDS * 1000, exp ?? Number.POSITIVE_INFINITY);
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(authorization, { context, until });
    return context;
  }
}

/** `exp` (ms) of a token the authorizer just accepted. */
function expiryOf(authorization: string): number | undefined {
  const payload = authorization.split(/\s+/)[1]?.split('.')[1];
  try {
    const exp = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

const gateways = new Map<string, LocalGatewayAuth>();

/**
 * The authorizer context for `Authorization: Bearer <token>`, through the production authorizer and
 * the local gateway's cache (one per key file), or undefined when it refused the token.
 */
export async function verifyBearer(
  keys: LocalKeys,
  authorization: string | undefined,
): Promise<Partial<CallerContext> | undefined> {
  let gateway = gateways.get(keys.file);
  if (!gateway || gateway.keys !== keys) {
    gateway = new LocalGatewayAuth(keys);
    gateways.set(keys.file, gateway);
  }
  return gateway.authorize(authorization);
}
