// Runs the local stack in its own process for the benchmark, so load generation and the API do not
// share one event loop (in AWS they never do). Prints one JSON line when ready; stops on SIGTERM,
// SIGINT, or when the parent goes away (stdin closes).
import { freePort } from '../../infra/local/dynamo.js';
import { startLocalStack, type LocalStack } from '../../infra/local/stack.js';
import { countSequentialRoundTrips } from './sequential.js';

let stack: LocalStack | undefined;
let stopping = false;

async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await stack?.stop().catch((err: Error) => process.stderr.write(`stack stop failed: ${err.message}\n`));
  }
  process.exit(code);
}

process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));
process.stdin.on('end', () => void stop(0));
process.stdin.on('error', () => void stop(0));
process.stdin.resume();

try {
  stack = await startLocalStack({
    dataDir: ':memory:',
    port: 0,
    dynamoPort: await freePort(),
    quiet: true,
    exposeDynamoUsage: true,
    // The local events feed polls the table's stream: a stand-in for Streams -> EventBridge, which in
    // AWS runs beside the request path, not in it. Off so it does not compete for the CPU.
    events: false,
  });
  // The very client the handlers use (module state of functions/services.ts, loaded by the stack).
  const { documentClient } = await import('../../functions/services.js');
  const { currentUsage } = await import('../../functions/store/metrics.js');
  countSequentialRoundTrips(documentClient as never, currentUsage);
  process.stdout.write(
    `${JSON.stringify({ url: stack.url, dynamoEndpoint: stack.dynamoEndpoint, tableName: stack.tableName, keyFile: stack.keys.file, pid: process.pid })}\n`,
  );
} catch (err) {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  await stop(1);
}
