// Section 7: material requirements across orders. N open orders (Drafts and Planned, 20 BOM lines
// each; 1,000 in a full run, 60 in smoke mode (one sample)) are written with the store's own order-creation items
// (the order, its history, its requirement BOM and requirement, exactly as POST writes them; loaded
// with BatchWrite to keep the setup short), then GET /v1/material-requirements is timed. Target:
// under 1 s for 1,000 orders, and the DynamoDB requests the same at a tenth of the orders as at all of
// them but for the BatchGets: a few parallel Queries of the byRequirement index (keys only), then the
// per-order requirement records by BatchGet (100 to a request, all sent together: the only requests
// that grow with orders, one round), never the orders one by one.
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { newOrder } from '../../shared/productionOrder.js';
import { DEFAULT_SETTINGS } from '../../shared/settings.js';
import type { ProductionOrder, TechPack } from '../../shared/types.js';
import type { StackContext } from '../lib/context.js';
import { missing } from '../lib/features.js';
import { SMALL_COLORS, SMALL_SIZES, largeBom, readyTechPack, techPackBody } from '../lib/fixtures.js';
import type { Answer } from '../lib/http.js';
import { failedRow, fmt, unavailable, type Row, type SectionResult } from '../lib/report.js';
import { median, ms } from '../lib/stats.js';

const ROUTE = 'GET /v1/material-requirements';
const TARGET_MS = 1000;
const BOM_LINES = 20;

