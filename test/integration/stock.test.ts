// Stock levels per style, pushed by a warehouse system and read back.
import { beforeAll, describe, expect, it } from 'vitest';
import { api, tokens, type ApiAnswer } from '../support/api.js';
import { createTechPack } from '../support/fixtures.js';

let t: Awaited<ReturnType<typeof tokens>>;
beforeAll(async () => {
  t = await tokens();
});

const cell = (color: string, size: string, onHand: number, reorderPoint = 10, target = 40) => ({
  color,
  size,
  onHand,
  reorderPoint,
  target,
});
const push = (techPackId: string, cells: unknown[], token = t.logistics, headers: Record<string, string> = {}) =>
  api('PUT', `/v1/stock/${techPackId}`, { token, body: { cells }, headers });

function usage(res: ApiAnswer): { calls: number; byOperation: Record<string, number> } | undefined {
  const raw = res.headers.get('x-dynamo-usage');
  return raw ? JSON.parse(raw) : undefined;
}

describe('stock', () => {
  it('is pushed per style and read back in the tech pack order of colors and sizes', async () => {
    const tp = await createTechPack(t.commercial);
    const before = await api('GET', `/v1/stock/${tp.id}`, { token: t.viewer });
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({
      techPackId: tp.id,
      cells: [],
      version: 0,
      low: false,
      openReplenishmentOrderId: null,
    });

    const res = await push(tp.id, [cell('RED', 'L', 50), cell('NAVY', 'M', 9), cell('NAVY', 'S', 10)]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(res.body).toMatchObject({
      techPackId: tp.id,
      version: 1,
      low: true,
      updatedBy: 'lou@example.com',
      cells: [cell('NAVY', 'S', 10), cell('NAVY', 'M', 9), cell('RED', 'L', 50)],
    });
    const u = usage(res);
    if (u) expect(u).toMatchObject({ calls: 2, byOperation: { GetItem: 1, UpdateItem: 1 } });

    const got = await api('GET', `/v1/stock/${tp.id}`, { token: t.planner });
    expect(got.body).toEqual(res.body);
    const g = usage(got);
    if (g) expect(g).toMatchObject({ calls: 1, byOperation: { BatchGetItem: 1 } });
  });

  it('a push replaces the whole stock of the style; low follows the cells', async () => {
    const tp = await createTechPack(t.commercial);
    await push(tp.id, [cell('NAVY', 'S', 1), cell('RED', 'S', 1)]);
    const res = await push(tp.id, [cell('NAVY', 'L', 10)], t.system);
    expect(res.body).toMatchObject({ version: 2, low: false, cells: [cell('NAVY', 'L', 10)] });
    expect((await push(tp.id, [], t.admin)).body).toMatchObject({ version: 3, low: false, cells: [] });
  });

  it('If-Match is optional; a stale one gets 412 with the stock as it is', async () => {
    const tp = await createTechPack(t.commercial);
    expect((await push(tp.id, [cell('NAVY', 'S', 1)], t.logistics, { 'if-match': '"0"' })).status).toBe(200);
    expect((await push(tp.id, [cell('NAVY', 'S', 2)], t.logistics, { 'if-match': '"0"' })).status).toBe(412);
    const stale = await push(tp.id, [cell('NAVY', 'S', 3)], t.logistics, { 'if-match': '"7"' });
    expect(stale.status).toBe(412);
    expect(stale.body.error.details.current).toMatchObject({ version: 1, cells: [cell('NAVY', 'S', 1)] });
    expect((await push(tp.id, [cell('NAVY', 'S', 4)], t.logistics, { 'if-match': '"1"' })).body.version).toBe(2);
  });

  it('refuses cells the tech pack does not have, bad quantities, and targets below the reorder point', async () => {
    const tp = await createTechPack(t.commercial);
    const res = await push(tp.id, [
      cell('GREEN', 'S', 1),
      { ...cell('NAVY', 'XXL', -1) },
      cell('NAVY', 'S', 1, 20, 10),
      cell('NAVY', 'S', 1, 20, 10),
    ]);
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual([
      'cells[0].color',
      'cells[1].onHand',
      'cells[1].size',
      'cells[2].target',
      'cells[3].target',
      'cells[3]',
    ]);
    expect((await api('PUT', `/v1/stock/${tp.id}`, { token: t.logistics, body: { levels: [] } })).status).toBe(400);
    expect((await api('GET', `/v1/stock/${tp.id}`, { token: t.viewer })).body.version).toBe(0);
  });

  it('unknown styles are 404; only admin, logistics and system push', async () => {
    expect((await push('TP-999999', [])).status).toBe(404);
    expect((await api('GET', '/v1/stock/TP-999999', { token: t.viewer })).status).toBe(404);
    expect((await api('GET', '/v1/stock/nonsense', { token: t.viewer })).status).toBe(404);
    const tp = await createTechPack(t.commercial);
    expect((await push(tp.id, [], t.planner)).status).toBe(403);
    expect((await push(tp.id, [], t.commercial)).status).toBe(403);
    expect((await push(tp.id, [], t.viewer)).status).toBe(403);
  });

  it('holds 20,000 cells in one item', async () => {
    const sizes = Array.from({ length: 40 }, (_, i) => `S${i}`);
    const colors = Array.from({ length: 500 }, (_, i) => ({ code: `C${i}`, name: `Color ${i}` }));
    const tp = await createTechPack(t.commercial, 'Commercial', { sizes, colors, bom: [] });
    const cells = colors.flatMap((c, r) =>
      sizes.map((s, k) => cell(c.code, s, (r * 7919 + k * 104729) % 9_999_991, 1_000, 10_000_000)),
    );
    const res = await push(tp.id, cells);
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    expect(res.body.cells).toHaveLength(20_000);
    const got = await api('GET', `/v1/stock/${tp.id}`, { token: t.viewer });
    expect(got.body.cells).toEqual(cells);
  });
});
