import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { boundedAwsClient } from '../shared/aws-client.ts';
import { sqlClientFromEnv } from '../shared/db/from-env.ts';
import { requireEnv } from '../shared/env.ts';
import { lazy } from '../shared/lazy.ts';
import { HttpProblem } from './http-problem.ts';
import { dynamoOrderList, type OrderListReader } from './order-list.ts';
import { problemResponse } from './problem-response.ts';
import { type ApiDeps, routes } from './routes.ts';

// Created on first use, so a route that needs none of them (POST /orders) never pays for the others; a failed
// first connection (the database restarting) is forgotten, so the next request tries again.
let orderList: OrderListReader | undefined;

const deps: ApiDeps = {
  db: lazy(sqlClientFromEnv),
  orderList: () => {
    orderList ??= dynamoOrderList(
      DynamoDBDocumentClient.from(new DynamoDBClient(boundedAwsClient)),
      requireEnv('ORDER_VIEW_TABLE'),
    );
    return orderList;
  },
};

/** Routes an API Gateway HTTP API (payload v2) request; validation and errors live in the modules it calls. */
export async function routeRequest(
  event: APIGatewayProxyEventV2,
  apiDeps: ApiDeps = deps,
): Promise<APIGatewayProxyStructuredResultV2> {
  const route = routes[event.routeKey];
  if (!route) throw new HttpProblem(404, 'route_not_found', `no route for ${event.routeKey}`);
  return route(apiDeps, event);
}

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(problemResponse())
  .handler(async (event) => routeRequest(event));
