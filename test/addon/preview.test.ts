// `npm run addon:preview -- --out DIR` end to end (its own local stack and Chromium): it writes the
// order-sheet and sidebar pictures as real PNG files. One test: it takes a while.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['addon/preview/cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), 270_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm run addon:preview', () => {
  it('draws the order sheet and sidebar pictures as PNG files', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'gf-preview-test-'));
    try {
      const r = await run(['--out', out]);
      expect(r.code, r.stderr.slice(-3000)).toBe(0);
      const sheets = [
        'order-draft-edits.png',
        'order-conflict.png',
        'order-in-progress.png',
        'order-30x40.png',
        'order-milestones.png',
        'batch-cells.png',
      ];
      for (const f of sheets) {
        const png = readFileSync(path.join(out, f));
        expect(png.subarray(0, 8).toString('hex'), f).toBe('89504e470d0a1a0a');
        // IHDR: width and height of a real screenshot, and enough bytes to be more than a blank page.
        expect(png.readUInt32BE(16), f).toBeGreaterThanOrEqual(1000);
        expect(png.readUInt32BE(20), f).toBeGreaterThanOrEqual(400);
        expect(png.length, f).toBeGreaterThan(30_000);
      }
      // The sidebar's, at its 300 px width (docs/addon.md uses these names).
      const sidebar = ['list', 'order', 'conflicts', 'ratio-fill', 'error', 'amend', 'split', 'milestones'].map(
        (n) => `sidebar-${n}.png`,
      );
      for (const f of sidebar) {
        const png = readFileSync(path.join(out, f));
        expect(png.subarray(0, 8).toString('hex'), f).toBe('89504e470d0a1a0a');
        expect(png.readUInt32BE(16), f).toBeGreaterThanOrEqual(300);
        expect(png.length, f).toBeGreaterThan(5_000);
      }
      expect(r.stdout.trim().split('\n')).toHaveLength(sheets.length + sidebar.length);
      expect((await run(['--only', 'nope', '--out', out])).code).toBe(2);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});
