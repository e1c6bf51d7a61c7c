// How batches sit in the table: in "batch sets".
//
// DynamoDB writes at most 100 items in one transaction, and generating a batch plan can create a
// thousand batches that must appear all at once or not at all (and be counted in the order's
// progress.batched in the same write, which is what stops two planners from over-allocating).
// So batches are not one item each: a batch set item holds a run of consecutive batches of one
// order (1 to MAX_BATCHES_PER_SET, and at most MAX_SET_BYTES estimated), in a map by batch id.
// A generate call writes ONE transaction: the order (conditional on its version) + its batch sets +
// one history entry. With MAX_GENERATED_BATCHES = 2,000 that is at most 80 sets + 2 = 82 items
// (a batch of one color over 100 sizes is under 1 KB, so the byte limit never splits sets further;
// a test checks the worst case), and well under the 4 MB a transaction may carry.
// A batch created by hand is a set of one.
//
// A set's sort key is its last batch's number (B#000000000042), so the set holding batch X is the
// first set whose key is >= X's: ids of one set are one consecutive reservation, sets of an order
// never interleave. Moving a batch updates its entry in the set, conditional on the entry's state.
//
// Matrices are packed (packed.ts): a batch's matrix as indexes into its order's sizes and colors
// plus the quantities; an order's matrix cannot change once it is Released, which is the only
// time batches exist, so the indexes stay valid.
import { effectiveBatchState, MAX_GENERATED_BATCHES, withMissing, type ProductionBatch } from '../../shared/batches.js';
import type { BatchSummary } from '../../shared/productionOrder.js';
import type { Matrix, OrderState } from '../../shared/types.js';
import type { Item } from './db.js';
import { BATCH_PREFIX, keys, seqOf } from './keys.js';
import { packInts, unpackInts } from './packed.js';

export const MAX_BATCHES_PER_SET = 25;
export const MAX_SET_BYTES = 48 * 1024;
/** Order + sets + history entry: stays within DynamoDB's 100 items per transaction. */
export const MAX_ITEMS_PER_CREATION = Math.ceil(MAX_GENERATED_BATCHES / MAX_BATCHES_PER_SET) + 2;

/** A batch inside its set: the domain's fields, with its matrices packed against the order's layout. */
export interface StoredBatch extends Omit<ProductionBatch, 'id' | 'orderId' | 'matrix' | 'produced' | 'rejected'> {
  /** [colors, ...color indexes, sizes, ...size indexes, ...quantities row by row], packed. */
  m: Uint8Array;
  /** Produced and rejected quantities, laid out like `m`. */
  p?: Uint8Array;
  r?: Uint8Array;
}

/** The order's layout: batch matrices are stored as indexes into it. */
export type Layout = Pick<Matrix, 'sizes' | 'colors'>;

export function encodeBatchMatrix(m: Matrix, layout: Layout): Uint8Array {
  const colorIdx = m.colors.map((c) => layout.colors.indexOf(c));
  const sizeIdx = m.sizes.map((s) => layout.sizes.indexOf(s));
  if (colorIdx.includes(-1) || sizeIdx.includes(-1))
    throw new Error('encodeBatchMatrix: the batch is not a sub-matrix of its order');
  return packInts([colorIdx.length, ...colorIdx, sizeIdx.length, ...sizeIdx, ...m.quantities.flat()]);
}

export function decodeBatchMatrix(packed: Uint8Array, layout: Layout): Matrix {
  const n = unpackInts(packed);
  const nc = n[0];
  const colors = n.slice(1, 1 + nc).map((i) => layout.colors[i]);
  const ns = n[1 + nc];
  const sizes = n.slice(2 + nc, 2 + nc + ns).map((i) => layout.sizes[i]);
  const flat = n.slice(2 + nc + ns);
  return { sizes, colors, quantities: colors.map((_, r) => flat.slice(r * ns, (r + 1) * ns)) };
}

function shapedLike(m: Matrix, packed: Uint8Array): Matrix {
  const flat = unpackInts(packed);
  const ns = m.sizes.length;
  return {
    sizes: [...m.sizes],
    colors: [...m.colors],
    quantities: m.colors.map((_, r) => flat.slice(r * ns, (r + 1) * ns)),
  };
}

/** Optional batch fields stored as they are. */
const OPTIONAL_FIELDS = [
  'producedTotal',
  'rejectedTotal',
  'reason',
  'startedAt',
  'finishedAt',
  'cancelledAt',
  'inspection',
] as const;

