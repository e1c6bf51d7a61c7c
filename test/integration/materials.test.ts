// The materials summary through the HTTP API: numbers checked by hand (docs/materials.md has the
// same example), stale after a BOM edit, fresh after a refresh, pinned after release.
import { beforeAll, describe, expect, it } from 'vitest';
import { api, tokens, type ApiAnswer } from '../support/api.js';
import { createOrder, createTechPack, matrix, transition } from '../support/fixtures.js';

let t: Awaited<ReturnType<typeof tokens>>;
beforeAll(async () => {
  t = await tokens();
});

const ok = async (p: Promise<ApiAnswer>, status = 200) => {
  const res = await p;
  expect(res.status, JSON.stringify(res.body)?.slice(0, 800)).toBe(status);
  return res.body;
};

const BOM = [
  {
    material: 'FAB-JERSEY',
    uom: 'm',
    consumption: { S: 1.1, M: 1.2, L: 1.35 },
    wastagePct: 5,
    variants: 'match',
    purchaseMultiple: 50,
  },
  { material: 'LABEL-CARE', uom: 'pc', consumption: 1, wastagePct: 2 },
  {
    material: 'INK-PRINT',
    uom: 'kg',
    consumption: 0.02,
    wastagePct: 10,
    appliesTo: ['RED'],
    variants: { RED: 'INK-WHITE' },
    purchaseMultiple: 0.5,
  },
];
/** NAVY 10/20/30 and RED 0/50/50 over S/M/L. */
const ORDER = matrix([
  [10, 20, 30],
  [0, 50, 50],
]);

const materials = (id: string, token = t.viewer) => api('GET', `/v1/production-orders/${id}/materials`, { token });
const refresh = (id: string, token = t.logistics) =>
  api('POST', `/v1/production-orders/${id}/materials/refresh`, { token });
const figures = (body: any) =>
  body.lines.map((l: any) => [l.material, l.variant, l.garments, l.net, l.gross, l.purchase]);
const calls = (res: ApiAnswer) =>
  JSON.parse(res.headers.get('x-dynamo-usage') ?? '{}') as { calls: number; byOperation: Record<string, number> };

async function patchBom(tpId: string, bom: unknown) {
  const tp = await ok(api('GET', `/v1/tech-packs/${tpId}`, { token: t.viewer }));
  return ok(
    api('PATCH', `/v1/tech-packs/${tpId}`, {
      token: t.commercial,
      body: { bom },
      headers: { 'if-match': `"${tp.version}"` },
    }),
  );
}

