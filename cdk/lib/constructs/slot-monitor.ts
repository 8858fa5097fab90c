import { Duration, Validations } from 'aws-cdk-lib';
import { InterfaceVpcEndpoint, InterfaceVpcEndpointAwsService } from 'aws-cdk-lib/aws-ec2';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE } from '../../../lambdas/shared/metric-names.ts';
import type { HoldlineDatabase } from './database.ts';
import { HoldlineFunction } from './holdline-function.ts';

/** Namespace of the metrics Holdline publishes itself (slot monitor, consumers' EMF). */

/**
 * The slot monitor: every minute it reads pg_replication_slots, pg_ls_waldir() and pg_stat_activity and
 * publishes retained WAL, consumer lag, safe_wal_size, time-to-cap, inactive time and wal_status per slot
 * (namespace `Holdline`, dimension `SlotName`). The schedule is a plain `rate(1 minute)` rule, which the local
 * runtime runs every few seconds via `scheduleOverrides`.
 */
export class SlotMonitor extends Construct {
  readonly handler: HoldlineFunction;
  readonly schedule: Rule;

  constructor(scope: Construct, id: string, database: HoldlineDatabase) {
    super(scope, id);
    this.handler = new HoldlineFunction(this, 'Handler', {
      entry: 'lambdas/slot-monitor/handler.ts',
      serviceName: 'slot-monitor',
      // Four short queries and one PutMetricData; well inside the one-minute period.
      timeout: Duration.seconds(20),
      memorySize: 256,
      ...database.functionPlacement,
    });
    database.connectFunction(this.handler, 'monitor');
    // PutMetricData has no resource ARN; the condition limits the function to its own namespace.
    this.handler.addToRolePolicy(
      new PolicyStatement({
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': METRIC_NAMESPACE } },
      }),
    );
    // In the VPC (RDS variant) there is no NAT: PutMetricData needs the CloudWatch monitoring endpoint.
    const { vpc, vpcSubnets } = database.functionPlacement;
    if (vpc) {
      const endpoint = new InterfaceVpcEndpoint(this, 'MonitoringEndpoint', {
        vpc,
        service: InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING,
        ...(vpcSubnets ? { subnets: vpcSubnets } : {}),
      });
      Validations.of(endpoint).acknowledge({
        id: 'AwsSolutions-EC23',
        reason:
          "The endpoint's security group admits HTTPS from the VPC's own CIDR block only (CDK's default for " +
          'interface endpoints), never 0.0.0.0/0; cdk-nag cannot read the CIDR because it is a token.',
      });
    }
    this.schedule = new Rule(this, 'Schedule', {
      description: 'Holdline slot monitor: replication slot and WAL metrics every minute',
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(this.handler, { retryAttempts: 0 })],
    });
  }
}
