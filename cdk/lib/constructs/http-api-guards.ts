import { RemovalPolicy } from 'aws-cdk-lib';
import { CfnStage, type HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { config } from '../config.ts';

/** Requests per second the API's default stage admits (steady rate and burst): 5× and 10× the 10 orders/s target. */
export const API_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

/**
 * Production guards on the order API's default stage, kept out of `order-api.ts` (which owns the routes and
 * their authorizer): JSON access logs to CloudWatch Logs, and a stage throttle so a runaway client meets a 429
 * at the edge before it can exhaust RDS Proxy connections behind the API. A route without an authorizer is left
 * to cdk-nag (AwsSolutions-APIG4), unacknowledged: every route has the token authorizer.
 */
export class HttpApiGuards extends Construct {
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, api: HttpApi) {
    super(scope, id);
    const stage = api.defaultStage?.node.defaultChild;
    if (!(stage instanceof CfnStage)) throw new Error(`${api.node.path} has no default stage`);
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: config.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    stage.accessLogSettings = {
      destinationArn: this.accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        routeKey: '$context.routeKey',
        status: '$context.status',
        ip: '$context.identity.sourceIp',
        requestTime: '$context.requestTime',
        latencyMs: '$context.responseLatency',
        integrationError: '$context.integrationErrorMessage',
      }),
    };
    stage.defaultRouteSettings = {
      throttlingRateLimit: API_THROTTLE.rateLimit,
      throttlingBurstLimit: API_THROTTLE.burstLimit,
    };
  }
}
