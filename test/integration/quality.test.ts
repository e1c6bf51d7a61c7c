// Quality through the HTTP API, on DynamoDB Local: IQ templates (create, list, get, PATCH with
// If-Match), a tech pack or order naming a template that does not exist, the sampling plan of a real
// batch, inspections judged by it (kept when the template changes later), and the finish gate.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { api, type ApiAnswer, tokens } from '../support/api.js';
import { createOrder, createTechPack, matrix, techPackBody, transition } from '../support/fixtures.js';

let t: Awaited<ReturnType<typeof tokens>>;
beforeAll(async () => {
  t = await tokens();
});

const ok = async (p: Promise<ApiAnswer>, status = 200) => {
  const res = await p;
  expect(res.status, JSON.stringify(res.body)?.slice(0, 800)).toBe(status);
  return res.body;
};

let counter = 0;
const uniqueCode = (tag: string) => `IQ-${tag}-${process.pid}-${++counter}`;

async function createTemplate(body: Record<string, unknown>, token = t.planner) {
  return ok(api('POST', '/v1/iq-templates', { token, body }), 201);
}

const base = (id: string) => `/v1/production-orders/${id}`;
const batchPath = (id: string, batchId: string) => `${base(id)}/batches/${batchId}`;
const inspect = (id: string, batchId: string, body: Record<string, unknown>, token = t.planner) =>
  api('POST', `${batchPath(id, batchId)}/inspections`, { token, body });
const move = (id: string, batchId: string, body: Record<string, unknown>) =>
  api('POST', `${batchPath(id, batchId)}/transitions`, { token: t.planner, body });

/**
 * A Released order on a fresh ProductionReady tech pack naming `iqTemplate` (none when undefined), with one
 * Running batch of `qty` NAVY/S; 10 NAVY/M are left for another batch.
 */
async function runningBatch(iqTemplate: string | undefined, qty: number) {
  const tp = await createTechPack(t.commercial, 'ProductionReady', { iqTemplate });
  const o = await createOrder(t.planner, tp.id, {
    matrix: matrix([
      [qty, 10, 0],
      [0, 0, 0],
    ]),
  });
  await ok(transition(t.planner, o.id, { action: 'plan' }));
  await ok(transition(t.planner, o.id, { action: 'release' }));
  const batch = await ok(
    api('POST', `${base(o.id)}/batches`, { token: t.planner, body: { matrix: matrix([[qty]], ['S'], ['NAVY']) } }),
    201,
  );
  await ok(move(o.id, batch.id, { action: 'start' }));
  return { order: o, batch };
}

const finishBody = (qty: number) => ({ action: 'finish', produced: matrix([[qty]], ['S'], ['NAVY']) });

