// Starts the real local stack (DynamoDB Local + the API) once for the whole test run. Vitest calls
// global setup for the root and for each project; they all share the one stack started first.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../infra/local/dynamo.js';
import { startLocalStack, type LocalStack } from '../../infra/local/stack.js';

let shared: Promise<{ stack: LocalStack; dataDir: string }> | undefined;
let users = 0;

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
    keyFile: string;
    dynamoEndpoint: string;
    tableName: string;
    dataDir: string;
  }
}

async function start() {
  // A throwaway folder (rather than ':memory:') so the signing key and events file are the run's own.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gf-test-'));
  const stack = await startLocalStack({
    dataDir,
    port: 0,
    dynamoPort: await freePort(),
    quiet: true,
    tablesInMemory: true,
    exposeDynamoUsage: true,
  });
  await createSharedIqTemplate(stack);
  return { stack, dataDir };
}

/** The IQ template the tech packs of support/fixtures.ts name (a tech pack's iqTemplate must exist). */
export const SHARED_IQ_TEMPLATE = 'IQ-TEE';

async function createSharedIqTemplate(stack: LocalStack) {
  const token = await stack.token({ email: 'setup@example.com', roles: ['admin'] });
  const res = await fetch(`${stack.url}/v1/iq-templates`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      code: SHARED_IQ_TEMPLATE,
      name: 'Tees: level II, major 2.5, minor 4.0',
      aql: { major: 2.5, minor: 4 },
    }),
  });
  if (res.status !== 201) {
    throw new Error(`creating IQ template ${SHARED_IQ_TEMPLATE}: ${res.status} ${await res.text()}`);
  }
}

export default async function setup(project: TestProject) {
  users += 1;
  shared ??= start();
  const { stack, dataDir } = await shared;
  project.provide('apiUrl', stack.url);
  project.provide('keyFile', stack.keys.file);
  project.provide('dynamoEndpoint', stack.dynamoEndpoint);
  project.provide('tableName', stack.tableName);
  project.provide('dataDir', stack.dataDir);
  return async () => {
    users -= 1;
    if (users > 0) return;
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
