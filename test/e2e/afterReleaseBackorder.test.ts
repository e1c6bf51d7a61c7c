// docs/after-release.md's backorder walk-through, run as the README's is (test/e2e/readme.test.ts):
// bash and curl against a fresh local stack, every answer the document shows checked in order.
import { it } from 'vitest';
import { expectInOrder, walkthroughOf } from '../support/walkthrough.js';

const walkthrough = walkthroughOf('docs/after-release.md', 'backorder');

it('the backorder walk-through short-closes an order and opens a Draft for the shortfall', async () => {
  const stdout = await walkthrough.run();
  expectInOrder(stdout, [
    '"id":"TP-000001"',
    '"state":"ProductionReady"',
    '"id":"PO-000001"',
    '"state":"Released"',
    '"id":"B-000001"',
    '"state":"Finished"',
    '"produced":{"sizes":["M","L"],"colors":["NAVY"],"quantities":[[85,50]]}',
    '"code":"OUT_OF_TOLERANCE"',
    '"groups":[{"color":"NAVY","ordered":150,"produced":135,"min":146,"max":158}]',
    '"fields":[{"field":"backorder"',
    '{"id":"PO-000001"',
    '"state":"Completed"',
    '"backorderId":"PO-000002"}',
    '{"id":"PO-000002"',
    '"state":"Draft","version":1,"deliveryDate":"2027-03-01"',
    '"matrix":{"sizes":["M"],"colors":["NAVY"],"quantities":[[15]]},"total":15',
    '"backorderOf":"PO-000001"}',
    '"action":"shortClose","from":"InProgress","to":"Completed"',
    '"reason":"M fabric flaw"',
    '"backorderId":"PO-000002"',
    '"action":"create","from":null,"to":"Draft","version":1,"reason":"M fabric flaw"',
    '"backorderOf":"PO-000001"',
  ]);
});