export async function requirements(ctx: StackContext): Promise<SectionResult> {
  const t0 = performance.now();
  const { api, tokens, routes, store } = ctx.stack;
  const orders = ctx.cfg.smoke ? 60 : 1000;
  const reps = ctx.cfg.smoke ? 1 : 7;
  const rows: Row[] = [];
  const notes = [
    `${orders} open orders (every 4th Planned, the rest Draft), 3 sizes x 2 colors, ${BOM_LINES} BOM lines each ` +
      '(5 per color variant).',
    'ms: median over the repetitions of the whole answer (limit 100: every line, each listing its orders); ' +
      'requests: DynamoDB requests it made (x-dynamo-usage).',
    'at a tenth: the same answer with a tenth of the orders stored; rounds: the waits (requests sent together ' +
      'count once, so requests overlapping from two phases count once); BatchGets: of the #REQ items, 100 a ' +
      `request (one more per 100 open orders). Target: < ${TARGET_MS} ms and the same requests besides the ` +
      'BatchGets at a tenth.',
  ];
  const name = `requirements across ${orders} orders x ${BOM_LINES} BOM lines`;
  const miss = missing(routes, [ROUTE]);
  if (miss.length) {
    rows.push(unavailable(name, [ROUTE]));
    return {
      id: 'requirements',
      title: '7. Material requirements across orders',
      ok: true,
      durationMs: performance.now() - t0,
      rows,
      notes,
    };
  }
  try {
    const bom = largeBom(SMALL_SIZES, SMALL_COLORS, BOM_LINES);
    const { techPack } = await readyTechPack(api, tokens.admin, techPackBody({ bom, name: 'Requirements bench' }));
    const tp = techPack as TechPack;
    const ids = await store.db.nextIds('ProductionOrder', orders);
    const at = new Date().toISOString();
    const build = (id: string, i: number): ProductionOrder => {
      const order = newOrder({
        id,
        input: {
          techPackId: tp.id,
          deliveryDate: `2027-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
          matrix: {
            sizes: SMALL_SIZES,
            colors: SMALL_COLORS,
            quantities: [
              [10 + (i % 7), 20, 30],
              [5, 15 + (i % 5), 25],
            ],
          },
        },
        techPack: tp,
        settings: DEFAULT_SETTINGS,
        source: { type: 'commercial' },
        actor: { id: 'bench@example.com', roles: ['planner'] },
        now: at,
      });
      return i % 4 === 0 ? { ...order, state: 'Planned' } : order;
    };
    const load = async (from: number, to: number) => {
      const items = ids
        .slice(from, to)
        .flatMap((id, k) => store.orderCreation(build(id, from + k), tp).map((w) => w.Put!.Item!));
      const chunks: (typeof items)[] = [];
      for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
      for (let i = 0; i < chunks.length; i += 8) {
        await Promise.all(
          chunks.slice(i, i + 8).map(async (chunk) => {
            let pending = { [store.db.table]: chunk.map((Item) => ({ PutRequest: { Item } })) };
            while (pending[store.db.table]?.length) {
              const out = await store.db.doc.send(new BatchWriteCommand({ RequestItems: pending }));
              pending = (out.UnprocessedItems ?? {}) as typeof pending;
            }
          }),
        );
      }
    };
    const measure = async (limit = 100) => {
      const answers: Answer[] = [];
      for (let i = 0; i < reps; i++) {
        answers.push(await api.ok('GET', `/v1/material-requirements?limit=${limit}`, { token: tokens.logistics }));
      }
      return answers;
    };
    const tenth = Math.max(1, Math.floor(orders / 10));
    await load(0, tenth);
    const few = await measure();
    await load(tenth, orders);
    const all = await measure();
    const last = all[all.length - 1];
    const requests = last.usage?.calls ?? Number.NaN;
    const requestsAtTenth = few[few.length - 1].usage?.calls ?? Number.NaN;
    const rounds = last.usage?.sequential ?? Number.NaN;
    const roundsAtTenth = few[few.length - 1].usage?.sequential ?? Number.NaN;
    const batchGets = last.usage?.byOperation.BatchGetItem ?? 0;
    const batchGetsAtTenth = few[few.length - 1].usage?.byOperation.BatchGetItem ?? 0;
    // The BatchGets of the #REQ items grow with the open orders (100 a request, sent together); nothing else may.
    const flat = requests - batchGets === requestsAtTenth - batchGetsAtTenth;
    const latency = ms(median(all.map((a) => a.ms)));
    const ours = (last.body.items as { orders: { id: string }[] }[]).filter((l) =>
      l.orders.some((o) => ids.includes(o.id)),
    );
    const pass = latency < TARGET_MS && flat;
    rows.push({
      name,
      available: true,
      metrics: {
        ms: latency,
        requests,
        requestsAtTenth,
        rounds,
        roundsAtTenth,
        batchGets,
        batchGetsAtTenth,
        orders,
        lines: ours.length,
        responseBytes: last.bytes,
      },
      info: { byOperation: last.usage?.byOperation, samples: all.length },
      flag: ctx.cfg.smoke ? (flat ? 'OK' : 'FAIL') : pass ? 'PASS' : 'FAIL',
    });
    // A first page of 10 lines: the same reads and netting, a tenth of the answer to send.
    const page = await measure(10);
    const pageLast = page[page.length - 1];
    rows.push({
      name: `${name}, first page of 10 lines`,
      available: true,
      metrics: {
        ms: ms(median(page.map((a) => a.ms))),
        requests: pageLast.usage?.calls ?? Number.NaN,
        requestsAtTenth,
        rounds: pageLast.usage?.sequential ?? Number.NaN,
        roundsAtTenth,
        batchGets: pageLast.usage?.byOperation.BatchGetItem ?? 0,
        batchGetsAtTenth,
        orders,
        lines: pageLast.body.items.length,
        responseBytes: pageLast.bytes,
      },
      info: { byOperation: pageLast.usage?.byOperation, samples: page.length },
      flag: 'OK',
    });
    if (!ctx.cfg.smoke && !pass) {
      ctx.findings.push({
        section: 'requirements',
        text:
          `${name}: ${latency} ms, ${requests} requests in ${rounds} rounds (${requestsAtTenth} in ${roundsAtTenth} ` +
          `at a tenth): target < ${TARGET_MS} ms with requests but the BatchGets independent of orders`,
      });
    }
  } catch (err) {
    ctx.log(`  requirements: ${(err as Error).message}`);
    rows.push(failedRow(name, err, [ROUTE]));
  }
  return {
    id: 'requirements',
    title: '7. Material requirements across orders',
    ok: true,
    durationMs: performance.now() - t0,
    rows,
    notes,
    table: {
      headers: ['operation', 'latency', 'requests (BatchGets)', 'rounds', 'at a tenth', 'lines', 'verdict'],
      rows: rows.map((r) => [
        r.name,
        r.metrics ? `${fmt(r.metrics.ms)} ms` : '-',
        r.metrics ? `${r.metrics.requests} (${r.metrics.batchGets})` : '-',
        r.metrics ? String(r.metrics.rounds) : '-',
        r.metrics ? `${r.metrics.requestsAtTenth} (${r.metrics.batchGetsAtTenth}) in ${r.metrics.roundsAtTenth}` : '-',
        r.metrics ? String(r.metrics.lines) : '-',
        r.flag ?? r.reason ?? '',
      ]),
    },
  };
}
