// The stream publisher (functions/publisher.ts) with a mocked EventBridge client: chunking, order,
// partial batch failure reporting.
import { PutEventsCommand, type PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { observability, SERVICES } from '../../functions/log.js';
import { createPublisher, entrySize, MAX_REQUEST_BYTES, type EventBridgeSender } from '../../functions/publisher.js';
import { captureStdout, emfMetricNames } from '../support/stdout.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

function record(seq: number, opts: { event?: unknown; eventName?: string } = {}) {
  const item: Record<string, unknown> = { pk: 'PO#PO-000001', sk: `H#${String(seq).padStart(10, '0')}`, version: seq };
  item.event =
    'event' in opts
      ? opts.event
      : {
          detailType: 'ProductionOrder.StateChanged',
          detail: {
            id: 'PO-000001',
            from: 'Draft',
            to: 'Planned',
            version: seq,
            actor: 'a',
            at: '2025-01-01T00:00:00Z',
            action: 'plan',
          },
        };
  if (item.event === undefined) delete item.event;
  return {
    eventID: `e${seq}`,
    eventName: opts.eventName ?? 'INSERT',
    dynamodb: { SequenceNumber: String(seq), NewImage: marshall(item) },
  };
}

const streamEvent = (records: unknown[]) => ({ Records: records }) as unknown as DynamoDBStreamEvent;

/** A client whose send() answers from `respond` and records every PutEvents request. */
function fakeClient(
  respond: (entries: NonNullable<PutEventsCommand['input']['Entries']>, call: number) => PutEventsCommandOutput | Error,
) {
  const calls: NonNullable<PutEventsCommand['input']['Entries']>[] = [];
  const send = vi.fn(async (command: PutEventsCommand) => {
    expect(command).toBeInstanceOf(PutEventsCommand);
    const entries = command.input.Entries ?? [];
    calls.push(entries);
    const out = respond(entries, calls.length - 1);
    if (out instanceof Error) throw out;
    return out;
  });
  return { client: { send } as unknown as EventBridgeSender, calls, send };
}

const ok = (entries: unknown[]): PutEventsCommandOutput => ({
  $metadata: {},
  FailedEntryCount: 0,
  Entries: entries.map((_, i) => ({ EventId: `id-${i}` })),
});
const seqOf = (entry: { Detail?: string }) => Number(JSON.parse(entry.Detail!).eventId.split('H#')[1]);

describe('publisher', () => {
  it('logs one summary line with the common keys and counts what it published (EMF)', async () => {
    process.env.LOG_LEVEL = 'INFO';
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    const { client } = fakeClient((entries) => ok(entries));
    const handler = createPublisher({ client, eventBusName: 'bus', obs: observability(SERVICES.publisher) });
    const { lines } = await captureStdout(() =>
      handler(streamEvent([record(1), record(2)]), { awsRequestId: 'lambda-1' }),
    );
    expect(lines.find((l) => l.message === 'published')).toMatchObject({
      level: 'INFO',
      service: 'garmentflow-publisher',
      requestId: 'lambda-1',
      coldStart: true,
      route: 'stream',
      status: 'ok',
      actor: 'publisher',
      published: 2,
      records: 2,
    });
    const emf = lines.filter((l) => l._aws);
    expect(emfMetricNames(emf)).toEqual(['EventsPublished']);
    expect(emf[0]).toMatchObject({ service: 'garmentflow-publisher', EventsPublished: 2 });
  });

  it('counts an invocation that stops at a record (PublishFailures, for its alarm)', async () => {
    process.env.LOG_LEVEL = 'INFO';
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    const { client } = fakeClient(() => new Error('EventBridge is down'));
    const handler = createPublisher({ client, eventBusName: 'bus', obs: observability(SERVICES.publisher) });
    const { result, lines } = await captureStdout(() => handler(streamEvent([record(1)]), { awsRequestId: 'l-2' }));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '1' }] });
    const emf = lines.filter((l) => l._aws);
    expect(emfMetricNames(emf).sort()).toEqual(['EventsPublished', 'PublishFailures']);
    expect(emf[0]).toMatchObject({ service: 'garmentflow-publisher', PublishFailures: 1, EventsPublished: 0 });
  });

  it('publishes outbox inserts in order, in PutEvents calls of at most 10, to its bus', async () => {
    const { client, calls } = fakeClient((entries) => ok(entries));
    const handler = createPublisher({ client, eventBusName: 'garmentflow-dev', log: quiet });
    const records = Array.from({ length: 23 }, (_, i) => record(i + 1));
    const res = await handler(streamEvent(records));
    expect(res).toEqual({ batchItemFailures: [] });
    expect(calls.map((c) => c.length)).toEqual([10, 10, 3]);
    expect(calls.flat().map(seqOf)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
    for (const e of calls.flat()) {
      expect(e.EventBusName).toBe('garmentflow-dev');
      expect(e.Source).toBe('garmentflow.production');
    }
  });

  it('skips records that announce nothing without calling EventBridge', async () => {
    const { client, send } = fakeClient((entries) => ok(entries));
    const handler = createPublisher({ client, eventBusName: 'bus', log: quiet });
    const res = await handler(
      streamEvent([
        record(1, { event: undefined }),
        record(2, { eventName: 'MODIFY' }),
        record(3, { eventName: 'REMOVE' }),
      ]),
    );
    expect(res).toEqual({ batchItemFailures: [] });
    expect(send).not.toHaveBeenCalled();
  });

  it('a failed entry: reports that record as the batch item failure and stops (nothing after it goes out)', async () => {
    const { client, calls } = fakeClient((entries, call) =>
      call === 1
        ? {
            $metadata: {},
            FailedEntryCount: 1,
            Entries: entries.map((_, i) =>
              i === 4 ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' } : { EventId: `x${i}` },
            ),
          }
        : ok(entries),
    );
    const handler = createPublisher({ client, eventBusName: 'bus', log: quiet });
    const res = await handler(streamEvent(Array.from({ length: 25 }, (_, i) => record(i + 1))));
    // second chunk holds records 11..20; its 5th entry (record 15) failed.
    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: '15' }] });
    expect(calls).toHaveLength(2);
  });

  it('a failed call: reports the first record of the chunk', async () => {
    const { client, calls } = fakeClient((entries, call) =>
      call === 0 ? ok(entries) : Object.assign(new Error('boom'), { name: 'InternalException' }),
    );
    const handler = createPublisher({ client, eventBusName: 'bus', log: quiet });
    const res = await handler(streamEvent(Array.from({ length: 12 }, (_, i) => record(i + 1))));
    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: '11' }] });
    expect(calls).toHaveLength(2);
  });

  it('a poison outbox record: publishes what came before it, then reports it (bisect + DLQ take over)', async () => {
    const { client, calls } = fakeClient((entries) => ok(entries));
    const handler = createPublisher({ client, eventBusName: 'bus', log: quiet });
    const res = await handler(streamEvent([record(1), record(2), record(3, { event: { detail: {} } }), record(4)]));
    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: '3' }] });
    expect(calls.flat().map(seqOf)).toEqual([1, 2]);
  });

  it('a poison record after a failed chunk reports the earlier failure', async () => {
    const { client } = fakeClient(() => new Error('down'));
    const handler = createPublisher({ client, eventBusName: 'bus', log: quiet });
    const res = await handler(streamEvent([record(1), record(2, { event: { detail: {} } })]));
    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: '1' }] });
  });

  it('keeps each request under the PutEvents size limit', async () => {
    const { client, calls } = fakeClient((entries) => ok(entries));
    const handler = createPublisher({ client, eventBusName: 'bus', log: quiet });
    const big = (seq: number) =>
      record(seq, {
        event: {
          detailType: 'ProductionOrder.MatrixChanged',
          detail: { id: 'PO-000001', version: seq, reason: 'x'.repeat(100 * 1024) },
        },
      });
    const res = await handler(streamEvent([big(1), big(2), big(3), big(4)]));
    expect(res).toEqual({ batchItemFailures: [] });
    expect(calls.length).toBeGreaterThanOrEqual(2);
    for (const c of calls) {
      const size = c.reduce(
        (n, e) => n + entrySize({ Source: e.Source!, DetailType: e.DetailType!, Detail: e.Detail! }),
        0,
      );
      expect(size).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    }
    expect(calls.flat().map(seqOf)).toEqual([1, 2, 3, 4]);
  });

  it('an empty batch is a no-op', async () => {
    const { client, send } = fakeClient((entries) => ok(entries));
    const res = await createPublisher({ client, eventBusName: 'bus', log: quiet })(streamEvent([]));
    expect(res).toEqual({ batchItemFailures: [] });
    expect(send).not.toHaveBeenCalled();
  });

  it('a record announcing several batches is published as one event each; if any fails, that record is retried whole', async () => {
    const batchIds = Array.from({ length: 12 }, (_, i) => `B-${String(i + 1).padStart(6, '0')}`);
    const generated = {
      detailType: 'ProductionBatch.StateChanged',
      detail: {
        id: batchIds[0],
        from: null,
        to: 'Planned',
        version: 1,
        actor: 'a',
        at: '2025-01-01T00:00:00Z',
        action: 'generate',
        orderId: 'PO-000001',
        batchIds,
      },
    };
    const records = [record(1), record(2, { event: generated }), record(3)];
    const { client, calls } = fakeClient((entries, call) => (call === 0 ? ok(entries) : new Error('throttled')));
    const handler = createPublisher({ client, eventBusName: 'bus', log: quiet });
    const res = await handler(streamEvent(records));
    // 1 + the first 9 batches went out in the first call; the call with the last 3 batches failed.
    expect(calls[0].map((e) => JSON.parse(e.Detail!).id)).toEqual(['PO-000001', ...batchIds.slice(0, 9)]);
    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: '2' }] });
    const ids = calls.flat().map((e) => JSON.parse(e.Detail!).eventId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
