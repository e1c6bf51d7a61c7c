// Section 8: hot partition keys at 100x. Replays the 100x request mix of docs/scale.md against the
// local stack (the real handlers, over HTTP) and counts, from the table's own stream (NEW_AND_OLD
// images), the write units every partition key takes: the table's keys and every index's partition
// keys, with the index definitions of functions/store/tableDefinition.ts (keys and INCLUDE
// attributes; a key change is a delete and a put). DynamoDB Local does not throttle, so the
// measured units are projected to the rate of the 100x load (the replay is a compressed slice of
// it: `slice` seconds) and compared with DynamoDB's per-partition limits (1,000 WCU/s, 3,000 RCU/s).
//
// Two phases, as the load has them: the planners' day (order lifecycles: create, edits, patch,
// plan, release, batches started and finished, complete; reads and lists between) and the night
// (every style's stock pushed, then a replenishment run). Table-wide keys (index partitions, id
// counters, settings) are what scale with the load; a single order's or style's own keys take only
// that entity's writes, whatever the load (reported per entity, not projected).
//
// The same stream is also priced with the layout before issue 17 (every index projecting ALL, byType
// under `type`, byState under "PO#Draft" unsharded): the hottest keys of that layout, beside.
import { DynamoDBStreamsClient, type _Record } from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBClient, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { INDEXES, TABLE_KEYS } from '../../functions/store/tableDefinition.js';
import type { StackContext } from '../lib/context.js';
import { codes, createOrder, matrixOf, readyTechPack, rng, techPackBody } from '../lib/fixtures.js';
import type { Answer, Api } from '../lib/http.js';
import { itemSize } from '../lib/itemSize.js';
import { fmt, type Row, type SectionResult } from '../lib/report.js';
import { round } from '../lib/stats.js';
import { StreamTap } from '../lib/stream.js';

/** DynamoDB's per-partition limits. */
export const PARTITION_WCU = 1_000;
export const PARTITION_RCU = 3_000;

/**
 * The 100x load (docs/scale.md): 100 x (5,000 orders a day over a 10-hour day, peak twice the mean;
 * 20,000 styles' stock pushed in 30 minutes at night). Orders per second and pushes per second.
 */
export const LOAD_100X = { ordersPerSecond: 28, stockPushesPerSecond: 1_111, listsPerSecond: 100 };

const SIZES = ['XS', 'S', 'M', 'L', 'XL', 'XXL'];
const COLORS = codes('HK', 10);

type Image = Record<string, AttributeValue>;
type Layout = 'now' | 'before';

interface KeyTally {
  key: string;
  /** "table" or the index name. */
  where: string;
  writes: number;
  units: number;
}

// ---- pricing one record ------------------------------------------------------------------------------

const units = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
const str = (v: AttributeValue | undefined) => v?.S ?? v?.N;
const SHARD_SUFFIX = /#\d+$/;

/** The item as an index holds it (its keys and projected attributes), and its partition value, if in it. */
function indexEntry(layout: Layout, ix: (typeof INDEXES)[number], img: Image | undefined) {
  if (!img) return undefined;
  let pkName = ix.partitionKey.name;
  let pk = str(img[pkName]);
  if (layout === 'before') {
    // Before issue 17: byType under `type`; byState's entity and stock keys unsharded (REQ# was sharded already).
    if (ix.name === 'byType') {
      pkName = 'type';
      pk = str(img.type);
    } else if (ix.name === 'byState' && pk && !pk.startsWith('REQ#')) pk = pk.replace(SHARD_SUFFIX, '');
  }
  if (pk === undefined || img[ix.sortKey.name] === undefined) return undefined;
  if (layout === 'before' || ix.projection.type !== 'INCLUDE') {
    const all =
      layout === 'before' ? img : pick(img, [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, pkName, ix.sortKey.name]);
    return { pk, image: all };
  }
  const keep = [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, pkName, ix.sortKey.name, ...ix.projection.attributes];
  return { pk, image: pick(img, keep) };
}

function pick(img: Image, names: readonly string[]): Image {
  const out: Image = {};
  for (const n of names) if (img[n] !== undefined) out[n] = img[n];
  return out;
}

const same = (a: Image, b: Image) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
const sorted = (img: Image) => Object.fromEntries(Object.entries(img).sort(([x], [y]) => (x < y ? -1 : 1)));

