// The built add-on (dist/Code.js) in a Node vm against the local stack, quality (issue 16 item 4):
// a batch of an order whose IQ template is requiredForFinish cannot finish from the sidebar before
// a passing inspection; the inspection form asks for the batch's plan (one request), a failed
// inspection is recorded and shown on the batch row, the lot is re-inspected and passes, and then
// the finish goes through. Every answer is checked against the API itself.
import { describe, expect, it } from 'vitest';
import { OUTPUT_LABEL } from '../../addon/src/output.js';
import { apiUrl } from '../support/api.js';
import { loadBundle } from './fakes/bundle.js';
import { fakeGas } from './fakes/services.js';
import type { FakeSheet } from './fakes/spreadsheet.js';
import { addonOnStack, api, createTechPack, okApi } from './helpers.js';

const env = addonOnStack('gf-addon-inspect-');

function ok<T>(out: { ok: boolean; data?: T; message?: string }): T {
  expect(out.ok, JSON.stringify(out).slice(0, 500)).toBe(true);
  return out.data as T;
}

/** The order sheet's row of a batch, as text. */
function batchRowText(sheet: FakeSheet, batchId: string): string {
  const at = sheet.find(batchId);
  expect(at, `no row for ${batchId}`).not.toBeNull();
  const values = sheet.getDataRange().getValues();
  sheet.stats.reads--; // the test's own look
  return values[at!.row - 1].map(String).join(' | ');
}

