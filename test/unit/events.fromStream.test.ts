// Outbox stream records -> EventBridge entries (functions/events/fromStream.ts): pure, no AWS.
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { eventEntriesFromStream, MAX_DETAIL_BYTES, outcomeOf, toEnvelope, type StreamRecordLike } from '../../functions/events/fromStream.js';
import { EVENT_SOURCE, type OutboxEvent } from '../../shared/events.js';

const AT = '2025-03-01T10:00:00.000Z';

const outbox = (over: Partial<OutboxEvent['detail']> = {}): OutboxEvent => ({
  detailType: 'ProductionOrder.StateChanged',
  detail: { id: 'PO-000001', from: 'Draft', to: 'Planned', version: 3, actor: 'ana@example.com', at: AT, action: 'plan', orderId: 'PO-000001', techPackId: 'TP-000001', ...over },
});

function historyInsert(seq: string, item: Record<string, unknown>, eventName = 'INSERT'): StreamRecordLike {
  return {
    eventID: `id-${seq}`,
    eventName,
    dynamodb: { SequenceNumber: seq, NewImage: marshall(item, { removeUndefinedValues: true }) as Record<string, unknown> },
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
    expect(out.eventId).toBe('PO#PO-000001/H#0000000003');
    expect(out.entry).toEqual({
      Source: EVENT_SOURCE,
      DetailType: 'ProductionOrder.StateChanged',
      Detail: expect.any(String),
      EventBusName: 'garmentflow-dev',
      Time: new Date(AT),
    });
    expect(JSON.parse(out.entry.Detail)).toEqual({ ...outbox({ version: 3 }).detail, eventId: 'PO#PO-000001/H#0000000003' });
  });

  it('the same record gives the same entry (retries can be deduplicated)', () => {
    const r = historyInsert('100', historyItem(3));
    expect(outcomeOf(r)).toEqual(outcomeOf(structuredClone(r)));
  });

  it('without a bus name the entry has no EventBusName (the local stack)', () => {
    const out = outcomeOf(historyInsert('1', historyItem(1)));
    expect(out.kind === 'event' && 'EventBusName' in out.entry).toBe(false);
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
    for (const bad of [{ detail: {} }, { detailType: '', detail: {} }, { detailType: 'X.Y' }, { detailType: 'X.Y', detail: [1] }, 'text']) {
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
    expect(out.kind === 'event' && JSON.parse(out.entry.Detail).version).toBe(12);
  });
});

describe('eventEntriesFromStream', () => {
  it('keeps stream order and leaves out what announces nothing', () => {
    const entries = eventEntriesFromStream([
      historyInsert('1', historyItem(1)),
      historyInsert('2', { pk: 'PO#PO-000001', sk: '#ENTITY' }),
      historyInsert('3', historyItem(2)),
    ]);
    expect(entries.map((e) => JSON.parse(e.Detail).eventId)).toEqual(['PO#PO-000001/H#0000000001', 'PO#PO-000001/H#0000000002']);
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
