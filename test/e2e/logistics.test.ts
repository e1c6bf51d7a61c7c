// docs/logistics.md's walk-through, run as the README's is (test/e2e/readme.test.ts): bash and curl
// against a fresh local stack, every answer the document shows checked in order.
import { expect, it } from 'vitest';
import { expectInOrder, walkthroughOf } from '../support/walkthrough.js';

const walkthrough = walkthroughOf('docs/logistics.md');

it('the logistics walk-through nets requirements across orders against supply, with curl alone', async () => {
  const stdout = await walkthrough.run();
  const expectations = [
    '"id":"TP-000001"',
    '"id":"PO-000001","techPackId":"TP-000001"',
    '"state":"ProductionReady"',
    '"id":"PO-000002"',
    '"state":"Planned"',
    '"material":"FAB-JERSEY","leadTimeDays":45',
    '"version":1',
    '{"items":[{"material":"FAB-JERSEY","variant":"NAVY","uom":"m","required":{"firm":252,"tentative":126},' +
      '"onHand":60,"onOrder":100,"net":218,"purchase":250,"needBy":"2027-03-18","orderBy":"2027-02-01","stale":false,' +
      '"orders":[{"id":"PO-000002","state":"Planned","deliveryDate":"2027-04-01","gross":252},' +
      '{"id":"PO-000001","state":"Draft","deliveryDate":"2027-05-03","gross":126}]}',
    '{"material":"FAB-JERSEY","variant":"RED","uom":"m","required":{"firm":0,"tentative":63},' +
      '"onHand":0,"onOrder":0,' +
      '"net":63,"purchase":100,"needBy":"2027-04-19","orderBy":"2027-03-05"',
    '{"material":"INK-PRINT","variant":"INK-WHITE","uom":"kg","required":{"firm":0,"tentative":1.1},' +
      '"onHand":0,"onOrder":0,' +
      '"net":1.1,"purchase":1.5,"needBy":"2027-04-19","orderBy":"2027-04-19"',
    '"nextCursor":null',
    '{"items":[{"material":"FAB-JERSEY","variant":"NAVY","uom":"m","required":{"firm":252,"tentative":0},' +
      '"onHand":60,"onOrder":100,"net":92,"purchase":100',
    '"code":"PRECONDITION_FAILED"',
    '"state":"Cancelled"',
    '{"items":[{"material":"FAB-JERSEY","variant":"NAVY","uom":"m","required":{"firm":252,"tentative":0}',
  ];
  expectInOrder(stdout, expectations);
  // After the cancel, the Draft's RED demand is gone: one line left for the material.
  const last = JSON.parse(stdout.slice(stdout.lastIndexOf('{"items"')));
  expect(last.items.map((l: { variant: string }) => l.variant)).toEqual(['NAVY']);
});
