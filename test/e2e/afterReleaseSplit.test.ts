// docs/after-release.md's split walk-through, run as the README's is (test/e2e/readme.test.ts):
// bash and curl against a fresh local stack, every answer the document shows checked in order.
import { expect, it } from 'vitest';
import { expectInOrder, walkthroughOf } from '../support/walkthrough.js';

const walkthrough = walkthroughOf('docs/after-release.md', 'split');

it('the split walk-through moves un-batched quantity to a linked order, with curl alone', async () => {
  const stdout = await walkthrough.run();
  expectInOrder(stdout, [
    '"id":"TP-000001"',
    '"state":"ProductionReady"',
    '"id":"PO-000001"',
    '"state":"Released","version":3',
    '"id":"B-000001"',
    '"total":100',
    '"code":"BELOW_BATCHED"',
    'NAVY/M has 20 un-batched (asked 30)',
    '"details":{"cells":[{"color":"NAVY","size":"M","ordered":120,"batched":100,"available":20,"requested":30}],' +
      '"more":0}',
    '{"order":{"id":"PO-000001"',
    '"state":"Released","version":5',
    '"quantities":[[0,100,0],[0,0,0]]},"total":100',
    '"split":{"id":"PO-000002"',
    '"state":"Released","version":1,"deliveryDate":"2027-04-15","originalDeliveryDate":"2027-03-01",' +
      '"matrix":{"sizes":["M","L"],"colors":["NAVY","RED"],"quantities":[[20,0],[0,80]]},"total":100',
    '"releasedBomRevision":1',
    '"splitFrom":"PO-000001"}}',
    // The replay: the same answer again.
    '{"order":{"id":"PO-000001"',
    '"split":{"id":"PO-000002"',
    '"orderId":"PO-000002"',
    '"pinned":true',
    '"variant":"NAVY"',
    '"net":24,"gross":25.2,"purchase":50',
    '"variant":"RED"',
    '"net":108,"gross":113.4,"purchase":150',
    '"action":"split","from":"Released","to":"Released","version":5,"reason":"second vessel"',
    '"splitId":"PO-000002"',
    '"action":"create","from":null,"to":"Released","version":1,"reason":"second vessel"',
    '"splitFrom":"PO-000001"',
    '"fields":[{"field":"reason","message":"is required"}]',
  ]);
  // The replayed answer is the first one, byte for byte; nothing was split twice (no PO-000003).
  const answers = stdout.match(/\{"order":\{"id":"PO-000001".*?"splitFrom":"PO-000001"\}\}/g) ?? [];
  expect(answers).toHaveLength(2);
  expect(answers[1]).toBe(answers[0]);
  expect(stdout).not.toContain('PO-000003');
});
