// Builders shared by the add-on's tests.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildAddon } from '../../addon/build.js';
import type { OrderSnapshot } from '../../addon/src/model.js';
import { apiUrl, token } from '../support/api.js';
import { techPackBody } from '../support/fixtures.js';
import { callApi } from './fakes/services.js';

/**
 * The API over a fresh connection per call: the add-on's synchronous fetches block this process's
 * event loop, so a kept-alive socket could be closed under a pooled client (see callApi).
 */
export const api = (
  method: string,
  apiPath: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
) => callApi(apiUrl(), method, apiPath, opts);

/** What a file running the built add-on against the local stack works with (filled before its tests). */
export interface AddonOnStack {
  /** The built add-on (Code.js, Sidebar.html, ...), in a temporary folder removed after the file. */
  dist: string;
  /** Tokens: the planners Ana and Bo, and an admin who may also plan and sell. */
  ana: string;
  bo: string;
  admin: string;
}

/** Builds the add-on for this test file and mints its users' tokens (registers the file's hooks). */
export function addonOnStack(tmpPrefix: string): AddonOnStack {
  const env: AddonOnStack = { dist: '', ana: '', bo: '', admin: '' };
  beforeAll(async () => {
    env.dist = mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
    await buildAddon({ outDir: env.dist, apiUrl: '' });
    [env.ana, env.bo, env.admin] = await Promise.all([
      token({ email: 'ana@example.com', roles: ['planner'] }),
      token({ email: 'bo@example.com', roles: ['planner'] }),
      token({ email: 'admin@example.com', roles: ['admin', 'planner', 'commercial'] }),
    ]);
  });
  afterAll(() => rmSync(env.dist, { recursive: true, force: true }));
  return env;
}

/** The body of an API answer that must have `status` (the body shown when it has not). */
export function okApi(res: { status: number; body: any }, status = 200) {
  expect(res.status, JSON.stringify(res.body)?.slice(0, 600)).toBe(status);
  return res.body;
}

/** A tech pack (`overrides` on the fixture body) walked to `state`. */
export function createTechPack(tok: string, state = 'Commercial', overrides: Record<string, unknown> = {}) {
  const res = api('POST', '/v1/tech-packs', { token: tok, body: techPackBody(overrides) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const steps: string[] =
    (
      {
        Commercial: [],
        Design: ['Design'],
        Approval: ['Design', 'Approval'],
        ProductionReady: ['Design', 'Approval', 'ProductionReady'],
      } as Record<string, string[]>
    )[state] ?? [];
  let tp = res.body;
  for (const to of steps) {
    const moved = api('POST', `/v1/tech-packs/${tp.id}/transitions`, { token: tok, body: { to } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    tp = moved.body;
  }
  return tp;
}

/** The small order most add-on tests use: NAVY 10/20/30 and RED 5/5/5 over S/M/L (75 garments). */
export function smallMatrix() {
  return {
    sizes: ['S', 'M', 'L'],
    colors: ['NAVY', 'RED'],
    quantities: [
      [10, 20, 30],
      [5, 5, 5],
    ],
  };
}

/** A Draft order of smallMatrix(), due 2027-03-01, on a new tech pack walked to `state` (`body` overrides). */
export function createOrder(tok: string, state = 'ProductionReady', body: Record<string, unknown> = {}) {
  const tp = createTechPack(tok, state);
  const res = api('POST', '/v1/production-orders', {
    token: tok,
    body: { techPackId: tp.id, deliveryDate: '2027-03-01', matrix: smallMatrix(), ...body },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { tp, order: res.body };
}

export function snap(over: Partial<OrderSnapshot> = {}): OrderSnapshot {
  return {
    id: 'PO-000001',
    techPackId: 'TP-000001',
    styleCode: 'TEE-01',
    state: 'Draft',
    version: 3,
    deliveryDate: '2027-03-01',
    customer: null,
    sourceType: 'commercial',
    total: 75,
    updatedBy: 'ana@example.com',
    updatedAt: '2026-11-30T10:00:00.000Z',
    matrix: smallMatrix(),
    progress: { batched: 0, produced: 0, rejected: 0, missing: 0 },
    tolerance: { overPct: 5, underPct: 3, scope: 'color' },
    extraCutPct: 0,
    batches: [],
    materials: {
      bomRevision: 1,
      techPackBomRevision: 1,
      stale: false,
      lines: [{ material: 'FAB-JERSEY', variant: 'NAVY', uom: 'm', net: 72, gross: 75.6, purchase: 100 }],
    },
    sectionErrors: [],
    pulledAt: '2026-11-30T10:01:00.000Z',
    ...over,
  };
}
