// The whole local stack in one call: DynamoDB Local, the table, the signing key, the API.
// `npm start` and the test suite both use it, so tests run against what a developer runs.
import { mkdirSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { DEFAULT_TABLE_NAME } from '../tableDefinition.js';
import { loadOrCreateKeys, mintToken, type LocalKeys, type TokenRequest } from './auth.js';
import { ensureTable, LocalStackError, portIsFree, startDynamoLocal, type DynamoLocal } from './dynamo.js';
import { createLocalServer } from './server.js';

export interface LocalStackOptions {
  /** A folder, or ':memory:' to keep nothing. */
  dataDir: string;
  port: number;
  dynamoPort: number;
  tableName?: string;
  /** Only errors on stdout (tests). */
  quiet?: boolean;
  /** Keep DynamoDB's data in memory even when dataDir is a folder (tests: faster, key and events still on disk). */
  tablesInMemory?: boolean;
}

export interface LocalStack {
  url: string;
  dataDir: string;
  dynamoEndpoint: string;
  tableName: string;
  tableCreated: boolean;
  keys: LocalKeys;
  token(req: TokenRequest): Promise<string>;
  stop(): Promise<void>;
}

export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  const tableName = opts.tableName ?? DEFAULT_TABLE_NAME;
  const inMemory = opts.dataDir === ':memory:';
  const dataDir = inMemory ? ':memory:' : path.resolve(opts.dataDir);
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  if (opts.port !== 0 && !(await portIsFree(opts.port))) {
    throw new LocalStackError(`Port ${opts.port} is taken, so the API cannot start there. Stop what uses it, or pick another: PORT=3001 npm start`);
  }

  let dynamo: DynamoLocal | undefined;
  let server: http.Server | undefined;
  try {
    dynamo = await startDynamoLocal({ port: opts.dynamoPort, dbPath: inMemory || opts.tablesInMemory ? null : path.join(dataDir, 'dynamodb') });
    const created = await ensureTable(dynamo.endpoint, tableName);
    const keys = await loadOrCreateKeys(dataDir);

    // The handler reads its configuration at module scope, exactly as in Lambda.
    process.env.TABLE_NAME = tableName;
    process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
    process.env.AWS_REGION ??= 'local';
    if (opts.quiet) process.env.LOG_LEVEL = 'ERROR';
    const { handler } = await import('../../functions/api.js');

    server = createLocalServer(handler as never, keys);
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(opts.port, '127.0.0.1', () => resolve());
    });
    const port = (server.address() as { port: number }).port;
    const runningDynamo = dynamo;
    const runningServer = server;
    return {
      url: `http://localhost:${port}`,
      dataDir,
      dynamoEndpoint: dynamo.endpoint,
      tableName,
      tableCreated: created === 'created',
      keys,
      token: (req) => mintToken(keys, req),
      stop: async () => {
        await new Promise<void>((resolve) => {
          runningServer.close(() => resolve());
          runningServer.closeAllConnections();
        });
        await runningDynamo.stop();
      },
    };
  } catch (err) {
    server?.close();
    await dynamo?.stop();
    throw err;
  }
}

export { LocalStackError };
