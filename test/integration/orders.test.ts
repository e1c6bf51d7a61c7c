import { beforeAll, describe, expect, it } from 'vitest';
import { api, tokens, type ApiAnswer } from '../support/api.js';
import { createOrder, createTechPack, matrix, moveTechPack, transition } from '../support/fixtures.js';

let t: Awaited<ReturnType<typeof tokens>>;
beforeAll(async () => {
  t = await tokens();
});

const patch = (id: string, body: unknown, version: number | string | undefined, token = t.planner) =>
  api('PATCH', `/v1/production-orders/${id}`, {
    token,
    body,
    headers: version === undefined ? {} : { 'if-match': typeof version === 'number' ? `"${version}"` : version },
  });

describe('creating production orders', () => {
  it('opens a Draft order against a Commercial tech pack with sizes and colors from the pack', async () => {
    const tp = await createTechPack(t.commercial);
    const res = await api('POST', '/v1/production-orders', {
      token: t.commercial,
      body: { techPackId: tp.id, deliveryDate: '2027-03-01' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(res.body).toMatchObject({
      techPackId: tp.id,
      styleCode: tp.styleCode,
      state: 'Draft',
      version: 1,
      deliveryDate: '2027-03-01',
      originalDeliveryDate: '2027-03-01',
      matrix: {
        sizes: ['S', 'M', 'L'],
        colors: ['NAVY', 'RED'],
        quantities: [
          [0, 0, 0],
          [0, 0, 0],
        ],
      },
      total: 0,
      source: { type: 'commercial' },
      tolerance: { overPct: 5, underPct: 3 },
      batchPlan: { maxBatchQty: 500 },
      iqTemplate: 'IQ-TEE',
      createdBy: 'carla@example.com',
    });
    expect(res.body.id).toMatch(/^PO-\d{6}$/);
    expect(res.body.progress.batched.quantities).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    const got = await api('GET', `/v1/production-orders/${res.body.id}`, { token: t.viewer });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
  });

  it('lets the creator change the size run and colors, or give the whole matrix', async () => {
    const tp = await createTechPack(t.commercial);
    const own = await createOrder(t.commercial, tp.id, { sizes: ['M', 'L', 'XL'], colors: ['BLACK'] });
    expect(own.matrix).toEqual({ sizes: ['M', 'L', 'XL'], colors: ['BLACK'], quantities: [[0, 0, 0]] });
    const full = await createOrder(t.commercial, tp.id, {
      matrix: matrix([
        [10, 20, 30],
        [5, 5, 5],
      ]),
      tolerance: { overPct: 2, underPct: 1 },
      batchPlan: { maxBatchQty: 40 },
      notes: 'influencer drop',
    });
    expect(full).toMatchObject({
      total: 75,
      tolerance: { overPct: 2, underPct: 1 },
      batchPlan: { maxBatchQty: 40 },
      notes: 'influencer drop',
    });
  });

  it('names bad fields: missing tech pack id, impossible date, negative and fractional cells, ragged rows', async () => {
    const tp = await createTechPack(t.commercial);
    const res = await api('POST', '/v1/production-orders', {
      token: t.commercial,
      body: {
        deliveryDate: '2027-02-30',
        matrix: { sizes: ['S', 'M'], colors: ['NAVY', 'RED'], quantities: [[1, -2], [1.5]] },
      },
    });
    expect(res.status).toBe(400);
    const fields = res.body.error.details.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(
      expect.arrayContaining(['techPackId', 'deliveryDate', 'matrix.quantities[0][1]', 'matrix.quantities[1]']),
    );
    const frac = await api('POST', '/v1/production-orders', {
      token: t.commercial,
      body: {
        techPackId: tp.id,
        matrix: matrix([
          [1, 2.5, 3],
          [0, 0, 0],
        ]),
      },
    });
    expect(frac.status).toBe(400);
    expect(frac.body.error.details.fields[0].field).toBe('matrix.quantities[0][1]');
    const huge = await api('POST', '/v1/production-orders', {
      token: t.commercial,
      body: { techPackId: tp.id, sizes: Array.from({ length: 101 }, (_, i) => `S${i}`) },
    });
    expect(huge.status).toBe(400);
    expect(huge.body.error.details.fields[0].field).toBe('sizes');
  });

  it('answers 404 for an unknown tech pack and writes nothing', async () => {
    const res = await api('POST', '/v1/production-orders', {
      token: t.commercial,
      body: { techPackId: 'TP-999999', deliveryDate: '2027-03-01' },
    });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});

describe('editing an order', () => {
  it('PATCH needs If-Match (428), refuses a stale one (412 with the order as it is), and applies a fresh one', async () => {
    const tp = await createTechPack(t.commercial);
    const o = await createOrder(t.planner, tp.id);
    expect((await patch(o.id, { notes: 'x' }, undefined)).status).toBe(428);
    const ok = await patch(
      o.id,
      {
        matrix: matrix([
          [10, 20, 30],
          [0, 5, 0],
        ]),
        deliveryDate: '2027-04-15',
      },
      1,
    );
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ version: 2, total: 65, deliveryDate: '2027-04-15', updatedBy: 'ana@example.com' });
    expect(ok.headers.get('etag')).toBe('"2"');
    const stale = await patch(o.id, { notes: 'late' }, 1);
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('PRECONDITION_FAILED');
    expect(stale.body.error.details.current).toMatchObject({ id: o.id, version: 2, total: 65 });
    expect((await patch(o.id, { notes: 'x' }, 'garbage')).status).toBe(400);
  });

  it('reshapes the matrix when sizes or colors change, keeping cells that still exist', async () => {
    const tp = await createTechPack(t.commercial);
    const o = await createOrder(t.planner, tp.id, {
      matrix: matrix([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    });
    const res = await patch(o.id, { sizes: ['M', 'L', 'XL'], colors: ['RED', 'BLACK'] }, 1);
    expect(res.status).toBe(200);
    expect(res.body.matrix).toEqual({
      sizes: ['M', 'L', 'XL'],
      colors: ['RED', 'BLACK'],
      quantities: [
        [5, 6, 0],
        [0, 0, 0],
      ],
    });
    expect(res.body.total).toBe(11);
  });

  it('merges cell edits from two planners, and refuses a push whose cells changed underneath (409 with the current values)', async () => {
    const tp = await createTechPack(t.commercial);
    const o = await createOrder(t.planner, tp.id, {
      matrix: matrix([
        [10, 10, 10],
        [10, 10, 10],
      ]),
    });
    const edits = (baseVersion: number, list: unknown[], token = t.planner) =>
      api('POST', `/v1/production-orders/${o.id}/matrix-edits`, { token, body: { baseVersion, edits: list } });
    const a = await edits(1, [{ color: 'NAVY', size: 'S', from: 10, to: 15 }]);
    expect(a.status).toBe(200);
    expect(a.body.version).toBe(2);
    // Bea pushes from version 1 too: a different cell, so it merges.
    const b = await edits(1, [{ color: 'RED', size: 'L', from: 10, to: 0 }], t.commercial);
    expect(b.status).toBe(200);
    expect(b.body.matrix.quantities).toEqual([
      [15, 10, 10],
      [10, 10, 0],
    ]);
    expect(b.body.version).toBe(3);
    // Now one cell Ana edits was changed by Bea: the whole push is refused, nothing changes.
    const c = await edits(1, [
      { color: 'NAVY', size: 'M', from: 10, to: 12 },
      { color: 'RED', size: 'L', from: 10, to: 11 },
    ]);
    expect(c.status).toBe(409);
    expect(c.body.error.code).toBe('EDIT_CONFLICT');
    expect(c.body.error.details.conflicts).toEqual([{ color: 'RED', size: 'L', from: 10, to: 11, current: 0 }]);
    expect(c.body.error.details.updatedBy).toBe('carla@example.com');
    const now = await api('GET', `/v1/production-orders/${o.id}`, { token: t.viewer });
    expect(now.body.matrix.quantities).toEqual([
      [15, 10, 10],
      [10, 10, 0],
    ]);
    expect(now.body.version).toBe(3);
    const unknownCell = await edits(3, [{ color: 'PINK', size: 'M', from: 0, to: 1 }]);
    expect(unknownCell.status).toBe(400);
    expect(unknownCell.body.error.details.fields[0].field).toBe('edits[0].color');
    const negative = await edits(3, [{ color: 'NAVY', size: 'M', from: 10, to: -1 }]);
    expect(negative.status).toBe(400);
    expect(negative.body.error.details.fields[0].field).toBe('edits[0].to');
  });
});

describe('the order lifecycle', () => {
  it('refuses plan until the tech pack is ProductionReady, then plans and releases, snapshotting the BOM revision', async () => {
    const tp = await createTechPack(t.commercial);
    const o = await createOrder(t.commercial, tp.id, {
      matrix: matrix([
        [0, 120, 0],
        [0, 0, 0],
      ]),
    });
    const early = await transition(t.planner, o.id, { action: 'plan' });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('TECH_PACK_NOT_READY');
    expect(early.body.error.message).toContain('Commercial');
    await moveTechPack(t.commercial, tp.id, 'Design');
    await moveTechPack(t.commercial, tp.id, 'Approval');
    const stillEarly = await transition(t.planner, o.id, { action: 'plan' });
    expect(stillEarly.body.error.details.techPackState).toBe('Approval');
    await moveTechPack(t.approver, tp.id, 'ProductionReady');
    const planned = await transition(t.planner, o.id, { action: 'plan' });
    expect(planned.status).toBe(200);
    expect(planned.body).toMatchObject({ state: 'Planned', version: 2 });
    const released = await transition(t.planner, o.id, { action: 'release' });
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ state: 'Released', releasedBomRevision: 1, version: 3 });
    // After release the plan moves only with a reason (issue 14: a re-promise), and batch plan and tolerance not at all.
    const edit = await patch(o.id, { deliveryDate: '2027-05-01' }, 3);
    expect(edit.status).toBe(400);
    expect(edit.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['reason']);
    const frozen = await patch(o.id, { batchPlan: { maxBatchQty: 10 }, reason: 'smaller' }, 3);
    expect(frozen.status).toBe(409);
    expect(frozen.body.error.code).toBe('NOT_EDITABLE');
    const notes = await patch(o.id, { notes: 'fabric booked' }, 3);
    expect(notes.status).toBe(200);
    const history = await api('GET', `/v1/production-orders/${o.id}/history`, { token: t.viewer });
    expect(history.status).toBe(200);
    expect(history.body.items.map((h: { action: string }) => h.action)).toEqual([
      'create',
      'plan',
      'release',
      'update',
    ]);
    expect(history.body.items[1]).toMatchObject({ actor: 'ana@example.com', from: 'Draft', to: 'Planned' });
  });

  it('gates plan on quantities and delivery date, naming what is missing', async () => {
    const tp = await createTechPack(t.commercial, 'ProductionReady');
    const o = await createOrder(t.commercial, tp.id, { deliveryDate: null });
    const res = await transition(t.planner, o.id, { action: 'plan' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('ORDER_INCOMPLETE');
    expect(res.body.error.details.missing).toHaveLength(2);
  });

  it('checks the tech pack again at release: a spec reopened after planning blocks the release', async () => {
    const tp = await createTechPack(t.commercial, 'ProductionReady');
    const o = await createOrder(t.commercial, tp.id, {
      matrix: matrix([
        [1, 1, 1],
        [1, 1, 1],
      ]),
    });
    expect((await transition(t.planner, o.id, { action: 'plan' })).status).toBe(200);
    await moveTechPack(t.commercial, tp.id, 'Design');
    const res = await transition(t.planner, o.id, { action: 'release' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('TECH_PACK_NOT_READY');
    const reopened = await transition(t.planner, o.id, { action: 'reopen' });
    expect(reopened.status).toBe(200);
    expect(reopened.body.state).toBe('Draft');
  });

  it('cancels with a reason only, and a cancelled order is final', async () => {
    const tp = await createTechPack(t.commercial);
    const o = await createOrder(t.commercial, tp.id);
    const noReason = await transition(t.planner, o.id, { action: 'cancel' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details.fields[0].field).toBe('reason');
    const cancelled = await transition(t.planner, o.id, { action: 'cancel', reason: 'customer dropped the style' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.state).toBe('Cancelled');
    for (const action of ['plan', 'reopen', 'release', 'complete', 'cancel']) {
      const res = await transition(t.planner, o.id, { action, reason: 'again' });
      expect(res.status, action).toBe(409);
      expect(res.body.error.code).toBe('ILLEGAL_TRANSITION');
    }
    const unknown = await transition(t.planner, o.id, { action: 'explode' });
    expect(unknown.status).toBe(400);
    const history = await api('GET', `/v1/production-orders/${o.id}/history`, { token: t.viewer });
    expect(history.body.items.at(-1)).toMatchObject({
      action: 'cancel',
      reason: 'customer dropped the style',
      to: 'Cancelled',
    });
  });

  it('refuses actions out of order: release from Draft, complete from Planned', async () => {
    const tp = await createTechPack(t.commercial, 'ProductionReady');
    const o = await createOrder(t.commercial, tp.id, {
      matrix: matrix([
        [1, 1, 1],
        [1, 1, 1],
      ]),
    });
    expect((await transition(t.planner, o.id, { action: 'release' })).body.error.code).toBe('ILLEGAL_TRANSITION');
    await transition(t.planner, o.id, { action: 'plan' });
    expect((await transition(t.planner, o.id, { action: 'complete' })).body.error.code).toBe('ILLEGAL_TRANSITION');
  });
});

describe('listing orders', () => {
  it('lists by tech pack and by state through the indexes, newest first, in pages', async () => {
    const tp = await createTechPack(t.commercial, 'ProductionReady');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(
        (
          await createOrder(t.commercial, tp.id, {
            matrix: matrix([
              [1, 0, 0],
              [0, 0, 0],
            ]),
          })
        ).id,
      );
    await transition(t.planner, ids[1], { action: 'plan' });
    await transition(t.planner, ids[3], { action: 'plan' });

    const collect = async (query: string) => {
      const out: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: ApiAnswer = await api(
          'GET',
          `/v1/production-orders?${query}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          { token: t.viewer },
        );
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        out.push(...res.body.items.map((o: { id: string }) => o.id));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 200);
      return out;
    };
    expect(await collect(`techPackId=${tp.id}`)).toEqual([...ids].reverse());
    expect(await collect(`techPackId=${tp.id}&state=Planned`)).toEqual([ids[3], ids[1]]);
    const planned = await collect('state=Planned');
    expect(planned).toEqual(expect.arrayContaining([ids[1], ids[3]]));
    expect(planned).not.toContain(ids[0]);
    const all = await api('GET', '/v1/production-orders?limit=3', { token: t.viewer });
    expect(all.body.items).toHaveLength(3);
    expect(typeof all.body.nextCursor).toBe('string');
    expect((await api('GET', '/v1/production-orders?limit=0', { token: t.viewer })).status).toBe(400);
    expect((await api('GET', '/v1/production-orders?state=Open', { token: t.viewer })).status).toBe(400);
    expect((await api('GET', '/v1/production-orders?techPackId=nope', { token: t.viewer })).status).toBe(400);
  });

  it('answers 404 for an unknown order, on every route', async () => {
    for (const [method, path, body] of [
      ['GET', '/v1/production-orders/PO-999999', undefined],
      ['GET', '/v1/production-orders/PO-999999/history', undefined],
      ['POST', '/v1/production-orders/PO-999999/transitions', { action: 'plan' }],
      [
        'POST',
        '/v1/production-orders/PO-999999/matrix-edits',
        { baseVersion: 1, edits: [{ color: 'A', size: 'B', from: 0, to: 1 }] },
      ],
      ['GET', '/v1/production-orders/not-an-id', undefined],
    ] as const) {
      const res = await api(method, path, { token: t.planner, body });
      expect(res.status, path).toBe(404);
    }
  });
});
