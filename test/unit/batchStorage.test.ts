// How batches and progress sit in items: round trips, and the worst cases against DynamoDB's
// limits (400 KB an item, 100 items and 4 MB a transaction). No I/O.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_GENERATED_BATCHES, createBatches, planBatches, type ProductionBatch } from '../../shared/batches.js';
import { emptyMatrix } from '../../shared/matrix.js';
import type { Matrix, ProductionOrder } from '../../shared/types.js';
import {
  MAX_BATCHES_PER_SET,
  MAX_ITEMS_PER_CREATION,
  MAX_SET_BYTES,
  approxBytes,
  batchSetItems,
  batchesOfSets,
  decodeBatch,
  encodeBatch,
  summariesOfSets,
} from '../../functions/store/batchCodec.js';
import { packInts, unpackInts } from '../../functions/store/packed.js';
import { batchSetSk } from '../../functions/store/keys.js';
import { Store } from '../../functions/store/store.js';
import type { Db } from '../../functions/store/db.js';
import { LATER, NOW, matrix, order, planner } from './fixtures.js';

/** DynamoDB's item size: attribute names plus values (numbers counted at their 21-byte maximum). */
function dynamoBytes(v: unknown): number {
  if (v === null || v === undefined || typeof v === 'boolean') return 1;
  if (typeof v === 'number') return 21;
  if (typeof v === 'string') return Buffer.byteLength(v);
  if (v instanceof Uint8Array) return v.length;
  if (Array.isArray(v)) return 3 + v.reduce((n: number, x) => n + 1 + dynamoBytes(x), 0);
  return (
    3 +
    Object.entries(v as Record<string, unknown>).reduce((n, [k, x]) => n + Buffer.byteLength(k) + 1 + dynamoBytes(x), 0)
  );
}
const itemBytes = (item: Record<string, unknown>) => dynamoBytes(item) - 3;

const store = new Store({ table: 't' } as unknown as Db);

function bigOrder(cell: number, progress: { batched: number; produced: number; rejected: number }): ProductionOrder {
  // 500 colors x 40 sizes = 20,000 cells (the limit), with 10-character color codes.
  const sizes = Array.from({ length: 40 }, (_, i) => `SZ-${String(i).padStart(3, '0')}`);
  const colors = Array.from({ length: 500 }, (_, i) => `COLOR-${String(i).padStart(4, '0')}`);
  const fill = (q: number): Matrix => ({
    sizes,
    colors,
    quantities: colors.map((_, r) => sizes.map((_, c) => (q === cell ? q : Math.max(0, q - ((r * 7 + c * 13) % 97))))),
  });
  return order({
    state: 'InProgress',
    releasedBomRevision: 1,
    notes: 'n'.repeat(4000),
    matrix: fill(cell),
    total: cell * 20_000,
    progress: {
      batched: fill(progress.batched),
      produced: fill(progress.produced),
      rejected: fill(progress.rejected),
      missing: fill(0),
    },
  });
}

describe('packed integers', () => {
  it('round-trip, and long runs deflate', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 20_000_000 })), {
          maxLength: 3000,
        }),
        (xs) => {
          expect(unpackInts(packInts(xs))).toEqual(xs);
        },
      ),
      { numRuns: 200 },
    );
    expect(packInts(new Array(20_000).fill(0)).length).toBeLessThan(100);
    expect(packInts([0x7f, 0x80, 0x3fff, 0x4000, 0xffffffff]).length).toBe(1 + 1 + 2 + 2 + 3 + 5);
    expect(() => packInts([-1])).toThrow();
  });
});

describe('the order item stays under 400 KB with 20,000 cells and full progress', () => {
  it('cells of 999,999, batched to the over-tolerance, produced and rejected', () => {
    const o = bigOrder(999_999, { batched: 1_049_998, produced: 999_999, rejected: 50_000 });
    const item = store.orderItem(o);
    expect(itemBytes(item)).toBeLessThan(400 * 1024);
    expect(store.decodeOrder(item).progress).toEqual(o.progress);
  });

  it('progress in text (as before) would not have fit', () => {
    const o = bigOrder(999_999, { batched: 1_049_998, produced: 999_999, rejected: 50_000 });
    const text = (m: Matrix) => m.quantities.map((r) => r.join(',')).join(';');
    const item = {
      ...store.orderItem(o),
      progress: {
        batched: text(o.progress.batched),
        produced: text(o.progress.produced),
        rejected: text(o.progress.rejected),
      },
    };
    expect(itemBytes(item)).toBeGreaterThan(400 * 1024);
  });

  it('an order without progress keeps the old empty text form, and old text progress still reads', () => {
    const o = order();
    const item = store.orderItem(o);
    expect(item.progress).toEqual({ batched: '', produced: '', rejected: '', missing: '' });
    const legacy = { ...item, progress: { batched: '1,2,3;4,5,6', produced: '', rejected: '' } };
    expect(store.decodeOrder(legacy).progress.batched.quantities).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });
});

