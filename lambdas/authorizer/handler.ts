import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerResult,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { InvalidTokenError } from '../auth/errors.ts';
import { bearerToken, type Identity, verifyToken } from '../auth/token.ts';
import { boundedAwsClient } from '../shared/aws-client.ts';
import { requireEnv } from '../shared/env.ts';
import { lazy } from '../shared/lazy.ts';

/**
 * The HTTP API's Lambda authorizer (payload 2.0, simple responses): a valid token → `isAuthorized` with the
 * identity as context, which API Gateway hands the API function as `requestContext.authorizer.lambda`.
 * The signing key: `TOKEN_SIGNING_SECRET` when set (the local cloud sets its dev key, like DATABASE_URL), else
 * the Secrets Manager secret `TOKEN_SIGNING_SECRET_ARN` (AWS), read once per cold start.
 */
async function signingSecret(): Promise<string> {
  const local = process.env.TOKEN_SIGNING_SECRET;
  if (local) return local;
  const arn = requireEnv('TOKEN_SIGNING_SECRET_ARN');
  const out = await new SecretsManagerClient(boundedAwsClient).send(
    new GetSecretValueCommand({ SecretId: arn }),
  );
  if (!out.SecretString) throw new Error(`secret ${arn} has no string value`);
  return out.SecretString;
}

/** Read once per container; a failed read (Secrets Manager throttled or unreachable) is retried next time. */
const secret = lazy(signingSecret);

export async function handler(
  event: APIGatewayRequestAuthorizerEventV2,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<Identity> | APIGatewaySimpleAuthorizerResult> {
  const header = event.headers?.authorization ?? event.identitySource?.[0];
  const token = bearerToken(header);
  try {
    if (!token) throw new InvalidTokenError('no bearer token');
    return { isAuthorized: true, context: await verifyToken(await secret(), token) };
  } catch (error) {
    if (!(error instanceof InvalidTokenError)) throw error;
    console.warn(JSON.stringify({ message: 'token refused', reason: error.reason }));
    return { isAuthorized: false };
  }
}