/** The writes one stream record cost, per partition key, in a layout. */
function price(record: _Record, layout: Layout, add: (where: string, key: string, units: number) => void) {
  const oldImg = record.dynamodb?.OldImage as Image | undefined;
  const newImg = record.dynamodb?.NewImage as Image | undefined;
  const pk = str((newImg ?? oldImg ?? (record.dynamodb?.Keys as Image))?.pk) ?? '?';
  const size = Math.max(oldImg ? itemSize(oldImg) : 0, newImg ? itemSize(newImg) : 0);
  // Transactions cost twice (every entity write is one); the id counter and idempotency claims are single writes.
  const single = pk.startsWith('COUNTER#') || pk.startsWith('IDEM#');
  add('table', pk, units(size) * (single ? 1 : 2));
  for (const ix of INDEXES) {
    const before = indexEntry(layout, ix, oldImg);
    const after = indexEntry(layout, ix, newImg);
    if (before && after && before.pk === after.pk) {
      if (!same(before.image, after.image))
        add(ix.name, after.pk, units(Math.max(itemSize(before.image), itemSize(after.image))));
    } else {
      if (before) add(ix.name, before.pk, units(itemSize(before.image)));
      if (after) add(ix.name, after.pk, units(itemSize(after.image)));
    }
  }
}

/** Keys every entity shares (index partitions, counters, settings): they scale with the whole load. */
function tableWide(t: KeyTally): boolean {
  if (t.where === 'table') return t.key.startsWith('COUNTER#') || t.key === 'SETTINGS';
  return t.where !== 'byTechPack';
}

function tally(records: _Record[], layout: Layout): KeyTally[] {
  const by = new Map<string, KeyTally>();
  for (const r of records)
    price(r, layout, (where, key, u) => {
      const id = `${where} ${key}`;
      const t = by.get(id) ?? { key, where, writes: 0, units: 0 };
      t.writes += 1;
      t.units += u;
      by.set(id, t);
    });
  return [...by.values()].sort((a, b) => b.units - a.units);
}

// ---- the replay --------------------------------------------------------------------------------------

async function inParallel<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

/**
 * The API client, retrying once a request refused on a kept-alive socket the server had just closed
 * (its keep-alive timeout runs out while the stream is being read): it never reached the server.
 */
function retrying(api: Api): Api {
  const call = api.call.bind(api);
  const again = async (...args: Parameters<Api['call']>) => {
    try {
      return await call(...args);
    } catch (err) {
      if (!/socket hang up|ECONNRESET/.test((err as Error).message)) throw err;
      return call(...args);
    }
  };
  return Object.assign(Object.create(api) as Api, { call: again });
}

