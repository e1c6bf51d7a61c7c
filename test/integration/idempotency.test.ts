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
/** Only a TransactWriteItems whose input mentions this (undefined: the next one). */
let faultOn: string | undefined;
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
      if (faultOn && !JSON.stringify(args.input).includes(faultOn)) return next(args);
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
const CALLER = 'ines@example.com';
function call(path: string, body: unknown, key: string, roles = ['planner', 'commercial']): Promise<Answer> {
  request += 1;
  const requestId = `idem-${process.pid}-${request}`;
  const event = gatewayEvent({
    method: 'POST',
    url: new URL(path, 'http://localhost'),
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: body === undefined ? undefined : JSON.stringify(body),
    requestId,
    claims: { email: CALLER, roles, iss: 'garmentflow-local' },
  });
  const ctx = { awsRequestId: requestId, getRemainingTimeInMillis: () => 10_000 } as unknown as Context;
  return handler(event, ctx);
}

/** The process is restarted: what it sends reaches DynamoDB again. */
function restart() {
  dead = false;
  fault = 'none';
  faultOn = undefined;
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

  // Every POST route names its answer before its write (answerWith), so the key's completion rides in
  // the write's own transaction: killed right after that write, the retry replays the answer.
  it('every other write route, killed right after its write: the retry replays its answer', async () => {
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
    const base = `/v1/production-orders/${o.id}`;
    const batches = async () => (await api('GET', `${base}/batches`, { token: t.viewer })).body.items;
    const order = async () => (await api('GET', base, { token: t.viewer })).body;

    const generated = await killedThenReplayed(`${base}/batches/generate`, {}, `gen-${o.id}`, 201);
    expect(generated.items).toHaveLength(2);
    expect(generated.items).toEqual(await batches());
    expect(generated.order).toEqual(await order());

    const one = {
      matrix: matrix([
        [1, 0, 0],
        [0, 0, 0],
      ]),
    };
    const made = await killedThenReplayed(`${base}/batches`, one, `b-${o.id}`, 201);
    expect(await batches()).toHaveLength(3);
    expect((await batches())[2]).toEqual(made);

    // The first start: the batch's history entry and the order's (it moves to InProgress), once.
    const version = (await order()).version;
    const before = (await historyOf(o.id)).length;
    const path = `${base}/batches/${made.id}/transitions`;
    const started = await killedThenReplayed(path, { action: 'start' }, `start-${made.id}`, 200);
    expect(started).toMatchObject({ id: made.id, state: 'Running' });
    expect((await order()).version).toBe(version + 1);
    expect((await order()).state).toBe('InProgress');
    expect(await historyOf(o.id)).toHaveLength(before + 2);
  });

  it('IQ templates and inspections, killed right after the write: replayed, written once', async () => {
    const code = `IQ-IDEM-${process.pid}-${Date.now()}`;
    const template = await killedThenReplayed(
      '/v1/iq-templates',
      { code, name: 'Knits', aql: { major: 2.5, minor: 4 } },
      `iq-${code}`,
      201,
    );
    expect(template).toMatchObject({ code, version: 1 });
    expect((await api('GET', `/v1/iq-templates/${code}`, { token: t.viewer })).body).toEqual(template);

    const tp = await createTechPack(t.commercial, 'ProductionReady', { iqTemplate: code });
    const o = await createOrder(t.planner, tp.id, {
      matrix: matrix([
        [100, 0, 0],
        [0, 0, 0],
      ]),
    });
    for (const action of ['plan', 'release']) expect((await transition(t.planner, o.id, { action })).status).toBe(200);
    const base = `/v1/production-orders/${o.id}`;
    const batch = await api('POST', `${base}/batches`, {
      token: t.planner,
      body: { matrix: matrix([[100]], ['S'], ['NAVY']) },
    });
    expect(batch.status, JSON.stringify(batch.body)).toBe(201);
    const batchPath = `${base}/batches/${batch.body.id}`;
    expect(
      (await api('POST', `${batchPath}/transitions`, { token: t.planner, body: { action: 'start' } })).status,
    ).toBe(200);
    const inspected = await killedThenReplayed(
      `${batchPath}/inspections`,
      { majorDefects: 0, minorDefects: 0, inspector: 'Quinn' },
      `insp-${batch.body.id}`,
      201,
    );
    expect(inspected).toMatchObject({ number: 1, result: 'pass' });
    const listed = (await api('GET', `${batchPath}/inspections`, { token: t.viewer })).body.items;
    expect(listed).toEqual([inspected]);
  });

  it('a materials refresh killed right after its write: the retry replays the summary', async () => {
    const tp = await createTechPack(t.commercial, 'ProductionReady');
    const created = await call('/v1/production-orders', orderBody(tp.id), `mat-open-${tp.id}`);
    expect(created.statusCode).toBe(201);
    const path = `/v1/production-orders/${json(created).id}/materials`;
    const summary = await killedThenReplayed(`${path}/refresh`, undefined, `mat-${tp.id}`, 200);
    expect(summary).toEqual((await api('GET', path, { token: t.viewer })).body);
  });

  it('a replenishment run (many transactions) killed mid-run: the retry runs again and orders once', async () => {
    // No single transaction can carry a run's answer (one per order; functions/handlers/stock.ts):
    // the run is idempotent by itself, its claim lapses, and the retry creates only what is missing.
    const tp = await createTechPack(t.commercial, 'ProductionReady');
    const stock = await api('PUT', `/v1/stock/${tp.id}`, {
      token: t.logistics,
      body: { cells: [{ color: 'NAVY', size: 'M', onHand: 2, reorderPoint: 5, target: 30 }] },
    });
    expect(stock.status, JSON.stringify(stock.body)).toBe(200);
    const key = `run-${tp.id}`;
    fault = 'dieAfterWrite';
    faultOn = tp.id;
    expect((await call('/v1/replenishment/run', undefined, key, ['admin'])).statusCode).toBe(500);
    restart();
    const [written, ...more] = await ordersOf(tp.id);
    expect(written).toBeDefined();
    expect(more).toEqual([]);
    // While the dead request's claim holds, the key is busy (retryable), never RESPONSE_LOST.
    const busy = await call('/v1/replenishment/run', undefined, key, ['admin']);
    expect(busy.statusCode).toBe(409);
    expect(json(busy).error.code).toBe('IDEMPOTENCY_IN_FLIGHT');
    await lapseClaim(key);
    const retry = await call('/v1/replenishment/run', undefined, key, ['admin']);
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.headers?.['idempotent-replayed']).toBeUndefined();
    expect(json(retry).created).not.toContain(written.id);
    expect(json(retry).skipped).toContainEqual(expect.objectContaining({ techPackId: tp.id, orderId: written.id }));
    expect(await ordersOf(tp.id)).toHaveLength(1);
    const again = await call('/v1/replenishment/run', undefined, key, ['admin']);
    expect(again.headers?.['idempotent-replayed']).toBe('true');
    expect(json(again)).toEqual(json(retry));
  });
});

/** POSTs `body` with `key`, killed right after its write; then the retry: the first answer, replayed. */
async function killedThenReplayed(path: string, body: unknown, key: string, status: number): Promise<any> {
  fault = 'dieAfterWrite';
  expect((await call(path, body, key)).statusCode).toBe(500);
  restart();
  const retry = await call(path, body, key);
  expect(retry.statusCode, `${path}: ${retry.body}`).toBe(status);
  expect(retry.headers?.['idempotent-replayed'], path).toBe('true');
  return json(retry);
}

/** The dead request's claim runs out (as after IN_FLIGHT_SECONDS), without waiting for it. */
async function lapseClaim(key: string) {
  const { documentClient, config } = await import('../../functions/services.js');
  const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
  const { idempotencyEntity } = await import('../../functions/store/entities.js');
  await documentClient.send(
    new UpdateCommand({
      TableName: config.tableName,
      Key: idempotencyEntity.key(CALLER, key),
      UpdateExpression: 'SET lockedUntil = :past',
      ExpressionAttributeValues: { ':past': 0 },
    }),
  );
}
