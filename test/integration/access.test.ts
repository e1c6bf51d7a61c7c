import { SignJWT, generateKeyPair } from 'jose';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { keys } from '../../functions/store/keys.js';
import { api, token, tokens } from '../support/api.js';
import { createOrder, createTechPack, techPackBody } from '../support/fixtures.js';

let t: Awaited<ReturnType<typeof tokens>>;
beforeAll(async () => {
  t = await tokens();
});

describe('public routes', () => {
  it('serves health and the OpenAPI document without a token', async () => {
    expect((await api('GET', '/v1/health')).body).toEqual({ status: 'ok' });
    const spec = await api('GET', '/v1/openapi.json');
    expect(spec.status).toBe(200);
    expect(spec.body.openapi).toBe('3.1.0');
    for (const path of [
      '/v1/production-orders',
      '/v1/production-orders/{id}/matrix-edits',
      '/v1/tech-packs/{id}/transitions',
      '/v1/settings',
    ]) {
      expect(Object.keys(spec.body.paths)).toContain(path);
    }
    expect(
      spec.body.paths['/v1/production-orders/{id}'].patch.parameters.map((p: { name: string }) => p.name),
    ).toContain('If-Match');
  });

  it('answers 404 in the error shape for an unknown route and 405 for a wrong method', async () => {
    const res = await api('GET', '/v1/nothing-here', { token: t.viewer });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    expect((await api('DELETE', '/v1/tech-packs', { token: t.admin })).status).toBe(405);
  });
});

describe('authentication', () => {
  it('refuses a missing, forged, expired or foreign token with 401', async () => {
    expect((await api('GET', '/v1/production-orders')).status).toBe(401);
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ email: 'eve@example.com', roles: ['admin'] })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer('garmentflow-local')
      .setAudience('garmentflow-api')
      .setExpirationTime('1h')
      .sign(privateKey);
    expect((await api('GET', '/v1/production-orders', { token: forged })).status).toBe(401);
    const expired = await token({ email: 'old@example.com', roles: ['admin'], ttl: -60 });
    expect((await api('GET', '/v1/production-orders', { token: expired })).status).toBe(401);
    const res = await api('GET', '/v1/production-orders', { token: 'not.a.jwt' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
  });
});

