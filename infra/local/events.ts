// The local stand-in for "DynamoDB Streams -> publisher Lambda -> EventBridge": reads DynamoDB
// Local's stream of the table (the Streams API on the same endpoint) about every 500 ms, turns the
// records into events with the very function the AWS publisher uses (functions/events/fromStream.ts)
// and appends them to a file, one JSON object a line:
//
//   {"eventId":"PO#PO-000001/H#0000000001","source":"garmentflow.production",
//    "detail-type":"ProductionOrder.Created","time":"...","detail":{"id":"PO-000001",...}}
//
// It resumes where it left off across restarts (the last sequence number per shard is kept in a
// checkpoint file beside the events) and never writes an eventId twice (ids already in the file are
// loaded at start), so a crash between append and checkpoint does not duplicate lines.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { appendFile, rename, writeFile } from 'node:fs/promises';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import { outcomeOf, toEnvelope, type StreamRecordLike } from '../../functions/events/fromStream.js';

export interface EventPollerOptions {
  endpoint: string;
  tableName: string;
  /** The NDJSON file events are appended to. */
  file: string;
  /** Where the last sequence number per shard is kept; without it every start reads the stream from its oldest record (ids already in `file` are still skipped). */
  checkpointFile?: string;
  intervalMs?: number;
  /**
   * The table was just created: an existing file's lines and checkpoint belong to a table that no
   * longer exists (ids restart with it), so they neither dedupe nor resume anything.
   */
  freshTable?: boolean;
  /** Problems reading the stream (it keeps trying); default: stderr. */
  onError?: (message: string) => void;
  /** Tests substitute the stream client to play DynamoDB Local's failures. */
  clients?: {
    dynamo?: Pick<DynamoDBClient, 'send' | 'destroy'>;
    streams?: Pick<DynamoDBStreamsClient, 'send' | 'destroy'>;
  };
}

export interface EventPoller {
  file: string;
  /** Reads whatever the stream has now; answers how many events were appended. */
  pollNow(): Promise<number>;
  /** Stops polling after a last read, so changes made just before are not left behind. */
  stop(): Promise<void>;
}

interface Checkpoint {
  streamArn: string;
  shards: Record<string, string>;
}

interface ShardState {
  lastSequence?: string;
  iterator?: string;
  closed: boolean;
  /** Consecutive TrimmedDataAccessExceptions: DynamoDB Local throws them spuriously now and then. */
  trimmed: number;
}

/** Errors after which a shard's cursor is taken again rather than retried as it is. */
const STALE_ITERATOR = new Set(['ExpiredIteratorException', 'TrimmedDataAccessException']);

const REDISCOVER_EVERY = 20;

