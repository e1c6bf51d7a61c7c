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

    const created = await api('POST', '/v1/production-orders', { token: t.planner, body: { techPackId: tp.id, deliveryDate: '2027-01-10', matrix: matrix([[1, 2, 3], [4, 5, 6]]) } });
    expect(usage(created)).toEqual(expect.objectContaining({ calls: 3, byOperation: { BatchGetItem: 1, UpdateItem: 1, TransactWriteItems: 1 } }));
    const id = created.body.id;

    expect(usage(await api('GET', `/v1/production-orders/${id}`, { token: t.viewer })).calls).toBe(1);
    expect(usage(await api('GET', `/v1/production-orders?techPackId=${tp.id}`, { token: t.viewer })).calls).toBe(1);
    expect(usage(await api('GET', `/v1/production-orders/${id}/history`, { token: t.viewer })).calls).toBe(1);

    const patched = await api('PATCH', `/v1/production-orders/${id}`, { token: t.planner, body: { notes: 'n' }, headers: { 'if-match': '"1"' } });
    // The order is read with the BOM its material requirement uses (one BatchGet): the write needs no other read.
    expect(usage(patched)).toMatchObject({ calls: 2, byOperation: { BatchGetItem: 1, TransactWriteItems: 1 } });

    const edited = await api('POST', `/v1/production-orders/${id}/matrix-edits`, { token: t.planner, body: { baseVersion: 2, edits: [{ color: 'NAVY', size: 'S', from: 1, to: 9 }] } });
    expect(usage(edited)).toMatchObject({ calls: 2, byOperation: { BatchGetItem: 1, TransactWriteItems: 1 } });

    // plan reads the order with its batches (one Query), the tech pack, then writes.
    const planned = await api('POST', `/v1/production-orders/${id}/transitions`, { token: t.planner, body: { action: 'plan' } });
    expect(usage(planned)).toMatchObject({ calls: 3, byOperation: { Query: 1, GetItem: 1, TransactWriteItems: 1 } });
    const reopened = await api('POST', `/v1/production-orders/${id}/transitions`, { token: t.planner, body: { action: 'reopen' } });
    expect(usage(reopened)).toMatchObject({ calls: 2, byOperation: { Query: 1, TransactWriteItems: 1 } });

    // Idempotency adds the claim and the completion.
    const keyed = await api('POST', `/v1/production-orders/${id}/transitions`, { token: t.planner, body: { action: 'cancel', reason: 'r' }, headers: { 'idempotency-key': `rt-${id}` } });
    expect(usage(keyed).calls).toBe(2 + 2);
    const replay = await api('POST', `/v1/production-orders/${id}/transitions`, { token: t.planner, body: { action: 'cancel', reason: 'r' }, headers: { 'idempotency-key': `rt-${id}` } });
    expect(usage(replay).calls).toBe(1);
  });

  it('a 412 costs one read and no write', async () => {
    const tp = await createTechPack(t.commercial);
    const o = await createOrder(t.planner, tp.id);
    const stale = await api('PATCH', `/v1/production-orders/${o.id}`, { token: t.planner, body: { notes: 'n' }, headers: { 'if-match': '"7"' } });
    expect(stale.status).toBe(412);
    expect(usage(stale)).toMatchObject({ calls: 1, byOperation: { BatchGetItem: 1 } });
  });
});
