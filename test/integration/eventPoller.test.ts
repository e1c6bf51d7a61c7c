// The local events poller on a table of its own (same DynamoDB Local as the stack): it resumes from
// its checkpoint across restarts, never writes an eventId twice, and skips what announces nothing.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDBStreamsClient, GetRecordsCommand } from '@aws-sdk/client-dynamodb-streams';
import { ensureTable } from '../../infra/local/dynamo.js';
import { startEventPoller } from '../../infra/local/events.js';
import { createDocumentClient, Db } from '../../functions/store/db.js';
import { Store } from '../../functions/store/store.js';

const table = `gf-poller-${process.pid}-${Date.now()}`;
let dir: string;
let store: Store;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gf-poller-'));
  await ensureTable(inject('dynamoEndpoint'), table);
  store = new Store(new Db(createDocumentClient(inject('dynamoEndpoint')), table));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A tech pack history entry announcing a state change (what every write puts in its transaction). */
async function announce(id: string, version: number) {
  const entry = {
    at: new Date().toISOString(),
    actor: 'test',
    action: 'transition',
    from: 'Commercial',
    to: 'Design',
    version,
  };
  await store.db.transact([store.historyPut('TechPack', id, id, entry, { techPackId: id })]);
}

const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('the local events poller', () => {
  it('appends events once, resumes after a restart, and dedupes without its checkpoint', async () => {
    const file = path.join(dir, 'events.ndjson');
    const checkpointFile = path.join(dir, 'events.checkpoint.json');
    const opts = {
      endpoint: inject('dynamoEndpoint'),
      tableName: table,
      file,
      checkpointFile,
      intervalMs: 100,
      onError: () => undefined,
    };

    await announce('TP-000001', 1);
    await store.db.transact([{ Put: { TableName: table, Item: { pk: 'X', sk: 'no-event' } } }]); // not an outbox item
    let poller = await startEventPoller(opts);
    await poller.pollNow();
    await announce('TP-000001', 2);
    await poller.pollNow();
    await poller.stop();
    expect(lines(file).map((l) => l.eventId)).toEqual(['TP#TP-000001/H#0000000001', 'TP#TP-000001/H#0000000002']);
    expect(lines(file)[0]).toMatchObject({
      source: 'garmentflow.production',
      'detail-type': 'TechPack.StateChanged',
      detail: { id: 'TP-000001', from: 'Commercial', to: 'Design', version: 1, techPackId: 'TP-000001' },
    });
    expect(JSON.parse(readFileSync(checkpointFile, 'utf8')).streamArn).toContain(table);

    // written while the poller was down: picked up after the restart, from the checkpoint
    await announce('TP-000002', 1);
    poller = await startEventPoller(opts);
    await poller.stop();
    expect(lines(file).map((l) => l.eventId)).toEqual([
      'TP#TP-000001/H#0000000001',
      'TP#TP-000001/H#0000000002',
      'TP#TP-000002/H#0000000001',
    ]);

    // checkpoint lost: the stream is read from its start again, and nothing is written twice
    rmSync(checkpointFile);
    await announce('TP-000003', 1);
    poller = await startEventPoller(opts);
    await poller.stop();
    const ids = lines(file).map((l) => l.eventId);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
    expect(ids.at(-1)).toBe('TP#TP-000003/H#0000000001');
  });

  it('recovers when DynamoDB Local answers TrimmedDataAccessException or ExpiredIteratorException for a live iterator', async () => {
    const file = path.join(dir, 'flaky.ndjson');
    const real = new DynamoDBStreamsClient({
      endpoint: inject('dynamoEndpoint'),
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const failures: string[] = [];
    const streams = {
      send: ((command: unknown) => {
        if (command instanceof GetRecordsCommand && failures.length) {
          const name = failures.shift()!;
          return Promise.reject(Object.assign(new Error(`${name} (injected)`), { name }));
        }
        return real.send(command as never);
      }) as DynamoDBStreamsClient['send'],
      destroy: () => real.destroy(),
    };
    const errors: string[] = [];
    const poller = await startEventPoller({
      endpoint: inject('dynamoEndpoint'),
      tableName: table,
      file,
      intervalMs: 60_000,
      onError: (m) => errors.push(m),
      clients: { streams },
    });
    const before = lines(file).length;
    await announce('TP-000010', 1);
    failures.push('TrimmedDataAccessException'); // once: the cursor is taken again after the last record read
    await poller.pollNow();
    await announce('TP-000010', 2);
    failures.push('TrimmedDataAccessException', 'TrimmedDataAccessException'); // twice in a row: the shard is read from its start
    await poller.pollNow();
    await announce('TP-000010', 3);
    failures.push('ExpiredIteratorException');
    await poller.pollNow();
    failures.push('TrimmedDataAccessException', 'TrimmedDataAccessException', 'TrimmedDataAccessException'); // gives up for this poll...
    await announce('TP-000010', 4);
    await poller.pollNow();
    expect(errors.some((m) => m.includes('TrimmedDataAccessException'))).toBe(true);
    await poller.pollNow(); // ...and the next poll delivers
    await poller.stop();
    const ids = lines(file).map((l) => l.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => id.startsWith('TP#TP-000010/'))).toEqual(
      [1, 2, 3, 4].map((v) => `TP#TP-000010/H#000000000${v}`),
    );
    expect(ids.length - before).toBeGreaterThanOrEqual(4);
  });

  it('ends a line torn by a crash before appending, and a fresh table ignores old ids', async () => {
    const file = path.join(dir, 'torn.ndjson');
    writeFileSync(file, '{"eventId":"TP#TP-000001/H#0000000001"}\n{"eventId":"TP#TP-0000');
    const poller = await startEventPoller({
      endpoint: inject('dynamoEndpoint'),
      tableName: table,
      file,
      intervalMs: 100,
      freshTable: true,
      onError: () => undefined,
    });
    await poller.stop();
    const text = readFileSync(file, 'utf8').split('\n');
    expect(text[1]).toBe('{"eventId":"TP#TP-0000');
    // freshTable: the old file's ids belong to another table, so this table's first event is written
    expect(
      text
        .slice(2)
        .filter(Boolean)
        .map((l) => JSON.parse(l).eventId),
    ).toContain('TP#TP-000001/H#0000000001');
  });
});
