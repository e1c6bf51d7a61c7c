// Section 1: DynamoDB round trips (and consumed capacity) per API operation, as counted by the
// middleware on the API's own SDK client (x-dynamo-usage), beside the minimum we believe possible.
//
// How the minimums are reasoned (one "read" is one GetItem, Query page or BatchGet; one "write" one
// TransactWriteItems/UpdateItem/PutItem):
//   - a read of one entity: 1; a list page: one Query per shard of its index partition (shards.ts
//     SHARDS: 8 for orders by state or of all states), all sent together: 1 round; a list of one
//     style (byTechPack, not sharded): 1;
//   - a change that depends on what is stored (patch, matrix-edits, transitions, batch moves): read
//     + conditional write = 2; a change whose gate is another item's state (plan: tech pack
//     ProductionReady) needs no read of that item, because a ConditionCheck in the same transaction
//     enforces it; release does, because it copies the tech pack's BOM;
//   - a create: what it must read + 1 write, + 1 for the id counter. The counter is a product choice
//     (short sequential ids such as PO-000042 that people say on the phone); random ids would save
//     that round trip on every create (noted on the row);
//   - Idempotency-Key: + 1. The record has to be read (claimed) before the work; its completion rides
//     in the operation's own transaction (TransactWriteItems takes 100 items; functions/store/db.ts);
//   - batch moves: the order and the batch's set (2 reads, sent together: 1 wait) + 1 write = 3;
//   - the first page of an order's batches: 1 Query from #ENTITY to the last batch set, which
//     returns the order and its sets together (only the order's #REQ and #REQBOM sort between);
//   - materials: the order with its BOM record (1), the tech pack's bomRevision for `stale` (1: a
//     GetItem of two attributes, eventually consistent, when nothing is written);
//     + 1 write when the record is written (first read, refresh);
//   - replenishment, K low styles: 1 page of the low-stock index (one Query per STOCK#Low shard, in
//     one round) + ceil((2K+1)/100) BatchGets (stock, tech packs and the settings together) + K
//     open-order Queries + 1 id counter + K writes; a rerun with nothing to do: the page (if the index
//     projected each style's marker) + the markers' orders with the settings.
// "rounds" (`sequential`) counts the waits: requests sent together count once. Where a row names a
// minimum of rounds (the sharded lists), it is held to that too.
import type { StackContext } from '../lib/context.js';
import { R, missing } from '../lib/features.js';
import { codes, createOrder, matrixOf, readyTechPack, techPackBody, transition } from '../lib/fixtures.js';
import type { Answer } from '../lib/http.js';
import { failedRow, fmt, unavailable, type Row, type SectionResult } from '../lib/report.js';
import { SHARDS } from '../../functions/store/shards.js';

const COUNTER_NOTE = '+1 id counter (sequential ids); random ids would make it 1 less';

export function batchesOf(body: any): any[] {
  if (Array.isArray(body)) return body;
  if (Array.isArray(body?.items)) return body.items;
  if (Array.isArray(body?.batches)) return body.batches;
  if (Array.isArray(body?.created)) return body.created;
  return [];
}

