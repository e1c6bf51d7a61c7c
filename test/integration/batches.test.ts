// Production batches through the HTTP API, on DynamoDB Local: the full path to Completed, short
// close, cancel, the allocation rule under racing requests, a 1,000-batch plan in one write, and a
// 20,000-cell order carrying full progress.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { api, tokens, type ApiAnswer } from '../support/api.js';
import { createOrder, createTechPack, matrix, transition } from '../support/fixtures.js';

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
const createBatch = (id: string, m: M, token = t.planner) =>
  api('POST', `${base(id)}/batches`, { token, body: { matrix: m } });
const generate = (id: string, token = t.planner) => api('POST', `${base(id)}/batches/generate`, { token });
const move = (id: string, batchId: string, body: Record<string, unknown>, token = t.planner) =>
  api('POST', `${base(id)}/batches/${batchId}/transitions`, { token, body });
const getOrder = async (id: string) => ok(api('GET', base(id), { token: t.viewer }));
const history = async (id: string) =>
  (await ok(api('GET', `${base(id)}/history?limit=100`, { token: t.viewer }))).items as {
    action: string;
    from: string | null;
    to: string | null;
    subject?: string;
    reason?: string;
    details?: any;
    version: number;
  }[];

async function allBatches(id: string, limit = 100) {
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const page: any = await ok(
      api('GET', `${base(id)}/batches?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { token: t.viewer }),
    );
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** A Released order on a fresh ProductionReady tech pack. */
async function releasedOrder(body: Record<string, unknown>) {
  const tp = await createTechPack(t.commercial, 'ProductionReady');
  const o = await createOrder(t.planner, tp.id, { tolerance: { overPct: 5, underPct: 3 }, ...body });
  await ok(transition(t.planner, o.id, { action: 'plan' }));
  await ok(transition(t.planner, o.id, { action: 'release' }));
  return getOrder(o.id);
}

const calls = (res: ApiAnswer) =>
  JSON.parse(res.headers.get('x-dynamo-usage') ?? '{}') as { calls: number; byOperation: Record<string, number> };
const zeroLike = (m: M): M => ({ ...m, quantities: m.quantities.map((r) => r.map(() => 0)) });
const add = (a: number[][], b: number[][]) => a.map((r, i) => r.map((q, j) => q + b[i][j]));

describe('batches only while the order is Released or InProgress', () => {
  it('a Draft or a Planned order answers 409 ORDER_NOT_IN_PRODUCTION, and nothing is written', async () => {
    const tp = await createTechPack(t.commercial, 'ProductionReady');
    const o = await createOrder(t.planner, tp.id, {
      matrix: matrix([
        [5, 5, 5],
        [5, 5, 5],
      ]),
    });
    for (const step of ['Draft', 'Planned']) {
      if (step === 'Planned') await ok(transition(t.planner, o.id, { action: 'plan' }));
      for (const res of [
        await createBatch(
          o.id,
          matrix([
            [1, 0, 0],
            [0, 0, 0],
          ]),
        ),
        await generate(o.id),
      ]) {
        expect(res.status).toBe(409);
        expect(res.body.error).toMatchObject({ code: 'ORDER_NOT_IN_PRODUCTION', details: { state: step } });
      }
    }
    expect(await allBatches(o.id)).toEqual([]);
    const now = await getOrder(o.id);
    expect(now.version).toBe(2);
    expect(now.progress.batched.quantities).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });
});

describe('the full path: Released -> generated batches -> InProgress -> Finished -> Completed', () => {
  it('generates, starts (order InProgress in the same write), finishes, shows progress per cell, completes', async () => {
    const o = await releasedOrder({
      matrix: matrix([
        [10, 20, 30],
        [0, 50, 50],
      ]),
      batchPlan: { maxBatchQty: 40 },
    });
    expect(o.state).toBe('Released');

    // Generate: per color, at most 40 a batch, size ratio kept, totals exact.
    const gen = await generate(o.id);
    expect(gen.status, JSON.stringify(gen.body)).toBe(201);
    expect(calls(gen)).toMatchObject({
      calls: 3,
      byOperation: { BatchGetItem: 1, UpdateItem: 1, TransactWriteItems: 1 },
    });
    const batches = gen.body.items;
    expect(
      batches.map((b: any) => [
        b.matrix.colors[0],
        b.matrix.sizes.join(),
        b.matrix.quantities[0],
        b.total,
        b.state,
        b.origin,
      ]),
    ).toEqual([
      ['NAVY', 'S,M,L', [5, 10, 15], 30, 'Planned', 'generated'],
      ['NAVY', 'S,M,L', [5, 10, 15], 30, 'Planned', 'generated'],
      ['RED', 'M,L', [17, 17], 34, 'Planned', 'generated'],
      ['RED', 'M,L', [17, 16], 33, 'Planned', 'generated'],
      ['RED', 'M,L', [16, 17], 33, 'Planned', 'generated'],
    ]);
    expect(gen.body.order.progress.batched.quantities).toEqual([
      [10, 20, 30],
      [0, 50, 50],
    ]);
    expect((await generate(o.id)).body.error.code).toBe('NOTHING_REMAINING');
    expect((await getOrder(o.id)).version).toBe(o.version + 1);

    // The list pages through them in creation order.
    expect((await allBatches(o.id, 2)).map((b) => b.id)).toEqual(batches.map((b: any) => b.id));

    // The first start moves the order to InProgress.
    const first = await move(o.id, batches[0].id, { action: 'start' });
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBe('"2"');
    expect(first.body).toMatchObject({ id: batches[0].id, state: 'Running', version: 2 });
    expect(calls(first)).toMatchObject({ calls: 3, byOperation: { BatchGetItem: 1, Query: 1, TransactWriteItems: 1 } });
    expect((await getOrder(o.id)).state).toBe('InProgress');

    // Produce everything.
    for (const b of batches.slice(1)) await ok(move(o.id, b.id, { action: 'start' }));
    for (const b of batches) {
      const produced = { ...b.matrix, quantities: b.matrix.quantities.map((r: number[]) => [...r]) };
      await ok(move(o.id, b.id, { action: 'finish', produced, rejected: zeroLike(b.matrix) }));
    }
    const done = await getOrder(o.id);
    expect(done.progress).toEqual({
      batched: matrix([
        [10, 20, 30],
        [0, 50, 50],
      ]),
      produced: matrix([
        [10, 20, 30],
        [0, 50, 50],
      ]),
      rejected: matrix([
        [0, 0, 0],
        [0, 0, 0],
      ]),
      missing: matrix([
        [0, 0, 0],
        [0, 0, 0],
      ]),
    });
    const listed = await allBatches(o.id);
    expect(listed.map((b) => b.state)).toEqual(['Finished', 'Finished', 'Finished', 'Finished', 'Finished']);
    expect(listed[0]).toMatchObject({ version: 3, producedTotal: 30, rejectedTotal: 0, produced: batches[0].matrix });

    const completed = await ok(transition(t.planner, o.id, { action: 'complete' }));
    expect(completed.state).toBe('Completed');

    // History: the order's entries and every batch's, in time order, batches named as the subject.
    const h = await history(o.id);
    const line = (e: (typeof h)[number]) => `${e.subject ?? 'order'} ${e.action} ${e.from}->${e.to}`;
    expect(h.map(line)).toEqual([
      'order create null->Draft',
      'order plan Draft->Planned',
      'order release Planned->Released',
      `${batches[0].id} generate null->Planned`,
      'order start Released->InProgress',
      `${batches[0].id} start Planned->Running`,
      ...batches.slice(1).map((b: any) => `${b.id} start Planned->Running`),
      ...batches.map((b: any) => `${b.id} finish Running->Finished`),
      'order complete InProgress->Completed',
    ]);
    expect(h[3].details).toMatchObject({ batches: 5, total: 160, batchIds: batches.map((b: any) => b.id) });
    // A completed order's batches can no longer move.
    expect(
      (
        await createBatch(
          o.id,
          matrix([
            [1, 0, 0],
            [0, 0, 0],
          ]),
        )
      ).body.error.code,
    ).toBe('ORDER_NOT_IN_PRODUCTION');
  });

  it('short production: complete names the cells out of tolerance; shortClose with a reason records them', async () => {
    const o = await releasedOrder({
      matrix: matrix([
        [100, 100, 0],
        [0, 0, 0],
      ]),
    });
    const b = await ok(createBatch(o.id, { sizes: ['S', 'M'], colors: ['NAVY'], quantities: [[100, 100]] }), 201);
    await ok(move(o.id, b.id, { action: 'start' }));
    // S: 90 good + 10 rejected (below 97, the 3% under-tolerance); M: 98 good + 2 rejected.
    await ok(
      move(o.id, b.id, {
        action: 'finish',
        produced: { sizes: ['M', 'S'], colors: ['NAVY'], quantities: [[98, 90]] },
        rejected: { sizes: ['S', 'M'], colors: ['NAVY'], quantities: [[10, 2]] },
      }),
    );
    const after = await getOrder(o.id);
    expect(after.progress.produced.quantities).toEqual([
      [90, 98, 0],
      [0, 0, 0],
    ]);
    expect(after.progress.rejected.quantities).toEqual([
      [10, 2, 0],
      [0, 0, 0],
    ]);

    const refused = await transition(t.planner, o.id, { action: 'complete' });
    expect(refused.status).toBe(409);
    // The default scope is the color: NAVY made 188 of 200, below 194 (3% under); both its cells are short.
    expect(refused.body.error).toMatchObject({
      code: 'OUT_OF_TOLERANCE',
      details: {
        scope: 'color',
        groups: [{ color: 'NAVY', ordered: 200, produced: 188, min: 194, max: 210 }],
        cells: [
          { color: 'NAVY', size: 'S', ordered: 100, produced: 90 },
          { color: 'NAVY', size: 'M', ordered: 100, produced: 98 },
        ],
      },
    });

    expect((await transition(t.planner, o.id, { action: 'complete', shortClose: true })).status).toBe(400); // a reason is required
    const closed = await ok(
      transition(t.planner, o.id, { action: 'complete', shortClose: true, reason: 'fabric lot rejected' }),
    );
    expect(closed.state).toBe('Completed');
    const last = (await history(o.id)).at(-1)!;
    expect(last).toMatchObject({
      action: 'shortClose',
      from: 'InProgress',
      to: 'Completed',
      reason: 'fabric lot rejected',
      details: {
        scope: 'color',
        shortGroups: [{ color: 'NAVY', produced: 188 }],
        shortCells: [{ color: 'NAVY', size: 'S', produced: 90 }, { size: 'M' }],
      },
    });
  });

  it('every piece accounted for: a short finish needs a reason (409 UNRECONCILED naming the cells); with one the rest is missing', async () => {
    const o = await releasedOrder({
      matrix: matrix([
        [20, 30, 0],
        [0, 0, 10],
      ]),
    });
    const b = await ok(
      createBatch(
        o.id,
        matrix([
          [20, 30, 0],
          [0, 0, 10],
        ]),
      ),
      201,
    );
    await ok(move(o.id, b.id, { action: 'start' }));
    const produced = matrix([
      [18, 30, 0],
      [0, 0, 7],
    ]);
    const rejected = matrix([
      [1, 0, 0],
      [0, 0, 1],
    ]);
    const refused = await move(o.id, b.id, { action: 'finish', produced, rejected });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'UNRECONCILED',
      message: expect.stringContaining('NAVY/S 20 cut, 18 produced + 1 rejected (1 missing)'),
      details: {
        batchId: b.id,
        missingTotal: 3,
        cells: [
          { color: 'NAVY', size: 'S', quantity: 20, produced: 18, rejected: 1, missing: 1 },
          { color: 'RED', size: 'L', quantity: 10, produced: 7, rejected: 1, missing: 2 },
        ],
      },
    });
    // Nothing was written: the batch still runs, the order has no output.
    expect((await allBatches(o.id))[0].state).toBe('Running');
    expect((await getOrder(o.id)).progress.produced.quantities).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    // Above the batch stays a 400.
    expect(
      (
        await move(o.id, b.id, {
          action: 'finish',
          produced: matrix([
            [21, 30, 0],
            [0, 0, 10],
          ]),
        })
      ).status,
    ).toBe(400);

    const done = await ok(
      move(o.id, b.id, { action: 'finish', produced, rejected, reason: 'bundle of 3 lost at the wash' }),
    );
    expect(done).toMatchObject({
      state: 'Finished',
      missing: matrix([
        [1, 0, 0],
        [0, 0, 2],
      ]),
      missingTotal: 3,
      reason: 'bundle of 3 lost at the wash',
    });
    expect((await allBatches(o.id))[0]).toMatchObject({
      missing: matrix([
        [1, 0, 0],
        [0, 0, 2],
      ]),
      missingTotal: 3,
      producedTotal: 55,
      rejectedTotal: 2,
    });
    const after = await getOrder(o.id);
    expect(after.progress.missing).toEqual(
      matrix([
        [1, 0, 0],
        [0, 0, 2],
      ]),
    );
    expect((await history(o.id)).at(-1)).toMatchObject({
      action: 'finish',
      subject: b.id,
      reason: 'bundle of 3 lost at the wash',
      details: { produced: 55, rejected: 2, missing: 3 },
    });
  });

  it('a planned extra cut: generated batches cover ordered + extraCutPct, rounded up per cell, within the cap', async () => {
    const tp = await createTechPack(t.commercial, 'ProductionReady', {
      sizes: ['XS', 'M', 'XL'],
      colors: [{ code: 'RED', name: 'Red' }],
      bom: [{ material: 'FAB', uom: 'm', consumption: 1, wastagePct: 0 }],
    });
    const body = (extraCutPct: number) => ({
      techPackId: tp.id,
      deliveryDate: '2027-03-01',
      matrix: matrix([[12, 600, 588]], ['XS', 'M', 'XL'], ['RED']),
      tolerance: { overPct: 5, underPct: 3 },
      batchPlan: { maxBatchQty: 2000, extraCutPct },
    });
    const tooMuch = await api('POST', '/v1/production-orders', { token: t.planner, body: body(6) });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error.details.fields).toEqual([
      {
        field: 'batchPlan.extraCutPct',
        message: "must be at most the order's over-tolerance (5%): batches are never cut beyond it",
      },
    ]);
    const o = await ok(api('POST', '/v1/production-orders', { token: t.planner, body: body(2) }), 201);
    expect(o.batchPlan).toEqual({ maxBatchQty: 2000, extraCutPct: 2 });
    // Lowering the over-tolerance under the planned extra cut is refused too.
    const patch = await api('PATCH', base(o.id), {
      token: t.planner,
      body: { tolerance: { overPct: 1, underPct: 3 } },
      headers: { 'if-match': `"${o.version}"` },
    });
    expect(patch.status).toBe(400);
    expect(patch.body.error.details.fields[0].field).toBe('batchPlan.extraCutPct');
    await ok(transition(t.planner, o.id, { action: 'plan' }));
    await ok(transition(t.planner, o.id, { action: 'release' }));
    const gen = await ok(generate(o.id), 201);
    // XS 12.24 -> 13, M 612, XL 599.76 -> 600.
    expect(gen.items.map((b: any) => b.matrix)).toEqual([matrix([[13, 612, 600]], ['XS', 'M', 'XL'], ['RED'])]);
    expect(gen.order.progress.batched.quantities).toEqual([[13, 612, 600]]);
    expect((await generate(o.id)).body.error.code).toBe('NOTHING_REMAINING');
  });

  it('tolerance at the level buyers use: RED 1.1% short completes at color scope, 409 at cell scope (XS 25% short)', async () => {
    const tp = await createTechPack(t.commercial, 'ProductionReady', {
      sizes: ['XS', 'M', 'XL'],
      colors: [{ code: 'RED', name: 'Red' }],
      bom: [{ material: 'FAB', uom: 'm', consumption: 1, wastagePct: 0 }],
    });
    const run = async (scope: string) => {
      const created = await createOrder(t.planner, tp.id, {
        matrix: matrix([[12, 600, 588]], ['XS', 'M', 'XL'], ['RED']),
        tolerance: { overPct: 5, underPct: 3, scope },
      });
      expect(created.tolerance).toEqual({ overPct: 5, underPct: 3, scope });
      await ok(transition(t.planner, created.id, { action: 'plan' }));
      await ok(transition(t.planner, created.id, { action: 'release' }));
      // The cap per cell rounds up: XS 12 at 5% may be cut to 13 (rounding down would leave it no over-tolerance).
      const over = await createBatch(created.id, matrix([[14, 0, 0]], ['XS', 'M', 'XL'], ['RED']));
      expect(over.body.error).toMatchObject({
        code: 'OVER_ALLOCATED',
        details: { cells: [{ size: 'XS', ordered: 12, max: 13, available: 13 }] },
      });
      const b = await ok(createBatch(created.id, matrix([[12, 600, 588]], ['XS', 'M', 'XL'], ['RED'])), 201);
      await ok(move(created.id, b.id, { action: 'start' }));
      await ok(
        move(created.id, b.id, {
          action: 'finish',
          produced: matrix([[9, 600, 578]], ['XS', 'M', 'XL'], ['RED']),
          rejected: matrix([[3, 0, 10]], ['XS', 'M', 'XL'], ['RED']),
        }),
      );
      return { id: created.id, complete: await transition(t.planner, created.id, { action: 'complete' }) };
    };

    const color = await run('color');
    expect(color.complete.status, JSON.stringify(color.complete.body)).toBe(200);
    expect(color.complete.body).toMatchObject({ state: 'Completed', tolerance: { scope: 'color' } });

    const cell = await run('cell');
    expect(cell.complete.status).toBe(409);
    expect(cell.complete.body.error).toMatchObject({
      code: 'OUT_OF_TOLERANCE',
      message: expect.stringContaining('RED/XS made 9 of 12 (at least 12)'),
      details: {
        scope: 'cell',
        groups: [{ color: 'RED', size: 'XS', ordered: 12, produced: 9, min: 12, max: 13 }],
        cells: [{ color: 'RED', size: 'XS', ordered: 12, produced: 9 }],
      },
    });
    await ok(transition(t.planner, cell.id, { action: 'complete', shortClose: true, reason: 'XS fabric flaw' }));
    expect((await history(cell.id)).at(-1)).toMatchObject({
      action: 'shortClose',
      details: {
        scope: 'cell',
        shortGroups: [{ color: 'RED', size: 'XS' }],
        shortCells: [{ color: 'RED', size: 'XS', produced: 9 }],
      },
    });
  });

  it('cancel is refused while a batch runs (409 BATCH_RUNNING)', async () => {
    const o = await releasedOrder({
      matrix: matrix([
        [10, 10, 10],
        [10, 10, 10],
      ]),
      batchPlan: { maxBatchQty: 30 },
    });
    const batches = (await ok(generate(o.id), 201)).items;
    expect(batches).toHaveLength(2);
    await ok(move(o.id, batches[0].id, { action: 'start' }));

    const refused = await transition(t.planner, o.id, { action: 'cancel', reason: 'customer withdrew' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'BATCH_RUNNING', details: { batches: [batches[0].id] } });
    expect((await getOrder(o.id)).state).toBe('InProgress');
  });

  it('cancelling an order cancels its Planned batches with it, and they are no longer batched', async () => {
    const o = await releasedOrder({
      matrix: matrix([
        [10, 10, 10],
        [10, 10, 10],
      ]),
      batchPlan: { maxBatchQty: 30 },
    });
    const batches = (await ok(generate(o.id), 201)).items;
    expect(batches).toHaveLength(2);
    const cancelled = await ok(transition(t.planner, o.id, { action: 'cancel', reason: 'customer withdrew' }));
    expect(cancelled.state).toBe('Cancelled');
    const listed = await allBatches(o.id);
    expect(listed.map((b) => b.state)).toEqual(['Cancelled', 'Cancelled']);
    expect(cancelled.progress.batched.quantities).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    const cancelledBatches = batches.map((b: { id: string }) => b.id);
    expect((await history(o.id)).at(-1)).toMatchObject({
      action: 'cancel',
      reason: 'customer withdrew',
      details: { cancelledBatches },
    });
    const late = await move(o.id, batches[1].id, { action: 'start' });
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      details: { from: 'Cancelled', action: 'start' },
    });
  });

  it('output cannot be cancelled away: 409 ORDER_HAS_OUTPUT pointing to a short-close', async () => {
    const o = await releasedOrder({
      matrix: matrix([
        [10, 10, 10],
        [10, 10, 10],
      ]),
      batchPlan: { maxBatchQty: 30 },
    });
    const batches = (await ok(generate(o.id), 201)).items;
    await ok(move(o.id, batches[0].id, { action: 'start' }));
    // NAVY: 29 good, 1 rejected
    const produced = { ...batches[0].matrix, quantities: [[10, 10, 9]] };
    const rejected = { ...batches[0].matrix, quantities: [[0, 0, 1]] };
    await ok(move(o.id, batches[0].id, { action: 'finish', produced, rejected }));
    const refused = await transition(t.planner, o.id, { action: 'cancel', reason: 'customer withdrew' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'ORDER_HAS_OUTPUT', details: { produced: 29, rejected: 1 } });
    expect(refused.body.error.message).toMatch(/short-close/);
    const unchanged = await getOrder(o.id);
    expect(unchanged).toMatchObject({ state: 'InProgress', version: o.version + 3 });
    expect((await allBatches(o.id)).map((b) => b.state)).toEqual(['Finished', 'Planned']);
    // the short-close it points to: the open batch cancelled, then complete with shortClose and a reason
    await ok(move(o.id, batches[1].id, { action: 'cancel' }));
    const closed = await ok(
      transition(t.planner, o.id, { action: 'complete', shortClose: true, reason: 'customer withdrew' }),
    );
    expect(closed).toMatchObject({ state: 'Completed' });
  });
});

describe('hand-made batches and the allocation rule', () => {
  it('checks the sub-matrix against the order and the over-tolerance per cell', async () => {
    // NAVY/M: 100 ordered, +5% -> at most 105 in batches.
    const o = await releasedOrder({
      matrix: matrix([
        [0, 100, 0],
        [0, 0, 0],
      ]),
    });
    const bad = await createBatch(o.id, { sizes: ['M', 'XL'], colors: ['PINK'], quantities: [[1, 1]] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual([
      'matrix.sizes[1]',
      'matrix.colors[0]',
    ]);
    expect((await createBatch(o.id, { sizes: ['M'], colors: ['NAVY'], quantities: [[0]] })).status).toBe(400);

    const over = await createBatch(o.id, { sizes: ['M'], colors: ['NAVY'], quantities: [[106]] });
    expect(over.status).toBe(409);
    expect(over.body.error).toMatchObject({
      code: 'OVER_ALLOCATED',
      details: {
        cells: [{ color: 'NAVY', size: 'M', ordered: 100, max: 105, batched: 0, requested: 106, available: 105 }],
      },
    });
    const unordered = await createBatch(o.id, { sizes: ['S'], colors: ['NAVY'], quantities: [[1]] });
    expect(unordered.body.error.code).toBe('OVER_ALLOCATED');

    const created = await createBatch(o.id, { sizes: ['M'], colors: ['NAVY'], quantities: [[105]] });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/v1/production-orders/${o.id}/batches/${created.body.id}`);
    expect(calls(created)).toMatchObject({
      calls: 3,
      byOperation: { BatchGetItem: 1, UpdateItem: 1, TransactWriteItems: 1 },
    });
    expect(created.body).toMatchObject({ orderId: o.id, state: 'Planned', version: 1, origin: 'manual', total: 105 });
    expect((await createBatch(o.id, { sizes: ['M'], colors: ['NAVY'], quantities: [[1]] })).body.error.code).toBe(
      'OVER_ALLOCATED',
    );

    // Cancelling it gives the garments back.
    await ok(move(o.id, created.body.id, { action: 'cancel', reason: 'wrong size run' }));
    expect((await getOrder(o.id)).progress.batched.quantities[0][1]).toBe(0);
    await ok(createBatch(o.id, { sizes: ['M'], colors: ['NAVY'], quantities: [[50]] }), 201);
  });

  it('answers 404 for unknown batches and orders, 400 for bad requests, 403 for other roles', async () => {
    const o = await releasedOrder({
      matrix: matrix([
        [1, 1, 1],
        [1, 1, 1],
      ]),
    });
    const b = await ok(
      createBatch(
        o.id,
        matrix([
          [1, 1, 1],
          [1, 1, 1],
        ]),
      ),
      201,
    );
    expect((await move(o.id, 'B-999999999', { action: 'start' })).status).toBe(404);
    expect((await move(o.id, 'nonsense', { action: 'start' })).status).toBe(404);
    expect((await move('PO-999999999', b.id, { action: 'start' })).status).toBe(404);
    expect((await api('GET', `${base('PO-999999999')}/batches`, { token: t.viewer })).status).toBe(404);
    expect((await move(o.id, b.id, { action: 'finish', produced: b.matrix })).body.error).toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      details: { from: 'Planned', action: 'finish' },
    });
    await ok(move(o.id, b.id, { action: 'start' }));
    expect((await move(o.id, b.id, { action: 'finish' })).status).toBe(400);
    expect(
      (await move(o.id, b.id, { action: 'finish', produced: { sizes: ['S'], colors: ['NAVY'], quantities: [[1]] } }))
        .body.error.details.fields[0].field,
    ).toBe('produced.sizes');
    expect((await move(o.id, b.id, { action: 'finish', produced: b.matrix, rejected: b.matrix })).status).toBe(400);
    expect((await move(o.id, b.id, { action: 'cancel' })).body.error.code).toBe('ILLEGAL_TRANSITION');
    for (const token of [t.viewer, t.logistics, t.commercial]) {
      expect((await move(o.id, b.id, { action: 'finish', produced: b.matrix }, token)).status).toBe(403);
      expect(
        (
          await createBatch(
            o.id,
            matrix([
              [1, 0, 0],
              [0, 0, 0],
            ]),
            token,
          )
        ).status,
      ).toBe(403);
      expect((await generate(o.id, token)).status).toBe(403);
    }
    expect((await api('GET', `${base(o.id)}/batches`, { token: t.logistics })).status).toBe(200);
    const fin = await move(o.id, b.id, { action: 'finish', produced: b.matrix }, t.admin);
    expect(fin.status).toBe(200);
    expect(fin.body.rejected).toEqual(zeroLike(b.matrix));
  });
});

