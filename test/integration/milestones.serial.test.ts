// Milestones (issue 14) over HTTP against DynamoDB Local: the settings' template, an order's
// milestones from its delivery date, re-promising moves the open ones, PUT marks done or re-dates
// (If-Match, a reason to move later), and the list across orders from the sharded index. Serial:
// it sets the factory's milestone template (and puts the settings back after).
import { beforeAll, describe, expect, it } from 'vitest';
import { api, tokens } from '../support/api.js';
import { createOrder, createTechPack, matrix, transition } from '../support/fixtures.js';
import { keepFactorySettings } from '../support/settings.js';

let t: Awaited<ReturnType<typeof tokens>>;
keepFactorySettings();

const TEMPLATE = [
  { key: 'FABRIC-IN', name: 'Fabric in house', daysBeforeDelivery: 30 },
  { key: 'PP-SAMPLE', name: 'PP sample approved', daysBeforeDelivery: 21 },
  { key: 'EX-FACTORY', name: 'Ex-factory', daysBeforeDelivery: 2 },
];

beforeAll(async () => {
  t = await tokens();
  const res = await api('PUT', '/v1/settings', { token: t.admin, body: { milestoneTemplate: TEMPLATE } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
});

const ok = async (p: Promise<{ status: number; body: any }>, status = 200) => {
  const res = await p;
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
};
const put = (id: string, key: string, version: number | undefined, body: unknown, token = t.planner) =>
  api('PUT', `/v1/production-orders/${id}/milestones/${key}`, {
    token,
    body,
    headers: version === undefined ? {} : { 'if-match': `"${version}"` },
  });
const list = (query: string, token = t.viewer) => ok(api('GET', `/v1/milestones?${query}`, { token }));

/** Every page of a list, following nextCursor. */
async function all(query: string, limit = 2) {
  const items: any[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: any = await list(`${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor && pages < 100);
  return items;
}

async function releasedOrder(deliveryDate: string) {
  const tp = await createTechPack(t.commercial, 'ProductionReady');
  const o = await createOrder(t.planner, tp.id, {
    deliveryDate,
    matrix: matrix([
      [0, 10, 0],
      [0, 0, 0],
    ]),
  });
  await ok(transition(t.planner, o.id, { action: 'plan' }));
  return ok(transition(t.planner, o.id, { action: 'release' }));
}

describe('milestones', () => {
  it('settings take the template; a new order gets its milestones due from its delivery date', async () => {
    const settings = await ok(api('GET', '/v1/settings', { token: t.viewer }));
    expect(settings.milestoneTemplate).toEqual(TEMPLATE);
    const tp = await createTechPack(t.commercial);
    const o = await createOrder(t.planner, tp.id, { deliveryDate: '2027-06-30' });
    expect(o.milestones).toEqual([
      { key: 'FABRIC-IN', name: 'Fabric in house', due: '2027-05-31', done: null, daysBeforeDelivery: 30 },
      { key: 'PP-SAMPLE', name: 'PP sample approved', due: '2027-06-09', done: null, daysBeforeDelivery: 21 },
      { key: 'EX-FACTORY', name: 'Ex-factory', due: '2027-06-28', done: null, daysBeforeDelivery: 2 },
    ]);
    // No delivery date yet: no due dates; setting one dates them.
    const undated = await createOrder(t.planner, tp.id, { deliveryDate: null });
    expect(undated.milestones.map((m: any) => m.due)).toEqual([null, null, null]);
    const dated = await ok(
      api('PATCH', `/v1/production-orders/${undated.id}`, {
        token: t.planner,
        body: { deliveryDate: '2027-07-31' },
        headers: { 'if-match': `"${undated.version}"` },
      }),
    );
    expect(dated.milestones.map((m: any) => m.due)).toEqual(['2027-07-01', '2027-07-10', '2027-07-29']);
  });

  it('PUT marks done, re-dates (a reason to move later), keeps If-Match semantics, and answers the order', async () => {
    const o = await releasedOrder('2027-08-31');
    const missing = await put(o.id, 'FABRIC-IN', undefined, { done: '2027-07-20' });
    expect(missing.status).toBe(428);
    const stale = await put(o.id, 'FABRIC-IN', o.version - 1, { done: '2027-07-20' });
    expect(stale.status).toBe(412);
    expect(stale.body.error.details.current.version).toBe(o.version);
    const done = await ok(put(o.id, 'FABRIC-IN', o.version, { done: '2027-07-20' }));
    expect(done.version).toBe(o.version + 1);
    expect(done.milestones[0]).toMatchObject({ key: 'FABRIC-IN', due: '2027-08-01', done: '2027-07-20' });
    const later = await put(o.id, 'PP-SAMPLE', done.version, { due: '2027-08-20' });
    expect(later.status).toBe(400);
    expect(later.body.error.details.fields.map((f: any) => f.field)).toEqual(['reason']);
    const moved = await ok(put(o.id, 'PP-SAMPLE', done.version, { due: '2027-08-20', reason: 'sample re-sewn' }));
    expect(moved.milestones[1]).toMatchObject({ due: '2027-08-20', done: null });
    // Earlier needs no reason.
    const earlier = await ok(put(o.id, 'EX-FACTORY', moved.version, { due: '2027-08-27' }));
    expect(earlier.milestones[2].due).toBe('2027-08-27');
    const unknown = await put(o.id, 'NO-SUCH', earlier.version, { done: '2027-07-20' });
    expect(unknown.status).toBe(404);
    const viewer = await put(o.id, 'EX-FACTORY', earlier.version, { done: '2027-07-20' }, t.viewer);
    expect(viewer.status).toBe(403);
    const history = await ok(api('GET', `/v1/production-orders/${o.id}/history?limit=100`, { token: t.viewer }));
    const entries = history.items.filter((h: any) => h.action === 'milestone');
    expect(entries).toMatchObject([
      { details: { key: 'FABRIC-IN', done: { from: null, to: '2027-07-20' } } },
      { reason: 'sample re-sewn', details: { key: 'PP-SAMPLE', due: { from: '2027-08-10', to: '2027-08-20' } } },
      { details: { key: 'EX-FACTORY', due: { from: '2027-08-29', to: '2027-08-27' } } },
    ]);
  });

  it('re-promising the delivery date moves the open milestones by as many days, not the done ones', async () => {
    const o = await releasedOrder('2027-09-30');
    const done = await ok(put(o.id, 'FABRIC-IN', o.version, { done: '2027-08-25' }));
    const redated = await ok(put(o.id, 'PP-SAMPLE', done.version, { due: '2027-09-05' }));
    const repromised = await ok(
      api('PATCH', `/v1/production-orders/${o.id}`, {
        token: t.planner,
        body: { deliveryDate: '2027-10-10', reason: 'buyer moved the ship date' },
        headers: { 'if-match': `"${redated.version}"` },
      }),
    );
    expect(repromised.milestones.map((m: any) => [m.key, m.due, m.done])).toEqual([
      ['FABRIC-IN', '2027-08-31', '2027-08-25'],
      ['PP-SAMPLE', '2027-09-15', null],
      ['EX-FACTORY', '2027-10-08', null],
    ]);
    const history = await ok(api('GET', `/v1/production-orders/${o.id}/history?limit=100`, { token: t.viewer }));
    expect(history.items.at(-1)).toMatchObject({
      action: 'repromise',
      details: { movedMilestones: ['PP-SAMPLE', 'EX-FACTORY'] },
    });
  });

  it('GET /v1/milestones lists open milestones across orders soonest first, paged; done and closed orders drop out', async () => {
    // Far in the future so no other file's orders fall in the window.
    const a = await releasedOrder('2031-03-31');
    const b = await releasedOrder('2031-03-20');
    const c = await releasedOrder('2031-04-10');
    const window = 'dueBefore=2031-05-01';
    const mine = (items: any[]) => items.filter((m) => [a.id, b.id, c.id].includes(m.orderId));
    const firstPass = mine(await all(window));
    expect(firstPass.map((m) => m.due)).toEqual([...firstPass.map((m) => m.due)].sort());
    expect(firstPass).toHaveLength(9);
    expect(firstPass[0]).toEqual({
      orderId: b.id,
      styleCode: b.styleCode,
      key: 'FABRIC-IN',
      name: 'Fabric in house',
      due: '2031-02-18',
      done: null,
      deliveryDate: '2031-03-20',
    });
    // dueBefore is exclusive: a's FABRIC-IN, due on 2031-03-01, is not before it.
    const early = mine(await all('dueBefore=2031-03-01', 50));
    expect(early.map((m) => [m.orderId, m.key, m.due])).toEqual([
      [b.id, 'FABRIC-IN', '2031-02-18'],
      [b.id, 'PP-SAMPLE', '2031-02-27'],
    ]);
    // Done: out of the open list, into open=false.
    await ok(put(a.id, 'FABRIC-IN', a.version, { done: '2031-02-27' }));
    expect(mine(await all(window)).filter((m) => m.orderId === a.id)).toHaveLength(2);
    const done = mine(await all(`${window}&open=false`, 50));
    expect(done.map((m) => [m.orderId, m.key, m.done])).toEqual([[a.id, 'FABRIC-IN', '2031-02-27']]);
    // Cancelled: all of its milestones drop out.
    await ok(transition(t.planner, c.id, { action: 'cancel', reason: 'buyer cancelled' }));
    const after = mine(await all(window, 3));
    expect(after.map((m) => m.orderId)).not.toContain(c.id);
    expect(after).toHaveLength(5);
    expect(mine(await all(`${window}&open=false`, 50))).toHaveLength(1);
    // A re-promise moves the listed due dates too.
    const bNow = await ok(api('GET', `/v1/production-orders/${b.id}`, { token: t.viewer }));
    await ok(
      api('PATCH', `/v1/production-orders/${b.id}`, {
        token: t.planner,
        body: { deliveryDate: '2031-04-20', reason: 'late trims' },
        headers: { 'if-match': `"${bNow.version}"` },
      }),
    );
    const moved = mine(await all(window, 50)).filter((m) => m.orderId === b.id);
    expect(moved.map((m) => [m.key, m.due, m.deliveryDate])).toEqual([
      ['FABRIC-IN', '2031-03-21', '2031-04-20'],
      ['PP-SAMPLE', '2031-03-30', '2031-04-20'],
      ['EX-FACTORY', '2031-04-18', '2031-04-20'],
    ]);
  });

  it('refuses bad queries and cursors from another query', async () => {
    expect((await api('GET', '/v1/milestones?dueBefore=2031-02-30', { token: t.viewer })).status).toBe(400);
    expect((await api('GET', '/v1/milestones?open=yes', { token: t.viewer })).status).toBe(400);
    await releasedOrder('2031-06-30');
    const page = await list('dueBefore=2031-07-01&limit=1');
    expect(page.nextCursor).toEqual(expect.any(String));
    const other = await api(
      'GET',
      `/v1/milestones?dueBefore=2031-08-01&cursor=${encodeURIComponent(page.nextCursor)}`,
      {
        token: t.viewer,
      },
    );
    expect(other.status).toBe(400);
    expect(other.body.error.code).toBe('INVALID_CURSOR');
  });

  it('a Completed order drops its milestones from the list', async () => {
    const o = await releasedOrder('2032-01-31');
    const before = (await all('dueBefore=2032-02-01', 50)).filter((m) => m.orderId === o.id);
    expect(before).toHaveLength(3);
    const batch = await ok(
      api('POST', `/v1/production-orders/${o.id}/batches`, {
        token: t.planner,
        body: {
          matrix: matrix([
            [0, 10, 0],
            [0, 0, 0],
          ]),
        },
      }),
      201,
    );
    const path = `/v1/production-orders/${o.id}/batches/${batch.id}/transitions`;
    await ok(api('POST', path, { token: t.planner, body: { action: 'start' } }));
    const finish = {
      action: 'finish',
      produced: matrix([
        [0, 10, 0],
        [0, 0, 0],
      ]),
      rejected: matrix([
        [0, 0, 0],
        [0, 0, 0],
      ]),
    };
    await ok(api('POST', path, { token: t.planner, body: finish }));
    await ok(transition(t.planner, o.id, { action: 'complete' }));
    const after = (await all('dueBefore=2032-02-01', 50)).filter((m) => m.orderId === o.id);
    expect(after).toEqual([]);
  });
});
