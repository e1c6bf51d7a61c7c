// Split (issue 14, item 2) through the HTTP API on DynamoDB Local: un-batched quantity moves to a new
// order linked by splitFrom, in one transaction with the original's reduction; BELOW_BATCHED, the
// gates, the BOM snapshot and pinned materials, requirements, sales-order coverage, idempotency,
// events, and a race of splits against batch creations on the same cells.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { api, tokens, type ApiAnswer } from '../support/api.js';
import { createOrder, createTechPack, matrix, moveTechPack, transition } from '../support/fixtures.js';
import { toleranceBounds } from '../../shared/productionOrder.js';

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
const split = (id: string, body: unknown, headers: Record<string, string> = {}, token = t.planner) =>
  api('POST', `${base(id)}/split`, { token, body, headers });
const createBatch = (id: string, m: M) => api('POST', `${base(id)}/batches`, { token: t.planner, body: { matrix: m } });
const move = (id: string, batchId: string, body: Record<string, unknown>) =>
  api('POST', `${base(id)}/batches/${batchId}/transitions`, { token: t.planner, body });
const getOrder = async (id: string) => ok(api('GET', base(id), { token: t.viewer }));
const history = async (id: string) =>
  (await ok(api('GET', `${base(id)}/history?limit=100`, { token: t.viewer }))).items;
const ordersOf = async (techPackId: string) =>
  (await ok(api('GET', `/v1/production-orders?techPackId=${techPackId}&limit=100`, { token: t.viewer }))).items;

let materialSeq = 0;
/** A BOM with a material of its own, so the requirements answer holds only this test's orders. */
function ownBom() {
  materialSeq += 1;
  const material = `FAB-SPLIT-${process.pid}-${materialSeq}`;
  const bom = [
    { material, uom: 'm', consumption: { S: 1, M: 1, L: 1 }, wastagePct: 0, variants: 'match', purchaseMultiple: 1 },
  ];
  return { material, bom };
}

async function releasedOrder(body: Record<string, unknown>, techPack?: { id: string }) {
  const tp = techPack ?? (await createTechPack(t.commercial, 'ProductionReady'));
  const o = await createOrder(t.planner, tp.id, { tolerance: { overPct: 5, underPct: 3 }, ...body });
  await ok(transition(t.planner, o.id, { action: 'plan' }));
  await ok(transition(t.planner, o.id, { action: 'release' }));
  return getOrder(o.id);
}

const usage = (res: ApiAnswer) => JSON.parse(res.headers.get('x-dynamo-usage') ?? '{}');

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

