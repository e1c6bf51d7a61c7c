// The sidebar pictures (addon/preview/sidebar.ts): the real built sidebar drawn in Chromium.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { drawSidebarPictures } from '../../addon/preview/sidebar.js';

describe('the sidebar pictures', () => {
  it('draws the list, an open order, conflicts, ratio fill, an error, an amendment and a split as PNG files', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gf-preview-'));
    try {
      const files = await drawSidebarPictures(dir);
      expect(files.map((f) => path.basename(f))).toEqual([
        'sidebar-list.png',
        'sidebar-order.png',
        'sidebar-conflicts.png',
        'sidebar-ratio-fill.png',
        'sidebar-error.png',
        'sidebar-amend.png',
        'sidebar-split.png',
        'sidebar-milestones.png',
      ]);
      for (const f of files) {
        const png = readFileSync(f);
        expect(png.subarray(1, 4).toString()).toBe('PNG');
        // 300 CSS px at a device scale of 2: 600 px wide.
        expect(png.readUInt32BE(16)).toBe(600);
        expect(png.readUInt32BE(20)).toBeGreaterThan(200);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
