// docs/logistics.md's walk-through, run as the README's is (test/e2e/readme.test.ts): bash and curl
// against a fresh local stack, every answer the document shows checked in order.
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
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'gf-logistics-'));
  stack = await startLocalStack({ dataDir, port: 0, dynamoPort: await freePort(), quiet: true, tablesInMemory: true });
});
afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function walkthrough(): string {
  const doc = readFileSync(path.join(import.meta.dirname, '../../docs/logistics.md'), 'utf8');
  const block = /<!-- walkthrough:start -->\s*```sh\n([\s\S]*?)```\s*<!-- walkthrough:end -->/.exec(doc);
  if (!block) throw new Error('docs/logistics.md has no walkthrough block');
  return block[1];
}

it('the logistics walk-through nets requirements across orders against supply, with curl alone', async () => {
  const script = walkthrough().replaceAll('http://localhost:3000', stack.url);
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: path.join(import.meta.dirname, '../..'),
    env: { ...process.env, DATA_DIR: dataDir },
    timeout: 60_000,
  });
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
  let from = 0;
  for (const e of expectations) {
    const at = stdout.indexOf(e, from);
    expect(at, `${e} after position ${from} in:\n${stdout}`).toBeGreaterThanOrEqual(0);
    from = at;
  }
  // After the cancel, the Draft's RED demand is gone: one line left for the material.
  const last = JSON.parse(stdout.slice(stdout.lastIndexOf('{"items"')));
  expect(last.items.map((l: { variant: string }) => l.variant)).toEqual(['NAVY']);
});