describe('races', () => {
  it('10 concurrent batch requests, each for more than a tenth of what may be batched: exactly the allowed quantity is batched', async () => {
    // NAVY/M: 100 ordered + 5% = 105 may be batched; each request asks for 15 (> 10.5).
    const o = await releasedOrder({
      matrix: matrix([
        [0, 100, 0],
        [0, 0, 0],
      ]),
    });
    const ask = { sizes: ['M'], colors: ['NAVY'], quantities: [[15]] };
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, async () => {
        // A client retries only what lost a race (CONCURRENT_UPDATE); every other answer is final.
        for (let attempt = 0; ; attempt++) {
          const res = await createBatch(o.id, ask);
          if (res.status === 409 && res.body.error.code === 'CONCURRENT_UPDATE' && attempt < 30) continue;
          return res;
        }
      }),
    );
    const created = outcomes.filter((r) => r.status === 201);
    const refused = outcomes.filter((r) => r.status !== 201);
    expect(created).toHaveLength(7);
    for (const r of refused) expect(r.body.error.code).toBe('OVER_ALLOCATED');
    const now = await getOrder(o.id);
    expect(now.progress.batched.quantities[0][1]).toBe(105);
    const listed = await allBatches(o.id);
    expect(listed.reduce((n, b) => n + b.total, 0)).toBe(105);
    expect(new Set(listed.map((b) => b.id)).size).toBe(7);
  });

  it('without client retries, racing requests still never over-allocate', async () => {
    const o = await releasedOrder({
      matrix: matrix([
        [0, 100, 0],
        [0, 0, 0],
      ]),
    });
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () => createBatch(o.id, { sizes: ['M'], colors: ['NAVY'], quantities: [[15]] })),
    );
    const created = outcomes.filter((r) => r.status === 201).length;
    for (const r of outcomes.filter((x) => x.status !== 201))
      expect(['OVER_ALLOCATED', 'CONCURRENT_UPDATE']).toContain(r.body.error.code);
    expect(created).toBeLessThanOrEqual(7);
    expect((await getOrder(o.id)).progress.batched.quantities[0][1]).toBe(15 * created);
  });

  it('concurrent generate calls: the plan is generated once', async () => {
    const o = await releasedOrder({
      matrix: matrix([
        [10, 10, 10],
        [10, 10, 10],
      ]),
      batchPlan: { maxBatchQty: 7 },
    });
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => generate(o.id)));
    expect(outcomes.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of outcomes.filter((x) => x.status !== 201))
      expect(['NOTHING_REMAINING', 'CONCURRENT_UPDATE']).toContain(r.body.error.code);
    expect((await allBatches(o.id)).reduce((n, b) => n + b.total, 0)).toBe(60);
  });

  it('two starts of one batch: one wins, the other gets 409', async () => {
    const o = await releasedOrder({
      matrix: matrix([
        [5, 0, 0],
        [0, 0, 0],
      ]),
    });
    const b = await ok(createBatch(o.id, { sizes: ['S'], colors: ['NAVY'], quantities: [[5]] }), 201);
    const outcomes = await Promise.all([
      move(o.id, b.id, { action: 'start' }),
      move(o.id, b.id, { action: 'start' }),
      move(o.id, b.id, { action: 'cancel' }),
    ]);
    expect(outcomes.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of outcomes.filter((x) => x.status !== 200)) expect(r.status).toBe(409);
  });
});

