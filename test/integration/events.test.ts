// The outbox, end to end: every create and state change of a full order life reaches
// DATA_DIR/events.ndjson of the test stack (DynamoDB Local's stream -> the local poller), with the
// CONTRACT's detail, a stable eventId, and no duplicates.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { api, tokens } from '../support/api.js';
import { createTechPack, matrix, transition } from '../support/fixtures.js';

let t: Awaited<ReturnType<typeof tokens>>;
beforeAll(async () => {
  t = await tokens();
});

interface EventLine {
  eventId: string;
  source: string;
  'detail-type': string;
  time?: string;
  detail: {
    id: string;
    from: string | null;
    to: string | null;
    version: number;
    actor: string;
    at: string;
    action: string;
    eventId: string;
    orderId?: string;
    techPackId?: string;
    salesOrderId?: string;
    batchId?: string;
    reason?: string;
  };
}

const file = () => path.join(inject('dataDir'), 'events.ndjson');

function readEvents(): EventLine[] {
  if (!existsSync(file())) return [];
  return readFileSync(file(), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as EventLine);
}

/** Waits (the poller reads the stream about every 500 ms) until `done` holds for the events. */
async function eventsUntil(done: (events: EventLine[]) => boolean, timeoutMs = 15_000): Promise<EventLine[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = readEvents();
    if (done(events) || Date.now() > deadline) return events;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const ok = async (p: Promise<{ status: number; body: any }>, status = 200) => {
  const res = await p;
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
};

describe('change events', () => {
  it('a full order life, from tech pack to completion, appears in events.ndjson with its detail', async () => {
    const tp = await createTechPack(t.commercial, 'ProductionReady');
    const so = await ok(
      api('POST', '/v1/sales-orders', {
        token: t.commercial,
        body: {
          customer: 'ACME',
          techPackId: tp.id,
          matrix: matrix([
            [4, 4, 0],
            [0, 2, 2],
          ]),
          deliveryDate: '2027-06-01',
        },
      }),
      201,
    );
    await ok(api('POST', `/v1/sales-orders/${so.id}/transitions`, { token: t.commercial, body: { to: 'Sent' } }));
    await ok(api('POST', `/v1/sales-orders/${so.id}/transitions`, { token: t.commercial, body: { to: 'Accepted' } }));
    const po = await ok(api('POST', `/v1/sales-orders/${so.id}/production-orders`, { token: t.commercial }), 201);
    await ok(
      api('POST', `/v1/production-orders/${po.id}/matrix-edits`, {
        token: t.planner,
        body: { baseVersion: 1, edits: [{ color: 'NAVY', size: 'L', from: 0, to: 2 }] },
      }),
    );
    await ok(transition(t.planner, po.id, { action: 'plan' }));
    await ok(transition(t.planner, po.id, { action: 'release' }));
    const order = await ok(api('GET', `/v1/production-orders/${po.id}`, { token: t.viewer }));
    const batch = await ok(
      api('POST', `/v1/production-orders/${po.id}/batches`, { token: t.planner, body: { matrix: order.matrix } }),
      201,
    );
    await ok(
      api('POST', `/v1/production-orders/${po.id}/batches/${batch.id}/transitions`, {
        token: t.planner,
        body: { action: 'start' },
      }),
    );
    const zero = { ...order.matrix, quantities: order.matrix.quantities.map((r: number[]) => r.map(() => 0)) };
    await ok(
      api('POST', `/v1/production-orders/${po.id}/batches/${batch.id}/transitions`, {
        token: t.planner,
        body: { action: 'finish', produced: order.matrix, rejected: zero },
      }),
    );
    await ok(transition(t.planner, po.id, { action: 'complete' }));

    const expected =
      4 /* tech pack */ +
      3 /* sales order */ +
      6 /* order: created, matrix, plan, release, in progress, completed */ +
      3; /* batch: created, started, finished */
    const mine = (events: EventLine[]) =>
      events.filter(
        (e) =>
          e.detail.techPackId === tp.id ||
          e.detail.id === tp.id ||
          e.detail.salesOrderId === so.id ||
          e.detail.orderId === po.id,
      );
    const events = mine(await eventsUntil((all) => mine(all).length >= expected));

    const summary = events.map(
      (e) =>
        `${e['detail-type']} ${e.detail.id === tp.id ? 'TP' : e.detail.id === so.id ? 'SO' : e.detail.id === po.id ? 'PO' : 'B'} ${e.detail.from}->${e.detail.to}`,
    );
    const forEntity = (prefix: string) => summary.filter((s) => s.split(' ')[1] === prefix);
    expect(forEntity('TP')).toEqual([
      'TechPack.Created TP null->Commercial',
      'TechPack.StateChanged TP Commercial->Design',
      'TechPack.StateChanged TP Design->Approval',
      'TechPack.StateChanged TP Approval->ProductionReady',
    ]);
    expect(forEntity('SO')).toEqual([
      'SalesOrder.Created SO null->Draft',
      'SalesOrder.StateChanged SO Draft->Sent',
      'SalesOrder.StateChanged SO Sent->Accepted',
    ]);
    expect(forEntity('PO')).toEqual([
      'ProductionOrder.Created PO null->Draft',
      'ProductionOrder.MatrixChanged PO Draft->Draft',
      'ProductionOrder.StateChanged PO Draft->Planned',
      'ProductionOrder.StateChanged PO Planned->Released',
      'ProductionOrder.StateChanged PO Released->InProgress',
      'ProductionOrder.StateChanged PO InProgress->Completed',
    ]);
    expect(forEntity('B').map((s) => s.replace(/ B /, ' '))).toEqual([
      'ProductionBatch.StateChanged null->Planned',
      'ProductionBatch.StateChanged Planned->Running',
      'ProductionBatch.StateChanged Running->Finished',
    ]);

    for (const e of events) {
      // the envelope EventBridge delivers, plus a stable id to dedupe on
      expect(e.source).toBe('garmentflow.production');
      expect(e.eventId).toBe(e.detail.eventId);
      expect(e.eventId).toMatch(/^[A-Z]+#[A-Z]+-\d{6}\/H#\d{10}/);
      expect(e.detail).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          version: expect.any(Number),
          actor: expect.any(String),
          at: expect.any(String),
          action: expect.any(String),
        }),
      );
      expect('from' in e.detail && 'to' in e.detail).toBe(true);
      expect(Number.isNaN(Date.parse(e.detail.at))).toBe(false);
    }
    // the ids that link each event
    for (const e of events.filter((x) => x['detail-type'].startsWith('ProductionOrder.'))) {
      expect(e.detail).toMatchObject({ id: po.id, orderId: po.id, techPackId: tp.id, salesOrderId: so.id });
    }
    for (const e of events.filter((x) => x['detail-type'].startsWith('SalesOrder.')))
      expect(e.detail).toMatchObject({ id: so.id, salesOrderId: so.id, techPackId: tp.id });
    for (const e of events.filter((x) => x['detail-type'].startsWith('TechPack.')))
      expect(e.detail).toMatchObject({ id: tp.id, techPackId: tp.id });
    for (const e of events.filter((x) => x['detail-type'].startsWith('ProductionBatch.')))
      expect(e.detail).toMatchObject({ id: batch.id, orderId: po.id });
    // versions only go up (batch writes move the order's version without announcing anything); actors are who did it
    const versions = events.filter((e) => e.detail.id === po.id).map((e) => e.detail.version);
    expect(versions[0]).toBe(1);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
    expect(events.find((e) => e['detail-type'] === 'SalesOrder.Created')!.detail.actor).toBe('carla@example.com');
    expect(events.find((e) => e.detail.to === 'Planned' && e.detail.id === po.id)!.detail.actor).toBe(
      'ana@example.com',
    );
  });

  it('a rejected or failed write publishes nothing; every eventId in the file is unique', async () => {
    const tp = await createTechPack(t.commercial);
    const so = await ok(
      api('POST', '/v1/sales-orders', {
        token: t.commercial,
        body: {
          customer: 'ACME',
          techPackId: tp.id,
          matrix: matrix([
            [1, 0, 0],
            [0, 0, 0],
          ]),
        },
      }),
      201,
    );
    expect(
      (await api('POST', `/v1/sales-orders/${so.id}/transitions`, { token: t.commercial, body: { to: 'Accepted' } }))
        .status,
    ).toBe(409);
    await ok(
      api('POST', `/v1/sales-orders/${so.id}/transitions`, {
        token: t.commercial,
        body: { to: 'Cancelled', reason: 'customer withdrew' },
      }),
    );
    const events = await eventsUntil((all) => all.some((e) => e.detail.id === so.id && e.detail.to === 'Cancelled'));
    const soEvents = events.filter((e) => e.detail.id === so.id);
    expect(soEvents.map((e) => `${e.detail.from}->${e.detail.to}`)).toEqual(['null->Draft', 'Draft->Cancelled']);
    expect(soEvents[1].detail.reason).toBe('customer withdrew');
    const ids = readEvents().map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a BOM change is announced: TechPack.BomChanged with bomRevision and the previous one', async () => {
    const tp = await createTechPack(t.commercial, 'Design');
    const patch = (body: unknown, version: number) =>
      ok(
        api('PATCH', `/v1/tech-packs/${tp.id}`, { token: t.commercial, body, headers: { 'if-match': `"${version}"` } }),
      );
    const renamed = await patch({ name: 'Renamed' }, tp.version);
    const bom = [{ material: 'FAB-JERSEY', uom: 'm', consumption: 1.4, wastagePct: 5, variants: 'match' }];
    const rebommed = await patch({ bom }, renamed.version);
    expect(rebommed.bomRevision).toBe(2);
    const same = await patch({ bom, season: 'AW27' }, rebommed.version); // the same BOM again: no new revision
    expect(same.bomRevision).toBe(2);
    await ok(api('POST', `/v1/tech-packs/${tp.id}/transitions`, { token: t.commercial, body: { to: 'Approval' } }));
    const mine = (all: EventLine[]) => all.filter((e) => e.detail.id === tp.id);
    const events = mine(await eventsUntil((all) => mine(all).some((e) => e.detail.to === 'Approval')));
    expect(events.map((e) => e['detail-type'])).toEqual([
      'TechPack.Created',
      'TechPack.StateChanged',
      'TechPack.BomChanged',
      'TechPack.StateChanged',
    ]);
    const changed = events[2] as EventLine & { detail: { bomRevision: number; previousBomRevision: number } };
    expect(changed.detail).toMatchObject({
      id: tp.id,
      techPackId: tp.id,
      from: 'Design',
      to: 'Design',
      action: 'update',
      version: rebommed.version,
      actor: 'carla@example.com',
      bomRevision: 2,
      previousBomRevision: 1,
    });
    expect(changed.eventId).toMatch(/^[A-Z]+#TP-\d{6}\/H#\d{10}/);
  });
  it('a generated plan announces every batch it created, each with its own event and id', async () => {
    const tp = await createTechPack(t.commercial, 'ProductionReady');
    const po = await ok(
      api('POST', '/v1/production-orders', {
        token: t.planner,
        body: {
          techPackId: tp.id,
          deliveryDate: '2027-03-01',
          matrix: matrix([
            [30, 0, 0],
            [0, 25, 0],
          ]),
          batchPlan: { maxBatchQty: 20 },
        },
      }),
      201,
    );
    await ok(transition(t.planner, po.id, { action: 'plan' }));
    await ok(transition(t.planner, po.id, { action: 'release' }));
    const generated = await ok(
      api('POST', `/v1/production-orders/${po.id}/batches/generate`, { token: t.planner }),
      201,
    );
    const batchIds = generated.items.map((b: { id: string }) => b.id);
    expect(batchIds).toHaveLength(4); // NAVY 30 -> 15 + 15, RED 25 -> 13 + 12
    const created = (all: EventLine[]) =>
      all.filter(
        (e) =>
          e['detail-type'] === 'ProductionBatch.StateChanged' &&
          e.detail.orderId === po.id &&
          e.detail.to === 'Planned',
      );
    const events = created(await eventsUntil((all) => created(all).length >= batchIds.length));
    expect(events.map((e) => e.detail.id).sort()).toEqual([...batchIds].sort());
    for (const e of events)
      expect(e.detail).toMatchObject({ batchId: e.detail.id, from: null, action: 'generate', techPackId: tp.id });
    expect(new Set(events.map((e) => e.eventId)).size).toBe(batchIds.length);
  });
});
