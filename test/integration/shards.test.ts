// Sharded index partitions on DynamoDB Local, on a table of its own (so the lists hold only what this
// file writes): the items of one state spread over every shard, a list pages through them newest
// first with one round of parallel Queries per page, summaries only (a page of 20,000-cell orders
// stays small), and the one-off reindex moves items written under the old keys.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureTable } from '../../infra/local/dynamo.js';
import { createDocumentClient, Db, type Item } from '../../functions/store/db.js';
import {
  productionOrderEntity,
  requirementEntity,
  roleMappingEntity,
  salesOrderEntity,
} from '../../functions/store/entities.js';
import { measureDynamo, newUsage } from '../../functions/store/metrics.js';
import { reindexTable } from '../../functions/store/reindex.js';
import { SalesOrderStore } from '../../functions/store/salesOrders.js';
import { SHARDS } from '../../functions/store/shards.js';
import { StockStore } from '../../functions/store/stock.js';
import { Store } from '../../functions/store/store.js';
import type { ProductionOrder } from '../../shared/types.js';
import { matrix, order } from '../unit/fixtures.js';

const table = `gf-shards-${process.pid}-${Date.now()}`;
let store: Store;

const id = (n: number) => `PO-${String(n).padStart(6, '0')}`;
const put = (o: ProductionOrder) => store.db.put(productionOrderEntity.item(o));

beforeAll(async () => {
  await ensureTable(inject('dynamoEndpoint'), table);
  store = new Store(new Db(createDocumentClient(inject('dynamoEndpoint')), table));
  // 45 Drafts and 10 Planned orders, written in a shuffled order (the index sorts them, not the writes).
  const numbers = Array.from({ length: 55 }, (_, i) => i + 1).sort((a, b) => ((a * 37) % 55) - ((b * 37) % 55));
  for (const n of numbers)
    await put(
      order({ id: id(n), techPackId: n % 5 === 0 ? 'TP-000002' : 'TP-000001', state: n > 45 ? 'Planned' : 'Draft' }),
    );
});

