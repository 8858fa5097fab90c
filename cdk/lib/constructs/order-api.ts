import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Construct } from 'constructs';
import { config } from '../config.ts';
import type { HoldlineDatabase } from './database.ts';
import { HoldlineFunction } from './holdline-function.ts';

/** The order API: an HTTP API (payload v2) whose routes all go to one `Api` function that writes Postgres. */
export class OrderApi extends Construct {
  readonly httpApi: HttpApi;
  readonly handler: HoldlineFunction;

  constructor(scope: Construct, id: string, database: HoldlineDatabase) {
    super(scope, id);
    this.handler = new HoldlineFunction(this, 'Api', {
      entry: 'lambdas/api/handler.ts',
      serviceName: 'api',
      timeout: config.apiTimeout,
      ...database.functionPlacement,
    });
    database.connectFunction(this.handler);

    this.httpApi = new HttpApi(this, 'HttpApi', { description: 'Holdline order API' });
    const integration = new HttpLambdaIntegration('Api', this.handler);
    // Route keys must match lambdas/api/routes.ts, which dispatches on event.routeKey.
    this.httpApi.addRoutes({ path: '/orders', methods: [HttpMethod.POST], integration });
    this.httpApi.addRoutes({ path: '/orders/{id}', methods: [HttpMethod.GET], integration });
  }
}
