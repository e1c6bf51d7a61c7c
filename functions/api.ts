// The HTTP API Lambda: every route of the CONTRACT behind one handler. Middleware does routing,
// auth, parsing, idempotency and errors; each route function only parses, decides and stores.
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { TransientConflict } from './store/db.js';
import { adminHandlers } from './handlers/admin.js';
import { batchHandlers } from './handlers/batches.js';
import { materialsHandlers } from './handlers/materials.js';
import { orderHandlers } from './handlers/orders.js';
import { requirementHandlers } from './handlers/requirements.js';
import { salesOrderHandlers } from './handlers/salesOrders.js';
import { stockHandlers } from './handlers/stock.js';
import { techPackHandlers } from './handlers/techPacks.js';
import { authentication, httpErrors, idempotency, jsonBody, jsonResult, routing, type ApiContext, type ApiEvent, type ApiMiddyRequest, type ApiResult } from './http/middleware.js';
import { openApiDocument } from './http/openapi.js';
import type { RouteId } from './http/routes.js';
import type { ApiRequest, ApiResponse, RouteHandler } from './http/types.js';
import { log } from './log.js';
import { currentUsage, measureDynamo, newUsage } from './store/metrics.js';
import { config, idempotencyRecords, store } from './services.js';

const ROUTES: Record<RouteId, RouteHandler> = {
  health: async () => ({ status: 200, body: { status: 'ok' } }),
  openapi: async (req) => ({ status: 200, body: openApiDocument(serverUrl(req)) }),
  ...adminHandlers(store),
  ...techPackHandlers(store),
  ...orderHandlers(store),
  ...batchHandlers(store),
  ...materialsHandlers(store),
  ...salesOrderHandlers(store),
  ...stockHandlers(store),
  ...requirementHandlers(store),
};

function serverUrl(req: ApiRequest): string | undefined {
  const host = req.headers['x-forwarded-host'] ?? req.headers.host;
  if (!host) return undefined;
  const proto = req.headers['x-forwarded-proto'] ?? (host.startsWith('localhost') || host.startsWith('127.') ? 'http' : 'https');
  return `${proto}://${host}`;
}

const MAX_ATTEMPTS = 5;

/** Runs the route; a write that lost a race to another request runs again on fresh data. */
async function dispatch(_event: ApiEvent, context: ApiContext): Promise<ApiResult> {
  const req = context.api;
  const handler = ROUTES[req.route.id as RouteId];
  for (let attempt = 1; ; attempt++) {
    try {
      return toResult(await handler(req), req.requestId);
    } catch (err) {
      if (!(err instanceof TransientConflict) || attempt >= MAX_ATTEMPTS) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 15 * attempt));
    }
  }
}

function toResult(res: ApiResponse, requestId: string): ApiResult {
  const headers: Record<string, string> = { 'x-request-id': requestId, ...res.headers };
  if (res.etag !== undefined) headers.etag = `"${res.etag}"`;
  return jsonResult(res.status, res.body, headers);
}

/** Set locally by the benchmark: each answer says how many DynamoDB round trips it took. */
const exposeUsage = process.env.EXPOSE_DYNAMO_USAGE === '1';

const api = middy<ApiEvent, ApiResult, Error, ApiContext>({
  timeoutEarlyInMillis: 0,
  // One log line per request, whatever path it took (early idempotent replays included).
  requestEnd: (raw) => {
    const request = raw as ApiMiddyRequest;
    const { event, response, context } = request;
    const dynamo = currentUsage();
    if (exposeUsage && dynamo && response) response.headers = { ...response.headers, 'x-dynamo-usage': JSON.stringify(dynamo) };
    log({
      level: (response?.statusCode ?? 500) >= 500 ? 'ERROR' : 'INFO',
      message: 'request',
      requestId: context.api?.requestId ?? event.requestContext?.requestId,
      method: event.requestContext?.http?.method,
      path: event.rawPath,
      route: context.api?.route.id,
      status: response?.statusCode,
      actor: context.api?.actor.id,
      durationMs: Math.round((performance.now() - ((request.internal as Record<string, number>).startedAt ?? 0)) * 10) / 10,
      ...(response?.headers?.['idempotent-replayed'] ? { idempotentReplay: true } : {}),
      ...(dynamo ? { dynamoCalls: dynamo.calls, dynamoOps: dynamo.byOperation, dynamoCapacity: dynamo.capacityUnits } : {}),
    });
  },
})
  .use({ before: async (request) => void ((request.internal as Record<string, unknown>).startedAt = performance.now()) })
  .use(httpErrors(log))
  .use(routing())
  .use(authentication({
    rolesFor: async (email) => (await store.getRoleMapping(email))?.roles,
    allowedGoogleDomains: config.allowedGoogleDomains,
    allowedGoogleEmails: config.allowedGoogleEmails,
  }))
  .use(jsonBody())
  .use(idempotency(() => idempotencyRecords, Date.now))
  .handler(dispatch as (event: ApiEvent, context: Context) => Promise<ApiResult>);

/** The Lambda entry: each invocation counts its own DynamoDB round trips. */
export const handler = (event: ApiEvent, context: Context) => measureDynamo(newUsage(), () => api(event, context as ApiContext));
