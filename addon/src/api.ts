// The API client: CONTRACT.md's routes over a synchronous transport (UrlFetchApp in Apps Script,
// a fake in tests). Every request carries the caller's identity token as a Bearer token.
import type { GFetchParams, GUrlFetchApp } from './gas.js';
import type {
  ApiBatch,
  ApiMaterials,
  Inspection,
  InspectionInput,
  InspectionPlan,
  Matrix,
  ProductionOrder,
  TechPack,
} from './model.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface Transport {
  fetch(req: HttpRequest): HttpResponse;
  /** Several requests at once (UrlFetchApp.fetchAll runs them in parallel). */
  fetchAll(reqs: HttpRequest[]): HttpResponse[];
}

/** An error answer of the API, or a failure to reach it (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function lowerKeys(h: object): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  return out;
}

function toParams(req: HttpRequest): GFetchParams & { url: string } {
  const p: GFetchParams & { url: string } = {
    url: req.url,
    method: req.method.toLowerCase() as GFetchParams['method'],
    headers: req.headers,
    muteHttpExceptions: true,
    followRedirects: false,
  };
  if (req.body !== undefined) {
    p.payload = req.body;
    p.contentType = 'application/json';
  }
  return p;
}

/** The transport Apps Script uses: UrlFetchApp with HTTP errors muted so we can read their bodies. */
export function urlFetchTransport(urlFetch: GUrlFetchApp): Transport {
  const wrap = (r: ReturnType<GUrlFetchApp['fetch']>): HttpResponse => ({
    status: r.getResponseCode(),
    headers: lowerKeys(r.getAllHeaders()),
    body: r.getContentText(),
  });
  return {
    fetch(req) {
      try {
        return wrap(urlFetch.fetch(req.url, toParams(req)));
      } catch (e) {
        throw networkError(req.url, e);
      }
    },
    fetchAll(reqs) {
      try {
        return urlFetch.fetchAll(reqs.map(toParams)).map(wrap);
      } catch (e) {
        throw networkError(reqs[0]?.url ?? '', e);
      }
    },
  };
}

function networkError(url: string, e: unknown): ApiError {
  const why = e instanceof Error ? e.message : String(e);
  return new ApiError(0, 'NETWORK', `Could not reach the GarmentFlow API (${originOf(url)}): ${why}`);
}

function originOf(url: string): string {
  const m = /^(https?:\/\/[^/]+)/.exec(url);
  return m ? m[1] : url;
}

/** Parses an answer: the JSON body of a 2xx, or an ApiError built from CONTRACT's error shape. */
export function readResponse<T>(res: HttpResponse): T {
  let body: unknown;
  if (res.body) {
    try {
      body = JSON.parse(res.body);
    } catch {
      body = undefined;
    }
  }
  if (res.status >= 200 && res.status < 300) {
    if (body === undefined && res.body)
      throw new ApiError(res.status, 'BAD_RESPONSE', 'The API answered with something that is not JSON');
    return body as T;
  }
  const err = (
    body as { error?: { code?: unknown; message?: unknown; details?: unknown }; requestId?: unknown } | undefined
  )?.error;
  const requestId =
    typeof (body as { requestId?: unknown })?.requestId === 'string'
      ? (body as { requestId: string }).requestId
      : undefined;
  if (err && typeof err.code === 'string') {
    return throwError(
      new ApiError(
        res.status,
        err.code,
        typeof err.message === 'string' ? err.message : err.code,
        err.details,
        requestId,
      ),
    );
  }
  return throwError(
    new ApiError(res.status, `HTTP_${res.status}`, `The API answered ${res.status}`, undefined, requestId),
  );
}

function throwError(e: ApiError): never {
  throw e;
}

