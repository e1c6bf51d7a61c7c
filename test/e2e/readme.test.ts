// The README's walk-through, run as a newcomer would: bash and curl against a fresh local stack.
import { expect, it } from 'vitest';
import { expectInOrder, walkthroughOf } from '../support/walkthrough.js';

const walkthrough = walkthroughOf('README.md');

it('the README walk-through takes an order from Draft to Completed with curl alone', async () => {
  const stdout = await walkthrough.run();
  const expectations = [
    '"id":"TP-000001"',
    '"state":"Commercial"',
    '"id":"PO-000001"',
    '"quantities":[[0,0,0],[0,0,0]]',
    '"quantities":[[0,120,0],[0,0,80]]',
    '"total":200',
    '"code":"TECH_PACK_NOT_READY"',
    '"state":"ProductionReady"',
    '"state":"Planned","version":3',
    '"state":"Released","version":4',
    '"releasedBomRevision":1',
    '"pinned":true',
    '"variant":"NAVY"',
    '"net":144,"gross":151.2,"purchase":200',
    '"variant":"RED"',
    '"net":108,"gross":113.4,"purchase":150',
    '"id":"B-000001"',
    '"id":"B-000002"',
    '"state":"Finished"',
    '"state":"InProgress"',
    '"produced":{"sizes":["S","M","L"],"colors":["NAVY","RED"],"quantities":[[0,118,0],[0,0,80]]}',
    '"state":"Completed"',
    '"action":"complete"',
  ];
  expectInOrder(stdout, expectations);
  const history = JSON.parse(stdout.slice(stdout.lastIndexOf('{"items"')));
  // The first start is two entries: the batch's own, and the order's move to InProgress.
  expect(history.items.map((h: { action: string }) => h.action)).toEqual([
    'create',
    'matrixEdit',
    'plan',
    'release',
    'generate',
    'start',
    'start',
    'start',
    'finish',
    'finish',
    'complete',
  ]);
  expect(
    history.items.filter((h: { from: string; to: string }) => h.from === 'Released' && h.to === 'InProgress'),
  ).toHaveLength(1);
});
