import { describe, expect, it } from 'vitest';
import {
  ApiClient,
  ApiError,
  readResponse,
  type HttpRequest,
  type HttpResponse,
  type Transport,
} from '../../addon/src/api.js';

function transport(answer: (r: HttpRequest) => HttpResponse) {
  const seen: HttpRequest[] = [];
  const t: Transport = {
    fetch: (r) => {
      seen.push(r);
      return answer(r);
    },
    fetchAll: (rs) =>
      rs.map((r) => {
        seen.push(r);
        return answer(r);
      }),
  };
  return { t, seen };
}

const json = (status: number, body: unknown): HttpResponse => ({ status, headers: {}, body: JSON.stringify(body) });

describe('API client', () => {
  it('signs every request with the identity token and sends JSON', () => {
    const { t, seen } = transport(() => json(200, { id: 'PO-1', matrix: { sizes: [], colors: [], quantities: [] } }));
    const api = new ApiClient({
      baseUrl: 'https://api.example.com/',
      transport: t,
      token: () => 'id-token',
      uuid: () => 'u-1',
    });
    api.matrixEdits('PO-1', { baseVersion: 3, edits: [{ color: 'NAVY', size: 'S', from: 1, to: 2 }] });
    api.patchOrder('PO-1', 4, { sizes: ['S'] });
    api.createOrder({ techPackId: 'TP-1' });
    api.listOrders({ state: 'Draft', techPackId: 'TP 1', limit: 20, cursor: null });
    expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST https://api.example.com/v1/production-orders/PO-1/matrix-edits',
      'PATCH https://api.example.com/v1/production-orders/PO-1',
      'POST https://api.example.com/v1/production-orders',
      'GET https://api.example.com/v1/production-orders?state=Draft&techPackId=TP%201&limit=20',
    ]);
    for (const r of seen) expect(r.headers.Authorization).toBe('Bearer id-token');
    expect(JSON.parse(seen[0].body!)).toEqual({
      baseVersion: 3,
      edits: [{ color: 'NAVY', size: 'S', from: 1, to: 2 }],
    });
    expect(seen[1].headers['If-Match']).toBe('"4"');
    expect(seen[2].headers['Idempotency-Key']).toBe('u-1');
  });

  it('sends a request once more when the API says nothing was written and to try again, then gives up', () => {
    let n = 0;
    const busyOnce = transport(() =>
      n++ === 0
        ? json(409, { error: { code: 'CONCURRENT_UPDATE', message: 'try again' } })
        : json(200, { id: 'PO-1', version: 5 }),
    );
    const api = new ApiClient({ baseUrl: 'https://api.example.com', transport: busyOnce.t, token: () => 't' });
    expect(
      api.matrixEdits('PO-1', { baseVersion: 4, edits: [{ color: 'NAVY', size: 'S', from: 1, to: 2 }] }),
    ).toMatchObject({ version: 5 });
    expect(busyOnce.seen).toHaveLength(2);
    expect(busyOnce.seen[1]).toEqual(busyOnce.seen[0]);

    const alwaysBusy = transport(() => json(503, { error: { code: 'BUSY', message: 'busy' } }));
    const api2 = new ApiClient({ baseUrl: 'https://api.example.com', transport: alwaysBusy.t, token: () => 't' });
    expect(() => api2.getOrder('PO-1')).toThrow(ApiError);
    expect(alwaysBusy.seen).toHaveLength(2);

    const conflict = transport(() =>
      json(409, { error: { code: 'EDIT_CONFLICT', message: 'm', details: { conflicts: [] } } }),
    );
    const api3 = new ApiClient({ baseUrl: 'https://api.example.com', transport: conflict.t, token: () => 't' });
    expect(() => api3.matrixEdits('PO-1', { baseVersion: 4, edits: [] })).toThrow(ApiError);
    expect(conflict.seen).toHaveLength(1);
  });

  it("turns the contract's error shape into an ApiError", () => {
    try {
      readResponse(
        json(409, { error: { code: 'EDIT_CONFLICT', message: 'm', details: { conflicts: [] } }, requestId: 'r1' }),
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      expect(e).toMatchObject({ status: 409, code: 'EDIT_CONFLICT', details: { conflicts: [] }, requestId: 'r1' });
    }
    expect(() => readResponse({ status: 502, headers: {}, body: '<html>' })).toThrow(
      expect.objectContaining({ code: 'HTTP_502' }),
    );
  });

  it('pulls an order with its batches and materials in one fetchAll, tolerating missing sections', () => {
    const { t, seen } = transport((r) =>
      r.url.endsWith('/batches')
        ? json(200, { items: [{ id: 'B-1' }], nextCursor: null })
        : r.url.endsWith('/materials')
          ? json(404, { error: { code: 'NOT_FOUND', message: 'no' } })
          : json(200, { id: 'PO-1' }),
    );
    const api = new ApiClient({ baseUrl: 'https://api.example.com', transport: t, token: () => 'x' });
    const out = api.pullOrder('PO-1');
    expect(seen.length).toBe(3);
    expect(out.order).toEqual({ id: 'PO-1' });
    expect(out.batches).toEqual([{ id: 'B-1' }]);
    expect(out.materials).toBeInstanceOf(ApiError);
  });
});
