// API Gateway (HTTP API) Lambda REQUEST authorizer, simple responses.
//
// Why not the built-in JWT authorizer: an HTTP API JWT authorizer trusts exactly one issuer, and a
// route takes exactly one authorizer. GarmentFlow has two kinds of callers on the same routes:
//   - planners in the Sheets add-on: Google ID tokens (ScriptApp.getIdentityToken()),
//     issuer https://accounts.google.com, audience = the add-on's OAuth client id;
//   - other systems: Cognito user pool access tokens from the client-credentials grant,
//     issuer https://cognito-idp.<region>.amazonaws.com/<poolId>, no `aud`, `client_id` + `scope`.
// This authorizer verifies either (signature against the issuer's JWKS, issuer, audience or client
// id, expiry) and hands the API the caller as string context values (`sub`, `email`, `iss`, `roles`,
// `scope`, `client_id`, plus `email_verified` and `hd` for Google), which the API reads from
// `event.requestContext.authorizer.lambda`. Roles of Google users come from the admin-managed role
// mapping, resolved by the API on every request (so a change applies at once).
import { createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';

export const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];
export const GOOGLE_JWKS_URL = 'https://www.googleapis.com/oauth2/v3/certs';
export const KNOWN_ROLES = ['admin', 'commercial', 'planner', 'approver', 'logistics', 'viewer', 'system'] as const;

export interface AuthorizerConfig {
  /** Audiences accepted for Google ID tokens (the add-on's OAuth client id). */
  googleClientIds: string[];
  allowedGoogleDomains: string[];
  allowedGoogleEmails: string[];
  /** https://cognito-idp.<region>.amazonaws.com/<userPoolId>; unset: Cognito tokens are refused. */
  cognitoIssuer?: string;
  /** App clients of that pool whose tokens are accepted. */
  cognitoClientIds: string[];
  /** Prefix of role scopes: `garmentflow/` makes `garmentflow/planner` the planner role. */
  scopePrefix: string;
}

export interface KeySets {
  google: JWTVerifyGetKey;
  cognito?: JWTVerifyGetKey;
}

/** What the API receives in `requestContext.authorizer.lambda` (string values only). */
export interface CallerContext {
  [key: string]: string;
  sub: string;
  email: string;
  email_verified: string;
  hd: string;
  iss: string;
  roles: string;
  scope: string;
  client_id: string;
}

export type Decision = { ok: true; context: CallerContext } | { ok: false; reason: string };

const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): AuthorizerConfig {
  return {
    googleClientIds: list(env.GOOGLE_CLIENT_ID),
    allowedGoogleDomains: list(env.ALLOWED_GOOGLE_DOMAINS).map((d) => d.toLowerCase()),
    allowedGoogleEmails: list(env.ALLOWED_GOOGLE_EMAILS).map((e) => e.toLowerCase()),
    cognitoIssuer: env.COGNITO_ISSUER || undefined,
    cognitoClientIds: list(env.COGNITO_CLIENT_IDS),
    scopePrefix: env.ROLE_SCOPE_PREFIX ?? 'garmentflow/',
  };
}

export function remoteKeySets(config: AuthorizerConfig): KeySets {
  const options = { timeoutDuration: 3000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 };
  return {
    google: createRemoteJWKSet(new URL(GOOGLE_JWKS_URL), options),
    cognito: config.cognitoIssuer ? createRemoteJWKSet(new URL(`${config.cognitoIssuer}/.well-known/jwks.json`), options) : undefined,
  };
}

/** `Authorization: Bearer <jwt>` (scheme case-insensitive). */
export function bearerToken(value: string | undefined): string | undefined {
  const m = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\s*$/i.exec(value ?? '');
  return m?.[1];
}

/** Roles from Cognito scopes `<prefix><role>`; unknown roles are ignored. */
export function rolesFromScope(scope: string, prefix: string): string[] {
  const granted = new Set(scope.split(/\s+/).filter((s) => s.startsWith(prefix)).map((s) => s.slice(prefix.length)));
  return KNOWN_ROLES.filter((r) => granted.has(r));
}

const VERIFY: { algorithms: string[]; clockTolerance: number } = { algorithms: ['RS256'], clockTolerance: 30 };

