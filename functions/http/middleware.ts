// Cross-cutting concerns as middy middleware, in the order functions/api.ts applies them:
// errors (outermost: its onError runs last), routing, authentication, body parsing, idempotency.
import { createHash, randomUUID } from 'node:crypto';
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { DomainError, ForbiddenError, UnauthorizedError, ValidationError } from '../../shared/errors.js';
import { knownRoles } from '../../shared/roles.js';
import type { Actor, Role } from '../../shared/types.js';
import { googleAccountAllowed, isGoogleIssuer, type GoogleSignInPolicy } from '../auth/googleSignIn.js';
import type { InvocationKeys } from '../log.js';
import type { IdempotencyRecords } from '../store/idempotency.js';
import { pendingClaim, setPendingClaim, type PendingClaim, type StoredResponse } from '../store/idempotencyScope.js';
import { errorAnswer } from './errors.js';
import { ROUTE_SPECS, type RouteSpec } from './routes.js';
import type { ApiRequest, ApiResponse } from './types.js';

export type ApiEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & { authorizer?: Authorizer };
};
export type ApiResult = APIGatewayProxyStructuredResultV2;
/** The request as the middleware builds it up, kept on the Lambda context for the handler. */
export type ApiContext = Context & {
  api: ApiRequest;
  /** How many times the route ran again after losing a race (functions/api.ts); for its log line and metric. */
  lostRaceRetries?: number;
};
export type ApiMiddyRequest = Request<ApiEvent, ApiResult, Error, ApiContext>;
type Middleware = MiddlewareObj<ApiEvent, ApiResult, Error, ApiContext>;

/** What API Gateway hands over from the Lambda authorizer (functions/authorizer.ts CallerContext). */
interface Authorizer {
  lambda?: Record<string, string | number | boolean>;
}

export const MAX_BODY_BYTES = 6 * 1024 * 1024;

export function requestIdOf(event: ApiEvent, context: Partial<Context>): string {
  return event.requestContext?.requestId ?? context.awsRequestId ?? 'unknown';
}

export function jsonResult(status: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}

/** Maps any error into the CONTRACT's error shape; registered first so it runs last. */
export function httpErrors(logger: { error(message: string, attributes: Record<string, unknown>): void }): Middleware {
  return {
    onError: async (request) => {
      if (request.response) return;
      const requestId = requestIdOf(request.event, request.context);
      const answer = errorAnswer(request.error, requestId);
      if (!answer.expected) {
        const { invocation } = request.internal as { invocation?: InvocationKeys };
        logger.error('request failed', {
          ...invocation,
          requestId,
          route: request.context.api?.route.id,
          actor: request.context.api?.actor.id,
          error: describe(request.error),
        });
      }
      request.response = jsonResult(answer.status, answer.body, { 'x-request-id': requestId, ...answer.headers });
    },
  };
}

function describe(err: unknown) {
  const e = err as Error | undefined;
  return { name: e?.name, message: e?.message, stack: e?.stack?.split('\n').slice(0, 6).join('\n') };
}

// ---- routing ----

interface CompiledRoute {
  spec: RouteSpec;
  pattern: RegExp;
  names: string[];
}

const COMPILED: CompiledRoute[] = ROUTE_SPECS.map((spec) => {
  const names: string[] = [];
  const pattern = new RegExp(
    '^' +
      spec.path.replace(/\{(\w+)\}/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      }) +
      '/?$',
  );
  return { spec, pattern, names };
});

