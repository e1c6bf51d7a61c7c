// The shard merge (functions/store/shards.ts): order across shards, page boundaries, the cursor's
// round trip, and the shard function itself. No table: the shards are in-memory Query simulations
// that behave as DynamoDB's do (Limit, a 1 MB cut, ExclusiveStartKey).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Item, resetCursorSecret } from '../../functions/store/db.js';
import {
  decodePositions,
  encodePositions,
  mergeShardPages,
  partitionsOf,
  type ShardPage,
  type ShardPosition,
  shardedKey,
  shardOf,
} from '../../functions/store/shards.js';

beforeAll(() => {
  process.env.CURSOR_SECRET = 'shards-unit-test';
  resetCursorSecret();
});

const keyOf = (it: Item): Item => ({ pk: it.pk, sk: it.sk, stateKey: it.stateKey, seq: it.seq });

/** A shard as DynamoDB would answer a Query of it, newest first; `cut`: at most that many per call (1 MB). */
function shardOfItems(partition: string, seqs: number[], cut = Number.POSITIVE_INFINITY) {
  const items = [...seqs]
    .sort((a, b) => b - a)
    .map((seq) => ({ pk: `PO#PO-${seq}`, sk: '#ENTITY', stateKey: partition, seq }));
  return (from: ShardPosition, limit: number): ShardPage => {
    if (from === 0) return { items: [], from };
    const start = from === null ? 0 : items.findIndex((it) => it.seq === from.seq) + 1;
    const n = Math.min(limit, cut);
    const page = items.slice(start, start + n);
    const more = start + n < items.length;
    return { items: page, lastKey: more || page.length === limit ? keyOf(page.at(-1)!) : undefined, from };
  };
}

/** Every page of a list over these shards, each a merge of one round of (simulated) Queries. */
function pagesOf(shards: ReturnType<typeof shardOfItems>[], limit: number, viaCursor = true) {
  const partitions = { attribute: 'stateKey', values: shards.map((_, i) => `PO#Draft#${i}`) };
  let positions: ShardPosition[] = shards.map(() => null);
  const pages: number[][] = [];
  for (let round = 0; round < 10_000; round++) {
    const answers = shards.map((q, i) => q(positions[i], limit));
    const merged = mergeShardPages(answers, { limit, sortKey: 'seq', forward: false, keyOf });
    pages.push(merged.items.map((it) => it.seq as number));
    const cursor = encodePositions('test', merged.positions, 'seq');
    if (cursor === null) return pages;
    positions = viaCursor ? decodePositions('test', cursor, partitions, 'seq') : merged.positions;
  }
  throw new Error('never ended');
}

describe('shardOf', () => {
  it('sends consecutive numbered ids round-robin over the shards, and is stable', () => {
    const counts = new Array(8).fill(0);
    for (let n = 1; n <= 800; n++) counts[shardOf(`PO-${String(n).padStart(6, '0')}`, 8)]++;
    expect(counts).toEqual(new Array(8).fill(100));
    expect(shardOf('PO#PO-000042', 8)).toBe(shardOf('PO-000042', 8));
    expect(shardedKey('PO#Draft', 'PO-000042', 8)).toBe('PO#Draft#2');
  });

  it('hashes ids without a number (emails, codes) over every shard, and one shard means shard 0', () => {
    const seen = new Set(
      Array.from({ length: 200 }, (_, i) => shardOf(`USER#planner${'x'.repeat(i % 7)}${i}@a.b-c`, 4)),
    );
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
    expect(shardOf('FAB-JERSEY', 1)).toBe(0);
    expect(partitionsOf('RoleMapping', 1)).toEqual(['RoleMapping#0']);
    expect(partitionsOf('PO#Draft', 3)).toEqual(['PO#Draft#0', 'PO#Draft#1', 'PO#Draft#2']);
  });

  it('milestone shards hash the whole order id (FNV-1a, as stored before the merge moved here)', async () => {
    const { milestoneShardKey, milestoneShardKeys } = await import('../../functions/store/keys.js');
    const ids = ['PO-000001', 'PO-000042', 'PO-123456', 'PO-000007', 'PO-999999'];
    expect(ids.map((id) => milestoneShardKey(id, false))).toEqual(['MS#0', 'MS#1', 'MS#0', 'MS#2', 'MS#1']);
    expect(milestoneShardKey('PO-000007', true)).toBe('MSD#2');
    expect(milestoneShardKeys(false)).toEqual(['MS#0', 'MS#1', 'MS#2', 'MS#3']);
  });

  it('the requirement keys of keys.ts are this function with SHARDS.Requirement shards, any state', async () => {
    const { requirementKey, requirementKeys, REQUIREMENT_SHARDS } = await import('../../functions/store/keys.js');
    const { SHARDS } = await import('../../functions/store/shards.js');
    expect(REQUIREMENT_SHARDS).toBe(SHARDS.Requirement);
    for (const n of [1, 2, 3, 4, 5, 99, 123456])
      expect(requirementKey(n)).toBe(shardedKey('REQ', `PO-${n}`, REQUIREMENT_SHARDS));
    expect(requirementKeys()).toEqual(partitionsOf('REQ', REQUIREMENT_SHARDS));
  });
});

