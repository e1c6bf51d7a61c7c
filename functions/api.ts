// The HTTP API Lambda: every route of the CONTRACT behind one handler. Middleware does routing,
// auth, parsing, idempotency and errors; each route function only parses, decides and stores.
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { TransientConflict } from './store/db.js';
import { adminHandlers } from './handlers/admin.js';
import { batchHandlers } from './handlers/batches.js';
import { linkedOrderHandlers } from './handlers/linkedOrders.js';
import { materialsHandlers } from './handlers/materials.js';
import { milestoneHandlers } from './handlers/milestones.js';
import { orderHandlers } from './handlers/orders.js';
import { qualityHandlers } from './handlers/quality.js';
import { requirementHandlers } from './handlers/requirements.js';
import { salesOrderHandlers } from './handlers/salesOrders.js';
import { stockHandlers } from './handlers/stock.js';
import { techPackHandlers } from './handlers/techPacks.js';
import {
  apiResult,
  authentication,
  httpErrors,
  idempotency,
  jsonBody,
  requestIdOf,
  routing,
  type ApiContext,
  type ApiEvent,
  type ApiMiddyRequest,
  type ApiResult,
} from './http/middleware.js';
import { openApiDocument } from './http/openapi.js';
import type { RouteId } from './http/routes.js';
import type { ApiRequest, ApiResponse, RouteHandler } from './http/types.js';
import { METRIC_NAMES, MetricUnit, observability, SERVICES, type InvocationKeys } from './log.js';
import { currentUsage, measureDynamo, newUsage } from './store/metrics.js';
import { config, idempotencyRecords, store } from './services.js';
import { idempotencyScope } from './store/idempotencyScope.js';

const ROUTES: Record<RouteId, RouteHandler> = {
  health: async () => ({ status: 200, body: { status: 'ok' } }),
  openapi: async (req) => ({ status: 200, body: openApiDocument(serverUrl(req)) }),
  ...adminHandlers(store),
  ...techPackHandlers(store),
  ...orderHandlers(store),
  ...linkedOrderHandlers(store),
  ...batchHandlers(store),
  ...materialsHandlers(store),
  ...salesOrderHandlers(store),
  ...stockHandlers(store),
  ...qualityHandlers(store),
  ...requirementHandlers(store),
  ...milestoneHandlers(store),
};

function serverUrl(req: ApiRequest): string | undefined {
  const host = req.headers['x-forwarded-host'] ?? req.headers.host;
  if (!host) return undefined;
  const proto =
    req.headers['x-forwarded-proto'] ?? (host.startsWith('localhost') || host.startsWith('127.') ? 'http' : 'https');
  return `${proto}://${host}`;
}

/**
 * A lost race runs again after a wait drawn at random from [0, min(cap, base x 2^attempt)) ("full
 * jitter": writers racing from several processes spread out instead of colliding again in step),
 * for as long as the next attempt still starts within the budget: well below the Lambda (29 s)
 * and API Gateway timeouts. Within one process the reruns for one resource (the id in the path)
 * also go one at a time (`oneAtATime`): N requests that lost to each other then cost N writes, not
 * N^2. In Lambda a container serves one request at a time, so there only the backoff applies.
 */
export const RACE_RETRY = { budgetMs: 10_000, baseMs: 10, capMs: 200 };

/** Reruns after lost races, and requests that gave up (409 CONCURRENT_UPDATE), since the process started. */
export const raceRetryStats = { retries: 0, giveUps: 0 };

const { logger, metrics, invocation } = observability(SERVICES.api);

/** Runs the route; a write that lost a race to another request runs again on fresh data. */
async function dispatch(_event: ApiEvent, context: ApiContext): Promise<ApiResult> {
  const req = context.api;
  const handler = ROUTES[req.route.id as RouteId];
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const giveUp = (err: unknown) => {
    raceRetryStats.giveUps++;
    return err;
  };
  try {
    return toResult(await handler(req), req.requestId);
  } catch (err) {
    if (!(err instanceof TransientConflict)) throw err;
    let lost: unknown = err;
    for (let attempt = 1; ; attempt++) {
      const wait = Math.random() * Math.min(RACE_RETRY.capMs, RACE_RETRY.baseMs * 2 ** attempt);
      if (elapsed() + wait > RACE_RETRY.budgetMs) throw giveUp(lost);
      await new Promise((r) => setTimeout(r, wait));
      raceRetryStats.retries++;
      context.lostRaceRetries = attempt;
      const outcome = await oneAtATime(req.params.id ?? req.path, async (): Promise<Rerun> => {
        if (elapsed() > RACE_RETRY.budgetMs) return { kind: 'late' };
        try {
          return { kind: 'done', result: toResult(await handler(req), req.requestId) };
        } catch (e) {
          if (!(e instanceof TransientConflict)) throw e;
          return { kind: 'lost', conflict: e };
        }
      });
      if (outcome.kind === 'done') return outcome.result;
      if (outcome.kind === 'late') throw giveUp(lost);
      lost = outcome.conflict;
    }
  }
}

