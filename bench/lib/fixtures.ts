// Request bodies and little flows the sections share: tech packs of any size walked to a state,
// orders, matrices.
import type { Api, Answer } from './http.js';

let counter = 0;
const runTag = Date.now().toString(36).slice(-5).toUpperCase();

export interface Matrix {
  sizes: string[];
  colors: string[];
  quantities: number[][];
}

export const SMALL_SIZES = ['S', 'M', 'L'];
export const SMALL_COLORS = ['NAVY', 'RED'];

export function codes(prefix: string, n: number): string[] {
  const width = String(n).length;
  return Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(width, '0')}`);
}

/** A deterministic pseudo-random generator (mulberry32): the same run builds the same data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function matrixOf(sizes: string[], colors: string[], cell: (r: number, c: number) => number): Matrix {
  return { sizes, colors, quantities: colors.map((_, r) => sizes.map((_, c) => cell(r, c))) };
}

export function techPackBody(opts: { sizes?: string[]; colors?: string[]; bom?: unknown[]; name?: string } = {}) {
  counter += 1;
  const sizes = opts.sizes ?? SMALL_SIZES;
  const colors = opts.colors ?? SMALL_COLORS;
  return {
    styleCode: `BENCH-${runTag}-${counter}`,
    name: opts.name ?? 'Bench tee',
    season: 'SS27',
    sizes,
    colors: colors.map((code) => ({ code, name: `Color ${code}` })),
    bom: opts.bom ?? [
      {
        material: 'FAB-JERSEY',
        uom: 'm',
        consumption: Object.fromEntries(sizes.map((s, i) => [s, 1.1 + i * 0.05])),
        wastagePct: 5,
        variants: 'match',
        purchaseMultiple: 50,
      },
      { material: 'THREAD-POLY', uom: 'm', consumption: 120, wastagePct: 3, purchaseMultiple: 5000 },
      { material: 'LABEL-CARE', uom: 'pc', consumption: 1, wastagePct: 1 },
    ],
  };
}

/**
 * A BOM of `lines` lines for many sizes and colors, shaped like a real garment's: a few fabric lines
 * per garment color (`match`), some per-size consumptions, trims with purchase multiples.
 */
export function largeBom(sizes: string[], colors: string[], lines: number): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < lines; i++) {
    const material = `MAT-${String(i + 1).padStart(4, '0')}`;
    if (i < 5) {
      out.push({
        material,
        uom: 'm',
        consumption: Object.fromEntries(sizes.map((s, k) => [s, Math.round((0.9 + k * 0.01) * 1000) / 1000])),
        wastagePct: 6,
        variants: 'match',
        purchaseMultiple: 50,
      });
    } else if (i < 45) {
      out.push({
        material,
        uom: 'm',
        consumption: Object.fromEntries(sizes.map((s, k) => [s, Math.round((0.05 + k * 0.002) * 1000) / 1000])),
        wastagePct: 3,
      });
    } else if (i < 55) {
      out.push({
        material,
        uom: 'pc',
        consumption: 1,
        wastagePct: 2,
        appliesTo: colors.slice(0, Math.max(1, Math.floor(colors.length / 4))),
      });
    } else {
      out.push({
        material,
        uom: i % 2 ? 'pc' : 'm',
        consumption: 1 + (i % 7) * 0.25,
        wastagePct: i % 5,
        purchaseMultiple: i % 3 === 0 ? 100 : undefined,
      });
    }
  }
  return out;
}

export const WALK = ['Design', 'Approval', 'ProductionReady'];

/** Creates a tech pack and walks it to ProductionReady (or leaves it Commercial). */
export async function readyTechPack(
  api: Api,
  token: string,
  body = techPackBody(),
  ready = true,
): Promise<{ techPack: any; created: Answer; moves: Answer[] }> {
  const created = await api.ok('POST', '/v1/tech-packs', { token, body });
  let techPack = created.body;
  const moves: Answer[] = [];
  if (ready) {
    for (const to of WALK) {
      const moved = await api.ok('POST', `/v1/tech-packs/${techPack.id}/transitions`, { token, body: { to } });
      moves.push(moved);
      techPack = moved.body;
    }
  }
  return { techPack, created, moves };
}

export async function createOrder(
  api: Api,
  token: string,
  techPackId: string,
  body: Record<string, unknown> = {},
): Promise<Answer> {
  return api.ok('POST', '/v1/production-orders', { token, body: { techPackId, deliveryDate: '2027-03-01', ...body } });
}

export async function transition(
  api: Api,
  token: string,
  orderId: string,
  body: Record<string, unknown>,
  expect: number | number[] = 200,
): Promise<Answer> {
  return api.ok('POST', `/v1/production-orders/${orderId}/transitions`, { token, body, expect });
}
