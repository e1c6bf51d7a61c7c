// The quality and reconciliation flows of the add-on's service (issues 11 and 16) over a fake API
// transport: the order's routes answer like CONTRACT.md, so every request the add-on makes is seen.
// Plans are asked for on demand (one request for one batch), never once per batch on a refresh.
import { describe, expect, it } from 'vitest';
import type { HttpRequest, HttpResponse, Transport } from '../../addon/src/api.js';
import { LABEL } from '../../addon/src/layout.js';
import { friendly } from '../../addon/src/messages.js';
import { OUTPUT_LABEL } from '../../addon/src/output.js';
import { API_URL_KEY, AddonService, inspectionBody } from '../../addon/src/service.js';
import { fakeGas } from './fakes/services.js';

const BASE = 'https://api.test';
const json = (status: number, body: unknown): HttpResponse => ({ status, headers: {}, body: JSON.stringify(body) });

function fakeApi() {
  const matrix = { sizes: ['S', 'M'], colors: ['RED'], quantities: [[30, 20]] };
  const order = {
    id: 'PO-000001',
    techPackId: 'TP-000001',
    styleCode: 'TEE',
    state: 'InProgress',
    version: 7,
    matrix,
    total: 50,
    deliveryDate: '2027-03-01',
    source: { type: 'commercial' },
    updatedBy: 'ana@example.com',
    updatedAt: 'then',
    tolerance: { overPct: 5, underPct: 3, scope: 'cell' },
    batchPlan: { maxBatchQty: 50, extraCutPct: 2 },
    progress: { batched: matrix, produced: null, rejected: null, missing: null } as Record<string, unknown>,
  };
  const batch: Record<string, unknown> = {
    id: 'B-000001',
    orderId: order.id,
    state: 'Running',
    version: 2,
    matrix,
    total: 50,
  };
  const plan = {
    lotSize: 50,
    inspectionLevel: 'II',
    codeLetter: 'D',
    sampleSize: 8,
    major: { aql: 2.5, accept: 0, reject: 1 },
  };
  const seen: HttpRequest[] = [];
  const answer = (r: HttpRequest): HttpResponse => {
    seen.push(r);
    const path = r.url.slice(`${BASE}/v1`.length);
    const batchPath = `/production-orders/${order.id}/batches/${batch.id}`;
    if (r.method === 'GET' && path === `/production-orders/${order.id}`) return json(200, order);
    if (r.method === 'GET' && path === `/production-orders/${order.id}/batches`)
      return json(200, { items: [batch], nextCursor: null });
    if (r.method === 'GET' && path === `/production-orders/${order.id}/materials`) {
      return json(200, { bomRevision: 1, techPackBomRevision: 1, stale: false, lines: [] });
    }
    if (r.method === 'GET' && path === `${batchPath}/inspection-plan`) return json(200, plan);
    if (r.method === 'POST' && path === `${batchPath}/inspections`) {
      const body = JSON.parse(r.body!);
      const result = (body.majorDefects ?? 0) <= plan.major.accept ? 'pass' : 'fail';
      const count = ((batch.inspection as { count?: number } | undefined)?.count ?? 0) + 1;
      batch.inspection = { count, result, at: '2026-12-01T10:00:00.000Z' };
      return json(201, { ...body, result, at: '2026-12-01T10:00:00.000Z' });
    }
    if (r.method === 'POST' && path === `${batchPath}/transitions`) {
      const body = JSON.parse(r.body!);
      if (
        !(batch.inspection as { result?: string } | undefined) ||
        (batch.inspection as { result: string }).result !== 'pass'
      ) {
        return json(409, {
          error: { code: 'INSPECTION_REQUIRED', message: 'needs a pass', details: { batchId: batch.id } },
        });
      }
      const missing = {
        ...matrix,
        quantities: [[30 - body.produced.quantities[0][0], 20 - body.produced.quantities[0][1]]],
      };
      Object.assign(batch, {
        state: 'Finished',
        produced: body.produced,
        rejected: body.rejected,
        missing,
        missingTotal: 2,
      });
      order.progress = { ...order.progress, produced: body.produced, rejected: body.rejected, missing };
      return json(200, batch);
    }
    return json(404, { error: { code: 'NOT_FOUND', message: `no route ${r.method} ${path}` } });
  };
  const transport: Transport = { fetch: answer, fetchAll: (rs) => rs.map(answer) };
  return { transport, seen, batch };
}

function setup() {
  const api = fakeApi();
  const gas = fakeGas({ token: 't', email: 'ana@example.com' });
  gas.PropertiesService.getDocumentProperties().setProperty(API_URL_KEY, BASE);
  const service = new AddonService(gas, { transport: api.transport, now: () => '2026-12-01T10:00:00.000Z' });
  return { ...api, gas, service };
}

const planRequests = (seen: HttpRequest[]) => seen.filter((r) => r.url.endsWith('/inspection-plan')).length;

