import { beforeAll, describe, expect, it } from 'vitest';
import { api, tokens } from '../support/api.js';
import { createTechPack, moveTechPack, techPackBody } from '../support/fixtures.js';

let t: Awaited<ReturnType<typeof tokens>>;
beforeAll(async () => {
  t = await tokens();
});

describe('tech packs over HTTP', () => {
  it('creates one in Commercial with version 1, bomRevision 1 and an ETag', async () => {
    const res = await api('POST', '/v1/tech-packs', { token: t.commercial, body: techPackBody() });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ state: 'Commercial', version: 1, bomRevision: 1 });
    expect(res.body.id).toMatch(/^TP-\d{6}$/);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(res.headers.get('location')).toBe(`/v1/tech-packs/${res.body.id}`);
    const got = await api('GET', `/v1/tech-packs/${res.body.id}`, { token: t.viewer });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
  });

  it('names each bad field in a 400', async () => {
    const res = await api('POST', '/v1/tech-packs', {
      token: t.commercial,
      body: { name: '', sizes: ['S', 'S'], colors: [], bom: [{ material: 'X', uom: 'm', consumption: -1 }], extra: 1 },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const fields = res.body.error.details.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['extra', 'styleCode', 'name', 'sizes[1]', 'colors']));
    expect(res.body.requestId).toBeTruthy();
  });

  it('refuses invalid JSON with a 400 naming the body', async () => {
    const res = await api('POST', '/v1/tech-packs', { token: t.commercial, rawBody: '{"styleCode": ' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields[0].field).toBe('body');
  });

  it('walks the design states and refuses skipping one', async () => {
    const tp = await createTechPack(t.commercial);
    const skip = await api('POST', `/v1/tech-packs/${tp.id}/transitions`, {
      token: t.commercial,
      body: { to: 'ProductionReady' },
    });
    expect(skip.status).toBe(409);
    expect(skip.body.error.code).toBe('ILLEGAL_TRANSITION');
    const ready = await createTechPack(t.commercial, 'ProductionReady');
    expect(ready).toMatchObject({ state: 'ProductionReady', version: 4 });
    const reopen = await api('POST', `/v1/tech-packs/${ready.id}/transitions`, {
      token: t.commercial,
      body: { to: 'Design' },
    });
    expect(reopen.status).toBe(200);
    expect(reopen.body.state).toBe('Design');
    const bad = await api('POST', `/v1/tech-packs/${ready.id}/transitions`, {
      token: t.commercial,
      body: { to: 'Shipped' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields[0].field).toBe('to');
  });

  it('PATCH needs If-Match (428), refuses a stale one (412 with the current pack) and bumps bomRevision only for BOM changes', async () => {
    const tp = await createTechPack(t.commercial);
    const path = `/v1/tech-packs/${tp.id}`;
    const missing = await api('PATCH', path, { token: t.commercial, body: { name: 'Renamed' } });
    expect(missing.status).toBe(428);
    const renamed = await api('PATCH', path, {
      token: t.commercial,
      body: { name: 'Renamed' },
      headers: { 'if-match': '"1"' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Renamed', version: 2, bomRevision: 1 });
    const stale = await api('PATCH', path, {
      token: t.commercial,
      body: { name: 'Other' },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.body.error.details.current).toMatchObject({ name: 'Renamed', version: 2 });
    const bom = [{ material: 'FAB-RIB', uom: 'm', consumption: 0.2, wastagePct: 3 }];
    const rebommed = await api('PATCH', path, { token: t.commercial, body: { bom }, headers: { 'if-match': '"2"' } });
    expect(rebommed.status).toBe(200);
    expect(rebommed.body).toMatchObject({ version: 3, bomRevision: 2 });
    expect(rebommed.headers.get('etag')).toBe('"3"');
    const badBom = await api('PATCH', path, {
      token: t.commercial,
      body: { bom: [{ material: 'X', uom: 'm', consumption: { S: 1 } }] },
      headers: { 'if-match': '"3"' },
    });
    expect(badBom.status).toBe(400);
    expect(badBom.body.error.details.fields.map((f: { field: string }) => f.field)).toContain('bom[0].consumption');
  });

  it('in Approval and ProductionReady the spec is locked (409 TECH_PACK_LOCKED); name and season change', async () => {
    for (const state of ['Approval', 'ProductionReady']) {
      const tp = await createTechPack(t.commercial, state);
      const path = `/v1/tech-packs/${tp.id}`;
      const at = (v: number) => ({ 'if-match': `"${v}"` });
      const changes = [
        { sizes: ['L', 'M', 'S'] }, // another size order is a change too (the BOM covers the same sizes)
        { colors: [...tp.colors, { code: 'GREEN', name: 'Green' }] },
        { bom: [{ ...tp.bom[0], wastagePct: 9 }] },
        { iqTemplate: 'IQ-OTHER' },
      ];
      for (const body of changes) {
        const locked = await api('PATCH', path, { token: t.commercial, body, headers: at(tp.version) });
        expect(locked.status, JSON.stringify(locked.body)).toBe(409);
        const details = { state, fields: Object.keys(body), moveTo: 'Design' };
        expect(locked.body.error).toMatchObject({ code: 'TECH_PACK_LOCKED', details });
        expect(locked.body.error.message).toMatch(/back to Design/);
      }
      // the same spec sent back, with a new name and season: fine, and no new BOM revision
      const { sizes, colors, bom, iqTemplate } = tp;
      const body = { name: 'Renamed', season: 'AW27', sizes, colors, bom, iqTemplate };
      const renamed = await api('PATCH', path, { token: t.commercial, body, headers: at(tp.version) });
      expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
      expect(renamed.body).toMatchObject({
        name: 'Renamed',
        state,
        version: tp.version + 1,
        bomRevision: tp.bomRevision,
      });
      // back to Design, the spec changes again
      const design = await moveTechPack(t.commercial, tp.id, 'Design');
      const rebommed = await api('PATCH', path, { token: t.commercial, body: changes[2], headers: at(design.version) });
      expect(rebommed.status, JSON.stringify(rebommed.body)).toBe(200);
      expect(rebommed.body).toMatchObject({ state: 'Design', bomRevision: tp.bomRevision + 1 });
    }
  });

  it('only an approver (or an admin) signs off to ProductionReady; others keep the other moves', async () => {
    const tp = await createTechPack(t.commercial, 'Approval');
    for (const who of [t.commercial, t.planner]) {
      const refused = await api('POST', `/v1/tech-packs/${tp.id}/transitions`, {
        token: who,
        body: { to: 'ProductionReady' },
      });
      expect(refused.status).toBe(403);
      const message = expect.stringMatching(/Only an approver \(or an admin\)/);
      expect(refused.body.error).toMatchObject({ code: 'FORBIDDEN', message });
    }
    for (const who of [t.viewer, t.logistics, t.system]) {
      expect(
        (await api('POST', `/v1/tech-packs/${tp.id}/transitions`, { token: who, body: { to: 'ProductionReady' } }))
          .status,
      ).toBe(403);
    }
    const read = await api('GET', `/v1/tech-packs/${tp.id}`, { token: t.approver });
    expect(read.body).toMatchObject({ state: 'Approval', version: tp.version });
    // a rejection back to Design stays with planners and commercial; the approver signs off the second time
    await moveTechPack(t.planner, tp.id, 'Design');
    await moveTechPack(t.commercial, tp.id, 'Approval');
    const signed = await moveTechPack(t.approver, tp.id, 'ProductionReady');
    expect(signed).toMatchObject({ state: 'ProductionReady', version: tp.version + 3 });
    const reopened = await moveTechPack(t.planner, tp.id, 'Design');
    await moveTechPack(t.approver, tp.id, 'Approval');
    expect((await moveTechPack(t.admin, tp.id, 'ProductionReady')).version).toBe(reopened.version + 2);
    // an approver signs off; it does not write tech packs or orders
    expect((await api('POST', '/v1/tech-packs', { token: t.approver, body: techPackBody() })).status).toBe(403);
  });
  it('lists by state through the index, newest first, paged with an opaque cursor', async () => {
    const created = [];
    for (let i = 0; i < 3; i++) created.push(await createTechPack(t.commercial, 'Approval'));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = `/v1/tech-packs?state=Approval&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await api('GET', q, { token: t.viewer });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      for (const tp of res.body.items) expect(tp.state).toBe('Approval');
      seen.push(...res.body.items.map((x: { id: string }) => x.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    const mine = created.map((c) => c.id);
    expect(seen).toEqual(expect.arrayContaining(mine));
    expect(seen.filter((id) => mine.includes(id))).toEqual([...mine].reverse());
    const bad = await api('GET', '/v1/tech-packs?state=Nope', { token: t.viewer });
    expect(bad.status).toBe(400);
    const badCursor = await api('GET', '/v1/tech-packs?cursor=abc', { token: t.viewer });
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.details.fields[0].field).toBe('cursor');
  });

  it('answers 404 for a pack that does not exist', async () => {
    const res = await api('GET', '/v1/tech-packs/TP-999999', { token: t.viewer });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});
