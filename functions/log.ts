// Logs and metrics of every function, made in one place: Powertools Logger (structured JSON, one
// object a line) and Powertools Metrics (CloudWatch embedded metric format, from the log stream: no
// API calls, no IAM). Each function calls `observability(<its service>)` once at module scope.
//
// The keys every function's summary line carries (one line per invocation):
//   requestId  the API Gateway request id (API, authorizer) or the Lambda request id
//   coldStart  true on the first invocation of a container (locally: of the process)
//   route      the API route id; the authorizer's route key; `stream` (publisher); `schedule`
//   status     the HTTP status (API, authorizer: 200 allowed, 403 denied); `ok` or `retry` (publisher),
//              `ok` (replenishment)
//   actor      who called: the API's actor id; the authorizer's caller; the job's own actor
// plus `durationMs` where the function measures it. Other lines carry requestId and coldStart too.
//
// Locally (npm start, tests) every line goes to stdout, as in Lambda. The local stack turns metrics
// off unless POWERTOOLS_METRICS_DISABLED=false is set (each request would add an EMF line).
import { Logger, type LogItem } from '@aws-lambda-powertools/logger';
import type { ConstructorOptions } from '@aws-lambda-powertools/logger/types';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export { MetricUnit };

/** CloudWatch namespace of every custom metric; the `service` dimension tells the functions apart. */
export const METRICS_NAMESPACE = 'GarmentFlow';

export const SERVICES = {
  api: 'garmentflow-api',
  authorizer: 'garmentflow-authorizer',
  publisher: 'garmentflow-publisher',
  replenishment: 'garmentflow-replenishment',
} as const;
export type ServiceName = (typeof SERVICES)[keyof typeof SERVICES];

/** Every custom metric name, in one list (dashboards and alarms refer to these). */
export const METRIC_NAMES = {
  /** API, per route (dimension `route`): time from the request's arrival to its answer. */
  routeLatency: 'RouteLatency',
  /** API, per route: DynamoDB round trips of one request (functions/store/metrics.ts counts them). */
  dynamoRequests: 'DynamoDBRequests',
  /** API, per route: capacity units those round trips consumed. */
  dynamoCapacity: 'DynamoDBCapacityUnits',
  /** API, per route: runs of the handler again after a write lost a race (functions/api.ts). */
  lostRaceRetries: 'LostRaceRetries',
  /** API, per route: answers replayed for a repeated Idempotency-Key. */
  idempotentReplays: 'IdempotentReplays',
  /** Authorizer, per reason (dimension `reason`): callers refused. */
  authorizerDenials: 'AuthorizerDenials',
  /** Publisher: events sent to EventBridge. */
  eventsPublished: 'EventsPublished',
  /** Replenishment: Draft orders a run created. */
  replenishmentOrdersCreated: 'ReplenishmentOrdersCreated',
  /** Replenishment: styles a run left for the next one (any reason). */
  replenishmentStylesSkipped: 'ReplenishmentStylesSkipped',
  /** Replenishment: styles a run could not process (skip reason ERROR). */
  replenishmentErrors: 'ReplenishmentErrors',
  /** Publisher: invocations that stopped at a record and asked Lambda to retry from it. */
  publishFailures: 'PublishFailures',
} as const;

/** The keys of a summary line (see the header). */
export interface InvocationKeys {
  requestId: string;
  coldStart: boolean;
  route?: string;
  status?: number | string;
  actor?: string;
}

/** Powertools' Logger, every level written as one JSON line on stdout (Lambda reads stdout and stderr alike). */
class JsonLinesLogger extends Logger {
  protected override printLog(_logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    process.stdout.write(`${JSON.stringify(log.getAttributes(), this.getJsonReplacer())}\n`);
  }

  protected override createLogger(options?: ConstructorOptions): Logger {
    return new JsonLinesLogger(options);
  }
}

export interface Observability {
  logger: Logger;
  metrics: Metrics;
  /** requestId and coldStart of this invocation; coldStart is true once per container. */
  invocation(requestId: string | undefined): InvocationKeys;
}

export function observability(service: ServiceName): Observability {
  const logger = new JsonLinesLogger({ serviceName: service });
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: service, logger });
  let cold = true;
  return {
    logger,
    metrics,
    invocation(requestId) {
      const coldStart = cold;
      cold = false;
      return { requestId: requestId ?? 'unknown', coldStart };
    },
  };
}
