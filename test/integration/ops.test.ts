// The operator's one-off commands against DynamoDB Local: the first admin (npm run grant-admin) and
// republishing events from history (npm run republish). EventBridge is the one part played by a
// recording client: AWS cannot run here.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { describe, expect, inject, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/stack.js';
import { republish, parseRange, UsageError as RangeUsageError } from '../../infra/ops/republish.js';
import { api, token } from '../support/api.js';
import { createTechPack, moveTechPack } from '../support/fixtures.js';

const run = promisify(execFile);
const dynamoEndpoint = () => inject('dynamoEndpoint');
const tableName = () => inject('tableName');

async function grantAdminCli(...args: string[]) {
  try {
    const out = await run(process.execPath, ['--import', 'tsx', 'infra/ops/grantAdmin.ts', ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, TABLE_NAME: '', DYNAMODB_ENDPOINT: '' },
    });
    return { code: 0, stdout: out.stdout, stderr: out.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npm run grant-admin', () => {
  it('makes a Google account admin through the role mapping the API reads; its other roles stay', async () => {
    const email = `first-admin-${process.pid}@example.com`;
    const noRoles = await token({ email, roles: [] });
    expect((await api('GET', '/v1/role-mappings', { token: noRoles })).status).toBe(403);

    const admin = await token({ email: 'admin@example.com', roles: ['admin'] });
    const put = await api('PUT', `/v1/role-mappings/${email}`, { token: admin, body: { roles: ['planner'] } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);

    const out = await grantAdminCli(
      '--email',
      email.toUpperCase(),
      '--table',
      tableName(),
      '--endpoint',
      dynamoEndpoint(),
    );
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({
      granted: email,
      roles: ['planner', 'admin'],
      before: ['planner'],
      table: tableName(),
    });

    // The same person now manages roles through the API.
    expect((await api('GET', '/v1/role-mappings', { token: noRoles })).status).toBe(200);
    const mapping = await api('GET', `/v1/role-mappings/${email}`, { token: noRoles });
    expect(mapping.body).toMatchObject({
      email,
      roles: ['planner', 'admin'],
      updatedBy: expect.stringMatching(/^grant-admin:/),
    });
  });

  it('refuses a missing table, a bad address and unknown options with the usage', async () => {
    const noTable = await grantAdminCli('--email', 'ana@example.com');
    expect(noTable.code).toBe(2);
    expect(noTable.stderr).toMatch(/--table is required/);
    const bad = await grantAdminCli('--email', 'ana@@example.com', '--table', 't', '--endpoint', dynamoEndpoint());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/is not an e-mail address/);
    expect((await grantAdminCli('--email', 'a@b.co', '--admin-client', 'x')).code).toBe(2);
  });
});

