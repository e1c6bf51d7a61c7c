// What callers see when AWS misbehaves: the real handler, with faults injected into its real SDK
// client (throttling, a transaction conflict, a dead endpoint, a stuck one). Nothing internal leaks
// into a 5xx.
import net from 'node:net';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayEvent } from '../../infra/local/server.js';

// The handler's clients read their configuration at load: an endpoint that accepts connections
// and never answers (stuck), later closed (nothing listens: unreachable).
const held: net.Socket[] = [];
const fakeEndpoint = net.createServer((socket) => void held.push(socket.on('error', () => undefined)));
const closeEndpoint = () => {
  for (const s of held) s.destroy();
  return new Promise((resolve) => fakeEndpoint.close(resolve));
};
process.env.TABLE_NAME = 'faults';
process.env.LOG_LEVEL = 'ERROR';
// The AWS timeouts, not the local stack's longer ones (its global setup sets them for the workers it starts).
delete process.env.DYNAMODB_REQUEST_TIMEOUT_MS;
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let handler: (e: APIGatewayProxyEventV2, c: Context) => Promise<{ statusCode?: number; body?: string }>;
let injected: Error | undefined;

beforeAll(async () => {
  await new Promise<void>((resolve) => fakeEndpoint.listen(0, '127.0.0.1', resolve));
  process.env.DYNAMODB_ENDPOINT = `http://127.0.0.1:${(fakeEndpoint.address() as net.AddressInfo).port}`;
  ({ handler } = (await import('../../functions/api.js')) as never);
  const { documentClient } = await import('../../functions/services.js');
  documentClient.middlewareStack.add(
    (next) => async (args) => {
      if (injected) throw injected;
      return next(args);
    },
    { step: 'initialize', name: 'injectFault' },
  );
});

afterAll(async () => {
  if (fakeEndpoint.listening) await closeEndpoint();
});

function event(method: string, path: string, body?: unknown): APIGatewayProxyEventV2 {
  return gatewayEvent({
    method,
    url: new URL(path, 'http://localhost'),
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    requestId: 'req-1',
    claims: { email: 'ana@example.com', roles: ['planner', 'admin'], iss: 'garmentflow-local' },
  });
}

const ctx = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

