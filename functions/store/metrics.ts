// Counts DynamoDB round trips (and the capacity they consumed) per API request, with a middleware
// on the real SDK client: the request log line reports them, and the benchmark reads them.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface DynamoUsage {
  calls: number;
  byOperation: Record<string, number>;
  capacityUnits: number;
}

const current = new AsyncLocalStorage<DynamoUsage>();

export function newUsage(): DynamoUsage {
  return { calls: 0, byOperation: {}, capacityUnits: 0 };
}

/** Runs `fn` with its own tally; every DynamoDB command issued inside it is counted there. */
export function measureDynamo<T>(usage: DynamoUsage, fn: () => Promise<T>): Promise<T> {
  return current.run(usage, fn);
}

export function currentUsage(): DynamoUsage | undefined {
  return current.getStore();
}

type Capacity = { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined;

function capacityOf(c: Capacity): number {
  if (!c) return 0;
  return (Array.isArray(c) ? c : [c]).reduce((sum, x) => sum + (x.CapacityUnits ?? 0), 0);
}

/** One count per command sent (SDK retries of the same command are not new round trips we chose). */
export function countRoundTrips(client: DynamoDBClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const usage = current.getStore();
      const input = args.input as Record<string, unknown>;
      if (usage && input && !('ReturnConsumedCapacity' in input) && context.commandName !== 'DescribeTableCommand')
        input.ReturnConsumedCapacity = 'TOTAL';
      if (usage) {
        const op = (context.commandName ?? 'Unknown').replace(/Command$/, '');
        usage.calls += 1;
        usage.byOperation[op] = (usage.byOperation[op] ?? 0) + 1;
      }
      // A refused conditional write is a round trip too: counted above, before it can throw.
      const result = await next(args);
      if (usage) usage.capacityUnits += capacityOf((result.output as { ConsumedCapacity?: Capacity }).ConsumedCapacity);
      return result;
    },
    { step: 'initialize', name: 'garmentflowRoundTrips' },
  );
}