describe('split', () => {
  it('Released: un-batched quantity moves to a new Released order; history, events, materials say so', async () => {
    const { material, bom } = ownBom();
    const tp = await createTechPack(t.commercial, 'ProductionReady', { bom });
    const o = await releasedOrder(
      {
        matrix: matrix([
          [10, 100, 0],
          [0, 40, 80],
        ]),
        batchPlan: { maxBatchQty: 50 },
        notes: 'buyer ACME',
      },
      tp,
    );
    // 60 of NAVY/M batched: 40 of it may still move.
    await ok(createBatch(o.id, { sizes: ['M'], colors: ['NAVY'], quantities: [[60]] }), 201);

    const refused = await split(o.id, {
      matrix: {
        sizes: ['M', 'L'],
        colors: ['NAVY', 'RED'],
        quantities: [
          [41, 0],
          [0, 10],
        ],
      },
      reason: 'NAVY ships later',
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'BELOW_BATCHED',
      details: { cells: [{ color: 'NAVY', size: 'M', ordered: 100, batched: 60, available: 40, requested: 41 }] },
    });
    expect(refused.body.error.message).toContain('NAVY/M has 40 un-batched (asked 41)');
    expect((await getOrder(o.id)).version).toBe(o.version + 1); // the batch's write only

    const res = await split(o.id, {
      matrix: {
        sizes: ['L', 'M'],
        colors: ['RED', 'NAVY'],
        quantities: [
          [30, 0],
          [0, 40],
        ],
      },
      reason: 'RED/L and part of NAVY ship on the second vessel',
      deliveryDate: '2027-04-15',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // 3 round trips: the order with its BOMs (one BatchGet), the id, one transaction.
    expect(usage(res)).toMatchObject({
      calls: 3,
      byOperation: { BatchGetItem: 1, UpdateItem: 1, TransactWriteItems: 1 },
    });
    const { order, split: made } = res.body;
    expect(res.headers.get('location')).toBe(`/v1/production-orders/${made.id}`);
    expect(order).toMatchObject({
      id: o.id,
      state: 'Released',
      version: o.version + 2,
      total: 230 - 70,
      matrix: {
        sizes: ['S', 'M', 'L'],
        colors: ['NAVY', 'RED'],
        quantities: [
          [10, 60, 0],
          [0, 40, 50],
        ],
      },
    });
    expect(order.progress.batched.quantities).toEqual([
      [0, 60, 0],
      [0, 0, 0],
    ]);
    expect(made).toMatchObject({
      state: 'Released',
      version: 1,
      techPackId: tp.id,
      splitFrom: o.id,
      deliveryDate: '2027-04-15',
      // Released: the first promise is kept.
      originalDeliveryDate: '2027-03-01',
      // The moved cells, in the order's own size and color order.
      matrix: {
        sizes: ['M', 'L'],
        colors: ['NAVY', 'RED'],
        quantities: [
          [40, 0],
          [0, 30],
        ],
      },
      total: 70,
      source: o.source,
      tolerance: o.tolerance,
      batchPlan: o.batchPlan,
      iqTemplate: o.iqTemplate,
      notes: 'buyer ACME',
      releasedBomRevision: o.releasedBomRevision,
    });
    expect(made.progress.batched.quantities).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(await getOrder(o.id)).toEqual(order);
    expect(await getOrder(made.id)).toEqual(made);

    const h = (await history(o.id)).at(-1);
    expect(h).toMatchObject({
      action: 'split',
      from: 'Released',
      to: 'Released',
      reason: 'RED/L and part of NAVY ship on the second vessel',
      details: { splitId: made.id, total: 70, deliveryDate: '2027-04-15', matrix: made.matrix },
    });
    const created = await history(made.id);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      action: 'create',
      to: 'Released',
      reason: 'RED/L and part of NAVY ship on the second vessel',
      details: { splitFrom: o.id, total: 70, source: o.source },
    });

    // The split's materials are pinned to the original's release snapshot, for its own quantities.
    // The tech pack's BOM changes afterwards (back to Design, twice the fabric): the split does not move.
    const design = await moveTechPack(t.commercial, tp.id, 'Design');
    const doubled = [{ ...bom[0], consumption: { S: 2, M: 2, L: 2 } }];
    await ok(
      api('PATCH', `/v1/tech-packs/${tp.id}`, {
        token: t.commercial,
        body: { bom: doubled },
        headers: { 'if-match': `"${design.version}"` },
      }),
    );
    const mat = await ok(api('GET', `${base(made.id)}/materials`, { token: t.logistics }));
    expect(mat).toMatchObject({ pinned: true, bomRevision: o.releasedBomRevision });
    expect(mat.lines.map((l: any) => [l.variant, l.net])).toEqual([
      ['NAVY', 40],
      ['RED', 30],
    ]);

    // The requirements across orders: both orders, each for its own quantities (firm: Released).
    const lines = (await ok(api('GET', `/v1/material-requirements?material=${material}`, { token: t.logistics })))
      .items;
    const byVariant = Object.fromEntries(lines.map((l: any) => [l.variant, l]));
    expect(byVariant.NAVY.required).toEqual({ firm: 110, tentative: 0 });
    expect(byVariant.RED.required).toEqual({ firm: 120, tentative: 0 });
    const navyOrders = Object.fromEntries(byVariant.NAVY.orders.map((x: any) => [x.id, x.gross]));
    expect(navyOrders).toEqual({ [o.id]: 70, [made.id]: 40 });
    const redOrders = Object.fromEntries(byVariant.RED.orders.map((x: any) => [x.id, [x.gross, x.deliveryDate]]));
    expect(redOrders).toEqual({ [o.id]: [90, '2027-03-01'], [made.id]: [30, '2027-04-15'] });

    // Events: MatrixChanged for the original (naming the split), Created for the new one (naming its source).
    const events = await eventsUntil(
      (es) => es.some((e) => e.detail.id === made.id) && es.some((e) => e.detail.splitId === made.id),
    );
    expect(events.find((e) => e.detail.id === o.id && e.detail.action === 'split')).toMatchObject({
      'detail-type': 'ProductionOrder.MatrixChanged',
      detail: { splitId: made.id, from: 'Released', to: 'Released', reason: expect.any(String) },
    });
    expect(events.find((e) => e.detail.id === made.id)).toMatchObject({
      'detail-type': 'ProductionOrder.Created',
      detail: { splitFrom: o.id, to: 'Released', techPackId: tp.id, version: 1 },
    });

    // The split runs like any released order: batches of its own.
    const gen = await ok(api('POST', `${base(made.id)}/batches/generate`, { token: t.planner }), 201);
    expect(gen.items.map((b: any) => b.total)).toEqual([40, 30]);
  });

  it('Draft stays Draft, Planned stays Planned, InProgress gives Released; Cancelled refuses', async () => {
    const tp = await createTechPack(t.commercial, 'ProductionReady');
    const m = matrix([
      [5, 5, 5],
      [5, 5, 5],
    ]);
    const move1 = { matrix: { sizes: ['S'], colors: ['RED'], quantities: [[5]] }, reason: 'RED later' };
    const draft = await createOrder(t.planner, tp.id, { matrix: m });
    const fromDraft = await ok(split(draft.id, { ...move1, deliveryDate: '2027-06-01' }), 201);
    expect(fromDraft.split).toMatchObject({
      state: 'Draft',
      deliveryDate: '2027-06-01',
      // Not yet promised: the promise follows the date.
      originalDeliveryDate: '2027-06-01',
      releasedBomRevision: null,
    });
    expect(fromDraft.order).toMatchObject({ state: 'Draft', total: 25, version: 2 });

    const planned = await createOrder(t.planner, tp.id, { matrix: m });
    await ok(transition(t.planner, planned.id, { action: 'plan' }));
    const fromPlanned = await ok(split(planned.id, move1), 201);
    expect(fromPlanned.split).toMatchObject({ state: 'Planned', deliveryDate: '2027-03-01' });
    // A Planned split is released like any other.
    expect((await ok(transition(t.planner, fromPlanned.split.id, { action: 'release' }))).state).toBe('Released');

    const running = await releasedOrder({ matrix: m });
    const b = await ok(createBatch(running.id, { sizes: ['S'], colors: ['NAVY'], quantities: [[5]] }), 201);
    await ok(move(running.id, b.id, { action: 'start' }));
    const fromRunning = await ok(split(running.id, move1), 201);
    expect(fromRunning.order.state).toBe('InProgress');
    expect(fromRunning.split.state).toBe('Released');

    const cancelled = await createOrder(t.planner, tp.id, { matrix: m });
    await ok(transition(t.planner, cancelled.id, { action: 'cancel', reason: 'buyer withdrew' }));
    const refused = await split(cancelled.id, move1);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('ILLEGAL_TRANSITION');
  });

  it('refuses bad input with 400 naming the field, and the whole order with 409 SPLIT_TAKES_ALL', async () => {
    const tp = await createTechPack(t.commercial, 'Commercial');
    const o = await createOrder(t.planner, tp.id, {
      matrix: matrix([
        [5, 0, 0],
        [0, 0, 0],
      ]),
    });
    const m = { sizes: ['S'], colors: ['NAVY'], quantities: [[1]] };
    const fields = async (body: unknown) => {
      const res = await split(o.id, body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      return res.body.error.details.fields.map((f: { field: string }) => f.field);
    };
    expect(await fields({ matrix: m })).toEqual(['reason']);
    expect(await fields({ matrix: m, reason: '  ' })).toEqual(['reason']);
    expect(await fields({ reason: 'x' })).toEqual(['matrix']);
    expect(await fields({ matrix: { sizes: ['XXL'], colors: ['TEAL'], quantities: [[1]] }, reason: 'x' })).toEqual([
      'matrix.sizes[0]',
      'matrix.colors[0]',
    ]);
    expect(await fields({ matrix: { ...m, quantities: [[0]] }, reason: 'x' })).toEqual(['matrix.quantities']);
    expect(await fields({ matrix: m, reason: 'x', deliveryDate: 'soon' })).toEqual(['deliveryDate']);
    expect(await fields({ matrix: m, reason: 'x', state: 'Draft' })).toEqual(['state']);
    const all = await split(o.id, { matrix: { ...m, quantities: [[5]] }, reason: 'x' });
    expect(all.status).toBe(409);
    expect(all.body.error.code).toBe('SPLIT_TAKES_ALL');
    expect((await split(o.id, { matrix: m, reason: 'x' }, {}, t.viewer)).status).toBe(403);
    expect((await split('PO-999999', { matrix: m, reason: 'x' })).status).toBe(404);
    expect((await getOrder(o.id)).version).toBe(1);
  });

  it('a sales order’s production order: the split is linked to it too, and coverage stays right', async () => {
    const tp = await createTechPack(t.commercial, 'ProductionReady');
    const so = await ok(
      api('POST', '/v1/sales-orders', {
        token: t.commercial,
        body: {
          customer: 'ACME Retail',
          techPackId: tp.id,
          matrix: matrix([
            [10, 20, 30],
            [0, 5, 5],
          ]),
          deliveryDate: '2027-04-01',
        },
      }),
      201,
    );
    for (const to of ['Sent', 'Accepted'])
      await ok(api('POST', `/v1/sales-orders/${so.id}/transitions`, { token: t.commercial, body: { to } }));
    const po = await ok(api('POST', `/v1/sales-orders/${so.id}/production-orders`, { token: t.commercial }), 201);
    const answer = await split(po.id, {
      matrix: { sizes: ['L'], colors: ['NAVY', 'RED'], quantities: [[30], [5]] },
      reason: 'L later',
    });
    const res = await ok(Promise.resolve(answer), 201);
    // The sales order is read beside the id (in parallel): one request more, no round trip more.
    expect(usage(answer).byOperation).toEqual({ BatchGetItem: 1, UpdateItem: 1, GetItem: 1, TransactWriteItems: 1 });
    expect(res.split.source).toEqual({ type: 'salesOrder', salesOrderId: so.id, customer: 'ACME Retail' });
    const after = await ok(api('GET', `/v1/sales-orders/${so.id}`, { token: t.viewer }));
    expect(after.productionOrderIds).toEqual([po.id, res.split.id]);
    const soHistory = (await ok(api('GET', `/v1/sales-orders/${so.id}/history`, { token: t.viewer }))).items;
    expect(soHistory.at(-1)).toMatchObject({
      action: 'productionOrder',
      details: { productionOrderId: res.split.id, splitFrom: po.id, total: 35 },
    });
    // The original and its split together still cover every garment: nothing remains.
    const again = await api('POST', `/v1/sales-orders/${so.id}/production-orders`, { token: t.commercial });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('NOTHING_REMAINING');
    // Cancelling the split gives its quantity back to the sales order.
    await ok(transition(t.planner, res.split.id, { action: 'cancel', reason: 'L dropped for now' }));
    const rest = await ok(api('POST', `/v1/sales-orders/${so.id}/production-orders`, { token: t.commercial }), 201);
    expect(rest.matrix.quantities).toEqual([
      [0, 0, 30],
      [0, 0, 5],
    ]);
  });

  it('Idempotency-Key: the same split twice is one split and the same answer', async () => {
    const tp = await createTechPack(t.commercial, 'Commercial');
    const o = await createOrder(t.planner, tp.id, {
      matrix: matrix([
        [5, 5, 0],
        [0, 0, 0],
      ]),
    });
    const body = { matrix: { sizes: ['M'], colors: ['NAVY'], quantities: [[5]] }, reason: 'M later' };
    const key = { 'idempotency-key': `split-${process.pid}-${Date.now()}` };
    const answers = await Promise.all([split(o.id, body, key), split(o.id, body, key)]);
    const first = answers.find((a) => a.status === 201)!;
    expect(first).toBeDefined();
    // The other one either replays the answer or is told the first is still running.
    const other = answers.find((a) => a !== first)!;
    if (other.status === 201) expect(other.body).toEqual(first.body);
    else expect(other.body.error.code).toBe('IDEMPOTENCY_IN_FLIGHT');
    const replay = await split(o.id, body, key);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect((await ordersOf(tp.id)).map((x: any) => x.id).sort()).toEqual([o.id, first.body.split.id].sort());
    expect((await getOrder(o.id)).total).toBe(5);
    const other2 = await split(o.id, { ...body, reason: 'another' }, key);
    expect(other2.status).toBe(422);
  });
});

describe('a split racing batch creations on the same cells', () => {
  it('never over-allocates: 16 splits and 16 batch creations at once, every garment accounted for', async () => {
    const o = await releasedOrder({
      matrix: matrix([
        [0, 100, 0],
        [0, 0, 10],
      ]),
      batchPlan: { maxBatchQty: 500 },
    });
    const cell = { sizes: ['M'], colors: ['NAVY'], quantities: [[5]] };
    const requests = Array.from({ length: 32 }, (_, i) =>
      i % 2 === 0
        ? split(o.id, { matrix: cell, reason: `split ${i}` }).then((r) => ({ kind: 'split' as const, r }))
        : createBatch(o.id, cell).then((r) => ({ kind: 'batch' as const, r })),
    );
    const answers = await Promise.all(requests);
    const splits = answers.filter((a) => a.kind === 'split');
    const batches = answers.filter((a) => a.kind === 'batch');
    for (const a of splits) {
      expect([201, 409], JSON.stringify(a.r.body)).toContain(a.r.status);
      if (a.r.status === 409) expect(a.r.body.error.code).toBe('BELOW_BATCHED');
    }
    for (const a of batches) {
      expect([201, 409], JSON.stringify(a.r.body)).toContain(a.r.status);
      if (a.r.status === 409) expect(a.r.body.error.code).toBe('OVER_ALLOCATED');
    }
    const splitOk = splits.filter((a) => a.r.status === 201);
    const batchOk = batches.filter((a) => a.r.status === 201);
    // Demand was 160 garments for 100: some were refused.
    expect(splitOk.length + batchOk.length).toBeLessThan(32);

    const after = await getOrder(o.id);
    const orderedM = after.matrix.quantities[0][1];
    const batchedM = after.progress.batched.quantities[0][1];
    // Exact accounting: what left went to the splits, what was batched is the batches, and the cell
    // never holds more batched than its ordered quantity plus the over-tolerance.
    expect(orderedM).toBe(100 - 5 * splitOk.length);
    expect(batchedM).toBe(5 * batchOk.length);
    expect(batchedM).toBeLessThanOrEqual(toleranceBounds(orderedM, after.tolerance).max);
    expect(after.matrix.quantities[1][2]).toBe(10);
    const listed = (await ok(api('GET', `${base(o.id)}/batches?limit=100`, { token: t.viewer }))).items;
    expect(listed).toHaveLength(batchOk.length);
    expect(listed.reduce((n: number, b: any) => n + b.total, 0)).toBe(batchedM);

    const family = (await ordersOf(o.techPackId)).filter((x: any) => x.splitFrom === o.id);
    expect(family).toHaveLength(splitOk.length);
    expect(family.reduce((n: number, x: any) => n + x.total, 0)).toBe(5 * splitOk.length);
    expect(new Set(family.map((x: any) => x.id))).toEqual(new Set(splitOk.map((a) => a.r.body.split.id)));
    const h = await history(o.id);
    expect(h.filter((e: any) => e.action === 'split')).toHaveLength(splitOk.length);
    // Each write saw the one before it: the versions are consecutive, one per accepted request.
    expect(after.version).toBe(o.version + splitOk.length + batchOk.length);
  });
});
