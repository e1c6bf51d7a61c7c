// What callers see when AWS misbehaves: the real handler, with faults injected into its real SDK
// client (throttling, a transaction conflict, a dead endpoint). Nothing internal leaks into a 5xx.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { gatewayEvent } from '../../infra/local/server.js';

// The handler's clients read their configuration at load: an endpoint nothing listens on.
process.env.DYNAMODB_ENDPOINT = 'http://127.0.0.1:9';
process.env.TABLE_NAME = 'faults';
process.env.LOG_LEVEL = 'ERROR';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let handler: (e: APIGatewayProxyEventV2, c: Context) => Promise<{ statusCode?: number; body?: string }>;
let injected: Error | undefined;

beforeAll(async () => {
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
  it('throttling answers 503 BUSY', async () => {
    injected = named('ProvisionedThroughputExceededException', 'Rate of requests exceeds the allowed throughput for table arn:aws:dynamodb:eu-west-1:123:table/x');
    const res = await handler(event('GET', '/v1/production-orders/PO-000001'), ctx);
    expect(res.statusCode).toBe(503);
    const body = JSON.parse(res.body!);
    expect(body).toEqual({ error: { code: 'BUSY', message: expect.any(String) }, requestId: 'req-1' });
    expect(res.body).not.toContain('arn:aws');
  });

  it('a transaction conflict that outlasts the retries answers 409 CONCURRENT_UPDATE, not 500', async () => {
    injected = undefined;
    const { TransactionCanceledException } = await import('@aws-sdk/client-dynamodb');
    let calls = 0;
    const { documentClient } = await import('../../functions/services.js');
    documentClient.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetCommand' || context.commandName === 'GetItemCommand') {
          calls++;
          return { output: { Item: orderItem() }, response: {} } as never;
        }
        // The order is read with the BOM its requirement uses (store.getOrder: one BatchGet).
        if (context.commandName === 'BatchGetCommand' || context.commandName === 'BatchGetItemCommand') {
          calls++;
          const [table] = Object.keys((args.input as { RequestItems: Record<string, unknown> }).RequestItems);
          const bom = { pk: 'PO#PO-000001', sk: '#REQBOM', kind: 'RequirementBom', orderId: 'PO-000001', bom: [], bomRevision: 1, pinned: false, bomVersion: 1 };
          return { output: { Responses: { [table]: [orderItem(), bom] } }, response: {} } as never;
        }
        if (context.commandName?.startsWith('TransactWrite')) {
          throw new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }] });
        }
        return next(args);
      },
      { step: 'initialize', name: 'conflicts', priority: 'high' },
    );
    const res = await handler(event('POST', '/v1/production-orders/PO-000001/matrix-edits', { baseVersion: 1, edits: [{ color: 'NAVY', size: 'S', from: 0, to: 5 }] }), ctx);
    expect(res.statusCode, res.body).toBe(409);
    expect(JSON.parse(res.body!).error.code).toBe('CONCURRENT_UPDATE');
    expect(calls).toBe(5); // read-decide-write ran again on each lost race, then gave up
    documentClient.middlewareStack.remove('conflicts');
  });

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

function orderItem() {
  const now = '2026-01-01T00:00:00.000Z';
  return {
    pk: 'PO#PO-000001', sk: '#ENTITY', type: 'ProductionOrder', id: 'PO-000001', techPackId: 'TP-000001', styleCode: 'TS', state: 'Draft', version: 1,
    deliveryDate: null, matrix: { sizes: ['S'], colors: ['NAVY'], q: '' }, total: 0, source: { type: 'commercial' },
    tolerance: { overPct: 5, underPct: 3 }, batchPlan: { maxBatchQty: 500 }, iqTemplate: null, notes: '', releasedBomRevision: null,
    progress: { batched: '', produced: '', rejected: '' }, createdAt: now, createdBy: 'a', updatedAt: now, updatedBy: 'a',
  };
}