async function everyPage(limit: number, q: { state?: string; techPackId?: string } = {}) {
  const pages: { ids: string[]; requests: number }[] = [];
  let cursor: string | undefined;
  do {
    const usage = newUsage();
    const page = await measureDynamo(usage, () => store.listOrders({ limit, cursor, ...q }));
    pages.push({ ids: page.items.map((o) => o.id), requests: usage.calls });
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return pages;
}

describe('sharded lists', () => {
  it('spreads one state over every shard: no partition key takes every write of the state', async () => {
    const shards = await Promise.all(
      Array.from({ length: SHARDS.ProductionOrder }, (_, s) =>
        store.db.queryAll({
          IndexName: 'byState',
          KeyConditionExpression: 'stateKey = :p',
          ExpressionAttributeValues: { ':p': `PO#Draft#${s}` },
        }),
      ),
    );
    const sizes = shards.map((s) => s.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(45);
    for (const n of sizes) expect(n).toBeGreaterThanOrEqual(5);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(6);
  });

  it('pages through a state newest first, every order once, one round of parallel Queries per page', async () => {
    const pages = await everyPage(7, { state: 'Draft' });
    const ids = pages.flatMap((p) => p.ids);
    expect(ids).toEqual(Array.from({ length: 45 }, (_, i) => id(45 - i)));
    expect(pages.slice(0, -1).every((p) => p.ids.length === 7)).toBe(true);
    // One Query per shard not yet read to its end: never more than the shards, never a second round.
    for (const p of pages) expect(p.requests).toBeLessThanOrEqual(SHARDS.ProductionOrder);
    expect(pages[0].requests).toBe(SHARDS.ProductionOrder);
  });

  it('pages through every order of the kind (byType shards) and one style (byTechPack, state filtered)', async () => {
    expect((await everyPage(10)).flatMap((p) => p.ids)).toEqual(Array.from({ length: 55 }, (_, i) => id(55 - i)));
    const style = (await everyPage(4, { techPackId: 'TP-000002', state: 'Planned' })).flatMap((p) => p.ids);
    expect(style).toEqual([id(55), id(50)]);
  });

  it('a cursor of one list is refused by another (400 INVALID_CURSOR), and a page holds summaries', async () => {
    const first = await store.listOrders({ limit: 5, state: 'Draft' });
    await expect(store.listOrders({ limit: 5, state: 'Planned', cursor: first.nextCursor! })).rejects.toMatchObject({
      code: 'INVALID_CURSOR',
    });
    await expect(store.listOrders({ limit: 5, cursor: first.nextCursor! })).rejects.toMatchObject({
      code: 'INVALID_CURSOR',
    });
    expect(first.items[0]).not.toHaveProperty('matrix');
    expect(first.items[0]).toMatchObject({ id: id(45), state: 'Draft', techPackId: 'TP-000002', total: 60 });
  });

  it('role mappings (one shard) page oldest key first as before', async () => {
    for (const email of ['c@x.io', 'a@x.io', 'b@x.io'])
      await store.db.put(roleMappingEntity.item({ email, roles: ['viewer'], updatedAt: 'now', updatedBy: 't' }));
    const one = await store.listRoleMappings({ limit: 2 });
    const two = await store.listRoleMappings({ limit: 2, cursor: one.nextCursor! });
    expect([...one.items, ...two.items].map((m) => m.email).sort()).toEqual(['a@x.io', 'b@x.io', 'c@x.io']);
    expect(two.nextCursor).toBeNull();
  });

  it('styles with a low cell are found over every STOCK#Low shard', async () => {
    const stock = new StockStore(store);
    const techPack = { id: '', sizes: ['M'], colors: [{ code: 'NAVY', name: 'Navy' }] };
    for (let n = 1; n <= 20; n++) {
      const low = n % 2 === 0;
      const cells = [{ color: 'NAVY', size: 'M', onHand: low ? 1 : 9, reorderPoint: 5, target: 10 }];
      await store.db.put(
        stock.newItem({
          techPack: { ...techPack, id: `TP-${String(n).padStart(6, '0')}` },
          cells,
          actor: 't',
          now: 'n',
        }),
      );
    }
    const page = await stock.lowStylesPage();
    expect(page.techPackIds.sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `TP-${String((i + 1) * 2).padStart(6, '0')}`),
    );
    expect(page.lastKey).toBeUndefined();
  });
});

describe('a page of 20,000-cell orders', () => {
  it('is summaries: 100 of them well under 1 MB of JSON, although each order is ~56 KB stored', async () => {
    const sizes = Array.from({ length: 100 }, (_, i) => `Z${i}`);
    const colors = Array.from({ length: 200 }, (_, i) => `C${i}`);
    const quantities = colors.map((_, r) => sizes.map((_, c) => (r * 7 + c * 13) % 1000));
    const big = order({ techPackId: 'TP-000099', matrix: matrix(sizes, colors, quantities) });
    for (let n = 0; n < 100; n++) await put({ ...big, id: id(1000 + n) });
    const page = await store.listOrders({ limit: 100, techPackId: 'TP-000099' });
    expect(page.items).toHaveLength(100);
    const json = JSON.stringify(page).length;
    expect(json).toBeLessThan(100 * 1024);
    expect(JSON.stringify(productionOrderEntity.decode(productionOrderEntity.item(big))).length).toBeGreaterThan(
      50_000,
    );
  });
});

describe('npm run reindex (items written before the shards)', () => {
  it('moves them to the sharded keys: invisible to lists before, listed after; a second run moves nothing', async () => {
    const oldOrder = order({ id: id(9001), techPackId: 'TP-000777', state: 'Draft' });
    const item = productionOrderEntity.item(oldOrder);
    const so = salesOrderEntity.item({
      id: 'SO-000001',
      customer: 'Acme',
      techPackId: 'TP-000777',
      styleCode: 'X',
      state: 'Accepted',
      version: 1,
      matrix: oldOrder.matrix,
      total: 60,
      deliveryDate: null,
      notes: '',
      productionOrderIds: [],
      createdAt: 'now',
      createdBy: 't',
      updatedAt: 'now',
      updatedBy: 't',
    });
    // As the code before issue 17 wrote them: byType under `type`, byState unsharded.
    for (const [it, state] of [
      [item, 'PO#Draft'],
      [so, 'SO#Accepted'],
    ] as [Item, string][]) {
      await store.db.put(it);
      await store.db.doc.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: it.pk, sk: it.sk },
          UpdateExpression: 'SET stateKey = :s REMOVE typeKey',
          ExpressionAttributeValues: { ':s': state },
        }),
      );
    }
    // Its requirement as written before byRequirement: in byState under "REQ#<state>#<shard>".
    const req = requirementEntity.item({
      orderId: oldOrder.id,
      techPackId: 'TP-000777',
      state: 'Draft',
      deliveryDate: '2027-03-01',
      bomRevision: 1,
      pinned: false,
      incomplete: false,
      bomVersion: 1,
      lines: [
        { material: 'FAB-OLD', variant: 'FAB-OLD', uom: 'm', gross: 12, purchaseMultiple: null, minimumOrderQty: null },
      ],
    });
    await store.db.put(req);
    await store.db.doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: req.pk, sk: req.sk },
        UpdateExpression: 'SET stateKey = :s REMOVE reqKey',
        ExpressionAttributeValues: { ':s': `REQ#Draft#${9001 % 4}` },
      }),
    );
    const requirementKeysListed = async () =>
      (
        await store.db.queryAll({
          IndexName: 'byRequirement',
          KeyConditionExpression: 'reqKey = :p',
          ExpressionAttributeValues: { ':p': `REQ#${9001 % 4}` },
        })
      ).map((it) => it.pk);
    expect(await requirementKeysListed()).not.toContain(req.pk);
    const draftIds = async () => (await everyPage(100, { state: 'Draft' })).flatMap((p) => p.ids);
    expect(await draftIds()).not.toContain(oldOrder.id);
    expect((await new SalesOrderStore(store).list({ limit: 10, state: 'Accepted' })).items).toEqual([]);

    const first = await reindexTable(store.db.doc, table);
    expect(first.moved).toBe(3);
    expect(await requirementKeysListed()).toContain(req.pk);
    const moved = await store.db.get({ pk: String(req.pk), sk: String(req.sk) });
    expect(moved).not.toHaveProperty('stateKey');
    expect(requirementEntity.decode(moved!)).toEqual(requirementEntity.decode(req));
    expect((await draftIds())[0]).toBe(oldOrder.id);
    expect((await everyPage(100)).flatMap((p) => p.ids)[0]).toBe(oldOrder.id);
    expect((await new SalesOrderStore(store).list({ limit: 10, state: 'Accepted' })).items.map((s) => s.id)).toEqual([
      'SO-000001',
    ]);
    const second = await reindexTable(store.db.doc, table);
    expect(second).toMatchObject({ moved: 0, skipped: 0 });
    expect(second.scanned).toBe(first.scanned);
  });
});