describe('npm run republish', () => {
  /** A recording EventBridge: every PutEvents call, answering success (or failing the first entries). */
  function eventBridge(failFirst = 0) {
    const calls: PutEventsCommand['input'][] = [];
    let toFail = failFirst;
    return {
      calls,
      client: {
        send: async (command: PutEventsCommand) => {
          calls.push(command.input);
          const entries = command.input.Entries ?? [];
          const results = entries.map((_, i) =>
            i < toFail ? { ErrorCode: 'ThrottlingException' } : { EventId: `e-${calls.length}-${i}` },
          );
          const failed = Math.min(toFail, entries.length);
          toFail -= failed;
          return { FailedEntryCount: failed, Entries: results, $metadata: {} };
        },
      },
    };
  }
  const dynamo = () =>
    new DynamoDBClient({
      endpoint: dynamoEndpoint(),
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });

  it('puts the events of a time range on the bus again, oldest first, with their ids; none outside it', async () => {
    const planner = await token({ email: 'ana@example.com', roles: ['planner'] });
    const before = new Date(Date.now() - 1);
    const tp = await createTechPack(planner, 'Design');
    await new Promise((r) => setTimeout(r, 5));
    const middle = new Date();
    await new Promise((r) => setTimeout(r, 5));
    await moveTechPack(planner, tp.id, 'Approval');
    const after = new Date(Date.now() + 1);
    const ours = <T extends { eventId: string }>(ids: T[]) => ids.filter((e) => e.eventId.startsWith(`TP#${tp.id}/`));

    const bus = eventBridge();
    const all = await republish({
      from: before,
      to: after,
      table: tableName(),
      bus: 'garmentflow-test',
      dynamo: dynamo(),
      eventBridge: bus.client,
    });
    expect(ours(all.events).map((e) => e.detailType)).toEqual([
      'TechPack.Created',
      'TechPack.StateChanged',
      'TechPack.StateChanged',
    ]);
    expect(all.failed).toEqual([]);
    expect(all.sent).toBe(all.events.length);
    const sent = bus.calls.flatMap((c) => c.Entries ?? []);
    expect(sent).toHaveLength(all.events.length);
    expect(bus.calls.every((c) => (c.Entries ?? []).length <= 10)).toBe(true);
    const mine = sent.filter((e) => JSON.parse(e.Detail!).eventId.startsWith(`TP#${tp.id}/`));
    expect(mine.map((e) => [e.EventBusName, e.Source, JSON.parse(e.Detail!).id])).toEqual(
      Array(3).fill(['garmentflow-test', 'garmentflow.production', tp.id]),
    );
    expect(mine.map((e) => JSON.parse(e.Detail!).to)).toEqual(['Commercial', 'Design', 'Approval']);
    const times = all.events.map((e) => e.at);
    expect([...times].sort()).toEqual(times);

    // Only the later part of the range: the last transition alone.
    const late = await republish({
      from: middle,
      to: after,
      table: tableName(),
      bus: 'b',
      dynamo: dynamo(),
      eventBridge: eventBridge().client,
      dryRun: true,
    });
    expect(ours(late.events).map((e) => e.detailType)).toEqual(['TechPack.StateChanged']);
    const early = await republish({
      from: new Date(before.getTime() - 60_000),
      to: before,
      table: tableName(),
      bus: 'b',
      dynamo: dynamo(),
      eventBridge: eventBridge().client,
      dryRun: true,
    });
    expect(ours(early.events)).toEqual([]);
  });

  it('a dry run sends nothing; refused entries are retried, then reported', async () => {
    const planner = await token({ email: 'ana@example.com', roles: ['planner'] });
    const from = new Date(Date.now() - 1);
    await createTechPack(planner);
    const to = new Date(Date.now() + 1);
    const dry = eventBridge();
    const listed = await republish({
      from,
      to,
      table: tableName(),
      bus: 'b',
      dynamo: dynamo(),
      eventBridge: dry.client,
      dryRun: true,
    });
    expect(listed.events.length).toBeGreaterThan(0);
    expect(listed.sent).toBe(0);
    expect(dry.calls).toEqual([]);

    const flaky = eventBridge(1);
    const retried = await republish({
      from,
      to,
      table: tableName(),
      bus: 'b',
      dynamo: dynamo(),
      eventBridge: flaky.client,
    });
    expect(retried.failed).toEqual([]);
    expect(retried.sent).toBe(listed.events.length);
    const down = eventBridge(1_000);
    const refused = await republish({
      from,
      to,
      table: tableName(),
      bus: 'b',
      dynamo: dynamo(),
      eventBridge: down.client,
      attempts: 2,
    });
    expect(refused.failed.length).toBe(listed.events.length);
    expect(refused.sent).toBe(0);
  });

  it('reads the range strictly', () => {
    expect(parseRange('2026-11-30T00:00:00Z', '2026-11-30T06:00:00Z').to.toISOString()).toBe(
      '2026-11-30T06:00:00.000Z',
    );
    expect(() => parseRange('yesterday', '2026-11-30T06:00:00Z')).toThrow(RangeUsageError);
    expect(() => parseRange('2026-11-30T06:00:00Z', '2026-11-30T00:00:00Z')).toThrow(/after --from/);
    expect(() => parseRange(undefined, '2026-11-30T00:00:00Z')).toThrow(/--from is required/);
  });
});
