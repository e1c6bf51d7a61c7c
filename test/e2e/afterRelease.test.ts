// docs/after-release.md's walk-through (its blocks, in order), run as the README's is: bash and curl
// against a fresh local stack, every answer the document shows checked in order.
import { expect, it } from 'vitest';
import { expectInOrder, walkthroughOf } from '../support/walkthrough.js';

const walkthrough = walkthroughOf('docs/after-release.md');

it('the after-release walk-through amends, re-promises and tracks milestones with curl alone', async () => {
  const stdout = await walkthrough.run();
  const expectations = [
    // the scene
    '"milestoneTemplate":[{"key":"FABRIC-IN","name":"Fabric in house","daysBeforeDelivery":30}',
    '"state":"ProductionReady"',
    '"id":"PO-000001"',
    '"milestones":[{"key":"FABRIC-IN","name":"Fabric in house","due":"2027-04-03","done":null,"daysBeforeDelivery":30},' +
      '{"key":"PP-SAMPLE","name":"PP sample approved","due":"2027-04-12"',
    '"key":"EX-FACTORY","name":"Ex-factory","due":"2027-05-01"',
    '"state":"Released","version":3',
    '"id":"B-000001"',
    '"total":60',
    // Amend
    '"code":"VALIDATION_FAILED"',
    '"field":"reason"',
    '"code":"BELOW_BATCHED"',
    '"cells":[{"color":"NAVY","size":"M","batched":60,"requested":50}]',
    '"state":"Released","version":5',
    '"quantities":[[0,120,0],[0,50,0]]},"total":170',
    '"progress":{"batched":{"sizes":["S","M","L"],"colors":["NAVY","RED"],"quantities":[[0,60,0],[0,0,0]]}',
    '"pinned":true',
    '"variant":"NAVY"',
    '"net":144,"gross":151.2,"purchase":200',
    '"variant":"RED"',
    '"net":60,"gross":63,"purchase":100',
    '"action":"amend","from":"Released","to":"Released","version":5,"reason":"buyer added 20 NAVY/M"',
    '"color":"NAVY","size":"M"',
    // Re-promise
    '"version":6,"deliveryDate":"2027-05-17","originalDeliveryDate":"2027-05-03"',
    '"key":"FABRIC-IN","name":"Fabric in house","due":"2027-04-17"',
    '"key":"PP-SAMPLE","name":"PP sample approved","due":"2027-04-26"',
    '"key":"EX-FACTORY","name":"Ex-factory","due":"2027-05-15"',
    '"action":"repromise","from":"Released","to":"Released","version":6,"reason":"jersey two weeks late from the mill",' +
      '"details":{"deliveryDate":{"from":"2027-05-03","to":"2027-05-17"},"originalDeliveryDate":"2027-05-03",' +
      '"movedMilestones":["FABRIC-IN","PP-SAMPLE","EX-FACTORY"]}',
    // Milestones
    '"version":7',
    '"key":"FABRIC-IN","name":"Fabric in house","due":"2027-04-17","done":"2027-04-15"',
    '"field":"reason","message":"is required to move PP-SAMPLE later (from 2027-04-26 to 2027-04-30)"',
    '"version":8',
    '"key":"PP-SAMPLE","name":"PP sample approved","due":"2027-04-30","done":null',
    '{"items":[{"orderId":"PO-000001","styleCode":"TEE-001","key":"PP-SAMPLE","name":"PP sample approved",' +
      '"due":"2027-04-30","done":null,"deliveryDate":"2027-05-17"},{"orderId":"PO-000001","styleCode":"TEE-001",' +
      '"key":"EX-FACTORY","name":"Ex-factory","due":"2027-05-15","done":null,"deliveryDate":"2027-05-17"}],"nextCursor":"',
    '{"items":[],"nextCursor":null}',
    '{"items":[{"orderId":"PO-000001","styleCode":"TEE-001","key":"FABRIC-IN","name":"Fabric in house",' +
      '"due":"2027-04-17","done":"2027-04-15","deliveryDate":"2027-05-17"}],"nextCursor":null}',
  ];
  expectInOrder(stdout, expectations);
  // Nothing in the walk-through answered a 5xx.
  expect(stdout).not.toContain('"code":"INTERNAL');
});