describe('limits', () => {
  it('1,000 batches from one generate call: one transaction, all or nothing, exact totals', async () => {
    // 10 sizes x 1,000 garments of one color, at most 10 a batch: 1,000 batches of 1 per size.
    const sizes = Array.from({ length: 10 }, (_, i) => `Z${i}`);
    const o = await releasedOrder({
      matrix: { sizes, colors: ['NAVY'], quantities: [sizes.map(() => 1000)] },
      batchPlan: { maxBatchQty: 10 },
    });
    const gen = await generate(o.id);
    expect(gen.status, JSON.stringify(gen.body).slice(0, 500)).toBe(201);
    expect(calls(gen).byOperation.TransactWriteItems).toBe(1);
    expect(gen.body.items).toHaveLength(1000);
    for (const b of gen.body.items) expect(b.matrix.quantities).toEqual([sizes.map(() => 1)]);
    const listed = await allBatches(o.id);
    expect(listed).toHaveLength(1000);
    expect(listed.map((b) => b.id)).toEqual(gen.body.items.map((b: any) => b.id));
    // A batch deep inside the plan moves like any other.
    const mid = listed[537];
    expect((await move(o.id, mid.id, { action: 'cancel' })).status).toBe(200);
    expect((await getOrder(o.id)).progress.batched.quantities[0]).toEqual(sizes.map(() => 999));
    // Cancelling the order with 999 Planned batches is one write too.
    const cancelled = await ok(transition(t.planner, o.id, { action: 'cancel', reason: 'test' }));
    expect(cancelled.progress.batched.quantities[0]).toEqual(sizes.map(() => 0));
    expect((await allBatches(o.id)).every((b) => b.state === 'Cancelled')).toBe(true);
  });

  it('TOO_MANY_BATCHES names the count; one call may use a larger maxBatchQty than the frozen plan', async () => {
    const o = await releasedOrder({
      matrix: matrix([
        [1500, 1500, 0],
        [0, 0, 0],
      ]),
      batchPlan: { maxBatchQty: 1 },
    });
    const refused = await generate(o.id);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'TOO_MANY_BATCHES',
      details: { batches: 3000, max: 2000, maxBatchQty: 1 },
    });
    expect(
      (await api('POST', `${base(o.id)}/batches/generate`, { token: t.planner, body: { maxBatchQty: 0 } })).status,
    ).toBe(400);
    const gen = await ok(
      api('POST', `${base(o.id)}/batches/generate`, { token: t.planner, body: { maxBatchQty: 1000 } }),
      201,
    );
    expect(gen.items.map((b: any) => b.matrix.quantities[0])).toEqual([
      [500, 500],
      [500, 500],
      [500, 500],
    ]);
    expect(gen.order.batchPlan).toEqual({ maxBatchQty: 1, extraCutPct: 0 });
  });

  it('a 20,000-cell order keeps full progress (batched, produced, rejected, missing) within DynamoDB\u2019s 400 KB item', async () => {
    const sizes = Array.from({ length: 40 }, (_, i) => `SZ-${String(i).padStart(3, '0')}`);
    const colors = Array.from({ length: 500 }, (_, i) => `COLOR-${String(i).padStart(4, '0')}`);
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const quantities = colors.map(() => sizes.map(() => 100_000 + rand(900_000)));
    const o = await releasedOrder({ matrix: { sizes, colors, quantities } });
    const b = await ok(createBatch(o.id, { sizes, colors, quantities }), 201);
    await ok(move(o.id, b.id, { action: 'start' }));
    const rejected = quantities.map((r) => r.map((q) => rand(Math.floor(q / 10))));
    const produced = quantities.map((r, i) => r.map((q, j) => q - rejected[i][j] - rand(3)));
    const fin = await move(o.id, b.id, {
      action: 'finish',
      produced: { sizes, colors, quantities: produced },
      rejected: { sizes, colors, quantities: rejected },
      reason: 'counted at the end of the line',
    });
    expect(fin.status, JSON.stringify(fin.body).slice(0, 300)).toBe(200);
    const now = await getOrder(o.id);
    expect(now.progress.batched.quantities).toEqual(quantities);
    expect(now.progress.produced.quantities).toEqual(produced);
    expect(now.progress.rejected.quantities).toEqual(rejected);
    expect(
      add(add(now.progress.produced.quantities, now.progress.rejected.quantities), now.progress.missing.quantities),
    ).toEqual(quantities);
    expect(
      add(now.progress.produced.quantities, now.progress.rejected.quantities).every((r: number[], i: number) =>
        r.every((q, j) => q <= quantities[i][j]),
      ),
    ).toBe(true);
  });
});

