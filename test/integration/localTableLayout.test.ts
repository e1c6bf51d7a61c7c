// The local stack keeps its table in DATA_DIR across restarts. A table made by an older layout (an
// index with other keys or another projection) cannot be changed in place: ensureTable says so
// (what npm start prints) instead of serving lists from the wrong index; the same layout is reused.
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTableRequest } from '../../functions/store/tableDefinition.js';
import {
  ensureTable,
  freePort,
  LocalStackError,
  startDynamoLocal,
  type DynamoLocal,
} from '../../infra/local/dynamo.js';

let ddb: DynamoLocal;
let endpoint: string;

beforeAll(async () => {
  ddb = await startDynamoLocal({ port: await freePort(), dbPath: null });
  endpoint = ddb.endpoint;
}, 120_000);
afterAll(async () => ddb?.stop());

describe('ensureTable on a table kept from before', () => {
  it('reuses a table of the current layout', async () => {
    expect(await ensureTable(endpoint, 'current')).toBe('created');
    expect(await ensureTable(endpoint, 'current')).toBe('existing');
  });

  it('refuses, with the remedy, a table whose index has an older projection', async () => {
    const request = createTableRequest('older');
    const client = new DynamoDBClient({
      endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await client.send(
      new CreateTableCommand({
        ...request,
        GlobalSecondaryIndexes: request.GlobalSecondaryIndexes.map((ix) => ({
          ...ix,
          Projection: { ProjectionType: 'ALL' as const },
        })),
      }),
    );
    client.destroy();
    const refused = await ensureTable(endpoint, 'older').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LocalStackError);
    expect(String((refused as Error).message)).toMatch(/older layout.*fresh DATA_DIR/);
  });
});
