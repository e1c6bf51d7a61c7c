// Replenishment rules that depend on factory settings: they change settings, so this file runs
// alone (see vitest.config.ts) and restores them.
import { beforeAll, describe, expect, it } from 'vitest';
import { api, tokens } from '../support/api.js';
import { createTechPack } from '../support/fixtures.js';
import { keepFactorySettings } from '../support/settings.js';

let t: Awaited<ReturnType<typeof tokens>>;
keepFactorySettings();
beforeAll(async () => {
  t = await tokens();
});

const settings = async (body: Record<string, unknown>) =>
  expect((await api('PUT', '/v1/settings', { token: t.admin, body })).status).toBe(200);
const push = async (techPackId: string) =>
  expect(
    (
      await api('PUT', `/v1/stock/${techPackId}`, {
        token: t.system,
        body: { cells: [{ color: 'NAVY', size: 'M', onHand: 2, reorderPoint: 5, target: 30 }] },
      })
    ).status,
  ).toBe(200);
const run = async () => {
  const res = await api('POST', '/v1/replenishment/run', { token: t.system });
  expect(res.status).toBe(200);
  return res.body as { created: string[]; skipped: { techPackId: string; reason: string }[] };
};
const ordersOf = async (techPackId: string) =>
  (await api('GET', `/v1/production-orders?techPackId=${techPackId}`, { token: t.viewer })).body.items as {
    id: string;
  }[];

describe('replenishment and the factory settings', () => {
  it('skips styles whose tech pack is not yet at minTechPackStateForOrders', async () => {
    const early = await createTechPack(t.commercial, 'Design');
    const ready = await createTechPack(t.commercial, 'Approval');
    await push(early.id);
    await push(ready.id);
    await settings({ minTechPackStateForOrders: 'Approval' });
    const result = await run();
    expect(result.skipped.filter((s) => s.techPackId === early.id)).toMatchObject([{ reason: 'TECH_PACK_TOO_EARLY' }]);
    expect(await ordersOf(early.id)).toEqual([]);
    const readyOrders = await ordersOf(ready.id);
    expect(readyOrders).toHaveLength(1);
    expect(result.created).toContain(readyOrders[0].id);

    // once the setting allows it, the next run picks the style up
    await settings({ minTechPackStateForOrders: 'Design' });
    const later = await run();
    const earlyOrders = await ordersOf(early.id);
    expect(earlyOrders).toHaveLength(1);
    expect(later.created).toContain(earlyOrders[0].id);
    await settings({ minTechPackStateForOrders: 'Commercial' });
  });

  it('does nothing while replenishment is switched off', async () => {
    const tp = await createTechPack(t.commercial);
    await push(tp.id);
    await settings({ replenishment: { enabled: false } });
    const off = await run();
    expect(off.created).toEqual([]);
    expect(off.skipped.filter((s) => s.techPackId === tp.id)).toMatchObject([{ reason: 'REPLENISHMENT_DISABLED' }]);
    expect(await ordersOf(tp.id)).toEqual([]);

    await settings({ replenishment: { enabled: true } });
    const on = await run();
    const orders = await ordersOf(tp.id);
    expect(orders).toHaveLength(1);
    expect(on.created).toContain(orders[0].id);
  });

  it("orders are due leadTimeDays after the run, each color raised to minQtyPerColor by its sizes' need", async () => {
    const tp = await createTechPack(t.commercial);
    const cells = [
      { color: 'NAVY', size: 'S', onHand: 2, reorderPoint: 5, target: 12 }, // needs 10
      { color: 'NAVY', size: 'M', onHand: 0, reorderPoint: 5, target: 30 }, // needs 30
      { color: 'RED', size: 'L', onHand: 0, reorderPoint: 5, target: 25 }, // needs 25
      { color: 'RED', size: 'S', onHand: 40, reorderPoint: 5, target: 50 }, // not low: needs nothing
    ];
    expect((await api('PUT', `/v1/stock/${tp.id}`, { token: t.system, body: { cells } })).status).toBe(200);
    await settings({ replenishment: { leadTimeDays: 10, minQtyPerColor: 60 } });
    const result = await run();
    const [order] = (await ordersOf(tp.id)) as unknown as { id: string }[];
    expect(result.created).toContain(order.id);
    const got = (await api('GET', `/v1/production-orders/${order.id}`, { token: t.viewer })).body;
    const due = new Date(Date.parse(got.createdAt.slice(0, 10)) + 10 * 86_400_000).toISOString().slice(0, 10);
    // NAVY 40 -> 60 spread 10:30 = 15 + 45; RED 25 -> 60, all on L
    expect(got).toMatchObject({
      deliveryDate: due,
      matrix: {
        sizes: ['S', 'M', 'L'],
        colors: ['NAVY', 'RED'],
        quantities: [
          [15, 45, 0],
          [0, 0, 60],
        ],
      },
      total: 120,
    });
    expect(got.notes).toContain('Raised to the minimum of 60 per color: NAVY 40 -> 60; RED 25 -> 60');
    await settings({ replenishment: { leadTimeDays: 28, minQtyPerColor: 0 } });
  });
});
