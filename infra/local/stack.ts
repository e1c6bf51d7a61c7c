// The whole local stack in one call: DynamoDB Local, the table, the signing key, the API, the
// events feed (the table's stream -> events.ndjson) and the replenishment schedule.
// `npm start` and the test suite both use it, so tests run against what a developer runs.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_TABLE_NAME } from '../../functions/store/tableDefinition.js';
import { loadOrCreateKeys, mintToken, type LocalKeys, type TokenRequest } from './auth.js';
import { ensureTable, LocalStackError, portIsFree, startDynamoLocal, type DynamoLocal } from './dynamo.js';
import { startEventPoller, type EventPoller } from './events.js';
import { createLocalServer } from './server.js';

export interface LocalStackOptions {
  /** A folder, or ':memory:' to keep nothing. */
  dataDir: string;
  port: number;
  dynamoPort: number;
  tableName?: string;
  /** Only errors on stdout (tests). */
  quiet?: boolean;
  /** Answers carry `x-dynamo-usage` (round trips and capacity): tests and the benchmark read it. */
  exposeDynamoUsage?: boolean;
  /** Keep DynamoDB's data in memory even when dataDir is a folder (tests: faster, key and events still on disk). */
  tablesInMemory?: boolean;
  /** Append every change event to `<dataDir>/events.ndjson` (a temp file with ':memory:'). Default: on. */
  events?: boolean;
  /** Run the replenishment job (the scheduled Lambda's handler) every this many seconds; 0 or absent: never. */
  replenishmentIntervalSeconds?: number;
}

export interface LocalStack {
  url: string;
  dataDir: string;
  dynamoEndpoint: string;
  tableName: string;
  tableCreated: boolean;
  keys: LocalKeys;
  /** Where the change events go (undefined when events are off). */
  eventsFile?: string;
  /** 0: the local replenishment schedule is off. */
  replenishmentIntervalSeconds: number;
  token(req: TokenRequest): Promise<string>;
  stop(): Promise<void>;
}

/** REPLENISHMENT_INTERVAL_SECONDS: unset -> 300, `0`/`off`/`false` -> off, else whole seconds. */
export function parseReplenishmentInterval(raw: string | undefined, fallback = 300): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const v = raw.trim().toLowerCase();
  if (v === 'off' || v === 'false' || v === 'no') return 0;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new LocalStackError(
      `REPLENISHMENT_INTERVAL_SECONDS must be a whole number of seconds, or 0/off to turn the schedule off (got ${JSON.stringify(raw)})`,
    );
  return n;
}

export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  // Lambda runs Node 22; locally Node 20 is supported, so the SDK's upgrade notice is only noise.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const tableName = opts.tableName ?? DEFAULT_TABLE_NAME;
  const inMemory = opts.dataDir === ':memory:';
  const dataDir = inMemory ? ':memory:' : path.resolve(opts.dataDir);
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  if (opts.port !== 0 && !(await portIsFree(opts.port))) {
    throw new LocalStackError(
      `Port ${opts.port} is taken, so the API cannot start there. Stop what uses it, or pick another: PORT=3001 npm start`,
    );
  }

  let dynamo: DynamoLocal | undefined;
  let server: http.Server | undefined;
  let events: EventPoller | undefined;
  try {
    dynamo = await startDynamoLocal({
      port: opts.dynamoPort,
      dbPath: inMemory || opts.tablesInMemory ? null : path.join(dataDir, 'dynamodb'),
    });
    const created = await ensureTable(dynamo.endpoint, tableName);
    const keys = await loadOrCreateKeys(dataDir);
    // Paging cursors are signed (functions/store/db.ts) with a key kept beside the signing key.
    process.env.CURSOR_SECRET ??= loadOrCreateCursorSecret(path.dirname(keys.file));
    if (opts.events !== false) {
      const file = inMemory
        ? path.join(os.tmpdir(), `garmentflow-events-${process.pid}-${Date.now()}.ndjson`)
        : path.join(dataDir, 'events.ndjson');
      events = await startEventPoller({
        endpoint: dynamo.endpoint,
        tableName,
        file,
        checkpointFile: inMemory ? undefined : path.join(dataDir, 'events.checkpoint.json'),
        freshTable: created === 'created',
      });
    }

    // The handler reads its configuration at module scope, exactly as in Lambda.
    process.env.TABLE_NAME = tableName;
    process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
    process.env.DYNAMODB_REQUEST_TIMEOUT_MS ??= '30000'; // a JVM on a busy laptop, not DynamoDB
    process.env.AWS_REGION ??= 'local';
    if (opts.quiet) process.env.LOG_LEVEL = 'ERROR';
    // EMF metrics are for CloudWatch: off locally unless asked for (POWERTOOLS_METRICS_DISABLED=false npm start).
    process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
    if (opts.exposeDynamoUsage) process.env.EXPOSE_DYNAMO_USAGE = '1';
    const { handler } = await import('../../functions/api.js');

    server = createLocalServer(handler as never, keys);
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(opts.port, '127.0.0.1', () => resolve());
    });
    const port = (server.address() as { port: number }).port;
    const runningDynamo = dynamo;
    const runningServer = server;
    const runningEvents = events;
    const schedule = await startReplenishmentSchedule(opts.replenishmentIntervalSeconds ?? 0);
    return {
      url: `http://localhost:${port}`,
      dataDir,
      dynamoEndpoint: dynamo.endpoint,
      tableName,
      tableCreated: created === 'created',
      keys,
      eventsFile: events?.file,
      replenishmentIntervalSeconds: opts.replenishmentIntervalSeconds ?? 0,
      token: (req) => mintToken(keys, req),
      stop: async () => {
        await schedule.stop();
        await new Promise<void>((resolve) => {
          runningServer.close(() => resolve());
          runningServer.closeAllConnections();
        });
        await runningEvents?.stop();
        await runningDynamo.stop();
      },
    };
  } catch (err) {
    server?.close();
    await events?.stop().catch(() => undefined);
    await dynamo?.stop();
    throw err;
  }
}

function loadOrCreateCursorSecret(dir: string): string {
  const file = path.join(dir, 'cursor-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** The AWS schedule's stand-in: calls the replenishment Lambda's own handler every `seconds`, never two runs at once. */
async function startReplenishmentSchedule(seconds: number): Promise<{ stop(): Promise<void> }> {
  if (seconds <= 0) return { stop: async () => undefined };
  const { handler } = await import('../../functions/replenishment.js');
  const budgetMs = Math.min(seconds * 1000, 15 * 60_000);
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = handler(undefined, { getRemainingTimeInMillis: () => budgetMs })
      .catch((err: Error) => process.stderr.write(`replenishment run failed: ${err.stack ?? err.message}\n`))
      .finally(() => (running = undefined));
  }, seconds * 1000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

export { LocalStackError };
