// The local stand-in for API Gateway (HTTP API, payload v2): runs the production Lambda authorizer
// (functions/authorizer.ts, on the local key set: infra/local/auth.ts) on the bearer token, builds the
// same event with its context as `requestContext.authorizer.lambda`, and calls the very handler the
// Lambda runs.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ROUTE_SPECS } from '../../functions/http/routes.js';
import type { Observability } from '../../functions/log.js';
import { LocalGatewayAuth, type LocalKeys } from './auth.js';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const PUBLIC = ROUTE_SPECS.filter((r) => r.public).map((r) => `${r.method} ${r.path}`);
const MAX_BODY = 10 * 1024 * 1024;
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization,content-type,if-match,idempotency-key',
  'access-control-allow-methods': 'GET,POST,PUT,PATCH,DELETE,OPTIONS',
  'access-control-expose-headers': 'etag,x-request-id,location',
};

/**
 * The event API Gateway (HTTP API, payload 2.0) sends the Lambda once its authorizer accepted the
 * caller: the local gateway, the benchmark and the handler's own tests all build it here.
 */
export function gatewayEvent(req: {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  requestId: string;
  sourceIp?: string;
  /**
   * The authorizer's context (`requestContext.authorizer.lambda`, string values; a list is joined
   * with commas, as functions/authorizer.ts hands `roles` over).
   */
  claims?: Record<string, unknown>;
}): APIGatewayProxyEventV2 {
  const query: Record<string, string> = {};
  for (const [k, v] of req.url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: req.url.pathname,
    rawQueryString: req.url.search.slice(1),
    headers: req.headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: req.headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: req.method,
        path: req.url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: req.sourceIp ?? '127.0.0.1',
        userAgent: req.headers['user-agent'] ?? '',
      },
      requestId: req.requestId,
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
      ...(req.claims ? { authorizer: { lambda: asAuthorizerContext(req.claims) } } : {}),
    },
    body: req.body,
    isBase64Encoded: false,
  } as APIGatewayProxyEventV2;
}

/** A simple-response authorizer's context holds strings (and numbers, booleans): lists as comma lists. */
function asAuthorizerContext(context: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(context))
    out[k] = Array.isArray(v) ? v.join(',') : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return out;
}

export function createLocalServer(
  handler: Handler,
  keys: LocalKeys,
  opts: { authorizerObservability?: Observability } = {},
): http.Server {
  const gateway = new LocalGatewayAuth(keys, opts.authorizerObservability);
  return http.createServer(async (req, res) => {
    const requestId = randomUUID();
    try {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > MAX_BODY)
          return send(res, 413, { error: { code: 'PAYLOAD_TOO_LARGE', message: 'The body is too large' }, requestId });
        chunks.push(chunk as Buffer);
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = (req.method ?? 'GET').toUpperCase();
      if (method === 'OPTIONS') return send(res, 204, undefined);
      const isPublic = PUBLIC.includes(`${method} ${url.pathname}`);
      // API Gateway invokes the route's authorizer (its event: infra/local/auth.ts authorizerEvent);
      // a refused token, or none, never reaches the handler.
      const route = { routeKey: `${method} ${url.pathname}`, rawPath: url.pathname, requestId };
      const claims = isPublic ? undefined : await gateway.authorize(req.headers.authorization, route);
      if (!isPublic && !claims) {
        return send(res, 401, {
          error: {
            code: 'UNAUTHORIZED',
            message: 'A valid bearer token is required (npm run token -- --email you@example.com --role planner)',
          },
          requestId,
        });
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
      const event = gatewayEvent({
        method,
        url,
        headers,
        body: chunks.length ? Buffer.concat(chunks).toString('utf8') : undefined,
        requestId,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        claims: claims as Record<string, unknown> | undefined,
      });
      const context = {
        awsRequestId: requestId,
        functionName: 'garmentflow-api-local',
        getRemainingTimeInMillis: () => 29_000,
      } as unknown as Context;
      const result = await handler(event, context);
      res.writeHead(result.statusCode ?? 200, { ...CORS, ...(result.headers as Record<string, string>) });
      res.end(result.body ?? '');
    } catch (err) {
      process.stderr.write(`local gateway error ${requestId}: ${(err as Error).stack}\n`);
      send(res, 500, { error: { code: 'INTERNAL', message: 'Something went wrong on our side' }, requestId });
    }
  });
}

function send(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { ...CORS, ...(body === undefined ? {} : { 'content-type': 'application/json' }) });
  res.end(body === undefined ? '' : JSON.stringify(body));
}