describe('batch sets', () => {
  const batch = (id: string, m: Matrix, over: Partial<ProductionBatch> = {}): ProductionBatch => ({
    id,
    orderId: 'PO-000001',
    state: 'Planned',
    version: 1,
    origin: 'generated',
    matrix: m,
    total: m.quantities.flat().reduce((a, b) => a + b, 0),
    createdAt: NOW,
    createdBy: planner.id,
    updatedAt: NOW,
    updatedBy: planner.id,
    ...over,
  });
  const layout = matrix(['S', 'M', 'L'], ['NAVY', 'RED']);

  it('a batch round-trips through its stored form (indexes into the order\u2019s layout)', () => {
    const b = batch('B-000009', matrix(['L', 'S'], ['RED'], [[3, 4]]), {
      state: 'Finished',
      version: 3,
      produced: matrix(['L', 'S'], ['RED'], [[3, 3]]),
      rejected: matrix(['L', 'S'], ['RED'], [[0, 1]]),
      producedTotal: 6,
      rejectedTotal: 1,
      missing: matrix(['L', 'S'], ['RED'], [[0, 0]]),
      missingTotal: 0,
      startedAt: NOW,
      finishedAt: LATER,
      reason: 'r',
    });
    expect(decodeBatch(b.id, b.orderId, encodeBatch(b, layout), layout, 'InProgress')).toEqual(b);
    // `missing` is not stored: it follows from the matrix, produced and rejected.
    expect(encodeBatch(b, layout)).not.toHaveProperty('missing');
    const short = {
      ...b,
      produced: matrix(['L', 'S'], ['RED'], [[1, 3]]),
      producedTotal: 4,
      missing: matrix(['L', 'S'], ['RED'], [[2, 0]]),
      missingTotal: 2,
    };
    expect(decodeBatch(b.id, b.orderId, encodeBatch(short, layout), layout, 'InProgress')).toEqual(short);
  });

  it('a Planned batch of a Cancelled order reads Cancelled', () => {
    const b = batch('B-000001', matrix(['S'], ['NAVY'], [[1]]));
    expect(decodeBatch(b.id, b.orderId, encodeBatch(b, layout), layout, 'Cancelled')).toMatchObject({
      state: 'Cancelled',
      reason: 'the order was cancelled',
    });
  });

  it('sets hold at most 25 consecutive batches, keyed by the last; reading them back gives every batch in id order', () => {
    const batches = Array.from({ length: 60 }, (_, i) =>
      batch(`B-${String(i + 1).padStart(6, '0')}`, matrix(['S'], ['NAVY'], [[i + 1]])),
    );
    const items = batchSetItems('PO-000001', batches, layout);
    expect(items.map((it) => [it.firstId, it.lastId, it.sk])).toEqual([
      ['B-000001', 'B-000025', 'B#000000000025'],
      ['B-000026', 'B-000050', 'B#000000000050'],
      ['B-000051', 'B-000060', 'B#000000000060'],
    ]);
    expect(batchesOfSets([...items].reverse(), 'PO-000001', layout, 'Released')).toEqual(batches);
    expect(summariesOfSets(items, 'PO-000001', layout, 'Released')[59]).toEqual({
      id: 'B-000060',
      state: 'Planned',
      matrix: matrix(['S'], ['NAVY'], [[60]]),
    });
  });

  it('set keys sort numerically past a million', () => {
    expect(batchSetSk('B-999999') < batchSetSk('B-1000000')).toBe(true);
  });

  it(`worst case: ${MAX_GENERATED_BATCHES} generated batches over 100 sizes of 10,000,000 fit one transaction`, () => {
    const sizes = Array.from({ length: 100 }, (_, i) => `SIZE-${String(i).padStart(35, '0')}`); // 40-character codes
    const colors = Array.from({ length: 20 }, (_, i) => `C${i}`);
    const q = colors.map(() => sizes.map(() => 10_000_000));
    // 100 x 10,000,000 per color in batches of at most 10,000,000: 100 batches a color, 2,000 in all.
    const o = order({
      state: 'Released',
      matrix: matrix(sizes, colors, q),
      batchPlan: { maxBatchQty: 10_000_000 },
      progress: {
        batched: emptyMatrix(sizes, colors),
        produced: emptyMatrix(sizes, colors),
        rejected: emptyMatrix(sizes, colors),
        missing: emptyMatrix(sizes, colors),
      },
    });
    const plan = planBatches(o);
    expect(plan).toHaveLength(MAX_GENERATED_BATCHES);
    const created = createBatches(o, plan, {
      ids: plan.map((_, i) => `B-${String(i + 1).padStart(6, '0')}`),
      origin: 'generated',
      actor: planner,
      now: NOW,
    });
    const items = batchSetItems(o.id, created.batches, o.matrix);
    expect(items.length + 2).toBeLessThanOrEqual(MAX_ITEMS_PER_CREATION);
    expect(MAX_ITEMS_PER_CREATION).toBeLessThanOrEqual(100);
    // ...and each set still fits after every batch in it finished with produced and rejected.
    for (const it of items) expect(approxBytes(it)).toBeLessThan(MAX_SET_BYTES);
    const finished = created.batches.map((b) => ({
      ...b,
      state: 'Finished' as const,
      produced: b.matrix,
      rejected: b.matrix,
      producedTotal: b.total,
      rejectedTotal: b.total,
    }));
    const finishedItems = batchSetItems(o.id, finished, o.matrix);
    expect(finishedItems).toHaveLength(items.length);
    for (const it of finishedItems) expect(itemBytes(it)).toBeLessThan(100 * 1024);
    const transactionBytes = items.reduce((n, it) => n + itemBytes(it), 0) + itemBytes(store.orderItem(created.order));
    expect(transactionBytes).toBeLessThan(4 * 1024 * 1024);
    expect(MAX_BATCHES_PER_SET).toBe(25);
  });

  it('a hand-made batch over all 20,000 cells, finished, fits its own set', () => {
    const o = bigOrder(10_000_000, { batched: 0, produced: 0, rejected: 0 });
    const b = batch('B-000001', o.matrix, { state: 'Finished', produced: o.matrix, rejected: o.matrix });
    const [item] = batchSetItems(o.id, [b], o.matrix);
    expect(itemBytes(item)).toBeLessThan(400 * 1024);
  });
});
