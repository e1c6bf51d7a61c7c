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
//
// The local stack (infra/local/auth.ts) runs this very handler, with a config naming its own issuers
// and ES256 key (kept in DATA_DIR) instead of Google's and Cognito's: every local request goes
// through the same checks and reaches the API with the same context.
import { decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
  Context,
} from 'aws-lambda';
import { knownRoles } from '../shared/roles.js';
import {
  GOOGLE_ISSUERS,
  GOOGLE_JWKS_URL,
  googleAccountAllowed,
  googlePolicyFromEnv,
  isGoogleIssuer,
} from './auth/googleSignIn.js';
import { DENIAL_REASONS, type DenialReason } from './auth/denialReasons.js';
import { KeySetUnavailableError, resilientKeySet, type ResilientKeySetOptions } from './auth/keySet.js';
import { envList } from './env.js';
import { METRIC_NAMES, MetricUnit, observability, SERVICES, type Observability } from './log.js';

export { GOOGLE_ISSUERS, GOOGLE_JWKS_URL };

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
  /** Signature algorithms accepted (default RS256, what Google and Cognito sign with; ES256 locally). */
  algorithms?: string[];
  /** Issuers of Google-style ID tokens (default Google's own; the local stack names its own). */
  googleIssuers?: readonly string[];
  /**
   * Every verified account of a Google-style issuer may sign in, whatever the domain and email lists
   * say: the local stack only (its own issuer, its own key); configFromEnv never sets it.
   */
  anyGoogleAccount?: boolean;
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

/**
 * Why a caller was refused, as a short fixed word: the `reason` dimension of the AuthorizerDenials
 * metric (a bounded set); `detail` says more in the log line.
 */
export { DENIAL_REASONS, type DenialReason };

export type Decision = { ok: true; context: CallerContext } | { ok: false; reason: string; code: DenialReason };

const deny = (code: DenialReason, reason: string): Decision => ({ ok: false, code, reason });

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): AuthorizerConfig {
  const google = googlePolicyFromEnv(env);
  return {
    googleClientIds: envList(env.GOOGLE_CLIENT_ID),
    allowedGoogleDomains: google.allowedDomains,
    allowedGoogleEmails: google.allowedEmails,
    cognitoIssuer: env.COGNITO_ISSUER || undefined,
    cognitoClientIds: envList(env.COGNITO_CLIENT_IDS),
    scopePrefix: env.ROLE_SCOPE_PREFIX ?? 'garmentflow/',
  };
}

/**
 * The issuers' key sets, refreshed every 10 minutes; a failed refresh keeps the last good set
 * (functions/auth/keySet.ts), so an outage of Google's certs endpoint refuses no one who was fine before.
 */
export function remoteKeySets(config: AuthorizerConfig, options: ResilientKeySetOptions = {}): KeySets {
  const opts = { maxAgeMs: 10 * 60_000, cooldownMs: 30_000, timeoutMs: 3_000, ...options };
  return {
    google: resilientKeySet(GOOGLE_JWKS_URL, opts),
    cognito: config.cognitoIssuer ? resilientKeySet(`${config.cognitoIssuer}/.well-known/jwks.json`, opts) : undefined,
  };
}

/** `Authorization: Bearer <jwt>` (scheme case-insensitive). */
export function bearerToken(value: string | undefined): string | undefined {
  const m = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\s*$/i.exec(value ?? '');
  return m?.[1];
}

/**
 * Roles from Cognito scopes `<prefix><role>` (`garmentflow/planner`); a scope of another resource
 * server (`evil/admin`), a bare `admin` and unknown roles give nothing. An empty prefix gives nothing at all.
 */
export function rolesFromScope(scope: string, prefix: string): string[] {
  if (!prefix) return [];
  return knownRoles(
    scope
      .split(/\s+/)
      .filter((s) => s.startsWith(prefix))
      .map((s) => s.slice(prefix.length)),
  );
}

const CLOCK_TOLERANCE_SECONDS = 30;
const verifyOptions = (config: AuthorizerConfig) => ({
  algorithms: config.algorithms ?? ['RS256'],
  clockTolerance: CLOCK_TOLERANCE_SECONDS,
});
const googleIssuersOf = (config: AuthorizerConfig) => config.googleIssuers ?? GOOGLE_ISSUERS;

/** Verifies a bearer token from either trusted issuer; never throws. */
export async function authorize(
  token: string,
  config: AuthorizerConfig,
  keys: KeySets,
  currentDate?: Date,
): Promise<Decision> {
  let unverified: JWTPayload;
  try {
    unverified = decodeJwt(token);
  } catch {
    return deny('malformed', 'not a JWT');
  }
  try {
    if (typeof unverified.iss === 'string' && googleIssuersOf(config).includes(unverified.iss))
      return await google(token, config, keys, currentDate);
    if (config.cognitoIssuer && keys.cognito && unverified.iss === config.cognitoIssuer)
      return await cognito(token, config, keys.cognito, currentDate);
    return deny('untrusted-issuer', `untrusted issuer ${String(unverified.iss)}`);
  } catch (err) {
    if (err instanceof KeySetUnavailableError) return deny('keys-unavailable', err.message);
    if (err instanceof joseErrors.JOSEError) return deny(joseDenial(err), `${err.code}: ${err.message}`);
    // Not a verdict on the token: the key set could not be fetched (network, DNS).
    return deny('keys-unavailable', `verification failed: ${(err as Error).message}`);
  }
}

