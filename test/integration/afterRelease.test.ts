// After release the plan still moves, on the record (issue 14): amend (matrix-edits and PATCH with a
// reason, never below batched) and re-promise (PATCH deliveryDate with a reason), over HTTP against
// DynamoDB Local: the order, its history, its materials and requirement, its sales order's coverage
// and the events all follow.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { api, tokens } from '../support/api.js';
import { createOrder, createTechPack, matrix, transition } from '../support/fixtures.js';

let t: Awaited<ReturnType<typeof tokens>>;
beforeAll(async () => {
  t = await tokens();
});

const ok = async (p: Promise<{ status: number; body: any }>, status = 200) => {
  const res = await p;
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
};

async function releasedOrder(q: number[][], extra: Record<string, unknown> = {}) {
  const tp = await createTechPack(t.commercial, 'ProductionReady');
  const o = await createOrder(t.planner, tp.id, { matrix: matrix(q), ...extra });
  await ok(transition(t.planner, o.id, { action: 'plan' }));
  const released = await ok(transition(t.planner, o.id, { action: 'release' }));
  return { tp, order: released };
}

const edits = (id: string, body: unknown) =>
  api('POST', `/v1/production-orders/${id}/matrix-edits`, { token: t.planner, body });
const patch = (id: string, version: number, body: unknown) =>
  api('PATCH', `/v1/production-orders/${id}`, { token: t.planner, body, headers: { 'if-match': `"${version}"` } });
const history = async (id: string) =>
  (await ok(api('GET', `/v1/production-orders/${id}/history?limit=100`, { token: t.viewer }))).items;

function eventsOf(orderId: string) {
  const file = path.join(inject('dataDir'), 'events.ndjson');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((e) => e.detail.id === orderId);
}

