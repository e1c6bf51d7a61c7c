// DynamoDB round trips per operation, counted by a middleware on the real client. Each figure is
// the minimum this design allows; a change that adds a round trip fails here.
import { beforeAll, describe, expect, it } from 'vitest';
import { api, tokens, type ApiAnswer } from '../support/api.js';
import { createOrder, createTechPack, matrix, techPackBody } from '../support/fixtures.js';

let t: Awaited<ReturnType<typeof tokens>>;
beforeAll(async () => {
  t = await tokens();
});

function usage(res: ApiAnswer): { calls: number; byOperation: Record<string, number> } {
  const raw = res.headers.get('x-dynamo-usage');
  expect(raw, 'the local stack reports DynamoDB usage').toBeTruthy();
  return JSON.parse(raw!);
}

describe('round trips per operation', () => {
  it('stay at their minimum', async () => {
    const createdPack = await api('POST', '/v1/tech-packs', { token: t.commercial, body: techPackBody() });
    expect(usage(createdPack)).toMatchObject({ calls: 2, byOperation: { UpdateItem: 1, TransactWriteItems: 1 } });
    const tp = await createTechPack(t.commercial, 'ProductionReady');

    const created = await api('POST', '/v1/production-orders', {
      token: t.planner,
      body: {
        techPackId: tp.id,
        deliveryDate: '2027-01-10',
        matrix: matrix([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      },
    });
    expect(usage(created)).toEqual(
      expect.objectContaining({ calls: 3, byOperation: { BatchGetItem: 1, UpdateItem: 1, TransactWriteItems: 1 } }),
    );
    const id = created.body.id;

    expect(usage(await api('GET', `/v1/production-orders/${id}`, { token: t.viewer })).calls).toBe(1);
    expect(usage(await api('GET', `/v1/production-orders?techPackId=${tp.id}`, { token: t.viewer })).calls).toBe(1);
    expect(usage(await api('GET', `/v1/production-orders/${id}/history`, { token: t.viewer })).calls).toBe(1);

    const patched = await api('PATCH', `/v1/production-orders/${id}`, {
      token: t.planner,
      body: { notes: 'n' },
      headers: { 'if-match': '"1"' },
    });
    // The order is read with the BOM its material requirement uses (one BatchGet): the write needs no other read.
    expect(usage(patched)).toMatchObject({ calls: 2, byOperation: { BatchGetItem: 1, TransactWriteItems: 1 } });

    const edited = await api('POST', `/v1/production-orders/${id}/matrix-edits`, {
      token: t.planner,
      body: { baseVersion: 2, edits: [{ color: 'NAVY', size: 'S', from: 1, to: 9 }] },
    });
    expect(usage(edited)).toMatchObject({ calls: 2, byOperation: { BatchGetItem: 1, TransactWriteItems: 1 } });

    // plan reads the order with its batches (one Query), then writes: the tech pack's state is a
    // ConditionCheck in the write, not a read.
    const planned = await api('POST', `/v1/production-orders/${id}/transitions`, {
      token: t.planner,
      body: { action: 'plan' },
    });
    expect(usage(planned)).toMatchObject({ calls: 2, byOperation: { Query: 1, TransactWriteItems: 1 } });
    const reopened = await api('POST', `/v1/production-orders/${id}/transitions`, {
      token: t.planner,
      body: { action: 'reopen' },
    });
    expect(usage(reopened)).toMatchObject({ calls: 2, byOperation: { Query: 1, TransactWriteItems: 1 } });

    // Idempotency adds the claim only: the key's completion rides in the write's own transaction.
    const keyedCreate = await api('POST', '/v1/production-orders', {
      token: t.planner,
      body: {
        techPackId: tp.id,
        deliveryDate: '2027-01-10',
        matrix: matrix([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      },
      headers: { 'idempotency-key': `rt-create-${id}` },
    });
    expect(keyedCreate.status).toBe(201);
    expect(usage(keyedCreate)).toEqual(
      expect.objectContaining({
        calls: 4,
        byOperation: { BatchGetItem: 1, UpdateItem: 2, TransactWriteItems: 1 },
      }),
    );
    const keyed = await api('POST', `/v1/production-orders/${id}/transitions`, {
      token: t.planner,
      body: { action: 'cancel', reason: 'r' },
      headers: { 'idempotency-key': `rt-${id}` },
    });
    expect(usage(keyed).calls).toBe(2 + 1);
    const replay = await api('POST', `/v1/production-orders/${id}/transitions`, {
      token: t.planner,
      body: { action: 'cancel', reason: 'r' },
      headers: { 'idempotency-key': `rt-${id}` },
    });
    expect(usage(replay).calls).toBe(1);
  });

  it('quality: templates, the plan, inspections, and the finish gate add no read to the finish', async () => {
    const code = `IQ-RT-${process.pid}`;
    const created = await api('POST', '/v1/iq-templates', {
      token: t.planner,
      body: { code, name: 'RT', aql: { major: 2.5 }, requiredForFinish: true },
    });
    expect(created.status).toBe(201);
    expect(usage(created)).toEqual(expect.objectContaining({ calls: 1, byOperation: { TransactWriteItems: 1 } }));
    const one = await api('GET', `/v1/iq-templates/${code}`, { token: t.viewer });
    expect(usage(one)).toMatchObject({ calls: 1, byOperation: { GetItem: 1 } });
    const list = await api('GET', '/v1/iq-templates', { token: t.viewer });
    expect(usage(list)).toMatchObject({ calls: 1, byOperation: { Query: 1 } });
    const patched = await api('PATCH', `/v1/iq-templates/${code}`, {
      token: t.planner,
      body: { name: 'RT 2' },
      headers: { 'if-match': '"1"' },
    });
    expect(usage(patched)).toMatchObject({ calls: 2, byOperation: { GetItem: 1, TransactWriteItems: 1 } });

    // Naming a template costs no read: the write's transaction checks it.
    const pack = await api('POST', '/v1/tech-packs', { token: t.commercial, body: techPackBody({ iqTemplate: code }) });
    expect(usage(pack)).toMatchObject({ calls: 2, byOperation: { UpdateItem: 1, TransactWriteItems: 1 } });
    const tp = await createTechPack(t.commercial, 'ProductionReady', { iqTemplate: code });
    const o = await createOrder(t.planner, tp.id, {
      matrix: matrix([
        [10, 0, 0],
        [0, 0, 0],
      ]),
    });
    for (const action of ['plan', 'release']) {
      const moved = await api('POST', `/v1/production-orders/${o.id}/transitions`, {
        token: t.planner,
        body: { action },
      });
      expect(moved.status).toBe(200);
    }
    const path = `/v1/production-orders/${o.id}/batches`;
    const batchBody = { matrix: matrix([[10]], ['S'], ['NAVY']) };
    const batch = (await api('POST', path, { token: t.planner, body: batchBody })).body;
    const move = (body: Record<string, unknown>) =>
      api('POST', `${path}/${batch.id}/transitions`, { token: t.planner, body });
    expect((await move({ action: 'start' })).status).toBe(200);
    // The first page of batches: one Query from the order's item to its last batch set.
    const listed = await api('GET', path, { token: t.viewer });
    expect(listed.body.items.map((b: { id: string }) => b.id)).toEqual([batch.id]);
    expect(usage(listed)).toMatchObject({ calls: 1, byOperation: { Query: 1 } });

    // The order (one BatchGet with its requirement's BOM) and the batch (a Query) in parallel, then the
    // template the order names.
    const plan = await api('GET', `${path}/${batch.id}/inspection-plan`, { token: t.viewer });
    expect(usage(plan)).toMatchObject({ calls: 3, byOperation: { BatchGetItem: 1, GetItem: 1, Query: 1 } });
    const finish = { action: 'finish', produced: matrix([[10]], ['S'], ['NAVY']) };
    const gated = await move(finish);
    expect(gated.status).toBe(409);
    expect(usage(gated)).toMatchObject({ calls: 3, byOperation: { BatchGetItem: 1, Query: 1, TransactWriteItems: 1 } });
    const inspected = await api('POST', `${path}/${batch.id}/inspections`, { token: t.planner, body: {} });
    expect(inspected.status).toBe(201);
    expect(usage(inspected)).toMatchObject({
      calls: 4,
      byOperation: { BatchGetItem: 1, GetItem: 1, Query: 1, TransactWriteItems: 1 },
    });
    const inspections = await api('GET', `${path}/${batch.id}/inspections`, { token: t.viewer });
    expect(usage(inspections)).toMatchObject({ calls: 1, byOperation: { Query: 1 } });
    const finished = await move(finish);
    expect(finished.status).toBe(200);
    expect(usage(finished)).toMatchObject({
      calls: 3,
      byOperation: { BatchGetItem: 1, Query: 1, TransactWriteItems: 1 },
    });
  });

  it('a 412 costs one read and no write', async () => {
    const tp = await createTechPack(t.commercial);
    const o = await createOrder(t.planner, tp.id);
    const stale = await api('PATCH', `/v1/production-orders/${o.id}`, {
      token: t.planner,
      body: { notes: 'n' },
      headers: { 'if-match': '"7"' },
    });
    expect(stale.status).toBe(412);
    expect(usage(stale)).toMatchObject({ calls: 1, byOperation: { BatchGetItem: 1 } });
  });
});
