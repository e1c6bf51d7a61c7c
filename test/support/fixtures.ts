// Builders for integration tests: a tech pack, walked to a state, and an order against it.
import { expect } from 'vitest';
import { api, token } from './api.js';

let counter = 0;

export function techPackBody(overrides: Record<string, unknown> = {}) {
  counter += 1;
  return {
    styleCode: `TS-${process.pid}-${counter}`,
    name: 'Basic tee',
    season: 'SS27',
    sizes: ['S', 'M', 'L'],
    colors: [
      { code: 'NAVY', name: 'Navy' },
      { code: 'RED', name: 'Red' },
    ],
    bom: [
      {
        material: 'FAB-JERSEY',
        uom: 'm',
        consumption: { S: 1.1, M: 1.2, L: 1.35 },
        wastagePct: 5,
        variants: 'match',
        purchaseMultiple: 50,
      },
    ],
    // Created for the whole run by globalSetup.ts (a tech pack's template must exist).
    iqTemplate: 'IQ-TEE',
    ...overrides,
  };
}

const PATH_TO: Record<string, string[]> = {
  Commercial: [],
  Design: ['Design'],
  Approval: ['Design', 'Approval'],
  ProductionReady: ['Design', 'Approval', 'ProductionReady'],
};

let approverToken: Promise<string> | undefined;

/** An approver's token: only an approver (or an admin) signs a tech pack off to ProductionReady. */
export function approver(): Promise<string> {
  approverToken ??= token({ email: 'april@example.com', roles: ['approver'] });
  return approverToken;
}

/** A tech pack walked to `state` by `tok`; the sign-off to ProductionReady is made by an approver. */
export async function createTechPack(tok: string, state = 'Commercial', overrides: Record<string, unknown> = {}) {
  const res = await api('POST', '/v1/tech-packs', { token: tok, body: techPackBody(overrides) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  let tp = res.body;
  for (const to of PATH_TO[state]) {
    tp = await moveTechPack(to === 'ProductionReady' ? await approver() : tok, tp.id, to);
  }
  return tp;
}

export async function moveTechPack(token: string, id: string, to: string) {
  const res = await api('POST', `/v1/tech-packs/${id}/transitions`, { token, body: { to } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

export async function createOrder(token: string, techPackId: string, body: Record<string, unknown> = {}) {
  const res = await api('POST', '/v1/production-orders', {
    token,
    body: { techPackId, deliveryDate: '2027-03-01', ...body },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

export function matrix(quantities: number[][], sizes = ['S', 'M', 'L'], colors = ['NAVY', 'RED']) {
  return { sizes, colors, quantities };
}

export async function transition(token: string, orderId: string, body: Record<string, unknown>) {
  return api('POST', `/v1/production-orders/${orderId}/transitions`, { token, body });
}
