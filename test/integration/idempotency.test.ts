// Idempotency exactly once: the real handler, in this process, on the run's DynamoDB Local table,
// with failures injected into its real SDK client between the steps (claim, write, completion). A
// retry with the same key and body never writes twice and answers the first response.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { gatewayEvent } from '../../infra/local/server.js';
import { api, tokens } from '../support/api.js';
import { createOrder, createTechPack, matrix, transition } from '../support/fixtures.js';

type Answer = { statusCode?: number; headers?: Record<string, string>; body?: string };
let handler: (e: APIGatewayProxyEventV2, c: Context) => Promise<Answer>;
let t: Awaited<ReturnType<typeof tokens>>;

/** What the injected fault does to the next TransactWriteItems, and to everything after it. */
let fault: 'none' | 'dieAfterWrite' | 'dieBeforeWrite' | 'failBeforeWrite' | 'stealClaim' = 'none';
let dead = false;
let holdWrite: Promise<void> | undefined;
const sent: string[] = [];

class Killed extends Error {}

beforeAll(async () => {
  process.env.DYNAMODB_ENDPOINT = inject('dynamoEndpoint');
  process.env.TABLE_NAME = inject('tableName');
  process.env.LOG_LEVEL = 'CRITICAL';
  ({ handler } = (await import('../../functions/api.js')) as never);
  const { documentClient, config } = await import('../../functions/services.js');
  const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
  documentClient.middlewareStack.add(
    (next, context) => async (args) => {
      // A killed process sends nothing more.
      if (dead) throw new Killed('the process was killed');
      const command = context.commandName ?? '';
      sent.push(command);
      if (command !== 'TransactWriteItemsCommand') return next(args);
      if (holdWrite) await holdWrite;
      const now = fault;
      fault = 'none';
      if (now === 'dieBeforeWrite') {
        dead = true;
        throw new Killed('the process was killed before its write');
      }
      if (now === 'failBeforeWrite') throw new Error('socket hang up');
      if (now === 'stealClaim') {
        // The claim lapsed meanwhile and a retry took it over (its own token).
        const items = (args.input as { TransactItems: { Update?: { Key: Record<string, unknown> } }[] }).TransactItems;
        const claimKey = items[items.length - 1].Update!.Key;
        await documentClient.send(
          new UpdateCommand({
            TableName: config.tableName,
            Key: claimKey,
            UpdateExpression: 'SET claimToken = :x',
            ExpressionAttributeValues: { ':x': 'someone-else' },
          }),
        );
      }
      const out = await next(args);
      if (now === 'dieAfterWrite') {
        dead = true;
        throw new Killed('the process was killed right after its write');
      }
      return out;
    },
    { step: 'initialize', name: 'injectIdempotencyFault' },
  );
  t = await tokens();
});

let request = 0;
function call(path: string, body: unknown, key: string): Promise<Answer> {
  request += 1;
  const requestId = `idem-${process.pid}-${request}`;
  const event = gatewayEvent({
    method: 'POST',
    url: new URL(path, 'http://localhost'),
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
    requestId,
    claims: { email: 'ines@example.com', roles: ['planner', 'commercial'], iss: 'garmentflow-local' },
  });
  const ctx = { awsRequestId: requestId, getRemainingTimeInMillis: () => 10_000 } as unknown as Context;
  return handler(event, ctx);
}

/** The process is restarted: what it sends reaches DynamoDB again. */
function restart() {
  dead = false;
  fault = 'none';
}

const json = (a: Answer) => JSON.parse(a.body ?? 'null');

async function ordersOf(techPackId: string): Promise<{ id: string; version: number }[]> {
  const res = await api('GET', `/v1/production-orders?techPackId=${techPackId}`, { token: t.viewer });
  expect(res.status).toBe(200);
  return res.body.items;
}