export async function roundTrips(ctx: StackContext): Promise<SectionResult> {
  const t0 = performance.now();
  const { api, tokens, routes } = ctx.stack;
  const rows: Row[] = [];
  const notes = [
    'requests: DynamoDB requests the API made for the operation, counted by the middleware on its SDK client (x-dynamo-usage).',
    'rounds: the waits among them (requests sent together with Promise.all count once); for the replenishment ' +
      'rows, of the whole run.',
    'min: the fewest requests we believe the operation can take with this contract (reasoning in ' +
      'bench/sections/roundTrips.ts); min rounds, where given: the fewest waits (a sharded list page: one Query ' +
      'per shard, all in one round).',
    'capacity: consumed capacity units as DynamoDB Local reports them (ReturnConsumedCapacity TOTAL).',
  ];

  const record = (name: string, a: Answer, min: number, note?: string, minRounds?: number) => {
    if (!a.usage) throw new Error(`${name}: the answer carries no x-dynamo-usage header (is EXPOSE_DYNAMO_USAGE on?)`);
    const calls = a.usage.calls;
    const sequential = a.usage.sequential ?? calls;
    rows.push({
      name,
      available: true,
      metrics: {
        calls,
        sequential,
        min,
        ...(minRounds !== undefined ? { minRounds } : {}),
        capacityUnits: a.usage.capacityUnits,
      },
      info: { byOperation: a.usage.byOperation, status: a.status },
      flag: calls > min || (minRounds !== undefined && sequential > minRounds) ? 'ABOVE MIN' : 'OK',
      note,
    });
  };
  const recordPer = (name: string, a: Answer, per: number, minTotal: number, note?: string) => {
    if (!a.usage) throw new Error(`${name}: no x-dynamo-usage header`);
    const calls = a.usage.calls / per;
    const min = minTotal / per;
    rows.push({
      name,
      available: true,
      metrics: {
        calls: Math.round(calls * 1000) / 1000,
        sequential: a.usage.sequential ?? a.usage.calls,
        min: Math.round(min * 1000) / 1000,
        capacityUnits: Math.round((a.usage.capacityUnits / per) * 1000) / 1000,
        totalCalls: a.usage.calls,
        styles: per,
      },
      info: { byOperation: a.usage.byOperation, status: a.status },
      flag: a.usage.calls > minTotal ? 'ABOVE MIN' : 'OK',
      note,
    });
  };

  /** Runs a group of rows that need `requires`; a missing feature or an error marks the rows, nothing crashes. */
  const group = async (names: string[], requires: string[], fn: () => Promise<void>) => {
    const miss = missing(routes, requires);
    if (miss.length) {
      for (const n of names) rows.push(unavailable(n, requires, `not available yet (${miss.join(', ')} missing)`));
      return;
    }
    const before = new Set(rows.map((r) => r.name));
    try {
      await fn();
    } catch (err) {
      ctx.log(`  round trips: ${(err as Error).message}`);
      for (const n of names)
        if (!before.has(n) && !rows.some((r) => r.name === n)) rows.push(failedRow(n, err, requires));
    }
  };

  const { planner, commercial, viewer, admin, logistics } = tokens;

  // ---- tech packs ----
  let techPack: any;
  await group(['tech pack: create', 'tech pack: get', 'tech pack: transition'], [], async () => {
    const made = await readyTechPack(api, commercial, techPackBody());
    techPack = made.techPack;
    record('tech pack: create', made.created, 2, COUNTER_NOTE);
    record('tech pack: get', await api.ok('GET', `/v1/tech-packs/${techPack.id}`, { token: viewer }), 1);
    record('tech pack: transition', made.moves[0], 2);
  });

  // ---- production orders: read, list, edit, plan ----
  const quantities = [
    [10, 20, 30],
    [5, 15, 25],
  ];
  let order: any;
  await group(
    [
      'order: create',
      'order: get',
      'order: list page',
      'order: list page (by state)',
      'order: history page',
      'order: patch',
      'order: matrix-edits',
      'order: transition plan',
      'order: transition reopen',
    ],
    [],
    async () => {
      const created = await createOrder(api, planner, techPack.id, {
        matrix: { sizes: techPack.sizes, colors: techPack.colors.map((c: any) => c.code), quantities },
        batchPlan: { maxBatchQty: 40 },
      });
      order = created.body;
      record('order: create', created, 3, `tech pack + settings (1 BatchGet) + write; ${COUNTER_NOTE}`);
      record('order: get', await api.ok('GET', `/v1/production-orders/${order.id}`, { token: viewer }), 1);
      record(
        'order: list page',
        await api.ok('GET', `/v1/production-orders?techPackId=${techPack.id}&limit=25`, { token: viewer }),
        1,
      );
      record(
        'order: list page (by state)',
        await api.ok('GET', '/v1/production-orders?state=Draft&limit=25', { token: viewer }),
        SHARDS.ProductionOrder,
        `one Query per shard of PO#Draft (${SHARDS.ProductionOrder}), sent together: 1 round`,
        1,
      );
      record(
        'order: history page',
        await api.ok('GET', `/v1/production-orders/${order.id}/history`, { token: viewer }),
        1,
      );
      const patched = await api.ok('PATCH', `/v1/production-orders/${order.id}`, {
        token: planner,
        body: { notes: 'bench' },
        headers: { 'if-match': `"${order.version}"` },
      });
      record('order: patch', patched, 2);
      const edited = await api.ok('POST', `/v1/production-orders/${order.id}/matrix-edits`, {
        token: planner,
        body: { baseVersion: patched.body.version, edits: [{ color: 'NAVY', size: 'S', from: 10, to: 12 }] },
      });
      record('order: matrix-edits', edited, 2);
      record(
        'order: transition plan',
        await transition(api, planner, order.id, { action: 'plan' }),
        2,
        'order + write: the tech pack gate is already a ConditionCheck in the write, so the tech pack need not be read first (only to explain a refusal)',
      );
      record('order: transition reopen', await transition(api, planner, order.id, { action: 'reopen' }), 2);
      order = (await transition(api, planner, order.id, { action: 'plan' })).body;
    },
  );

  // ---- materials before release: the first read records the BOM it used; a refresh rewrites it ----
  await group(
    ['materials: summary (first read)', 'materials: summary', 'materials: refresh'],
    [R.materials, R.materialsRefresh],
    async () => {
      if (!order) throw new Error('no order to read materials of');
      record(
        'materials: summary (first read)',
        await api.ok('GET', `/v1/production-orders/${order.id}/materials`, { token: viewer }),
        3,
        'order + BOM record, tech pack, then the record of the BOM used is written',
      );
      record(
        'materials: summary',
        await api.ok('GET', `/v1/production-orders/${order.id}/materials`, { token: viewer }),
        2,
        'order + its BOM record (1 request), the tech pack (its bomRevision: stale or not)',
      );
      record(
        'materials: refresh',
        await api.ok('POST', `/v1/production-orders/${order.id}/materials/refresh`, { token: planner }),
        3,
        'order + BOM record, tech pack, write',
      );
    },
  );

  // ---- release, cancel, idempotency ----
  await group(
    [
      'order: transition release',
      'order: transition cancel (Draft)',
      'order: create + Idempotency-Key',
      'order: idempotent replay',
    ],
    [],
    async () => {
      if (!order) throw new Error('no planned order');
      const released = await transition(api, planner, order.id, { action: 'release' });
      record('order: transition release', released, 3, 'order, tech pack (its BOM is snapshotted), write');
      order = released.body;
      const other = (await createOrder(api, planner, techPack.id)).body;
      record(
        'order: transition cancel (Draft)',
        await transition(api, planner, other.id, { action: 'cancel', reason: 'bench' }),
        2,
      );
      const key = `bench-${Date.now()}`;
      const body = { techPackId: techPack.id, deliveryDate: '2027-03-01' };
      const keyed = await api.ok('POST', '/v1/production-orders', {
        token: planner,
        body,
        headers: { 'idempotency-key': key },
      });
      record(
        'order: create + Idempotency-Key',
        keyed,
        3 + 1,
        "create + 1: the key is claimed before the work; its completion rides in the create's own transaction",
      );
      record(
        'order: idempotent replay',
        await api.ok('POST', '/v1/production-orders', { token: planner, body, headers: { 'idempotency-key': key } }),
        1,
      );
    },
  );

  await group(['materials: summary (released, pinned)'], [R.materials], async () => {
    if (!order) throw new Error('no released order');
    record(
      'materials: summary (released, pinned)',
      await api.ok('GET', `/v1/production-orders/${order.id}/materials`, { token: viewer }),
      2,
      'order + its BOM snapshot, tech pack',
    );
  });

  // ---- batches: manual, cancel, generate, start (-> InProgress), finish, complete ----
  const batchRows = [
    'batch: create (manual)',
    'batch: cancel',
    'batch: generate',
    'batch: list',
    'batch: start (order -> InProgress)',
    'batch: start',
    'batch: finish',
    'order: transition complete',
  ];
  await group(batchRows, [R.createBatch, R.generateBatches, R.listBatches, R.batchTransition], async () => {
    if (!order) throw new Error('no released order');
    const id = order.id;
    const move = "order + the batch's set (2 reads in parallel), one transaction";
    const manual = await api.ok('POST', `/v1/production-orders/${id}/batches`, {
      token: planner,
      body: { matrix: { sizes: ['S'], colors: ['NAVY'], quantities: [[5]] } },
    });
    record('batch: create (manual)', manual, 3, `order + id counter (in parallel), write; ${COUNTER_NOTE}`);
    const manualId = manual.body.id ?? batchesOf(manual.body)[0]?.id;
    record(
      'batch: cancel',
      await api.ok('POST', `/v1/production-orders/${id}/batches/${manualId}/transitions`, {
        token: planner,
        body: { action: 'cancel' },
      }),
      3,
      move,
    );
    const generated = await api.ok('POST', `/v1/production-orders/${id}/batches/generate`, { token: planner });
    record(
      'batch: generate',
      generated,
      3,
      `order, id counter (how many ids depends on the order), one transaction; ${COUNTER_NOTE}`,
    );
    const listed = await api.ok('GET', `/v1/production-orders/${id}/batches`, { token: viewer });
    record(
      'batch: list',
      listed,
      1,
      'one Query from #ENTITY to the last batch set returns the order and its batch sets together (eventually consistent)',
    );
    const planned = batchesOf(listed.body).filter((b) => b.state === 'Planned');
    if (planned.length < 2) throw new Error(`expected at least 2 generated batches, found ${planned.length}`);
    for (const [i, b] of planned.entries()) {
      const started = await api.ok('POST', `/v1/production-orders/${id}/batches/${b.id}/transitions`, {
        token: planner,
        body: { action: 'start' },
      });
      if (i === 0) record('batch: start (order -> InProgress)', started, 3, `${move} (it moves the order too)`);
      if (i === 1) record('batch: start', started, 3, move);
      const zeros = b.matrix.quantities.map((r: number[]) => r.map(() => 0));
      const finished = await api.ok('POST', `/v1/production-orders/${id}/batches/${b.id}/transitions`, {
        token: planner,
        body: { action: 'finish', produced: b.matrix, rejected: { ...b.matrix, quantities: zeros } },
      });
      if (i === 0) record('batch: finish', finished, 3, move);
    }
    record(
      'order: transition complete',
      await transition(api, planner, id, { action: 'complete' }),
      2,
      'order with its batches (1 Query), write',
    );
  });

  // ---- sales orders ----
  await group(
    ['sales order: create', 'sales order: transition', 'sales order: create production order'],
    [R.createSalesOrder, R.salesOrderTransition, R.salesOrderToProduction],
    async () => {
      const so = await api.ok('POST', '/v1/sales-orders', {
        token: commercial,
        body: { customer: 'Bench Retail', techPackId: techPack.id, matrix: matrixOf(['S', 'M'], ['NAVY'], () => 40) },
      });
      record('sales order: create', so, 3, `tech pack, write; ${COUNTER_NOTE}`);
      const sent = await api.ok('POST', `/v1/sales-orders/${so.body.id}/transitions`, {
        token: commercial,
        body: { to: 'Sent' },
      });
      record('sales order: transition', sent, 2);
      await api.ok('POST', `/v1/sales-orders/${so.body.id}/transitions`, {
        token: commercial,
        body: { to: 'Accepted' },
      });
      const po = await api.ok('POST', `/v1/sales-orders/${so.body.id}/production-orders`, {
        token: commercial,
        body: {},
      });
      record(
        'sales order: create production order',
        po,
        4,
        `sales order, then its linked orders + tech pack + settings (1 BatchGet), one transaction; ${COUNTER_NOTE}`,
      );
    },
  );

  // ---- stock ----
  await group(['stock: put', 'stock: get'], [R.putStock, R.getStock], async () => {
    const cells = techPack.colors.flatMap((c: any) =>
      techPack.sizes.map((s: string) => ({ color: c.code, size: s, onHand: 500, reorderPoint: 100, target: 600 })),
    );
    record(
      'stock: put',
      await api.ok('PUT', `/v1/stock/${techPack.id}`, { token: logistics, body: { cells } }),
      2,
      'the tech pack (cells are checked against it), write',
    );
    record('stock: get', await api.ok('GET', `/v1/stock/${techPack.id}`, { token: viewer }), 1);
  });

  // ---- replenishment: K low styles, one run creates K orders; a rerun creates nothing ----
  const K = ctx.cfg.replenishmentStyles;
  await group(
    ['replenishment: run, per style', 'replenishment: rerun, per style'],
    [R.putStock, R.runReplenishment],
    async () => {
      const sizes = codes('Z', 4);
      const colors = codes('K', 3);
      for (let i = 0; i < K; i++) {
        const made = await readyTechPack(api, commercial, techPackBody({ sizes, colors }), false);
        const cells = colors.flatMap((c, ci) =>
          sizes.map((s, si) => ({
            color: c,
            size: s,
            onHand: (ci + si) % 3 === 0 ? 5 : 200,
            reorderPoint: 50,
            target: 300,
          })),
        );
        await api.ok('PUT', `/v1/stock/${made.techPack.id}`, { token: logistics, body: { cells } });
      }
      // The low-stock index is eventually consistent in AWS; DynamoDB Local updates it at once.
      const run = await api.ok('POST', '/v1/replenishment/run', { token: admin });
      const created = (run.body?.created ?? []).length;
      if (created !== K)
        throw new Error(
          `replenishment created ${created} orders for ${K} low styles: ${JSON.stringify(run.body).slice(0, 400)}`,
        );
      const loads = Math.ceil((2 * K + 1) / 100);
      const page = SHARDS.Stock;
      // one page of low styles + loads (stock, tech pack, settings) + per style: its open orders, its write + one counter
      recordPer(
        'replenishment: run, per style',
        run,
        K,
        page + loads + 2 * K + 1,
        `${K} low styles, ${K} orders; min = 1 low-stock page (${page} Queries, one per shard, 1 round) + ` +
          `${loads} BatchGet(s) of stock, tech packs and the settings together + ${K} open-order Queries + ` +
          `1 id counter + ${K} writes, / ${K}`,
      );
      const rerun = await api.ok('POST', '/v1/replenishment/run', { token: admin });
      if ((rerun.body?.created ?? []).length !== 0) throw new Error('the rerun created orders');
      // one page of low styles (the index projects each style's marker) + the markers' orders' states
      recordPer(
        'replenishment: rerun, per style',
        rerun,
        K,
        page + Math.ceil((K + 1) / 100),
        `nothing to create; min = 1 low-stock page (${page} Queries, 1 round; if the index projected each ` +
          `style's marker) + ${Math.ceil((K + 1) / 100)} BatchGet of the markers' orders and the settings ` +
          `(open: skip), / ${K}`,
      );
    },
  );

  const table = {
    headers: ['operation', 'requests', 'rounds', 'min', 'min rounds', 'capacity', 'DynamoDB requests', 'verdict'],
    rows: rows.map((r) => [
      r.name,
      r.available ? fmt(r.metrics!.calls, Number.isInteger(r.metrics!.calls) ? 0 : 2) : '-',
      r.available ? fmt(r.metrics!.sequential, 0) : '-',
      r.available ? fmt(r.metrics!.min, Number.isInteger(r.metrics!.min) ? 0 : 2) : '-',
      r.available && r.metrics!.minRounds !== undefined ? fmt(r.metrics!.minRounds, 0) : '-',
      r.available ? fmt(r.metrics!.capacityUnits, 1) : '-',
      r.available
        ? Object.entries((r.info?.byOperation ?? {}) as Record<string, number>)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')
        : (r.reason ?? ''),
      r.flag ?? '',
    ]),
  };
  for (const r of rows)
    if (r.flag === 'ABOVE MIN')
      ctx.findings.push({
        section: 'roundTrips',
        text:
          `${r.name}: ${r.metrics!.calls} DynamoDB requests in ${r.metrics!.sequential} rounds, ` +
          `minimum ${r.metrics!.min}${r.metrics!.minRounds !== undefined ? ` in ${r.metrics!.minRounds}` : ''}` +
          `${r.note ? ` (${r.note})` : ''}`,
      });
  return {
    id: 'roundTrips',
    title: '1. DynamoDB round trips per operation',
    ok: true,
    durationMs: performance.now() - t0,
    rows,
    notes,
    table,
  };
}
