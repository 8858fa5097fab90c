import { ArnFormat, Aws, type CfnElement, Fn, Stack, Validations } from 'aws-cdk-lib';
import { DomainName, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { AUTHORIZER_ENV } from '../../../lambdas/authorizer/settings.ts';
import { ONCALL_NAME_PREFIX_ENV } from '../../../lambdas/oncall/stack-scope.ts';
import { config } from '../config.ts';
import type { HoldlineDatabase } from './database.ts';
import { HoldlineFunction } from './holdline-function.ts';

/** A custom domain for the API (context `apiDomainName` + `apiCertificateArn`: a regional ACM certificate). */
export interface ApiCustomDomain {
  domainName: string;
  certificateArn: string;
}

export interface OrderApiOptions {
  customDomain?: ApiCustomDomain | undefined;
  /** The token issuer's JWKS URL (cdk/lib/token-issuer.ts). */
  tokenJwksUrl: string;
}

/**
 * The order API: an HTTP API (payload v2) whose routes all go to one `Api` function, every route behind a Lambda
 * authorizer that verifies the caller's ES256 token with the key its `kid` names in the issuer's JWKS, and hands
 * the API function the customer id and role as `requestContext.authorizer.lambda`. The API, not the UI, decides
 * who sees what. The stack holds no signing key: the issuer does, and publishes only public keys.
 */
export class OrderApi extends Construct {
  readonly httpApi: HttpApi;
  readonly handler: HoldlineFunction;
  readonly authorizerFunction: HoldlineFunction;
  readonly onCallFunction: HoldlineFunction;
  /** The host CloudFront forwards API paths to: the custom domain when there is one, else execute-api. */
  readonly originDomain: string;
  /** The API's base URL: `https://<custom domain>`, or the execute-api endpoint. */
  readonly url: string;

  constructor(scope: Construct, id: string, database: HoldlineDatabase, options: OrderApiOptions) {
    super(scope, id);
    const { customDomain } = options;
    this.handler = new HoldlineFunction(this, 'Api', {
      entry: 'lambdas/api/handler.ts',
      serviceName: 'api',
      timeout: config.apiTimeout,
      ...database.functionPlacement,
    });
    database.connectFunction(this.handler, 'app');

    // The on-call gauges: their own function outside the VPC (the isolated subnets have no CloudWatch path),
    // with read-only CloudWatch calls, which IAM cannot narrow to resources.
    this.onCallFunction = new HoldlineFunction(this, 'OnCall', {
      entry: 'lambdas/oncall/handler.ts',
      serviceName: 'oncall',
      timeout: config.apiTimeout,
      // CloudFormation names the stack's queues and alarms `<stack>-…`: the panel shows those only.
      environment: { [ONCALL_NAME_PREFIX_ENV]: `${Aws.STACK_NAME}-` },
    });
    this.onCallFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics'],
        resources: ['*'],
      }),
    );
    this.onCallFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['cloudwatch:DescribeAlarms'],
        resources: [
          Stack.of(this).formatArn({
            service: 'cloudwatch',
            resource: 'alarm',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    Validations.of(this.onCallFunction).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'cloudwatch:GetMetricData and cloudwatch:ListMetrics exist only on Resource "*"; the on-call panel only ' +
        'reads metrics, never writes them.',
    });
    Validations.of(this.onCallFunction).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:*]',
      reason:
        "DescribeAlarms is read-only; the panel keeps only this stack's alarms (name prefix <stack>-, " +
        'lambdas/oncall/read-gauges.ts). The alarm names are generated, so no fixed list of ARNs exists.',
    });

    this.authorizerFunction = new HoldlineFunction(this, 'Authorizer', {
      entry: 'lambdas/authorizer/handler.ts',
      serviceName: 'authorizer',
      timeout: config.authorizerTimeout,
      environment: {
        [AUTHORIZER_ENV.jwksUrl]: options.tokenJwksUrl,
        [AUTHORIZER_ENV.jwksCacheSeconds]: String(config.tokenKeyCacheMaxAge.toSeconds()),
        [AUTHORIZER_ENV.maxAgeSeconds]: String(config.tokenMaxAge.toSeconds()),
        // API Gateway keeps a verdict this long: a token with less life left is refused, so none outlives its token.
        [AUTHORIZER_ENV.minRemainingSeconds]: String(config.authorizerCacheTtl.toSeconds()),
      },
    });
    const authorizer = new HttpLambdaAuthorizer('TokenAuthorizer', this.authorizerFunction, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      resultsCacheTtl: config.authorizerCacheTtl,
    });

    // With a custom domain, the default execute-api endpoint is switched off: the API answers only on the
    // domain CloudFront forwards to. Without one, execute-api IS CloudFront's origin and must stay on.
    const domain =
      customDomain &&
      new DomainName(this, 'Domain', {
        domainName: customDomain.domainName,
        certificate: Certificate.fromCertificateArn(this, 'Certificate', customDomain.certificateArn),
      });
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Holdline order API',
      defaultAuthorizer: authorizer,
      disableExecuteApiEndpoint: domain !== undefined,
      ...(domain ? { defaultDomainMapping: { domainName: domain } } : {}),
    });
    this.originDomain = domain
      ? domain.regionalDomainName
      : Fn.select(2, Fn.split('/', this.httpApi.apiEndpoint));
    this.url = customDomain ? `https://${customDomain.domainName}` : this.httpApi.apiEndpoint;
    const integration = new HttpLambdaIntegration('Api', this.handler);
    // Route keys must match lambdas/api/routes.ts, which dispatches on event.routeKey.
    this.httpApi.addRoutes({ path: '/orders', methods: [HttpMethod.POST, HttpMethod.GET], integration });
    this.httpApi.addRoutes({ path: '/orders/{id}', methods: [HttpMethod.GET], integration });
    this.httpApi.addRoutes({
      path: '/oncall/gauges',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('OnCall', this.onCallFunction),
    });
  }

  /** `GET /orders` reads the customer's list from the order view (its `byCustomer` index). */
  bindOrderView(table: ITable): void {
    table.grantReadData(this.handler);
    this.handler.addEnvironment('ORDER_VIEW_TABLE', table.tableName);
    Validations.of(this.handler).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(table.node.defaultChild as CfnElement)}.Arn>/index/*]`,
      reason:
        "GET /orders queries the view's byCustomer index; CDK's read grant covers that one table's indexes " +
        '(<table>/index/*), nothing wider.',
    });
  }
}