function joseDenial(err: InstanceType<typeof joseErrors.JOSEError>): DenialReason {
  if (err instanceof joseErrors.JWTExpired) return 'expired';
  if (err instanceof joseErrors.JWKSTimeout || err.code === 'ERR_JOSE_GENERIC') return 'keys-unavailable';
  return 'invalid-token';
}

async function google(token: string, config: AuthorizerConfig, keys: KeySets, currentDate?: Date): Promise<Decision> {
  if (config.googleClientIds.length === 0) return deny('not-configured', 'no Google client id configured');
  const { payload } = await jwtVerify(token, keys.google, {
    ...verifyOptions(config),
    issuer: [...googleIssuersOf(config)],
    audience: config.googleClientIds,
    requiredClaims: ['exp', 'sub', 'email'],
    currentDate,
  });
  const email = String(payload.email).toLowerCase();
  if (payload.email_verified !== true && payload.email_verified !== 'true')
    return deny('unverified-email', `${email}: email not verified`);
  const hd = typeof payload.hd === 'string' ? payload.hd.toLowerCase() : '';
  // The same policy the API applies (functions/auth/googleSignIn.ts): checked at the edge too, so
  // strangers never reach the function.
  const policy = { allowedDomains: config.allowedGoogleDomains, allowedEmails: config.allowedGoogleEmails };
  if (!config.anyGoogleAccount && !googleAccountAllowed(policy, email, hd))
    return deny('account-not-allowed', `${email} is not an allowed Google account`);
  return {
    ok: true,
    context: {
      sub: String(payload.sub),
      email,
      email_verified: 'true',
      hd,
      // Google's two spellings as one; another Google-style issuer (the local stack's) as it is.
      iss: isGoogleIssuer(payload.iss) ? 'https://accounts.google.com' : String(payload.iss),
      roles: '',
      scope: '',
      client_id: '',
    },
  };
}

async function cognito(
  token: string,
  config: AuthorizerConfig,
  keySet: JWTVerifyGetKey,
  currentDate?: Date,
): Promise<Decision> {
  const { payload } = await jwtVerify(token, keySet, {
    ...verifyOptions(config),
    issuer: config.cognitoIssuer,
    requiredClaims: ['exp', 'sub', 'client_id', 'token_use'],
    currentDate,
  });
  // Cognito access tokens carry no `aud`: the app client is `client_id`. ID tokens are refused.
  if (payload.token_use !== 'access')
    return deny('wrong-token-use', `token_use ${String(payload.token_use)} is not access`);
  const clientId = String(payload.client_id);
  if (!config.cognitoClientIds.includes(clientId))
    return deny('client-not-allowed', `client ${clientId} is not allowed`);
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

/**
 * The handler: one log line per decision (keys of functions/log.ts; status 200 allowed, 403 denied)
 * and, for a denial, one AuthorizerDenials metric with its reason as a dimension.
 */
export function createAuthorizer(
  config: AuthorizerConfig,
  keys: KeySets,
  obs: Observability = observability(SERVICES.authorizer),
) {
  const { logger, metrics } = obs;
  return async function handler(
    event: APIGatewayRequestAuthorizerEventV2,
    context?: Pick<Context, 'awsRequestId'>,
  ): Promise<Result> {
    const started = performance.now();
    const invocation = obs.invocation(event.requestContext?.requestId ?? context?.awsRequestId);
    const header = event.identitySource?.[0] ?? event.headers?.authorization ?? event.headers?.Authorization;
    const token = bearerToken(header);
    const decision: Decision = token ? await authorize(token, config, keys) : deny('no-token', 'no bearer token');
    const durationMs = Math.round((performance.now() - started) * 10) / 10;
    if (!decision.ok) {
      const unavailable = decision.code === 'keys-unavailable';
      const line = {
        ...invocation,
        route: event.routeKey,
        status: unavailable ? 500 : 403,
        reason: decision.code,
        detail: decision.reason,
        durationMs,
      };
      if (unavailable) logger.error('key set unavailable', line);
      else logger.warn('denied', line);
      metrics.addDimension('reason', decision.code);
      metrics.addMetric(METRIC_NAMES.authorizerDenials, MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
      // A Lambda authorizer cannot answer 503: a failed invocation is API Gateway's 500
      // {"message":"Internal Server Error"}, which (unlike a denial) is not cached for the token.
      if (unavailable) throw new KeySetUnavailableError(decision.reason);
      return { isAuthorized: false, context: {} };
    }
    // Empty values are left out: the API treats a missing key and an empty one alike.
    const context_ = Object.fromEntries(Object.entries(decision.context).filter(([, v]) => v !== ''));
    const actor = decision.context.email || decision.context.client_id || decision.context.sub;
    logger.info('allowed', { ...invocation, route: event.routeKey, status: 200, actor, durationMs });
    return { isAuthorized: true, context: context_ as Partial<CallerContext> };
  };
}

// Key sets live at module scope: JWKS responses are cached across invocations of a container.
const config = configFromEnv();
const startup = observability(SERVICES.authorizer);
export const handler = createAuthorizer(
  config,
  remoteKeySets(config, {
    onRefreshError: (err, keptLastGood) =>
      startup.logger.warn('key set refresh failed', { detail: err.message, keptLastGood }),
  }),
);
