// The API's log lines and EMF metrics (functions/log.ts): the real handler in this process, on the
// run's DynamoDB Local, with its stdout captured. Every request writes one `request` line with the
// common keys and one EMF blob with the per-route metrics.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { gatewayEvent } from '../../infra/local/server.js';
import { captureStdout, emfMetricNames } from '../support/stdout.js';
import { techPackBody } from '../support/fixtures.js';

type Handler = (
  e: APIGatewayProxyEventV2,
  c: Context,
) => Promise<{ statusCode?: number; body?: string; headers?: Record<string, string> }>;
let handler: Handler;

beforeAll(async () => {
  // What Lambda runs with; the handler reads its configuration when first loaded.
  process.env.DYNAMODB_ENDPOINT = inject('dynamoEndpoint');
  process.env.TABLE_NAME = inject('tableName');
  process.env.AWS_REGION ??= 'local';
  process.env.LOG_LEVEL = 'INFO';
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  ({ handler } = (await import('../../functions/api.js')) as never);
});

let n = 0;
function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const requestId = `obs-${process.pid}-${++n}`;
  const event = gatewayEvent({
    method,
    url: new URL(path, 'http://localhost'),
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    requestId,
    claims: { email: 'olga@example.com', roles: ['planner', 'admin'], iss: 'garmentflow-local' },
  });
  return handler(event, { awsRequestId: requestId, getRemainingTimeInMillis: () => 29_000 } as unknown as Context);
}

const requestLines = (lines: Record<string, unknown>[]) => lines.filter((l) => l.message === 'request');
const emfLines = (lines: Record<string, unknown>[]) => lines.filter((l) => l._aws !== undefined);

describe('API logs and metrics', () => {
  it('one request line with requestId, coldStart, route, status, actor; one EMF blob with the route metrics', async () => {
    const { result, lines } = await captureStdout(() => call('GET', '/v1/settings'));
    expect(result.statusCode).toBe(200);
    const [line] = requestLines(lines);
    expect(line).toMatchObject({
      level: 'INFO',
      service: 'garmentflow-api',
      requestId: expect.stringMatching(/^obs-/),
      coldStart: expect.any(Boolean),
      route: 'getSettings',
      status: 200,
      actor: 'olga@example.com',
      durationMs: expect.any(Number),
      dynamoCalls: expect.any(Number),
    });
    const emf = emfLines(lines);
    expect(emf).toHaveLength(1);
    expect(emfMetricNames(emf).sort()).toEqual(
      ['DynamoDBCapacityUnits', 'DynamoDBRequests', 'IdempotentReplays', 'LostRaceRetries', 'RouteLatency'].sort(),
    );
    const directive = (emf[0]._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] })
      .CloudWatchMetrics[0];
    expect(directive.Namespace).toBe('GarmentFlow');
    expect(directive.Dimensions[0]).toEqual(expect.arrayContaining(['service', 'route']));
    expect(emf[0]).toMatchObject({
      service: 'garmentflow-api',
      route: 'getSettings',
      IdempotentReplays: 0,
      LostRaceRetries: 0,
    });
    expect(emf[0].DynamoDBRequests).toBe(line.dynamoCalls);
    expect(emf[0].DynamoDBRequests as number).toBeGreaterThan(0);
  });

  it('an idempotent replay is logged and counted', async () => {
    const key = `obs-${process.pid}-${Date.now()}`;
    const body = techPackBody();
    const first = await call('POST', '/v1/tech-packs', body, { 'idempotency-key': key });
    expect(first.statusCode).toBe(201);
    const { result, lines } = await captureStdout(() =>
      call('POST', '/v1/tech-packs', body, { 'idempotency-key': key }),
    );
    expect(result.headers?.['idempotent-replayed']).toBe('true');
    expect(requestLines(lines)[0]).toMatchObject({ route: 'createTechPack', status: 201, idempotentReplay: true });
    expect(emfLines(lines)[0]).toMatchObject({ route: 'createTechPack', IdempotentReplays: 1 });
  });

  it('a write that lost a race and ran again is logged and counted', async () => {
    const { TransactionCanceledException } = await import('@aws-sdk/client-dynamodb');
    const { documentClient } = await import('../../functions/services.js');
    let lost = 0;
    documentClient.middlewareStack.add(
      (next, context) => async (args) => {
        if (lost === 0 && context.commandName?.startsWith('TransactWrite')) {
          lost++;
          throw new TransactionCanceledException({
            message: 'Transaction cancelled',
            $metadata: {},
            CancellationReasons: [{ Code: 'TransactionConflict' }],
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'loseOneRace', priority: 'high' },
    );
    try {
      const { result, lines } = await captureStdout(() => call('POST', '/v1/tech-packs', techPackBody()));
      expect(result.statusCode).toBe(201);
      expect(lost).toBe(1);
      expect(requestLines(lines)[0]).toMatchObject({ route: 'createTechPack', status: 201, lostRaceRetries: 1 });
      expect(emfLines(lines)[0]).toMatchObject({ route: 'createTechPack', LostRaceRetries: 1 });
    } finally {
      documentClient.middlewareStack.remove('loseOneRace');
    }
  });

  it('an unmatched route still gets its line and metrics; errors carry the same keys', async () => {
    const { result, lines } = await captureStdout(() => call('GET', '/v1/nowhere'));
    expect(result.statusCode).toBe(404);
    expect(requestLines(lines)[0]).toMatchObject({
      status: 404,
      requestId: expect.stringMatching(/^obs-/),
      coldStart: false,
    });
    expect(emfLines(lines)[0]).toMatchObject({ route: 'unmatched' });
  });

  it('the replenishment entry logs its run with the same keys and counts the orders it created', async () => {
    const { handler: replenish } = await import('../../functions/replenishment.js');
    const { result, lines } = await captureStdout(() =>
      replenish({ source: 'aws.scheduler' }, { awsRequestId: 'sched-1', getRemainingTimeInMillis: () => 120_000 }),
    );
    expect(lines.find((l) => l.message === 'replenishment run')).toMatchObject({
      level: 'INFO',
      service: 'garmentflow-replenishment',
      requestId: 'sched-1',
      coldStart: true,
      route: 'schedule',
      status: 'ok',
      actor: 'replenishment-schedule',
      created: result.created.length,
    });
    const emf = emfLines(lines);
    expect(emfMetricNames(emf).sort()).toEqual([
      'ReplenishmentErrors',
      'ReplenishmentOrdersCreated',
      'ReplenishmentStylesSkipped',
    ]);
    expect(emf[0]).toMatchObject({
      service: 'garmentflow-replenishment',
      ReplenishmentOrdersCreated: result.created.length,
      ReplenishmentStylesSkipped: result.skipped.length,
      ReplenishmentErrors: result.skipped.filter((x) => x.reason === 'ERROR').length,
    });
  });
});
