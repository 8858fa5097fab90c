import { Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { config } from '../config.ts';
import { deadLetterAlarm } from './dead-letter-alarm.ts';

/**
 * A standard queue used as a Kinesis event-source mapping's on-failure destination. Lambda writes only
 * pointers here (shard, sequence range), so the records are replayed from the stream; 14-day retention and
 * an alarm on the first message.
 */
export class FailureQueue extends Construct {
  readonly queue: Queue;
  readonly alarm: Alarm;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // Standard, not FIFO: Lambda on-failure destinations do not support FIFO queues.
    this.queue = new Queue(this, 'Queue', {
      retentionPeriod: config.dlqRetention,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter destination (Kinesis on-failure pointers); nothing consumes it ' +
        'automatically, so there is no receive count after which a message could move on.',
    });
    this.alarm = deadLetterAlarm(this, 'NotEmpty', this.queue, this.node.path);
  }
}
