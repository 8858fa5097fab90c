import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { CfnTemplate } from '../provision/index.ts';
import type { InvokeResult } from '../runtime/index.ts';

/** A route's Lambda authorizer as the template declares it (REQUEST, payload 2.0, simple responses). */
export interface LocalAuthorizer {
  logicalId: string;
  functionLogicalId: string;
  /** `$request.header.Authorization`, `$request.querystring.token`, … */
  identitySource: string[];
  /** AuthorizerResultTtlInSeconds: verdicts are cached per identity-source values this long. 0 = no cache. */
  ttlSeconds: number;
}

export class UnsupportedAuthorizerError extends Error {
  override name = 'UnsupportedAuthorizerError';
}

function functionOfUri(uri: unknown): string | undefined {
  const join = (uri as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
  for (const part of join?.[1] ?? []) {
    const getAtt = (part as { 'Fn::GetAtt'?: [string, string] })?.['Fn::GetAtt'];
    if (getAtt) return getAtt[0];
  }
  return undefined;
}

/** Reads `AWS::ApiGatewayV2::Authorizer` `logicalId`; only what the local server can honour faithfully. */
export function readAuthorizer(template: CfnTemplate, logicalId: string): LocalAuthorizer {
  const props = template.Resources?.[logicalId]?.Properties ?? {};
  if (props.AuthorizerType !== 'REQUEST')
    throw new UnsupportedAuthorizerError(`${logicalId}: only REQUEST (Lambda) authorizers run locally`);
  if (props.AuthorizerPayloadFormatVersion !== '2.0' || props.EnableSimpleResponses !== true)
    throw new UnsupportedAuthorizerError(`${logicalId}: only payload 2.0 with simple responses runs locally`);
  const functionLogicalId = functionOfUri(props.AuthorizerUri);
  if (!functionLogicalId)
    throw new UnsupportedAuthorizerError(`${logicalId}: AuthorizerUri names no function`);
  return {
    logicalId,
    functionLogicalId,
    identitySource: (props.IdentitySource as string[] | undefined) ?? [],
    ttlSeconds: Number(props.AuthorizerResultTtlInSeconds ?? 300),
  };
}

function identityValue(event: APIGatewayProxyEventV2, source: string): string | undefined {
  const header = /^\$request\.header\.(.+)$/.exec(source);
  if (header) return event.headers[header[1]!.toLowerCase()];
  const query = /^\$request\.querystring\.(.+)$/.exec(source);
  if (query) return event.queryStringParameters?.[query[1]!];
  return undefined;
}

/** What API Gateway does before the integration: the response to send, or the event with the authorizer context. */
export type AuthorizeOutcome =
  | { kind: 'allow'; event: APIGatewayProxyEventV2 }
  | { kind: 'deny'; status: 401 | 403 | 500; body: { message: string } };

/**
 * API Gateway's HTTP API semantics for a Lambda authorizer: a missing identity source → 401 without invoking;
 * `isAuthorized: false` → 403; an authorizer failure → 500; otherwise the integration's event carries the
 * context as `requestContext.authorizer.lambda`. Verdicts are cached per identity-source values for the TTL.
 */
export function lambdaAuthorizer(
  invoke: (functionLogicalId: string, event: unknown) => Promise<InvokeResult>,
) {
  const cache = new Map<string, { until: number; allowed: boolean; context: Record<string, unknown> }>();
  return async (authorizer: LocalAuthorizer, event: APIGatewayProxyEventV2): Promise<AuthorizeOutcome> => {
    const values = authorizer.identitySource.map((source) => identityValue(event, source));
    if (values.some((v) => v === undefined || v === ''))
      return { kind: 'deny', status: 401, body: { message: 'Unauthorized' } };
    const key = `${authorizer.logicalId}\0${values.join('\0')}`;
    let verdict = cache.get(key);
    if (!verdict || verdict.until <= Date.now()) {
      const result = await invoke(authorizer.functionLogicalId, {
        version: '2.0',
        type: 'REQUEST',
        routeArn: `arn:aws:execute-api:us-east-1:000000000000:local/$default/${event.routeKey.replace(' ', '')}`,
        identitySource: values,
        routeKey: event.routeKey,
        rawPath: event.rawPath,
        rawQueryString: event.rawQueryString,
        headers: event.headers,
        queryStringParameters: event.queryStringParameters,
        pathParameters: event.pathParameters,
        requestContext: event.requestContext,
      });
      if (!result.ok) return { kind: 'deny', status: 500, body: { message: 'Internal Server Error' } };
      const payload = (result.payload ?? {}) as { isAuthorized?: unknown; context?: Record<string, unknown> };
      verdict = {
        until: Date.now() + authorizer.ttlSeconds * 1000,
        allowed: payload.isAuthorized === true,
        context: payload.context ?? {},
      };
      if (authorizer.ttlSeconds > 0) cache.set(key, verdict);
    }
    if (!verdict.allowed) return { kind: 'deny', status: 403, body: { message: 'Forbidden' } };
    return {
      kind: 'allow',
      event: {
        ...event,
        requestContext: { ...event.requestContext, authorizer: { lambda: verdict.context } },
      } as APIGatewayProxyEventV2,
    };
  };
}