export function encodeBatch(b: ProductionBatch, layout: Layout): StoredBatch {
  const s: StoredBatch = {
    state: b.state,
    version: b.version,
    origin: b.origin,
    m: encodeBatchMatrix(b.matrix, layout),
    total: b.total,
    createdAt: b.createdAt,
    createdBy: b.createdBy,
    updatedAt: b.updatedAt,
    updatedBy: b.updatedBy,
  };
  if (b.produced) s.p = packInts(b.produced.quantities.flat());
  if (b.rejected) s.r = packInts(b.rejected.quantities.flat());
  for (const k of OPTIONAL_FIELDS) {
    if (b[k] !== undefined) (s as unknown as Record<string, unknown>)[k] = b[k];
  }
  return s;
}

/** The batch as the API shows it; `orderState` turns a Planned batch of a Cancelled order into Cancelled. */
export function decodeBatch(
  id: string,
  orderId: string,
  s: StoredBatch,
  layout: Layout,
  orderState: OrderState,
): ProductionBatch {
  const matrix = decodeBatchMatrix(s.m, layout);
  const b: ProductionBatch = {
    id,
    orderId,
    state: effectiveBatchState(s.state, orderState),
    version: s.version,
    origin: s.origin,
    matrix,
    total: s.total,
    createdAt: s.createdAt,
    createdBy: s.createdBy,
    updatedAt: s.updatedAt,
    updatedBy: s.updatedBy,
  };
  if (s.p) b.produced = shapedLike(matrix, s.p);
  if (s.r) b.rejected = shapedLike(matrix, s.r);
  for (const k of OPTIONAL_FIELDS) {
    if (s[k] !== undefined) (b as unknown as Record<string, unknown>)[k] = s[k];
  }
  if (b.state !== s.state && b.state === 'Cancelled') b.reason ??= 'the order was cancelled';
  // issue 11: a Finished batch's `missing` follows from its matrix, produced and rejected (not stored).
  return withMissing(b);
}

/** Roughly what DynamoDB counts for an attribute value (names + values); an over-estimate. */
export function approxBytes(v: unknown): number {
  if (v === null || v === undefined || typeof v === 'boolean') return 1;
  if (typeof v === 'number') return 21;
  if (typeof v === 'string') return Buffer.byteLength(v);
  if (v instanceof Uint8Array) return v.length;
  if (Array.isArray(v)) return 3 + v.reduce((n: number, x) => n + 1 + approxBytes(x), 0);
  return 3 + Object.entries(v as Item).reduce((n, [k, x]) => n + Buffer.byteLength(k) + 1 + approxBytes(x), 0);
}

/** New batches (consecutive ids) as set items: runs of at most MAX_BATCHES_PER_SET and MAX_SET_BYTES. */
export function batchSetItems(orderId: string, batches: readonly ProductionBatch[], layout: Layout): Item[] {
  const sets: { ids: string[]; stored: Record<string, StoredBatch>; bytes: number }[] = [];
  for (const b of batches) {
    const stored = encodeBatch(b, layout);
    const bytes = Buffer.byteLength(b.id) + approxBytes(stored);
    let current = sets[sets.length - 1];
    if (!current || current.ids.length >= MAX_BATCHES_PER_SET || current.bytes + bytes > MAX_SET_BYTES) {
      current = { ids: [], stored: {}, bytes: 200 };
      sets.push(current);
    }
    current.ids.push(b.id);
    current.stored[b.id] = stored;
    current.bytes += bytes;
  }
  return sets.map((s) => {
    const last = s.ids[s.ids.length - 1];
    return {
      ...keys.batchSet(orderId, last),
      kind: 'BatchSet',
      orderId,
      firstId: s.ids[0],
      lastId: last,
      batches: s.stored,
    };
  });
}

/** Every batch held by the set items, in id order. */
export function batchesOfSets(
  items: readonly Item[],
  orderId: string,
  layout: Layout,
  orderState: OrderState,
): ProductionBatch[] {
  const out: ProductionBatch[] = [];
  for (const it of items) {
    if (!String(it.sk).startsWith(BATCH_PREFIX) || it.kind !== 'BatchSet') continue;
    for (const [id, s] of Object.entries(it.batches as Record<string, StoredBatch>))
      out.push(decodeBatch(id, orderId, s, layout, orderState));
  }
  return out.sort((a, b) => seqOf(a.id) - seqOf(b.id));
}

/** What the order's own transitions need to know of its batches (complete, cancel, reopen). */
export function summariesOfSets(
  items: readonly Item[],
  orderId: string,
  layout: Layout,
  orderState: OrderState,
): BatchSummary[] {
  return batchesOfSets(items, orderId, layout, orderState).map((b) => ({ id: b.id, state: b.state, matrix: b.matrix }));
}