type Rerun = { kind: 'done'; result: ApiResult } | { kind: 'lost'; conflict: TransientConflict } | { kind: 'late' };

const queues = new Map<string, Promise<void>>();

/** Runs `fn` after every earlier call for the same key in this process has settled. */
async function oneAtATime<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const before = queues.get(key) ?? Promise.resolve();
  let release!: () => void;
  const tail = before.then(() => new Promise<void>((r) => (release = r)));
  queues.set(key, tail);
  await before;
  try {
    return await fn();
  } finally {
    release();
    if (queues.get(key) === tail) queues.delete(key);
  }
}

function toResult(res: ApiResponse, requestId: string): ApiResult {
  return apiResult(res, requestId);
}

/** Set locally by the benchmark: each answer says how many DynamoDB round trips it took. */
const exposeUsage = process.env.EXPOSE_DYNAMO_USAGE === '1';

/** What the request log line and the request's metrics are made of, once the answer is known. */
function requestEnd(request: ApiMiddyRequest): void {
  const { event, response, context } = request;
  const internal = request.internal as { startedAt?: number; invocation?: InvocationKeys };
  const dynamo = currentUsage();
  if (exposeUsage && dynamo && response)
    response.headers = { ...response.headers, 'x-dynamo-usage': JSON.stringify(dynamo) };
  const status = response?.statusCode ?? 500;
  const route = context.api?.route.id;
  const durationMs = Math.round((performance.now() - (internal.startedAt ?? 0)) * 10) / 10;
  const replayed = Boolean(response?.headers?.['idempotent-replayed']);
  const retries = context.lostRaceRetries ?? 0;
  const keys: InvocationKeys = {
    ...(internal.invocation ?? invocation(requestIdOf(event, context))),
    requestId: context.api?.requestId ?? requestIdOf(event, context),
    route,
    status,
    actor: context.api?.actor.id,
  };
  (status >= 500 ? logger.error : logger.info).call(logger, 'request', {
    ...keys,
    method: event.requestContext?.http?.method,
    path: event.rawPath,
    durationMs,
    ...(replayed ? { idempotentReplay: true } : {}),
    ...(retries ? { lostRaceRetries: retries } : {}),
    ...(dynamo
      ? { dynamoCalls: dynamo.calls, dynamoOps: dynamo.byOperation, dynamoCapacity: dynamo.capacityUnits }
      : {}),
  });
  // Added and published in one synchronous step: concurrent requests (the local server) never mix.
  metrics.addDimension('route', route ?? 'unmatched');
  metrics.addMetric(METRIC_NAMES.routeLatency, MetricUnit.Milliseconds, durationMs);
  metrics.addMetric(METRIC_NAMES.dynamoRequests, MetricUnit.Count, dynamo?.calls ?? 0);
  metrics.addMetric(METRIC_NAMES.dynamoCapacity, MetricUnit.Count, dynamo?.capacityUnits ?? 0);
  metrics.addMetric(METRIC_NAMES.lostRaceRetries, MetricUnit.Count, retries);
  metrics.addMetric(METRIC_NAMES.idempotentReplays, MetricUnit.Count, replayed ? 1 : 0);
  metrics.addMetadata('requestId', keys.requestId);
  metrics.publishStoredMetrics();
}

const api = middy<ApiEvent, ApiResult, Error, ApiContext>({
  timeoutEarlyInMillis: 0,
  // One log line and one set of metrics per request, whatever path it took (early idempotent replays included).
  requestEnd: (raw) => requestEnd(raw as ApiMiddyRequest),
})
  .use({
    before: async (request) => {
      const internal = request.internal as Record<string, unknown>;
      internal.startedAt = performance.now();
      internal.invocation = invocation(requestIdOf(request.event, request.context));
      request.context.lostRaceRetries = 0;
    },
  })
  .use(httpErrors(logger))
  .use(routing())
  .use(
    authentication({
      rolesFor: async (email) => (await store.getRoleMapping(email))?.roles,
      googleSignIn: config.googleSignIn,
    }),
  )
  .use(jsonBody())
  .use(idempotency(() => idempotencyRecords, Date.now))
  .handler(dispatch as (event: ApiEvent, context: Context) => Promise<ApiResult>);

/** The Lambda entry: each invocation counts its own DynamoDB round trips, and has its own idempotency scope. */
export const handler = (event: ApiEvent, context: Context) =>
  measureDynamo(newUsage(), () => idempotencyScope(() => api(event, context as ApiContext)));
