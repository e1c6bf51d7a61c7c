// The replenishment job through POST /v1/replenishment/run (and once through the Lambda handler).
// A run covers every low style in the table, other test files' too: each test only looks at its own
// styles. It runs with the serial files (vitest.config.ts), not beside the parallel ones: a run in
// another file (idempotency.test.ts) would otherwise order for this file's styles between its stock
// push and its own run, which then rightly creates nothing. Rules that need other factory settings
// are in replenishment.serial.test.ts.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { api, tokens } from '../support/api.js';
import { createOrder, createTechPack, matrix, transition } from '../support/fixtures.js';
import { createDocumentClient, Db } from '../../functions/store/db.js';
import { keys } from '../../functions/store/keys.js';

let t: Awaited<ReturnType<typeof tokens>>;
beforeAll(async () => {
  t = await tokens();
});

interface Skip {
  techPackId: string;
  reason: string;
  orderId?: string;
}
interface RunAnswer {
  created: string[];
  skipped: Skip[];
  examined: number;
}

const cell = (color: string, size: string, onHand: number, reorderPoint = 10, target = 40) => ({
  color,
  size,
  onHand,
  reorderPoint,
  target,
});

async function push(techPackId: string, cells: unknown[]) {
  const res = await api('PUT', `/v1/stock/${techPackId}`, { token: t.logistics, body: { cells } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function run(token = t.admin): Promise<RunAnswer> {
  const res = await api('POST', '/v1/replenishment/run', { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function ordersOf(techPackId: string) {
  const res = await api('GET', `/v1/production-orders?techPackId=${techPackId}&limit=100`, { token: t.viewer });
  return res.body.items as {
    id: string;
    state: string;
    source: { type: string };
    matrix: unknown;
    total: number;
    notes: string;
  }[];
}

/** The run's outcome for one style: the order it created, or why it skipped it. */
async function outcomeFor(result: RunAnswer, techPackId: string) {
  const skipped = result.skipped.filter((s) => s.techPackId === techPackId);
  const mine = new Set((await ordersOf(techPackId)).map((o) => o.id));
  const created = result.created.filter((id) => mine.has(id));
  return { created, skipped };
}

describe('a replenishment run', () => {
  it('orders target - onHand on the cells below their reorder point, not the ones at it', async () => {
    const tp = await createTechPack(t.commercial);
    await push(tp.id, [cell('NAVY', 'S', 3), cell('NAVY', 'M', 10), cell('RED', 'L', 0, 5, 25), cell('RED', 'S', 50)]);
    const result = await run();
    const { created, skipped } = await outcomeFor(result, tp.id);
    expect(skipped).toEqual([]);
    expect(created).toHaveLength(1);
    const order = (await api('GET', `/v1/production-orders/${created[0]}`, { token: t.viewer })).body;
    // due the default lead time of 28 days after the run: never without a date
    const due = new Date(Date.parse(order.createdAt.slice(0, 10)) + 28 * 86_400_000).toISOString().slice(0, 10);
    expect(order).toMatchObject({
      techPackId: tp.id,
      state: 'Draft',
      version: 1,
      source: { type: 'replenishment' },
      deliveryDate: due,
      createdBy: 'admin@example.com',
      matrix: matrix(
        [
          [37, 0],
          [0, 25],
        ],
        ['S', 'L'],
      ),
      total: 62,
    });
    expect(order.notes).toContain('NAVY/S: 40 - 3 - 0 = 37');
    expect((await api('GET', `/v1/stock/${tp.id}`, { token: t.viewer })).body.openReplenishmentOrderId).toBe(
      created[0],
    );
  });

  it('leaves alone a style whose cells are all at or above their reorder points', async () => {
    const tp = await createTechPack(t.commercial);
    await push(tp.id, [cell('NAVY', 'S', 10), cell('RED', 'M', 11)]);
    const result = await run();
    expect(await outcomeFor(result, tp.id)).toEqual({ created: [], skipped: [] });
    expect(await ordersOf(tp.id)).toEqual([]);
  });

  it('subtracts what open stock orders will still bring; finished and made-to-order ones bring nothing', async () => {
    const tp = await createTechPack(t.commercial, 'ProductionReady');
    await push(tp.id, [cell('NAVY', 'S', 0, 10, 40), cell('RED', 'M', 0, 10, 40)]);
    await createOrder(t.planner, tp.id, {
      matrix: matrix([
        [15, 0, 0],
        [0, 0, 0],
      ]),
    });
    const cancelled = await createOrder(t.planner, tp.id, {
      matrix: matrix([
        [5, 0, 0],
        [0, 9, 0],
      ]),
    });
    await transition(t.planner, cancelled.id, { action: 'cancel', reason: 'test' });
    // a sales order's production order: already sold, it does not refill the shelf
    const so = (
      await api('POST', '/v1/sales-orders', {
        token: t.commercial,
        body: {
          customer: 'ACME',
          techPackId: tp.id,
          matrix: matrix([
            [0, 0, 0],
            [0, 30, 0],
          ]),
        },
      })
    ).body;
    await api('POST', `/v1/sales-orders/${so.id}/transitions`, { token: t.commercial, body: { to: 'Sent' } });
    await api('POST', `/v1/sales-orders/${so.id}/transitions`, { token: t.commercial, body: { to: 'Accepted' } });
    expect((await api('POST', `/v1/sales-orders/${so.id}/production-orders`, { token: t.commercial })).status).toBe(
      201,
    );

    const { created } = await outcomeFor(await run(), tp.id);
    expect(created).toHaveLength(1);
    const order = (await api('GET', `/v1/production-orders/${created[0]}`, { token: t.viewer })).body;
    expect(order.matrix).toEqual(
      matrix(
        [
          [25, 0],
          [0, 40],
        ],
        ['S', 'M'],
      ),
    );
  });

  it('skips a style whose low cells open orders already cover', async () => {
    const tp = await createTechPack(t.commercial);
    await push(tp.id, [cell('NAVY', 'S', 5, 10, 40)]);
    await createOrder(t.planner, tp.id, {
      matrix: matrix([
        [35, 0, 0],
        [0, 0, 0],
      ]),
    });
    const { created, skipped } = await outcomeFor(await run(), tp.id);
    expect(created).toEqual([]);
    expect(skipped).toMatchObject([{ techPackId: tp.id, reason: 'COVERED_BY_OPEN_ORDERS' }]);
  });

  it('creates nothing on a rerun while the replenishment order is open, and again once it is cancelled', async () => {
    const tp = await createTechPack(t.commercial);
    await push(tp.id, [cell('NAVY', 'S', 1)]);
    const first = await outcomeFor(await run(), tp.id);
    expect(first.created).toHaveLength(1);
    const orderId = first.created[0];

    const rerun = await outcomeFor(await run(t.system), tp.id);
    expect(rerun.created).toEqual([]);
    expect(rerun.skipped).toMatchObject([{ techPackId: tp.id, reason: 'OPEN_REPLENISHMENT_ORDER', orderId }]);

    // the warehouse pushes again: still one open replenishment order, still nothing new
    await push(tp.id, [cell('NAVY', 'S', 0)]);
    expect((await outcomeFor(await run(), tp.id)).created).toEqual([]);

    await transition(t.planner, orderId, { action: 'cancel', reason: 'made elsewhere' });
    const after = await outcomeFor(await run(), tp.id);
    expect(after.created).toHaveLength(1);
    expect(after.created[0]).not.toBe(orderId);
    expect((await ordersOf(tp.id)).filter((o) => o.state === 'Draft')).toHaveLength(1);
  });

  it('an open replenishment order blocks the style even when the stock item lost its marker', async () => {
    const tp = await createTechPack(t.commercial);
    await push(tp.id, [cell('NAVY', 'S', 1)]);
    const { created } = await outcomeFor(await run(), tp.id);
    expect(created).toHaveLength(1);
    // Second line of defence: the style's open orders are read before writing, and an open
    // replenishment order among them blocks the style whatever the marker says.
    const db = new Db(createDocumentClient(inject('dynamoEndpoint')), inject('tableName'));
    await db.update({ Key: keys.stock(tp.id), UpdateExpression: 'REMOVE openReplenishmentOrderId' });
    const again = await outcomeFor(await run(), tp.id);
    expect(again.created).toEqual([]);
    expect(again.skipped).toMatchObject([{ reason: 'OPEN_REPLENISHMENT_ORDER', orderId: created[0] }]);
  });

  it('concurrent runs create no duplicates', async () => {
    const tps = await Promise.all([
      createTechPack(t.commercial),
      createTechPack(t.commercial),
      createTechPack(t.commercial),
    ]);
    for (const tp of tps) await push(tp.id, [cell('NAVY', 'S', 2), cell('RED', 'L', 1)]);
    const results = await Promise.all(Array.from({ length: 4 }, (_, i) => run(i % 2 ? t.system : t.admin)));
    for (const tp of tps) {
      const orders = (await ordersOf(tp.id)).filter((o) => o.source.type === 'replenishment');
      expect(orders, tp.id).toHaveLength(1);
      const outcomes = await Promise.all(results.map((r) => outcomeFor(r, tp.id)));
      expect(outcomes.flatMap((o) => o.created)).toEqual([orders[0].id]);
      for (const o of outcomes.filter((x) => x.created.length === 0)) {
        expect(o.skipped).toHaveLength(1);
        expect(['OPEN_REPLENISHMENT_ORDER', 'CONCURRENT_RUN']).toContain(o.skipped[0].reason);
      }
    }
  });

  it('is for admin and system only', async () => {
    for (const token of [t.planner, t.commercial, t.logistics, t.viewer]) {
      expect((await api('POST', '/v1/replenishment/run', { token })).status).toBe(403);
    }
  });

  it('the scheduled Lambda handler runs the same job', async () => {
    const tp = await createTechPack(t.commercial);
    await push(tp.id, [cell('RED', 'M', 0)]);
    process.env.TABLE_NAME = inject('tableName');
    process.env.DYNAMODB_ENDPOINT = inject('dynamoEndpoint');
    process.env.AWS_REGION ??= 'local';
    process.env.LOG_LEVEL = 'ERROR';
    const { handler } = await import('../../functions/replenishment.js');
    const result = await handler({ source: 'aws.scheduler' }, { getRemainingTimeInMillis: () => 120_000 });
    const { created } = await outcomeFor(result as unknown as RunAnswer, tp.id);
    expect(created).toHaveLength(1);
    const order = (await api('GET', `/v1/production-orders/${created[0]}`, { token: t.viewer })).body;
    expect(order).toMatchObject({ source: { type: 'replenishment' }, createdBy: 'replenishment-schedule', total: 40 });
  });
});
