import {
  CloudWatchClient,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type pg from 'pg';
import { config } from '../../cdk/lib/config.ts';
import { awsClientConfig } from '../../lambdas/shared/aws-access.ts';
import { METRIC_NAMESPACE } from '../../lambdas/shared/metric-names.ts';
import type { LocalCloud } from '../../localstack/cloud/local-cloud.ts';

/** This run's real figures, as the slot monitor and the consumers would publish them. */
interface Figures {
  slots: Array<{ slot_name: string; retained: number }>;
  maxLatency: number;
  dlqs: Array<{ name: string; depth: number }>;
}

interface ProbeAlarm {
  name: string;
  metric: string;
  dims: Array<{ Name: string; Value: string }>;
  threshold: number;
  value: number;
}

/**
 * Real figures of this run, published the way the slot monitor and the consumers do (issue 5 owns those; until
 * they are merged nothing else writes them locally): retained WAL per slot from pg_replication_slots, the DLQs'
 * depths, placed → settled latency of this run's orders; plus two probe alarms whose state the drill evaluates
 * from those figures and writes with SetAlarmState, as the local alarm evaluator will.
 */
export async function publishProbe(cloud: LocalCloud, db: pg.Client, customerId: string) {
  const cw = new CloudWatchClient(awsClientConfig(cloud.aws));
  const sqs = new SQSClient(awsClientConfig(cloud.aws));
  try {
    const now = new Date();
    const figures = await gatherFigures(cloud, db, sqs, customerId);
    await publishFigures(cw, figures, now);
    const alarms = probeAlarms(figures);
    await setProbeAlarms(cw, alarms);
    return {
      slots: figures.slots,
      maxLatencyMs: figures.maxLatency,
      dlqs: figures.dlqs,
      alarms: alarms.map((a) => ({ name: a.name, value: a.value, threshold: a.threshold })),
    };
  } finally {
    cw.destroy();
    sqs.destroy();
  }
}

async function gatherFigures(
  cloud: LocalCloud,
  db: pg.Client,
  sqs: SQSClient,
  customerId: string,
): Promise<Figures> {
  const slots = (
    await db.query<{ slot_name: string; retained: number }>(
      'SELECT slot_name, (pg_current_wal_lsn() - restart_lsn)::float8 AS retained FROM pg_replication_slots',
    )
  ).rows;
  const latencies = (
    await db.query<{ ms: number }>(
      `SELECT extract(epoch FROM updated_at - created_at)::float8 * 1000 AS ms FROM orders
       WHERE customer_id = $1 AND status <> 'pending'`,
      [customerId],
    )
  ).rows.map((r) => r.ms);
  const maxLatency = Math.max(0, ...latencies);
  const dlqs: Array<{ name: string; depth: number }> = [];
  for (const output of ['PaymentDlqUrl', 'InventoryDlqUrl', 'NotificationDlqUrl']) {
    const url = cloud.provisioned.outputs[output]!;
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    dlqs.push({
      name: url.split('/').pop()!,
      depth: Number(attributes.Attributes?.ApproximateNumberOfMessages ?? 0),
    });
  }
  return { slots, maxLatency, dlqs };
}

async function publishFigures(cw: CloudWatchClient, { slots, maxLatency, dlqs }: Figures, now: Date) {
  await cw.send(
    new PutMetricDataCommand({
      Namespace: METRIC_NAMESPACE,
      MetricData: [
        ...slots.map((slot) => ({
          MetricName: 'SlotRetainedWalBytes',
          Dimensions: [{ Name: 'SlotName', Value: slot.slot_name }],
          Value: slot.retained,
          Unit: 'Bytes' as const,
          Timestamp: now,
        })),
        {
          MetricName: 'SlotCapBytes',
          Value: config.maxSlotWalKeepSizeMb * 1024 * 1024,
          Unit: 'Bytes',
          Timestamp: now,
        },
        {
          MetricName: 'EndToEndLatency',
          Dimensions: [{ Name: 'Consumer', Value: 'payment' }],
          Value: maxLatency,
          Unit: 'Milliseconds',
          Timestamp: now,
        },
      ],
    }),
  );
  await cw.send(
    new PutMetricDataCommand({
      Namespace: 'AWS/SQS',
      MetricData: dlqs.map((q) => ({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: q.name }],
        Value: q.depth,
        Timestamp: now,
      })),
    }),
  );
}

function probeAlarms({ slots, maxLatency }: Figures): ProbeAlarm[] {
  return [
    {
      name: 'ui-honesty-probe-end-to-end-latency',
      metric: 'EndToEndLatency',
      dims: [{ Name: 'Consumer', Value: 'payment' }],
      threshold: 1000,
      value: maxLatency,
    },
    {
      name: 'ui-honesty-probe-slot-retained',
      metric: 'SlotRetainedWalBytes',
      dims: [{ Name: 'SlotName', Value: slots[0]?.slot_name ?? 'none' }],
      threshold: 512 * 1024 * 1024,
      value: slots[0]?.retained ?? 0,
    },
  ];
}

/** Creates each probe alarm and sets its state from the figure, as the local alarm evaluator will. */
async function setProbeAlarms(cw: CloudWatchClient, alarms: ProbeAlarm[]) {
  for (const alarm of alarms) {
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: alarm.name,
        Namespace: METRIC_NAMESPACE,
        MetricName: alarm.metric,
        Dimensions: alarm.dims,
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: alarm.threshold,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    const firing = alarm.value > alarm.threshold;
    await cw.send(
      new SetAlarmStateCommand({
        AlarmName: alarm.name,
        StateValue: firing ? 'ALARM' : 'OK',
        StateReason: `drill probe: ${Math.round(alarm.value)} ${firing ? '>' : '≤'} ${alarm.threshold}`,
      }),
    );
  }
}
