import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerResult,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { InvalidTokenError } from '../auth/errors.ts';
import { remoteKeySet } from '../auth/key-set.ts';
import { bearerToken, type Identity, verifyToken } from '../auth/token.ts';
import { authorizerSettings } from './settings.ts';

/**
 * The HTTP API's Lambda authorizer (payload 2.0, simple responses): a valid token → `isAuthorized` with the
 * identity as context, which API Gateway hands the API function as `requestContext.authorizer.lambda`.
 * Tokens are ES256, verified with the key their `kid` names in the issuer's JWKS (`TOKEN_JWKS_URL`), which each
 * container fetches on first use and keeps for `TOKEN_JWKS_CACHE_SECONDS`.
 */
const settings = authorizerSettings();
const keys = remoteKeySet({ url: settings.jwksUrl, cacheMaxAgeSeconds: settings.jwksCacheSeconds });

export async function handler(
  event: APIGatewayRequestAuthorizerEventV2,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<Identity> | APIGatewaySimpleAuthorizerResult> {
  const header = event.headers?.authorization ?? event.identitySource?.[0];
  const token = bearerToken(header);
  try {
    if (!token) throw new InvalidTokenError('no bearer token');
    return { isAuthorized: true, context: await verifyToken(keys, token, settings) };
  } catch (error) {
    if (!(error instanceof InvalidTokenError)) throw error;
    console.warn(JSON.stringify({ message: 'token refused', reason: error.reason }));
    return { isAuthorized: false };
  }
}
