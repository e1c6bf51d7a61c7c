// Section 4: throughput. N concurrent clients (planners) run a mixed workload for a fixed time
// against a handful of shared orders: reads, list pages, cell edits (some on the same hot cells, so
// they conflict), patches with If-Match (some stale), and plan/reopen transitions racing each other.
// Expected refusals are 409 (EDIT_CONFLICT, ILLEGAL_TRANSITION) and 412 (stale If-Match); a client
// that gets one reads the order again and carries on. Anything else is an unexpected error.
import type { StackContext } from '../lib/context.js';
import { codes, createOrder, matrixOf, readyTechPack, rng, techPackBody } from '../lib/fixtures.js';
import { etagVersion, type Answer } from '../lib/http.js';
import { fmt, type Row, type SectionResult } from '../lib/report.js';
import { mean, median, ms, percentile, round, sleep } from '../lib/stats.js';

type OpName = 'get' | 'list' | 'matrix-edits' | 'patch' | 'transition' | 'refresh';
const MIX: [OpName, number][] = [
  ['get', 40],
  ['list', 10],
  ['matrix-edits', 25],
  ['patch', 10],
  ['transition', 15],
];
const EXPECTED = new Set([200, 201, 409, 412]);

interface Knowledge {
  version: number;
  state: string;
  quantities: number[][];
}

interface Outcome {
  op: OpName;
  status: number;
  code?: string;
  ms: number;
  dynamo: number;
}

