// Material requirements across orders through the HTTP API: orders in every state (Draft tentative,
// Planned firm, Released pinned after a BOM change, Completed and Cancelled counting nothing), raw
// material supply with If-Match, and the requirement kept current by each order change. The test
// stack is shared: this file's materials are its own (a suffix), and every answer is filtered by one.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { addDays } from '../../shared/requirements.js';
import { api, tokens, type ApiAnswer } from '../support/api.js';
import { createOrder, createTechPack, matrix, moveTechPack, transition } from '../support/fixtures.js';

let t: Awaited<ReturnType<typeof tokens>>;
let leadDays: number;
beforeAll(async () => {
  t = await tokens();
  leadDays = (await api('GET', '/v1/settings', { token: t.viewer })).body.productionLeadDays;
});

const ok = async (p: Promise<ApiAnswer>, status = 200) => {
  const res = await p;
  expect(res.status, JSON.stringify(res.body)?.slice(0, 800)).toBe(status);
  return res.body;
};

const u = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`.toUpperCase();
const FAB = `FAB-${u}`;
const TRIM = `TRIM-${u}`;
const BOM = [
  { material: FAB, uom: 'm', consumption: 1, wastagePct: 0, variants: 'match', purchaseMultiple: 50 },
  { material: TRIM, uom: 'pc', consumption: 2, wastagePct: 0, appliesTo: ['RED'] },
];

const requirements = async (material: string, query = '') =>
  (await ok(api('GET', `/v1/material-requirements?material=${material}${query}`, { token: t.logistics })))
    .items as any[];
const byVariant = (lines: any[]) => Object.fromEntries(lines.map((l) => [`${l.variant}/${l.uom}`, l]));
const ordersOf = (line: any) => line.orders.map((o: any) => [o.id, o.state, o.gross]);

async function complete(orderId: string) {
  const gen = await ok(api('POST', `/v1/production-orders/${orderId}/batches/generate`, { token: t.planner }), 201);
  for (const b of gen.items) {
    const at = `/v1/production-orders/${orderId}/batches/${b.id}/transitions`;
    await ok(api('POST', at, { token: t.planner, body: { action: 'start' } }));
    const zero = { ...b.matrix, quantities: b.matrix.quantities.map((r: number[]) => r.map(() => 0)) };
    await ok(api('POST', at, { token: t.planner, body: { action: 'finish', produced: b.matrix, rejected: zero } }));
  }
  return ok(transition(t.planner, orderId, { action: 'complete' }));
}

async function changeBom(tpId: string, bom: unknown) {
  await moveTechPack(t.admin, tpId, 'Design');
  const tp = await ok(api('GET', `/v1/tech-packs/${tpId}`, { token: t.viewer }));
  await ok(
    api('PATCH', `/v1/tech-packs/${tpId}`, {
      token: t.admin,
      body: { bom },
      headers: { 'if-match': `"${tp.version}"` },
    }),
  );
  await moveTechPack(t.admin, tpId, 'Approval');
  return moveTechPack(t.admin, tpId, 'ProductionReady');
}

describe('raw-material supply', () => {
  it('PUT and GET with version and If-Match like stock; RawMaterial.Changed in the outbox', async () => {
    const m = `RM-${u}`;
    const none = await api('GET', `/v1/raw-materials/${m}`, { token: t.viewer });
    expect(none.status).toBe(200);
    expect(none.body).toEqual({
      material: m,
      leadTimeDays: 0,
      variants: [],
      version: 0,
      updatedAt: null,
      updatedBy: null,
    });
    expect(none.headers.get('etag')).toBe('"0"');

    const body = {
      leadTimeDays: 21,
      variants: [{ variant: m, uom: 'm', onHand: 12.5, onOrder: [{ qty: 100, eta: '2027-02-01' }] }],
    };
    expect((await api('PUT', `/v1/raw-materials/${m}`, { token: t.planner, body })).status).toBe(403);
    const first = await ok(api('PUT', `/v1/raw-materials/${m}`, { token: t.logistics, body }));
    expect(first).toMatchObject({
      material: m,
      leadTimeDays: 21,
      version: 1,
      updatedBy: 'lou@example.com',
      variants: body.variants,
    });

    // A stale If-Match: 412 with the material as it stands; the right one: written.
    const stale = await api('PUT', `/v1/raw-materials/${m}`, { token: t.system, body, headers: { 'if-match': '"0"' } });
    expect(stale.status).toBe(412);
    expect(stale.body.error.details.current).toMatchObject({ version: 1 });
    await ok(
      api('PUT', `/v1/raw-materials/${m}`, {
        token: t.system,
        body: { ...body, leadTimeDays: 30 },
        headers: { 'if-match': '"1"' },
      }),
    );
    // The body GET answered, sent back with its version: conditional too.
    const got = await api('GET', `/v1/raw-materials/${m}`, { token: t.viewer });
    expect(got.headers.get('etag')).toBe('"2"');
    expect(got.body).toMatchObject({ leadTimeDays: 30, version: 2 });
    expect(
      (await api('PUT', `/v1/raw-materials/${m}`, { token: t.admin, body: { ...got.body, version: 1 } })).status,
    ).toBe(412);
    await ok(api('PUT', `/v1/raw-materials/${m}`, { token: t.admin, body: { ...got.body, leadTimeDays: 35 } }));

    const bad = await api('PUT', `/v1/raw-materials/${m}`, {
      token: t.admin,
      body: {
        leadTimeDays: 1.5,
        variants: [{ variant: 'X', uom: 'm', onHand: 1, onOrder: [{ qty: 1, eta: 'soon' }] }],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.map((d: any) => d.field)).toEqual([
      'leadTimeDays',
      'variants[0].onOrder[0].eta',
    ]);

    const file = path.join(inject('dataDir'), 'events.ndjson');
    const deadline = Date.now() + 15_000;
    let changed: any[] = [];
    while (Date.now() < deadline) {
      const lines = existsSync(file)
        ? readFileSync(file, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l))
        : [];
      changed = lines.filter((e) => e['detail-type'] === 'RawMaterial.Changed' && e.detail.material === m);
      if (changed.length >= 3) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(changed.map((e) => [e.detail.action, e.detail.version])).toEqual([
      ['create', 1],
      ['update', 2],
      ['update', 3],
    ]);
  });
});

describe('requirements across orders', () => {
  it('Drafts tentative, Planned/Released firm, released pinned, nothing of Completed or Cancelled', async () => {
    const tp = await createTechPack(t.commercial, 'ProductionReady', { bom: BOM });
    const draft = await createOrder(t.planner, tp.id, {
      deliveryDate: '2027-05-01',
      matrix: matrix([
        [0, 10, 0],
        [0, 0, 20],
      ]),
    });
    const planned = await createOrder(t.planner, tp.id, {
      deliveryDate: '2027-03-01',
      matrix: matrix([
        [0, 30, 0],
        [0, 0, 0],
      ]),
    });
    await ok(transition(t.planner, planned.id, { action: 'plan' }));
    const released = await createOrder(t.planner, tp.id, {
      deliveryDate: '2027-04-01',
      matrix: matrix([
        [0, 0, 0],
        [0, 40, 0],
      ]),
    });
    await ok(transition(t.planner, released.id, { action: 'plan' }));
    await ok(transition(t.planner, released.id, { action: 'release' }));
    const cancelled = await createOrder(t.planner, tp.id, {
      deliveryDate: '2027-01-01',
      matrix: matrix([
        [0, 100, 0],
        [0, 0, 100],
      ]),
    });
    await ok(transition(t.planner, cancelled.id, { action: 'cancel', reason: 'customer withdrew' }));
    const completed = await createOrder(t.planner, tp.id, {
      deliveryDate: '2027-01-01',
      matrix: matrix([
        [0, 5, 0],
        [0, 0, 5],
      ]),
    });
    await ok(transition(t.planner, completed.id, { action: 'plan' }));
    await ok(transition(t.planner, completed.id, { action: 'release' }));
    expect((await complete(completed.id)).state).toBe('Completed');

    await ok(
      api('PUT', `/v1/raw-materials/${FAB}`, {
        token: t.logistics,
        body: {
          leadTimeDays: 20,
          variants: [
            {
              variant: 'NAVY',
              uom: 'm',
              onHand: 5,
              onOrder: [
                { qty: 10, eta: '2027-01-01' },
                { qty: 100, eta: '2027-12-01' },
              ],
            },
          ],
        },
      }),
    );

    let fab = byVariant(await requirements(FAB));
    expect(Object.keys(fab).sort()).toEqual(['NAVY/m', 'RED/m']);
    // NAVY: Planned 30 firm, Draft 10 tentative; the Completed and Cancelled orders are not there.
    expect(fab['NAVY/m']).toMatchObject({ material: FAB, required: { firm: 30, tentative: 10 }, stale: false });
    expect(ordersOf(fab['NAVY/m'])).toEqual([
      [planned.id, 'Planned', 30],
      [draft.id, 'Draft', 10],
    ]);
    // needBy: the Planned order's 2027-03-01 - productionLeadDays; orderBy: - 20 days of lead time.
    const needBy = addDays('2027-03-01', -leadDays);
    expect(fab['NAVY/m']).toMatchObject({
      needBy,
      orderBy: addDays(needBy, -20),
      onHand: 5,
      onOrder: 10,
      net: 25,
      purchase: 50,
    });
    // RED: Released 40 firm, Draft 20 tentative; no supply of the variant: nothing on hand or on order,
    // the material's lead time all the same.
    expect(fab['RED/m']).toMatchObject({
      required: { firm: 40, tentative: 20 },
      onHand: 0,
      onOrder: 0,
      net: 60,
      purchase: 100,
    });
    expect(fab['RED/m'].orderBy).toBe(addDays(fab['RED/m'].needBy, -20));
    // A line that applies to RED only: 2 a garment.
    const trim = byVariant(await requirements(TRIM));
    expect(trim).toEqual({
      [`${TRIM}/pc`]: expect.objectContaining({ required: { firm: 80, tentative: 40 }, net: 80 + 40, purchase: 120 }),
    });

    // The BOM changes (2 m a garment): the released order stays pinned; the others are stale until refreshed.
    await changeBom(tp.id, [{ ...BOM[0], consumption: 2 }, BOM[1]]);
    fab = byVariant(await requirements(FAB));
    expect(fab['NAVY/m']).toMatchObject({ required: { firm: 30, tentative: 10 }, stale: true });
    await ok(api('POST', `/v1/production-orders/${draft.id}/materials/refresh`, { token: t.logistics }));
    await ok(api('POST', `/v1/production-orders/${planned.id}/materials/refresh`, { token: t.logistics }));
    await ok(api('POST', `/v1/production-orders/${released.id}/materials/refresh`, { token: t.logistics }));
    fab = byVariant(await requirements(FAB));
    expect(fab['NAVY/m']).toMatchObject({ required: { firm: 60, tentative: 20 }, stale: false });
    expect(ordersOf(fab['RED/m'])).toEqual([
      [released.id, 'Released', 40],
      [draft.id, 'Draft', 40],
    ]);
    expect(fab['RED/m']).toMatchObject({ required: { firm: 40, tentative: 40 }, stale: false });

    // Each order change moves its requirement: a matrix edit, a new delivery date, a state change.
    const d = await ok(api('GET', `/v1/production-orders/${draft.id}`, { token: t.viewer }));
    await ok(
      api('POST', `/v1/production-orders/${draft.id}/matrix-edits`, {
        token: t.planner,
        body: { baseVersion: d.version, edits: [{ color: 'NAVY', size: 'M', from: 10, to: 15 }] },
      }),
    );
    const p = await ok(api('GET', `/v1/production-orders/${planned.id}`, { token: t.viewer }));
    await ok(
      api('PATCH', `/v1/production-orders/${planned.id}`, {
        token: t.planner,
        body: { deliveryDate: '2027-02-01' },
        headers: { 'if-match': `"${p.version}"` },
      }),
    );
    fab = byVariant(await requirements(FAB));
    expect(fab['NAVY/m']).toMatchObject({
      required: { firm: 60, tentative: 30 },
      needBy: addDays('2027-02-01', -leadDays),
    });
    await ok(transition(t.planner, planned.id, { action: 'cancel', reason: 'merged into another order' }));
    fab = byVariant(await requirements(FAB));
    expect(fab['NAVY/m']).toMatchObject({
      required: { firm: 0, tentative: 30 },
      needBy: addDays('2027-05-01', -leadDays),
    });
    expect(ordersOf(fab['NAVY/m'])).toEqual([[draft.id, 'Draft', 30]]);

    // Filters: states; paging through the lines in order.
    const firmOnly = byVariant(await requirements(FAB, '&states=Released,InProgress'));
    expect(Object.keys(firmOnly)).toEqual(['RED/m']);
    expect(firmOnly['RED/m'].required).toEqual({ firm: 40, tentative: 0 });
    const page1 = await ok(api('GET', `/v1/material-requirements?material=${FAB}&limit=1`, { token: t.viewer }));
    expect(page1.items).toHaveLength(1);
    const page2 = await ok(
      api('GET', `/v1/material-requirements?material=${FAB}&limit=1&cursor=${page1.nextCursor}`, { token: t.viewer }),
    );
    expect(page2.items).toHaveLength(1);
    expect(page2.nextCursor).toBeNull();
    expect([page1.items[0].orderBy <= page2.items[0].orderBy]).toEqual([true]);
    expect((await api('GET', '/v1/material-requirements?states=Completed', { token: t.viewer })).status).toBe(400);
    const forged = await api('GET', `/v1/material-requirements?material=${TRIM}&cursor=${page1.nextCursor}`, {
      token: t.viewer,
    });
    expect(forged.status).toBe(400);
  });

  it('an order created from a sales order has its requirement from the start', async () => {
    const tp = await createTechPack(t.commercial, 'ProductionReady', { bom: [{ ...BOM[0], material: `${FAB}-SO` }] });
    const so = await ok(
      api('POST', '/v1/sales-orders', {
        token: t.commercial,
        body: {
          customer: 'ACME',
          techPackId: tp.id,
          matrix: matrix([
            [1, 2, 3],
            [0, 0, 4],
          ]),
          deliveryDate: '2027-06-01',
        },
      }),
      201,
    );
    await ok(api('POST', `/v1/sales-orders/${so.id}/transitions`, { token: t.commercial, body: { to: 'Sent' } }));
    await ok(api('POST', `/v1/sales-orders/${so.id}/transitions`, { token: t.commercial, body: { to: 'Accepted' } }));
    const po = await ok(api('POST', `/v1/sales-orders/${so.id}/production-orders`, { token: t.commercial }), 201);
    const lines = byVariant(await requirements(`${FAB}-SO`));
    expect(ordersOf(lines['NAVY/m'])).toEqual([[po.id, 'Draft', 6]]);
    expect(ordersOf(lines['RED/m'])).toEqual([[po.id, 'Draft', 4]]);
  });
});