describe('inspections from the add-on against the local stack', () => {
  it('gates the finish of a requiredForFinish batch until an inspection passes', () => {
    const code = `IQ-ADDON-${Date.now().toString(36).toUpperCase()}`;
    okApi(
      api('POST', '/v1/iq-templates', {
        token: env.admin,
        body: {
          code,
          name: 'Gated tees',
          inspectionLevel: 'II',
          aql: { major: 2.5, minor: 4 },
          checkpoints: ['seams', 'print'],
          requiredForFinish: true,
        },
      }),
      201,
    );
    const tp = createTechPack(env.admin, 'ProductionReady', { iqTemplate: code });
    // 500 garments in one batch: level II, 281-500 pieces -> code letter H, 50 pieces; major 2.5 ->
    // Ac 3 / Re 4, minor 4.0 -> Ac 5 / Re 6 (ISO 2859-1 Tables I and II-A).
    const order = okApi(
      api('POST', '/v1/production-orders', {
        token: env.admin,
        body: {
          techPackId: tp.id,
          deliveryDate: '2027-06-01',
          batchPlan: { maxBatchQty: 1000 },
          matrix: {
            sizes: ['S', 'M', 'L'],
            colors: ['NAVY', 'RED'],
            quantities: [
              [100, 300, 100],
              [0, 0, 0],
            ],
          },
        },
      }),
      201,
    );
    expect(order.iqTemplate).toBe(code);

    const gas = fakeGas({ token: env.ana, email: 'ana@example.com', distDir: env.dist });
    const addon = loadBundle(env.dist, gas);
    expect(addon.saveSettings(apiUrl())).toMatchObject({ ok: true });
    const opened = ok(addon.openOrder(order.id));
    ok(addon.transitionOrder(order.id, 'plan', {}));
    ok(addon.transitionOrder(order.id, 'release', {}));
    const generated = ok(addon.generateBatches(order.id));
    expect(generated.batches).toHaveLength(1);
    const b = generated.batches[0];
    expect(b.total).toBe(500);
    ok(addon.startBatch(order.id, b.id));
    const orderSheet = gas.book.sheet(opened.sheetName);

    // Every garment counted on the output sheet: the finish itself is sound, only the gate is shut.
    const out = ok(addon.openBatchOutput(order.id, b.id));
    const outSheet = gas.book.sheet(out.sheetName);
    const producedCorner = outSheet.find(OUTPUT_LABEL.produced)!.row + 1;
    b.colors.forEach((_, r) =>
      b.sizes.forEach((_, c) => outSheet.type(producedCorner + 1 + r, 2 + c, b.quantities[r][c])),
    );
    const early = addon.finishBatch(order.id, b.id);
    expect(early).toMatchObject({
      ok: false,
      code: 'INSPECTION_REQUIRED',
      message: expect.stringMatching(/needs a passing inspection before it can finish/),
    });
    const batchPath = `/v1/production-orders/${order.id}/batches/${b.id}`;
    const batchNow = () =>
      okApi(api('GET', `/v1/production-orders/${order.id}/batches`, { token: env.admin })).items.find(
        (x: { id: string }) => x.id === b.id,
      );
    expect(batchNow().state).toBe('Running');

    // The form asks for this batch's plan: one request, answered as the API answers it.
    gas.fetcher.calls = 0;
    gas.fetcher.requests = [];
    const form = ok(addon.getInspectionPlan(order.id, b.id));
    expect(gas.fetcher.calls).toBe(1);
    expect(gas.fetcher.requests.map((r) => [r.method, r.url])).toEqual([
      ['GET', `${apiUrl()}${batchPath}/inspection-plan`],
    ]);
    const apiPlan = okApi(api('GET', `${batchPath}/inspection-plan`, { token: env.admin }));
    expect(form.plan).toEqual(apiPlan);
    expect(form.plan).toMatchObject({
      lotSize: 500,
      inspectionLevel: 'II',
      codeLetter: 'H',
      sampleSize: 50,
      major: { aql: 2.5, accept: 3, reject: 4 },
      minor: { aql: 4, accept: 5, reject: 6 },
    });

    // 4 major defects reach the rejection number: FAIL, on the answer and on the batch row.
    const failed = addon.recordInspection(order.id, b.id, {
      sampleSize: 50,
      majorDefects: 4,
      minorDefects: 1,
      inspector: 'Quinn',
      notes: 'open seams',
    });
    expect(failed).toMatchObject({
      ok: true,
      notice: expect.stringMatching(/FAILED.*re-inspected/),
      data: { inspection: { result: 'fail', majorDefects: 4 }, plan: { codeLetter: 'H', sampleSize: 50 } },
    });
    const failedRow = batchRowText(orderSheet, b.id);
    expect(failedRow).toMatch(/\bFAIL\b/);
    expect(failedRow).toMatch(/Ac 3 \/ Re 4/);
    expect(batchNow().inspection).toMatchObject({ count: 1, result: 'fail' });
    expect(addon.finishBatch(order.id, b.id)).toMatchObject({
      ok: false,
      code: 'INSPECTION_REQUIRED',
      message: expect.stringMatching(/latest inspection failed/),
    });
    expect(batchNow().state).toBe('Running');

    // Sorted and re-inspected: 3 major (the acceptance number) and 5 minor pass.
    const passed = ok(
      addon.recordInspection(order.id, b.id, { sampleSize: 50, majorDefects: 3, minorDefects: 5, inspector: 'Quinn' }),
    );
    expect(passed.inspection.result).toBe('pass');
    expect(batchRowText(orderSheet, b.id)).toMatch(/\bPASS\b/);
    const listed = okApi(api('GET', `${batchPath}/inspections`, { token: env.admin }));
    expect(listed.items.map((i: any) => [i.number, i.result, i.majorDefects, i.inspector, i.actor])).toEqual([
      [1, 'fail', 4, 'Quinn', 'ana@example.com'],
      [2, 'pass', 3, 'Quinn', 'ana@example.com'],
    ]);

    const finished = ok(addon.finishBatch(order.id, b.id));
    expect(finished.batches.find((x) => x.id === b.id)).toMatchObject({ state: 'Finished', produced: 500 });
    expect(batchNow()).toMatchObject({ state: 'Finished', inspection: { count: 2, result: 'pass' } });
  });
});