describe('roles', () => {
  it('lets a viewer read but not write', async () => {
    const tp = await createTechPack(t.commercial);
    const o = await createOrder(t.commercial, tp.id);
    expect((await api('GET', `/v1/production-orders/${o.id}`, { token: t.viewer })).status).toBe(200);
    const writes = [
      api('POST', '/v1/tech-packs', { token: t.viewer, body: techPackBody() }),
      api('POST', '/v1/production-orders', { token: t.viewer, body: { techPackId: tp.id } }),
      api('PATCH', `/v1/production-orders/${o.id}`, {
        token: t.viewer,
        body: { notes: 'x' },
        headers: { 'if-match': '"1"' },
      }),
      api('POST', `/v1/production-orders/${o.id}/transitions`, {
        token: t.viewer,
        body: { action: 'cancel', reason: 'x' },
      }),
      api('POST', `/v1/production-orders/${o.id}/matrix-edits`, {
        token: t.viewer,
        body: { baseVersion: 1, edits: [{ color: 'NAVY', size: 'S', from: 0, to: 1 }] },
      }),
      api('PUT', '/v1/settings', { token: t.viewer, body: {} }),
    ];
    for (const res of await Promise.all(writes)) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    const after = await api('GET', `/v1/production-orders/${o.id}`, { token: t.viewer });
    expect(after.body.version).toBe(1);
  });

  it('keeps transitions for planners and admins, settings for admins', async () => {
    const tp = await createTechPack(t.commercial);
    const o = await createOrder(t.commercial, tp.id);
    expect(
      (
        await api('POST', `/v1/production-orders/${o.id}/transitions`, {
          token: t.commercial,
          body: { action: 'cancel', reason: 'x' },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await api('POST', `/v1/production-orders/${o.id}/transitions`, {
          token: t.logistics,
          body: { action: 'cancel', reason: 'x' },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await api('POST', `/v1/production-orders/${o.id}/transitions`, {
          token: t.admin,
          body: { action: 'cancel', reason: 'x' },
        })
      ).status,
    ).toBe(200);
    expect((await api('PUT', '/v1/settings', { token: t.planner, body: {} })).status).toBe(403);
    expect((await api('GET', '/v1/settings', { token: t.planner })).status).toBe(200);
  });

  it('gives a caller without a roles claim the roles an admin mapped to their email', async () => {
    const email = `mapped-${Date.now()}@example.com`;
    const noRoles = await token({ email, roles: [] });
    const before = await api('GET', '/v1/production-orders', { token: noRoles });
    expect(before.status).toBe(403);
    expect(before.body.error.message).toContain('no role');
    expect(
      (await api('PUT', `/v1/role-mappings/${email}`, { token: t.planner, body: { roles: ['viewer'] } })).status,
    ).toBe(403);
    const bad = await api('PUT', `/v1/role-mappings/${email}`, { token: t.admin, body: { roles: ['boss'] } });
    expect(bad.status).toBe(400);
    const put = await api('PUT', `/v1/role-mappings/${email}`, { token: t.admin, body: { roles: ['viewer'] } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ email, roles: ['viewer'], updatedBy: 'admin@example.com' });
    expect((await api('GET', '/v1/production-orders', { token: noRoles })).status).toBe(200);
    expect((await api('POST', '/v1/tech-packs', { token: noRoles, body: techPackBody() })).status).toBe(403);
    expect((await api('GET', `/v1/role-mappings/${email}`, { token: t.admin })).body.roles).toEqual(['viewer']);
  });
});

describe('Idempotency-Key', () => {
  it('returns the first response again for the same key and body, and writes once', async () => {
    const tp = await createTechPack(t.commercial);
    const key = `create-${Date.now()}`;
    const body = { techPackId: tp.id, deliveryDate: '2027-03-01' };
    const first = await api('POST', '/v1/production-orders', {
      token: t.commercial,
      body,
      headers: { 'idempotency-key': key },
    });
    const again = await api('POST', '/v1/production-orders', {
      token: t.commercial,
      body,
      headers: { 'idempotency-key': key },
    });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const list = await api('GET', `/v1/production-orders?techPackId=${tp.id}`, { token: t.viewer });
    expect(list.body.items).toHaveLength(1);
    const other = await api('POST', '/v1/production-orders', {
      token: t.commercial,
      body: { ...body, notes: 'different' },
      headers: { 'idempotency-key': key },
    });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // The record is kept in the table with a TTL 24 hours out (DynamoDB drops it after that).
    const doc = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: inject('dynamoEndpoint'),
        region: 'local',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    );
    const record = (
      await doc.send(
        new GetCommand({ TableName: inject('tableName'), Key: keys.idempotency('carla@example.com', key) }),
      )
    ).Item;
    expect(record?.status).toBe('done');
    expect(Math.abs(record!.expiresAt - (Date.now() / 1000 + 24 * 3600))).toBeLessThan(120);
    doc.destroy();
    // Keys belong to their caller: another caller's same key is a new request.
    const mine = await api('POST', '/v1/production-orders', {
      token: t.planner,
      body,
      headers: { 'idempotency-key': key },
    });
    expect(mine.status).toBe(201);
    expect(mine.body.id).not.toBe(first.body.id);
  });

  it('replays a refusal too, and under concurrency writes once with others told it is in flight', async () => {
    const tp = await createTechPack(t.commercial);
    const o = await createOrder(t.commercial, tp.id);
    const key = `plan-${Date.now()}`;
    const first = await api('POST', `/v1/production-orders/${o.id}/transitions`, {
      token: t.planner,
      body: { action: 'plan' },
      headers: { 'idempotency-key': key },
    });
    expect(first.status).toBe(409);
    const again = await api('POST', `/v1/production-orders/${o.id}/transitions`, {
      token: t.planner,
      body: { action: 'plan' },
      headers: { 'idempotency-key': key },
    });
    expect(again.status).toBe(409);
    expect(again.body.requestId).toBe(first.body.requestId);

    const raceKey = `race-${Date.now()}`;
    const body = { techPackId: tp.id, deliveryDate: '2027-03-01', notes: 'race' };
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        api('POST', '/v1/production-orders', { token: t.system, body, headers: { 'idempotency-key': raceKey } }),
      ),
    );
    const created = answers.filter((a) => a.status === 201);
    const inFlight = answers.filter((a) => a.status === 409);
    expect(created.length + inFlight.length).toBe(8);
    expect(new Set(created.map((a) => a.body.id)).size).toBe(1);
    for (const a of inFlight) expect(a.body.error.code).toBe('IDEMPOTENCY_IN_FLIGHT');
    const list = await api('GET', `/v1/production-orders?techPackId=${tp.id}`, { token: t.viewer });
    // List items are summaries (no notes): the tech pack's orders are `o` and the one created.
    expect(list.body.items.map((x: { id: string }) => x.id).sort()).toEqual([o.id, created[0].body.id].sort());
  });
});