describe('mergeShardPages', () => {
  it('orders items across shards by sort key, newest first, and pages through all of them once', () => {
    const seqs = Array.from({ length: 57 }, (_, i) => i + 1);
    const shards = Array.from({ length: 4 }, (_, s) =>
      shardOfItems(
        `PO#Draft#${s}`,
        seqs.filter((n) => n % 4 === s),
      ),
    );
    const pages = pagesOf(shards, 10);
    expect(pages.map((p) => p.length)).toEqual([10, 10, 10, 10, 10, 7]);
    expect(pages.flat()).toEqual([...seqs].reverse());
  });

  it('a page that ends exactly at the last item still answers a cursor, then an empty last page', () => {
    expect(pagesOf([shardOfItems('a', [1, 2]), shardOfItems('b', [])], 2)).toEqual([[2, 1], []]);
    expect(pagesOf([shardOfItems('a', [1, 3]), shardOfItems('b', [2, 4])], 2)).toEqual([
      [4, 3],
      [2, 1],
    ]);
  });

  it('skewed shards: one shard may hold the whole page (each shard is asked for the full limit)', () => {
    const shards = [shardOfItems('a', [100, 99, 98, 97, 96]), shardOfItems('b', [1]), shardOfItems('c', [])];
    const pages = pagesOf(shards, 3);
    expect(pages[0]).toEqual([100, 99, 98]);
    expect(pages.flat()).toEqual([100, 99, 98, 97, 96, 1]);
  });

  it('stops short rather than skip ahead when a shard was cut (1 MB) before the page was full', () => {
    const a = shardOfItems('a', [10, 8, 6, 4, 2], 2);
    const b = shardOfItems('b', [9, 7, 5, 3, 1]);
    const first = mergeShardPages([a(null, 5), b(null, 5)], { limit: 5, sortKey: 'seq', forward: false, keyOf });
    // a gave 10, 8 and has more: 7 may not be handed out before a's next item (6) is seen.
    expect(first.items.map((it) => it.seq)).toEqual([10, 9, 8]);
    expect(pagesOf([a, b], 5).flat()).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it('any spread, page size and cut: every item exactly once, in order, through signed cursors', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 5_000 }), { maxLength: 120 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 25 }),
        fc.integer({ min: 1, max: 30 }),
        (seqs, n, limit, cut) => {
          const shards = Array.from({ length: n }, (_, s) =>
            shardOfItems(
              `x#${s}`,
              seqs.filter((q) => shardOf(`PO-${q}`, n) === s),
              cut,
            ),
          );
          const pages = pagesOf(shards, limit);
          expect(pages.flat()).toEqual([...seqs].sort((x, y) => y - x));
          for (const p of pages) expect(p.length).toBeLessThanOrEqual(limit);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('oldest first too (forward)', () => {
    const a = shardOfItems('a', []);
    const pages = [
      { items: [1, 4, 5].map((seq) => ({ pk: `P${seq}`, sk: 's', seq })), from: null },
      { items: [2, 3, 6].map((seq) => ({ pk: `P${seq}`, sk: 's', seq })), from: null },
    ];
    const merged = mergeShardPages(pages, { limit: 4, sortKey: 'seq', forward: true, keyOf });
    expect(merged.items.map((it) => it.seq)).toEqual([1, 2, 3, 4]);
    expect(merged.positions.map((p) => (p && typeof p === 'object' ? p.seq : p))).toEqual([4, 3]);
    expect(a(0, 1).items).toEqual([]);
  });
});

describe('the cursor', () => {
  const partitions = { attribute: 'stateKey', values: ['PO#Draft#0', 'PO#Draft#1', 'PO#Draft#2'] };

  it('round-trips each shard position (not started, read to the end, after an item)', () => {
    const positions: ShardPosition[] = [
      null,
      0,
      { pk: 'PO#PO-000042', sk: '#ENTITY', stateKey: 'PO#Draft#2', seq: 42 },
    ];
    const cursor = encodePositions('orders', positions, 'seq');
    expect(cursor).toMatch(/^[\w-]+\.[\w-]+$/);
    expect(decodePositions('orders', cursor!, partitions, 'seq')).toEqual(positions);
    expect(encodePositions('orders', [0, 0, 0], 'seq')).toBeNull();
    expect(decodePositions('orders', undefined, partitions, 'seq')).toEqual([null, null, null]);
  });

  it('is refused for another list, another shard count, or when tampered with', () => {
    const cursor = encodePositions('orders', [null, 0, null], 'seq')!;
    expect(() => decodePositions('salesOrders', cursor, partitions, 'seq')).toThrow(/cursor/);
    const two = { attribute: 'stateKey', values: ['PO#Draft#0', 'PO#Draft#1'] };
    expect(() => decodePositions('orders', cursor, two, 'seq')).toThrow(/cursor/);
    const [payload, mac] = cursor.split('.');
    const forged = Buffer.from(JSON.stringify({ s: [null, 0, ['PO#x', '#ENTITY', 1]] })).toString('base64url');
    expect(() => decodePositions('orders', `${forged}.${mac}`, partitions, 'seq')).toThrow(/cursor/);
    const otherMac = `${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`;
    expect(() => decodePositions('orders', `${payload}.${otherMac}`, partitions, 'seq')).toThrow(/cursor/);
  });
});
