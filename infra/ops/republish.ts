// npm run republish -- --from 2026-11-30T00:00:00Z --to 2026-11-30T06:00:00Z [--dry-run]
//
// Puts the events of a time range on EventBridge again, from the table's history (the outbox: every
// history item that announces something carries its event, and history is never deleted). For an
// outage of the publisher, records it parked in PublisherDlq (the DLQ message names the stream's
// shard, sequence numbers and arrival times: pick the range around them), a consumer that lost
// events, or a new consumer catching up. Events keep their ids (`detail.eventId`), so consumers that
// already had one drop the repeat, as they do for the publisher's own retries.
//
// Cost: history items sit in their entity's partition (no index by time), so the range is found
// with one paginated Scan of the table, filtered server-side: an operator's one-off, run with the
// deployer's credentials (dynamodb:Scan on the table, events:PutEvents on the bus); no function is
// granted Scan. Read capacity is that of the whole table, once.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type AttributeValue, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import { outcomeOf, type Announced, type EventEntry } from '../../functions/events/fromStream.js';

export const usage = `usage: npm run republish -- --from ISO --to ISO [--dry-run] [--table name] [--bus name] [--region r]

Puts the events recorded in the table's history between --from (inclusive) and --to (exclusive)
on the event bus again, oldest first, with their original ids. Uses your AWS credentials.

  --from time     ISO 8601 time, e.g. 2026-11-30T00:00:00Z (required)
  --to time       ISO 8601 time (required), after --from
  --dry-run       list what would be sent, send nothing
  --table name    the table (default: TABLE_NAME; the stack output TableName)
  --bus name      the event bus (default: EVENT_BUS_NAME, else garmentflow-<--stage>)
  --stage stage   dev or prod (default prod), for the default bus name
  --region r      AWS region (default: AWS_REGION / your profile's)
  --endpoint url  a DynamoDB endpoint other than AWS's (DynamoDB Local)
  -h, --help      this help`;

export class UsageError extends Error {}

export interface Scanner {
  send(
    command: ScanCommand,
  ): Promise<{ Items?: Record<string, AttributeValue>[]; LastEvaluatedKey?: Record<string, AttributeValue> }>;
}
export interface EventSender {
  send(command: PutEventsCommand): Promise<PutEventsCommandOutput>;
}

export interface RepublishRequest {
  from: Date;
  to: Date;
  table: string;
  bus: string;
  dynamo: Scanner;
  eventBridge: EventSender;
  dryRun?: boolean;
  /** Attempts per PutEvents chunk for entries EventBridge failed (default 3). */
  attempts?: number;
}

export interface RepublishResult {
  /** History items in the range that announce an event. */
  found: number;
  /** Events sent (0 on a dry run). */
  sent: number;
  /** eventIds EventBridge still refused after the retries. */
  failed: string[];
  /** Outbox items that cannot become events (as the publisher would park them). */
  invalid: { key: string; reason: string }[];
  events: { eventId: string; detailType: string; at: string }[];
}

function parseTime(name: string, raw: string | undefined): Date {
  if (!raw) throw new UsageError(`--${name} is required`);
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(raw)) {
    throw new UsageError(`--${name} ${JSON.stringify(raw)} is not an ISO 8601 time (2026-11-30T06:00:00Z)`);
  }
  const d = new Date(raw);
  if (Number.isNaN(d.getTime())) throw new UsageError(`--${name} ${JSON.stringify(raw)} is not a valid time`);
  return d;
}

export function parseRange(from: string | undefined, to: string | undefined): { from: Date; to: Date } {
  const range = { from: parseTime('from', from), to: parseTime('to', to) };
  if (range.to <= range.from) throw new UsageError('--to must be after --from');
  return range;
}

