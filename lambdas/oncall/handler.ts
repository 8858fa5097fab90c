import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HttpProblem } from '../api/http-problem.ts';
import { requireOnCall } from '../api/identity.ts';
import { jsonResponse, problemResponse } from '../api/problem-response.ts';
import { boundedAwsClient } from '../shared/aws-client.ts';
import { requireEnv } from '../shared/env.ts';
import { type GaugeWindow, gaugeWindowFromEnv } from './gauge-window.ts';
import { type Panel, readPanel } from './panel.ts';
import { ONCALL_NAME_PREFIX_ENV, type StackScope } from './stack-scope.ts';

let cloudWatch: CloudWatchClient | undefined;
let scope: StackScope | undefined;
let chartWindow: GaugeWindow | undefined;

/**
 * `GET /oncall/gauges` (role `oncall`): the four gauges with their alarm states, thresholds and charts of the
 * last hour. Its own function, outside the
 * VPC: it only talks to CloudWatch, which the isolated subnets of the order API cannot reach, and the order API
 * keeps no CloudWatch permissions.
 */
export async function onCallRoute(
  event: APIGatewayProxyEventV2,
  panel: () => Promise<Panel>,
): Promise<APIGatewayProxyStructuredResultV2> {
  if (event.routeKey !== 'GET /oncall/gauges')
    throw new HttpProblem(404, 'route_not_found', `no route for ${event.routeKey}`);
  requireOnCall(event);
  return jsonResponse(
    200,
    { generatedAt: new Date().toISOString(), ...(await panel()) },
    { 'cache-control': 'no-store' },
  );
}

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(problemResponse())
  .handler(async (event) =>
    onCallRoute(event, () => {
      cloudWatch ??= new CloudWatchClient(boundedAwsClient);
      scope ??= { namePrefix: requireEnv(ONCALL_NAME_PREFIX_ENV) };
      chartWindow ??= gaugeWindowFromEnv();
      return readPanel(cloudWatch, scope, chartWindow);
    }),
  );