export async function hotKeys(ctx: StackContext): Promise<SectionResult> {
  const t0 = performance.now();
  const { tokens, dynamoEndpoint, tableName } = ctx.stack;
  const api = retrying(ctx.stack.api);
  const local = { endpoint: dynamoEndpoint, region: 'local', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } };
  const dynamo = new DynamoDBClient(local);
  const streams = new DynamoDBStreamsClient(local);
  const tap = new StreamTap(dynamo, streams, tableName);
  const smoke = ctx.cfg.smoke;
  // The smoke run only proves the path (2 small orders, no large one): its figures are not the model's.
  const styleCount = smoke ? 2 : 16;
  const orderCount = smoke ? 2 : 48;
  const pushesPerStyle = smoke ? 1 : 10;
  const colors = smoke ? COLORS.slice(0, 2) : COLORS;
  const listCapacity: number[] = [];
  const errors: string[] = [];
  const ok = (a: Answer, what: string) => {
    if (a.status >= 300) errors.push(`${what}: ${a.status} ${a.body?.error?.code ?? ''}`);
    return a;
  };
  try {
    // Setup (not counted): the styles, ready for orders.
    const styles: { id: string }[] = [];
    for (let i = 0; i < styleCount; i++)
      styles.push((await readyTechPack(api, tokens.admin, techPackBody({ sizes: SIZES, colors }))).techPack);
    const { sizes: ls, colors: lc } = ctx.cfg.large;
    const largeSizes = codes('Z', ls);
    const largeColors = codes('C', lc);
    const large = smoke
      ? undefined
      : (await readyTechPack(api, tokens.admin, techPackBody({ sizes: largeSizes, colors: largeColors }))).techPack;
    await tap.drain();

    // ---- the day: order lifecycles, reads and lists between ----
    const planner = tokens.planner;
    const list = async (path: string) => {
      const a = ok(await api.call('GET', path, { token: planner }), 'list');
      if (a.usage) listCapacity.push(a.usage.capacityUnits);
    };
    await inParallel(
      Array.from({ length: orderCount }, (_, i) => i),
      8,
      async (i) => {
        const style = styles[i % styles.length].id;
        let o = (await createOrder(api, planner, style, { matrix: matrixOf(SIZES, colors, () => 30) })).body;
        const id = o.id;
        const get = async () => ok(await api.call('GET', `/v1/production-orders/${id}`, { token: planner }), 'get');
        for (let e = 0; e < (i % 2 === 0 ? 1 : 2); e++) {
          const cell = o.matrix.quantities[e][e];
          const edits = [{ color: colors[e], size: SIZES[e], from: cell, to: cell + 10 }];
          const a = ok(
            await api.call('POST', `/v1/production-orders/${id}/matrix-edits`, {
              token: planner,
              body: { baseVersion: o.version, edits },
            }),
            'matrix-edits',
          );
          if (a.status === 200) o = a.body;
          await list(`/v1/production-orders?state=Draft&limit=25`);
        }
        const patched = ok(
          await api.call('PATCH', `/v1/production-orders/${id}`, {
            token: planner,
            body: { notes: `hot keys ${i}` },
            headers: { 'if-match': `"${o.version}"` },
          }),
          'patch',
        );
        if (patched.status === 200) o = patched.body;
        await get();
        for (const action of ['plan', 'release']) {
          ok(
            await api.call('POST', `/v1/production-orders/${id}/transitions`, { token: planner, body: { action } }),
            action,
          );
          await get();
        }
        await list(`/v1/production-orders?limit=25`);
        const generated = ok(
          await api.call('POST', `/v1/production-orders/${id}/batches/generate`, { token: planner }),
          'generate',
        );
        const batches = (generated.body?.items ?? []) as { id: string; matrix: unknown }[];
        for (const b of batches)
          ok(
            await api.call('POST', `/v1/production-orders/${id}/batches/${b.id}/transitions`, {
              token: planner,
              body: { action: 'start' },
            }),
            'start',
          );
        await list(`/v1/production-orders?techPackId=${style}&limit=25`);
        for (const b of batches)
          ok(
            await api.call('POST', `/v1/production-orders/${id}/batches/${b.id}/transitions`, {
              token: planner,
              body: { action: 'finish', produced: b.matrix },
            }),
            'finish',
          );
        await get();
        ok(
          await api.call('POST', `/v1/production-orders/${id}/transitions`, {
            token: planner,
            body: { action: 'complete' },
          }),
          'complete',
        );
      },
    );
    // One large order among them (the full run: 100 x 200 = 20,000 cells), pushed twice: what ALL cost.
    // Quantities as varied as a real order's (packed, they do not deflate to nothing): ~56 KB at 20,000 cells.
    const random = rng(17);
    const bigMatrix = matrixOf(largeSizes, largeColors, () => Math.floor(random() * 5_000));
    let big = large && (await createOrder(api, planner, large.id, { matrix: bigMatrix })).body;
    for (let push = 0; big && push < 2; push++) {
      // A tenth of its colors, every size: 2,000 cells in the full run.
      const edits = largeColors
        .slice(0, Math.max(1, largeColors.length / 10))
        .flatMap((color, r) =>
          largeSizes.map((size, c) => ({ color, size, from: big.matrix.quantities[r][c], to: 7 + push })),
        );
      const a = ok(
        await api.call('POST', `/v1/production-orders/${big.id}/matrix-edits`, {
          token: planner,
          body: { baseVersion: big.version, edits },
        }),
        'large matrix-edits',
      );
      if (a.status === 200) big = a.body;
    }
    const day = await tap.drain();

    // ---- the night: every style's stock pushed (half of them low), then a replenishment run ----
    const pushes = styles.flatMap((s, i) => Array.from({ length: pushesPerStyle }, (_, k) => ({ s, i, k })));
    await inParallel(pushes, 8, async ({ s, i, k }) => {
      const low = i % 2 === 0 && k === pushesPerStyle - 1;
      const cells = SIZES.slice(0, 5).flatMap((size) =>
        colors.slice(0, 2).map((color) => ({ color, size, onHand: low ? 1 : 50 + k, reorderPoint: 10, target: 60 })),
      );
      ok(await api.call('PUT', `/v1/stock/${s.id}`, { token: tokens.system, body: { cells } }), 'stock');
    });
    ok(await api.call('POST', '/v1/replenishment/run', { token: tokens.system }), 'replenishment');
    const night = await tap.drain();

    // ---- the projection ----
    const daySlice = orderCount / LOAD_100X.ordersPerSecond;
    const nightSlice = pushes.length / LOAD_100X.stockPushesPerSecond;
    const rows: Row[] = [];
    const table: string[][] = [];
    const summary: Record<string, unknown> = {};
    for (const [phase, records, slice] of [
      ['day', day, daySlice],
      ['night', night, nightSlice],
    ] as const) {
      for (const layout of ['now', 'before'] as const) {
        const tallies = tally(records, layout);
        const wide = tallies.filter(tableWide);
        const entity = tallies.filter((t) => !tableWide(t));
        const top = wide.slice(0, layout === 'now' ? 5 : 3);
        for (const t of top) {
          const perSecond = t.units / slice;
          const over = perSecond > PARTITION_WCU;
          rows.push({
            name: `${phase} ${layout}: ${t.where} ${t.key}`,
            available: true,
            metrics: {
              writes: t.writes,
              writeUnits: t.units,
              projectedWcuPerSecond: round(perSecond, 1),
              shareOfPartitionLimit: round(perSecond / PARTITION_WCU, 3),
            },
            info: { phase, layout, index: t.where, key: t.key, sliceSeconds: round(slice, 3) },
            flag: over ? 'OVER' : 'OK',
          });
          table.push([
            phase,
            layout,
            t.where,
            t.key,
            String(t.writes),
            String(t.units),
            fmt(perSecond, 0),
            `${fmt((100 * perSecond) / PARTITION_WCU, 0)}%`,
            over ? 'OVER' : 'OK',
          ]);
          if (over && layout === 'now')
            ctx.findings.push({
              section: 'hotKeys',
              text:
                `${t.where} ${t.key} would take ${fmt(perSecond, 0)} WCU/s at 100x (${phase}): ` +
                `above ${PARTITION_WCU}`,
            });
        }
        summary[`${phase}:${layout}`] = {
          records: records.length,
          sliceSeconds: round(slice, 3),
          writeUnits: tallies.reduce((n, t) => n + t.units, 0),
          indexWriteUnits: tallies.filter((t) => t.where !== 'table').reduce((n, t) => n + t.units, 0),
          hottestTableWide: top[0] ? { key: `${top[0].where} ${top[0].key}`, units: top[0].units } : null,
          hottestEntity: entity[0] ? { key: `${entity[0].where} ${entity[0].key}`, units: entity[0].units } : null,
        };
      }
    }
    // Reads: a list page reads each shard of its partition once; at 100x lists a second, per shard.
    const perList = listCapacity.length ? listCapacity.reduce((a, b) => a + b, 0) / listCapacity.length : 0;
    const rcuPerShard = perList * LOAD_100X.listsPerSecond;
    rows.push({
      name: 'day now: list pages (all shards of a partition per page)',
      available: true,
      metrics: {
        lists: listCapacity.length,
        readUnitsPerList: round(perList, 2),
        projectedRcuPerSecondUpperBound: round(rcuPerShard, 1),
        shareOfPartitionLimit: round(rcuPerShard / PARTITION_RCU, 3),
      },
      note: 'upper bound: as if every list of the 100x load read one shard for all of its units',
      flag: rcuPerShard > PARTITION_RCU ? 'OVER' : 'OK',
    });
    table.push([
      'day',
      'now',
      'lists',
      `${LOAD_100X.listsPerSecond}/s x ${fmt(perList)} RCU`,
      String(listCapacity.length),
      '-',
      fmt(rcuPerShard, 0),
      `${fmt((100 * rcuPerShard) / PARTITION_RCU, 0)}% (RCU)`,
      rcuPerShard > PARTITION_RCU ? 'OVER' : 'OK',
    ]);
    if (errors.length) summary.unexpectedAnswers = errors.slice(0, 20);
    return {
      id: 'hotKeys',
      title: '9. Hot partition keys (the 100x mix replayed)',
      ok: true,
      durationMs: performance.now() - t0,
      rows,
      summary,
      notes: [
        `day: ${orderCount} order lifecycles over ${styleCount} styles (${SIZES.length} x ${colors.length} orders: ` +
          'create, 1-2 pushes, patch, plan, release, generate, every batch started and finished, complete; ' +
          'gets and lists between) and one ' +
          `${smoke ? 'no' : ctx.cfg.large.sizes * ctx.cfg.large.colors}-cell order created and pushed twice = ` +
          `${fmt(daySlice, 2)} s of the 100x day (${LOAD_100X.ordersPerSecond} orders/s).`,
        `night: ${pushes.length} stock pushes (10 cells each) and a replenishment run = ${fmt(nightSlice, 3)} s of ` +
          `the 100x night (${LOAD_100X.stockPushesPerSecond} pushes/s).`,
        'Write units from the stream images (1 per KB, x2 on the table for transactions; an index write 1 per KB ' +
          'of what it projects, a key change a delete and a put); projected = units / slice seconds.',
        `now: this layout (sharded keys, INCLUDE projections); before: the layout before issue 17, priced on the ` +
          `same stream. Limit ${PARTITION_WCU} WCU/s per partition (${PARTITION_RCU} RCU/s). Table-wide keys only; ` +
          "an order's or style's own keys take only its own writes (summary: hottestEntity).",
        ...(errors.length ? [`${errors.length} unexpected answers (first: ${errors[0]})`] : []),
      ],
      table: {
        headers: ['phase', 'layout', 'where', 'key', 'writes', 'WCU', 'WCU/s @100x', 'of limit', ''],
        rows: table,
      },
    };
  } finally {
    dynamo.destroy();
    streams.destroy();
  }
}
