import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { sqlClientFromEnv } from '../shared/db/from-env.ts';
import type { SqlClient } from '../shared/db/sql-client.ts';
import { HttpProblem } from './http-problem.ts';
import { problemResponse } from './problem-response.ts';
import { routes } from './routes.ts';

let db: Promise<SqlClient> | undefined;

/** Routes an API Gateway HTTP API (payload v2) request; validation and errors live in the modules it calls. */
export async function routeRequest(
  event: APIGatewayProxyEventV2,
  client: SqlClient,
): Promise<APIGatewayProxyStructuredResultV2> {
  const route = routes[event.routeKey];
  if (!route) throw new HttpProblem(404, 'route_not_found', `no route for ${event.routeKey}`);
  return route(client, event);
}

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(problemResponse())
  .handler(async (event) => {
    db ??= sqlClientFromEnv();
    return routeRequest(event, await db);
  });
