// Races for real: many concurrent requests against DynamoDB Local through the HTTP API.
import { beforeAll, describe, expect, it } from 'vitest';
import { api, tokens } from '../support/api.js';
import { createOrder, createTechPack, matrix, transition } from '../support/fixtures.js';

let t: Awaited<ReturnType<typeof tokens>>;
beforeAll(async () => {
  t = await tokens();
});

describe('concurrent writers', () => {
  it('20 concurrent PATCHes with the same If-Match: exactly one wins, the rest get 412', async () => {
    const tp = await createTechPack(t.commercial);
    const o = await createOrder(t.planner, tp.id);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => api('PATCH', `/v1/production-orders/${o.id}`, { token: t.planner, body: { notes: `writer ${i}` }, headers: { 'if-match': '"1"' } })),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(19);
    const winner = answers.find((a) => a.status === 200)!;
    const now = await api('GET', `/v1/production-orders/${o.id}`, { token: t.viewer });
    expect(now.body).toMatchObject({ version: 2, notes: winner.body.notes });
    const history = await api('GET', `/v1/production-orders/${o.id}/history`, { token: t.viewer });
    expect(history.body.items.map((h: { action: string }) => h.action)).toEqual(['create', 'update']);
  });

  it('10 concurrent plans: exactly one wins, the rest get 409', async () => {
    const tp = await createTechPack(t.commercial, 'ProductionReady');
    const o = await createOrder(t.planner, tp.id, { matrix: matrix([[5, 5, 5], [5, 5, 5]]) });
    const answers = await Promise.all(Array.from({ length: 10 }, () => transition(t.planner, o.id, { action: 'plan' })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    const losers = answers.filter((a) => a.status !== 200);
    expect(losers).toHaveLength(9);
    for (const l of losers) {
      expect(l.status).toBe(409);
      expect(['ILLEGAL_TRANSITION', 'CONCURRENT_UPDATE']).toContain(l.body.error.code);
    }
    const history = await api('GET', `/v1/production-orders/${o.id}/history`, { token: t.viewer });
    expect(history.body.items.map((h: { action: string }) => h.action)).toEqual(['create', 'plan']);
  });

  it('concurrent matrix edits of different cells all land; none is lost', async () => {
    const tp = await createTechPack(t.commercial);
    const sizes = ['XS', 'S', 'M', 'L', 'XL'];
    const o = await createOrder(t.planner, tp.id, { matrix: matrix([[0, 0, 0, 0, 0], [0, 0, 0, 0, 0]], sizes) });
    const cells = sizes.flatMap((size) => ['NAVY', 'RED'].map((color) => ({ color, size })));
    const answers = await Promise.all(
      cells.map((c, i) => api('POST', `/v1/production-orders/${o.id}/matrix-edits`, { token: t.planner, body: { baseVersion: 1, edits: [{ ...c, from: 0, to: i + 1 }] } })),
    );
    const ok = answers.filter((a) => a.status === 200).length;
    const busy = answers.filter((a) => a.status === 409 && a.body.error.code === 'CONCURRENT_UPDATE').length;
    expect(ok + busy).toBe(cells.length);
    const now = await api('GET', `/v1/production-orders/${o.id}`, { token: t.viewer });
    expect(now.body.version).toBe(1 + ok);
    // Every accepted edit is in the matrix.
    answers.forEach((a, i) => {
      if (a.status !== 200) return;
      const { color, size } = cells[i];
      expect(now.body.matrix.quantities[now.body.matrix.colors.indexOf(color)][sizes.indexOf(size)]).toBe(i + 1);
    });
    expect(ok).toBeGreaterThanOrEqual(cells.length / 2);
  });
});
