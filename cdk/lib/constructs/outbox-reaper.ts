import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import type { HoldlineDatabase } from './database.ts';
import { HoldlineFunction } from './holdline-function.ts';

/** Tunables of the outbox clean-up, with their reasons. */
export const outboxReaperSettings = {
  /** Days of outbox kept whole. 7: the order-events stream keeps 7 days, so an older event could not be
   *  replayed from the stream anyway; the outbox stays the longer-lived audit of what was emitted. */
  retentionDays: 7,
  /** Hourly, although partitions are daily: a run that could not get the lock (it waits at most
   *  `lockWaitMs` so it never queues in front of inserts) or failed is retried within the hour, and the
   *  coming days' partitions always exist long before they are needed (a miss would fill the default one). */
  schedule: Duration.hours(1),
  /** The longest a run waits for the outbox's lock before leaving a partition for the next run. */
  lockWaitMs: 1000,
  timeout: Duration.seconds(60),
};

/**
 * The outbox reaper: an EventBridge schedule → a Lambda that calls `outbox_reap_partitions()` (migration 0007):
 * daily partitions past the retention are dropped whole — DROP TABLE, not DELETE, so no dead tuples, no vacuum
 * debt and no index bloat for the write path to pay — unless they still hold unsent rows.
 */
export class OutboxReaper extends Construct {
  readonly handler: HoldlineFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, database: HoldlineDatabase) {
    super(scope, id);
    this.handler = new HoldlineFunction(this, 'Reaper', {
      entry: 'lambdas/outbox-reaper/handler.ts',
      serviceName: 'outbox-reaper',
      timeout: outboxReaperSettings.timeout,
      environment: {
        OUTBOX_RETENTION_DAYS: String(outboxReaperSettings.retentionDays),
        OUTBOX_REAP_LOCK_WAIT_MS: String(outboxReaperSettings.lockWaitMs),
      },
      ...database.functionPlacement,
    });
    database.connectFunction(this.handler, 'reaper');
    this.rule = new Rule(this, 'Schedule', {
      description: 'Drops outbox partitions past the retention; creates the coming days',
      schedule: Schedule.rate(outboxReaperSettings.schedule),
    });
    this.rule.addTarget(new LambdaFunction(this.handler, { retryAttempts: 2 }));
  }
}
