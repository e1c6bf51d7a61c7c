// Backorder (issue 14, item 3) through the HTTP API on DynamoDB Local: `complete` with shortClose, a
// reason and "backorder": true opens, in the same write, a Draft holding the shortfall, linked both
// ways; the sales order's coverage stays right; the events announce it.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { api, tokens, type ApiAnswer } from '../support/api.js';
import { createOrder, createTechPack, matrix, transition } from '../support/fixtures.js';

let t: Awaited<ReturnType<typeof tokens>>;
beforeAll(async () => {
  t = await tokens();
});

type M = { sizes: string[]; colors: string[]; quantities: number[][] };

const ok = async (p: Promise<ApiAnswer>, status = 200) => {
  const res = await p;
  expect(res.status, JSON.stringify(res.body)?.slice(0, 800)).toBe(status);
  return res.body;
};

const base = (id: string) => `/v1/production-orders/${id}`;
const getOrder = async (id: string) => ok(api('GET', base(id), { token: t.viewer }));
const history = async (id: string) =>
  (await ok(api('GET', `${base(id)}/history?limit=100`, { token: t.viewer }))).items;

/** A Released order run to InProgress with one batch over `m`, finished with `produced` (the rest rejected). */
async function producedOrder(m: M, produced: M, body: Record<string, unknown> = {}, techPackId?: string) {
  const tpId = techPackId ?? (await createTechPack(t.commercial, 'ProductionReady')).id;
  const o = await createOrder(t.planner, tpId, { matrix: m, tolerance: { overPct: 5, underPct: 3 }, ...body });
  await ok(transition(t.planner, o.id, { action: 'plan' }));
  await ok(transition(t.planner, o.id, { action: 'release' }));
  const b = await ok(api('POST', `${base(o.id)}/batches`, { token: t.planner, body: { matrix: m } }), 201);
  const move = (body: Record<string, unknown>) =>
    ok(api('POST', `${base(o.id)}/batches/${b.id}/transitions`, { token: t.planner, body }));
  await move({ action: 'start' });
  const rejected = { ...m, quantities: m.quantities.map((row, r) => row.map((q, c) => q - produced.quantities[r][c])) };
  await move({ action: 'finish', produced, rejected });
  return getOrder(o.id);
}