export function matchRoute(method: string, path: string): { spec: RouteSpec; params: Record<string, string> } {
  let pathMatched = false;
  for (const r of COMPILED) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (r.spec.method !== method) continue;
    const params: Record<string, string> = {};
    r.names.forEach((n, i) => (params[n] = pathParam(n, m[i + 1])));
    return { spec: r.spec, params };
  }
  if (pathMatched) throw new DomainError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}`);
  throw new DomainError(404, 'NOT_FOUND', `No route ${method} ${path}`);
}

/** Longest id or email a path may carry (an email is at most 254 characters). */
export const MAX_PATH_PARAM = 254;

/** A path segment, percent-decoded; malformed encoding, control characters or excess length are a 400. */
function pathParam(name: string, raw: string): string {
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    throw new ValidationError([{ field: name, message: 'is not valid percent-encoding (UTF-8)' }]);
  }
  const refuse = (message: string) => new ValidationError([{ field: name, message }]);
  if (value.length > MAX_PATH_PARAM) throw refuse(`is longer than ${MAX_PATH_PARAM} characters`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
  if (/[\u0000-\u001f\u007f]/.test(value)) throw refuse('must not contain control characters');
  return value;
}

export function routing(): Middleware {
  return {
    before: async (request) => {
      const { event, context } = request;
      const method = event.requestContext.http.method.toUpperCase();
      const { spec, params } = matchRoute(method, event.rawPath);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = v;
      const query: Record<string, string> = {};
      for (const [k, v] of Object.entries(event.queryStringParameters ?? {})) if (v !== undefined) query[k] = v;
      context.api = {
        route: spec,
        method,
        path: event.rawPath,
        params,
        query,
        headers,
        body: undefined,
        actor: { id: 'anonymous', roles: [] },
        requestId: requestIdOf(event, context),
      };
    },
  };
}

// ---- authentication ----

export interface AuthOptions {
  /** Roles for callers whose token carries none (Google users): the admin-managed mapping. */
  rolesFor: (email: string) => Promise<Role[] | undefined>;
  /** Who may sign in with Google: the same policy the Lambda authorizer applies (functions/auth/googleSignIn.ts). */
  googleSignIn: GoogleSignInPolicy;
}

/**
 * The token was verified before the event reached us, by the Lambda authorizer (functions/authorizer.ts:
 * API Gateway runs it in AWS, the local gateway runs the same handler locally); here its context
 * (`requestContext.authorizer.lambda`) becomes an actor with roles, and the route's roles apply.
 * The actor is the email, else `sub` (a Cognito client-credentials token's sub is its client id),
 * else `client_id`.
 */
export function authentication(opts: AuthOptions): Middleware {
  return {
    before: async (request) => {
      const api = request.context.api;
      if (api.route.public) return;
      const claims = claimsOf(request.event);
      if (!claims) throw new UnauthorizedError();
      const email = str(claims.email)?.toLowerCase();
      const issuer = str(claims.iss) ?? '';
      if (isGoogleIssuer(issuer)) {
        if (!email || (claims.email_verified !== undefined && String(claims.email_verified) !== 'true'))
          throw new UnauthorizedError('A verified Google account email is required');
        if (!googleAccountAllowed(opts.googleSignIn, email, str(claims.hd)))
          throw new ForbiddenError(`${email} is not allowed to use this service`);
      }
      const id = email ?? str(claims.sub) ?? str(claims.client_id);
      if (!id) throw new UnauthorizedError('The token names no caller (email, client_id or sub)');
      let roles = rolesFromClaims(claims);
      if (roles.length === 0 && email) roles = (await opts.rolesFor(email)) ?? [];
      const actor: Actor = { id, roles };
      api.actor = actor;
      if (!api.route.roles.some((r) => roles.includes(r))) {
        throw new ForbiddenError(
          roles.length === 0
            ? `${id} has no role yet: an admin must grant one (PUT /v1/role-mappings/${encodeURIComponent(id)})`
            : `This needs one of the roles ${api.route.roles.join(', ')}; ${id} has ${roles.join(', ')}`,
        );
      }
    },
  };
}

function claimsOf(event: ApiEvent): Record<string, unknown> | undefined {
  return event.requestContext.authorizer?.lambda;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * The authorizer's `roles` (a comma list; a list or a space separated string too), known roles only.
 * Scopes are not read here: the authorizer made roles of those with the configured prefix only.
 */
export function rolesFromClaims(claims: Record<string, unknown>): Role[] {
  const v = claims.roles;
  const words = Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(/[\s,]+/) : [];
  return knownRoles(new Set(words));
}

// ---- body ----

export function jsonBody(): Middleware {
  return {
    before: async (request) => {
      const api = request.context.api;
      const { body, isBase64Encoded } = request.event;
      if (body === undefined || body === null || body === '') return;
      const text = isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
      if (Buffer.byteLength(text) > MAX_BODY_BYTES)
        throw new DomainError(413, 'PAYLOAD_TOO_LARGE', `The body is larger than ${MAX_BODY_BYTES} bytes`);
      // Every body is JSON, whatever content-type a hand-typed curl sends; invalid JSON is a 400.
      try {
        api.body = JSON.parse(text);
      } catch {
        throw new ValidationError([{ field: 'body', message: 'is not valid JSON' }]);
      }
    },
  };
}

// ---- idempotency ----

const IDEMPOTENCY_KEY = /^[\w.:-]{1,128}$/;

/** The answer as the wire carries it (status, headers with the request id and ETag, JSON body). */
export function apiResult(res: ApiResponse, requestId: string): ApiResult {
  const headers: Record<string, string> = { 'x-request-id': requestId, ...res.headers };
  if (res.etag !== undefined) headers.etag = `"${res.etag}"`;
  return jsonResult(res.status, res.body, headers);
}

function stored(res: ApiResult): StoredResponse {
  const headers = (res.headers ?? {}) as Record<string, string>;
  return { statusCode: res.statusCode ?? 200, headers, body: String(res.body ?? '') };
}

/**
 * A handler names its answer before its write: under an Idempotency-Key the write's own transaction
 * then stores it with the key (db.ts `transact`), so the write and the answer a retry gets are one
 * step. Returns `res`. Every POST route does; an answer too big for the record is the one case left
 * where the transaction only marks the key written and the answer is stored right after it. The
 * replenishment run writes many transactions and carries no claim at all (handlers/stock.ts).
 */
export function answerWith<R extends ApiResponse>(res: R): R {
  const claim = pendingClaim();
  if (!claim || claim.settled) return res;
  const response = stored(apiResult(res, (claim as ClaimOfRequest).requestId));
  // An answer too big for the record (400 KB an item) must not cancel the write: it is marked written instead.
  claim.response = Buffer.byteLength(response.body) <= MAX_STORED_ANSWER_BYTES ? response : undefined;
  return res;
}

/** The largest answer kept with its key, leaving room in the 400 KB item for the rest of the record. */
export const MAX_STORED_ANSWER_BYTES = 360 * 1024;

type ClaimOfRequest = PendingClaim & { caller: string; idempotencyKey: string; requestId: string };

/**
 * POST with Idempotency-Key: the first response is kept 24 h for the same caller and key and
 * returned again for the same body; another body is refused (422); a request still running, 409.
 * The claim is taken here (one round trip); the write's transaction completes it (see answerWith).
 */
export function idempotency(records: () => IdempotencyRecords, now: () => number): Middleware {
  const keyOf = (api: ApiRequest) =>
    api.method === 'POST' && !api.route.public ? api.headers['idempotency-key'] : undefined;
  const claimOf = (request: ApiMiddyRequest) => (request.internal as { idempotency?: ClaimOfRequest }).idempotency;
  return {
    before: async (request) => {
      const api = request.context.api;
      const key = keyOf(api);
      if (key === undefined) return;
      if (!IDEMPOTENCY_KEY.test(key))
        throw new ValidationError([{ field: 'Idempotency-Key', message: 'must be 1-128 letters, digits, or . _ : -' }]);
      const fingerprint = createHash('sha256')
        .update(`${api.method} ${api.path}\n${JSON.stringify(api.body ?? null)}`)
        .digest('base64url');
      const token = randomUUID();
      const claim = await records().claim(api.actor.id, key, fingerprint, now(), token);
      if (claim.kind === 'replay') {
        const r = claim.response;
        return { statusCode: r.statusCode, headers: { ...r.headers, 'idempotent-replayed': 'true' }, body: r.body };
      }
      if (claim.kind === 'mismatch')
        throw new DomainError(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with another request body');
      if (claim.kind === 'inFlight')
        throw new DomainError(409, 'IDEMPOTENCY_IN_FLIGHT', 'A request with this Idempotency-Key is still running');
      if (claim.kind === 'written') {
        throw new DomainError(
          409,
          'IDEMPOTENCY_RESPONSE_LOST',
          'The request with this Idempotency-Key was carried out, but its answer was lost: ' +
            'read the resource; it will not run again',
        );
      }
      const pending: ClaimOfRequest = {
        key: records().key(api.actor.id, key),
        token,
        caller: api.actor.id,
        idempotencyKey: key,
        requestId: api.requestId,
      };
      (request.internal as { idempotency?: ClaimOfRequest }).idempotency = pending;
      setPendingClaim(pending);
    },
    after: async (request) => {
      const claim = claimOf(request);
      const res = request.response;
      if (!claim || !res || claim.settled === 'done') return;
      const from = claim.settled === 'written' ? 'written' : 'pending';
      await records().complete(claim.caller, claim.idempotencyKey, claim.token, stored(res), from);
    },
    onError: async (request) => {
      const claim = claimOf(request);
      // Once the write landed the record says so (done: its answer; written: nothing runs again).
      if (!claim || claim.settled) return;
      const answer = errorAnswer(request.error, claim.requestId);
      try {
        const code = answer.body.error.code;
        const retryable = code === 'CONCURRENT_UPDATE' || code === 'IDEMPOTENCY_IN_FLIGHT';
        if (answer.expected && answer.status < 500 && !retryable) {
          const headers = { 'content-type': 'application/json' };
          const response = { statusCode: answer.status, headers, body: JSON.stringify(answer.body) };
          await records().complete(claim.caller, claim.idempotencyKey, claim.token, response);
        } else await records().release(claim.caller, claim.idempotencyKey, claim.token);
      } catch {
        // The original error matters more; an unreleased claim lapses after its lock time.
      }
    },
  };
}