function named(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

describe('faults from DynamoDB', () => {
  const throttles: [string, () => Promise<Error>][] = [
    [
      'ProvisionedThroughputExceededException',
      async () =>
        named(
          'ProvisionedThroughputExceededException',
          'Rate of requests exceeds the allowed throughput for table arn:aws:dynamodb:eu-west-1:123:table/x',
        ),
    ],
    [
      'ThrottlingException',
      async () => named('ThrottlingException', 'Rate exceeded for arn:aws:dynamodb:eu-west-1:123:table/x'),
    ],
    [
      'RequestLimitExceeded',
      async () =>
        named(
          'RequestLimitExceeded',
          'Throughput exceeds the current throughput limit for your account arn:aws:dynamodb',
        ),
    ],
    ...(['ThrottlingError', 'ProvisionedThroughputExceeded'] as const).map((code): [string, () => Promise<Error>] => [
      `a transaction cancelled for ${code}`,
      async () => {
        const { TransactionCanceledException } = await import('@aws-sdk/client-dynamodb');
        return new TransactionCanceledException({
          message: `Transaction cancelled, please refer cancellation reasons for specific reasons [None, ${code}]`,
          $metadata: {},
          CancellationReasons: [{ Code: 'None' }, { Code: code, Message: 'arn:aws:dynamodb throughput' }],
        });
      },
    ]),
  ];

  for (const [name, fault] of throttles) {
    it(`${name} answers 503 BUSY with Retry-After, no internals`, async () => {
      injected = await fault();
      // A read and a transactional write (the matrix edit reads the order, then writes it in a transaction).
      const onlyWrites = name.startsWith('a transaction');
      let writes = 0;
      const { documentClient } = await import('../../functions/services.js');
      if (onlyWrites) {
        const fault = injected;
        injected = undefined;
        documentClient.middlewareStack.add(
          (next, context) => async (args) => {
            if (context.commandName === 'GetCommand' || context.commandName === 'GetItemCommand')
              return { output: { Item: orderItem() }, response: {} } as never;
            if (isBatchGet(context.commandName)) return orderBatchGet(args.input) as never;
            if (context.commandName?.startsWith('TransactWrite')) {
              writes++;
              throw fault;
            }
            return next(args);
          },
          { step: 'initialize', name: 'throttledWrites', priority: 'high' },
        );
      }
      try {
        const res = onlyWrites
          ? await handler(
              event('POST', '/v1/production-orders/PO-000001/matrix-edits', {
                baseVersion: 1,
                edits: [{ color: 'NAVY', size: 'S', from: 0, to: 5 }],
              }),
              ctx,
            )
          : await handler(event('GET', '/v1/production-orders/PO-000001'), ctx);
        expect(res.statusCode).toBe(503);
        expect((res as { headers?: Record<string, string> }).headers?.['retry-after']).toMatch(/^\d+$/);
        const body = JSON.parse(res.body!);
        expect(body).toEqual({ error: { code: 'BUSY', message: expect.any(String) }, requestId: 'req-1' });
        expect(res.body).not.toMatch(/arn:aws|throughput|Throttl|cancel/i);
        if (onlyWrites) expect(writes).toBe(1); // not retried as a lost race: throttling is no conflict
      } finally {
        injected = undefined;
        if (onlyWrites) documentClient.middlewareStack.remove('throttledWrites');
      }
    });
  }

  it('a transaction conflict that outlasts the retry budget answers 409 CONCURRENT_UPDATE, not 500', async () => {
    injected = undefined;
    const { TransactionCanceledException } = await import('@aws-sdk/client-dynamodb');
    const { RACE_RETRY, raceRetryStats } = await import('../../functions/api.js');
    const budget = RACE_RETRY.budgetMs;
    RACE_RETRY.budgetMs = 400;
    const giveUps = raceRetryStats.giveUps;
    let calls = 0;
    const { documentClient } = await import('../../functions/services.js');
    documentClient.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetCommand' || context.commandName === 'GetItemCommand') {
          calls++;
          return { output: { Item: orderItem() }, response: {} } as never;
        }
        // The order is read with the BOM its requirement uses (store.getOrder: one BatchGet).
        if (isBatchGet(context.commandName)) {
          calls++;
          return orderBatchGet(args.input) as never;
        }
        if (context.commandName?.startsWith('TransactWrite')) {
          throw new TransactionCanceledException({
            message: 'Transaction cancelled',
            $metadata: {},
            CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'conflicts', priority: 'high' },
    );
    try {
      const started = performance.now();
      const res = await handler(
        event('POST', '/v1/production-orders/PO-000001/matrix-edits', {
          baseVersion: 1,
          edits: [{ color: 'NAVY', size: 'S', from: 0, to: 5 }],
        }),
        ctx,
      );
      const took = performance.now() - started;
      expect(res.statusCode).toBe(409);
      expect(JSON.parse(res.body!).error.code).toBe('CONCURRENT_UPDATE');
      // read-decide-write ran again on each lost race, with growing waits, until the budget was spent
      expect(calls).toBeGreaterThan(3);
      expect(took).toBeGreaterThan(100);
      expect(took).toBeLessThan(400 + 500);
      expect(raceRetryStats.giveUps).toBe(giveUps + 1);
    } finally {
      RACE_RETRY.budgetMs = budget;
      documentClient.middlewareStack.remove('conflicts');
    }
  });

  it('a stuck connection fails fast: 503 BUSY within the SDK timeouts, not a hang until the Lambda timeout', async () => {
    injected = undefined;
    const { DYNAMO_TIMEOUTS } = await import('../../functions/store/db.js');
    try {
      const started = performance.now();
      const res = await handler(event('GET', '/v1/tech-packs/TP-000001'), ctx);
      const took = performance.now() - started;
      expect(res.statusCode).toBe(503);
      expect(JSON.parse(res.body!).error.code).toBe('BUSY');
      expect(took).toBeGreaterThanOrEqual(DYNAMO_TIMEOUTS.requestTimeout - 100);
      // the SDK's own attempts (3), each cut at requestTimeout, plus its short backoff
      expect(took).toBeLessThan(3 * DYNAMO_TIMEOUTS.requestTimeout + 5_000);
      expect(held.length).toBeGreaterThan(0);
    } finally {
      await closeEndpoint();
    }
  }, 30_000);

  it('an unreachable DynamoDB answers 500 INTERNAL with no internals', async () => {
    injected = undefined;
    const res = await handler(event('GET', '/v1/tech-packs/TP-000001'), ctx);
    expect(res.statusCode).toBe(500);
    const body = JSON.parse(res.body!);
    expect(body.error.code).toBe('INTERNAL');
    expect(res.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack|at .*\.ts|DynamoDB/i);
  }, 30_000);

  it('a body over the size limit answers 413 before any work', async () => {
    const res = await handler({ ...event('POST', '/v1/tech-packs'), body: 'x'.repeat(7 * 1024 * 1024) }, ctx);
    expect(res.statusCode).toBe(413);
    expect(JSON.parse(res.body!).error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

const isBatchGet = (name: string | undefined) => name === 'BatchGetCommand' || name === 'BatchGetItemCommand';

/** The answer to store.getOrder's BatchGet: the order and the BOM its requirement uses. */
function orderBatchGet(input: unknown) {
  const [table] = Object.keys((input as { RequestItems: Record<string, unknown> }).RequestItems);
  const bom = {
    pk: 'PO#PO-000001',
    sk: '#REQBOM',
    kind: 'RequirementBom',
    orderId: 'PO-000001',
    bom: [],
    bomRevision: 1,
    pinned: false,
    bomVersion: 1,
  };
  return { output: { Responses: { [table]: [orderItem(), bom] } }, response: {} };
}

function orderItem() {
  const now = '2026-01-01T00:00:00.000Z';
  return {
    pk: 'PO#PO-000001',
    sk: '#ENTITY',
    type: 'ProductionOrder',
    id: 'PO-000001',
    techPackId: 'TP-000001',
    styleCode: 'TS',
    state: 'Draft',
    version: 1,
    deliveryDate: null,
    matrix: { sizes: ['S'], colors: ['NAVY'], q: '' },
    total: 0,
    source: { type: 'commercial' },
    tolerance: { overPct: 5, underPct: 3 },
    batchPlan: { maxBatchQty: 500 },
    iqTemplate: null,
    notes: '',
    releasedBomRevision: null,
    progress: { batched: '', produced: '', rejected: '' },
    createdAt: now,
    createdBy: 'a',
    updatedAt: now,
    updatedBy: 'a',
  };
}