const eventsFile = () => path.join(inject('dataDir'), 'events.ndjson');
async function eventsUntil(done: (events: any[]) => boolean, timeoutMs = 15_000): Promise<any[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = existsSync(eventsFile())
      ? readFileSync(eventsFile(), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l))
      : [];
    if (done(events) || Date.now() > deadline) return events;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('backorder', () => {
  it('a short-close with backorder completes the order and opens a Draft for the shortfall, in one write', async () => {
    const ordered = matrix([
      [100, 100, 0],
      [0, 50, 50],
    ]);
    const produced = matrix([
      [90, 100, 0],
      [0, 50, 44],
    ]);
    const o = await producedOrder(ordered, produced, { notes: 'buyer ACME', batchPlan: { maxBatchQty: 80 } });
    const reason = 'fabric lot rejected; the buyer takes the rest later';
    const res = await transition(t.planner, o.id, { action: 'complete', shortClose: true, reason, backorder: true });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // The order with its batches (one Query); the id and the tech pack (in parallel); one transaction.
    expect(JSON.parse(res.headers.get('x-dynamo-usage') ?? '{}').byOperation).toEqual({
      Query: 1,
      UpdateItem: 1,
      GetItem: 1,
      TransactWriteItems: 1,
    });
    const completed = res.body;
    expect(completed).toMatchObject({ id: o.id, state: 'Completed', version: o.version + 1 });
    expect(completed.backorderId).toMatch(/^PO-\d{6}$/);
    expect(res.headers.get('etag')).toBe(`"${completed.version}"`);
    expect(await getOrder(o.id)).toEqual(completed);

    const bo = await getOrder(completed.backorderId);
    expect(bo).toMatchObject({
      state: 'Draft',
      version: 1,
      techPackId: o.techPackId,
      backorderOf: o.id,
      // The shortfall, ordered minus produced where positive, over the cells that hold any.
      matrix: {
        sizes: ['S', 'L'],
        colors: ['NAVY', 'RED'],
        quantities: [
          [10, 0],
          [0, 6],
        ],
      },
      total: 16,
      source: o.source,
      tolerance: o.tolerance,
      batchPlan: o.batchPlan,
      iqTemplate: o.iqTemplate,
      notes: 'buyer ACME',
      deliveryDate: o.deliveryDate,
      releasedBomRevision: null,
    });
    expect(bo.splitFrom).toBeUndefined();

    expect((await history(o.id)).at(-1)).toMatchObject({
      action: 'shortClose',
      from: 'InProgress',
      to: 'Completed',
      reason,
      details: { backorderId: bo.id, shortCells: expect.any(Array) },
    });
    const created = await history(bo.id);
    expect(created).toEqual([
      expect.objectContaining({
        action: 'create',
        to: 'Draft',
        reason,
        details: { source: o.source, backorderOf: o.id, total: 16 },
      }),
    ]);

    // The backorder is an ordinary Draft: tentative in the requirements, editable, plannable.
    const mat = await ok(api('GET', `${base(bo.id)}/materials`, { token: t.logistics }));
    expect(mat.pinned).toBe(false);
    expect((await ok(transition(t.planner, bo.id, { action: 'plan' }))).state).toBe('Planned');

    const events = await eventsUntil((es) => es.some((e) => e.detail.id === bo.id && e.detail.backorderOf === o.id));
    expect(events.find((e) => e.detail.id === bo.id)).toMatchObject({
      'detail-type': 'ProductionOrder.Created',
      detail: { backorderOf: o.id, to: 'Draft', version: 1 },
    });
    expect(events.find((e) => e.detail.id === o.id && e.detail.to === 'Completed')).toMatchObject({
      'detail-type': 'ProductionOrder.StateChanged',
      detail: { backorderId: bo.id, from: 'InProgress' },
    });
  });

  it('backorder without shortClose: 400 naming it; nothing short: 409 NOTHING_SHORT, nothing written', async () => {
    const m = matrix([
      [10, 0, 0],
      [0, 0, 0],
    ]);
    const o = await producedOrder(m, m);
    const fields = async (body: Record<string, unknown>) => {
      const res = await transition(t.planner, o.id, body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      return res.body.error.details.fields.map((f: { field: string }) => f.field);
    };
    expect(await fields({ action: 'complete', backorder: true })).toEqual(['backorder']);
    expect(await fields({ action: 'complete', backorder: true, reason: 'x' })).toEqual(['backorder']);
    expect(await fields({ action: 'cancel', backorder: true, reason: 'x' })).toEqual(['backorder']);
    expect(await fields({ action: 'complete', shortClose: true, backorder: true })).toEqual(['reason']);
    expect(await fields({ action: 'complete', backorder: 'yes' })).toEqual(['backorder']);

    const none = await transition(t.planner, o.id, {
      action: 'complete',
      shortClose: true,
      reason: 'x',
      backorder: true,
    });
    expect(none.status).toBe(409);
    expect(none.body.error).toMatchObject({ code: 'NOTHING_SHORT', details: { ordered: 10, produced: 10 } });
    expect((await getOrder(o.id)).state).toBe('InProgress');
    // Completing without asking for one still works.
    expect((await ok(transition(t.planner, o.id, { action: 'complete' }))).backorderId).toBeUndefined();
    // And a completed order opens no backorder any more.
    const late = await transition(t.planner, o.id, {
      action: 'complete',
      shortClose: true,
      reason: 'x',
      backorder: true,
    });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('ILLEGAL_TRANSITION');
  });

  it('within tolerance but short in a cell: the backorder holds that cell', async () => {
    const m = matrix([
      [0, 120, 0],
      [0, 0, 0],
    ]);
    const o = await producedOrder(
      m,
      matrix([
        [0, 118, 0],
        [0, 0, 0],
      ]),
    );
    const done = await ok(
      transition(t.planner, o.id, { action: 'complete', shortClose: true, reason: 'the 2 follow', backorder: true }),
    );
    const bo = await getOrder(done.backorderId);
    expect(bo.matrix).toEqual({ sizes: ['M'], colors: ['NAVY'], quantities: [[2]] });
    // Inside tolerance the completion is an ordinary complete; it names its backorder.
    expect((await history(o.id)).at(-1)).toMatchObject({ action: 'complete', details: { backorderId: bo.id } });
  });

  it('a sales order’s production order: the backorder is linked; completed + backorder cover it', async () => {
    const tp = await createTechPack(t.commercial, 'ProductionReady');
    const m = matrix([
      [10, 20, 30],
      [0, 5, 5],
    ]);
    const so = await ok(
      api('POST', '/v1/sales-orders', {
        token: t.commercial,
        body: { customer: 'ACME Retail', techPackId: tp.id, matrix: m, deliveryDate: '2027-04-01' },
      }),
      201,
    );
    for (const to of ['Sent', 'Accepted'])
      await ok(api('POST', `/v1/sales-orders/${so.id}/transitions`, { token: t.commercial, body: { to } }));
    const po = await ok(api('POST', `/v1/sales-orders/${so.id}/production-orders`, { token: t.commercial }), 201);
    await ok(transition(t.planner, po.id, { action: 'plan' }));
    await ok(transition(t.planner, po.id, { action: 'release' }));
    const b = await ok(api('POST', `${base(po.id)}/batches`, { token: t.planner, body: { matrix: m } }), 201);
    const move = (body: Record<string, unknown>) =>
      ok(api('POST', `${base(po.id)}/batches/${b.id}/transitions`, { token: t.planner, body }));
    await move({ action: 'start' });
    const produced = matrix([
      [10, 10, 30],
      [0, 5, 5],
    ]);
    await move({
      action: 'finish',
      produced,
      reason: 'M fell short',
      rejected: matrix([
        [0, 0, 0],
        [0, 0, 0],
      ]),
    });
    const done = await ok(
      transition(t.planner, po.id, { action: 'complete', shortClose: true, reason: 'M short', backorder: true }),
    );
    const bo = await getOrder(done.backorderId);
    expect(bo.source).toEqual({ type: 'salesOrder', salesOrderId: so.id, customer: 'ACME Retail' });
    expect(bo.matrix).toEqual({ sizes: ['M'], colors: ['NAVY'], quantities: [[10]] });
    const after = await ok(api('GET', `/v1/sales-orders/${so.id}`, { token: t.viewer }));
    expect(after.productionOrderIds).toEqual([po.id, bo.id]);
    const again = await api('POST', `/v1/sales-orders/${so.id}/production-orders`, { token: t.commercial });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('NOTHING_REMAINING');
  });
});
