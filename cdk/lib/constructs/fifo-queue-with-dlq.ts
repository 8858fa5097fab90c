import type { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { config, redriveMaxReceiveCount } from '../config.ts';
import { deadLetterAlarm } from './dead-letter-alarm.ts';

export interface FifoQueueWithDlqProps {
  /** Must be at least the consuming function's timeout × `config.visibilityTimeoutFactor`. */
  visibilityTimeout: Duration;
  /** Receives before SQS itself moves a message to the DLQ. Default `redriveMaxReceiveCount()`: above what an
   *  outage of the whole budget spends, since the consumer quarantines (with a reason) long before. */
  maxReceiveCount?: number;
}

/**
 * A FIFO queue whose deduplication id is the event id (content-based dedup off), with a FIFO DLQ that keeps
 * messages 14 days and an alarm on the first dead letter. Both encrypted with SQS-managed keys, TLS only.
 */
export class FifoQueueWithDlq extends Construct {
  readonly queue: Queue;
  readonly dlq: Queue;
  readonly dlqAlarm: Alarm;

  constructor(scope: Construct, id: string, props: FifoQueueWithDlqProps) {
    super(scope, id);
    this.dlq = new Queue(this, 'Dlq', {
      // A FIFO queue's DLQ must itself be FIFO.
      fifo: true,
      contentBasedDeduplication: false,
      retentionPeriod: config.dlqRetention,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new Queue(this, 'Queue', {
      fifo: true,
      // Explicit: the router sets MessageDeduplicationId = event id. Content-based dedup would merge two
      // distinct events with identical bodies and would not catch a re-sent event whose body differs.
      contentBasedDeduplication: false,
      visibilityTimeout: props.visibilityTimeout,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: {
        queue: this.dlq,
        maxReceiveCount: props.maxReceiveCount ?? redriveMaxReceiveCount(),
      },
    });
    this.dlqAlarm = deadLetterAlarm(this, 'DlqNotEmpty', this.dlq, `${this.node.path} DLQ`);
  }
}
