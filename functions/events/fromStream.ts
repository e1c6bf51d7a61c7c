// Outbox -> EventBridge: turns the table's stream records into PutEvents entries.
//
// Every change writes a history item in the same transaction as the change; history items that
// announce something carry `event = { detailType, detail }` (shared/events.ts). Only INSERTs of such
// items become events: a history item is written once and never modified, so MODIFY/REMOVE (and
// the TTL expiry of idempotency records) never announce anything.
//
// Pure: no AWS clients. The Lambda publisher (functions/publisher.ts) sends the entries to
// EventBridge; the local stack can feed DynamoDB Local's stream records through the same function
// and append the entries to a file.
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { EVENT_SOURCE, type EventDetail } from '../../shared/events.js';

/** The part of a DynamoDB stream record this module reads: both the Lambda event shape and the
 *  DynamoDB Streams API (GetRecords) shape fit it. */
export interface StreamRecordLike {
  eventID?: string;
  eventName?: string;
  dynamodb?: {
    NewImage?: Record<string, unknown>;
    SequenceNumber?: string;
  };
}

/** One PutEvents request entry (the shape of the SDK's PutEventsRequestEntry, minus SDK types). */
export interface EventEntry {
  Source: string;
  DetailType: string;
  /** JSON: the event's detail plus `eventId`. */
  Detail: string;
  EventBusName?: string;
  Time?: Date;
}

/** What EventBridge consumers receive as `detail`. */
export type PublishedDetail = EventDetail & {
  /**
   * `${pk}/${sk}` of the history item (plus `/${batchId}` when one entry announces several
   * batches): stable across retries, so consumers can drop duplicates.
   */
  eventId: string;
};

export interface Announced {
  eventId: string;
  entry: EventEntry;
}

export type RecordOutcome =
  | { kind: 'event'; sequenceNumber: string | undefined; entries: Announced[] }
  | { kind: 'skip'; sequenceNumber: string | undefined }
  | { kind: 'invalid'; sequenceNumber: string | undefined; reason: string };

/** EventBridge refuses entries above 256 KB; keep a margin for the envelope. */
export const MAX_DETAIL_BYTES = 250 * 1024;

/**
 * Classifies one stream record: an `event` (with its PutEvents entry), a `skip` (not an outbox
 * insert: nothing to publish), or `invalid` (an outbox insert whose event cannot be published:
 * the caller must not silently drop it).
 */
export function outcomeOf(record: StreamRecordLike, eventBusName?: string): RecordOutcome {
  const sequenceNumber = record.dynamodb?.SequenceNumber;
  if (record.eventName !== 'INSERT') return { kind: 'skip', sequenceNumber };
  const image = record.dynamodb?.NewImage;
  if (!image || !('event' in image)) return { kind: 'skip', sequenceNumber };

  let item: Record<string, unknown>;
  try {
    item = unmarshall(image as Parameters<typeof unmarshall>[0]);
  } catch (err) {
    return { kind: 'invalid', sequenceNumber, reason: `image does not unmarshall: ${(err as Error).message}` };
  }
  const pk = item.pk;
  const sk = item.sk;
  if (typeof pk !== 'string' || typeof sk !== 'string')
    return { kind: 'invalid', sequenceNumber, reason: 'item has no string pk/sk' };
  const event = item.event as { detailType?: unknown; detail?: unknown } | null | undefined;
  if (!event || typeof event !== 'object') return { kind: 'invalid', sequenceNumber, reason: '`event` is not a map' };
  if (typeof event.detailType !== 'string' || event.detailType.length === 0) {
    return { kind: 'invalid', sequenceNumber, reason: '`event.detailType` is not a non-empty string' };
  }
  if (!event.detail || typeof event.detail !== 'object' || Array.isArray(event.detail)) {
    return { kind: 'invalid', sequenceNumber, reason: '`event.detail` is not a map' };
  }

  // One history entry may announce several batches (a generated plan is written as one entry):
  // each gets its own event, with its own stable id.
  const { batchIds, ...detail } = event.detail as EventDetail & { batchIds?: unknown };
  const announced: { eventId: string; detail: PublishedDetail }[] =
    event.detailType === 'ProductionBatch.StateChanged' && Array.isArray(batchIds) && batchIds.length > 0
      ? batchIds.map((id) => ({
          eventId: `${pk}/${sk}/${String(id)}`,
          detail: { ...detail, id: String(id), batchId: String(id), eventId: `${pk}/${sk}/${String(id)}` },
        }))
      : [{ eventId: `${pk}/${sk}`, detail: { ...detail, eventId: `${pk}/${sk}` } }];
  const entries: Announced[] = [];
  for (const a of announced) {
    const Detail = JSON.stringify(a.detail);
    if (Buffer.byteLength(Detail, 'utf8') > MAX_DETAIL_BYTES) {
      return { kind: 'invalid', sequenceNumber, reason: `detail is larger than ${MAX_DETAIL_BYTES} bytes` };
    }
    const entry: EventEntry = { Source: EVENT_SOURCE, DetailType: event.detailType, Detail };
    if (eventBusName) entry.EventBusName = eventBusName;
    const at = typeof a.detail.at === 'string' ? new Date(a.detail.at) : undefined;
    if (at && !Number.isNaN(at.getTime())) entry.Time = at;
    entries.push({ eventId: a.eventId, entry });
  }
  return { kind: 'event', sequenceNumber, entries };
}

/**
 * The entries of a batch of stream records, in stream order. Records that announce nothing are
 * left out; an invalid outbox record throws (use `outcomeOf` to handle them one by one).
 */
export function eventEntriesFromStream(records: readonly StreamRecordLike[], eventBusName?: string): EventEntry[] {
  const entries: EventEntry[] = [];
  for (const record of records) {
    const outcome = outcomeOf(record, eventBusName);
    if (outcome.kind === 'invalid')
      throw new Error(`invalid outbox record ${outcome.sequenceNumber ?? '?'}: ${outcome.reason}`);
    if (outcome.kind === 'event') entries.push(...outcome.entries.map((a) => a.entry));
  }
  return entries;
}

/** The JSON object the local stack appends to `events.ndjson`: the shape EventBridge delivers. */
export function toEnvelope(entry: EventEntry): {
  source: string;
  'detail-type': string;
  time: string | undefined;
  detail: PublishedDetail;
} {
  return {
    source: entry.Source,
    'detail-type': entry.DetailType,
    time: entry.Time?.toISOString(),
    detail: JSON.parse(entry.Detail) as PublishedDetail,
  };
}