describe('IQ templates', () => {
  it('create (201, ETag, defaults), get, list, and a code taken twice is 409', async () => {
    const code = uniqueCode('CRUD');
    const res = await api('POST', '/v1/iq-templates', {
      token: t.planner,
      body: { code, name: 'Knits', aql: { major: 2.5, minor: 4 }, checkpoints: ['seams', ' labels '] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(res.headers.get('location')).toBe(`/v1/iq-templates/${code}`);
    expect(res.body).toMatchObject({
      code,
      name: 'Knits',
      inspectionLevel: 'II',
      aql: { major: 2.5, minor: 4 },
      checkpoints: ['seams', 'labels'],
      requiredForFinish: false,
      version: 1,
      createdBy: 'ana@example.com',
    });
    const got = await api('GET', `/v1/iq-templates/${code}`, { token: t.viewer });
    expect(got.status).toBe(200);
    expect(got.headers.get('etag')).toBe('"1"');
    expect(got.body).toEqual(res.body);

    const again = await api('POST', '/v1/iq-templates', {
      token: t.admin,
      body: { code, name: 'Other', aql: { major: 1 } },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('IQ_TEMPLATE_EXISTS');
    expect((await api('GET', `/v1/iq-templates/${code}`, { token: t.viewer })).body.name).toBe('Knits');

    // Paged, newest first; every template is on some page.
    const second = await createTemplate({ code: uniqueCode('CRUD'), name: 'Wovens', aql: { major: 1.5 } }, t.admin);
    const page1 = await ok(api('GET', '/v1/iq-templates?limit=1', { token: t.viewer }));
    expect(page1.items).toHaveLength(1);
    expect(typeof page1.nextCursor).toBe('string');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await ok(
        api('GET', `/v1/iq-templates?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: t.viewer }),
      );
      seen.push(...page.items.map((x: { code: string }) => x.code));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expect.arrayContaining([code, second.code, 'IQ-TEE']));
    expect(seen.indexOf(second.code)).toBeLessThan(seen.indexOf(code));
  });

  it('bad input names the field; unknown codes are 404; only admin, planner and approver write', async () => {
    const bad = await api('POST', '/v1/iq-templates', {
      token: t.planner,
      body: { code: 'has space', name: 'x', aql: { major: 3 }, inspectionLevel: 'IV', extra: 1 },
    });
    expect(bad.status).toBe(400);
    const fields = bad.body.error.details.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['code', 'aql.major', 'inspectionLevel', 'extra']));
    expect((await api('GET', '/v1/iq-templates/NOPE-404', { token: t.viewer })).status).toBe(404);
    expect((await api('GET', '/v1/iq-templates/bad%20code', { token: t.viewer })).status).toBe(404);
    for (const token of [t.commercial, t.viewer, t.logistics]) {
      const res = await api('POST', '/v1/iq-templates', {
        token,
        body: { code: uniqueCode('ROLE'), name: 'x', aql: { major: 1 } },
      });
      expect(res.status).toBe(403);
    }
    const byApprover = await api('POST', '/v1/iq-templates', {
      token: t.approver,
      body: { code: uniqueCode('APPR'), name: 'x', aql: { major: 1 } },
    });
    expect(byApprover.status).toBe(201);
    expect(byApprover.body.createdBy).toBe('april@example.com');
  });

  it('PATCH: 428 without If-Match, 412 (with the current) when stale, else a new ETag', async () => {
    const code = uniqueCode('PATCH');
    await createTemplate({ code, name: 'Denim', aql: { major: 2.5 } });
    const path = `/v1/iq-templates/${code}`;
    expect((await api('PATCH', path, { token: t.planner, body: { name: 'Denim II' } })).status).toBe(428);
    const patched = await api('PATCH', path, {
      token: t.planner,
      body: { name: 'Denim II', inspectionLevel: 'III', requiredForFinish: true },
      headers: { 'if-match': '"1"' },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.headers.get('etag')).toBe('"2"');
    expect(patched.body).toMatchObject({
      code,
      name: 'Denim II',
      inspectionLevel: 'III',
      requiredForFinish: true,
      version: 2,
    });
    const stale = await api('PATCH', path, {
      token: t.planner,
      body: { name: 'late' },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.body.error.details.current).toMatchObject({ name: 'Denim II', version: 2 });
    const codeChange = await api('PATCH', path, {
      token: t.planner,
      body: { code: 'X' },
      headers: { 'if-match': '"2"' },
    });
    expect(codeChange.status).toBe(400);
    expect((await api('GET', path, { token: t.viewer })).body.name).toBe('Denim II');
  });

  it('a tech pack or an order naming a template that does not exist is 400 on iqTemplate', async () => {
    const missing = `IQ-MISSING-${process.pid}`;
    const created = await api('POST', '/v1/tech-packs', {
      token: t.commercial,
      body: techPackBody({ iqTemplate: missing }),
    });
    expect(created.status).toBe(400);
    expect(created.body.error.details.fields).toEqual([expect.objectContaining({ field: 'iqTemplate' })]);

    const tp = await createTechPack(t.commercial);
    const patched = await api('PATCH', `/v1/tech-packs/${tp.id}`, {
      token: t.commercial,
      body: { iqTemplate: missing },
      headers: { 'if-match': `"${tp.version}"` },
    });
    expect(patched.status).toBe(400);
    expect(patched.body.error.details.fields[0].field).toBe('iqTemplate');
    const existing = uniqueCode('TP');
    await createTemplate({ code: existing, name: 'Fleece', aql: { major: 4 } });
    const repointed = await api('PATCH', `/v1/tech-packs/${tp.id}`, {
      token: t.commercial,
      body: { iqTemplate: existing },
      headers: { 'if-match': `"${tp.version}"` },
    });
    expect(repointed.status, JSON.stringify(repointed.body)).toBe(200);
    expect(repointed.body.iqTemplate).toBe(existing);

    const order = await api('POST', '/v1/production-orders', {
      token: t.planner,
      body: { techPackId: tp.id, deliveryDate: '2027-03-01', iqTemplate: missing },
    });
    expect(order.status).toBe(400);
    expect(order.body.error.details.fields[0].field).toBe('iqTemplate');
    const o = await createOrder(t.planner, tp.id);
    expect(o.iqTemplate).toBe(existing);
    const orderPatch = await api('PATCH', base(o.id), {
      token: t.planner,
      body: { iqTemplate: missing },
      headers: { 'if-match': '"1"' },
    });
    expect(orderPatch.status).toBe(400);
    expect(orderPatch.body.error.details.fields[0].field).toBe('iqTemplate');
    expect((await api('GET', base(o.id), { token: t.viewer })).body).toMatchObject({
      version: 1,
      iqTemplate: existing,
    });
  });
});

describe('the inspection plan of a batch', () => {
  it('a batch of 1,200 at level II: code letter J, 80 pieces, each class by its own arrow', async () => {
    const code = uniqueCode('PLAN');
    await createTemplate({ code, name: 'Tees', aql: { critical: 0.065, major: 2.5, minor: 4 } });
    const { order, batch } = await runningBatch(code, 1200);
    const plan = await ok(api('GET', `${batchPath(order.id, batch.id)}/inspection-plan`, { token: t.viewer }));
    expect(plan).toEqual({
      lotSize: 1200,
      inspectionLevel: 'II',
      codeLetter: 'J',
      sampleSize: 200,
      fullInspection: false,
      critical: { aql: 0.065, accept: 0, reject: 1, codeLetter: 'L', sampleSize: 200 },
      major: { aql: 2.5, accept: 5, reject: 6, codeLetter: 'J', sampleSize: 80 },
      minor: { aql: 4, accept: 7, reject: 8, codeLetter: 'J', sampleSize: 80 },
    });
  });

  it('an order without a template is 409 NO_IQ_TEMPLATE; unknown orders and batches are 404', async () => {
    const { order, batch } = await runningBatch(undefined, 10);
    expect(order.iqTemplate).toBeNull();
    const none = await api('GET', `${batchPath(order.id, batch.id)}/inspection-plan`, { token: t.viewer });
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe('NO_IQ_TEMPLATE');
    expect((await inspect(order.id, batch.id, {})).body.error.code).toBe('NO_IQ_TEMPLATE');
    // Without a template nothing gates the finish.
    expect((await ok(move(order.id, batch.id, finishBody(10)))).state).toBe('Finished');

    expect(
      (await api('GET', `${batchPath(order.id, 'B-999999999')}/inspection-plan`, { token: t.viewer })).status,
    ).toBe(404);
    expect(
      (await api('GET', `${batchPath('PO-999999999', batch.id)}/inspection-plan`, { token: t.viewer })).status,
    ).toBe(404);
    expect((await api('GET', `${batchPath(order.id, 'nope')}/inspections`, { token: t.viewer })).status).toBe(404);
    expect((await api('GET', `${batchPath(order.id, 'B-999999999')}/inspections`, { token: t.viewer })).status).toBe(
      404,
    );
  });
});

describe('inspections and the finish gate', () => {
  it('requiredForFinish: 409 INSPECTION_REQUIRED, a failed lot re-inspected, then the finish', async () => {
    const code = uniqueCode('GATE');
    await createTemplate({ code, name: 'Gated', aql: { major: 2.5, minor: 4 }, requiredForFinish: true });
    const { order, batch } = await runningBatch(code, 1200);

    const early = await move(order.id, batch.id, finishBody(1200));
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({
      code: 'INSPECTION_REQUIRED',
      details: { iqTemplate: code, latestResult: null },
    });

    // 5 major (accept 5) passes, 8 minor (reject 8) fails: the lot fails.
    const failed = await ok(
      inspect(order.id, batch.id, { majorDefects: 5, minorDefects: 8, inspector: 'Quinn', notes: 'loose threads' }),
      201,
    );
    expect(failed).toMatchObject({
      orderId: order.id,
      batchId: batch.id,
      number: 1,
      result: 'fail',
      sampleSize: 80,
      criticalDefects: 0,
      majorDefects: 5,
      minorDefects: 8,
      major: { aql: 2.5, defects: 5, accept: 5, reject: 6, sampleSize: 80, result: 'pass' },
      minor: { aql: 4, defects: 8, accept: 7, reject: 8, sampleSize: 80, result: 'fail' },
      inspector: 'Quinn',
      notes: 'loose threads',
      iqTemplate: code,
      templateVersion: 1,
      plan: { lotSize: 1200, codeLetter: 'J', sampleSize: 80 },
      actor: 'ana@example.com',
    });
    const stillFailed = await move(order.id, batch.id, finishBody(1200));
    expect(stillFailed.status).toBe(409);
    expect(stillFailed.body.error).toMatchObject({ code: 'INSPECTION_REQUIRED', details: { latestResult: 'fail' } });

    // Below the plan's sample size is refused; the re-inspection after rework passes.
    const tooFew = await inspect(order.id, batch.id, { sampleSize: 50 });
    expect(tooFew.status).toBe(400);
    expect(tooFew.body.error.details.fields[0].field).toBe('sampleSize');
    const passed = await ok(inspect(order.id, batch.id, { sampleSize: 125, majorDefects: 2, minorDefects: 7 }), 201);
    expect(passed).toMatchObject({ number: 2, result: 'pass', sampleSize: 125 });

    const batchNow = (await ok(api('GET', `${base(order.id)}/batches`, { token: t.viewer }))).items[0];
    expect(batchNow.inspection).toMatchObject({ count: 2, result: 'pass' });

    const list = await ok(api('GET', `${batchPath(order.id, batch.id)}/inspections`, { token: t.viewer }));
    expect(list.items.map((i: { number: number; result: string }) => [i.number, i.result])).toEqual([
      [1, 'fail'],
      [2, 'pass'],
    ]);
    expect(list.nextCursor).toBeNull();
    const paged = await ok(api('GET', `${batchPath(order.id, batch.id)}/inspections?limit=1`, { token: t.viewer }));
    expect(paged.items).toHaveLength(1);
    const rest = await ok(
      api('GET', `${batchPath(order.id, batch.id)}/inspections?limit=1&cursor=${paged.nextCursor}`, {
        token: t.viewer,
      }),
    );
    expect(rest.items[0].number).toBe(2);

    const finished = await ok(move(order.id, batch.id, finishBody(1200)));
    expect(finished.state).toBe('Finished');

    // The order's history has the inspections, and the outbox announced them.
    const history = await ok(api('GET', `${base(order.id)}/history?limit=100`, { token: t.viewer }));
    const inspections = history.items.filter((h: { action: string }) => h.action === 'inspect');
    expect(inspections.map((h: { details: { result: string } }) => h.details.result)).toEqual(['fail', 'pass']);
    const file = path.join(inject('dataDir'), 'events.ndjson');
    const announced = async () => {
      const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
      return lines
        .map((l) => JSON.parse(l))
        .filter((e) => e['detail-type'] === 'ProductionBatch.Inspected' && e.detail.orderId === order.id);
    };
    const deadline = Date.now() + 15_000;
    let events = await announced();
    while (events.length < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      events = await announced();
    }
    expect(events.map((e) => [e.detail.batchId, e.detail.inspection, e.detail.result])).toEqual([
      [batch.id, 1, 'fail'],
      [batch.id, 2, 'pass'],
    ]);
  });

  it('a template edit does not change past results; turning the gate on applies to the next finish', async () => {
    const code = uniqueCode('EDIT');
    const tpl = await createTemplate({ code, name: 'Loose', aql: { major: 6.5 } });
    const { order, batch } = await runningBatch(code, 1200);
    // J at 6.5: accept 10, reject 11.
    const first = await ok(inspect(order.id, batch.id, { majorDefects: 9 }), 201);
    expect(first).toMatchObject({ result: 'pass', major: { accept: 10, reject: 11 }, templateVersion: 1 });

    await ok(
      api('PATCH', `/v1/iq-templates/${code}`, {
        token: t.admin,
        body: { aql: { major: 1.0 }, requiredForFinish: true },
        headers: { 'if-match': `"${tpl.version}"` },
      }),
    );
    const second = await ok(inspect(order.id, batch.id, { majorDefects: 9 }), 201);
    expect(second).toMatchObject({ result: 'fail', major: { aql: 1, accept: 2, reject: 3 }, templateVersion: 2 });
    const list = await ok(api('GET', `${batchPath(order.id, batch.id)}/inspections`, { token: t.viewer }));
    expect(list.items[0]).toEqual(first);
    expect(list.items[1]).toEqual(second);

    // The latest inspection failed and the template now requires a pass.
    const refused = await move(order.id, batch.id, finishBody(1200));
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('INSPECTION_REQUIRED');
  });

  it('without requiredForFinish nothing blocks; Planned batches are not inspected; viewers do not record', async () => {
    const code = uniqueCode('FREE');
    await createTemplate({ code, name: 'Advisory', aql: { major: 2.5 } });
    const { order, batch } = await runningBatch(code, 300);
    expect((await inspect(order.id, batch.id, {}, t.viewer)).status).toBe(403);
    const failed = await ok(inspect(order.id, batch.id, { majorDefects: 4 }), 201);
    expect(failed).toMatchObject({ result: 'fail', plan: { codeLetter: 'H', sampleSize: 50 } });
    expect((await ok(move(order.id, batch.id, finishBody(300)))).state).toBe('Finished');

    const planned = await ok(
      api('POST', `${base(order.id)}/batches`, { token: t.planner, body: { matrix: matrix([[10]], ['M'], ['NAVY']) } }),
      201,
    );
    const res = await inspect(order.id, planned.id, {});
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('ILLEGAL_TRANSITION');
    expect((await api('GET', `${batchPath(order.id, planned.id)}/inspections`, { token: t.viewer })).body).toEqual({
      items: [],
      nextCursor: null,
    });
  });
});