describe('materials summary', () => {
  it('numbers a newcomer can check by hand (the docs/materials.md example)', async () => {
    const tp = await createTechPack(t.commercial, 'Commercial', { bom: BOM });
    const o = await createOrder(t.planner, tp.id, { matrix: ORDER });
    const res = await materials(o.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      orderId: o.id,
      techPackId: tp.id,
      bomRevision: 1,
      techPackBomRevision: 1,
      stale: false,
      pinned: false,
      source: 'read',
      recordedBy: 'vic@example.com',
    });
    expect(figures(res.body)).toEqual([
      // 10 x 1.1 + 20 x 1.2 + 30 x 1.35 = 75.5 m; x 1.05 = 79.275; rolls of 50 -> 100
      ['FAB-JERSEY', 'NAVY', 60, 75.5, 79.275, 100],
      // 50 x 1.2 + 50 x 1.35 = 127.5 m; x 1.05 = 133.875 -> 150
      ['FAB-JERSEY', 'RED', 100, 127.5, 133.875, 150],
      // one label per garment: 160; x 1.02 = 163.2; no multiple -> 163.2
      ['LABEL-CARE', 'LABEL-CARE', 160, 160, 163.2, 163.2],
      // RED only: 100 x 0.02 = 2 kg; x 1.10 = 2.2; tins of 0.5 -> 2.5
      ['INK-PRINT', 'INK-WHITE', 100, 2, 2.2, 2.5],
    ]);
    expect(res.body.lines[0]).toMatchObject({ line: 0, uom: 'm', wastagePct: 5, purchaseMultiple: 50 });
    expect(res.body.rounding).toContain('half-up to 3 decimals');
  });

  it('10,000 garments x 1.35 m is exactly 13,500 m', async () => {
    const tp = await createTechPack(t.commercial, 'Commercial', {
      bom: [{ material: 'FAB', uom: 'm', consumption: 1.35, wastagePct: 5, purchaseMultiple: 50 }],
    });
    const o = await createOrder(t.planner, tp.id, {
      matrix: matrix([
        [1234, 2345, 3456],
        [765, 1200, 1000],
      ]),
    });
    expect(figures(await ok(materials(o.id)))).toEqual([['FAB', 'FAB', 10_000, 13_500, 14_175, 14_200]]);
  });

  it('stale after a BOM edit (If-Match) on the tech pack, fresh after a refresh', async () => {
    const tp = await createTechPack(t.commercial, 'Commercial', { bom: BOM });
    const o = await createOrder(t.planner, tp.id, { matrix: ORDER });
    const first = await materials(o.id);
    expect(calls(first)).toMatchObject({
      calls: 3,
      byOperation: { BatchGetItem: 1, GetItem: 1, TransactWriteItems: 1 },
    }); // records the BOM it used
    const again = await materials(o.id);
    expect(calls(again)).toMatchObject({ calls: 2, byOperation: { BatchGetItem: 1, GetItem: 1 } });
    expect(again.body).toEqual(first.body);

    // L now takes 1.4 m.
    const edited = await patchBom(tp.id, [{ ...BOM[0], consumption: { S: 1.1, M: 1.2, L: 1.4 } }, BOM[1], BOM[2]]);
    expect(edited.bomRevision).toBe(2);
    const stale = await ok(materials(o.id));
    expect(stale).toMatchObject({ bomRevision: 1, techPackBomRevision: 2, stale: true, pinned: false });
    expect(figures(stale)[0]).toEqual(['FAB-JERSEY', 'NAVY', 60, 75.5, 79.275, 100]); // still the recorded BOM's numbers

    expect((await refresh(o.id, t.viewer)).status).toBe(403);
    expect((await refresh(o.id, t.commercial)).status).toBe(403);
    const fresh = await refresh(o.id);
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({
      bomRevision: 2,
      techPackBomRevision: 2,
      stale: false,
      source: 'refresh',
      recordedBy: 'lou@example.com',
    });
    expect(figures(fresh.body).slice(0, 2)).toEqual([
      ['FAB-JERSEY', 'NAVY', 60, 77, 80.85, 100], // 11 + 24 + 42 = 77; x 1.05 = 80.85
      ['FAB-JERSEY', 'RED', 100, 130, 136.5, 150], // 60 + 70 = 130; x 1.05 = 136.5
    ]);
    expect(await ok(materials(o.id))).toEqual(fresh.body);

    // The order's own quantities always count: a matrix edit shows at once.
    await ok(
      api('POST', `/v1/production-orders/${o.id}/matrix-edits`, {
        token: t.planner,
        body: { baseVersion: 1, edits: [{ color: 'NAVY', size: 'S', from: 10, to: 0 }] },
      }),
    );
    expect(figures(await ok(materials(o.id)))[0]).toEqual(['FAB-JERSEY', 'NAVY', 50, 66, 69.3, 100]);
  });

  it('pinned after release: the release snapshot, not later BOM edits (nor a stale pre-release record)', async () => {
    const tp = await createTechPack(t.commercial, 'Commercial', { bom: BOM });
    const o = await createOrder(t.planner, tp.id, { matrix: ORDER });
    await ok(materials(o.id)); // records revision 1
    await patchBom(tp.id, [{ ...BOM[0], wastagePct: 10 }, BOM[1], BOM[2]]); // revision 2, not refreshed
    for (const to of ['Design', 'Approval', 'ProductionReady']) {
      const token = to === 'ProductionReady' ? t.approver : t.commercial;
      await ok(api('POST', `/v1/tech-packs/${tp.id}/transitions`, { token, body: { to } }));
    }
    await ok(transition(t.planner, o.id, { action: 'plan' }));
    const released = await ok(transition(t.planner, o.id, { action: 'release' }));
    expect(released.releasedBomRevision).toBe(2);
    // A signed-off BOM is locked: it changes after release only once the tech pack is back in Design.
    await ok(api('POST', `/v1/tech-packs/${tp.id}/transitions`, { token: t.commercial, body: { to: 'Design' } }));
    await patchBom(tp.id, [{ ...BOM[0], wastagePct: 50 }, BOM[1], BOM[2]]); // revision 3, after release

    const pinned = await ok(materials(o.id));
    expect(pinned).toMatchObject({
      bomRevision: 2,
      techPackBomRevision: 3,
      stale: false,
      pinned: true,
      source: 'release',
    });
    // revision 2: 10% wastage -> 75.5 x 1.1 = 83.05
    expect(figures(pinned)[0]).toEqual(['FAB-JERSEY', 'NAVY', 60, 75.5, 83.05, 100]);
    const refreshed = await ok(refresh(o.id, t.planner));
    expect(refreshed).toEqual(pinned);
  });

  it('purchase quantities as buyers buy: same material, variant and uom summed before rounding; minimumOrderQty a floor', async () => {
    // 100 garments: 4.5 m of thread each for the seams (450 m), 3.5 m for the hems (350 m), on 1,000 m cones.
    const bom = [
      { material: 'THREAD-40', uom: 'm', consumption: 4.5, wastagePct: 0, purchaseMultiple: 1000 },
      { material: 'LABEL-SIZE', uom: 'pc', consumption: 1, wastagePct: 0, minimumOrderQty: 500, purchaseMultiple: 100 },
      { material: 'THREAD-40', uom: 'm', consumption: 3.5, wastagePct: 0, purchaseMultiple: 1000 },
    ];
    const tp = await createTechPack(t.commercial, 'Commercial', { bom });
    expect(tp.bom[1]).toMatchObject({ minimumOrderQty: 500, purchaseMultiple: 100 });
    const o = await createOrder(t.planner, tp.id, {
      matrix: matrix([
        [50, 50, 0],
        [0, 0, 0],
      ]),
    });
    const body = await ok(materials(o.id));
    expect(figures(body)).toEqual([
      ['THREAD-40', 'THREAD-40', 100, 800, 800, 1000], // one cone, not two
      ['LABEL-SIZE', 'LABEL-SIZE', 100, 100, 100, 500], // 100 labels needed, the supplier's minimum is 500
    ]);
    expect(body.lines[0]).toMatchObject({
      line: 0,
      lines: [0, 2],
      purchaseMultiple: 1000,
      minimumOrderQty: null,
      sources: [
        { line: 0, consumption: 4.5, net: 450, gross: 450 },
        { line: 2, consumption: 3.5, net: 350, gross: 350 },
      ],
    });
    expect(body.lines[1]).toMatchObject({
      line: 1,
      lines: [1],
      consumption: 1,
      wastagePct: 0,
      minimumOrderQty: 500,
      purchaseMultiple: 100,
    });
    const bad = await api('POST', '/v1/tech-packs', {
      token: t.commercial,
      body: {
        ...tp,
        id: undefined,
        state: undefined,
        version: undefined,
        bomRevision: undefined,
        createdAt: undefined,
        updatedAt: undefined,
        styleCode: `MOQ-${Date.now()}`,
        bom: [{ ...bom[1], minimumOrderQty: 0 }],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['bom[0].minimumOrderQty']);
  });

  it('409 BOM_INCOMPLETE when the BOM does not cover the order (no silent zero)', async () => {
    const tp = await createTechPack(t.commercial, 'Commercial', { bom: BOM });
    // XL is the order's own size: the tech pack's BOM has no consumption for it.
    const o = await createOrder(t.planner, tp.id, {
      matrix: {
        sizes: ['S', 'XL'],
        colors: ['NAVY', 'RED'],
        quantities: [
          [1, 2],
          [0, 0],
        ],
      },
    });
    const res = await materials(o.id);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('BOM_INCOMPLETE');
    expect(res.body.error.details.problems).toEqual([
      {
        line: 0,
        material: 'FAB-JERSEY',
        size: 'XL',
        message: 'has no consumption for size XL, which 2 garment(s) of this order need',
      },
    ]);
    expect((await materials('PO-999999999')).status).toBe(404);
  });
});