function countStatuses(list: Outcome[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of list) {
    const key = o.status === 0 ? 'network error' : `${o.status}${o.code ? ` ${o.code}` : ''}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

export async function throughput(ctx: StackContext): Promise<SectionResult> {
  const t0 = performance.now();
  const { api, tokens } = ctx.stack;
  const { planner, commercial } = tokens;
  const clients = ctx.cfg.clients;
  const seconds = ctx.cfg.seconds;
  const sizes = ['XS', 'S', 'M', 'L', 'XL', 'XXL'];
  const colors = codes('TC', 10);
  const { techPack } = await readyTechPack(api, commercial, techPackBody({ sizes, colors }));
  const orderCount = Math.max(2, Math.ceil(clients / 4));
  const orderIds: string[] = [];
  for (let i = 0; i < orderCount; i++) {
    orderIds.push(
      (await createOrder(api, planner, techPack.id, { matrix: matrixOf(sizes, colors, () => 20) })).body.id,
    );
  }
  const hot = [
    [0, 0],
    [0, 1],
    [1, 0],
  ];

  const runClient = async (index: number, until: number, out: Outcome[] | null) => {
    const random = rng(1000 + index);
    const orderId = orderIds[index % orderIds.length];
    let known: Knowledge | undefined;
    const note = (op: OpName, a: Answer) => {
      out?.push({ op, status: a.status, code: a.body?.error?.code, ms: a.ms, dynamo: a.usage?.calls ?? 0 });
      if (a.status === 200 && a.body?.matrix)
        known = { version: a.body.version, state: a.body.state, quantities: a.body.matrix.quantities };
      else if (a.status === 200 && a.headers.etag && known) known.version = etagVersion(a);
    };
    const call = async (op: OpName, method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
      try {
        const a = await api.call(method, path, { token: planner, body, headers });
        note(op, a);
        return a;
      } catch (err) {
        out?.push({ op, status: 0, code: (err as Error).message.slice(0, 120), ms: 0, dynamo: 0 });
        return undefined;
      }
    };
    while (performance.now() < until) {
      if (!known) {
        await call('refresh', 'GET', `/v1/production-orders/${orderId}`);
        if (!known) await sleep(5);
        continue;
      }
      let pick = random() * 100;
      let op: OpName = 'get';
      for (const [name, weight] of MIX) {
        if (pick < weight) {
          op = name;
          break;
        }
        pick -= weight;
      }
      let a: Answer | undefined;
      if (op === 'get') a = await call(op, 'GET', `/v1/production-orders/${orderId}`);
      else if (op === 'list') a = await call(op, 'GET', `/v1/production-orders?techPackId=${techPack.id}&limit=10`);
      else if (op === 'matrix-edits') {
        const cells =
          random() < 0.3
            ? [hot[Math.floor(random() * hot.length)]]
            : [[Math.floor(random() * colors.length), Math.floor(random() * sizes.length)]];
        const edits = cells.map(([r, c]) => ({
          color: colors[r],
          size: sizes[c],
          from: known!.quantities[r][c],
          to: known!.quantities[r][c] + 1,
        }));
        a = await call(op, 'POST', `/v1/production-orders/${orderId}/matrix-edits`, {
          baseVersion: known.version,
          edits,
        });
      } else if (op === 'patch') {
        a = await call(
          op,
          'PATCH',
          `/v1/production-orders/${orderId}`,
          { notes: `client ${index}` },
          { 'if-match': `"${known.version}"` },
        );
      } else {
        a = await call(op, 'POST', `/v1/production-orders/${orderId}/transitions`, {
          action: known.state === 'Draft' ? 'plan' : 'reopen',
        });
      }
      // A refusal (or an answer without the order) means what we know is stale: read it again.
      if (a?.status !== 200 || !a.body?.matrix) known = undefined;
    }
  };

  const warmSeconds = Math.min(2, seconds / 5);
  ctx.log(
    `  throughput: ${clients} clients on ${orderCount} shared orders, ${warmSeconds.toFixed(1)} s warm-up, then ${seconds} s`,
  );
  const warmUntil = performance.now() + warmSeconds * 1000;
  await Promise.all(Array.from({ length: clients }, (_, i) => runClient(i, warmUntil, null)));

  const outcomes: Outcome[] = [];
  const start = performance.now();
  const until = start + seconds * 1000;
  await Promise.all(Array.from({ length: clients }, (_, i) => runClient(i, until, outcomes)));
  const elapsed = (performance.now() - start) / 1000;

  const statusCounts = countStatuses(outcomes);
  const unexpected = outcomes.filter((o) => !EXPECTED.has(o.status));
  const refusals = outcomes.filter((o) => o.status === 409 || o.status === 412);

  const rowFor = (name: string, list: Outcome[]): Row => {
    const lat = list.map((o) => o.ms).filter((x) => x > 0);
    const bad = list.filter((o) => !EXPECTED.has(o.status)).length;
    return {
      name,
      available: true,
      metrics: {
        requests: list.length,
        perSecond: round(list.length / elapsed, 1),
        p50Ms: ms(median(lat)),
        p99Ms: ms(percentile(lat, 99)),
        ok: list.filter((o) => o.status === 200 || o.status === 201).length,
        expected409: list.filter((o) => o.status === 409).length,
        expected412: list.filter((o) => o.status === 412).length,
        unexpected: bad,
        dynamoRequestsPerCall: round(mean(list.map((o) => o.dynamo)), 2),
      },
      info: { statuses: countStatuses(list) },
      flag: bad === 0 ? 'OK' : 'ERRORS',
    };
  };
  const rows: Row[] = [rowFor('all', outcomes)];
  for (const op of ['get', 'list', 'matrix-edits', 'patch', 'transition', 'refresh'] as OpName[]) {
    const list = outcomes.filter((o) => o.op === op);
    if (list.length) rows.push(rowFor(op, list));
  }
  rows[0].info = { statuses: statusCounts, unexpectedSamples: unexpected.slice(0, 10) };
  const exhausted = outcomes.filter((o) => o.code === 'CONCURRENT_UPDATE');

  if (unexpected.length) {
    ctx.findings.push({
      section: 'throughput',
      text: `${unexpected.length} unexpected answers under load: ${Object.entries(statusCounts)
        .filter(([k]) => !/^(200|201|409|412)/.test(k))
        .map(([k, v]) => `${k} x${v}`)
        .join(', ')}`,
    });
  }
  if (exhausted.length) {
    const perOp: Record<string, number> = {};
    for (const o of exhausted) perOp[o.op] = (perOp[o.op] ?? 0) + 1;
    const byOp = Object.entries(perOp)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    ctx.findings.push({
      section: 'throughput',
      text: `${exhausted.length} of ${outcomes.length} requests gave up after the API's internal retries (409 CONCURRENT_UPDATE; ${byOp}): ${clients} clients on ${orderCount} orders`,
    });
  }

  return {
    id: 'throughput',
    title: `4. Throughput: ${clients} concurrent clients, mixed workload, ${seconds} s`,
    ok: true,
    durationMs: performance.now() - t0,
    rows,
    summary: {
      clients,
      seconds,
      elapsedSeconds: round(elapsed, 2),
      orders: orderCount,
      statuses: statusCounts,
      unexpected: unexpected.length,
      expectedRefusals: refusals.length,
    },
    notes: [
      `${clients} clients, each a planner on one of ${orderCount} shared orders (6 sizes x 10 colors); mix: get 40%, list page 10%, matrix-edits 25% (30% of them on 3 hot cells), patch 10%, plan/reopen 15%; after a refusal the client reads the order again ("refresh").`,
      `statuses: ${Object.entries(statusCounts)
        .sort()
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')}`,
      `unexpected (anything but 200/201/409/412): ${unexpected.length}${
        unexpected.length
          ? `: ${unexpected
              .slice(0, 5)
              .map((o) => `${o.op} -> ${o.status || 'network error'} ${o.code ?? ''}`.trim())
              .join('; ')}`
          : ''
      }.`,
      'The API and DynamoDB Local share this machine with the load generator; in AWS each Lambda instance serves one request at a time and scales out.',
    ],
    table: {
      headers: ['operation', 'requests', 'req/s', 'p50', 'p99', '2xx', '409', '412', 'unexpected', 'DDB req/call'],
      rows: rows.map((r) => [
        r.name,
        fmt(r.metrics!.requests, 0),
        fmt(r.metrics!.perSecond, 1),
        `${fmt(r.metrics!.p50Ms)} ms`,
        `${fmt(r.metrics!.p99Ms)} ms`,
        fmt(r.metrics!.ok, 0),
        fmt(r.metrics!.expected409, 0),
        fmt(r.metrics!.expected412, 0),
        fmt(r.metrics!.unexpected, 0),
        fmt(r.metrics!.dynamoRequestsPerCall),
      ]),
    },
  };
}