describe('events and idempotency', () => {
  const events = () => {
    const file = path.join(inject('dataDir'), 'events.ndjson');
    return existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l))
      : [];
  };

  it('a generate call announces each batch it created; each move has its own event', async () => {
    const o = await releasedOrder({
      matrix: matrix([
        [10, 10, 10],
        [10, 10, 10],
      ]),
      batchPlan: { maxBatchQty: 10 },
    });
    const batches = (await ok(generate(o.id), 201)).items;
    expect(batches).toHaveLength(6);
    await ok(move(o.id, batches[2].id, { action: 'start' }));
    await ok(move(o.id, batches[3].id, { action: 'cancel', reason: 'not needed' }));
    const mine = () =>
      events().filter((e) => e.detail.orderId === o.id && e['detail-type'] === 'ProductionBatch.StateChanged');
    for (let i = 0; i < 75 && mine().length < 8; i++) await new Promise((r) => setTimeout(r, 200));
    expect(mine().map((e) => [e.detail.id, e.detail.action, e.detail.from, e.detail.to])).toEqual([
      ...batches.map((b: any) => [b.id, 'generate', null, 'Planned']),
      [batches[2].id, 'start', 'Planned', 'Running'],
      [batches[3].id, 'cancel', 'Planned', 'Cancelled'],
    ]);
    for (const [i, e] of mine().slice(0, 6).entries()) {
      expect(e.detail).toMatchObject({ orderId: o.id, batchId: batches[i].id, version: 1 });
      expect(e.detail).not.toHaveProperty('batchIds');
    }
    expect(mine()[7].detail.reason).toBe('not needed');
  });

  it('generate with an Idempotency-Key: the same answer again, nothing generated twice', async () => {
    const o = await releasedOrder({
      matrix: matrix([
        [3, 3, 3],
        [0, 0, 0],
      ]),
      batchPlan: { maxBatchQty: 5 },
    });
    const key = { 'idempotency-key': `gen-${o.id}` };
    const first = await api('POST', `${base(o.id)}/batches/generate`, { token: t.planner, headers: key });
    const again = await api('POST', `${base(o.id)}/batches/generate`, { token: t.planner, headers: key });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await allBatches(o.id)).toHaveLength(2);
  });
});
