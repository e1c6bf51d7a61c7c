// Sequential round trips and the time spent waiting on DynamoDB, per API request.
// DynamoDB requests issued in parallel (Promise.all) cost one wait, not two. A middleware on an SDK
// client (the API's, added by bench/lib/stackChild.ts beside the project's own counter; the
// benchmark's own clients too) counts, per request tally, how many times the number of requests in
// flight rose from zero (`sequential`), and how long at least one was in flight (`dynamoMs`). It
// writes both into the tally the project's counter keeps (functions/store/metrics.ts), which the API
// already sends back in x-dynamo-usage, so the figures arrive with the request count.
interface Stackable {
  middlewareStack: {
    add(
      mw: (next: (args: any) => Promise<any>) => (args: any) => Promise<any>,
      opts: { step: 'initialize'; name: string },
    ): void;
  };
}

export interface UsageExtras {
  sequential?: number;
  dynamoMs?: number;
}

const inFlight = new WeakMap<object, { n: number; since: number }>();

export function countSequentialRoundTrips(client: Stackable, current: () => object | undefined): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const usage = current() as (UsageExtras & object) | undefined;
      if (!usage) return next(args);
      const state = inFlight.get(usage) ?? { n: 0, since: 0 };
      if (state.n === 0) {
        usage.sequential = (usage.sequential ?? 0) + 1;
        state.since = performance.now();
      }
      state.n += 1;
      inFlight.set(usage, state);
      try {
        return await next(args);
      } finally {
        state.n -= 1;
        if (state.n === 0)
          usage.dynamoMs = Math.round(((usage.dynamoMs ?? 0) + performance.now() - state.since) * 1000) / 1000;
      }
    },
    { step: 'initialize', name: 'benchSequentialRoundTrips' },
  );
}
