// The scheduled replenishment job (EventBridge Scheduler -> this function). The same run as
// POST /v1/replenishment/run and the local stack's interval: functions/replenishment/run.ts.
import type { Context } from 'aws-lambda';
import { METRIC_NAMES, MetricUnit, observability, SERVICES } from './log.js';
import { runReplenishment, SCHEDULE_ACTOR, type ReplenishmentRunResult } from './replenishment/run.js';
import { store } from './services.js';

/** Time kept back from the Lambda timeout to finish the writes in flight and answer. */
const SAFETY_MS = 20_000;

const { logger, metrics, invocation } = observability(SERVICES.replenishment);

export async function handler(
  _event?: unknown,
  context?: Pick<Context, 'getRemainingTimeInMillis'> & Partial<Pick<Context, 'awsRequestId'>>,
): Promise<ReplenishmentRunResult> {
  const keys = { ...invocation(context?.awsRequestId), route: 'schedule', actor: SCHEDULE_ACTOR.id };
  const deadline = context?.getRemainingTimeInMillis
    ? Date.now() + Math.max(1_000, context.getRemainingTimeInMillis() - SAFETY_MS)
    : undefined;
  const log = ({ level, message, ...rest }: Record<string, unknown>) => {
    const attributes = { ...keys, ...rest };
    if (level === 'ERROR') logger.error(String(message), attributes);
    else if (level === 'WARN') logger.warn(String(message), attributes);
    else logger.info(String(message), attributes);
  };
  const result = await runReplenishment(store, { actor: SCHEDULE_ACTOR, deadline, log });
  const reasons: Record<string, number> = {};
  for (const s of result.skipped) reasons[s.reason] = (reasons[s.reason] ?? 0) + 1;
  logger.info('replenishment run', {
    ...keys,
    status: 'ok',
    examined: result.examined,
    created: result.created.length,
    createdIds: result.created.slice(0, 100),
    skipped: reasons,
    durationMs: result.durationMs,
  });
  metrics.addMetric(METRIC_NAMES.replenishmentOrdersCreated, MetricUnit.Count, result.created.length);
  metrics.addMetric(METRIC_NAMES.replenishmentStylesSkipped, MetricUnit.Count, result.skipped.length);
  metrics.addMetric(METRIC_NAMES.replenishmentErrors, MetricUnit.Count, reasons.ERROR ?? 0);
  metrics.publishStoredMetrics();
  return result;
}
