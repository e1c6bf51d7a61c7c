// `npm run bench -- --smoke` runs end to end (its own local stack on free ports) and reports every
// section with numbers. A row may only say "not available yet" when what it measures is not in the
// code base: a route missing from ROUTE_SPECS or a file missing from the tree.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SECTION_IDS, type Row, type SectionResult } from '../../bench/lib/report.js';
import { ROUTE_SPECS } from '../../functions/http/routes.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ROUTES = new Set<string>(ROUTE_SPECS.map((r) => `${r.method} ${r.path}`));

function present(requirement: string): boolean {
  return requirement.startsWith('file:') ? existsSync(path.join(ROOT, requirement.slice(5))) : ROUTES.has(requirement);
}

function runSmoke(out: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['bench/run.ts', '--smoke', '--out', out], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), 120_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm run bench -- --smoke', () => {
  it('exits 0 and reports every section with numbers', async () => {
    const out = path.join(os.tmpdir(), `gf-bench-smoke-${process.pid}-${Date.now()}.json`);
    try {
      const run = await runSmoke(out);
      expect(run.code, `the smoke run failed:\n${run.stderr.slice(-4000)}`).toBe(0);
      const results = JSON.parse(readFileSync(out, 'utf8')) as {
        meta: { mode: string };
        sections: Record<string, SectionResult>;
      };
      expect(results.meta.mode).toBe('smoke');
      for (const id of SECTION_IDS) {
        const section = results.sections[id];
        expect(section, `section ${id} is missing from the results`).toBeDefined();
        expect(section.ok, `section ${id} failed: ${section.error}`).toBe(true);
        expect(section.rows.filter((r) => r.available).length, `section ${id} has no measured row`).toBeGreaterThan(0);
        for (const row of section.rows as Row[]) {
          const where = `${id} / ${row.name}`;
          if (row.available) {
            const values = Object.entries(row.metrics ?? {});
            expect(values.length, `${where} has no figures`).toBeGreaterThan(0);
            for (const [k, v] of values) expect(Number.isFinite(v), `${where}: ${k} = ${v}`).toBe(true);
          } else {
            // Skipped only while a feature it needs is missing from the code base.
            const missing = (row.requires ?? []).filter((r) => !present(r));
            expect(
              missing.length,
              `${where} was not measured although the code base has what it needs: ${row.reason}`,
            ).toBeGreaterThan(0);
          }
        }
      }
      expect(run.stdout).toContain('== Findings ==');
    } finally {
      rmSync(out, { force: true });
    }
  }, 150_000);
});
