// Changes factory-wide settings, so it runs alone (see vitest.config.ts) and restores them.
import { beforeAll, describe, expect, it } from 'vitest';
import { api, tokens } from '../support/api.js';
import { createOrder, createTechPack } from '../support/fixtures.js';
import { keepFactorySettings } from '../support/settings.js';

let t: Awaited<ReturnType<typeof tokens>>;
const saved = keepFactorySettings();
beforeAll(async () => {
  t = await tokens();
});

describe('factory settings', () => {
  it('start from the defaults, and only an admin changes them, field by field', async () => {
    expect(saved()).toMatchObject({ minTechPackStateForOrders: 'Commercial', defaultTolerance: { overPct: 5, underPct: 3, scope: 'color' }, replenishment: { enabled: true } });
    const bad = await api('PUT', '/v1/settings', { token: t.admin, body: { minTechPackStateForOrders: 'Soon', defaultTolerance: { overPct: -1, underPct: 2 } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['minTechPackStateForOrders', 'defaultTolerance.overPct']);
    const res = await api('PUT', '/v1/settings', { token: t.admin, body: { defaultTolerance: { overPct: 10, underPct: 0 } } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ minTechPackStateForOrders: 'Commercial', defaultTolerance: { overPct: 10, underPct: 0, scope: 'color' } });
    const tp = await createTechPack(t.commercial);
    expect((await createOrder(t.commercial, tp.id)).tolerance).toEqual({ overPct: 10, underPct: 0, scope: 'color' });
  });

  it('defaultTolerance.scope: new orders take it, also when they name a tolerance without a scope (issue 11)', async () => {
    const bad = await api('PUT', '/v1/settings', { token: t.admin, body: { defaultTolerance: { overPct: 5, underPct: 3, scope: 'size' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields).toEqual([{ field: 'defaultTolerance.scope', message: 'must be one of: order, color, cell' }]);
    const put = await api('PUT', '/v1/settings', { token: t.admin, body: { defaultTolerance: { overPct: 5, underPct: 3, scope: 'cell' } } });
    expect(put.body.defaultTolerance).toEqual({ overPct: 5, underPct: 3, scope: 'cell' });
    // Left out, the scope stays.
    const again = await api('PUT', '/v1/settings', { token: t.admin, body: { defaultTolerance: { overPct: 4, underPct: 2 } } });
    expect((await api('GET', '/v1/settings', { token: t.viewer })).body.defaultTolerance).toEqual({ overPct: 4, underPct: 2, scope: 'cell' });
    expect(again.status).toBe(200);
    const tp = await createTechPack(t.commercial);
    expect((await createOrder(t.commercial, tp.id)).tolerance).toEqual({ overPct: 4, underPct: 2, scope: 'cell' });
    expect((await createOrder(t.commercial, tp.id, { tolerance: { overPct: 1, underPct: 1 } })).tolerance).toEqual({ overPct: 1, underPct: 1, scope: 'cell' });
    expect((await createOrder(t.commercial, tp.id, { tolerance: { overPct: 1, underPct: 1, scope: 'order' } })).tolerance.scope).toBe('order');
  });

  it('decide how early orders may be opened (minTechPackStateForOrders)', async () => {
    const put = await api('PUT', '/v1/settings', { token: t.admin, body: { minTechPackStateForOrders: 'Approval' } });
    expect(put.status).toBe(200);
    const design = await createTechPack(t.commercial, 'Design');
    const refused = await api('POST', '/v1/production-orders', { token: t.commercial, body: { techPackId: design.id } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('TECH_PACK_TOO_EARLY');
    const approval = await createTechPack(t.commercial, 'Approval');
    expect((await api('POST', '/v1/production-orders', { token: t.commercial, body: { techPackId: approval.id } })).status).toBe(201);
  });
});
