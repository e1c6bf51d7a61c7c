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
    expect(saved()).toMatchObject({
      minTechPackStateForOrders: 'Commercial',
      defaultTolerance: { overPct: 5, underPct: 3, scope: 'color' },
      replenishment: { enabled: true },
    });
    const bad = await api('PUT', '/v1/settings', {
      token: t.admin,
      body: { minTechPackStateForOrders: 'Soon', defaultTolerance: { overPct: -1, underPct: 2 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual([
      'minTechPackStateForOrders',
      'defaultTolerance.overPct',
    ]);
    const res = await api('PUT', '/v1/settings', {
      token: t.admin,
      body: { defaultTolerance: { overPct: 10, underPct: 0 } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      minTechPackStateForOrders: 'Commercial',
      defaultTolerance: { overPct: 10, underPct: 0, scope: 'color' },
    });
    const tp = await createTechPack(t.commercial);
    expect((await createOrder(t.commercial, tp.id)).tolerance).toEqual({ overPct: 10, underPct: 0, scope: 'color' });
  });

  it('defaultTolerance.scope: new orders take it, also when they name a tolerance without a scope (issue 11)', async () => {
    const bad = await api('PUT', '/v1/settings', {
      token: t.admin,
      body: { defaultTolerance: { overPct: 5, underPct: 3, scope: 'size' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields).toEqual([
      { field: 'defaultTolerance.scope', message: 'must be one of: order, color, cell' },
    ]);
    const put = await api('PUT', '/v1/settings', {
      token: t.admin,
      body: { defaultTolerance: { overPct: 5, underPct: 3, scope: 'cell' } },
    });
    expect(put.body.defaultTolerance).toEqual({ overPct: 5, underPct: 3, scope: 'cell' });
    // Left out, the scope stays.
    const again = await api('PUT', '/v1/settings', {
      token: t.admin,
      body: { defaultTolerance: { overPct: 4, underPct: 2 } },
    });
    expect((await api('GET', '/v1/settings', { token: t.viewer })).body.defaultTolerance).toEqual({
      overPct: 4,
      underPct: 2,
      scope: 'cell',
    });
    expect(again.status).toBe(200);
    const tp = await createTechPack(t.commercial);
    expect((await createOrder(t.commercial, tp.id)).tolerance).toEqual({ overPct: 4, underPct: 2, scope: 'cell' });
    expect((await createOrder(t.commercial, tp.id, { tolerance: { overPct: 1, underPct: 1 } })).tolerance).toEqual({
      overPct: 1,
      underPct: 1,
      scope: 'cell',
    });
    expect(
      (await createOrder(t.commercial, tp.id, { tolerance: { overPct: 1, underPct: 1, scope: 'order' } })).tolerance
        .scope,
    ).toBe('order');
  });

  it('decide how early orders may be opened (minTechPackStateForOrders)', async () => {
    const put = await api('PUT', '/v1/settings', { token: t.admin, body: { minTechPackStateForOrders: 'Approval' } });
    expect(put.status).toBe(200);
    const design = await createTechPack(t.commercial, 'Design');
    const refused = await api('POST', '/v1/production-orders', {
      token: t.commercial,
      body: { techPackId: design.id },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('TECH_PACK_TOO_EARLY');
    const approval = await createTechPack(t.commercial, 'Approval');
    expect(
      (await api('POST', '/v1/production-orders', { token: t.commercial, body: { techPackId: approval.id } })).status,
    ).toBe(201);
  });

  it('round-trip: PUT takes the body GET answered; its version or If-Match makes it conditional', async () => {
    const read = await api('GET', '/v1/settings', { token: t.admin });
    expect(read.body.replenishment).toMatchObject({
      leadTimeDays: expect.any(Number),
      minQtyPerColor: expect.any(Number),
    });
    expect(read.headers.get('etag')).toBe(`"${read.body.version}"`);
    // the body exactly as read, with one change
    const changed = {
      ...read.body,
      replenishment: { ...read.body.replenishment, leadTimeDays: 35, minQtyPerColor: 24 },
    };
    const put = await api('PUT', '/v1/settings', { token: t.admin, body: changed });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({
      version: read.body.version + 1,
      replenishment: { enabled: true, leadTimeDays: 35, minQtyPerColor: 24 },
    });
    expect((await api('GET', '/v1/settings', { token: t.viewer })).body).toEqual(put.body);

    // the same body again is stale now: 412 with the settings as they stand, and nothing written
    const stale = await api('PUT', '/v1/settings', { token: t.admin, body: { ...changed, defaultMaxBatchQty: 7 } });
    expect(stale.status).toBe(412);
    expect(stale.body.error).toMatchObject({ code: 'PRECONDITION_FAILED', details: { current: put.body } });
    // If-Match does the same without a version in the body
    const staleHeader = await api('PUT', '/v1/settings', {
      token: t.admin,
      body: { defaultMaxBatchQty: 7 },
      headers: { 'if-match': `"${read.body.version}"` },
    });
    expect(staleHeader.status).toBe(412);
    const fresh = await api('PUT', '/v1/settings', {
      token: t.admin,
      body: { defaultMaxBatchQty: 7 },
      headers: { 'if-match': `"${put.body.version}"` },
    });
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({
      defaultMaxBatchQty: 7,
      version: put.body.version + 1,
      replenishment: { leadTimeDays: 35 },
    });
    // a body version and an If-Match that disagree, or a bad new field: 400 naming it
    const both = await api('PUT', '/v1/settings', {
      token: t.admin,
      body: { version: 1 },
      headers: { 'if-match': '"2"' },
    });
    expect(both.status).toBe(400);
    expect(both.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['version']);
    const bad = await api('PUT', '/v1/settings', {
      token: t.admin,
      body: { replenishment: { leadTimeDays: null, minQtyPerColor: -1 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual([
      'replenishment.leadTimeDays',
      'replenishment.minQtyPerColor',
    ]);
    // without any version the write is unconditional, as before
    const plain = await api('PUT', '/v1/settings', {
      token: t.admin,
      body: { replenishment: { leadTimeDays: 28, minQtyPerColor: 0 } },
    });
    expect(plain.status).toBe(200);
    expect(plain.body).toMatchObject({
      version: fresh.body.version + 1,
      replenishment: { enabled: true, leadTimeDays: 28, minQtyPerColor: 0 },
    });
  });
});
