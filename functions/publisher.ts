// DynamoDB Streams -> EventBridge: publishes the outbox (history items carrying `event`).
//
// Delivery is at least once and in stream order per shard:
// - entries go out in PutEvents calls of at most 10 (and under the request size limit), in order;
// - at the first failure (a throttled/failed entry, a failed call, or an outbox record that cannot
//   be published) the handler stops and reports that record's sequence number as the batch item
//   failure, so Lambda retries from there (`reportBatchItemFailures`) and nothing after it is
//   published out of order. Records before it are checkpointed.
// - after the event source mapping's retry attempts (with `bisectBatchOnError`) a poison record is
//   sent to the dead-letter queue and the shard moves on: one bad record never blocks the stream.
// Retries can re-send entries that already went out; consumers dedupe on `detail.eventId`.
import { EventBridgeClient, PutEventsCommand, type PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { outcomeOf, type EventEntry, type StreamRecordLike } from './events/fromStream.js';
import { METRIC_NAMES, MetricUnit, observability, SERVICES, type InvocationKeys, type Observability } from './log.js';

/** PutEvents takes at most 10 entries and 256 KB per request. */
export const MAX_ENTRIES_PER_CALL = 10;
export const MAX_REQUEST_BYTES = 256 * 1024;

export interface EventBridgeSender {
  send(command: PutEventsCommand): Promise<PutEventsCommandOutput>;
}

type LogMethod = (message: string, attributes: Record<string, unknown>) => void;

export interface PublisherOptions {
  client: EventBridgeSender;
  eventBusName: string;
  /** Logger and metrics (default: the publisher's own, functions/log.ts). */
  obs?: Observability;
  /** Replaces obs.logger (tests: a silent one). */
  log?: { info: LogMethod; warn: LogMethod; error: LogMethod };
}

interface Pending {
  sequenceNumber: string | undefined;
  eventId: string;
  entry: EventEntry;
}

/** Size of an entry as EventBridge counts it (UTF-8 bytes of its strings, 14 for the time). */
export function entrySize(entry: EventEntry): number {
  return 14 + Buffer.byteLength(entry.Source) + Buffer.byteLength(entry.DetailType) + Buffer.byteLength(entry.Detail);
}

export function createPublisher(options: PublisherOptions) {
  const { client, eventBusName, obs = observability(SERVICES.publisher), log = obs.logger } = options;
  const { metrics } = obs;
  /** Sends one chunk; answers the index of the first entry that did not go out, or -1. */
  async function put(chunk: Pending[], keys: InvocationKeys): Promise<number> {
    try {
      const out = await client.send(new PutEventsCommand({ Entries: chunk.map((p) => p.entry) }));
      if (!out.FailedEntryCount) return -1;
      const results = out.Entries ?? [];
      const failed = chunk.findIndex((_, i) => !results[i] || results[i].ErrorCode || !results[i].EventId);
      const first = Math.max(failed, 0);
      log.warn('PutEvents entries failed', {
        ...keys,
        failed: out.FailedEntryCount,
        entries: chunk.length,
        firstFailedEventId: chunk[first].eventId,
        errorCode: results[first]?.ErrorCode ?? 'no result',
        errorMessage: results[first]?.ErrorMessage ?? '',
      });
      return first;
    } catch (err) {
      log.warn('PutEvents call failed', {
        ...keys,
        entries: chunk.length,
        firstEventId: chunk[0].eventId,
        error: `${(err as Error).name}: ${(err as Error).message}`,
      });
      return 0;
    }
  }

  return async function handler(
    event: DynamoDBStreamEvent,
    context?: Pick<Context, 'awsRequestId'>,
  ): Promise<DynamoDBBatchResponse> {
    const started = performance.now();
    const keys: InvocationKeys = { ...obs.invocation(context?.awsRequestId), route: 'stream', actor: 'publisher' };
    const records = (event.Records ?? []) as StreamRecordLike[];
    let chunk: Pending[] = [];
    let chunkBytes = 0;
    let published = 0;

    const flush = async (): Promise<string | undefined | null> => {
      if (chunk.length === 0) return null;
      const failedAt = await put(chunk, keys);
      const sent = chunk;
      chunk = [];
      chunkBytes = 0;
      if (failedAt < 0) {
        published += sent.length;
        return null;
      }
      published += failedAt;
      return sent[failedAt].sequenceNumber;
    };
    /** The invocation's summary line and metric. */
    const done = (status: 'ok' | 'retry', extra: Record<string, unknown> = {}) => {
      const durationMs = Math.round((performance.now() - started) * 10) / 10;
      log.info('published', { ...keys, status, published, records: records.length, durationMs, ...extra });
      metrics.addMetric(METRIC_NAMES.eventsPublished, MetricUnit.Count, published);
      metrics.publishStoredMetrics();
    };
    const failure = (sequenceNumber: string | undefined): DynamoDBBatchResponse => {
      metrics.addMetric(METRIC_NAMES.publishFailures, MetricUnit.Count, 1);
      done('retry', { retryFrom: sequenceNumber ?? '(whole batch)' });
      // Without a sequence number Lambda cannot checkpoint: an empty identifier fails the whole batch.
      return { batchItemFailures: [{ itemIdentifier: sequenceNumber ?? '' }] };
    };

    for (const record of records) {
      const outcome = outcomeOf(record, eventBusName);
      if (outcome.kind === 'skip') continue;
      if (outcome.kind === 'invalid') {
        const earlier = await flush();
        if (earlier !== null) return failure(earlier);
        log.error('outbox record cannot be published', {
          ...keys,
          sequenceNumber: outcome.sequenceNumber ?? '?',
          reason: outcome.reason,
        });
        return failure(outcome.sequenceNumber);
      }
      // A record announcing several events is retried whole: consumers drop the repeats by eventId.
      for (const { eventId, entry } of outcome.entries) {
        const size = entrySize(entry);
        if (chunk.length === MAX_ENTRIES_PER_CALL || (chunk.length > 0 && chunkBytes + size > MAX_REQUEST_BYTES)) {
          const failedSeq = await flush();
          if (failedSeq !== null) return failure(failedSeq);
        }
        chunk.push({ sequenceNumber: outcome.sequenceNumber, eventId, entry });
        chunkBytes += size;
      }
    }
    const failedSeq = await flush();
    if (failedSeq !== null) return failure(failedSeq);
    done('ok');
    return { batchItemFailures: [] };
  };
}

// One client per container, reused across invocations.
const client = new EventBridgeClient({});

export const handler = createPublisher({ client, eventBusName: process.env.EVENT_BUS_NAME ?? 'default' });