export async function startEventPoller(opts: EventPollerOptions): Promise<EventPoller> {
  const config = {
    endpoint: opts.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const dynamo = opts.clients?.dynamo ?? new DynamoDBClient(config);
  const streams = opts.clients?.streams ?? new DynamoDBStreamsClient(config);
  const intervalMs = opts.intervalMs ?? 500;
  const onError = opts.onError ?? ((m: string) => process.stderr.write(`events: ${m}\n`));

  const seen = opts.freshTable ? new Set<string>() : loadEventIds(opts.file);
  endTornLine(opts.file);
  const checkpoint = opts.freshTable ? undefined : loadCheckpoint(opts.checkpointFile);
  let streamArn: string | undefined;
  const shards = new Map<string, ShardState>();
  let polls = 0;
  let rediscover = false;
  let lastError: string | undefined;

  async function discover(): Promise<void> {
    if (!streamArn) {
      const table = await dynamo.send(new DescribeTableCommand({ TableName: opts.tableName }));
      streamArn = table.Table?.LatestStreamArn;
      if (!streamArn) throw new Error(`table ${opts.tableName} has no stream`);
    }
    const found: Shard[] = [];
    let start: string | undefined;
    do {
      const out = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }));
      found.push(...(out.StreamDescription?.Shards ?? []));
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    const resume = checkpoint?.streamArn === streamArn ? checkpoint.shards : {};
    for (const s of found) {
      if (s.ShardId && !shards.has(s.ShardId))
        shards.set(s.ShardId, { lastSequence: resume[s.ShardId], closed: false, trimmed: 0 });
    }
  }

  async function iteratorFor(shardId: string, state: ShardState): Promise<string | undefined> {
    if (state.lastSequence) {
      try {
        const out = await streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shardId,
            ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
            SequenceNumber: state.lastSequence,
          }),
        );
        return out.ShardIterator;
      } catch (err) {
        // Trimmed or unknown: read the shard from its start; ids already written are skipped.
        onError(
          `cannot resume shard ${shardId} after ${state.lastSequence} (${(err as Error).name}); reading it from the start`,
        );
      }
    }
    const out = await streams.send(
      new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    return out.ShardIterator;
  }

  async function readShard(shardId: string, state: ShardState): Promise<number> {
    let appended = 0;
    state.iterator ??= await iteratorFor(shardId, state);
    for (let rounds = 0; state.iterator && rounds < 50; rounds++) {
      let records: _Record[];
      try {
        const out = await streams.send(new GetRecordsCommand({ ShardIterator: state.iterator, Limit: 1000 }));
        records = out.Records ?? [];
        state.iterator = out.NextShardIterator;
        state.trimmed = 0;
        if (!out.NextShardIterator) state.closed = true;
      } catch (err) {
        const name = (err as Error).name;
        if (STALE_ITERATOR.has(name)) {
          // Take the cursor again, just after the last record read. DynamoDB Local sometimes answers
          // TrimmedDataAccessException for records that are still there (aws/aws-sdk-java#2923): a
          // second one in a row reads the shard from its start instead (ids already written are skipped).
          if (name === 'TrimmedDataAccessException' && ++state.trimmed >= 2) state.lastSequence = undefined;
          state.iterator = await iteratorFor(shardId, state);
          if (state.trimmed >= 3) throw err;
          continue;
        }
        if (name === 'ResourceNotFoundException') {
          // The shard (or its iterator) is gone: look the shards up again on the next poll.
          state.iterator = undefined;
          rediscover = true;
          return appended;
        }
        throw err;
      }
      if (records.length === 0) break;
      const lines: string[] = [];
      for (const record of records) {
        const outcome = outcomeOf(record as StreamRecordLike);
        if (outcome.kind === 'invalid')
          onError(`record ${outcome.sequenceNumber ?? '?'} cannot be published: ${outcome.reason}`);
        if (outcome.kind !== 'event') continue;
        for (const { eventId, entry } of outcome.entries) {
          if (seen.has(eventId)) continue;
          seen.add(eventId);
          lines.push(JSON.stringify({ eventId, ...toEnvelope(entry) }));
        }
      }
      if (lines.length) await appendFile(opts.file, `${lines.join('\n')}\n`);
      appended += lines.length;
      state.lastSequence = records[records.length - 1].dynamodb?.SequenceNumber ?? state.lastSequence;
      await saveCheckpoint();
    }
    return appended;
  }

  async function saveCheckpoint(): Promise<void> {
    if (!opts.checkpointFile || !streamArn) return;
    const data: Checkpoint = { streamArn, shards: {} };
    for (const [id, s] of shards) if (s.lastSequence) data.shards[id] = s.lastSequence;
    const tmp = `${opts.checkpointFile}.tmp`;
    await writeFile(tmp, JSON.stringify(data));
    await rename(tmp, opts.checkpointFile);
  }

  async function pollOnce(): Promise<number> {
    if (!streamArn || rediscover || polls % REDISCOVER_EVERY === 0 || [...shards.values()].every((s) => s.closed)) {
      rediscover = false;
      await discover();
    }
    polls++;
    let appended = 0;
    for (const [id, state] of shards) if (!state.closed) appended += await readShard(id, state);
    return appended;
  }

  // One poll at a time: the timer and pollNow() share it.
  let current: Promise<number> | undefined;
  const poll = (): Promise<number> => {
    current ??= pollOnce()
      .then((n) => {
        if (lastError) onError('reading the stream again');
        lastError = undefined;
        return n;
      })
      .catch((err) => {
        const message = `${(err as Error).name}: ${(err as Error).message}`;
        if (message !== lastError) onError(`reading the stream failed (${message}); retrying`);
        lastError = message;
        return 0;
      })
      .finally(() => (current = undefined));
    return current;
  };

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void poll().finally(schedule), intervalMs);
    timer.unref();
  };
  await poll();
  schedule();

  return {
    file: opts.file,
    pollNow: async () => {
      if (current) await current;
      return poll();
    },
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (current) await current;
      await poll();
      dynamo.destroy();
      streams.destroy();
    },
  };
}

/** A line torn by a crash: end it, so the next event starts on a line of its own. */
function endTornLine(file: string): void {
  if (!existsSync(file)) return;
  const text = readFileSync(file, 'utf8');
  if (text.length > 0 && !text.endsWith('\n')) appendFileSync(file, '\n');
}

function loadEventIds(file: string): Set<string> {
  const seen = new Set<string>();
  if (!existsSync(file)) return seen;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const id = (JSON.parse(line) as { eventId?: unknown }).eventId;
      if (typeof id === 'string') seen.add(id);
    } catch {
      // a torn last line from a crash: ignored
    }
  }
  return seen;
}

function loadCheckpoint(file: string | undefined): Checkpoint | undefined {
  if (!file || !existsSync(file)) return undefined;
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Checkpoint;
    return typeof data.streamArn === 'string' && data.shards && typeof data.shards === 'object' ? data : undefined;
  } catch {
    return undefined;
  }
}
