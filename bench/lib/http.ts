// The benchmark's HTTP client: node:http over keep-alive connections (the lightest client Node has),
// timing each call from the request to the last byte of the answer. Parsing the JSON is not timed.
import http from 'node:http';
import type { DynamoUsage } from '../../functions/store/metrics.js';
import type { UsageExtras } from './sequential.js';

export interface Answer<T = any> {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: T;
  /** Request sent -> whole answer received. */
  ms: number;
  bytes: number;
  /** What the API reported it spent on DynamoDB (x-dynamo-usage). */
  usage?: DynamoUsage & UsageExtras;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export class Api {
  readonly agent: http.Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(
    readonly baseUrl: string,
    maxSockets = 64,
  ) {
    const u = new URL(baseUrl);
    this.host = u.hostname === 'localhost' ? '127.0.0.1' : u.hostname;
    this.port = Number(u.port);
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  call<T = any>(method: string, path: string, opts: CallOptions = {}): Promise<Answer<T>> {
    const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
    const headers: Record<string, string | number> = { accept: 'application/json', ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = payload.length;
    }
    return new Promise((resolve, reject) => {
      const t0 = performance.now();
      const req = http.request(
        { host: this.host, port: this.port, method, path, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const elapsed = performance.now() - t0;
            const raw = Buffer.concat(chunks);
            let body: any;
            if (raw.length) {
              const text = raw.toString('utf8');
              try {
                body = JSON.parse(text);
              } catch {
                body = text;
              }
            }
            const usageHeader = res.headers['x-dynamo-usage'];
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body,
              ms: elapsed,
              bytes: raw.length,
              usage:
                typeof usageHeader === 'string' ? (JSON.parse(usageHeader) as DynamoUsage & UsageExtras) : undefined,
            });
          });
        },
      );
      req.on('error', reject);
      req.setTimeout(120_000, () => req.destroy(new Error(`${method} ${path}: no answer within 120 s`)));
      if (payload) req.write(payload);
      req.end();
    });
  }

  /** The call, which must answer `expected` (a status or a list of them); throws with the body otherwise. */
  async ok<T = any>(
    method: string,
    path: string,
    opts: CallOptions & { expect?: number | number[] } = {},
  ): Promise<Answer<T>> {
    const res = await this.call<T>(method, path, opts);
    const expected = opts.expect === undefined ? [200, 201] : Array.isArray(opts.expect) ? opts.expect : [opts.expect];
    if (!expected.includes(res.status)) {
      throw new Error(
        `${method} ${path} answered ${res.status} (expected ${expected.join('/')}): ${JSON.stringify(res.body).slice(0, 600)}`,
      );
    }
    return res;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The version in an ETag ("3"). */
export function etagVersion(a: Answer): number {
  const raw = String(a.headers.etag ?? '');
  const m = /(\d+)/.exec(raw);
  if (!m) throw new Error(`no ETag on the answer (status ${a.status})`);
  return Number(m[1]);
}