describe('inspections and reconciliation from the add-on', () => {
  it('fetches a plan only when asked, keeps it on the batch row, records an inspection and shows pass or fail', () => {
    const { service, seen, gas } = setup();
    const opened = service.openOrder('PO-000001').panel;
    expect(opened).toMatchObject({ tolerance: { scope: 'cell' }, extraCutPct: 2, progress: { missing: 0 } });
    service.refreshOrder('PO-000001', false);
    service.refreshOrder('PO-000001', false);
    expect(planRequests(seen)).toBe(0); // refreshes never ask for plans
    const sheet = gas.book.sheet(opened.sheetName);
    expect(sheet.valueAt(sheet.find(LABEL.tolerance)!.row, 2)).toBe('\u22123% / +5% per cell');
    const row = () => sheet.find('B-000001')!.row;
    expect(sheet.valueAt(row(), 8)).toBe('(Inspect in the sidebar shows it)');

    const form = service.inspectionPlan('PO-000001', 'B-000001');
    expect(form.plan).toMatchObject({ sampleSize: 8, major: { accept: 0, reject: 1 } });
    expect(planRequests(seen)).toBe(1);
    service.refreshOrder('PO-000001', false);
    expect(planRequests(seen)).toBe(1); // kept: the row shows it without asking again
    expect(sheet.valueAt(row(), 8)).toBe('sample 8 of 50 (code D): major Ac 0 / Re 1');

    const failed = service.recordInspection('PO-000001', 'B-000001', {
      majorDefects: '2' as never,
      inspector: ' Li ',
      notes: '',
    });
    const post = seen.find((r) => r.method === 'POST' && r.url.endsWith('/inspections'))!;
    expect(JSON.parse(post.body!)).toEqual({ majorDefects: 2, inspector: 'Li' });
    expect(post.headers['Idempotency-Key']).toBeTruthy();
    expect(failed.data.inspection.result).toBe('fail');
    expect(failed.notice).toMatch(/FAILED.*re-inspected/);
    expect(failed.data.panel.batches[0]).toMatchObject({
      inspection: { result: 'fail', count: 1 },
      plan: { sampleSize: 8 },
    });
    expect(sheet.valueAt(row(), 9)).toBe('FAIL (2026-12-01)');
    expect(() => service.recordInspection('PO-000001', 'B-000001', { majorDefects: -1 })).toThrow(
      /whole number of 0 or more/,
    );

    const passed = service.recordInspection('PO-000001', 'B-000001', { majorDefects: 0, sampleSize: 8 });
    expect(passed.data.inspection.result).toBe('pass');
    expect(sheet.valueAt(row(), 9)).toBe('PASS (2 inspections, last 2026-12-01)');
    expect(planRequests(seen)).toBe(1);
  });

  it('finishing with garments unaccounted for asks for a reason before sending, then records them as missing', () => {
    const { service, seen, gas } = setup();
    service.openOrder('PO-000001');
    const { sheetName } = service.openBatchOutput('PO-000001', 'B-000001');
    const out = gas.book.sheet(sheetName);
    const first = out.find(OUTPUT_LABEL.produced)!.row + 2;
    expect(out.valueAt(first, 2)).toBe(''); // not prefilled
    out.type(first, 2, 30);
    out.type(first, 3, 18);
    const finishes = () => seen.filter((r) => r.method === 'POST' && r.url.endsWith('/transitions'));
    expect(() => service.finishBatch('PO-000001', 'B-000001')).toThrow(
      /2 garments are not accounted for in batch B-000001 \(RED\/M 18 \+ 0 of 20\)/,
    );
    expect(finishes()).toHaveLength(0);
    // The server's own gate, in words.
    let refused: unknown;
    try {
      service.finishBatch('PO-000001', 'B-000001', { reason: 'two pieces lost in washing' });
    } catch (e) {
      refused = e;
    }
    expect(friendly(refused).message).toBe(
      'Batch B-000001 needs a passing inspection before it can finish: record one from the sidebar.',
    );
    service.recordInspection('PO-000001', 'B-000001', { majorDefects: 0 });
    const done = service.finishBatch('PO-000001', 'B-000001', { reason: 'two pieces lost in washing' });
    expect(JSON.parse(finishes().at(-1)!.body!)).toMatchObject({
      action: 'finish',
      reason: 'two pieces lost in washing',
    });
    expect(done.notice).toMatch(/48 garments produced; 2 garments recorded as missing/);
    expect(done.panel.batches[0]).toMatchObject({ state: 'Finished', missing: 2 });
    expect(done.panel.progress).toMatchObject({ produced: 48, missing: 2 });
    const sheet = gas.book.sheet(done.panel.sheetName);
    const progress = sheet.find(LABEL.progress)!.row;
    expect(sheet.valueAt(progress + 1, 6)).toBe(2);
  });

  it('cleans the inspection body: whole counts only, empty text left out', () => {
    expect(inspectionBody({ criticalDefects: 0, majorDefects: 1, minorDefects: '' as never, notes: '  ' })).toEqual({
      criticalDefects: 0,
      majorDefects: 1,
    });
    expect(() => inspectionBody({ minorDefects: 1.5 })).toThrow(/Minor defects must be a whole number/);
  });
});
