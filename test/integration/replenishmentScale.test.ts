// The replenishment run over 2,000 low styles, on a table of its own in the stack's DynamoDB Local,
// with every DynamoDB call counted: Query and BatchGet only (no Scan, nothing per cell), one
// transaction per order, and a rerun that reads in bulk and writes nothing.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '../../infra/local/dynamo.js';
import { createDocumentClient, Db } from '../../functions/store/db.js';
import { techPackEntity } from '../../functions/store/entities.js';
import { SHARDS } from '../../functions/store/shards.js';
import { StockStore } from '../../functions/store/stock.js';
import { Store } from '../../functions/store/store.js';
import { mapLimit, runReplenishment } from '../../functions/replenishment/run.js';
import { newTechPack } from '../../shared/techPack.js';

const STYLES = Number(process.env.SCALE_STYLES ?? 2_000);
const table = `gf-scale-${process.pid}-${Date.now()}`;
const calls: Record<string, number> = {};
let store: Store;

beforeAll(async () => {
  await ensureTable(inject('dynamoEndpoint'), table);
  const doc = createDocumentClient(inject('dynamoEndpoint'));
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      calls[context.commandName as string] = (calls[context.commandName as string] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
  store = new Store(new Db(doc, table));
  const stock = new StockStore(store);
  const now = new Date().toISOString();
  const ids = await store.db.nextIds('TechPack', STYLES);
  const packs = ids.map((id, i) => ({
    ...newTechPack(
      {
        styleCode: `SCALE-${i}`,
        name: `Style ${i}`,
        sizes: ['S', 'M', 'L', 'XL'],
        colors: [
          { code: 'NAVY', name: 'Navy' },
          { code: 'RED', name: 'Red' },
        ],
        bom: [],
      },
      id,
      now,
    ),
    state: 'ProductionReady' as const,
  }));
  // Seeding only: BatchWrites of 25 items in the store's own layout.
  const items = packs.flatMap((tp) => [
    techPackEntity.item(tp),
    stock.newItem({
      techPack: tp,
      cells: ['NAVY', 'RED'].flatMap((color) =>
        tp.sizes.map((size, k) => ({ color, size, onHand: k, reorderPoint: 2, target: 20 })),
      ),
      actor: 'seed',
      now,
    }),
  ]);
  const chunks = Array.from({ length: Math.ceil(items.length / 25) }, (_, i) => items.slice(i * 25, i * 25 + 25));
  await mapLimit(chunks, 8, async (chunk) => {
    await doc.send(
      new BatchWriteCommand({ RequestItems: { [table]: chunk.map((Item) => ({ PutRequest: { Item } })) } }),
    );
  });
  for (const k of Object.keys(calls)) delete calls[k];
}, 300_000);

describe(`replenishment over ${STYLES} styles`, () => {
  it('creates one order per low style within a Lambda budget, then nothing on a rerun', async () => {
    const actor = { id: 'scale-test', roles: ['system' as const] };
    const first = await runReplenishment(store, { actor, deadline: Date.now() + 240_000 });
    expect(first.skipped).toEqual([]);
    expect(first.examined).toBe(STYLES);
    expect(first.created).toHaveLength(STYLES);
    expect(new Set(first.created).size).toBe(STYLES);
    const firstCalls = { ...calls };
    console.log(`scale: first run ${first.durationMs} ms, calls ${JSON.stringify(firstCalls)}`);
    // per style: one Query (its open orders) and one transaction; in bulk: the low-style page (one Query per
    // STOCK#Low shard), BatchGets of 100 keys, one id counter update per 100 styles
    expect(firstCalls.ScanCommand).toBeUndefined();
    expect(firstCalls.TransactWriteItemsCommand).toBe(STYLES);
    expect(firstCalls.QueryCommand).toBe(STYLES + SHARDS.Stock);
    // The settings ride with the first chunk's stock and tech packs (201 keys: one BatchGet more, no GetItem).
    expect(firstCalls.BatchGetItemCommand).toBe((2 * STYLES) / 100 + 1);
    expect(firstCalls.GetItemCommand).toBeUndefined();
    expect(firstCalls.UpdateItemCommand).toBe(STYLES / 100);
    // a 300 s Lambda has room to spare (DynamoDB Local on a small machine is far slower than DynamoDB)
    expect(first.durationMs).toBeLessThan(240_000);

    for (const k of Object.keys(calls)) delete calls[k];
    const rerun = await runReplenishment(store, { actor, deadline: Date.now() + 240_000 });
    expect(rerun.created).toEqual([]);
    expect(rerun.skipped).toHaveLength(STYLES);
    expect(new Set(rerun.skipped.map((s) => s.reason))).toEqual(new Set(['OPEN_REPLENISHMENT_ORDER']));
    // the markers' orders are read in bulk: no per-style query, no write
    expect(calls.TransactWriteItemsCommand).toBeUndefined();
    expect(calls.ScanCommand).toBeUndefined();
    expect((calls.QueryCommand ?? 0) + (calls.BatchGetItemCommand ?? 0)).toBeLessThan(100);
    console.log(`scale: rerun ${rerun.durationMs} ms, calls ${JSON.stringify(calls)}`);
  }, 300_000);
});
