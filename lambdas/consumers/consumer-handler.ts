import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { describeFailure } from '../shared/dependency-failure.ts';
import { METRIC_NAMESPACE, metricNames } from '../shared/metric-names.ts';
import { type ConsumerName, endToEndLatencyMs } from './dedupe.ts';
import { type BatchOutcome, fifoConsumer, logger } from './fifo-consumer.ts';
import { type ApplyStep, idempotent } from './idempotent.ts';
import { observeSequence, sequenceGuardFromEnv } from './sequence-guard.ts';

/**
 * `OldestMessageAgeAtReceive` (consumer lag, message-age.ts), `DependencyDown` (1 while the breaker is open, else 0: its alarm pages for the outage itself, within a minute),
 * `DependencyFailures` and `RecordsHandedBack` (how much of the traffic the outage is holding).
 */
function addOutageMetrics(metrics: Metrics, outcome: BatchOutcome): void {
  metrics.addMetric(metricNames.dependencyDown, MetricUnit.Count, outcome.breakerOpen ? 1 : 0);
  if (outcome.dependencyFailures > 0)
    metrics.addMetric(metricNames.dependencyFailures, MetricUnit.Count, outcome.dependencyFailures);
  if (outcome.handedBack > 0)
    metrics.addMetric(metricNames.recordsHandedBack, MetricUnit.Count, outcome.handedBack);
  if (outcome.oldestAgeSeconds !== null)
    metrics.addMetric(metricNames.oldestMessageAgeAtReceive, MetricUnit.Seconds, outcome.oldestAgeSeconds);
}

/**
 * A consumer Lambda: `fifoConsumer(idempotent(name, step))` plus the per-invocation wiring — the Lambda context
 * for the in-progress expiry, and `EndToEndLatency` (event `occurredAt` → after the side effect; dimension
 * `Consumer`) for events applied now, not for duplicates answered from the record. The message is acknowledged
 * by the batch processor only after `handle` resolved, i.e. after the side effect and the COMPLETED record.
 */
export function consumerHandler(name: ConsumerName, step: ApplyStep) {
  const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: `${name}-consumer` });
  // Only the agreed dimension: Powertools adds `service` by default, which would make a second metric identity.
  metrics.clearDefaultDimensions();
  metrics.setDefaultDimensions({ Consumer: name });
  const once = idempotent(name, step);
  const sequences = sequenceGuardFromEnv(name);
  return fifoConsumer(
    async (message) => {
      const delivery = await once.handle(message);
      if (delivery.kind === 'applied' && delivery.unsaved !== undefined) {
        metrics.addMetric(metricNames.idempotencyRecordUnsaved, MetricUnit.Count, 1);
        logger.warn('event applied, but its idempotency record could not be saved; acknowledged anyway', {
          consumer: name,
          eventId: message.eventId,
          orderId: message.aggregateId,
          error: describeFailure(delivery.unsaved),
        });
      }
      if (delivery.kind === 'applied') await observeSequence(sequences, message, metrics, logger);
      if (delivery.kind === 'applied')
        metrics.addMetric(
          'EndToEndLatency',
          MetricUnit.Milliseconds,
          endToEndLatencyMs(message.occurredAt, Date.now()),
        );
      logger.info(delivery.kind === 'applied' ? 'event applied' : 'duplicate absorbed', {
        consumer: name,
        eventId: message.eventId,
        orderId: message.aggregateId,
        eventType: message.eventType,
        outcome: delivery.applied.outcome,
        appliedBy: delivery.applied.appliedBy,
      });
      return delivery.kind === 'applied' ? 'applied' : 'duplicate';
    },
    { onBatch: (outcome) => addOutageMetrics(metrics, outcome) },
  )
    .before((request) => once.registerContext(request.context))
    .use(logMetrics(metrics));
}
