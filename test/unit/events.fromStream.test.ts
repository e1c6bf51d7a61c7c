// Outbox stream records -> EventBridge entries (functions/events/fromStream.ts): pure, no AWS.
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  eventEntriesFromStream,
  MAX_DETAIL_BYTES,
  outcomeOf,
  toEnvelope,
  type StreamRecordLike,
} from '../../functions/events/fromStream.js';
import { EVENT_SOURCE, type OutboxEvent } from '../../shared/events.js';

const AT = '2025-03-01T10:00:00.000Z';

const outbox = (over: Partial<OutboxEvent['detail']> = {}): OutboxEvent => ({
  detailType: 'ProductionOrder.StateChanged',
  detail: {
    id: 'PO-000001',
    from: 'Draft',
    to: 'Planned',
    version: 3,
    actor: 'ana@example.com',
    at: AT,
    action: 'plan',
    orderId: 'PO-000001',
    techPackId: 'TP-000001',
    ...over,
  },
});

function historyInsert(seq: string, item: Record<string, unknown>, eventName = 'INSERT'): StreamRecordLike {
  return {
    eventID: `id-${seq}`,
    eventName,
    dynamodb: {
      SequenceNumber: seq,
      NewImage: marshall(item, { removeUndefinedValues: true }) as Record<string, unknown>,
    },
  };
}

const historyItem = (version: number, event: unknown = outbox({ version })) => ({
  pk: 'PO#PO-000001',
  sk: `H#${String(version).padStart(10, '0')}`,
  kind: 'History',
  entity: 'ProductionOrder',
  entityId: 'PO-000001',
  at: AT,
  actor: 'ana@example.com',
  action: 'plan',
  from: 'Draft',
  to: 'Planned',
  version,
  event,
});

