import type { CfnTemplate } from '../provision/index.ts';
import { type LocalAuthorizer, readAuthorizer } from './authorizer.ts';

/** An HTTP API route as the template declares it, ready to match request paths. */
export interface HttpRoute {
  routeKey: string;
  method: string;
  pattern: RegExp;
  parameterNames: string[];
  functionLogicalId: string;
  /** The route's Lambda authorizer (AuthorizationType CUSTOM), if any. */
  authorizer?: LocalAuthorizer;
}

export class UnsupportedRouteError extends Error {
  override name = 'UnsupportedRouteError';
}

function refTarget(value: unknown): string | undefined {
  const v = value as Record<string, unknown> | undefined;
  if (v && typeof v.Ref === 'string') return v.Ref;
  const join = v?.['Fn::Join'] as [string, unknown[]] | undefined;
  return join ? join[1].map(refTarget).find(Boolean) : undefined;
}

function integrationFunction(template: CfnTemplate, integrationId: string): string {
  const uri = template.Resources?.[integrationId]?.Properties?.IntegrationUri as
    | Record<string, unknown>
    | undefined;
  const getAtt = uri?.['Fn::GetAtt'] as [string, string] | undefined;
  if (!getAtt)
    throw new UnsupportedRouteError(`integration ${integrationId} does not target a Lambda function`);
  return getAtt[0];
}

/** `/orders/{id}` → a regex with one capture per `{param}` (and `{proxy+}` for the rest of the path). */
function compile(path: string): { pattern: RegExp; parameterNames: string[] } {
  const parameterNames: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      const param = /^\{([^}+]+)(\+?)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      parameterNames.push(param[1]!);
      return param[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { pattern: new RegExp(`^${source}$`), parameterNames };
}

/** Reads every AWS::ApiGatewayV2::Route of the template and the Lambda function behind it. */
export function httpRoutes(template: CfnTemplate): HttpRoute[] {
  const routes: HttpRoute[] = [];
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::ApiGatewayV2::Route') continue;
    const routeKey = String(resource.Properties?.RouteKey);
    const integrationId = refTarget(resource.Properties?.Target);
    if (!integrationId)
      throw new UnsupportedRouteError(`route ${id} (${routeKey}) has no integration target`);
    const [method, path] = routeKey.split(' ') as [string, string];
    const authorizerId = refTarget(resource.Properties?.AuthorizerId);
    const authorizationType = resource.Properties?.AuthorizationType ?? 'NONE';
    if (authorizationType !== 'NONE' && authorizationType !== 'CUSTOM')
      throw new UnsupportedRouteError(
        `route ${id} (${routeKey}): ${authorizationType} auth does not run locally`,
      );
    routes.push({
      ...(authorizationType === 'CUSTOM' && authorizerId
        ? { authorizer: readAuthorizer(template, authorizerId) }
        : {}),
      routeKey,
      method,
      ...compile(path),
      functionLogicalId: integrationFunction(template, integrationId),
    });
  }
  return routes;
}

export function matchRoute(
  routes: readonly HttpRoute[],
  method: string,
  path: string,
): { route: HttpRoute; pathParameters: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== method && route.method !== 'ANY') continue;
    const match = route.pattern.exec(path);
    if (!match) continue;
    const pathParameters = Object.fromEntries(
      route.parameterNames.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]),
    );
    return { route, pathParameters };
  }
  return undefined;
}
