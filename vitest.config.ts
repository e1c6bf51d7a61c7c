import { defineConfig } from 'vitest/config';

// One run: unit (no I/O), integration (one local stack on DynamoDB Local for the whole run),
// infra (CDK synth + assertions), addon (bundle in a vm + Chromium).
// Files named *.serial.test.ts change factory-wide state (settings) or act on the whole table (a
// replenishment run): they run alone, after the rest.
export default defineConfig({
  test: {
    globalSetup: ['test/support/globalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // The machine has 2 cores; DynamoDB Local's JVM needs one of them.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'parallel',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.serial.test.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'serial',
          include: ['test/**/*.serial.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