export interface ApiClientOptions {
  baseUrl: string;
  transport: Transport;
  token: () => string;
  uuid?: () => string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface OrderQuery {
  state?: string;
  techPackId?: string;
  limit?: number;
  cursor?: string | null;
}

export interface MatrixEditsBody {
  baseVersion: number;
  edits: { color: string; size: string; from: number; to: number }[];
  /** Required on a Released or InProgress order (an amendment). */
  reason?: string;
}

export interface OrderPatchBody {
  sizes?: string[];
  colors?: string[];
  matrix?: Matrix;
  deliveryDate?: string | null;
  /** Required to re-promise the date (or amend sizes/colors) of a Released or InProgress order. */
  reason?: string;
}

function qs(params: Record<string, string | number | null | undefined>): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

const seg = encodeURIComponent;

/** Codes the API answers when nothing was written and the same request may simply go again. */
const RETRYABLE = ['CONCURRENT_UPDATE', 'BUSY'];

export class ApiClient {
  readonly baseUrl: string;

  constructor(private readonly opts: ApiClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
  }

  /** Builds a request; the path is under /v1. */
  req(method: HttpMethod, path: string, body?: unknown, headers: Record<string, string> = {}): HttpRequest {
    const h: Record<string, string> = {
      Accept: 'application/json',
      Authorization: `Bearer ${this.opts.token()}`,
      ...headers,
    };
    return {
      method,
      url: `${this.baseUrl}/v1${path}`,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
    };
  }

  /**
   * One request. A refusal that wrote nothing and says "try again" (409 CONCURRENT_UPDATE: others
   * were changing the same order; 503 BUSY: throttled) is sent once more before the planner sees it.
   */
  send<T>(req: HttpRequest): T {
    try {
      return readResponse<T>(this.opts.transport.fetch(req));
    } catch (e) {
      if (!(e instanceof ApiError) || !RETRYABLE.includes(e.code)) throw e;
      return readResponse<T>(this.opts.transport.fetch(req));
    }
  }

  /** Several GETs in parallel; each answer is the parsed body or the ApiError it raised. */
  sendAll(reqs: HttpRequest[]): (unknown | ApiError)[] {
    return this.opts.transport.fetchAll(reqs).map((res) => {
      try {
        return readResponse<unknown>(res);
      } catch (e) {
        return e instanceof ApiError ? e : new ApiError(0, 'BAD_RESPONSE', String(e));
      }
    });
  }

  private idem(): Record<string, string> {
    return this.opts.uuid ? { 'Idempotency-Key': this.opts.uuid() } : {};
  }

  health(): { status: string } {
    return readResponse(
      this.opts.transport.fetch({
        method: 'GET',
        url: `${this.baseUrl}/v1/health`,
        headers: { Accept: 'application/json' },
      }),
    );
  }

  listOrders(q: OrderQuery): Page<ProductionOrder> {
    return this.send(
      this.req(
        'GET',
        `/production-orders${qs({ state: q.state, techPackId: q.techPackId, limit: q.limit, cursor: q.cursor })}`,
      ),
    );
  }

  listTechPacks(state?: string): Page<TechPack> {
    return this.send(this.req('GET', `/tech-packs${qs({ state })}`));
  }

  getOrder(id: string): ProductionOrder {
    return this.send(this.req('GET', `/production-orders/${seg(id)}`));
  }

  createOrder(body: { techPackId: string; deliveryDate?: string }): ProductionOrder {
    return this.send(this.req('POST', '/production-orders', body, this.idem()));
  }

  patchOrder(id: string, version: number, body: OrderPatchBody): ProductionOrder {
    return this.send(this.req('PATCH', `/production-orders/${seg(id)}`, body, { 'If-Match': `"${version}"` }));
  }

  matrixEdits(id: string, body: MatrixEditsBody): ProductionOrder {
    return this.send(this.req('POST', `/production-orders/${seg(id)}/matrix-edits`, body));
  }