describe('outcomeOf', () => {
  it('an INSERT of a history item with `event` becomes a PutEvents entry with a stable eventId', () => {
    const out = outcomeOf(historyInsert('100', historyItem(3)), 'garmentflow-dev');
    expect(out.kind).toBe('event');
    if (out.kind !== 'event') return;
    expect(out.sequenceNumber).toBe('100');
    expect(out.entries).toHaveLength(1);
    const [{ eventId, entry }] = out.entries;
    expect(eventId).toBe('PO#PO-000001/H#0000000003');
    expect(entry).toEqual({
      Source: EVENT_SOURCE,
      DetailType: 'ProductionOrder.StateChanged',
      Detail: expect.any(String),
      EventBusName: 'garmentflow-dev',
      Time: new Date(AT),
    });
    expect(JSON.parse(entry.Detail)).toEqual({
      ...outbox({ version: 3 }).detail,
      eventId: 'PO#PO-000001/H#0000000003',
    });
  });

  it('the same record gives the same entry (retries can be deduplicated)', () => {
    const r = historyInsert('100', historyItem(3));
    expect(outcomeOf(r)).toEqual(outcomeOf(structuredClone(r)));
  });

  it('without a bus name the entry has no EventBusName (the local stack)', () => {
    const out = outcomeOf(historyInsert('1', historyItem(1)));
    expect(out.kind === 'event' && 'EventBusName' in out.entries[0].entry).toBe(false);
  });

  it('skips MODIFY, REMOVE (TTL expiry), items without `event`, records without an image', () => {
    expect(outcomeOf(historyInsert('1', historyItem(1), 'MODIFY')).kind).toBe('skip');
    expect(outcomeOf(historyInsert('2', historyItem(1), 'REMOVE')).kind).toBe('skip');
    const { event: _event, ...withoutEvent } = historyItem(1);
    expect(outcomeOf(historyInsert('3', withoutEvent)).kind).toBe('skip');
    expect(outcomeOf(historyInsert('4', { pk: 'PO#PO-000001', sk: '#ENTITY', state: 'Draft' })).kind).toBe('skip');
    expect(outcomeOf({ eventName: 'INSERT', dynamodb: { SequenceNumber: '5' } }).kind).toBe('skip');
  });

  it('an outbox item whose event is malformed is invalid (never silently dropped)', () => {
    for (const bad of [
      { detail: {} },
      { detailType: '', detail: {} },
      { detailType: 'X.Y' },
      { detailType: 'X.Y', detail: [1] },
      'text',
    ]) {
      const out = outcomeOf(historyInsert('9', historyItem(1, bad)));
      expect(out.kind, JSON.stringify(bad)).toBe('invalid');
      expect(out.sequenceNumber).toBe('9');
    }
    expect(outcomeOf(historyInsert('9', { sk: 'H#1', event: outbox() })).kind).toBe('invalid');
  });

  it('a detail too large for EventBridge is invalid', () => {
    const out = outcomeOf(historyInsert('9', historyItem(1, outbox({ reason: 'x'.repeat(MAX_DETAIL_BYTES) }))));
    expect(out.kind).toBe('invalid');
  });

  it('reads DynamoDB numbers as numbers', () => {
    const out = outcomeOf(historyInsert('1', historyItem(12)));
    expect(out.kind === 'event' && JSON.parse(out.entries[0].entry.Detail).version).toBe(12);
  });

  it('a history entry announcing several batches (a generated plan) becomes one event per batch, each with its own stable id', () => {
    const generated: OutboxEvent & { detail: { batchIds: string[] } } = {
      detailType: 'ProductionBatch.StateChanged',
      detail: {
        id: 'B-000007',
        from: null,
        to: 'Planned',
        version: 1,
        actor: 'ana@example.com',
        at: AT,
        action: 'generate',
        orderId: 'PO-000001',
        techPackId: 'TP-000001',
        batchId: 'B-000007',
        batchIds: ['B-000007', 'B-000008', 'B-000009'],
      },
    };
    const out = outcomeOf(historyInsert('40', { ...historyItem(5), sk: 'H#0000000005#B-000007', event: generated }));
    expect(out.kind).toBe('event');
    if (out.kind !== 'event') return;
    expect(out.entries.map((e) => e.eventId)).toEqual(
      ['B-000007', 'B-000008', 'B-000009'].map((b) => `PO#PO-000001/H#0000000005#B-000007/${b}`),
    );
    const details = out.entries.map((e) => JSON.parse(e.entry.Detail));
    expect(details.map((d) => [d.id, d.batchId, d.from, d.to, d.orderId])).toEqual(
      ['B-000007', 'B-000008', 'B-000009'].map((b) => [b, b, null, 'Planned', 'PO-000001']),
    );
    for (const d of details) expect(d).not.toHaveProperty('batchIds');
    expect(out.entries.every((e) => e.entry.DetailType === 'ProductionBatch.StateChanged')).toBe(true);
  });
});

describe('eventEntriesFromStream', () => {
  it('keeps stream order and leaves out what announces nothing', () => {
    const entries = eventEntriesFromStream([
      historyInsert('1', historyItem(1)),
      historyInsert('2', { pk: 'PO#PO-000001', sk: '#ENTITY' }),
      historyInsert('3', historyItem(2)),
    ]);
    expect(entries.map((e) => JSON.parse(e.Detail).eventId)).toEqual([
      'PO#PO-000001/H#0000000001',
      'PO#PO-000001/H#0000000002',
    ]);
  });

  it('throws on an invalid outbox record', () => {
    expect(() => eventEntriesFromStream([historyInsert('7', historyItem(1, { detail: {} }))])).toThrow(/7/);
  });

  it('toEnvelope gives the shape EventBridge delivers (for events.ndjson)', () => {
    const [entry] = eventEntriesFromStream([historyInsert('1', historyItem(1))]);
    expect(toEnvelope(entry)).toEqual({
      source: 'garmentflow.production',
      'detail-type': 'ProductionOrder.StateChanged',
      time: AT,
      detail: { ...outbox({ version: 1 }).detail, eventId: 'PO#PO-000001/H#0000000001' },
    });
  });
});
