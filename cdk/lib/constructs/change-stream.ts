import { RemovalPolicy } from 'aws-cdk-lib';
import { Stream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import type { Construct } from 'constructs';
import { config } from '../config.ts';

/**
 * A provisioned, encrypted Kinesis stream for one CDC feed. Provisioned (not on-demand) so the shard count,
 * and with it the per-key ordering and throughput a drill measures, is a fixed, reviewed number.
 */
export function changeStream(scope: Construct, id: string, shardCount = config.shardCount): Stream {
  return new Stream(scope, id, {
    streamMode: StreamMode.PROVISIONED,
    shardCount,
    retentionPeriod: config.streamRetention,
    // AWS-managed key: encryption at rest without a KMS grant on every producer and consumer.
    encryption: StreamEncryption.MANAGED,
    // Deleted with the stack (the CDK default retains it): a retained shard keeps billing by the hour, and the
    // stream is a 7-day relay, not a record of truth: the outbox and orders tables in Postgres are.
    removalPolicy: RemovalPolicy.DESTROY,
  });
}
