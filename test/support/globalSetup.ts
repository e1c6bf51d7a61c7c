// Starts the real local stack (DynamoDB Local in memory + the API) once for the whole test run.
import type { TestProject } from 'vitest/node';
import { freePort } from '../../infra/local/dynamo.js';
import { startLocalStack, type LocalStack } from '../../infra/local/stack.js';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let stack: LocalStack | undefined;
let dataDir: string | undefined;

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
    keyFile: string;
    dynamoEndpoint: string;
    tableName: string;
    dataDir: string;
  }
}

export default async function setup(project: TestProject) {
  // A throwaway folder (not ':memory:' for the key) so parallel runs never share a signing key.
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'gf-test-'));
  stack = await startLocalStack({ dataDir, port: 0, dynamoPort: await freePort(), quiet: true });
  project.provide('apiUrl', stack.url);
  project.provide('keyFile', stack.keys.file);
  project.provide('dynamoEndpoint', stack.dynamoEndpoint);
  project.provide('tableName', stack.tableName);
  project.provide('dataDir', stack.dataDir);
  return async () => {
    await stack?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
}
