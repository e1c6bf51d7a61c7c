// Sales orders through the HTTP API: the path to a production order, what remains after
// cancellations and edits, and the double click.
import { beforeAll, describe, expect, it } from 'vitest';
import { api, tokens, type ApiAnswer } from '../support/api.js';
import { createTechPack, matrix, transition } from '../support/fixtures.js';

let t: Awaited<ReturnType<typeof tokens>>;
beforeAll(async () => {
  t = await tokens();
});

const M = () =>
  matrix([
    [10, 20, 30],
    [0, 5, 5],
  ]);

async function createSalesOrder(techPackId: string, body: Record<string, unknown> = {}) {
  const res = await api('POST', '/v1/sales-orders', {
    token: t.commercial,
    body: { customer: 'ACME Retail', techPackId, matrix: M(), deliveryDate: '2027-04-01', ...body },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function moveSalesOrder(id: string, to: string, token = t.commercial) {
  const res = await api('POST', `/v1/sales-orders/${id}/transitions`, { token, body: { to } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function acceptedSalesOrder(state = 'ProductionReady') {
  const tp = await createTechPack(t.commercial, state);
  const so = await createSalesOrder(tp.id);
  await moveSalesOrder(so.id, 'Sent');
  return { tp, so: await moveSalesOrder(so.id, 'Accepted') };
}

const toProduction = (id: string, body?: unknown, token = t.commercial) =>
  api('POST', `/v1/sales-orders/${id}/production-orders`, { token, ...(body === undefined ? {} : { body }) });

function usage(res: ApiAnswer): { calls: number; byOperation: Record<string, number> } | undefined {
  const raw = res.headers.get('x-dynamo-usage');
  return raw ? JSON.parse(raw) : undefined;
}

describe('a sales order', () => {
  it('is created, read, sent and accepted; its changes are in its history', async () => {
    const tp = await createTechPack(t.commercial);
    const res = await api('POST', '/v1/sales-orders', {
      token: t.commercial,
      body: { customer: 'ACME Retail', techPackId: tp.id, matrix: M(), notes: 'spring drop' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(res.headers.get('location')).toBe(`/v1/sales-orders/${res.body.id}`);
    expect(res.body).toMatchObject({
      customer: 'ACME Retail',
      techPackId: tp.id,
      styleCode: tp.styleCode,
      state: 'Draft',
      version: 1,
      total: 70,
      deliveryDate: null,
      notes: 'spring drop',
      productionOrderIds: [],
    });
    expect(res.body.id).toMatch(/^SO-\d{6}$/);
    const u = usage(res);
    if (u) expect(u).toMatchObject({ calls: 3, byOperation: { GetItem: 1, UpdateItem: 1, TransactWriteItems: 1 } });

    const got = await api('GET', `/v1/sales-orders/${res.body.id}`, { token: t.viewer });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);

    expect((await moveSalesOrder(res.body.id, 'Sent')).state).toBe('Sent');
    const accepted = await moveSalesOrder(res.body.id, 'Accepted', t.system);
    expect(accepted).toMatchObject({ state: 'Accepted', version: 3 });

    const history = await api('GET', `/v1/sales-orders/${res.body.id}/history`, { token: t.viewer });
    expect(history.body.items.map((h: { from: string; to: string }) => `${h.from}->${h.to}`)).toEqual([
      'null->Draft',
      'Draft->Sent',
      'Sent->Accepted',
    ]);

    const listed = await api('GET', `/v1/sales-orders?techPackId=${tp.id}`, { token: t.viewer });
    expect(listed.body.items.map((s: { id: string }) => s.id)).toEqual([res.body.id]);
    const byState = await api('GET', '/v1/sales-orders?state=Accepted&limit=100', { token: t.viewer });
    expect(byState.body.items.map((s: { id: string }) => s.id)).toContain(res.body.id);
  });

  it('moves only along Draft -> Sent -> Accepted, and to Cancelled from each of those', async () => {
    const tp = await createTechPack(t.commercial);
    const so = await createSalesOrder(tp.id);
    const skip = await api('POST', `/v1/sales-orders/${so.id}/transitions`, {
      token: t.commercial,
      body: { to: 'Accepted' },
    });
    expect(skip.status).toBe(409);
    expect(skip.body.error.code).toBe('ILLEGAL_TRANSITION');
    await moveSalesOrder(so.id, 'Cancelled');
    const again = await api('POST', `/v1/sales-orders/${so.id}/transitions`, {
      token: t.commercial,
      body: { to: 'Sent' },
    });
    expect(again.status).toBe(409);
    const { so: accepted } = await acceptedSalesOrder('Commercial');
    expect((await moveSalesOrder(accepted.id, 'Cancelled')).state).toBe('Cancelled');
  });

  it('refuses bad input, unknown ids and roles that may not sell', async () => {
    const tp = await createTechPack(t.commercial);
    const bad = await api('POST', '/v1/sales-orders', {
      token: t.commercial,
      body: { techPackId: tp.id, matrix: { sizes: ['S'], colors: ['NAVY'], quantities: [[0]] } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual([
      'customer',
      'matrix.quantities',
    ]);
    expect(
      (
        await api('POST', '/v1/sales-orders', {
          token: t.commercial,
          body: { customer: 'A', techPackId: 'TP-999999', matrix: M() },
        })
      ).status,
    ).toBe(404);
    expect((await api('GET', '/v1/sales-orders/SO-999999', { token: t.viewer })).status).toBe(404);
    expect((await api('GET', '/v1/sales-orders/PO-000001', { token: t.viewer })).status).toBe(404);
    expect(
      (
        await api('POST', '/v1/sales-orders', {
          token: t.planner,
          body: { customer: 'A', techPackId: tp.id, matrix: M() },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await api('POST', '/v1/sales-orders', {
          token: t.logistics,
          body: { customer: 'A', techPackId: tp.id, matrix: M() },
        })
      ).status,
    ).toBe(403);
    const so = await createSalesOrder(tp.id);
    expect(
      (await api('POST', `/v1/sales-orders/${so.id}/transitions`, { token: t.viewer, body: { to: 'Sent' } })).status,
    ).toBe(403);
    expect((await toProduction(so.id, undefined, t.planner)).status).toBe(403);
  });
});

describe('a production order from a sales order', () => {
  it('takes the customer, sizes, colors, quantities and delivery date in one call', async () => {
    const { tp, so } = await acceptedSalesOrder();
    const res = await toProduction(so.id);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.headers.get('location')).toBe(`/v1/production-orders/${res.body.id}`);
    expect(res.body).toMatchObject({
      techPackId: tp.id,
      state: 'Draft',
      version: 1,
      deliveryDate: '2027-04-01',
      matrix: M(),
      total: 70,
      source: { type: 'salesOrder', salesOrderId: so.id, customer: 'ACME Retail' },
    });
    const u = usage(res);
    if (u)
      expect(u).toMatchObject({
        calls: 4,
        byOperation: { GetItem: 1, BatchGetItem: 1, UpdateItem: 1, TransactWriteItems: 1 },
      });
    const after = await api('GET', `/v1/sales-orders/${so.id}`, { token: t.viewer });
    expect(after.body).toMatchObject({ state: 'Accepted', version: 4, productionOrderIds: [res.body.id] });
    const history = await api('GET', `/v1/sales-orders/${so.id}/history`, { token: t.viewer });
    expect(history.body.items.at(-1)).toMatchObject({
      action: 'productionOrder',
      from: 'Accepted',
      to: 'Accepted',
      details: { productionOrderId: res.body.id, total: 70 },
    });
  });

  it('works while the tech pack is still Commercial (the factory default allows it) and takes a delivery date', async () => {
    const { so } = await acceptedSalesOrder('Commercial');
    const res = await toProduction(so.id, { deliveryDate: '2027-05-05', notes: 'air freight' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ deliveryDate: '2027-05-05', notes: 'air freight' });
  });

  it('is refused with NOTHING_REMAINING once production orders hold everything', async () => {
    const { so } = await acceptedSalesOrder();
    const first = await toProduction(so.id);
    expect(first.status).toBe(201);
    const second = await toProduction(so.id);
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({
      code: 'NOTHING_REMAINING',
      details: { salesOrderId: so.id, productionOrderIds: [first.body.id], held: 70, ordered: 70 },
    });
  });

  it('is refused unless the sales order is Accepted', async () => {
    const tp = await createTechPack(t.commercial);
    const so = await createSalesOrder(tp.id);
    const res = await toProduction(so.id);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('SALES_ORDER_NOT_ACCEPTED');
    expect((await toProduction('SO-999999')).status).toBe(404);
  });

  it('a cancelled production order gives its quantities back', async () => {
    const { so } = await acceptedSalesOrder();
    const first = await toProduction(so.id);
    const cancelled = await transition(t.planner, first.body.id, { action: 'cancel', reason: 'wrong factory' });
    expect(cancelled.status).toBe(200);
    const second = await toProduction(so.id);
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ matrix: M(), total: 70 });
    expect((await toProduction(so.id)).body.error.code).toBe('NOTHING_REMAINING');
    const after = await api('GET', `/v1/sales-orders/${so.id}`, { token: t.viewer });
    expect(after.body.productionOrderIds).toEqual([first.body.id, second.body.id]);
  });

  it('after a short-close the next production order is exactly the shortfall', async () => {
    const { so } = await acceptedSalesOrder(); // NAVY 10, 20, 30; RED 0, 5, 5
    const first = (await toProduction(so.id)).body;
    const go = async (path: string, body: unknown) => {
      const res = await api('POST', `/v1/production-orders/${first.id}${path}`, { token: t.planner, body });
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
      return res.body;
    };
    await go('/transitions', { action: 'plan' });
    await go('/transitions', { action: 'release' });
    const batch = await go('/batches', { matrix: M() });
    await go(`/batches/${batch.id}/transitions`, { action: 'start' });
    // NAVY/M 18 good + 2 rejected, RED/L 4 good + 1 rejected; the rest as ordered
    const produced = matrix([
      [10, 18, 30],
      [0, 5, 4],
    ]);
    const rejected = matrix([
      [0, 2, 0],
      [0, 0, 1],
    ]);
    await go(`/batches/${batch.id}/transitions`, { action: 'finish', produced, rejected });
    // the output cannot be cancelled away (it would be offered again: double production)
    const cancel = await transition(t.planner, first.id, { action: 'cancel', reason: 'customer short-shipped' });
    expect(cancel.body.error?.code).toBe('ORDER_HAS_OUTPUT');
    // while it is open it still covers its whole matrix
    expect((await toProduction(so.id)).body.error.code).toBe('NOTHING_REMAINING');
    await go('/transitions', { action: 'complete', shortClose: true, reason: 'rejects in two cells' });
    const second = await toProduction(so.id);
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    expect(second.body).toMatchObject({
      matrix: matrix([
        [0, 2, 0],
        [0, 0, 1],
      ]),
      total: 3,
      source: { type: 'salesOrder', salesOrderId: so.id },
    });
    // the shortfall ordered too: nothing remains
    expect((await toProduction(so.id)).body.error.code).toBe('NOTHING_REMAINING');
  });
  it('an order cut down by a planner leaves the rest for the next call', async () => {
    const { so } = await acceptedSalesOrder();
    const first = await toProduction(so.id);
    const cut = await api('PATCH', `/v1/production-orders/${first.body.id}`, {
      token: t.planner,
      body: {
        matrix: matrix([
          [10, 0, 30],
          [0, 5, 0],
        ]),
      },
      headers: { 'if-match': '"1"' },
    });
    expect(cut.status).toBe(200);
    const second = await toProduction(so.id);
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({
      matrix: matrix([
        [0, 20, 0],
        [0, 0, 5],
      ]),
      total: 25,
    });
  });

  it('a double click (10 concurrent calls) makes one order; the others get 409', async () => {
    const { tp, so } = await acceptedSalesOrder();
    const answers = await Promise.all(Array.from({ length: 10 }, () => toProduction(so.id)));
    const created = answers.filter((a) => a.status === 201);
    expect(created, JSON.stringify(answers.map((a) => [a.status, a.body?.error?.code]))).toHaveLength(1);
    for (const a of answers.filter((x) => x.status !== 201)) {
      expect(a.status).toBe(409);
      expect(['NOTHING_REMAINING', 'CONCURRENT_UPDATE']).toContain(a.body.error.code);
    }
    const after = await api('GET', `/v1/sales-orders/${so.id}`, { token: t.viewer });
    expect(after.body.productionOrderIds).toEqual([created[0].body.id]);
    const orders = await api('GET', `/v1/production-orders?techPackId=${tp.id}`, { token: t.viewer });
    expect(orders.body.items.map((o: { id: string }) => o.id)).toEqual([created[0].body.id]);
  });

  it('a double click after a cancellation still makes exactly one replacement', async () => {
    const { so } = await acceptedSalesOrder();
    const first = await toProduction(so.id);
    await transition(t.planner, first.body.id, { action: 'cancel', reason: 'redo' });
    const answers = await Promise.all(Array.from({ length: 5 }, () => toProduction(so.id)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(4);
  });

  it('the same Idempotency-Key replays the first answer instead of refusing', async () => {
    const { so } = await acceptedSalesOrder();
    const headers = { 'idempotency-key': `so-${so.id}` };
    const a = await api('POST', `/v1/sales-orders/${so.id}/production-orders`, { token: t.commercial, headers });
    const b = await api('POST', `/v1/sales-orders/${so.id}/production-orders`, { token: t.commercial, headers });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
  });
});