async function eventsUntil(orderId: string, done: (e: any[]) => boolean) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const events = eventsOf(orderId);
    if (done(events) || Date.now() > deadline) return events;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('amend after release', () => {
  it('matrix-edits on a Released order needs a reason: 400 naming reason, nothing written', async () => {
    const { order } = await releasedOrder([
      [0, 10, 0],
      [0, 0, 0],
    ]);
    const res = await edits(order.id, {
      baseVersion: order.version,
      edits: [{ color: 'NAVY', size: 'M', from: 10, to: 12 }],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['reason']);
    const now = await ok(api('GET', `/v1/production-orders/${order.id}`, { token: t.viewer }));
    expect(now.version).toBe(order.version);
  });

  it('amends with a reason: history with the changed cells, progress kept, materials and requirement follow', async () => {
    const { order } = await releasedOrder([
      [0, 100, 0],
      [0, 0, 50],
    ]);
    const batch = await ok(
      api('POST', `/v1/production-orders/${order.id}/batches`, {
        token: t.planner,
        body: {
          matrix: matrix([
            [0, 60, 0],
            [0, 0, 0],
          ]),
        },
      }),
      201,
    );
    expect(batch.total).toBe(60);
    const before = await ok(api('GET', `/v1/production-orders/${order.id}`, { token: t.viewer }));
    const amended = await ok(
      edits(order.id, {
        baseVersion: before.version,
        reason: 'buyer added 20 NAVY/M, dropped RED/L to 30',
        edits: [
          { color: 'NAVY', size: 'M', from: 100, to: 120 },
          { color: 'RED', size: 'L', from: 50, to: 30 },
        ],
      }),
    );
    expect(amended).toMatchObject({ state: 'Released', version: before.version + 1, total: 150 });
    expect(amended.matrix.quantities).toEqual([
      [0, 120, 0],
      [0, 0, 30],
    ]);
    // Batched garments are still batched (an editable order's edits start progress afresh; an amendment does not).
    expect(amended.progress.batched.quantities).toEqual([
      [0, 60, 0],
      [0, 0, 0],
    ]);
    const last = (await history(order.id)).at(-1);
    expect(last).toMatchObject({
      action: 'amend',
      reason: 'buyer added 20 NAVY/M, dropped RED/L to 30',
      from: 'Released',
      to: 'Released',
      details: {
        amendment: true,
        cells: 2,
        changes: [
          { color: 'NAVY', size: 'M', from: 100, to: 120 },
          { color: 'RED', size: 'L', from: 50, to: 30 },
        ],
      },
    });
    // The pinned summary from the release snapshot, for the new quantities: NAVY 120 x 1.2 = 144 m, +5% = 151.2;
    // RED 30 x 1.35 = 40.5 m, +5% = 42.525.
    const materials = await ok(api('GET', `/v1/production-orders/${order.id}/materials`, { token: t.viewer }));
    expect(materials.pinned).toBe(true);
    expect(materials.lines.map((l: any) => [l.variant, l.net, l.gross, l.purchase])).toEqual([
      ['NAVY', 144, 151.2, 200],
      ['RED', 40.5, 42.525, 50],
    ]);
    const reqs = await ok(api('GET', '/v1/material-requirements?material=FAB-JERSEY&limit=100', { token: t.viewer }));
    const mine = reqs.items.flatMap((l: any) =>
      l.orders.filter((o: any) => o.id === order.id).map((o: any) => [l.variant, o.gross]),
    );
    expect(mine).toEqual([
      ['NAVY', 151.2],
      ['RED', 42.525],
    ]);
    const events = await eventsUntil(order.id, (e) => e.some((x) => x.detail.action === 'amend'));
    const changed = events.find((x) => x.detail.action === 'amend');
    expect(changed['detail-type']).toBe('ProductionOrder.MatrixChanged');
    expect(changed.detail).toMatchObject({ amendment: true, reason: 'buyer added 20 NAVY/M, dropped RED/L to 30' });
  });

  it('never below what is batched: 409 BELOW_BATCHED naming the cell and its batched quantity', async () => {
    const { order } = await releasedOrder([
      [0, 100, 0],
      [0, 0, 0],
    ]);
    await ok(
      api('POST', `/v1/production-orders/${order.id}/batches`, {
        token: t.planner,
        body: {
          matrix: matrix([
            [0, 80, 0],
            [0, 0, 0],
          ]),
        },
      }),
      201,
    );
    const now = await ok(api('GET', `/v1/production-orders/${order.id}`, { token: t.viewer }));
    const res = await edits(order.id, {
      baseVersion: now.version,
      reason: 'buyer cut',
      edits: [{ color: 'NAVY', size: 'M', from: 100, to: 70 }],
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('BELOW_BATCHED');
    expect(res.body.error.details.cells).toEqual([{ color: 'NAVY', size: 'M', batched: 80, requested: 70 }]);
    // Down to exactly the batched quantity is fine.
    await ok(
      edits(order.id, {
        baseVersion: now.version,
        reason: 'buyer cut',
        edits: [{ color: 'NAVY', size: 'M', from: 100, to: 80 }],
      }),
    );
    // A PATCH dropping the batched size is refused the same way.
    const current = await ok(api('GET', `/v1/production-orders/${order.id}`, { token: t.viewer }));
    const drop = await patch(order.id, current.version, { sizes: ['S', 'L'], reason: 'no M any more' });
    expect(drop.status).toBe(409);
    expect(drop.body.error.code).toBe('BELOW_BATCHED');
  });

  it('amends of different cells by racing planners all land (merge by cell, lost races retried)', async () => {
    const sizes = ['S', 'M', 'L', 'XL'];
    const colors = ['NAVY', 'RED', 'BLACK', 'WHITE'];
    const tp = await createTechPack(t.commercial, 'ProductionReady', {
      sizes,
      colors: colors.map((code) => ({ code, name: code })),
      bom: [],
    });
    const o = await createOrder(t.planner, tp.id, {
      matrix: matrix(
        colors.map(() => sizes.map(() => 1)),
        sizes,
        colors,
      ),
    });
    await ok(transition(t.planner, o.id, { action: 'plan' }));
    const released = await ok(transition(t.planner, o.id, { action: 'release' }));
    const cells = sizes.flatMap((size) => colors.map((color) => ({ color, size })));
    const answers = await Promise.all(
      cells.map((c, i) =>
        edits(o.id, {
          baseVersion: released.version,
          reason: `cell ${i}`,
          edits: [{ ...c, from: 1, to: i + 2 }],
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(cells.map(() => 200));
    const now = await ok(api('GET', `/v1/production-orders/${o.id}`, { token: t.viewer }));
    expect(now.version).toBe(released.version + cells.length);
    cells.forEach(({ color, size }, i) => {
      expect(now.matrix.quantities[colors.indexOf(color)][sizes.indexOf(size)]).toBe(i + 2);
    });
    const amends = (await history(o.id)).filter((h: any) => h.action === 'amend');
    expect(amends).toHaveLength(cells.length);
  });

  it('new sizes and colors after release come through PATCH with a reason; batched cells keep their progress', async () => {
    const { order } = await releasedOrder([
      [0, 10, 0],
      [0, 0, 0],
    ]);
    await ok(
      api('POST', `/v1/production-orders/${order.id}/batches`, {
        token: t.planner,
        body: {
          matrix: matrix([
            [0, 10, 0],
            [0, 0, 0],
          ]),
        },
      }),
      201,
    );
    const now = await ok(api('GET', `/v1/production-orders/${order.id}`, { token: t.viewer }));
    const noReason = await patch(order.id, now.version, { colors: ['NAVY', 'RED', 'GREEN'] });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['reason']);
    // The release snapshot maps garment colors to jersey variants by code ("match"): GREEN is covered.
    const wider = await ok(
      patch(order.id, now.version, { colors: ['NAVY', 'RED', 'GREEN'], reason: 'buyer adds GREEN' }),
    );
    expect(wider.matrix.colors).toEqual(['NAVY', 'RED', 'GREEN']);
    expect(wider.progress.batched.quantities).toEqual([
      [0, 10, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    // A size the snapshot has no consumption for would leave the order without materials: refused.
    const xl = await patch(order.id, wider.version, { sizes: ['S', 'M', 'L', 'XL'], reason: 'buyer adds XL' });
    expect(xl.status).toBe(200);
    const withXl = await ok(
      edits(order.id, {
        baseVersion: xl.body.version,
        reason: 'XL quantities',
        edits: [{ color: 'GREEN', size: 'XL', from: 0, to: 5 }],
      }),
      409,
    );
    expect(withXl.error.code).toBe('BOM_INCOMPLETE');
    const h = (await history(order.id)).filter((e: any) => e.action === 'amend');
    expect(h[0]).toMatchObject({ reason: 'buyer adds GREEN', details: { fields: ['colors'], cells: 0 } });
  });

  it('batch plan and tolerance stay frozen after release (409 NOT_EDITABLE)', async () => {
    const { order } = await releasedOrder([
      [0, 10, 0],
      [0, 0, 0],
    ]);
    const res = await patch(order.id, order.version, { batchPlan: { maxBatchQty: 5 }, reason: 'smaller batches' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('NOT_EDITABLE');
  });

  it('sales coverage follows an amendment: the sales order can open an order for what no longer is covered', async () => {
    const tp = await createTechPack(t.commercial, 'ProductionReady');
    const so = await ok(
      api('POST', '/v1/sales-orders', {
        token: t.commercial,
        body: {
          customer: 'Acme',
          techPackId: tp.id,
          matrix: matrix([
            [0, 100, 0],
            [0, 0, 0],
          ]),
        },
      }),
      201,
    );
    for (const to of ['Sent', 'Accepted'])
      await ok(api('POST', `/v1/sales-orders/${so.id}/transitions`, { token: t.commercial, body: { to } }));
    const po = await ok(
      api('POST', `/v1/sales-orders/${so.id}/production-orders`, {
        token: t.commercial,
        body: { deliveryDate: '2027-03-01' },
      }),
      201,
    );
    await ok(transition(t.planner, po.id, { action: 'plan' }));
    const released = await ok(transition(t.planner, po.id, { action: 'release' }));
    const refused = await api('POST', `/v1/sales-orders/${so.id}/production-orders`, { token: t.commercial });
    expect(refused.body.error?.code).toBe('NOTHING_REMAINING');
    await ok(
      edits(po.id, {
        baseVersion: released.version,
        reason: 'line capacity: 70 now',
        edits: [{ color: 'NAVY', size: 'M', from: 100, to: 70 }],
      }),
    );
    const rest = await ok(api('POST', `/v1/sales-orders/${so.id}/production-orders`, { token: t.commercial }), 201);
    expect(rest.matrix.quantities).toEqual([
      [0, 30, 0],
      [0, 0, 0],
    ]);
  });
});

describe('re-promise after release', () => {
  it('PATCH deliveryDate needs a reason; the original date stays; each change is a history entry and an event', async () => {
    const { order } = await releasedOrder(
      [
        [0, 10, 0],
        [0, 0, 0],
      ],
      { deliveryDate: '2027-03-01' },
    );
    expect(order.originalDeliveryDate).toBe('2027-03-01');
    const noReason = await patch(order.id, order.version, { deliveryDate: '2027-03-15' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['reason']);
    const first = await ok(patch(order.id, order.version, { deliveryDate: '2027-03-15', reason: 'fabric late' }));
    expect(first).toMatchObject({ deliveryDate: '2027-03-15', originalDeliveryDate: '2027-03-01' });
    const second = await ok(patch(order.id, first.version, { deliveryDate: '2027-03-10', reason: 'mill caught up' }));
    expect(second).toMatchObject({ deliveryDate: '2027-03-10', originalDeliveryDate: '2027-03-01' });
    const repromises = (await history(order.id)).filter((h: any) => h.action === 'repromise');
    expect(repromises).toMatchObject([
      { reason: 'fabric late', details: { deliveryDate: { from: '2027-03-01', to: '2027-03-15' } } },
      { reason: 'mill caught up', details: { deliveryDate: { from: '2027-03-15', to: '2027-03-10' } } },
    ]);
    const events = await eventsUntil(
      order.id,
      (e) => e.filter((x) => x['detail-type'] === 'ProductionOrder.DeliveryDateChanged').length === 2,
    );
    expect(
      events
        .filter((x) => x['detail-type'] === 'ProductionOrder.DeliveryDateChanged')
        .map((x) => [
          x.detail.previousDeliveryDate,
          x.detail.deliveryDate,
          x.detail.originalDeliveryDate,
          x.detail.reason,
        ]),
    ).toEqual([
      ['2027-03-01', '2027-03-15', '2027-03-01', 'fabric late'],
      ['2027-03-15', '2027-03-10', '2027-03-01', 'mill caught up'],
    ]);
    // The requirement follows the date (needBy moves with it).
    const reqs = await ok(api('GET', '/v1/material-requirements?material=FAB-JERSEY&limit=100', { token: t.viewer }));
    const mine = reqs.items.flatMap((l: any) => l.orders.filter((o: any) => o.id === order.id));
    expect(mine[0].deliveryDate).toBe('2027-03-10');
  });

  it('a re-promise is its own change: not with the matrix in one PATCH, never cleared', async () => {
    const { order } = await releasedOrder([
      [0, 10, 0],
      [0, 0, 0],
    ]);
    const both = await patch(order.id, order.version, {
      deliveryDate: '2027-04-01',
      colors: ['NAVY'],
      reason: 'both at once',
    });
    expect(both.status).toBe(400);
    expect(both.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['deliveryDate']);
    const cleared = await patch(order.id, order.version, { deliveryDate: null, reason: 'unknown' });
    expect(cleared.status).toBe(400);
  });

  it('in Draft the original date still follows the delivery date', async () => {
    const tp = await createTechPack(t.commercial);
    const o = await createOrder(t.planner, tp.id, { deliveryDate: '2027-03-01' });
    const moved = await ok(patch(o.id, o.version, { deliveryDate: '2027-05-01' }));
    expect(moved).toMatchObject({ deliveryDate: '2027-05-01', originalDeliveryDate: '2027-05-01' });
    expect((await history(o.id)).at(-1).action).toBe('update');
  });
});
