// The API's Lambda handler, loaded into this process and called with the event API Gateway (HTTP
// API, payload 2.0) would send after its authorizer accepted the caller: the handler's own cost
// without the local gateway, the HTTP hop or the JWT verification in front of it.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import type { DynamoUsage } from '../../functions/store/metrics.js';
import type { AddressInfo } from 'node:net';
import { loadKeys } from '../../infra/local/auth.js';
import { createLocalServer, gatewayEvent } from '../../infra/local/server.js';
import { Api } from './http.js';
import { countSequentialRoundTrips, type UsageExtras } from './sequential.js';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export interface Invoked {
  status: number;
  body: any;
  headers: Record<string, string>;
  ms: number;
  usage?: DynamoUsage & UsageExtras;
}

export interface LambdaApi {
  invoke(
    method: string,
    path: string,
    opts?: { body?: unknown; headers?: Record<string, string>; email?: string; roles?: string[] },
  ): Promise<Invoked>;
}

/** Loads functions/api.ts against the benchmark's DynamoDB Local (its clients read the environment at load). */
export async function loadLambdaApi(opts: { tableName: string; dynamoEndpoint: string }): Promise<LambdaApi> {
  process.env.TABLE_NAME = opts.tableName;
  process.env.DYNAMODB_ENDPOINT = opts.dynamoEndpoint;
  process.env.AWS_REGION ??= 'local';
  process.env.LOG_LEVEL = 'ERROR';
  process.env.EXPOSE_DYNAMO_USAGE = '1';
  const { handler } = (await import('../../functions/api.js')) as unknown as { handler: Handler };
  const { documentClient } = await import('../../functions/services.js');
  const { currentUsage } = await import('../../functions/store/metrics.js');
  countSequentialRoundTrips(documentClient as never, currentUsage);
  return {
    async invoke(method, path, o = {}) {
      const requestId = randomUUID();
      const email = o.email ?? 'ana@bench.example';
      const event = gatewayEvent({
        method,
        url: new URL(path, 'http://localhost'),
        headers: { host: 'localhost', 'content-type': 'application/json', ...o.headers },
        body: o.body === undefined ? undefined : JSON.stringify(o.body),
        requestId,
        claims: { email, roles: o.roles ?? ['planner'], sub: email, iss: 'garmentflow-local' },
      });
      const context = {
        awsRequestId: requestId,
        functionName: 'garmentflow-api-bench',
        getRemainingTimeInMillis: () => 29_000,
      } as unknown as Context;
      const t0 = performance.now();
      const result = await handler(event, context);
      const ms = performance.now() - t0;
      const h = (result.headers ?? {}) as Record<string, string>;
      return {
        status: result.statusCode ?? 200,
        body: result.body ? JSON.parse(result.body) : undefined,
        headers: h,
        ms,
        usage: h['x-dynamo-usage'] ? (JSON.parse(h['x-dynamo-usage']) as DynamoUsage & UsageExtras) : undefined,
      };
    },
  };
}

/**
 * The local gateway (infra/local/server.ts: JWT verification, the API Gateway v2 event) in front of
 * the handler loaded into this process, on a free port. Call after loadLambdaApi.
 */
export async function startGateway(keyFile: string): Promise<{ api: Api; close(): Promise<void> }> {
  const { handler } = (await import('../../functions/api.js')) as unknown as { handler: Handler };
  const server = createLocalServer(handler, await loadKeys(keyFile));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    api: new Api(`http://127.0.0.1:${port}`),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