/** Verifies a bearer token from either trusted issuer; never throws. */
export async function authorize(token: string, config: AuthorizerConfig, keys: KeySets, currentDate?: Date): Promise<Decision> {
  let unverified: JWTPayload;
  try {
    unverified = decodeJwt(token);
  } catch {
    return { ok: false, reason: 'not a JWT' };
  }
  try {
    if (typeof unverified.iss === 'string' && GOOGLE_ISSUERS.includes(unverified.iss)) return await google(token, config, keys, currentDate);
    if (config.cognitoIssuer && keys.cognito && unverified.iss === config.cognitoIssuer) return await cognito(token, config, keys.cognito, currentDate);
    return { ok: false, reason: `untrusted issuer ${String(unverified.iss)}` };
  } catch (err) {
    if (err instanceof joseErrors.JOSEError) return { ok: false, reason: `${err.code}: ${err.message}` };
    return { ok: false, reason: `verification failed: ${(err as Error).message}` };
  }
}

async function google(token: string, config: AuthorizerConfig, keys: KeySets, currentDate?: Date): Promise<Decision> {
  if (config.googleClientIds.length === 0) return { ok: false, reason: 'no Google client id configured' };
  const { payload } = await jwtVerify(token, keys.google, {
    ...VERIFY,
    issuer: GOOGLE_ISSUERS,
    audience: config.googleClientIds,
    requiredClaims: ['exp', 'sub', 'email'],
    currentDate,
  });
  const email = String(payload.email).toLowerCase();
  if (payload.email_verified !== true && payload.email_verified !== 'true') return { ok: false, reason: `${email}: email not verified` };
  const hd = typeof payload.hd === 'string' ? payload.hd.toLowerCase() : '';
  const domain = email.split('@')[1] ?? '';
  // The same rule the API applies (functions/http/middleware.ts): checked at the edge too, so
  // strangers never reach the function.
  const allowed = config.allowedGoogleEmails.includes(email) || config.allowedGoogleDomains.includes(domain) || (hd !== '' && config.allowedGoogleDomains.includes(hd));
  if (!allowed) return { ok: false, reason: `${email} is not an allowed Google account` };
  return {
    ok: true,
    context: {
      sub: String(payload.sub),
      email,
      email_verified: 'true',
      hd,
      iss: 'https://accounts.google.com',
      roles: '',
      scope: '',
      client_id: '',
    },
  };
}

async function cognito(token: string, config: AuthorizerConfig, keySet: JWTVerifyGetKey, currentDate?: Date): Promise<Decision> {
  const { payload } = await jwtVerify(token, keySet, {
    ...VERIFY,
    issuer: config.cognitoIssuer,
    requiredClaims: ['exp', 'sub', 'client_id', 'token_use'],
    currentDate,
  });
  // Cognito access tokens carry no `aud`: the app client is `client_id`. ID tokens are refused.
  if (payload.token_use !== 'access') return { ok: false, reason: `token_use ${String(payload.token_use)} is not access` };
  const clientId = String(payload.client_id);
  if (!config.cognitoClientIds.includes(clientId)) return { ok: false, reason: `client ${clientId} is not allowed` };
  const scope = typeof payload.scope === 'string' ? payload.scope : '';
  return {
    ok: true,
    context: {
      sub: String(payload.sub),
      email: '',
      email_verified: '',
      hd: '',
      iss: String(payload.iss),
      roles: rolesFromScope(scope, config.scopePrefix).join(','),
      scope,
      client_id: clientId,
    },
  };
}

type Result = APIGatewaySimpleAuthorizerWithContextResult<Partial<CallerContext>>;

export function createAuthorizer(config: AuthorizerConfig, keys: KeySets, log: Pick<Console, 'warn'> = console) {
  return async function handler(event: APIGatewayRequestAuthorizerEventV2): Promise<Result> {
    const header = event.identitySource?.[0] ?? event.headers?.authorization ?? event.headers?.Authorization;
    const token = bearerToken(header);
    if (!token) {
      log.warn(`denied ${event.routeKey}: no bearer token`);
      return { isAuthorized: false, context: {} };
    }
    const decision = await authorize(token, config, keys);
    if (!decision.ok) {
      log.warn(`denied ${event.routeKey}: ${decision.reason}`);
      return { isAuthorized: false, context: {} };
    }
    // Empty values are left out: the API treats a missing key and an empty one alike.
    const context = Object.fromEntries(Object.entries(decision.context).filter(([, v]) => v !== '')) as Partial<CallerContext>;
    return { isAuthorized: true, context };
  };
}

// Key sets live at module scope: JWKS responses are cached across invocations of a container.
const config = configFromEnv();
export const handler = createAuthorizer(config, remoteKeySets(config));
