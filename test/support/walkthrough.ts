// A document's walk-through (the sh blocks between <!-- walkthrough:start --> and <!-- walkthrough:end -->,
// run in order as one script), as a newcomer would: bash and curl against a fresh local stack of its own.
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
      // Unnamed: every unnamed block of the document, in order, as one script (a document may split its
      // walk-through by section). Named: that one block, on a stack of its own.
      const pattern = name
        ? new RegExp(
            `<!-- walkthrough:start ${name} -->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\`\\s*<!-- walkthrough:end -->`,
            'g',
          )
        : /<!-- walkthrough:start -->\s*```sh\n([\s\S]*?)```\s*<!-- walkthrough:end -->/g;
      const blocks = [...text.matchAll(pattern)];
      if (blocks.length === 0) throw new Error(`${doc} has no walkthrough block${name ? ` named ${name}` : ''}`);
      const script = blocks
        .map((b) => b[1])
        .join('\n')
        .replaceAll('http://localhost:3000', stack.url);
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
