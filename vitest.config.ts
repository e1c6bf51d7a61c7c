import { defineConfig } from 'vitest/config';

// One run: unit (no I/O), integration (one local stack on DynamoDB Local for the whole run),
// infra (CDK synth + assertions), addon (bundle in a vm + Chromium).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/globalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // The machine has 2 cores; DynamoDB Local's JVM needs one of them.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