async function historyOf(orderId: string): Promise<{ action: string }[]> {
  const res = await api('GET', `/v1/production-orders/${orderId}/history`, { token: t.viewer });
  expect(res.status).toBe(200);
  return res.body.items;
}

const orderBody = (techPackId: string) => ({
  techPackId,
  deliveryDate: '2027-02-01',
  matrix: matrix([
    [1, 2, 3],
    [4, 5, 6],
  ]),
});

describe('idempotency exactly once', () => {
  it('killed right after the write: the retry writes nothing and answers the first response', async () => {
    const tp = await createTechPack(t.commercial, 'ProductionReady');
    const key = `kill-after-${tp.id}`;
    fault = 'dieAfterWrite';
    const first = await call('/v1/production-orders', orderBody(tp.id), key);
    expect(first.statusCode).toBe(500);
    restart();
    const [written] = await ordersOf(tp.id);
    expect(written).toBeDefined();

    const retry = await call('/v1/production-orders', orderBody(tp.id), key);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers?.['idempotent-replayed']).toBe('true');
    expect(retry.headers?.location).toBe(`/v1/production-orders/${written.id}`);
    expect(retry.headers?.etag).toBe('"1"');
    const answered = json(retry);
    expect(answered.id).toBe(written.id);
    expect(answered).toEqual((await api('GET', `/v1/production-orders/${written.id}`, { token: t.viewer })).body);
    expect(await ordersOf(tp.id)).toHaveLength(1);

    // Same key, another body: 422; the order is still the one.
    const other = await call('/v1/production-orders', { ...orderBody(tp.id), deliveryDate: '2027-02-02' }, key);
    expect(other.statusCode).toBe(422);
    expect(json(other).error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await ordersOf(tp.id)).toHaveLength(1);
  });

  it('a transition killed right after its write is not applied twice (one history entry)', async () => {
    const tp = await createTechPack(t.commercial, 'ProductionReady');
    const created = await call('/v1/production-orders', orderBody(tp.id), `open-${tp.id}`);
    expect(created.statusCode).toBe(201);
    const id = json(created).id;
    const path = `/v1/production-orders/${id}/matrix-edits`;
    const body = { baseVersion: 1, edits: [{ color: 'NAVY', size: 'S', from: 1, to: 9 }] };
    fault = 'dieAfterWrite';
    expect((await call(path, body, `edit-${id}`)).statusCode).toBe(500);
    restart();
    const retry = await call(path, body, `edit-${id}`);
    expect(retry.statusCode).toBe(200);
    expect(retry.headers?.['idempotent-replayed']).toBe('true');
    expect(json(retry)).toMatchObject({ id, version: 2 });
    expect(json(retry).matrix.quantities[0][0]).toBe(9);
    expect((await historyOf(id)).map((h) => h.action)).toEqual(['create', 'matrixEdit']);
  });

  it('killed before the write: nothing written, the key stays busy (409) while its claim holds', async () => {
    const tp = await createTechPack(t.commercial, 'ProductionReady');
    const key = `kill-before-${tp.id}`;
    fault = 'dieBeforeWrite';
    expect((await call('/v1/production-orders', orderBody(tp.id), key)).statusCode).toBe(500);
    restart();
    expect(await ordersOf(tp.id)).toHaveLength(0);
    const retry = await call('/v1/production-orders', orderBody(tp.id), key);
    expect(retry.statusCode).toBe(409);
    expect(json(retry).error.code).toBe('IDEMPOTENCY_IN_FLIGHT');
    expect(await ordersOf(tp.id)).toHaveLength(0);
  });

  it('a write that failed before reaching DynamoDB releases the key: the retry writes once', async () => {
    const tp = await createTechPack(t.commercial, 'ProductionReady');
    const key = `fail-before-${tp.id}`;
    fault = 'failBeforeWrite';
    expect((await call('/v1/production-orders', orderBody(tp.id), key)).statusCode).toBe(500);
    expect(await ordersOf(tp.id)).toHaveLength(0);
    const retry = await call('/v1/production-orders', orderBody(tp.id), key);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers?.['idempotent-replayed']).toBeUndefined();
    const again = await call('/v1/production-orders', orderBody(tp.id), key);
    expect(again.statusCode).toBe(201);
    expect(again.headers?.['idempotent-replayed']).toBe('true');
    expect(json(again)).toEqual(json(retry));
    expect(await ordersOf(tp.id)).toHaveLength(1);
  });

  it('a claim taken over by another request meanwhile: the write does not land (409)', async () => {
    const tp = await createTechPack(t.commercial, 'ProductionReady');
    fault = 'stealClaim';
    const res = await call('/v1/production-orders', orderBody(tp.id), `stolen-${tp.id}`);
    expect(res.statusCode).toBe(409);
    expect(json(res).error.code).toBe('IDEMPOTENCY_IN_FLIGHT');
    expect(await ordersOf(tp.id)).toHaveLength(0);
  });

  it('same key while the first is still running: 409; then the first answer', async () => {
    const tp = await createTechPack(t.commercial, 'ProductionReady');
    const key = `running-${tp.id}`;
    let release!: () => void;
    holdWrite = new Promise<void>((r) => (release = r));
    sent.length = 0;
    const first = call('/v1/production-orders', orderBody(tp.id), key);
    while (!sent.includes('TransactWriteItemsCommand')) await new Promise((r) => setTimeout(r, 10));
    const during = await call('/v1/production-orders', orderBody(tp.id), key);
    holdWrite = undefined;
    release();
    expect(during.statusCode).toBe(409);
    expect(json(during).error.code).toBe('IDEMPOTENCY_IN_FLIGHT');
    const done = await first;
    expect(done.statusCode).toBe(201);
    const after = await call('/v1/production-orders', orderBody(tp.id), key);
    expect(after.headers?.['idempotent-replayed']).toBe('true');
    expect(json(after)).toEqual(json(done));
    expect(await ordersOf(tp.id)).toHaveLength(1);
  });

  it('a route whose answer comes after the write: killed in between, the retry writes nothing (409)', async () => {
    // Generating batches answers the batches it made (not one entity): the transaction marks the key written.
    const tp = await createTechPack(t.commercial, 'ProductionReady');
    const o = await createOrder(t.planner, tp.id, {
      matrix: matrix([
        [3, 3, 3],
        [0, 0, 0],
      ]),
      batchPlan: { maxBatchQty: 5 },
      tolerance: { overPct: 50, underPct: 3 },
    });
    for (const action of ['plan', 'release']) expect((await transition(t.planner, o.id, { action })).status).toBe(200);
    const path = `/v1/production-orders/${o.id}/batches/generate`;
    const batches = async () =>
      (await api('GET', `/v1/production-orders/${o.id}/batches`, { token: t.viewer })).body.items;
    fault = 'dieAfterWrite';
    expect((await call(path, {}, `gen-${o.id}`)).statusCode).toBe(500);
    restart();
    expect(await batches()).toHaveLength(2);
    const retry = await call(path, {}, `gen-${o.id}`);
    expect(retry.statusCode).toBe(409);
    expect(json(retry).error.code).toBe('IDEMPOTENCY_RESPONSE_LOST');
    expect(await batches()).toHaveLength(2);

    // Not killed: the answer is stored right after the write, and replayed.
    const one = {
      matrix: matrix([
        [1, 0, 0],
        [0, 0, 0],
      ]),
    };
    const more = await call(`/v1/production-orders/${o.id}/batches`, one, `b-${o.id}`);
    expect(more.statusCode, more.body).toBe(201);
    const replay = await call(`/v1/production-orders/${o.id}/batches`, one, `b-${o.id}`);
    expect(replay.headers?.['idempotent-replayed']).toBe('true');
    expect(json(replay)).toEqual(json(more));
    expect(await batches()).toHaveLength(3);
  });
});
