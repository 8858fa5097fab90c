import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Identity } from '../auth/token.ts';
import { HttpProblem } from './http-problem.ts';

/**
 * The caller, as the HTTP API's Lambda authorizer vouched for it (`requestContext.authorizer.lambda`). API
 * Gateway never invokes the function without it; the check is here anyway so a route wired without the
 * authorizer fails closed (401) rather than open.
 */
export function callerIdentity(event: APIGatewayProxyEventV2): Identity {
  const context = (event.requestContext as { authorizer?: { lambda?: Partial<Identity> } }).authorizer
    ?.lambda;
  if (!context?.customerId || (context.role !== 'customer' && context.role !== 'oncall'))
    throw new HttpProblem(401, 'unauthenticated', 'sign in first');
  return { customerId: context.customerId, role: context.role };
}

/** The on-call role, or 403. */
export function requireOnCall(event: APIGatewayProxyEventV2): Identity {
  const identity = callerIdentity(event);
  if (identity.role !== 'oncall')
    throw new HttpProblem(403, 'forbidden', 'the on-call panel needs the oncall role');
  return identity;
}
