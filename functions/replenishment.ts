// The scheduled replenishment job (EventBridge Scheduler -> this function). The same run as
// POST /v1/replenishment/run and the local stack's interval: functions/replenishment/run.ts.
import type { Context } from 'aws-lambda';
import { log } from './log.js';
import { runReplenishment, SCHEDULE_ACTOR, type ReplenishmentRunResult } from './replenishment/run.js';
import { store } from './services.js';

/** Time kept back from the Lambda timeout to finish the writes in flight and answer. */
const SAFETY_MS = 20_000;

export async function handler(_event?: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<ReplenishmentRunResult> {
  const deadline = context?.getRemainingTimeInMillis ? Date.now() + Math.max(1_000, context.getRemainingTimeInMillis() - SAFETY_MS) : undefined;
  const result = await runReplenishment(store, { actor: SCHEDULE_ACTOR, deadline, log });
  const reasons: Record<string, number> = {};
  for (const s of result.skipped) reasons[s.reason] = (reasons[s.reason] ?? 0) + 1;
  log({
    level: 'INFO',
    message: 'replenishment run',
    examined: result.examined,
    created: result.created.length,
    createdIds: result.created.slice(0, 100),
    skipped: reasons,
    durationMs: result.durationMs,
  });
  return result;
}
