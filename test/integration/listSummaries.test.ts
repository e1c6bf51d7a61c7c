// Every list answers the whole summary of what it lists, from the indexes as DynamoDB Local holds
// them (tableDefinition.ts LIST_ENTRIES: each index projects what its lists answer, nothing more):
// an order edited, moved and listed by state, by style and of all states reads back in each list as
// GET answers it; tech packs and sales orders the same; the requirements answer still carries each
// open order's lines after its #REQ left byState for the keys-only byRequirement index.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ORDER_SUMMARY_FIELDS,
  SALES_ORDER_SUMMARY_FIELDS,
  TECH_PACK_SUMMARY_FIELDS,
} from '../../shared/schemas/resources.js';
import { api, tokens } from '../support/api.js';
import { createOrder, createTechPack, matrix, transition } from '../support/fixtures.js';

let t: Awaited<ReturnType<typeof tokens>>;
beforeAll(async () => {
  t = await tokens();
});

const summaryOf = (whole: Record<string, unknown>, fields: readonly string[]) =>
  Object.fromEntries(fields.filter((f) => whole[f] !== undefined).map((f) => [f, whole[f]]));

/** The item of `id` in a list, paging (newest first) until it is found. */
async function listed(path: string, id: string): Promise<Record<string, unknown> | undefined> {
  let cursor: string | null = null;
  for (let pages = 0; pages < 50; pages++) {
    const sep = path.includes('?') ? '&' : '?';
    const res: { status: number; body: any } = await api(
      'GET',
      `${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      {
        token: t.viewer,
      },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const hit = res.body.items.find((it: { id: string }) => it.id === id);
    if (hit) return hit;
    cursor = res.body.nextCursor;
    if (!cursor) return undefined;
  }
  return undefined;
}

describe('lists answer whole summaries from the indexes', () => {
  it('an order edited and planned: the same summary by state, by style and of all states as GET gives', async () => {
    const material = `FAB-LS-${process.pid}`;
    const tp = await createTechPack(t.commercial, 'ProductionReady', {
      bom: [{ material, uom: 'm', consumption: 1.5, wastagePct: 0 }],
    });
    const o = await createOrder(t.planner, tp.id, {
      matrix: matrix([
        [10, 0, 5],
        [0, 4, 0],
      ]),
    });
    const patched = await api('PATCH', `/v1/production-orders/${o.id}`, {
      token: t.planner,
      body: { notes: 'kept out of every index' },
      headers: { 'if-match': `"${o.version}"` },
    });
    expect(patched.status).toBe(200);
    const edited = await api('POST', `/v1/production-orders/${o.id}/matrix-edits`, {
      token: t.planner,
      body: { baseVersion: patched.body.version, edits: [{ color: 'RED', size: 'M', from: 4, to: 6 }] },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect((await transition(t.planner, o.id, { action: 'plan' })).status).toBe(200);

    const whole = (await api('GET', `/v1/production-orders/${o.id}`, { token: t.viewer })).body;
    expect(whole).toMatchObject({ state: 'Planned', total: 21, version: 4 });
    const expected = summaryOf(whole, ORDER_SUMMARY_FIELDS);
    for (const path of [
      `/v1/production-orders?techPackId=${tp.id}`,
      `/v1/production-orders?techPackId=${tp.id}&state=Planned`,
      '/v1/production-orders?state=Planned',
      '/v1/production-orders',
    ]) {
      const item = await listed(path, o.id);
      expect(item, path).toEqual(expected);
      expect(item, path).not.toHaveProperty('matrix');
      expect(item, path).not.toHaveProperty('notes');
    }
    expect(await listed('/v1/production-orders?state=Draft', o.id)).toBeUndefined();

    // The requirement moved with the order (firm now) and carries its lines: 10+5 S/L x 1.5 NAVY, 6 M x 1.5 RED.
    const req = await api('GET', `/v1/material-requirements?material=${material}`, { token: t.logistics });
    expect(req.status).toBe(200);
    const mine = req.body.items.flatMap((l: { orders: { id: string; state: string; gross: number }[] }) =>
      l.orders.filter((x) => x.id === o.id),
    );
    expect(mine).toEqual([expect.objectContaining({ id: o.id, state: 'Planned', gross: 31.5 })]);
    expect(req.body.items[0].required).toEqual({ firm: 31.5, tentative: 0 });

    // Closed: out of the requirements (its #REQ is no longer in byRequirement).
    expect((await transition(t.planner, o.id, { action: 'cancel', reason: 'test' })).status).toBe(200);
    const after = await api('GET', `/v1/material-requirements?material=${material}`, { token: t.logistics });
    expect(after.body.items).toEqual([]);
  });

  it('tech packs and sales orders: their summaries by state and of all states', async () => {
    const tp = await createTechPack(t.commercial, 'ProductionReady');
    const whole = (await api('GET', `/v1/tech-packs/${tp.id}`, { token: t.viewer })).body;
    for (const path of ['/v1/tech-packs?state=ProductionReady', '/v1/tech-packs'])
      expect(await listed(path, tp.id), path).toEqual(summaryOf(whole, TECH_PACK_SUMMARY_FIELDS));

    const so = await api('POST', '/v1/sales-orders', {
      token: t.commercial,
      body: {
        customer: 'ACME',
        techPackId: tp.id,
        matrix: matrix([
          [1, 2, 3],
          [0, 0, 1],
        ]),
        deliveryDate: '2027-04-01',
      },
    });
    expect(so.status, JSON.stringify(so.body)).toBe(201);
    const soWhole = (await api('GET', `/v1/sales-orders/${so.body.id}`, { token: t.viewer })).body;
    const item = await listed(`/v1/sales-orders?state=${soWhole.state}`, so.body.id);
    expect(item).toEqual(summaryOf(soWhole, SALES_ORDER_SUMMARY_FIELDS));
  });
});