/** Every history item of the range carrying an event, oldest first (then by key, as written). */
async function scanOutbox(req: RepublishRequest): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await req.dynamo.send(
      new ScanCommand({
        TableName: req.table,
        FilterExpression: 'begins_with(#sk, :h) AND attribute_exists(#event) AND #at >= :from AND #at < :to',
        ExpressionAttributeNames: { '#sk': 'sk', '#event': 'event', '#at': 'at' },
        ExpressionAttributeValues: {
          ':h': { S: 'H#' },
          ':from': { S: req.from.toISOString() },
          ':to': { S: req.to.toISOString() },
        },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  const key = (i: Record<string, AttributeValue>) => `${i.at?.S ?? ''}\n${i.pk?.S ?? ''}\n${i.sk?.S ?? ''}`;
  return items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export async function republish(req: RepublishRequest): Promise<RepublishResult> {
  const items = await scanOutbox(req);
  const announced: Announced[] = [];
  const invalid: RepublishResult['invalid'] = [];
  for (const item of items) {
    // The same function the publisher runs on the stream's records: the same entries, the same ids.
    const outcome = outcomeOf({ eventName: 'INSERT', dynamodb: { NewImage: item } }, req.bus);
    if (outcome.kind === 'event') announced.push(...outcome.entries);
    else if (outcome.kind === 'invalid') invalid.push({ key: `${item.pk?.S}/${item.sk?.S}`, reason: outcome.reason });
  }
  const events = announced.map((a) => ({
    eventId: a.eventId,
    detailType: a.entry.DetailType,
    at: a.entry.Time?.toISOString() ?? '',
  }));
  const result: RepublishResult = { found: items.length, sent: 0, failed: [], invalid, events };
  if (req.dryRun) return result;
  for (let i = 0; i < announced.length; i += 10) {
    let chunk = announced.slice(i, i + 10);
    for (let attempt = 1; chunk.length > 0; attempt++) {
      const out = await req.eventBridge.send(
        new PutEventsCommand({ Entries: chunk.map((a) => a.entry as EventEntry) }),
      );
      const results = out.Entries ?? [];
      const failed = out.FailedEntryCount ? chunk.filter((_, j) => !results[j]?.EventId || results[j]?.ErrorCode) : [];
      result.sent += chunk.length - failed.length;
      chunk = failed;
      if (failed.length && attempt >= (req.attempts ?? 3)) {
        result.failed.push(...failed.map((a) => a.eventId));
        break;
      }
    }
  }
  return result;
}

async function main(argv: string[]): Promise<number> {
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        'dry-run': { type: 'boolean' },
        table: { type: 'string' },
        bus: { type: 'string' },
        stage: { type: 'string' },
        region: { type: 'string' },
        endpoint: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      console.error(usage);
      return 0;
    }
    const { from, to } = parseRange(values.from, values.to);
    const table = values.table ?? process.env.TABLE_NAME;
    if (!table) throw new UsageError('--table is required (or TABLE_NAME): the stack output TableName');
    const stage = values.stage ?? 'prod';
    if (stage !== 'dev' && stage !== 'prod') throw new UsageError(`--stage ${stage}: use dev or prod`);
    const bus = values.bus ?? process.env.EVENT_BUS_NAME ?? `garmentflow-${stage}`;
    const endpoint = values.endpoint ?? process.env.DYNAMODB_ENDPOINT;
    const region = values.region;
    const dynamo = new DynamoDBClient({
      ...(region ? { region } : {}),
      ...(endpoint
        ? { endpoint, region: region ?? 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
        : {}),
      requestHandler: { connectionTimeout: 3_000, requestTimeout: 30_000 },
    });
    const eventBridge = new EventBridgeClient(region ? { region } : {});
    const result = await republish({ from, to, table, bus, dynamo, eventBridge, dryRun: values['dry-run'] });
    for (const e of result.events) console.log(JSON.stringify(e));
    for (const bad of result.invalid) console.error(`cannot be published: ${bad.key}: ${bad.reason}`);
    console.error(
      JSON.stringify({
        bus,
        from: from.toISOString(),
        to: to.toISOString(),
        dryRun: Boolean(values['dry-run']),
        events: result.events.length,
        sent: result.sent,
        failed: result.failed,
        invalid: result.invalid.length,
      }),
    );
    return result.failed.length || result.invalid.length ? 1 : 0;
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${(err as Error).message}\n${usage}`);
      return 2;
    }
    console.error(`republish failed: ${(err as Error).name}: ${(err as Error).message}`);
    return 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}
