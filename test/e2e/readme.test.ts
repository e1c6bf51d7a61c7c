// The README's walk-through, run as a newcomer would: bash and curl against a fresh local stack.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../../infra/local/dynamo.js';
import { startLocalStack, type LocalStack } from '../../infra/local/stack.js';

const run = promisify(execFile);
let stack: LocalStack;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'gf-readme-'));
  stack = await startLocalStack({ dataDir, port: 0, dynamoPort: await freePort(), quiet: true, tablesInMemory: true });
});
afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function walkthrough(): string {
  const readme = readFileSync(path.join(import.meta.dirname, '../../README.md'), 'utf8');
  const block = /<!-- walkthrough:start -->\s*```sh\n([\s\S]*?)```\s*<!-- walkthrough:end -->/.exec(readme);
  if (!block) throw new Error('README has no walkthrough block');
  return block[1];
}

it('the README walk-through takes an order from Draft to Completed with curl alone', async () => {
  const script = walkthrough().replaceAll('http://localhost:3000', stack.url);
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: path.join(import.meta.dirname, '../..'),
    env: { ...process.env, DATA_DIR: dataDir },
    timeout: 60_000,
  });
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
  let from = 0;
  for (const e of expectations) {
    const at = stdout.indexOf(e, from);
    expect(at, `${e} after position ${from} in:\n${stdout}`).toBeGreaterThanOrEqual(0);
    from = at;
  }
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