  transition(
    id: string,
    body: { action: string; reason?: string; shortClose?: boolean; backorder?: boolean },
  ): ProductionOrder {
    return this.send(this.req('POST', `/production-orders/${seg(id)}/transitions`, body, this.idem()));
  }

  generateBatches(id: string): unknown {
    return this.send(this.req('POST', `/production-orders/${seg(id)}/batches/generate`, {}, this.idem()));
  }

  batchTransition(
    id: string,
    batchId: string,
    body: { action: 'start' | 'finish' | 'cancel'; produced?: Matrix; rejected?: Matrix; reason?: string },
  ): ApiBatch {
    return this.send(
      this.req('POST', `/production-orders/${seg(id)}/batches/${seg(batchId)}/transitions`, body, this.idem()),
    );
  }

  /** The batch's sampling plan (ISO 2859-1): asked for on demand, one batch at a time. */
  inspectionPlan(id: string, batchId: string): InspectionPlan {
    return this.send(this.req('GET', `/production-orders/${seg(id)}/batches/${seg(batchId)}/inspection-plan`));
  }

  recordInspection(id: string, batchId: string, body: InspectionInput): Inspection {
    const path = `/production-orders/${seg(id)}/batches/${seg(batchId)}/inspections`;
    return this.send(this.req('POST', path, body, this.idem()));
  }

  listInspections(id: string, batchId: string): Page<Inspection> {
    return this.send(this.req('GET', `/production-orders/${seg(id)}/batches/${seg(batchId)}/inspections`));
  }

  getMaterials(id: string): ApiMaterials {
    return this.send(this.req('GET', `/production-orders/${seg(id)}/materials`));
  }

  refreshMaterials(id: string): ApiMaterials {
    return this.send(this.req('POST', `/production-orders/${seg(id)}/materials/refresh`, {}));
  }

  /** The order, its batches and its materials, fetched in parallel. */
  /** With `techPackId` (known from an earlier pull or the order list), its tech pack goes in the same fetchAll. */
  pullOrder(
    id: string,
    techPackId?: string,
  ): {
    order: ProductionOrder;
    batches: ApiBatch[] | ApiError;
    materials: ApiMaterials | ApiError;
    techPack?: { state: TechPack['state'] } | ApiError;
  } {
    const [order, batches, materials, techPack] = this.sendAll([
      this.req('GET', `/production-orders/${seg(id)}`),
      this.req('GET', `/production-orders/${seg(id)}/batches`),
      this.req('GET', `/production-orders/${seg(id)}/materials`),
      ...(techPackId ? [this.req('GET', `/tech-packs/${seg(techPackId)}`)] : []),
    ]);
    if (order instanceof ApiError) throw order;
    let allBatches: ApiBatch[] | ApiError = batches instanceof ApiError ? batches : listItems<ApiBatch>(batches);
    // More than one page of batches is rare: follow the cursor one page at a time.
    let cursor = batches instanceof ApiError ? null : nextCursorOf(batches);
    while (cursor && Array.isArray(allBatches)) {
      const page: unknown = this.send(this.req('GET', `/production-orders/${seg(id)}/batches${qs({ cursor })}`));
      allBatches = allBatches.concat(listItems<ApiBatch>(page));
      cursor = nextCursorOf(page);
    }
    return {
      order: order as ProductionOrder,
      batches: allBatches,
      materials: materials as ApiMaterials | ApiError,
      ...(techPackId ? { techPack: techPack as { state: TechPack['state'] } | ApiError } : {}),
    };
  }
}

function nextCursorOf(body: unknown): string | null {
  const c = (body as { nextCursor?: unknown } | null)?.nextCursor;
  return typeof c === 'string' && c !== '' ? c : null;
}

/** A list answer's items, whether the API answered `{items}` or a bare array. */
export function listItems<T>(body: unknown): T[] {
  if (Array.isArray(body)) return body as T[];
  const items = (body as { items?: unknown } | null)?.items;
  return Array.isArray(items) ? (items as T[]) : [];
}
