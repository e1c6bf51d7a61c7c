// A document's walk-through (the sh block between <!-- walkthrough:start --> and <!-- walkthrough:end -->),
// run as a newcomer would: bash and curl against a fresh local stack of its own.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect } from 'vitest';
import { freePort } from '../../infra/local/dynamo.js';
import { type LocalStack, startLocalStack } from '../../infra/local/stack.js';

const run = promisify(execFile);
const ROOT = path.join(import.meta.dirname, '../..');

/**
 * Starts a fresh stack for the file's tests; `run()` runs the walk-through of `doc` (relative to the
 * repo): the block marked `<!-- walkthrough:start -->`, or with `name`, the one marked
 * `<!-- walkthrough:start name -->`. A document may hold several: one test file each (the handlers
 * serve one stack a process).
 */
export function walkthroughOf(doc: string, name?: string): { run: () => Promise<string> } {
  let stack: LocalStack;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'gf-walkthrough-'));
    stack = await startLocalStack({
      dataDir,
      port: 0,
      dynamoPort: await freePort(),
      quiet: true,
      tablesInMemory: true,
    });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    async run() {
      const text = readFileSync(path.join(ROOT, doc), 'utf8');
      const start = name ? `<!-- walkthrough:start ${name} -->` : '<!-- walkthrough:start -->';
      const at = text.indexOf(start);
      const block =
        at < 0 ? null : /^\s*```sh\n([\s\S]*?)```\s*<!-- walkthrough:end -->/.exec(text.slice(at + start.length));
      if (!block) throw new Error(`${doc} has no walkthrough block${name ? ` named ${name}` : ''}`);
      const script = block[1].replaceAll('http://localhost:3000', stack.url);
      const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: dataDir },
        timeout: 60_000,
      });
      return stdout;
    },
  };
}

/** Each expected text appears in the output, in this order. */
export function expectInOrder(stdout: string, expectations: readonly string[]): void {
  let from = 0;
  for (const e of expectations) {
    const at = stdout.indexOf(e, from);
    expect(at, `${e} after position ${from} in:\n${stdout}`).toBeGreaterThanOrEqual(0);
    from = at;
  }
}
